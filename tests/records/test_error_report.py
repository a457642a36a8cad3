"""The XLSX error report: the rejected rows as sent, in the file's order, with their errors."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from tests.records.test_import_command import (
    CODES,
    NAMES,
    REJECTED,
    ROWS,
    import_json,
    penalty_csv,
    run_import,
)
from xinyong.accounts.tokens import create_token
from xinyong.core.audit import Actor
from xinyong.core.models import AuditEvent
from xinyong.records.models import Batch
from xinyong.records.report import error_report

pytestmark = pytest.mark.django_db


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_it_lists_the_rejected_rows_with_the_original_columns_and_errors(loaded_pack, tmp_path):
    batch = Batch.objects.get(pk=import_json(penalty_csv(tmp_path))["batch"])
    sheet = _sheet(error_report(batch))
    header, *rows = _rows(sheet)
    assert header == ["行号", *NAMES, "错误 / errors"]
    assert [row[0] for row in rows] == [3, 4, 9, 10]
    for row in rows:
        sent = ROWS[row[0]]
        # The cells exactly as sent (an empty cell comes back empty).
        assert [value or "" for value in row[1:-1]] == [sent[code] for code in CODES]
        field, code = REJECTED[row[0]]
        assert f"{field}: " in row[-1] and row[-1].endswith(f"[{code}]")
    masked = rows[0]
    assert masked[1 + CODES.index("CF_XDR_SHXYM")] == "113300******82154n"
    assert masked[-1] == (
        "统一社会信用代码 CF_XDR_SHXYM: "
        "统一社会信用代码含有“*”，是脱敏后的代码，不能作为代码使用 / "
        "The unified social credit code contains “*”: it is a masked copy and cannot be used as a "
        "code [uscc.masked]"
    )


def test_its_header_row_is_bold_and_frozen(loaded_pack, tmp_path):
    batch = Batch.objects.get(pk=import_json(penalty_csv(tmp_path))["batch"])
    sheet = _sheet(error_report(batch))
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "B2"


def test_a_row_with_several_errors_lists_every_one(loaded_pack, tmp_path):
    rows = {2: {**ROWS[2], "CF_JDRQ": "2019-02-30", "CF_NR_FK": "两千", "CF_WSH": ""}}
    batch = Batch.objects.get(pk=import_json(penalty_csv(tmp_path, rows=rows))["batch"])
    errors = _rows(_sheet(error_report(batch)))[1][-1].splitlines()
    assert [line.rsplit(" [", 1)[1] for line in errors] == [
        "field.required]",
        "field.amount]",
        "field.date]",
    ]
    assert any(line.startswith("处罚决定日期 CF_JDRQ: ") for line in errors)


def test_a_cell_that_looks_like_a_formula_stays_text(loaded_pack, tmp_path):
    rows = {2: {**ROWS[3], "BZ": '=HYPERLINK("http://example.invalid","点此")'}}
    batch = Batch.objects.get(pk=import_json(penalty_csv(tmp_path, rows=rows))["batch"])
    sheet = _sheet(error_report(batch))
    cell = sheet.cell(2, 1 + 1 + CODES.index("BZ"))
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_an_api_batch_keeps_the_catalogue_order_of_the_fields_sent(client, loaded_pack):
    _token, secret = create_token("YN-GAT", ["records:write"], Actor.cli())
    objects = [{code: value for code, value in reversed(ROWS[n].items()) if value} for n in (3, 2)]
    response = client.post(
        "/api/v1/records/penalty",
        data=json.dumps(objects),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    batch = Batch.objects.get(pk=response.json()["batch"])
    header, *rows = _rows(_sheet(error_report(batch)))
    sent = [code for code in CODES if ROWS[3][code]]
    assert header == ["行号", *sent, "错误 / errors"]
    assert [row[0] for row in rows] == [1]


def test_the_import_command_writes_a_report_that_opens(loaded_pack, tmp_path):
    report = tmp_path / "report.xlsx"
    run_import(penalty_csv(tmp_path), "--report", str(report))
    header, *rows = _rows(load_workbook(report).active)
    assert header[0] == "行号" and header[-1] == "错误 / errors" and len(rows) == 4
    event = AuditEvent.objects.get(action="xinyong.batch.error_report_exported")
    assert event.actor.startswith("cli:") and event.data["rows"] == 4
