"""Rectification items tracked to closure, the quarterly assessment by the pack's rubric,
and the daily list of what is overdue."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command

from tests.complaints.conftest import ACTOR
from xinyong.complaints import complaints
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.core.models import AuditEvent
from xinyong.policy.models import Rule
from xinyong.subjects.models import Unit
from xinyong.supervision import assessment, rectifications
from xinyong.supervision.assessment import Quarter
from xinyong.supervision.overdue import overdue

pytestmark = pytest.mark.django_db
Q4 = Quarter(2026, 4)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def order(code="YN-RST", due=date(2026, 10, 30), today=date(2026, 10, 9)):
    return rectifications.order(
        unit(code),
        kind="deadline",
        reason="欠薪投诉办理超期。",
        due_on=due,
        actor=ACTOR,
        today=today,
    )


def wage_complaint(today=date(2026, 9, 30)):
    return complaints.file_complaint(
        campaign="wage-arrears",
        region="530000",  # the province as a whole: the route's fallback, 省人社厅
        subject_name="某公司",
        description="欠薪。",
        anonymous=True,
        channel="portal",
        actor=ACTOR,
        today=today,
    )


def test_a_rectification_is_closed_only_after_the_unit_reports(loaded_pack):
    item = order()
    with pytest.raises(InvalidInput) as caught:
        rectifications.close(item, actor=ACTOR, today=date(2026, 10, 20))
    assert caught.value.code == "rectification.no_progress"
    rectifications.report(item, progress="已约谈承办人，建立台账。", actor=ACTOR)
    rectifications.close(item, actor=ACTOR, today=date(2026, 10, 20))
    assert item.status == "closed" and not item.closed_late
    with pytest.raises(Conflict):
        rectifications.close(item, actor=ACTOR)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"xinyong.rectification.ordered", "xinyong.rectification.closed"} <= actions


def test_a_rectification_refuses_a_deadline_before_it_is_ordered(loaded_pack):
    with pytest.raises(InvalidInput) as caught:
        order(due=date(2026, 10, 1))
    assert caught.value.code == "rectification.due_in_past"


def test_quarters_parse_and_bound_themselves():
    assert Quarter.parse("2026q1").last == date(2026, 3, 31)
    assert Quarter.parse("2026Q4").first == date(2026, 10, 1)
    assert Quarter.of(date(2026, 8, 15)) == Quarter(2026, 3)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    with pytest.raises(InvalidInput):
        Quarter.parse("2026-4")


def test_the_assessment_scores_late_complaints_and_rectifications_by_the_rubric(loaded_pack):
    late = wage_complaint()
    complaints.decline(late, reasons="不属于受理范围。", actor=ACTOR, today=date(2026, 10, 20))
    on_time = wage_complaint()
    complaints.decline(on_time, reasons="重复投诉。", actor=ACTOR, today=date(2026, 10, 8))
    item = order(due=date(2026, 11, 2))
    rectifications.report(item, progress="已整改。", actor=ACTOR)
    rectifications.close(item, actor=ACTOR, today=date(2026, 11, 10))  # after its deadline

    scores = {s.unit.code: s for s in assessment.assess(Q4, today=date(2026, 12, 31))}
    rst = {item.item.measure: item for item in scores["YN-RST"].items}
    assert (rst["complaints_on_time"].share.done, rst["complaints_on_time"].share.due) == (1, 2)
    assert rst["complaints_on_time"].points == 15.0  # half of 30
    assert rst["rectifications_closed"].points == 0.0
    assert rst["records_on_time"].points == 20.0  # nothing due: full marks
    total = scores["YN-RST"].total
    assert total == sum(item.points for item in scores["YN-RST"].items)
    assert scores["YN-RST"].grade == ("较好" if total >= 75 else "一般" if total >= 60 else "差")


def test_the_grades_come_from_the_pack(loaded_pack):
    rule = Rule.objects.get(key="unit-assessment")
    rule.body = {
        **rule.body,
        "grades": [{"name": "达标", "at_least": 100}, {"name": "未达标", "at_least": 0}],
    }
    rule.save()
    late = wage_complaint()
    complaints.decline(late, reasons="x", actor=ACTOR, today=date(2026, 10, 20))
    scores = {s.unit.code: s for s in assessment.assess(Q4, today=date(2026, 12, 31))}
    assert scores["YN-RST"].grade == "未达标"


def test_overdue_lists_each_procedure_by_unit(loaded_pack):
    wage_complaint()  # acceptance due 2026-10-13
    order(due=date(2026, 10, 12))
    found = overdue(date(2026, 10, 14))
    assert [(row.kind, row.unit) for row in found] == [
        ("rectification", "YN-RST"),
        ("complaint", "YN-RST"),
    ]
    assert overdue(date(2026, 10, 12)) == []


def test_the_overdue_command_prints_json_and_text(loaded_pack, capsys):
    wage_complaint()
    call_command("overdue", "--date", "2026-10-14", "--json")
    body = json.loads(capsys.readouterr().out)
    assert body["total"] == 1 and body["items"][0]["kind"] == "complaint"
    call_command("overdue", "--date", "2026-10-14")
    text = capsys.readouterr().out
    assert "举报投诉" in text and "overdue: 1" in text
