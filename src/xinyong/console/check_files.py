"""The files of a batch check (联合奖惩核查) in the console: the upload and the result.

The upload is an XLSX (or CSV) sheet whose first row names the columns; the subject is
found by the columns 统一社会信用代码, 身份证件号码 and 主体名称 (any of them; common
variants such as 社会信用代码, 身份证号码, 名称 or 姓名 are accepted). Other columns
are carried through unchanged. The sheet is read by `xinyong.records.readers`, which
refuses old .xls files and oversized workbooks and turns number cells into their digits.

The result is the same rows with the original columns (ID numbers masked) followed by
匹配结果, 主体, 所在名单, 适用措施（含依据）, 可享激励 and 候选主体（未确认）, and a
second sheet 核查回执 with the receipt: its number, who checked, when, for what purpose,
in which scene and against which data version. The result files are written in
Chinese, like the official forms they stand beside.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from xinyong.core import pii
from xinyong.core.errors import InvalidInput
from xinyong.lists.checks import MAX_SUBJECTS, SubjectQuery
from xinyong.lists.models import CheckReceipt
from xinyong.records.readers import open_table

USCC, ID_NUMBER, NAME = "uscc", "id_number", "name"
# Accepted headers, normalised (see `_normal`): the first of each is the standard one.
HEADERS: dict[str, tuple[str, ...]] = {
    USCC: ("统一社会信用代码", "社会信用代码", "信用代码", "uscc"),
    ID_NUMBER: (
        "身份证件号码",
        "身份证号码",
        "身份证号",
        "公民身份号码",
        "证件号码",
        "idnumber",
        "id_number",
    ),
    NAME: ("主体名称", "名称", "企业名称", "单位名称", "姓名", "name"),
}
RESULT_HEADERS = (
    "匹配结果",
    "主体",
    "所在名单",
    "适用措施（含依据）",
    "可享激励",
    "候选主体（未确认）",
)
RESULT_SHEET = "核查结果"
RECEIPT_SHEET = "核查回执"
EXCEL_CELL_LIMIT = 32_767
MAX_WIDTH = 60
WRAP = Alignment(wrap_text=True, vertical="top")
MATCHED_BY = {USCC: "统一社会信用代码", ID_NUMBER: "身份证件号码", NAME: "主体名称"}
KIND_NAMES = {
    "organisation": "法人及非法人组织",
    "individual_business": "个体工商户",
    "person": "自然人",
}


@dataclass
class Upload:
    """The sheet as read: its header, its rows (ID cells already masked) and the queries."""

    headers: list[str]
    rows: list[list[str]]
    queries: list[SubjectQuery]


def _normal(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).strip().lower()
    return re.sub(r"[\s*＊:：]", "", text)


def _columns(headers: Sequence[str]) -> dict[str, int]:
    """The position of the uscc, id_number and name columns found in the header."""
    found: dict[str, int] = {}
    normal = [_normal(header) for header in headers]
    for role, names in HEADERS.items():
        for name in names:  # the standard name first, then the variants
            if name in normal:
                found[role] = normal.index(name)
                break
    return found


def read_upload(path: Path) -> Upload:
    """Read the uploaded sheet; InvalidInput (file.*, check.*) when it cannot be used."""
    with open_table(path) as table:
        headers = [str(header).strip() for header in table.headers]
        columns = _columns(headers)
        if not columns:
            raise InvalidInput(
                "check.file_columns",
                _(
                    "文件第一行没有“统一社会信用代码”“身份证件号码”或“主体名称”列，"
                    "无法识别要核查的主体"
                ),
            )
        rows: list[list[str]] = []
        queries: list[SubjectQuery] = []
        for _number, cells in table.rows:
            if len(rows) >= MAX_SUBJECTS:
                raise InvalidInput(
                    "check.too_many",
                    _("一次最多核查 %(limit)s 个主体，请拆分文件"),
                    params={"limit": f"{MAX_SUBJECTS:,}"},
                )
            # A row without any of them is answered "none" with the reason, like a bad code.
            values = {role: cells[index].strip() for role, index in columns.items()}
            queries.append(
                SubjectQuery(
                    uscc=values.get(USCC, ""),
                    id_number=values.get(ID_NUMBER, ""),
                    name=values.get(NAME, ""),
                )
            )
            shown = list(cells)
            if ID_NUMBER in columns and shown[columns[ID_NUMBER]].strip():
                shown[columns[ID_NUMBER]] = _masked(shown[columns[ID_NUMBER]].strip())
            rows.append(shown)
    if not rows:
        raise InvalidInput("check.no_rows", _("文件只有列名行，没有要核查的主体"))
    return Upload(headers, rows, queries)


def _masked(value: str) -> str:
    return value if "*" in value else pii.mask(value)


def rows_from_results(results: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """The original columns of a stored check: what each subject was asked by."""
    headers = [HEADERS[USCC][0], HEADERS[ID_NUMBER][0], HEADERS[NAME][0]]
    rows = [
        [
            str(result.get("query", {}).get(USCC) or ""),
            _masked(str(result.get("query", {}).get(ID_NUMBER) or ""))
            if result.get("query", {}).get(ID_NUMBER)
            else "",
            str(result.get("query", {}).get(NAME) or ""),
        ]
        for result in results
    ]
    return headers, rows


# --- describing one result, in Chinese ----------------------------------------------------
def basis_text(basis: Any) -> str:
    """《title》document number section, from the answer's basis {source, title, …}."""
    if not isinstance(basis, Mapping):
        return str(basis or "")
    title = str(basis.get("title") or basis.get("source") or "")
    text = f"《{title}》" if title else ""
    if basis.get("document_number"):
        text += f"（{basis['document_number']}）"
    if basis.get("section"):
        text += str(basis["section"])
    return text


