"""Campaign work (工作细则, seed 六、2): the lead units' tasks, their progress and deadlines.

    create ─▶ planned ─report─▶ in progress ─complete─▶ done (on time or late)
                 └──────── cancel ───┴────▶ cancelled
    open task: reschedule (a new deadline and the reason for it)
    done or cancelled task: reopen (with the reason)

- Services take an `audit.Actor`; who may call them is decided by the console
  (`xinyong.campaigns.task_access`). Each one validates its input first (an
  `InvalidInput` with a stable code and the form field it belongs to), then changes the
  task in one transaction that also appends a `TaskEvent` (the task's history) and an
  audit event. A step on a task in the wrong state is a `Conflict`.
- A task's units are the campaign's units (lead or participating) when it is created: a
  lead unit writes the rules, any unit of the campaign may own a measure. A progress
  report comes from the owner unit or a participating unit, and states the task's
  overall progress: the task shows the latest one.
- Overdue: still open (planned or in progress) the day after its deadline. Done late:
  finished after the deadline in force on that day. Rescheduling moves the deadline on
  purpose, with the reason, and the history keeps the old and new dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.campaigns.models import Campaign, CampaignTask, TaskEvent, TaskReport
from xinyong.core import audit
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.subjects.models import Unit

Status = CampaignTask.Status
Action = TaskEvent.Action

TITLE_LIMIT = 200  # CampaignTask.title
TEXT_LIMIT = 5000  # a task's measures, a report, a reason

# Steps whose note is the reason for them, which the audit event repeats.
REASONED = (Action.RESCHEDULED, Action.CANCELLED, Action.REOPENED)
WRONG_STATUS = _("任务当前状态为“%(status)s”，不能进行此操作")


# --- reading --------------------------------------------------------------------------
def overdue(today: date | None = None) -> QuerySet[CampaignTask]:
    """Open tasks whose deadline has passed (from the day after it)."""
    today = today or timezone.localdate()
    return CampaignTask.objects.filter(status__in=CampaignTask.OPEN, due_on__lt=today)


def _of_unit(unit: Unit) -> Q:
    joined = CampaignTask.participants.through.objects.filter(unit_id=unit.pk)
    return Q(owner_id=unit.pk) | Q(pk__in=joined.values("campaigntask_id"))


def tasks_for_unit(
    unit: Unit, today: date | None = None, *, include_closed: bool = False
) -> QuerySet[CampaignTask]:
    """The unit's queue: tasks it owns or takes part in, overdue first, then by deadline
    (open ones before done and cancelled ones when `include_closed`). Each row carries
    `overdue_rank` 0 when overdue on `today`."""
    today = today or timezone.localdate()
    found = CampaignTask.objects.filter(_of_unit(unit))
    if not include_closed:
        found = found.filter(status__in=CampaignTask.OPEN)
    return found.annotate(
        overdue_rank=Case(
            When(status__in=CampaignTask.OPEN, due_on__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        open_rank=Case(
            When(status__in=CampaignTask.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    ).order_by("overdue_rank", "open_rank", "due_on", "pk")


def role_of(task: CampaignTask, unit: Unit | None) -> str:
    """ "owner", "participant" or "": the unit's part in the task."""
    if unit is None:
        return ""
    if task.owner_id == unit.pk:
        return "owner"
    if task.participants.filter(pk=unit.pk).exists():
        return "participant"
    return ""


@dataclass(frozen=True)
class TaskCounts:
    total: int = 0
    planned: int = 0
    in_progress: int = 0
    done: int = 0
    done_late: int = 0
    cancelled: int = 0
    overdue: int = 0


def _count_columns(today: date) -> dict[str, Any]:
    return {
        "total": Count("pk"),
        "planned": Count("pk", filter=Q(status=Status.PLANNED)),
        "in_progress": Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        "done": Count("pk", filter=Q(status=Status.DONE)),
        "done_late": Count("pk", filter=Q(status=Status.DONE, done_on__gt=F("due_on"))),
        "cancelled": Count("pk", filter=Q(status=Status.CANCELLED)),
        "overdue": Count("pk", filter=Q(status__in=CampaignTask.OPEN, due_on__lt=today)),
    }


def counts_by(key: str, today: date | None = None) -> dict[Any, TaskCounts]:
    """Task counts grouped by a column (`campaign_id`, `owner_id`), in one query."""
    today = today or timezone.localdate()
    rows = CampaignTask.objects.values(key).annotate(**_count_columns(today)).order_by()
    return {row.pop(key): TaskCounts(**row) for row in rows}


def totals(today: date | None = None) -> TaskCounts:
    today = today or timezone.localdate()
    return TaskCounts(**CampaignTask.objects.aggregate(**_count_columns(today)))


