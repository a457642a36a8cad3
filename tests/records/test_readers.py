"""Reading departmental CSV and XLSX files as a header and a stream of numbered rows."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from xinyong.core.errors import InvalidInput
from xinyong.records.readers import SNIFF_BYTES, cell_text, open_table

HEADER = "行政相对人名称,行政处罚决定书文号,罚款金额（万元）"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_all(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open_table(path) as table:
        return table.headers, list(table.rows)


def error_of(path: Path) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught, open_table(path) as table:
        list(table.rows)
    return caught.value


# --- CSV encodings ------------------------------------------------------------------

TEXT = (
    f"{HEADER}\r\n"
    "昆明某某商贸有限公司,昆市监罚〔2019〕12号,0.2\r\n"
    "张𠀀,昆市监罚〔2019〕13号,1\r\n"  # 𠀀 (U+20000) takes four bytes in GB18030
)
ROWS = [
    (2, ["昆明某某商贸有限公司", "昆市监罚〔2019〕12号", "0.2"]),
    (3, ["张𠀀", "昆市监罚〔2019〕13号", "1"]),
]


def test_it_reads_a_utf8_csv_as_headers_and_numbered_rows(tmp_path):
    path = write(tmp_path, "a.csv", TEXT.encode("utf-8"))
    with open_table(path) as table:
        assert (table.kind, table.encoding, table.header_row) == ("csv", "utf-8", 1)
        assert table.headers == ["行政相对人名称", "行政处罚决定书文号", "罚款金额（万元）"]
        assert isinstance(table.rows, Iterator)
        assert list(table.rows) == ROWS


def test_it_drops_the_bom_of_a_utf8_bom_csv(tmp_path):
    path = write(tmp_path, "a.csv", b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    with open_table(path) as table:
        assert table.encoding == "utf-8-sig"
        assert table.headers[0] == "行政相对人名称"
        assert list(table.rows) == ROWS


def test_it_reads_a_gb18030_csv_like_utf8(tmp_path):
    path = write(tmp_path, "a.csv", TEXT.encode("gb18030"))
    with open_table(path) as table:
        assert table.encoding == "gb18030"
        assert table.headers[2] == "罚款金额（万元）"
        assert list(table.rows) == ROWS


def test_it_reads_a_gbk_csv_as_gb18030(tmp_path):
    text = TEXT.replace("张𠀀", "张三")  # GBK has no characters outside the BMP
    path = write(tmp_path, "a.csv", text.encode("gbk"))
    headers, rows = read_all(path)
    assert headers[0] == "行政相对人名称"
    assert rows[1] == (3, ["张三", "昆市监罚〔2019〕13号", "1"])


def test_it_refuses_bytes_that_are_neither_utf8_nor_gb18030(tmp_path):
    noise = bytes(random.Random(7).randrange(128, 256) for _ in range(4096)) + b"\xff\xff"
    error = error_of(write(tmp_path, "a.csv", noise))
    assert error.code == "file.encoding"
    assert "UTF-8" in error.message_in("zh-hans")


def test_it_refuses_utf16_without_a_bom(tmp_path):
    error = error_of(write(tmp_path, "a.csv", TEXT.encode("utf-16-le")))
    assert error.code == "file.encoding"


def test_it_refuses_utf16_with_a_bom(tmp_path):
    error = error_of(write(tmp_path, "a.csv", TEXT.encode("utf-16")))
    assert error.code == "file.encoding"


def test_it_names_the_row_of_a_line_in_another_encoding_after_yielding_the_rows_before(
    tmp_path,
):
    line = "昆明某某商贸有限公司,昆市监罚〔2019〕12号,0.2\n"
    count = SNIFF_BYTES // len(line.encode("utf-8")) + 10  # past the sniffed block
    data = (HEADER + "\n" + line * count).encode("utf-8") + line.encode("gb18030")
    path = write(tmp_path, "a.csv", data)
    seen = 0
    with pytest.raises(InvalidInput) as caught, open_table(path) as table:
        assert table.encoding == "utf-8"
        for _number, _cells in table.rows:
            seen += 1
    assert seen == count
    assert caught.value.code == "file.encoding"
    assert caught.value.params["row"] == count + 2


def test_it_looks_past_a_pure_ascii_first_block_to_decide_the_encoding(tmp_path):
    filler = "XK_XDR_MC,XK_WSH\n" + "abc,123\n" * (SNIFF_BYTES // 8 + 5)
    data = filler.encode("ascii") + "昆明某某,昆〔2019〕1号\n".encode("gb18030")
    with open_table(write(tmp_path, "a.csv", data)) as table:
        assert table.encoding == "gb18030"
        *_, last = table.rows
    assert last[1] == ["昆明某某", "昆〔2019〕1号"]


def test_a_pure_ascii_csv_is_utf8(tmp_path):
    with open_table(write(tmp_path, "a.csv", b"CF_XDR_MC,CF_WSH\nx,y\n")) as table:
        assert table.encoding == "utf-8"


# --- CSV shape ----------------------------------------------------------------------


def test_it_keeps_spreadsheet_row_numbers_across_blank_rows(tmp_path):
    text = "名称,文号\n\n甲,1\n,\n  ,\t\n乙,2\n\n"
    _headers, rows = read_all(write(tmp_path, "a.csv", text.encode("utf-8")))
    assert rows == [(3, ["甲", "1"]), (6, ["乙", "2"])]


def test_leading_blank_rows_are_skipped_and_counted_before_the_header(tmp_path):
    with open_table(write(tmp_path, "a.csv", "\n,,\n名称,文号\n甲,1\n".encode())) as table:
        assert (table.header_row, table.headers) == (3, ["名称", "文号"])
        assert list(table.rows) == [(4, ["甲", "1"])]


def test_a_quoted_cell_with_line_breaks_is_one_row(tmp_path):
    text = '名称,违法事实\n甲,"第一行\n第二行"\n乙,x\n'
    _headers, rows = read_all(write(tmp_path, "a.csv", text.encode("utf-8")))
    assert rows == [(2, ["甲", "第一行\n第二行"]), (3, ["乙", "x"])]


def test_short_rows_are_padded_and_long_rows_trimmed_to_the_header(tmp_path):
    text = "a,b,c\n1\n1,2,3,4,5\n"
    _headers, rows = read_all(write(tmp_path, "a.csv", text.encode("utf-8")))
    assert rows == [(2, ["1", "", ""]), (3, ["1", "2", "3"])]


def test_it_reads_tab_separated_text_when_the_header_has_tabs_and_no_commas(tmp_path):
    text = "名称\t罚款金额（万元）\n甲\t1,000.5\n"
    headers, rows = read_all(write(tmp_path, "a.txt", text.encode("utf-8")))
    assert headers == ["名称", "罚款金额（万元）"]
    assert rows == [(2, ["甲", "1,000.5"])]


def test_cells_are_given_as_written_without_stripping(tmp_path):
    _headers, rows = read_all(write(tmp_path, "a.csv", "名称 ,文号\n 甲 ,1\n".encode()))
    assert rows == [(2, [" 甲 ", "1"])]


def test_a_csv_cell_beyond_the_csv_field_limit_is_reported_with_its_row(tmp_path):
    text = '名称,违法事实\n甲,x\n乙,"' + "长" * 200_000 + '"\n'
    error = error_of(write(tmp_path, "a.csv", text.encode("utf-8")))
    assert (error.code, error.params["row"]) == ("file.malformed", 3)


def test_bare_carriage_return_line_ends_are_refused_not_read_as_one_row(tmp_path):
    error = error_of(write(tmp_path, "a.csv", b"a,b\r1,2\r3,4\r"))
    assert (error.code, error.params["row"]) == ("file.malformed", 1)


def test_rows_cannot_be_read_after_the_table_is_closed(tmp_path):
    table = open_table(write(tmp_path, "a.csv", TEXT.encode("utf-8")))
    table.close()
    table.close()  # closing twice is harmless
    with pytest.raises(ValueError):
        list(table.rows)


# --- empty and unsupported files ----------------------------------------------------


def test_an_empty_file_is_refused(tmp_path):
    assert error_of(write(tmp_path, "a.csv", b"")).code == "file.empty"


def test_a_file_of_blank_lines_has_no_header_and_is_refused(tmp_path):
    assert error_of(write(tmp_path, "a.csv", b"\r\n,,\r\n \r\n")).code == "file.empty"


def test_a_header_without_rows_gives_no_rows(tmp_path):
    headers, rows = read_all(write(tmp_path, "a.csv", HEADER.encode("utf-8")))
    assert len(headers) == 3
    assert rows == []


def test_an_unknown_extension_is_refused(tmp_path):
    error = error_of(write(tmp_path, "a.pdf", b"%PDF-1.4"))
    assert error.code == "file.format"
    assert ".pdf" in error.message_in("zh-hans")


def test_an_xls_workbook_is_refused_with_a_request_for_xlsx_or_csv(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    error = error_of(write(tmp_path, "a.xls", ole))
    assert error.code == "file.format"
    assert ".xlsx" in error.message_in("zh-hans")
    assert ".xlsx" in error.message_in("en")


def test_a_damaged_xlsx_is_refused(tmp_path):
    assert error_of(write(tmp_path, "a.xlsx", b"not a workbook")).code == "file.format"
    assert error_of(write(tmp_path, "b.xlsx", b"PK\x03\x04broken")).code == "file.format"


def test_a_missing_file_is_refused(tmp_path):
    assert error_of(tmp_path / "missing.csv").code == "file.format"


# --- XLSX ---------------------------------------------------------------------------


def save_workbook(path: Path, rows: dict[str, object], extra_sheet: bool = True) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for cell, value in rows.items():
        sheet[cell] = value
    if extra_sheet:
        workbook.create_sheet("第二页")["A1"] = "不读"
    workbook.save(path)
    return path


def test_it_reads_the_first_sheet_of_an_xlsx_as_text_cells(tmp_path):
    path = save_workbook(tmp_path / "a.xlsx", {
        "A1": "行政相对人名称", "B1": "处罚决定日期", "C1": "决定日期2", "D1": "罚款金额（万元）",
        "E1": "证件号码", "F1": "文号", "G1": "布尔", "H1": "空",
        "A2": "昆明某某商贸有限公司", "B2": dt.date(2019, 5, 22),
        "C2": dt.datetime(2019, 5, 22, 13, 5, 1), "D2": 0.2, "E2": 530102199001011234,
        "F2": 20190522.0, "G2": True,
        "A3": "张三", "B3": dt.datetime(2019, 5, 22), "D3": 3, "E3": 123456789012345,
    })  # fmt: skip
    with open_table(path) as table:
        assert (table.kind, table.encoding) == ("xlsx", None)
        assert table.headers[0] == "行政相对人名称"
        rows = list(table.rows)
    assert rows == [
        (2, ["昆明某某商贸有限公司", "2019-05-22", "2019-05-22 13:05:01", "0.2",
             "530102199001011000", "20190522", "true", ""]),
        (3, ["张三", "2019-05-22", "", "3", "123456789012345", "", "", ""]),
    ]  # fmt: skip


def test_it_numbers_xlsx_rows_as_excel_shows_them(tmp_path):
    path = save_workbook(tmp_path / "a.xlsx", {
        "B3": "名称", "C3": "文号", "B4": "甲", "C4": "1", "B7": "乙", "C7": 2,
    })  # fmt: skip
    with open_table(path) as table:
        assert (table.header_row, table.headers) == (3, ["名称", "文号"])
        assert list(table.rows) == [(4, ["甲", "1"]), (7, ["乙", "2"])]


def test_an_xlsx_renamed_to_csv_is_read_as_xlsx(tmp_path):
    save_workbook(tmp_path / "a.xlsx", {"A1": "名称", "A2": "甲"})
    path = write(tmp_path, "a.csv", (tmp_path / "a.xlsx").read_bytes())
    with open_table(path) as table:
        assert table.kind == "xlsx"
        assert list(table.rows) == [(2, ["甲"])]


def test_an_empty_workbook_is_refused(tmp_path):
    path = save_workbook(tmp_path / "a.xlsx", {}, extra_sheet=False)
    assert error_of(path).code == "file.empty"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  原样 ", "  原样 "),
        (20190522.0, "20190522"),
        (-3.0, "-3"),
        (0.1 + 0.2, "0.3"),
        (0.00001, "0.00001"),
        (1234.5678, "1234.5678"),
        (5.301021990010113e17, "530102199001011000"),  # an ID typed as a number
        (6222021234567891.0, "6222021234567891"),  # below 2**53: every digit is real
        (42, "42"),
        (True, "true"),
        (False, "false"),
        (dt.date(2019, 5, 2), "2019-05-02"),
        (dt.datetime(2019, 5, 2, 0, 0), "2019-05-02"),
        (dt.datetime(2019, 5, 2, 8, 30), "2019-05-02 08:30:00"),
        (dt.time(8, 30), "08:30:00"),
        (dt.timedelta(hours=30, minutes=5), "30:05:00"),
    ],
)
def test_excel_cell_values_become_the_text_excel_shows(value, text):
    assert cell_text(value) == text


def test_an_xlsx_too_large_to_parse_in_memory_is_refused_with_a_request_for_csv(tmp_path, settings):
    rows = {
        f"{column}{n}": f"昆明某某商贸有限公司{n}{column}"
        for n in range(1, 3001)
        for column in "ABCDEFGHIJ"
    }
    path = save_workbook(tmp_path / "big.xlsx", rows)
    settings.XINYONG_XLSX_MAX_XML_MB = 1  # the sheet: about 2.5 MB of XML
    error = error_of(path)
    assert error.code == "file.too_large"
    assert "CSV" in error.message_in("zh-hans") and "CSV" in error.message_in("en")
    settings.XINYONG_XLSX_MAX_XML_MB = 10
    with open_table(path) as table:
        assert sum(1 for _ in table.rows) == 2999
