"""The steering office's pages (督查考核): the dashboard, the quarterly assessment, and
rectification items.

Who may do what
- Operators (平台运营人员) and auditors see the dashboard and the assessment; operators
  order rectification items and close them.
- A unit's staff see their own unit's rectification items and report what they did.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.accounts.roles import Role
from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.rights.objection_forms import add_error, error_text
from xinyong.supervision import assessment, figures, rectifications
from xinyong.supervision.charts import stacked
from xinyong.supervision.forms import OrderForm, QuarterForm, ReportForm
from xinyong.supervision.models import Rectification


def may_supervise(user: Any) -> bool:
    return access.is_operator(user) or bool(user.has_role(Role.AUDITOR))


@console_view
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not may_supervise(request.user):
        return access.forbidden(request)
    today = timezone.localdate()
    charts = [
        stacked(
            str(_("各专项治理工作任务")), figures.TASK_SERIES, figures.tasks_by_campaign(today)
        ),
        stacked(str(_("各牵头单位工作任务")), figures.TASK_SERIES, figures.tasks_by_unit(today)),
        stacked(
            str(_("各领域举报投诉")),
            figures.COMPLAINT_SERIES,
            figures.complaints_by_campaign(today),
        ),
        stacked(
            str(_("各州（市）举报投诉")),
            figures.COMPLAINT_SERIES,
            figures.complaints_by_region(today),
        ),
        stacked(str(_("各领域发布的典型案例")), figures.COUNT_SERIES, figures.cases_by_campaign()),
        stacked(
            str(_("各领域名单在列主体")), figures.COUNT_SERIES, figures.entries_by_campaign(today)
        ),
        stacked(
            str(_("各州（市）名单在列主体")), figures.COUNT_SERIES, figures.entries_by_region(today)
        ),
        stacked(str(_("各州（市）行政处罚")), figures.COUNT_SERIES, figures.penalties_by_region()),
    ]
    context = {
        "charts": charts,
        "complaints": figures.complaint_totals(today),
        "tasks": figures.task_totals(today),
        "rectifications": rectifications.overdue(today).count(),
        "today": today,
        "nav": "supervision",
    }
    return render(request, "supervision/dashboard.html", context)


@console_view
@require_GET
def assessment_page(request: HttpRequest) -> HttpResponse:
    if not may_supervise(request.user):
        return access.forbidden(request)
    today = timezone.localdate()
    form = QuarterForm(request.GET or None)
    quarter = assessment.Quarter.of(today)
    status = 200
    if form.is_valid() and form.cleaned_data.get("quarter"):
        try:
            quarter = assessment.Quarter.parse(form.cleaned_data["quarter"])
        except XinyongError as exc:
            add_error(form, exc)
            status = 400
    rule = assessment.rubric(min(quarter.last, today))
    context = {
        "form": form,
        "quarter": quarter,
        "previous": quarter.previous(),
        "rule": rule,
        "scores": assessment.assess(quarter, today),
        "nav": "supervision",
    }
    return render(request, "supervision/assessment.html", context, status=status)


@console_view
@require_http_methods(["GET", "POST"])
def rectification_list(request: HttpRequest) -> HttpResponse:
    operator = access.is_operator(request.user)
    form = OrderForm(request.POST or None) if operator else None
    if request.method == "POST":
        if form is None:
            return access.forbidden(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rectifications.order(
                    data["unit"],
                    campaign=data["campaign"],
                    kind=data["kind"],
                    reason=data["reason"],
                    due_on=data["due_on"],
                    actor=Actor.for_user(request.user),
                )
            except XinyongError as exc:
                add_error(form, exc)
            else:
                messages.success(request, _("已下达整改事项"))
                return redirect("supervision:rectifications")
    user: Any = request.user
    found = Rectification.objects.select_related("unit", "campaign")
    if not may_supervise(user):
        found = found.filter(unit_id=user.unit_id)
    today = timezone.localdate()
    context = {
        "items": [(item, item.is_overdue(today)) for item in found[:300]],
        "form": form,
        "report_form": ReportForm(),
        "operator": operator,
        "nav": "rectifications",
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "supervision/rectifications.html", context, status=status)


@console_view
@require_POST
def rectification_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """`report` (the unit's staff or an operator) or `close` (an operator); a refusal
    comes back as a message with its code."""
    item = get_object_or_404(Rectification, pk=pk)
    user: Any = request.user
    operator = access.is_operator(user)
    actor = Actor.for_user(request.user)
    try:
        if name == "report" and (operator or item.unit_id == user.unit_id):
            progress = ReportForm(request.POST).data.get("progress", "")
            rectifications.report(item, progress=progress, actor=actor)
            messages.success(request, _("已报告整改情况"))
        elif name == "close" and operator:
            rectifications.close(item, actor=actor)
            messages.success(request, _("整改事项已销号"))
        else:
            return access.forbidden(request)
    except XinyongError as exc:
        messages.error(request, error_text(exc))
    return redirect("supervision:rectifications")