def on_time_share(unit: Unit, first: date, until: date) -> tuple[int, int]:
    """(done by the deadline, due) over the tasks the unit owns that fall due between
    `first` and `until`; cancelled tasks are not due."""
    due = CampaignTask.objects.filter(owner=unit, due_on__range=(first, until)).exclude(
        status=Status.CANCELLED
    )
    done = due.filter(status=Status.DONE, done_on__lte=F("due_on"))
    return done.count(), due.count()


# --- creating -------------------------------------------------------------------------
def create_task(
    campaign: Campaign,
    *,
    title: str,
    owner: Unit | None,
    starts_on: date | None,
    due_on: date | None,
    actor: audit.Actor,
    detail: str = "",
    participants: Iterable[Unit] = (),
) -> CampaignTask:
    """A measure of the campaign's work rules, owned by one of its units."""
    title = _text(title, "title", _("任务名称"), TITLE_LIMIT)
    detail = _text(detail, "detail", _("具体举措"), TEXT_LIMIT, optional=True)
    starts_on = _day(starts_on, "starts_on", _("开始日期"))
    due_on = _day(due_on, "due_on", _("完成期限"))
    _check_due(starts_on, due_on)
    if owner is None:
        raise InvalidInput(
            "task.required", _("请填写%(field)s"), params={"field": _("责任单位")}, field="owner"
        )
    members = set(campaign.links.values_list("unit_id", flat=True))
    _check_unit(owner, members, "owner")
    joined = {unit.pk: unit for unit in participants if unit.pk != owner.pk}
    for unit in joined.values():
        _check_unit(unit, members, "participants")
    task = CampaignTask(
        campaign=campaign,
        title=title,
        detail=detail,
        owner=owner,
        starts_on=starts_on,
        due_on=due_on,
        created_at=timezone.now(),
        created_by=actor.label,
    )
    codes = sorted(unit.code for unit in joined.values())
    with transaction.atomic():
        task.save()
        task.participants.set(list(joined.values()))
        _log(
            task,
            Action.CREATED,
            actor,
            data={
                "owner": owner.code,
                "participants": codes,
                "starts_on": starts_on.isoformat(),
                "due_on": due_on.isoformat(),
            },
        )
    return task


def _check_unit(unit: Unit, members: set[int], field: str) -> None:
    if unit.pk not in members:
        raise InvalidInput(
            "task.unit_not_in_campaign",
            _("“%(unit)s”不是该专项治理的牵头单位或参与单位"),
            params={"unit": unit.name},
            field=field,
        )
    if not unit.active:
        raise InvalidInput(
            "task.unit_inactive",
            _("“%(unit)s”已停用，不能承担任务"),
            params={"unit": unit.name},
            field=field,
        )


def _check_due(starts_on: date, due_on: date) -> None:
    if due_on < starts_on:
        raise InvalidInput("task.due_before_start", _("完成期限不能早于开始日期"), field="due_on")


# --- the steps ------------------------------------------------------------------------
def report_progress(
    task: CampaignTask,
    *,
    unit: Unit,
    progress: int | None,
    text: str,
    actor: audit.Actor,
    on: date | None = None,
    today: date | None = None,
) -> TaskReport:
    """A report by the owner or a participating unit; a planned task is then under way."""
    today = today or timezone.localdate()
    on = on or today
    text = _text(text, "text", _("进展情况"), TEXT_LIMIT)
    progress = _percent(progress)
    if on > today:
        raise InvalidInput("task.report_in_future", _("报告日期不能晚于今天"), field="reported_on")
    with transaction.atomic():
        task = _locked(task, *CampaignTask.OPEN)
        if role_of(task, unit) == "":
            raise InvalidInput(
                "task.unit_not_in_task",
                _("“%(unit)s”不是该任务的责任单位或参与单位"),
                params={"unit": unit.name},
                field="unit",
            )
        report = TaskReport.objects.create(
            task=task,
            unit=unit,
            reported_on=on,
            reported_at=timezone.now(),
            progress=progress,
            text=text,
            author=actor.label,
        )
        task.progress = progress
        task.status = Status.IN_PROGRESS
        task.save(update_fields=["progress", "status"])
        _log(
            task,
            Action.REPORTED,
            actor,
            note=text,
            data={
                "report": report.pk,
                "unit": unit.code,
                "progress": progress,
                "reported_on": on.isoformat(),
            },
        )
    return report


def reschedule(
    task: CampaignTask, *, due_on: date | None, reason: str, actor: audit.Actor
) -> CampaignTask:
    """A new deadline for an open task; the reason is required and kept."""
    due_on = _day(due_on, "due_on", _("新的完成期限"))
    reason = _reason(reason)
    with transaction.atomic():
        task = _locked(task, *CampaignTask.OPEN)
        _check_due(task.starts_on, due_on)
        if due_on == task.due_on:
            raise InvalidInput("task.same_due_date", _("新的完成期限与原期限相同"), field="due_on")
        old = task.due_on
        task.due_on = due_on
        task.save(update_fields=["due_on"])
        _log(
            task,
            Action.RESCHEDULED,
            actor,
            note=reason,
            data={"old_due_on": old.isoformat(), "new_due_on": due_on.isoformat()},
        )
    return task


