"""The console's campaign work pages (专项治理工作任务, seed 六、2).

- The 19 campaigns with their lead units and task counts, overdue ones highlighted.
- A campaign's tasks (its work rules) by deadline, and the form to add one.
- A task with its progress reports, its history and the forms for the next steps.
- A unit's queue: the tasks it owns or takes part in, overdue first.
Who may do what is `task_access`; every step is a call to `xinyong.campaigns.tasks`,
whose refusals come back as form errors with their code, never as a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.campaigns import task_access, tasks
from xinyong.campaigns.models import Campaign, CampaignTask, CampaignUnit, TaskEvent
from xinyong.campaigns.task_forms import (
    CancelForm,
    CompleteForm,
    QueueFilterForm,
    ReopenForm,
    ReportForm,
    RescheduleForm,
    TaskForm,
    add_error,
)
from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.subjects.models import Unit

Status = CampaignTask.Status
NAV = "campaigns"


def row_state(task: CampaignTask, today: date) -> str:
    """ "overdue", "due-today" or "": how the lists and the page mark the deadline."""
    if task.is_overdue(today):
        return "overdue"
    if task.is_open and task.due_on == today:
        return "due-today"
    return ""


def _rows(found: QuerySet[CampaignTask], today: date) -> list[tuple[CampaignTask, str]]:
    found = found.select_related("campaign", "owner").prefetch_related(
        Prefetch("participants", queryset=Unit.objects.order_by("code"))
    )
    return [(task, row_state(task, today)) for task in found]


def _campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.prefetch_related(
        Prefetch("links", queryset=CampaignUnit.objects.select_related("unit"))
    )


# --- the campaigns --------------------------------------------------------------------
@console_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    counts = tasks.counts_by("campaign_id", today)
    rows = [
        (
            campaign,
            campaign.units_in_role(CampaignUnit.Role.LEAD),
            counts.get(campaign.pk, tasks.TaskCounts()),
        )
        for campaign in _campaigns()
    ]
    return render(
        request,
        "campaigns/index.html",
        {"rows": rows, "totals": tasks.totals(today), "nav": NAV},
    )


@console_view
@require_http_methods(["GET", "POST"])
def campaign(request: HttpRequest, code: str) -> HttpResponse:
    chosen = get_object_or_404(_campaigns(), code=code)
    may_plan = task_access.may_plan(request.user, chosen)
    form = _task_form(request, chosen)
    if request.method == "POST":
        if not may_plan:
            return access.forbidden(request)
        if form.is_valid():
            try:
                task = tasks.create_task(
                    chosen,
                    title=form.cleaned_data["title"],
                    detail=form.cleaned_data["detail"],
                    owner=form.cleaned_data["owner"],
                    participants=form.cleaned_data["participants"] or [],
                    starts_on=form.cleaned_data["starts_on"],
                    due_on=form.cleaned_data["due_on"],
                    actor=Actor.for_user(request.user),
                )
            except XinyongError as exc:
                add_error(form, exc)
            else:
                messages.success(request, gettext("已新增工作任务：%(title)s") % {"title": task})
                return redirect("campaign_work:task", task.pk)
    today = timezone.localdate()
    context = {
        "campaign": chosen,
        "leads": chosen.units_in_role(CampaignUnit.Role.LEAD),
        "participants": chosen.units_in_role(CampaignUnit.Role.PARTICIPANT),
        "rows": _rows(chosen.tasks.order_by("due_on", "pk"), today),
        "counts": tasks.counts_by("campaign_id", today).get(chosen.pk, tasks.TaskCounts()),
        "form": form,
        "may_plan": may_plan,
        "nav": NAV,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "campaigns/campaign.html", context, status=status)


def _task_form(request: HttpRequest, chosen: Campaign) -> TaskForm:
    # The campaign's active units, lead units first, in the pack's order.
    ids = [link.unit_id for link in chosen.links.all() if link.unit.active]
    order = Case(*[When(pk=pk, then=Value(n)) for n, pk in enumerate(ids)], default=Value(0))
    units = Unit.objects.filter(pk__in=ids).order_by(order)
    if request.method == "POST":
        return TaskForm(units, request.POST)
    today = timezone.localdate()
    initial: dict[str, Any] = {"starts_on": today}
    unit = task_access.acting_unit(request.user)
    if unit is not None and units.filter(pk=unit.pk).exists():
        initial["owner"] = unit
    return TaskForm(units, initial=initial)


# --- a unit's queue -------------------------------------------------------------------
def _queue_units(user: Any) -> QuerySet[Unit] | None:
    """The units an operator may look at (those in a campaign); None for unit staff."""
    if not access.is_operator(user):
        return None
    in_campaigns = CampaignUnit.objects.values("unit_id")
    return access.visible_units(user).filter(pk__in=in_campaigns).order_by("code")


@console_view
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    units = _queue_units(request.user)
    form = QueueFilterForm(units, request.GET or None)
    chosen = form.chosen()
    unit = chosen.get("unit") or getattr(request.user, "unit", None)
    show = chosen.get("show", QueueFilterForm.OPEN)
    today = timezone.localdate()
    rows: list[tuple[CampaignTask, str]] = []
    if unit is not None:
        found = tasks.tasks_for_unit(unit, today, include_closed=show == QueueFilterForm.ALL)
        if show == QueueFilterForm.OVERDUE:
            found = found.filter(due_on__lt=today)  # the queue holds open tasks only
        rows = _rows(found, today)
    return render(
        request,
        "campaigns/mine.html",
        {
            "form": form,
            "unit": unit,
            "rows": [(task, state, tasks.role_of(task, unit)) for task, state in rows],
            "overdue_count": sum(1 for _task, state in rows if state == "overdue"),
            "show": show,
            "nav": NAV,
        },
    )


# --- a task and its steps -------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    title: Any  # lazy text
    button: Any
    statuses: tuple[str, ...]
    allowed: Callable[[Any, CampaignTask], bool]
    form: Callable[[Any, CampaignTask, Any], forms.Form]  # (user, task, POST data or None)
    run: Callable[[CampaignTask, forms.Form, Actor], object]
    done: Any  # lazy text
    button_class: str = "primary"


def _may_plan(user: Any, task: CampaignTask) -> bool:
    return task_access.may_plan(user, task.campaign)


def _report_form(user: Any, task: CampaignTask, data: Any) -> forms.Form:
    units = task_access.reporting_units(user, task) or [task.owner]
    return ReportForm(units, data, initial={"reported_on": timezone.localdate()})


def _report(task: CampaignTask, form: forms.Form, actor: Actor) -> object:
    assert isinstance(form, ReportForm)
    data = form.cleaned_data
    return tasks.report_progress(
        task,
        unit=form.chosen_unit(),
        progress=data["progress"],
        text=data["text"],
        on=data["reported_on"],
        actor=actor,
    )


def _reschedule(task: CampaignTask, form: forms.Form, actor: Actor) -> object:
    data = form.cleaned_data
    return tasks.reschedule(task, due_on=data["due_on"], reason=data["reason"], actor=actor)


def _complete(task: CampaignTask, form: forms.Form, actor: Actor) -> object:
    data = form.cleaned_data
    return tasks.complete(task, on=data["done_on"], note=data["note"], actor=actor)


def _cancel(task: CampaignTask, form: forms.Form, actor: Actor) -> object:
    return tasks.cancel(task, reason=form.cleaned_data["reason"], actor=actor)


def _reopen(task: CampaignTask, form: forms.Form, actor: Actor) -> object:
    return tasks.reopen(task, reason=form.cleaned_data["reason"], actor=actor)


def _plain(form_class: type[forms.Form], **initial: Any) -> Callable[..., forms.Form]:
    def make(user: Any, task: CampaignTask, data: Any) -> forms.Form:
        values = {key: value() for key, value in initial.items()}
        return form_class(data, initial=values)

    return make


STEPS: dict[str, Step] = {
    "report": Step(
        _("报告进展"),
        _("提交进展报告"),
        CampaignTask.OPEN,
        task_access.may_report,
        _report_form,
        _report,
        _("已提交进展报告"),
    ),
    "complete": Step(
        _("完成任务"),
        _("确认任务已完成"),
        CampaignTask.OPEN,
        task_access.may_complete,
        _plain(CompleteForm, done_on=timezone.localdate),
        _complete,
        _("任务已标记为完成"),
    ),
    "reschedule": Step(
        _("调整完成期限"),
        _("调整期限"),
        CampaignTask.OPEN,
        _may_plan,
        _plain(RescheduleForm),
        _reschedule,
        _("完成期限已调整"),
    ),
    "cancel": Step(
        _("取消任务"),
        _("取消任务"),
        CampaignTask.OPEN,
        _may_plan,
        _plain(CancelForm),
        _cancel,
        _("任务已取消"),
        "danger",
    ),
    "reopen": Step(
        _("重新打开任务"),
        _("重新打开"),
        (Status.DONE, Status.CANCELLED),
        _may_plan,
        _plain(ReopenForm),
        _reopen,
        _("任务已重新打开"),
    ),
}


def _task(pk: int) -> CampaignTask:
    found = CampaignTask.objects.select_related("campaign", "owner").prefetch_related(
        Prefetch("campaign__links", queryset=CampaignUnit.objects.select_related("unit"))
    )
    return get_object_or_404(found, pk=pk)


@console_view
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_task(request, _task(pk))


@console_view
@require_POST
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    task = _task(pk)
    chosen = STEPS.get(name)
    if chosen is None:
        raise Http404
    if not chosen.allowed(request.user, task):
        return access.forbidden(request)
    form = chosen.form(request.user, task, request.POST)
    if form.is_valid():
        try:
            chosen.run(task, form, Actor.for_user(request.user))
        except XinyongError as exc:
            add_error(form, exc)
            task = _task(pk)
        else:
            messages.success(request, str(chosen.done))
            return redirect("campaign_work:task", task.pk)
    return _render_task(request, task, bound=(name, form), status=400)


def _actor_name(label: str) -> str:
    """`user:5:clerk-gat` → `clerk-gat`; other actors (cli:…, system) as they are."""
    kind, _sep, rest = label.partition(":")
    if kind == "user":
        return rest.partition(":")[2] or label
    return label


def _event_facts(event: TaskEvent, unit_names: dict[str, str]) -> list[tuple[Any, str]]:
    data = event.data or {}
    labels: list[tuple[str, Any]] = [
        ("owner", _("责任单位")),
        ("unit", _("报告单位")),
        ("progress", _("完成进度（%）")),
        ("starts_on", _("开始日期")),
        ("due_on", _("完成期限")),
        ("old_due_on", _("原完成期限")),
        ("new_due_on", _("新完成期限")),
        ("reported_on", _("报告日期")),
        ("done_on", _("完成日期")),
    ]
    facts = [
        (label, unit_names.get(str(data[key]), str(data[key])))
        for key, label in labels
        if data.get(key) not in (None, "")
    ]
    if data.get("participants"):
        names = [unit_names.get(code, code) for code in data["participants"]]
        facts.append((_("参与单位"), "、".join(names)))
    if data.get("late"):
        facts.append((_("完成情况"), gettext("逾期完成")))
    return facts


def _history(task: CampaignTask) -> list[dict[str, Any]]:
    events = list(task.events.order_by("at", "pk"))
    codes = {str(e.data.get(k)) for e in events for k in ("owner", "unit") if e.data.get(k)}
    codes |= {code for e in events for code in e.data.get("participants") or []}
    unit_names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        {
            "event": event,
            "actor": _actor_name(event.actor),
            "facts": _event_facts(event, unit_names),
        }
        for event in events
    ]


def _render_task(
    request: HttpRequest,
    task: CampaignTask,
    *,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    steps, refused = [], False
    for name, spec in STEPS.items():
        if task.status not in spec.statuses and not (bound and bound[0] == name):
            continue
        if not spec.allowed(user, task):
            refused = True
            continue
        form = bound[1] if bound and bound[0] == name else spec.form(user, task, None)
        steps.append({"name": name, "spec": spec, "form": form})
    today = timezone.localdate()
    context = {
        "task": task,
        "state": row_state(task, today),
        "participants": task.participants.order_by("code"),
        "reports": task.reports.select_related("unit").order_by("-reported_on", "-pk"),
        "events": _history(task),
        "steps": steps,
        "refused": refused,
        "nav": NAV,
    }
    return render(request, "campaigns/task.html", context, status=status)
