"""The error report of an import: the rejected rows as sent, with their errors, as XLSX.

A clerk opens it, corrects the cells and sends the rows again. Columns: the row number
as the source shows it ("行号"), the original columns in the original order, and
"错误 / errors" with every error of the row ("字段 field: 中文 / English [code]"), one
line each. The header row is bold and frozen.

The report holds the rows as received, personal ID numbers included: it goes back to
the reporting unit only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from xinyong.core import audit, pii
from xinyong.core.errors import XinyongError
from xinyong.records.imports import stored_path
from xinyong.records.models import Batch, QuarantinedRow
from xinyong.records.pipeline import QUARANTINE_CONTEXT
from xinyong.records.readers import open_table

ROW_HEADER = "行号"
ERRORS_HEADER = "错误 / errors"
SHEET_TITLE = "拒收行 rejected rows"
EXCEL_CELL_LIMIT = 32_767  # characters Excel holds in one cell
MAX_WIDTH = 60
CHUNK = 2000


def error_report(batch: Batch) -> bytes:
    """The XLSX error report of a batch's rejected rows (just the header row if none).

    Written in openpyxl's write-only mode with the rows streamed from the database: a
    file of a million rows may have many rejections.
    """
    headers = _file_headers(batch)
    if headers is None:  # an API batch: the keys sent, in catalogue order
        headers = _ordered(batch, {key for cells, _row in _rows(batch) for key in cells})
    names = {spec["code"]: spec.get("name") or spec["code"] for spec in batch.record_type.fields}

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    _widths(sheet, headers)
    sheet.freeze_panes = "B2"  # the header row and the row number stay in view
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append([_cell(sheet, h, font=bold) for h in [ROW_HEADER, *headers, ERRORS_HEADER]])
    for cells, row in _rows(batch):
        values = [str(cells.get(header, "")) for header in headers]
        errors = "\n".join(_describe(error, names) for error in row.errors)
        sheet.append(
            [
                row.row_number,
                *(_cell(sheet, value) for value in values),
                _cell(sheet, errors, alignment=wrap),
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(batch: Batch) -> Iterator[tuple[dict[str, Any], QuarantinedRow]]:
    query = batch.quarantine.order_by("row_number", "pk")
    for row in query.iterator(chunk_size=CHUNK):
        yield json.loads(pii.decrypt(row.cells_enc, QUARANTINE_CONTEXT)), row


def _cell(sheet: Any, value: str, **style: Any) -> WriteOnlyCell:
    """Text, never a formula: a department's cell "=HYPERLINK(…)" stays text."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def _describe(error: dict[str, Any], names: dict[str, str]) -> str:
    """'处罚决定日期 CF_JDRQ: 中文 / English [field.date]'; no field: '中文 / English [code]'."""
    text = f"{error.get('message', '')} / {error.get('message_en', '')} [{error.get('code', '')}]"
    field = error.get("field") or ""
    if not field:
        return text
    name = names.get(field)
    label = f"{name} {field}" if name and name != field else field
    return f"{label}: {text}"


def _file_headers(batch: Batch) -> list[str] | None:
    """The stored file's header row, as written and in its order (None for an API batch).

    The quarantined cells are canonical (key-sorted) JSON, so the order comes from the
    file; the cells are keyed by these headers (a repeated header keeps its last cell).
    """
    if batch.file is None:
        return None
    try:
        with open_table(stored_path(batch.file)) as table:
            return list(dict.fromkeys(str(header) for header in table.headers))
    except (OSError, XinyongError):
        return None  # the stored file is gone or unreadable: fall back to the keys


def _ordered(batch: Batch, keys: set[str]) -> list[str]:
    """Keys (field codes or Chinese names) in catalogue order, then any other, sorted."""
    rank: dict[str, int] = {}
    for index, spec in enumerate(batch.record_type.fields):
        rank.setdefault(spec["code"], index)
        rank.setdefault(spec.get("name") or spec["code"], index)
    return sorted(keys, key=lambda key: (rank.get(key, len(rank)), key))


def _widths(sheet: Any, headers: list[str]) -> None:
    sheet.column_dimensions["A"].width = 8
    for index, header in enumerate(headers, start=2):
        width = min(MAX_WIDTH, max(10, 2 * len(header) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.column_dimensions[get_column_letter(len(headers) + 2)].width = 80


def export_error_report(batch: Batch, actor: audit.Actor) -> bytes:
    """The error report as handed to a person: its cells may hold full ID numbers, so
    every export is audited with its purpose."""
    audit.record(
        "xinyong.batch.error_report_exported",
        actor,
        batch,
        {"purpose": "更正被拒收的行 / correct rejected rows", "rows": batch.quarantine.count()},
    )
    return error_report(batch)
