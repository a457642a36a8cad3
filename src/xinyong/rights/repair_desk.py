"""The staff desk for credit repair (信用修复) and the outbox it feeds.

The queue lists applications by decision deadline, overdue ones flagged; an
application's page shows its target, the applicant's correction and commitment, the
evidence (downloadable by staff), the full history, and the decision forms.

Who may do what
- see: operators every application; unit staff (any role) the applications about their
  unit's records and entries, since their unit is told the result; others get a 404;
- decide (approve, reject) and record a withdrawal: the credit platform decides the
  repair of records (early end of penalty publicity, other information), so operators
  only; for a list entry also the entry's deciding unit, as its reviewers (单位审核人),
  as for every other exit from a list (`console.entry_views.may_decide`);
- reveal the applicant's contact: whoever may decide, with a purpose, audited;
- the outbox page (`outbox/`): operators only: it lists what every unit is owed.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_POST

from xinyong.accounts.roles import Role
from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.exchange.models import OutboxMessage
from xinyong.rights import attachments, repairs
from xinyong.rights.models import RepairApplication
from xinyong.rights.repair_forms import ContactForm, DecideForm, QueueFilterForm, WithdrawForm

PER_PAGE = 30


# --- who may do what --------------------------------------------------------------------
def may_decide(user: Any, application: RepairApplication) -> bool:
    if access.is_operator(user):
        return True
    return bool(
        application.entry_id is not None
        and user.unit_id == application.unit_id
        and application.unit.active
        and user.has_role(Role.REVIEWER)
    )


def _applications(user: Any) -> QuerySet[RepairApplication]:
    found = RepairApplication.objects.select_related(
        "record__record_type", "entry__credit_list", "subject", "unit"
    )
    if access.is_operator(user):
        return found
    return found.filter(unit_id=user.unit_id)


def _visible(request: HttpRequest, reference: str) -> RepairApplication:
    return get_object_or_404(_applications(request.user), reference=reference.strip().upper())


def _error_text(exc: XinyongError) -> str:
    return f"{exc.message_in(get_language() or 'zh-hans')} ({exc.code})"


def _add_error(form: forms.Form, exc: XinyongError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, _error_text(exc))


# --- the queue --------------------------------------------------------------------------
@console_view
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # an unknown status falls back to the open ones
    found = (
        _applications(request.user)
        .filter(status__in=form.statuses())
        .order_by(F("due_on").asc(nulls_last=True), "-filed_at", "-pk")
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "rights/desk/repair_queue.html",
        {
            "form": form,
            "page": page,
            "rows": [(app, repairs.is_overdue(app, today)) for app in page],
            "overdue_count": repairs.overdue(today)
            .filter(pk__in=_applications(request.user).values("pk"))
            .count(),
            "extra_query": f"&{query.urlencode()}" if query else "",
            "is_operator": access.is_operator(request.user),
            "nav": "repairs",
        },
    )


# --- an application -----------------------------------------------------------------------
@console_view
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _render(request, _visible(request, reference))


@console_view
@require_POST
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    application = _visible(request, reference)
    if not may_decide(request.user, application):
        return access.forbidden(request)
    form = DecideForm(request.POST)
    if form.is_valid():
        actor = Actor.for_user(request.user)
        reasons = form.cleaned_data["reasons"]
        try:
            if form.cleaned_data["decision"] == DecideForm.APPROVE:
                repairs.approve(application, actor=actor, reasons=reasons)
                done = gettext("已准予修复 %(ref)s，结果已列入发件箱待推送至作出决定的单位")
            else:
                repairs.reject(application, actor=actor, reasons=reasons)
                done = gettext("已作出不予修复决定 %(ref)s，结果已列入发件箱待推送")
        except XinyongError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, done % {"ref": application.reference})
            return redirect("repair_desk:detail", application.reference)
    return _render(request, application, decide_form=form, status=400)


@console_view
@require_POST
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    application = _visible(request, reference)
    if not may_decide(request.user, application):
        return access.forbidden(request)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            repairs.withdraw(
                application, actor=Actor.for_user(request.user), note=form.cleaned_data["note"]
            )
        except XinyongError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request, gettext("已记录撤回申请 %(ref)s") % {"ref": application.reference}
            )
            return redirect("repair_desk:detail", application.reference)
    return _render(request, application, withdraw_form=form, status=400)


@console_view
@require_POST
def contact(request: HttpRequest, reference: str) -> HttpResponse:
    application = _visible(request, reference)
    if not may_decide(request.user, application):
        return access.forbidden(request)
    form = ContactForm(request.POST)
    if form.is_valid():
        shown = repairs.reveal_contact(
            application, actor=Actor.for_user(request.user), purpose=form.cleaned_data["purpose"]
        )
        return _render(request, application, contact=shown)
    return _render(request, application, contact_form=form, status=400)


@console_view
@require_GET
def attachment(request: HttpRequest, reference: str, file_id: int) -> HttpResponse:
    """An evidence file of this application, for staff who may see the application."""
    application = _visible(request, reference)
    stored = application.attachments.filter(pk=file_id).first()
    if stored is None:
        raise Http404
    response = attachments.download(application, stored, Actor.for_user(request.user))
    # A streaming response, where the console's decorator is typed for HttpResponse.
    return cast(HttpResponse, response)


def _actor_name(label: str) -> str:
    """`user:5:operator` → `operator`; tokens, the portal and the CLI as they are."""
    kind, _sep, rest = label.partition(":")
    if kind == "user":
        return rest.partition(":")[2] or label
    return label


def _render(
    request: HttpRequest,
    application: RepairApplication,
    *,
    decide_form: forms.Form | None = None,
    withdraw_form: forms.Form | None = None,
    contact_form: forms.Form | None = None,
    contact: str = "",
    status: int = 200,
) -> HttpResponse:
    allowed = may_decide(request.user, application)
    events = [
        (event, str(event.get_action_display()), _actor_name(event.actor))
        for event in application.events.order_by("at", "pk")
    ]
    return render(
        request,
        "rights/desk/repair_detail.html",
        {
            "application": application,
            "target": application.record or application.entry,
            "is_record": application.record_id is not None,
            "files": application.attachments.order_by("pk"),
            "events": events,
            "overdue": repairs.is_overdue(application),
            "may_decide": allowed,
            "decide_form": decide_form or DecideForm(),
            "withdraw_form": withdraw_form or WithdrawForm(),
            "contact_form": contact_form or ContactForm(),
            "contact": contact,
            "outbox": OutboxMessage.objects.filter(
                key=f"repair:{application.reference}:decided"
            ).first(),
            "nav": "repairs",
        },
        status=status,
    )


# --- the outbox ---------------------------------------------------------------------------
@console_view
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """Messages not yet delivered (pending or failed), the most urgent first."""
    if not access.is_operator(request.user):
        return access.forbidden(request)
    today = timezone.localdate()
    waiting = (
        OutboxMessage.objects.exclude(status=OutboxMessage.Status.DELIVERED)
        .select_related("unit")
        .order_by(F("due_by").asc(nulls_last=True), "id")
    )
    page = Paginator(waiting, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(message, message.due_by is not None and message.due_by < today) for message in page]
    return render(
        request,
        "rights/desk/outbox.html",
        {
            "page": page,
            "rows": rows,
            "overdue_count": waiting.filter(due_by__lt=today).count(),
            "extra_query": "",
            "nav": "outbox",
        },
    )
