"""`xinyong import` and `xinyong records list` on realistic penalty files.

The file carries every quirk of departmental data (DOMAIN.md): a lowercase USCC, a
masked USCC, an organisation code in the USCC column, dates written four ways, the
1900-1-1 placeholder in an optional date, 暂无, an amount in 万元 and one in 元, a person
with an ID number.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from openpyxl import Workbook

from tests.records.factories import id_number, uscc
from xinyong import cli
from xinyong.records.models import Batch, CreditRecord, QuarantinedRow, RecordVersion
from xinyong.subjects.identifiers import org_code_check_character
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db

# Column order of the 2019 national format (a subset, as a department exports it).
COLUMNS = [
    ("CF_XDR_MC", "行政相对人名称"),
    ("CF_XDR_LB", "行政相对人类别"),
    ("CF_XDR_SHXYM", "统一社会信用代码"),
    ("CF_FRDB", "法定代表人"),
    ("CF_XDR_ZJLX", "证件类型"),
    ("CF_XDR_ZJHM", "证件号码"),
    ("CF_WSH", "行政处罚决定书文号"),
    ("CF_WFXW", "违法行为类型"),
    ("CF_SY", "违法事实"),
    ("CF_YJ", "处罚依据"),
    ("CF_CFLB", "处罚类别"),
    ("CF_NR", "处罚内容"),
    ("CF_NR_FK", "罚款金额（万元）"),
    ("CF_NR_ZKDX", "暂扣或吊销证照名称及编号"),
    ("CF_JDRQ", "处罚决定日期"),
    ("CF_YXQ", "处罚有效期"),
    ("CF_GSJZQ", "公示截止期"),
    ("CF_CFJG", "处罚机关"),
    ("CF_CFJGDM", "处罚机关统一社会信用代码"),
    ("CF_SJLY", "数据来源单位"),
    ("CF_SJLYDM", "数据来源单位统一社会信用代码"),
    ("BZ", "备注"),
]
CODES = [code for code, _name in COLUMNS]
NAMES = [name for _code, name in COLUMNS]

# A company whose code holds letters, so that the lowercase copy really differs.
COMPANY_USCC = uscc("530102", "MA6K3P7L")
SHOP_USCC = uscc("530111", "L2T4U6W8", first="92")
POLICE_USCC = uscc("530000", "01523456", "11")
PERSON_ID = id_number("530102", "19850612", "031")
ORG_CODE = "01523457" + "-" + org_code_check_character("01523457")


def _row(document: str, **cells: str) -> dict[str, str]:
    row = {
        "CF_XDR_MC": "昆明鑫瑞商贸有限公司",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": COMPANY_USCC,
        "CF_FRDB": "王建国",
        "CF_XDR_ZJLX": "",
        "CF_XDR_ZJHM": "",
        "CF_WSH": document,
        "CF_WFXW": "销售不合格商品",
        "CF_SY": "经查，当事人销售的电热水壶经抽检不合格。",
        "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
        "CF_CFLB": "警告、罚款",
        "CF_NR": "警告，并处罚款人民币贰仟元整",
        "CF_NR_FK": "0.2",
        "CF_NR_ZKDX": "",
        "CF_JDRQ": "2019-05-22",
        "CF_YXQ": "2020-05-21",
        "CF_GSJZQ": "",
        "CF_CFJG": "云南省公安厅",
        "CF_CFJGDM": POLICE_USCC,
        "CF_SJLY": "云南省公安厅",
        "CF_SJLYDM": POLICE_USCC,
        "BZ": "",
    }
    row.update(cells)
    return row


# Spreadsheet row number (the header is row 1) → the row as the department wrote it.
ROWS: dict[int, dict[str, str]] = {
    # A lowercase USCC is the same code: accepted. Amount written "0.2万元".
    2: _row(
        "云公(治)罚〔2018〕101号",
        CF_XDR_SHXYM=COMPANY_USCC.lower(),
        CF_JDRQ="2018-7-27",
        CF_YXQ="2019-7-26",
        CF_NR_FK="0.2万元",
    ),
    # A masked copy from a publicity page is not a code.
    3: _row("云公(治)罚〔2019〕102号", CF_XDR_SHXYM="113300******82154n"),
    # A 9-character organisation code put in the USCC column.
    4: _row("云公(治)罚〔2019〕103号", CF_XDR_SHXYM=ORG_CODE),
    # 2019/05/22; placeholders: 1900-1-1 in an optional date, 暂无 in optional text.
    5: _row(
        "云公(治)罚〔2019〕104号", CF_JDRQ="2019/05/22", CF_GSJZQ="1900-1-1", CF_NR_ZKDX="暂无"
    ),
    # A date with a time of day, an individual business.
    6: _row(
        "云公(治)罚〔2019〕105号",
        CF_XDR_MC="五华区老李烧烤店",
        CF_XDR_LB="个体工商户",
        CF_XDR_SHXYM=SHOP_USCC,
        CF_FRDB="李明",
        CF_JDRQ="2019-5-22 0:00:00",
    ),
    # Eight digits.
    7: _row(
        "云公(治)罚〔2019〕106号", CF_JDRQ="20190522", CF_CFLB="警告", CF_NR="警告", CF_NR_FK=""
    ),
    # A natural person, identified by a valid resident ID number.
    8: _row(
        "云公(治)罚〔2019〕107号",
        CF_XDR_MC="赵小明",
        CF_XDR_LB="自然人",
        CF_XDR_SHXYM="",
        CF_FRDB="",
        CF_XDR_ZJLX="身份证",
        CF_XDR_ZJHM=PERSON_ID,
        CF_CFLB="行政拘留",
        CF_NR="行政拘留五日",
        CF_NR_FK="",
    ),
    # 暂无 in a required field is no value.
    9: _row("云公(治)罚〔2019〕108号", CF_YXQ="暂无"),
    # An amount in 元 where the column is in 万元.
    10: _row("云公(治)罚〔2019〕109号", CF_NR_FK="2000元"),
}
ACCEPTED = [2, 5, 6, 7, 8]
REJECTED = {
    3: ("CF_XDR_SHXYM", "uscc.masked"),
    4: ("CF_XDR_SHXYM", "uscc.org_code"),
    9: ("CF_YXQ", "field.required"),
    10: ("CF_NR_FK", "field.amount_unit"),
}


def penalty_table(
    headers: str = "names", rows: dict[int, dict[str, str]] | None = None
) -> list[list[str]]:
    rows = ROWS if rows is None else rows
    head = NAMES if headers == "names" else CODES
    return [head, *([row[code] for code in CODES] for _n, row in sorted(rows.items()))]


def write_csv(path: Path, table: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def penalty_csv(tmp_path: Path, name: str = "penalties.csv", **kwargs) -> Path:
    encoding = kwargs.pop("encoding", "utf-8")
    return write_csv(tmp_path / name, penalty_table(**kwargs), encoding)


def run_import(
    path: Path,
    *args: str,
    unit: str = "YN-GAT",
    type: str = "penalty",
    stderr: io.StringIO | None = None,
) -> str:
    out = io.StringIO()
    call_command(
        "import",
        str(path),
        "--type",
        type,
        "--unit",
        unit,
        *args,
        stdout=out,
        stderr=stderr or io.StringIO(),
    )
    return out.getvalue()


def import_json(path: Path, **kwargs) -> dict:
    return json.loads(run_import(path, "--json", **kwargs))


def _outcome(result: dict) -> tuple[int, int, int, int, dict[int, tuple[str, str]]]:
    errors = {e["row"]: (e["field"], e["code"]) for e in result["errors"]}
    return (result["accepted"], result["updated"], result["unchanged"], result["rejected"], errors)


# --- the rows a careful clerk expects -------------------------------------------------------


def test_it_accepts_the_valid_rows_and_rejects_each_faulty_one_with_its_code(loaded_pack, tmp_path):
    result = import_json(penalty_csv(tmp_path))
    assert _outcome(result) == (5, 0, 0, 4, REJECTED)
    assert CreditRecord.objects.count() == 5
    assert sorted(QuarantinedRow.objects.values_list("row_number", flat=True)) == [3, 4, 9, 10]


def test_it_normalises_codes_dates_amounts_and_placeholders(loaded_pack, tmp_path):
    import_json(penalty_csv(tmp_path))
    records = {r.document_number: r for r in CreditRecord.objects.select_related("subject")}
    first = records["云公(治)罚〔2018〕101号"]
    assert first.subject.uscc == COMPANY_USCC  # the lowercase copy found the same code
    assert first.decision_date.isoformat() == "2018-07-27"
    assert first.payload["CF_NR_FK"] == "0.2"
    assert first.categories == ["警告", "罚款"]
    fifth = records["云公(治)罚〔2019〕104号"]
    assert fifth.decision_date.isoformat() == "2019-05-22"
    assert "CF_GSJZQ" not in fifth.payload and "CF_NR_ZKDX" not in fifth.payload
    assert records["云公(治)罚〔2019〕105号"].decision_date.isoformat() == "2019-05-22"
    assert records["云公(治)罚〔2019〕105号"].subject.kind == "individual_business"
    assert records["云公(治)罚〔2019〕106号"].decision_date.isoformat() == "2019-05-22"
    # Five rows, three subjects: the company (three records), the shop and the person.
    assert Subject.objects.count() == 3


def test_a_person_is_stored_with_the_id_number_masked(loaded_pack, tmp_path):
    import_json(penalty_csv(tmp_path))
    person = Subject.objects.get(kind="person")
    record = CreditRecord.objects.get(subject=person)
    assert record.payload["CF_XDR_ZJHM"] == PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]
    assert PERSON_ID not in json.dumps(record.payload)


def test_code_headers_import_like_chinese_headers(loaded_pack, tmp_path):
    result = import_json(penalty_csv(tmp_path, headers="codes"))
    assert _outcome(result) == (5, 0, 0, 4, REJECTED)


def test_code_headers_in_the_variants_exporting_tools_write_import_too(loaded_pack, tmp_path):
    table = penalty_table(headers="codes")
    variants = {
        "CF_XDR_MC": "CF_XDR_MC（行政相对人名称）",
        "CF_WSH": "CF_WSH_1 (行政处罚决定书文号)",
        "CF_JDRQ": "CF＿JDRQ ",
        "CF_NR_FK": "CF-NR-FK（罚款金额（万元））",
    }
    table[0] = [variants.get(code, code) for code in table[0]]
    result = import_json(write_csv(tmp_path / "variants.csv", table))
    assert _outcome(result) == (5, 0, 0, 4, REJECTED)


LICENCE_CODES = [
    "XK_XDR_MC",
    "XK_XDR_LB",
    "XK_XDR_SHXYM",
    "XK_FRDB",
    "XK_XKWS",
    "XK_WSH",
    "XK_XKLB",
    "XK_NR",
    "XK_JDRQ",
    "XK_YXQZ",
    "XK_YXQZI",
    "XK_XKJG",
    "XK_XKJGDM",
    "XK_ZT",
    "XK_LYDW",
    "XK_LYDWDM",
]


def _licence(document: str, status: str, valid_to: str = "2024-05-21") -> list[str]:
    return [
        "昆明鑫瑞商贸有限公司",
        "法人及非法人组织",
        COMPANY_USCC,
        "王建国",
        "食品经营许可决定书",
        document,
        "普通",
        "食品销售经营者（预包装食品销售）",
        "2019-05-22",
        "2019-05-22",
        valid_to,
        "昆明市五华区市场监督管理局",
        POLICE_USCC,
        status,
        "昆明市五华区市场监督管理局",
        POLICE_USCC,
    ]


def test_the_licence_status_column_reads_the_legacy_codes(loaded_pack, tmp_path):
    rows = [
        _licence("五市监许〔2019〕1号", ""),
        _licence("五市监许〔2019〕2号", "1"),
        _licence("五市监许〔2019〕3号", "异议", "2099-12-31"),
        _licence("五市监许〔2019〕4号", "5"),
    ]
    path = write_csv(tmp_path / "licences.csv", [LICENCE_CODES, *rows])
    result = import_json(path, type="license")
    assert _outcome(result) == (3, 0, 0, 1, {5: ("XK_ZT", "field.status")})
    statuses = dict(CreditRecord.objects.values_list("document_number", "status"))
    assert statuses == {
        "五市监许〔2019〕1号": "normal",
        "五市监许〔2019〕2号": "revoked",
        "五市监许〔2019〕3号": "disputed",
    }


def test_a_licence_revoked_later_gets_a_revoked_version(loaded_pack, tmp_path):
    first = write_csv(tmp_path / "l1.csv", [LICENCE_CODES, _licence("五市监许〔2019〕1号", "0")])
    import_json(first, type="license")
    later = write_csv(tmp_path / "l2.csv", [LICENCE_CODES, _licence("五市监许〔2019〕1号", "撤销")])
    assert import_json(later, type="license")["updated"] == 1
    out = io.StringIO()
    call_command("records", "list", "--subject", COMPANY_USCC, "--json", stdout=out)
    (record,) = json.loads(out.getvalue())["records"]
    assert record["status"] == "revoked"
    assert [v["status"] for v in record["versions"]] == ["normal", "revoked"]


def test_a_gb18030_csv_imports_like_the_utf8_one(loaded_pack, tmp_path):
    result = import_json(penalty_csv(tmp_path, "gbk.csv", encoding="gb18030"))
    assert _outcome(result) == (5, 0, 0, 4, REJECTED)
    assert CreditRecord.objects.filter(subject__name="昆明鑫瑞商贸有限公司").count() == 3


def test_an_xlsx_imports_like_the_utf8_csv(loaded_pack, tmp_path):
    book = Workbook()
    sheet = book.active
    for row in penalty_table():
        sheet.append(row)
    path = tmp_path / "penalties.xlsx"
    book.save(path)
    result = import_json(path)
    assert _outcome(result) == (5, 0, 0, 4, REJECTED)


def test_importing_the_same_file_again_reports_every_row_unchanged(loaded_pack, tmp_path):
    path = penalty_csv(tmp_path)
    import_json(path)
    again = import_json(path)
    assert _outcome(again) == (0, 0, 5, 4, REJECTED)  # the faulty rows are rejected again
    assert CreditRecord.objects.count() == 5 and RecordVersion.objects.count() == 5
    assert QuarantinedRow.objects.count() == 8
    first, second = Batch.objects.order_by("pk")
    assert first.file_id == second.file_id  # the file is kept once


def test_a_changed_row_makes_a_new_version(loaded_pack, tmp_path):
    import_json(penalty_csv(tmp_path))
    rows = {**ROWS, 7: {**ROWS[7], "CF_NR": "警告（经复核更正）"}}
    result = import_json(penalty_csv(tmp_path, "corrected.csv", rows=rows))
    assert _outcome(result) == (0, 1, 4, 4, REJECTED)
    record = CreditRecord.objects.get(document_number="云公(治)罚〔2019〕106号")
    assert record.version == 2 and record.payload["CF_NR"] == "警告（经复核更正）"
    assert list(record.versions.values_list("number", "reason")) == [(1, "created"), (2, "updated")]


# --- output -----------------------------------------------------------------------------------


def test_the_json_output_has_exactly_the_documented_shape(loaded_pack, tmp_path):
    result = import_json(penalty_csv(tmp_path))
    assert list(result) == ["batch", "accepted", "updated", "unchanged", "rejected", "errors"]
    assert result["batch"] == Batch.objects.get().pk
    assert [list(e) for e in result["errors"]] == [
        ["row", "field", "code", "message", "message_en"]
    ] * 4
    masked = next(e for e in result["errors"] if e["row"] == 3)
    assert masked["message"] == "统一社会信用代码含有“*”，是脱敏后的代码，不能作为代码使用"
    assert masked["message_en"].startswith("The unified social credit code contains")


def test_the_human_summary_lists_each_rejected_row_in_both_languages(loaded_pack, tmp_path):
    out = run_import(penalty_csv(tmp_path))
    lines = out.splitlines()
    assert "新增 / accepted 5" in out and "拒收 / rejected 4" in out and "共 9 行" in out
    error = next(line for line in lines if line.startswith("3\t"))
    _row, field, code, message = error.split("\t")
    assert (field, code) == ("CF_XDR_SHXYM 统一社会信用代码", "uscc.masked")
    assert "脱敏" in message and " / The unified social credit code" in message
    assert any(line.startswith("9\tCF_YXQ 处罚有效期\tfield.required\t") for line in lines)


def test_on_a_terminal_it_shows_a_progress_bar_and_still_prints_the_summary(loaded_pack, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    out = run_import(penalty_csv(tmp_path), stderr=terminal)
    assert "rows" in terminal.getvalue() and "penalties.csv" in terminal.getvalue()
    assert "新增 / accepted 5" in out


def test_a_clean_file_prints_no_error_lines(loaded_pack, tmp_path):
    out = run_import(penalty_csv(tmp_path, rows={n: ROWS[n] for n in ACCEPTED}))
    assert "拒收 / rejected 0" in out and "\t" not in out


def test_the_report_option_writes_the_error_report(loaded_pack, tmp_path):
    report = tmp_path / "out" / "errors.xlsx"
    out = run_import(penalty_csv(tmp_path), "--report", str(report))
    assert report.read_bytes()[:2] == b"PK"  # a zip: an XLSX
    assert f"错误报告 / error report: {report}" in out


def test_the_report_option_writes_nothing_without_rejected_rows(loaded_pack, tmp_path):
    report = tmp_path / "errors.xlsx"
    stderr = io.StringIO()
    path = penalty_csv(tmp_path, rows={n: ROWS[n] for n in ACCEPTED})
    json.loads(run_import(path, "--json", "--report", str(report), stderr=stderr))
    assert not report.exists() and "no rejected rows" in stderr.getvalue()


# --- a refused file ---------------------------------------------------------------------------


def _refused(path: Path, *, unit: str = "YN-GAT", type: str = "penalty") -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "import",
            str(path),
            "--type",
            type,
            "--unit",
            unit,
            "--json",
            stdout=out,
            stderr=io.StringIO(),
        )
    assert error.value.returncode == 1
    return str(error.value), json.loads(out.getvalue())["error"]["code"]


def test_a_party_office_is_refused_penalties_and_nothing_is_imported(loaded_pack, tmp_path):
    message, code = _refused(penalty_csv(tmp_path), unit="YN-WMB")
    assert code == "batch.unit_not_allowed"
    assert message.startswith("batch.unit_not_allowed: ") and " / " in message
    assert CreditRecord.objects.count() == 0


def test_an_unknown_type_or_unit_is_refused(loaded_pack, tmp_path):
    path = penalty_csv(tmp_path)
    assert _refused(path, type="parking")[1] == "record_type.unknown"
    assert _refused(path, unit="YN-NOPE")[1] == "unit.unknown"
    assert _refused(tmp_path / "missing.csv")[1] == "file.missing"


def test_a_file_without_the_required_columns_is_refused(loaded_pack, tmp_path):
    table = [
        [cell for cell, name in zip(row, NAMES, strict=True) if name != "处罚决定日期"]
        for row in penalty_table()
    ]
    _message, code = _refused(write_csv(tmp_path / "short.csv", table))
    assert code  # the header module's code for missing columns
    assert CreditRecord.objects.count() == 0 and not Batch.objects.exists()


def test_a_file_in_an_unreadable_encoding_is_refused(loaded_pack, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes(b"\xff\xfe\x00\xd8" + "行政相对人名称,x\r\n".encode("utf-16-le")[:9])
    _message, code = _refused(path)
    assert code and CreditRecord.objects.count() == 0


def test_the_console_script_prints_the_refusal_without_a_traceback(
    loaded_pack, tmp_path, capsys, monkeypatch
):
    # Django closes every connection when a command ends; the test's transaction needs it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        cli.main(
            [
                "xinyong",
                "import",
                str(penalty_csv(tmp_path)),
                "--type",
                "penalty",
                "--unit",
                "YN-WMB",
            ]
        )
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert (
        "batch.unit_not_allowed" in err
        and "云南省精神文明建设指导委员会办公室" in err
        and "Traceback" not in err
    )


def test_the_console_script_exits_zero_when_rows_were_rejected(
    loaded_pack, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(connections, "close_all", lambda: None)
    cli.main(
        [
            "xinyong",
            "import",
            str(penalty_csv(tmp_path)),
            "--type",
            "penalty",
            "--unit",
            "YN-GAT",
            "--json",
        ]
    )
    assert json.loads(capsys.readouterr().out)["rejected"] == 4


# --- records list -----------------------------------------------------------------------------


def test_records_list_prints_a_subjects_records_with_their_versions(loaded_pack, tmp_path):
    import_json(penalty_csv(tmp_path))
    rows = {**ROWS, 2: {**ROWS[2], "CF_NR": "警告，并处罚款（更正）"}}
    import_json(penalty_csv(tmp_path, "v2.csv", rows=rows))
    out = io.StringIO()
    call_command("records", "list", "--subject", COMPANY_USCC.lower(), "--json", stdout=out)
    listing = json.loads(out.getvalue())
    assert listing["subject"]["code"] == COMPANY_USCC
    assert len(listing["records"]) == 3
    record = next(
        r for r in listing["records"] if r["document_number"] == "云公(治)罚〔2018〕101号"
    )
    assert (record["status"], record["version"], record["type"]) == ("normal", 2, "penalty")
    assert [(v["number"], v["reason"], v["status"]) for v in record["versions"]] == [
        (1, "created", "normal"),
        (2, "updated", "normal"),
    ]
    assert set(record["versions"][0]) == {
        "number",
        "created_at",
        "actor",
        "reason",
        "status",
        "hash",
    }
    assert record["versions"][1]["actor"].startswith("cli:")


def test_records_list_never_shows_a_full_id_number(loaded_pack, tmp_path):
    import_json(penalty_csv(tmp_path))
    masked = PERSON_ID[:4] + "*" * 10 + PERSON_ID[-4:]
    for extra in (["--json"], []):
        out = io.StringIO()
        call_command("records", "list", "--subject", PERSON_ID, *extra, stdout=out)
        assert PERSON_ID not in out.getvalue() and masked in out.getvalue()


def test_records_list_shows_a_readable_table(loaded_pack, tmp_path):
    import_json(penalty_csv(tmp_path))
    out = io.StringIO()
    call_command("records", "list", "--subject", SHOP_USCC, stdout=out)
    text = out.getvalue()
    assert "五华区老李烧烤店" in text and "云公(治)罚〔2019〕105号" in text
    assert "2019-05-22" in text and "正常 normal" in text and "v1 " in text


def test_records_list_of_an_unknown_subject_fails_with_its_code(loaded_pack):
    with pytest.raises(CommandError) as error:
        call_command("records", "list", "--subject", uscc(body="99999999"), stdout=io.StringIO())
    assert str(error.value).startswith("subject.unknown: ")
