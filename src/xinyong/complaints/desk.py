"""The console's complaint desk (举报投诉): each unit's queue by deadline, and each
complaint's page with its steps and history.

Who may do what
- Operators (平台运营人员) see every complaint and may run any step, as the platform's
  one point of complaint does when a unit is slow or the routing was wrong.
- The handling unit's clerks and reviewers accept or decline, transfer, conclude and
  reply. Its staff see the complaints currently with their unit; any other is a 404.
- Reading the complainant's name and contact takes a stated purpose and is audited.
Every step is a call to `xinyong.complaints.complaints`; its refusals come back as form
errors with their code, never as a 500. An overdue step is highlighted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from xinyong.accounts.roles import Role
from xinyong.complaints import complaints
from xinyong.complaints.forms import (
    ConcludeForm,
    ReasonsForm,
    ReplyForm,
    RevealForm,
    TransferForm,
    add_error,
)
from xinyong.complaints.models import Complaint
from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.lists.models import CreditList
from xinyong.rights import attachments
from xinyong.rights.objection_forms import QueueFilterForm

PER_PAGE = 30
Status = Complaint.Status


def may_handle(user: Any, complaint: Complaint) -> bool:
    if access.is_operator(user):
        return True
    return bool(
        user.unit_id == complaint.unit_id
        and (user.has_role(Role.CLERK) or user.has_role(Role.REVIEWER))
    )


def visible(user: Any) -> QuerySet[Complaint]:
    found = Complaint.objects.select_related("campaign", "region", "unit", "subject")
    if access.is_operator(user):
        return found
    return found.filter(unit_id=user.unit_id)


def row_state(complaint: Complaint) -> str:
    today = timezone.localdate()
    if complaints.is_overdue(complaint, today):
        return "overdue"
    if complaint.is_open and complaint.due_on == today:
        return "due-today"
    return ""


class ComplaintFilterForm(QueueFilterForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [
            (self.OPEN, _("待办")),
            (self.OVERDUE, _("已超期")),
            *Status.choices,
            (self.ALL, _("全部")),
        ]


def _filtered(found: QuerySet[Complaint], chosen: str) -> QuerySet[Complaint]:
    if chosen == QueueFilterForm.OPEN:
        return found.filter(status__in=Complaint.OPEN)
    if chosen == QueueFilterForm.OVERDUE:
        return found.filter(status__in=Complaint.OPEN, due_on__lt=timezone.localdate())
    if chosen in Status.values:
        return found.filter(status=chosen)
    return found


@console_view
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = ComplaintFilterForm(request.GET or None)
    mine = visible(request.user)
    found = _filtered(mine, form.chosen(QueueFilterForm.OPEN)).order_by(
        F("due_on").asc(nulls_last=True), "filed_at", "pk"
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(complaint, row_state(complaint)) for complaint in page],
        "extra_query": f"&{query.urlencode()}" if query else "",
        "overdue_count": mine.filter(
            status__in=Complaint.OPEN, due_on__lt=timezone.localdate()
        ).count(),
        "nav": "complaints",
    }
    return render(request, "complaints/desk_queue.html", context)


# --- the steps ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    title: Any
    button: Any
    form: Callable[..., forms.Form]
    statuses: tuple[str, ...]
    run: Callable[[Complaint, dict[str, Any], Actor], Complaint]
    done: Any  # lazy text with %(ref)s
    button_class: str = "primary"


class AcceptForm(forms.Form):
    pass


def _conclude_form(*args: Any, **kwargs: Any) -> ConcludeForm:
    lists = [(item.code, item.name) for item in CreditList.objects.order_by("code")]
    return ConcludeForm(lists, *args, **kwargs)


STEPS: dict[str, Step] = {
    "accept": Step(
        _("受理"),
        _("受理"),
        AcceptForm,
        (Status.RECEIVED,),
        lambda c, d, a: complaints.accept(c, actor=a),
        _("已受理举报投诉 %(ref)s"),
    ),
    "decline": Step(
        # "command": the button (Decline), not the status (Declined).
        pgettext_lazy("command", "不予受理"),
        pgettext_lazy("command", "不予受理"),
        ReasonsForm,
        (Status.RECEIVED,),
        lambda c, d, a: complaints.decline(c, reasons=d["reasons"], actor=a),
        _("举报投诉 %(ref)s 不予受理"),
        "danger",
    ),
    "transfer": Step(
        _("转办"),
        _("转办"),
        TransferForm,
        (Status.RECEIVED, Status.HANDLING),
        lambda c, d, a: complaints.transfer(c, to=d["unit"], reason=d["reason"], actor=a),
        _("举报投诉 %(ref)s 已转办"),
    ),
    "conclude": Step(
        _("办结"),
        _("办结"),
        _conclude_form,
        (Status.HANDLING,),
        lambda c, d, a: complaints.conclude(
            c,
            outcome=d["outcome"],
            findings=d["findings"],
            record=d.get("record"),
            credit_list=d.get("credit_list") or "",
            actor=a,
        ),
        _("举报投诉 %(ref)s 已办结，请答复投诉人"),
    ),
    "reply": Step(
        _("答复投诉人"),
        _("答复"),
        ReplyForm,
        (Status.ANSWERING,),
        lambda c, d, a: complaints.reply(c, text=d["reply"], actor=a),
        _("已答复举报投诉 %(ref)s"),
    ),
}


def _visible(request: HttpRequest, reference: str) -> Complaint:
    return get_object_or_404(visible(request.user), reference=reference.strip().upper())


@console_view
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _render(request, _visible(request, reference))


@console_view
@require_POST
def step(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    complaint = _visible(request, reference)
    chosen = STEPS.get(name)
    if chosen is None:
        raise Http404
    if not may_handle(request.user, complaint):
        return access.forbidden(request)
    form = chosen.form(request.POST)
    if form.is_valid():
        try:
            chosen.run(complaint, form.cleaned_data, Actor.for_user(request.user))
        except XinyongError as exc:
            add_error(form, exc)
            complaint.refresh_from_db()
        else:
            messages.success(request, str(chosen.done) % {"ref": complaint.reference})
            if visible(request.user).filter(pk=complaint.pk).exists():
                return redirect("complaint_desk:detail", complaint.reference)
            return redirect("complaint_desk:queue")  # transferred away from this unit
    return _render(request, complaint, bound=(name, form), status=400)


@console_view
@require_POST
def reveal(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _visible(request, reference)
    if not may_handle(request.user, complaint):
        return access.forbidden(request)
    form = RevealForm(request.POST)
    identity: dict[str, str] = {}
    if form.is_valid():
        try:
            identity = complaints.reveal_complainant(
                complaint, actor=Actor.for_user(request.user), purpose=form.cleaned_data["purpose"]
            )
        except XinyongError as exc:
            add_error(form, exc)
    shown = bool(identity)
    return _render(
        request, complaint, reveal_form=form, identity=identity, status=200 if shown else 400
    )


@login_required(login_url=access.LOGIN_URL)
@require_GET
def attachment(request: HttpRequest, reference: str, pk: int) -> HttpResponseBase:
    if not access.may_use_console(request.user):
        return access.forbidden(request)
    complaint = _visible(request, reference)
    stored = get_object_or_404(complaint.attachments.all(), pk=pk)
    return attachments.download(
        complaint, stored, Actor.for_user(request.user), "xinyong.complaint.attachment_downloaded"
    )


def _initial(request: HttpRequest) -> dict[str, Any]:
    """A record chosen on the way back from entering it (`?record=` from the console's
    record form) fills the conclude step's record number and outcome."""
    record = request.GET.get("record", "")
    if not record.isdigit():
        return {}
    return {"record": int(record), "outcome": Complaint.Outcome.RECORD}


def _render(
    request: HttpRequest,
    complaint: Complaint,
    *,
    bound: tuple[str, forms.Form] | None = None,
    reveal_form: forms.Form | None = None,
    identity: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    allowed = may_handle(request.user, complaint)
    initial = _initial(request)
    steps = [
        {
            "name": name,
            "spec": spec,
            "form": bound[1] if bound and bound[0] == name else spec.form(initial=initial),
        }
        for name, spec in STEPS.items()
        if complaint.status in spec.statuses or (bound and bound[0] == name)
    ]
    context = {
        "complaint": complaint,
        "state": row_state(complaint),
        "steps": steps,
        "allowed": allowed,
        "timeline": complaints.steps(complaint),
        "events": [
            {"event": event, "label": event.get_action_display()}
            for event in complaint.events.select_related("unit").order_by("at", "id")
        ],
        "attachments": complaint.attachments.order_by("pk"),
        "reveal_form": reveal_form or RevealForm(),
        "identity": identity or {},
        "nav": "complaints",
    }
    return render(request, "complaints/desk_detail.html", context, status=status)
