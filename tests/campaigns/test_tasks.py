"""The task services: validation with stable codes, history and audit in step, overdue,
late completion, rescheduling with a reason, the unit's queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.campaigns.conftest import (
    ACTOR,
    CAMPAIGN,
    LEAD,
    OUTSIDER,
    OWNER,
    PARTICIPANT,
    new_task,
    unit,
)
from xinyong.campaigns import tasks
from xinyong.campaigns.models import Campaign, CampaignTask, TaskEvent
from xinyong.core.audit import action_labels
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.core.models import AuditEvent

pytestmark = pytest.mark.django_db

Status = CampaignTask.Status


def _today():
    return timezone.localdate()


def _audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- creating -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"title": "   "}, "task.required", "title"),
        ({"title": "长" * 201}, "task.too_long", "title"),
        ({"due_on": None}, "task.required", "due_on"),
        ({"starts_on": None}, "task.required", "starts_on"),
        ({"owner": None}, "task.required", "owner"),
        ({"due_on": "before"}, "task.due_before_start", "due_on"),
        ({"owner": OUTSIDER}, "task.unit_not_in_campaign", "owner"),
        ({"participants": [PARTICIPANT, OUTSIDER]}, "task.unit_not_in_campaign", "participants"),
    ],
)
def test_a_task_with_bad_input_is_refused_with_its_code_and_field(
    loaded_pack, changes, code, field
):
    today = _today()
    values = {
        "title": "建立诈骗号码关停名单",
        "owner": OWNER,
        "participants": [PARTICIPANT],
        "starts_on": today,
        "due_on": today + timedelta(days=60),
    }
    values.update(changes)
    if values["due_on"] == "before":
        values["due_on"] = today - timedelta(days=1)
    audit_before = AuditEvent.objects.count()

    with pytest.raises(InvalidInput) as refused:
        tasks.create_task(
            Campaign.objects.get(code=CAMPAIGN),
            title=values["title"],
            owner=unit(values["owner"]) if values["owner"] else None,
            participants=[unit(code) for code in values["participants"]],
            starts_on=values["starts_on"],
            due_on=values["due_on"],
            actor=ACTOR,
        )

    assert (refused.value.code, refused.value.field) == (code, field)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message_in("zh-hans"))
    assert CampaignTask.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_an_inactive_unit_cannot_own_a_task(loaded_pack):
    participant = unit(PARTICIPANT)
    participant.active = False
    participant.save(update_fields=["active"])
    with pytest.raises(InvalidInput) as refused:
        new_task(owner=PARTICIPANT, participants=())
    assert (refused.value.code, refused.value.field) == ("task.unit_inactive", "owner")


def test_creating_a_task_writes_its_history_and_the_audit_log(loaded_pack):
    task = new_task(participants=(PARTICIPANT, OWNER, LEAD))

    assert task.status == Status.PLANNED and task.progress == 0
    # The owner is not also a participant.
    assert sorted(task.participants.values_list("code", flat=True)) == [PARTICIPANT, LEAD]
    event = task.events.get()
    assert event.action == TaskEvent.Action.CREATED and event.actor == ACTOR.label
    assert event.data["owner"] == OWNER
    assert event.data["due_on"] == task.due_on.isoformat()
    [logged] = _audit("xinyong.task.created")
    assert logged.object_type == "campaigns.campaigntask" and logged.object_id == str(task.pk)
    assert logged.data["campaign"] == CAMPAIGN and logged.data["owner"] == OWNER


def test_every_task_action_has_an_audit_code_with_a_label():
    labels = action_labels()
    for action in TaskEvent.Action.values:
        assert f"xinyong.task.{action}" in labels


# --- reporting ----------------------------------------------------------------------------
def test_a_participant_reports_progress_and_the_task_is_under_way(task):
    report = tasks.report_progress(
        task, unit=unit(PARTICIPANT), progress=40, text="已完成名单比对。", actor=ACTOR
    )

    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS and task.progress == 40
    assert report.reported_on == _today() and report.unit.code == PARTICIPANT
    event = task.events.get(action=TaskEvent.Action.REPORTED)
    assert event.note == "已完成名单比对。"
    assert event.data == {
        "report": report.pk,
        "unit": PARTICIPANT,
        "progress": 40,
        "reported_on": _today().isoformat(),
    }
    assert _audit("xinyong.task.reported")[0].data["progress"] == 40


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"unit": LEAD}, "task.unit_not_in_task", "unit"),
        ({"progress": 101}, "task.progress_range", "progress"),
        ({"progress": -1}, "task.progress_range", "progress"),
        ({"progress": None}, "task.progress_range", "progress"),
        ({"text": ""}, "task.required", "text"),
        ({"on": "tomorrow"}, "task.report_in_future", "reported_on"),
    ],
)
def test_a_bad_report_is_refused_and_changes_nothing(task, changes, code, field):
    values = {"unit": OWNER, "progress": 50, "text": "推进中", "on": None}
    values.update(changes)
    if values["on"] == "tomorrow":
        values["on"] = _today() + timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        tasks.report_progress(
            task,
            unit=unit(values["unit"]),
            progress=values["progress"],
            text=values["text"],
            on=values["on"],
            actor=ACTOR,
        )
    assert (refused.value.code, refused.value.field) == (code, field)
    task.refresh_from_db()
    assert task.status == Status.PLANNED and task.progress == 0
    assert not task.reports.exists()
    assert list(task.events.values_list("action", flat=True)) == ["created"]


# --- overdue and late ---------------------------------------------------------------------
def test_a_task_is_overdue_the_day_after_its_deadline_while_it_is_open(loaded_pack):
    today = _today()
    start = today - timedelta(days=90)
    late = new_task("昨天到期", starts_on=start, due_on=today - timedelta(days=1))
    due_today = new_task("今天到期", starts_on=start, due_on=today)
    done = new_task("已完成", starts_on=start, due_on=today - timedelta(days=5))
    tasks.complete(done, actor=ACTOR, on=today - timedelta(days=2))
    dropped = new_task("已取消", starts_on=start, due_on=today - timedelta(days=5))
    tasks.cancel(dropped, reason="职能调整", actor=ACTOR)

    assert list(tasks.overdue(today)) == [late]
    assert list(tasks.overdue()) == [late]  # today by default
    assert set(tasks.overdue(today + timedelta(days=1))) == {late, due_today}
    assert late.is_overdue(today) and not due_today.is_overdue(today)
    done.refresh_from_db()
    dropped.refresh_from_db()
    assert not done.is_overdue(today) and not dropped.is_overdue(today)


def test_a_task_done_after_its_deadline_is_finished_late(loaded_pack):
    today = _today()
    start = today - timedelta(days=60)
    on_time = new_task("按期", starts_on=start, due_on=today - timedelta(days=10))
    late = new_task("逾期", starts_on=start, due_on=today - timedelta(days=10))

    tasks.complete(on_time, actor=ACTOR, on=today - timedelta(days=10))
    tasks.complete(late, actor=ACTOR, on=today - timedelta(days=9), note="数据迁移延误")

    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.status == Status.DONE and on_time.progress == 100
    assert not on_time.finished_late and late.finished_late
    assert late.events.get(action="completed").data["late"] is True
    assert _audit("xinyong.task.completed")[1].data["note"] == "数据迁移延误"


def test_a_task_cannot_be_done_in_the_future_or_before_it_starts_or_twice(task):
    with pytest.raises(InvalidInput) as future:
        tasks.complete(task, actor=ACTOR, on=_today() + timedelta(days=1))
    assert (future.value.code, future.value.field) == ("task.done_in_future", "done_on")
    with pytest.raises(InvalidInput) as early:
        tasks.complete(task, actor=ACTOR, on=task.starts_on - timedelta(days=1))
    assert early.value.code == "task.done_before_start"

    tasks.complete(task, actor=ACTOR)
    with pytest.raises(Conflict) as again:
        tasks.complete(task, actor=ACTOR)
    assert again.value.code == "task.wrong_status"
    with pytest.raises(Conflict):
        tasks.report_progress(task, unit=unit(OWNER), progress=100, text="x", actor=ACTOR)


def test_on_time_share_counts_the_owners_tasks_due_in_the_period(loaded_pack):
    today = _today()
    start = today - timedelta(days=120)
    first = today - timedelta(days=60)
    on_time = new_task("按期完成", starts_on=start, due_on=today - timedelta(days=30))
    tasks.complete(on_time, actor=ACTOR, on=today - timedelta(days=31))
    late = new_task("逾期完成", starts_on=start, due_on=today - timedelta(days=30))
    tasks.complete(late, actor=ACTOR, on=today - timedelta(days=20))
    new_task("未完成", starts_on=start, due_on=today - timedelta(days=10))
    dropped = new_task("已取消", starts_on=start, due_on=today - timedelta(days=10))
    tasks.cancel(dropped, reason="并入其他任务", actor=ACTOR)
    new_task("期外", starts_on=start, due_on=today - timedelta(days=90))
    new_task("他单位", owner=LEAD, starts_on=start, due_on=today - timedelta(days=10))

    assert tasks.on_time_share(unit(OWNER), first, today) == (1, 3)
    assert tasks.on_time_share(unit(PARTICIPANT), first, today) == (0, 0)


# --- rescheduling, cancelling, reopening --------------------------------------------------
def test_rescheduling_requires_a_reason_and_records_the_old_and_new_dates(task):
    old = task.due_on
    new = old + timedelta(days=45)
    for blank in ("", "   "):
        with pytest.raises(InvalidInput) as refused:
            tasks.reschedule(task, due_on=new, reason=blank, actor=ACTOR)
        assert (refused.value.code, refused.value.field) == ("task.reason_required", "reason")
    task.refresh_from_db()
    assert task.due_on == old and not task.events.filter(action="rescheduled").exists()

    tasks.reschedule(task, due_on=new, reason="运营商系统改造，顺延45天", actor=ACTOR)

    task.refresh_from_db()
    assert task.due_on == new
    event = task.events.get(action=TaskEvent.Action.RESCHEDULED)
    assert event.data == {"old_due_on": old.isoformat(), "new_due_on": new.isoformat()}
    assert event.note == "运营商系统改造，顺延45天"
    [logged] = _audit("xinyong.task.rescheduled")
    assert logged.object_id == str(task.pk)
    assert logged.data["old_due_on"] == old.isoformat()
    assert logged.data["new_due_on"] == new.isoformat()
    assert logged.data["reason"] == "运营商系统改造，顺延45天"


def test_a_new_deadline_must_differ_and_not_precede_the_start(task):
    with pytest.raises(InvalidInput) as same:
        tasks.reschedule(task, due_on=task.due_on, reason="核对", actor=ACTOR)
    assert same.value.code == "task.same_due_date"
    with pytest.raises(InvalidInput) as early:
        tasks.reschedule(
            task, due_on=task.starts_on - timedelta(days=1), reason="核对", actor=ACTOR
        )
    assert (early.value.code, early.value.field) == ("task.due_before_start", "due_on")
    with pytest.raises(InvalidInput) as missing:
        tasks.reschedule(task, due_on=None, reason="核对", actor=ACTOR)
    assert (missing.value.code, missing.value.field) == ("task.required", "due_on")


def test_a_cancelled_task_reopens_at_the_progress_last_reported(task):
    with pytest.raises(InvalidInput) as refused:
        tasks.cancel(task, reason="", actor=ACTOR)
    assert refused.value.code == "task.reason_required"
    tasks.report_progress(task, unit=unit(OWNER), progress=35, text="推进中", actor=ACTOR)
    tasks.cancel(task, reason="并入第2项任务", actor=ACTOR)
    task.refresh_from_db()
    assert task.status == Status.CANCELLED
    with pytest.raises(Conflict):
        tasks.reschedule(task, due_on=task.due_on + timedelta(days=1), reason="x", actor=ACTOR)

    tasks.reopen(task, reason="拆分后恢复", actor=ACTOR)

    task.refresh_from_db()
    assert (task.status, task.progress, task.done_on) == (Status.IN_PROGRESS, 35, None)
    assert list(task.events.values_list("action", flat=True)) == [
        "created",
        "reported",
        "cancelled",
        "reopened",
    ]
    assert _audit("xinyong.task.reopened")[0].data["status_before"] == "cancelled"
    with pytest.raises(Conflict):
        tasks.reopen(task, reason="again", actor=ACTOR)


def test_a_done_task_reopened_is_no_longer_done(task):
    tasks.complete(task, actor=ACTOR)
    tasks.reopen(task, reason="验收未通过", actor=ACTOR)
    task.refresh_from_db()
    assert (task.status, task.progress, task.done_on) == (Status.PLANNED, 0, None)
    assert task.events.get(action="reopened").data["done_on_before"] == _today().isoformat()


# --- the unit's queue ---------------------------------------------------------------------
def test_a_units_queue_holds_what_it_owns_or_joins_overdue_first(loaded_pack):
    today = _today()
    start = today - timedelta(days=100)
    owned_later = new_task(
        "本单位负责", owner=PARTICIPANT, participants=(), due_on=today + timedelta(days=40)
    )
    joined_soon = new_task(
        "本单位参与", participants=(PARTICIPANT, LEAD), due_on=today + timedelta(days=5)
    )
    joined_overdue = new_task(
        "已超期", participants=(PARTICIPANT,), starts_on=start, due_on=today - timedelta(days=3)
    )
    done = new_task("已完成", participants=(PARTICIPANT,), starts_on=start, due_on=today)
    tasks.complete(done, actor=ACTOR)
    new_task("与本单位无关", participants=(LEAD,))

    queue = tasks.tasks_for_unit(unit(PARTICIPANT), today)
    assert list(queue) == [joined_overdue, joined_soon, owned_later]
    assert [task.overdue_rank for task in queue] == [0, 1, 1]
    everything = tasks.tasks_for_unit(unit(PARTICIPANT), today, include_closed=True)
    assert list(everything) == [joined_overdue, joined_soon, owned_later, done]
    assert tasks.role_of(owned_later, unit(PARTICIPANT)) == "owner"
    assert tasks.role_of(joined_soon, unit(PARTICIPANT)) == "participant"
    assert tasks.role_of(joined_soon, unit(OUTSIDER)) == ""


def test_counts_by_campaign_split_tasks_by_state(loaded_pack):
    today = _today()
    start = today - timedelta(days=100)
    new_task("计划中")
    overdue = new_task("已超期", starts_on=start, due_on=today - timedelta(days=1))
    tasks.report_progress(overdue, unit=unit(OWNER), progress=20, text="滞后", actor=ACTOR)
    late = new_task("逾期完成", starts_on=start, due_on=today - timedelta(days=10))
    tasks.complete(late, actor=ACTOR)
    new_task("其他专项", campaign="wage-arrears", owner="YN-RST", participants=())

    counts = tasks.counts_by("campaign_id", today)
    telecom = counts[Campaign.objects.get(code=CAMPAIGN).pk]
    assert telecom == tasks.TaskCounts(
        total=3, planned=1, in_progress=1, done=1, done_late=1, cancelled=0, overdue=1
    )
    assert tasks.totals(today).total == 4
    assert counts[Campaign.objects.get(code="wage-arrears").pk].planned == 1
