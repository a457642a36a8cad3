"""Read a departmental spreadsheet (CSV or XLSX) as a header and a stream of rows.

`open_table(path)` returns a `Table` (a context manager; or call `close()`):

    with open_table(path) as table:
        table.headers      # list[str], the header row as written
        for number, cells in table.rows:   # streamed, never loaded as a list
            ...

Rows and numbering
  Numbers are the row numbers a spreadsheet shows. The header is the first row that is
  not blank (row 1 unless the sheet starts with blank rows); data rows follow it. Rows
  whose cells are all empty or whitespace are skipped, but still counted, so the numbers
  stay those of the sheet. A CSV record spanning several lines (a quoted cell with line
  breaks) is one row, as in Excel. Cells are padded with "" or trimmed to the width of
  the header row: values in columns to the right of the header are not read.

CSV (.csv, .txt, .tsv)
  Encoding: a UTF-8 BOM gives utf-8-sig; otherwise the first 1 MiB (and further 1 MiB
  blocks while they are pure ASCII, which decides nothing) is decoded as strict UTF-8,
  then as strict GB18030 (a superset of GBK and GB2312); an incomplete character at the
  end of the block is allowed. A file containing NUL bytes is UTF-16/32 or binary and
  is refused. Neither → `file.encoding`. Each line is then decoded strictly on its own
  (a newline byte never occurs inside a UTF-8 or GB18030 character), so a later line
  in another encoding fails with `file.encoding` naming its row, after the rows before
  it have been yielded. Delimiter: a tab when the first non-blank line has tabs and no
  commas (Excel's "Unicode/text" export), else a comma; no other sniffing. Line ends
  are \n or \r\n; a file with bare \r line ends (classic Mac) is `file.malformed`.

XLSX
  Read with python-calamine, first sheet of the workbook. calamine parses the whole
  sheet into its own compact Rust structure when the sheet is opened; Python objects
  are made one row at a time (`iter_rows`). Since the whole sheet is in memory, a
  workbook whose largest sheet plus shared strings exceed `XINYONG_XLSX_MAX_XML_MB`
  uncompressed is refused (`file.too_large`) before it is parsed: CSV streams.
  Cell values become text:
    str as is; int as digits; float that is integral → digits ("20190522", never
    "20190522.0"); other floats → at most 15 significant digits, as Excel displays
    them, without exponent ("0.3", not "0.30000000000000004"); date → "YYYY-MM-DD";
    datetime → "YYYY-MM-DD", plus " HH:MM:SS" when the time is not midnight; time →
    "HH:MM:SS"; duration → "[h]:MM:SS"; bool → "true"/"false"; empty → "".
  Integral numbers up to 2**53 keep every digit. Larger ones (an 18-digit ID number
  typed into a number cell) have already lost their last digits in the file itself,
  since Excel keeps 15 significant digits: they are written out in full anyway
  ("530102199001011000", not "5.30102199001011E+17"), and the ID validator rejects them
  on the check character rather than the reader hiding the problem.

Type detection
  By content first, so a renamed file still works: a ZIP signature is read as XLSX, an
  OLE2 signature (.xls, or a password-protected workbook) is refused with a message
  asking for .xlsx or .csv. Otherwise by extension: .csv/.txt/.tsv as text; .xlsx that
  is not a ZIP archive is a damaged workbook; anything else is refused (`file.format`).

Errors (all `InvalidInput`): `file.format`, `file.encoding`, `file.empty` (no bytes, or
no non-blank row to serve as header), `file.malformed` (CSV the csv module cannot parse).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import math
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook

from xinyong.core.errors import InvalidInput

Kind = Literal["csv", "xlsx"]
Row = tuple[int, list[str]]

SNIFF_BYTES = 1 << 20
TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Floats below 2**53 hold every integer exactly; above, digits past the 15th are noise.
EXACT_INTEGERS = 2**53
EXCEL_DIGITS = 15


class Table:
    """A header and a one-pass iterator of numbered rows; close it when done."""

    def __init__(
        self,
        kind: Kind,
        headers: list[str],
        rows: Iterator[Row],
        close: Callable[[], None],
        encoding: str | None = None,
        header_row: int = 1,
    ) -> None:
        self.kind = kind
        self.headers = headers
        self.rows = rows
        self.encoding = encoding
        self.header_row = header_row
        self._close: Callable[[], None] | None = close

    def close(self) -> None:
        if self._close is not None:
            closer, self._close = self._close, None
            closer()

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_table(path: Path) -> Table:
    """Open a CSV or XLSX file; raises `InvalidInput` (file.*) if it cannot be read."""
    kind = _detect_kind(path)
    return _open_xlsx(path) if kind == "xlsx" else _open_csv(path)


# --- errors -------------------------------------------------------------------------


def _unsupported(path: Path) -> InvalidInput:
    return InvalidInput(
        "file.format",
        _("不支持的文件类型“%(suffix)s”：请上传 .xlsx 或 .csv 文件（.xls 请另存为 .xlsx）"),
        params={"suffix": path.suffix or path.name},
    )


def _old_excel() -> InvalidInput:
    return InvalidInput(
        "file.format",
        _("无法读取旧版 Excel（.xls）或加密的工作簿：请另存为 .xlsx 或 .csv（不设密码）"),
    )


def _broken_xlsx() -> InvalidInput:
    return InvalidInput(
        "file.format", _("无法读取这个 Excel 文件，文件可能已损坏：请另存为 .xlsx 或 .csv 后重试")
    )


def _unreadable(path: Path) -> InvalidInput:
    return InvalidInput("file.format", _("无法打开文件“%(name)s”"), params={"name": path.name})


def _empty() -> InvalidInput:
    return InvalidInput("file.empty", _("文件为空，或没有列名行"))


def _unknown_encoding() -> InvalidInput:
    return InvalidInput(
        "file.encoding", _("文件编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV")
    )


def _undecodable_row(row: int, encoding: str) -> InvalidInput:
    return InvalidInput(
        "file.encoding",
        _("第 %(row)d 行的编码与文件开头（%(encoding)s）不同，请另存为 UTF-8 编码的 CSV"),
        params={"row": row, "encoding": encoding},
    )


def _malformed(row: int) -> InvalidInput:
    return InvalidInput(
        "file.malformed",
        _("第 %(row)d 行不是有效的 CSV 格式（如引号不成对），请检查后重新导出"),
        params={"row": row},
    )


# --- type detection -----------------------------------------------------------------


def _detect_kind(path: Path) -> Kind:
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(OLE_MAGIC))
    except OSError as exc:
        raise _unreadable(path) from exc
    if not magic:
        raise _empty()
    if magic.startswith(ZIP_MAGIC):
        return "xlsx"
    if magic == OLE_MAGIC:
        raise _old_excel()
    if path.suffix.lower() in TEXT_SUFFIXES:
        return "csv"
    if path.suffix.lower() in XLSX_SUFFIXES:
        raise _broken_xlsx()  # named .xlsx but not a ZIP archive
    raise _unsupported(path)


# --- rows common to both kinds ------------------------------------------------------


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _fit(cells: list[str], width: int) -> list[str]:
    if len(cells) == width:
        return cells
    return cells[:width] if len(cells) > width else cells + [""] * (width - len(cells))


def _split_header(numbered: Iterator[Row]) -> tuple[int, list[str]]:
    for number, cells in numbered:
        if not _is_blank(cells):
            return number, cells
    raise _empty()


def _data_rows(numbered: Iterator[Row], width: int) -> Iterator[Row]:
    for number, cells in numbered:
        if not _is_blank(cells):
            yield number, _fit(cells, width)


def _build(
    kind: Kind, numbered: Iterator[Row], close: Callable[[], None], encoding: str | None = None
) -> Table:
    try:
        header_row, headers = _split_header(numbered)
    except BaseException:
        close()
        raise
    rows = _data_rows(numbered, len(headers))
    return Table(kind, headers, rows, close, encoding=encoding, header_row=header_row)


# --- CSV ----------------------------------------------------------------------------


def _decodes(sample: bytes, encoding: str, final: bool) -> bool:
    # Incremental, so a character cut at the end of the sample is not an error.
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _sniff_encoding(handle: IO[bytes]) -> str:
    sample = handle.read(SNIFF_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # Pure ASCII is valid in both encodings: look further, block by block (nothing kept).
    # NUL bytes mean UTF-16/UTF-32 (or not text at all), which both would accept.
    while b"\x00" not in sample and sample.isascii() and len(sample) == SNIFF_BYTES:
        sample = handle.read(SNIFF_BYTES)
    if b"\x00" in sample:
        raise _unknown_encoding()
    final = len(sample) < SNIFF_BYTES
    for encoding in ("utf-8", "gb18030"):
        if _decodes(sample, encoding, final):
            return encoding
    raise _unknown_encoding()


def _decoded_lines(handle: IO[bytes], encoding: str) -> Iterator[str]:
    # Line by line: b"\n" is never part of a UTF-8 or GB18030 character, and a failure
    # then belongs to a known row instead of to an 8 KiB buffer.
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    for index, raw in enumerate(handle):
        if index == 0 and encoding == "utf-8-sig":
            raw = raw.removeprefix(codecs.BOM_UTF8)
        yield raw.decode(codec)


def _numbered_records(lines: Iterator[str], delimiter: str, encoding: str) -> Iterator[Row]:
    records = csv.reader(lines, delimiter=delimiter)
    number = 0
    while True:
        try:
            cells = next(records)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise _undecodable_row(number + 1, encoding) from exc
        except csv.Error as exc:
            raise _malformed(number + 1) from exc
        number += 1
        yield number, cells


def _peek_lines(lines: Iterator[str], encoding: str) -> list[str]:
    """The lines up to the first non-blank one, which decides the delimiter."""
    head: list[str] = []
    try:
        for line in lines:
            head.append(line)
            if line.strip():
                break
    except UnicodeDecodeError as exc:
        raise _undecodable_row(len(head) + 1, encoding) from exc
    return head


def _delimiter(line: str) -> str:
    return "\t" if "\t" in line and "," not in line else ","


def _open_csv(path: Path) -> Table:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise _unreadable(path) from exc
    try:
        encoding = _sniff_encoding(handle)
        handle.seek(0)
        lines = _decoded_lines(handle, encoding)
        head = _peek_lines(lines, encoding)
        delimiter = _delimiter(head[-1]) if head else ","
        numbered = _numbered_records(_chain(head, lines), delimiter, encoding)
    except BaseException:
        handle.close()
        raise
    return _build("csv", numbered, handle.close, encoding=encoding)


def _chain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest


# --- XLSX ---------------------------------------------------------------------------


def _number_text(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < EXACT_INTEGERS:
        return str(int(value))
    # Excel shows 15 significant digits; Decimal avoids the exponent of "%g".
    text = format(Decimal(format(value, f".{EXCEL_DIGITS}g")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _duration_text(value: dt.timedelta) -> str:
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"


def cell_text(value: Any) -> str:
    """One calamine cell value as the text a department typed or Excel shows."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        return _duration_text(value)
    return str(value)