def match_text(result: Mapping[str, Any]) -> str:
    match = result.get("match")
    if match == "matched":
        by = MATCHED_BY.get(str(result.get("matched_by") or ""), "")
        return f"已匹配（按{by}）" if by else "已匹配"
    error = result.get("error") or {}
    reason = f"：{error.get('message', '')}" if error.get("message") else ""
    if match == "candidates":
        return f"未确认：有相似名称的候选主体{reason}"
    return f"未匹配{reason}"


def subject_text(result: Mapping[str, Any]) -> str:
    subject = result.get("subject")
    if not subject:
        return ""
    kind = KIND_NAMES.get(str(subject.get("kind") or ""), "")
    code = subject.get("code") or ""
    text = f"{subject.get('name', '')}（{code}）" if code else str(subject.get("name", ""))
    return f"{text} {kind}".strip()


def entries_text(result: Mapping[str, Any]) -> str:
    lines = []
    for entry in result.get("entries") or ():
        period = f"{entry.get('starts_on') or ''} 至 {entry.get('ends_on') or '符合移出条件时'}"
        parts = [f"名单编号 {entry.get('reference', '')}", period]
        if entry.get("unit"):
            parts.append(f"认定单位 {entry['unit']}")
        if entry.get("document_number"):
            parts.append(f"认定文书 {entry['document_number']}")
        lines.append(f"{entry.get('list_name', '')}（{'，'.join(parts)}）")
    return "\n".join(lines)


def _units(measure: Mapping[str, Any]) -> str:
    units = "、".join(str(unit) for unit in measure.get("units") or ())
    if measure.get("all_units"):
        return f"{units}及各有关部门按职责实施" if units else "各有关部门按职责实施"
    return units


def measures_text(result: Mapping[str, Any]) -> str:
    names = {e.get("list"): e.get("list_name") for e in result.get("entries") or ()}
    lines = []
    for measure in result.get("measures") or ():
        parts = [f"{measure.get('name', '')}"]
        if measure.get("basis"):
            parts.append(f"依据：{basis_text(measure['basis'])}")
        units = _units(measure)
        if units:
            parts.append(f"实施单位：{units}")
        grounds = [
            f"{names.get(ground.get('list')) or ground.get('list', '')}"
            f"（{ground.get('entry', '')}）"
            f"·{ground.get('memorandum_name', '')}"
            + (f"{ground['section']}" if ground.get("section") else "")
            for ground in measure.get("grounds") or ()
        ]
        if grounds:
            parts.append("因：" + "；".join(grounds))
        lines.append("；".join(parts))
    return "\n".join(lines)