def complete(
    task: CampaignTask,
    *,
    actor: audit.Actor,
    on: date | None = None,
    note: str = "",
    today: date | None = None,
) -> CampaignTask:
    """The owner unit reports the task done, on `on` (default today)."""
    today = today or timezone.localdate()
    on = on or today
    note = _text(note, "note", _("完成情况"), TEXT_LIMIT, optional=True)
    if on > today:
        raise InvalidInput("task.done_in_future", _("完成日期不能晚于今天"), field="done_on")
    with transaction.atomic():
        task = _locked(task, *CampaignTask.OPEN)
        if on < task.starts_on:
            raise InvalidInput(
                "task.done_before_start", _("完成日期不能早于开始日期"), field="done_on"
            )
        task.status, task.done_on, task.progress = Status.DONE, on, 100
        task.save(update_fields=["status", "done_on", "progress"])
        _log(
            task,
            Action.COMPLETED,
            actor,
            note=note,
            data={
                "done_on": on.isoformat(),
                "due_on": task.due_on.isoformat(),
                "late": task.finished_late,
            },
        )
    return task


def cancel(task: CampaignTask, *, reason: str, actor: audit.Actor) -> CampaignTask:
    """An open task is dropped from the rules (it stays on record, with the reason)."""
    reason = _reason(reason)
    with transaction.atomic():
        task = _locked(task, *CampaignTask.OPEN)
        before = task.status
        task.status = Status.CANCELLED
        task.save(update_fields=["status"])
        _log(task, Action.CANCELLED, actor, note=reason, data={"status_before": before})
    return task


def reopen(task: CampaignTask, *, reason: str, actor: audit.Actor) -> CampaignTask:
    """A done or cancelled task is open again, at the progress last reported."""
    reason = _reason(reason)
    with transaction.atomic():
        task = _locked(task, Status.DONE, Status.CANCELLED)
        before, done_on = task.status, task.done_on
        last = task.reports.order_by("-reported_on", "-pk").first()
        task.progress = last.progress if last else 0
        task.status = Status.IN_PROGRESS if last else Status.PLANNED
        task.done_on = None
        task.save(update_fields=["status", "done_on", "progress"])
        data: dict[str, Any] = {"status_before": before}
        if done_on:
            data["done_on_before"] = done_on.isoformat()
        _log(task, Action.REOPENED, actor, note=reason, data=data)
    return task


# --- helpers --------------------------------------------------------------------------
def _locked(task: CampaignTask, *statuses: str) -> CampaignTask:
    """The task's row, locked for the step, if it is in one of `statuses`."""
    # Only the task's row: not the campaign's and the owner unit's joined in.
    found = CampaignTask.objects.select_for_update(of=("self",))
    locked = found.select_related("campaign", "owner").get(pk=task.pk)
    if locked.status not in statuses:
        raise Conflict(
            "task.wrong_status", WRONG_STATUS, params={"status": locked.get_status_display()}
        )
    return locked


def _text(value: str | None, field: str, label: Any, limit: int, *, optional: bool = False) -> str:
    value = (value or "").strip()
    if not value and not optional:
        raise InvalidInput(
            "task.required", _("请填写%(field)s"), params={"field": label}, field=field
        )
    if len(value) > limit:
        raise InvalidInput(
            "task.too_long",
            _("“%(field)s”超过%(limit)s个字符"),
            params={"field": label, "limit": limit},
            field=field,
        )
    return value


def _day(value: date | None, field: str, label: Any) -> date:
    if value is None:
        raise InvalidInput(
            "task.required", _("请填写%(field)s"), params={"field": label}, field=field
        )
    return value


def _percent(value: int | None) -> int:
    if value is None or not 0 <= value <= 100:
        raise InvalidInput(
            "task.progress_range", _("完成进度应为 0 至 100 之间的整数"), field="progress"
        )
    return value


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("task.reason_required", _("请说明理由"), field="reason")
    return _text(reason, "reason", _("理由"), TEXT_LIMIT)


def _log(
    task: CampaignTask,
    action: str,
    actor: audit.Actor,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    data = data or {}
    TaskEvent.objects.create(
        task=task, at=timezone.now(), actor=actor.label, action=action, note=note, data=data
    )
    extra = {}
    if note and action in REASONED:
        extra = {"reason": note}
    elif note and action == Action.COMPLETED:
        extra = {"note": note}
    audit.record(
        f"xinyong.task.{action}",
        actor,
        task,
        {"campaign": task.campaign.code, "title": task.title, **data, **extra},
    )