def _xlsx_records(rows: Iterator[list[Any]]) -> Iterator[Row]:
    # calamine's iter_rows starts at the sheet's first row even when the data starts
    # lower (leading rows come as blank lists), so counting gives the sheet's numbers.
    for number, row in enumerate(rows, start=1):
        yield number, [cell_text(value) for value in row]


def _sheet_xml_mb(path: Path) -> float:
    """The largest sheet's XML plus the shared strings, uncompressed, in MB: what
    calamine holds in memory at once (read from the ZIP directory, nothing inflated)."""
    with zipfile.ZipFile(path) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    sheets = [size for name, size in sizes.items() if name.startswith("xl/worksheets/")]
    return (max(sheets, default=0) + sizes.get("xl/sharedStrings.xml", 0)) / 1e6


def _check_xlsx_size(path: Path) -> None:
    limit = settings.XINYONG_XLSX_MAX_XML_MB
    try:
        size = _sheet_xml_mb(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _broken_xlsx() from exc
    if size > limit:
        raise InvalidInput(
            "file.too_large",
            _(
                "这个 Excel 文件展开后约 %(size)s MB，超过 %(limit)s MB 的上限："
                "请另存为 CSV（UTF-8）后导入，CSV 文件没有这个限制"
            ),
            params={"size": round(size), "limit": limit},
        )


def _open_xlsx(path: Path) -> Table:
    _check_xlsx_size(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except OSError as exc:
        raise _unreadable(path) from exc
    except (CalamineError, ValueError) as exc:
        raise _broken_xlsx() from exc
    try:
        if not workbook.sheet_names:
            raise _empty()
        sheet = workbook.get_sheet_by_index(0)
        rows = iter(sheet.iter_rows()) if sheet.start is not None else iter(())
    except CalamineError as exc:
        workbook.close()
        raise _broken_xlsx() from exc
    except BaseException:
        workbook.close()
        raise
    return _build("xlsx", _xlsx_records(rows), workbook.close)
