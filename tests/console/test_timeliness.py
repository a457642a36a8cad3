"""Timeliness figures: on time / late / average delay in working days, across a holiday.

Deadlines are computed by the pipeline from the pack (7 working days, 2026 calendar):
decided 2026-09-29 → due 2026-10-14 (National Day 10-01…10-07; 10-10 is a make-up
Saturday); decided 2026-10-08 → due 2026-10-16.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.records.factories import penalty
from tests.staff import make_user
from xinyong.accounts.roles import Role
from xinyong.core import audit
from xinyong.records.models import Batch, CreditRecord, RecordType
from xinyong.records.pipeline import Importer, SourceRow, start_batch
from xinyong.records.timeliness import MonthFigures, monthly
from xinyong.subjects.models import Unit

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ACTOR = audit.Actor("cli:test")


def _record(unit: str, document: str, decided: str, received: datetime) -> CreditRecord:
    batch = start_batch(
        Unit.objects.get(code=unit), RecordType.objects.get(code="penalty"), Batch.Source.CLI, ACTOR
    )
    cells = penalty(document, CF_JDRQ=decided, CF_YXQ="2027-12-31")
    result = Importer(batch, ACTOR, today=date(2026, 11, 27)).run([SourceRow(2, cells, cells)])
    assert result.accepted == 1, result.errors
    record = CreditRecord.objects.get(document_number=document)
    CreditRecord.objects.filter(pk=record.pk).update(received_at=received)
    return record


def _at(day: str, time: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=SHANGHAI)


@pytest.fixture
def records(loaded_pack):
    made = [
        # September: due 10-14. On time to the last local minute; late 1 and 3 working days.
        _record("YN-GAT", "公罚〔2026〕1号", "2026-09-29", _at("2026-10-14", "23:30")),
        _record("YN-GAT", "公罚〔2026〕2号", "2026-09-29", _at("2026-10-15", "01:00")),
        _record("YN-GAT", "公罚〔2026〕3号", "2026-09-29", _at("2026-10-19")),
        # October: due 10-16. On time; late 2 working days (10-19, 10-20).
        _record("YN-GAT", "公罚〔2026〕4号", "2026-10-08", _at("2026-10-16")),
        _record("YN-GAT", "公罚〔2026〕5号", "2026-10-08", _at("2026-10-20")),
        # Another unit, on time.
        _record("YN-GXT", "工罚〔2026〕1号", "2026-09-29", _at("2026-10-09")),
    ]
    # A type no timeliness rule names does not count, whatever its dates.
    excluded = _record("YN-GAT", "公罚〔2026〕9号", "2026-09-29", _at("2026-12-01"))
    CreditRecord.objects.filter(pk=excluded.pk).update(
        record_type=RecordType.objects.get(code="commendation")
    )
    return made


def test_the_deadlines_come_from_the_pack_across_national_day(records):
    assert records[0].publication_deadline == date(2026, 10, 14)
    assert records[3].publication_deadline == date(2026, 10, 16)


def test_it_counts_on_time_late_and_the_average_delay_in_working_days(records):
    assert monthly() == [
        MonthFigures("YN-GAT", "2026-09", on_time=1, late=2, average_delay=2.0),
        MonthFigures("YN-GAT", "2026-10", on_time=1, late=1, average_delay=2.0),
        MonthFigures("YN-GXT", "2026-09", on_time=1, late=0, average_delay=None),
    ]


def test_it_reads_the_received_date_in_local_time(records):
    # 2026-10-15 01:00 in Kunming is still 10-14 in UTC: it is late all the same.
    assert records[1].publication_deadline == date(2026, 10, 14)
    september = monthly(["YN-GAT"])[0]
    assert (september.on_time, september.late) == (1, 2)


def test_it_filters_by_unit(records):
    assert [row.unit for row in monthly(["YN-GXT"])] == ["YN-GXT"]
    assert monthly(["YN-GSJ"]) == []


def test_the_command_prints_json_rows(records):
    out = StringIO()
    call_command("timeliness", "--json", "--unit", "YN-GAT", stdout=out)
    assert json.loads(out.getvalue()) == [
        {"unit": "YN-GAT", "month": "2026-09", "on_time": 1, "late": 2, "average_delay": 2.0},
        {"unit": "YN-GAT", "month": "2026-10", "on_time": 1, "late": 1, "average_delay": 2.0},
    ]


def test_the_command_prints_a_table(records):
    out = StringIO()
    call_command("timeliness", stdout=out)
    text = out.getvalue()
    assert "按时 on time" in text and "YN-GXT" in text and "2026-10" in text


def test_the_command_refuses_an_unknown_unit(loaded_pack):
    with pytest.raises(CommandError) as error:
        call_command("timeliness", "--unit", "NOPE", stdout=StringIO())
    assert "unit.unknown" in str(error.value)


def test_the_page_draws_the_chart_as_inline_svg(client, records):
    client.force_login(make_user("clerk-gat", "YN-GAT", Role.CLERK))
    response = client.get(reverse("console:timeliness"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<g class="bar" role="img"') == 2
    assert '<title id="bar-1">2026-09：按时 1 条，逾期 2 条，平均逾期 2.0 个工作日</title>' in html
    assert 'aria-labelledby="chart-title chart-desc"' in html and "<script" not in html
    assert "YN-GXT" not in html and 'name="unit"' not in html  # a clerk sees their unit only


def test_an_operator_chooses_the_unit(client, records):
    client.force_login(make_user("operator", "YN-FGW", Role.OPERATOR))
    html = client.get(reverse("console:timeliness"), {"unit": "YN-GXT"}).content.decode()
    assert '<option value="YN-GXT" selected>' in html
    assert html.count('<g class="bar" role="img"') == 1