def incentives_text(result: Mapping[str, Any]) -> str:
    lines = []
    for incentive in result.get("incentives") or ():
        parts = [str(incentive.get("name", ""))]
        if incentive.get("why"):
            parts.append(f"理由：{incentive['why']}")
        if incentive.get("basis"):
            parts.append(f"依据：{basis_text(incentive['basis'])}")
        lines.append("；".join(parts))
    return "\n".join(lines)


def candidates_text(result: Mapping[str, Any]) -> str:
    lines = []
    for candidate in result.get("candidates") or ():
        score = candidate.get("score")
        similarity = f"，相似度 {float(score):.2f}" if isinstance(score, int | float) else ""
        lines.append(
            f"{candidate.get('name', '')}（{candidate.get('code', '')}{similarity}，未确认）"
        )
    return "\n".join(lines)


def result_cells(result: Mapping[str, Any]) -> list[str]:
    return [
        match_text(result),
        subject_text(result),
        entries_text(result),
        measures_text(result),
        incentives_text(result),
        candidates_text(result),
    ]


# --- the workbook -------------------------------------------------------------------------
def _cell(sheet: Any, value: Any, **style: Any) -> WriteOnlyCell | str | None:
    """Text, never a formula: a cell "=HYPERLINK(…)" in the upload stays text.

    Plain text goes in as a str (a cell object per value costs most of the time of a
    100,000-row result); only text openpyxl would read as a formula, text with line
    breaks (wrapped) and styled cells become cell objects.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    if not text:
        return None
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - 1] + "…"
    if not style and not text.startswith("=") and "\n" not in text:
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if "\n" in text and "alignment" not in style:
        style["alignment"] = WRAP
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def receipt_facts(receipt: CheckReceipt) -> list[tuple[str, str]]:
    created = timezone.localtime(receipt.created_at)
    return [
        ("核查回执号", receipt.reference),
        ("核查时间", created.strftime("%Y-%m-%d %H:%M:%S")),
        ("核查单位", f"{receipt.unit.name}（{receipt.unit.code}）"),
        ("核查人", receipt.actor),
        ("应用场景", f"{receipt.scene.name}（{receipt.scene.code}）"),
        ("核查用途", receipt.purpose),
        ("数据版本", receipt.data_version),
        ("核查主体数", str(receipt.subject_count)),
        ("匹配主体数", str(receipt.matched_count)),
        ("在名单主体数", str(receipt.listed_count)),
        (
            "说明",
            "候选主体为名称相似的主体，未经确认，不能据此实施奖惩措施；"
            "凭核查回执号可在管理台查看本次核查结果，并通过接口反馈措施执行情况。",
        ),
    ]


def result_workbook(
    receipt: CheckReceipt,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    results: Sequence[Mapping[str, Any]],
) -> bytes:
    """The result XLSX: the rows (in the order checked) with the result columns, and the
    receipt sheet. `rows[i]` is the row of `results[i]`."""
    book = Workbook(write_only=True)
    book.properties.title = f"联合奖惩核查结果 {receipt.reference}"
    sheet = book.create_sheet(RESULT_SHEET)
    all_headers = [*headers, *RESULT_HEADERS]
    for index, header in enumerate(all_headers, start=1):
        wide = index > len(headers) + 1
        width = 50 if wide else min(MAX_WIDTH, max(12, 2 * len(header) + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header, font=bold) for header in all_headers])
    for row, result in zip(rows, results, strict=True):
        padded = list(row) + [""] * (len(headers) - len(row))
        sheet.append(
            [_cell(sheet, value) for value in padded[: len(headers)]]
            + [
                _cell(sheet, text, alignment=WRAP) if position else _cell(sheet, text)
                for position, text in enumerate(result_cells(result))
            ]
        )
    facts = book.create_sheet(RECEIPT_SHEET)
    facts.column_dimensions["A"].width = 16
    facts.column_dimensions["B"].width = 80
    for label, value in receipt_facts(receipt):
        facts.append([_cell(facts, label, font=bold), _cell(facts, value, alignment=WRAP)])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def result_filename(receipt: CheckReceipt) -> str:
    return f"check-{receipt.reference}.xlsx"
