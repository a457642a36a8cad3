"""The console's objection desk (异议): the queue by deadline and each objection's page.

Who may do what
- Operators (平台运营人员) run the platform's steps: the platform check (refer to the
  data-providing unit, or decide at once), the decision, a withdrawal the applicant asks
  for, and reading the applicant's contact (with a purpose, audited). They see every
  objection.
- The data-providing unit's clerks and reviewers answer the unit check. Its staff see
  the objections referred to their unit (at the unit check or after); any other
  objection is a 404, as if it did not exist.
Every step is a call to `xinyong.rights.objections`; its refusals come back as form
errors with their code, never as a 500. An overdue step (its deadline passed) is
highlighted in the queue and on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from xinyong.accounts.roles import Role
from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.records.models import CreditRecord
from xinyong.rights import attachments, objections
from xinyong.rights.models import Objection
from xinyong.rights.objection_forms import (
    FREE_TEXT,
    REJECT,
    DecideForm,
    QueueFilterForm,
    ReferForm,
    RevealForm,
    UnitAnswerForm,
    WithdrawForm,
    add_error,
)

PER_PAGE = 30
Status = Objection.Status


# --- who may do what --------------------------------------------------------------------
def may_run_platform_steps(user: Any, objection: Objection) -> bool:
    return access.is_operator(user)


def may_answer(user: Any, objection: Objection) -> bool:
    """The data-providing unit's clerks and reviewers answer its check."""
    return bool(
        user.unit_id == objection.unit_id
        and objection.unit.active
        and (user.has_role(Role.CLERK) or user.has_role(Role.REVIEWER))
    )


def visible(user: Any) -> QuerySet[Objection]:
    found = Objection.objects.select_related(
        "record__record_type", "entry__credit_list", "subject", "unit"
    )
    if access.is_operator(user):
        return found
    return found.filter(unit_id=user.unit_id, unit_due__isnull=False)


def _visible(request: HttpRequest, reference: str) -> Objection:
    return get_object_or_404(visible(request.user), reference=reference.strip().upper())


# --- the queue --------------------------------------------------------------------------
def _filtered(found: QuerySet[Objection], chosen: str) -> QuerySet[Objection]:
    today = timezone.localdate()
    if chosen == QueueFilterForm.OPEN:
        return found.filter(status__in=Objection.OPEN)
    if chosen == QueueFilterForm.OVERDUE:
        return found.filter(status__in=Objection.OPEN, due_on__lt=today)
    if chosen in Status.values:
        return found.filter(status=chosen)
    return found


def row_state(objection: Objection) -> str:
    """ "overdue", "due-today" or "": how the queue and the page mark the deadline."""
    today = timezone.localdate()
    if objections.is_overdue(objection, today):
        return "overdue"
    if objection.is_open and objection.due_on == today:
        return "due-today"
    return ""


@console_view
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    operator = access.is_operator(request.user)
    form = QueueFilterForm(request.GET or None)
    chosen = form.chosen(QueueFilterForm.OPEN if operator else Status.UNIT_CHECK)
    found = _filtered(visible(request.user), chosen).order_by(
        F("due_on").asc(nulls_last=True), "filed_at", "pk"
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "rights/desk/objection_queue.html",
        {
            "form": form,
            "page": page,
            "rows": [(o, row_state(o), objections.ground_name(o)) for o in page],
            "extra_query": f"&{query.urlencode()}" if query else "",
            "overdue_count": objections.overdue()
            .filter(Q(pk__in=visible(request.user).values("pk")))
            .count(),
            "nav": "objections",
        },
    )


# --- the steps --------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    title: Any
    button: Any
    form: type[forms.Form]
    statuses: tuple[str, ...]
    allowed: Callable[[Any, Objection], bool]
    run: Callable[[Objection, dict[str, Any], Actor], Objection]
    done: Any  # lazy text with %(ref)s
    button_class: str = "primary"


def _refer(objection: Objection, data: dict[str, Any], actor: Actor) -> Objection:
    return objections.refer_to_unit(objection, actor=actor, note=data.get("note") or "")


def _decide(objection: Objection, data: dict[str, Any], actor: Actor) -> Objection:
    outcome = data["outcome"]
    return objections.decide(
        objection,
        upheld=outcome != REJECT,
        outcome="" if outcome == REJECT else outcome,
        corrections=data.get("corrections") or None,
        reasons=data["reasons"],
        actor=actor,
    )


def _answer(objection: Objection, data: dict[str, Any], actor: Actor) -> Objection:
    return objections.unit_answer(
        objection,
        confirms_error=data["confirms_error"],
        answer=data["answer"],
        corrections=data.get("corrections") or None,
        actor=actor,
    )


def _withdraw(objection: Objection, data: dict[str, Any], actor: Actor) -> Objection:
    return objections.withdraw(objection, actor=actor, note=data["note"])


STEPS: dict[str, Step] = {
    "refer": Step(
        _("平台核查：转数据提供单位核查"),
        _("转数据提供单位核查"),
        ReferForm,
        (Status.PLATFORM_CHECK,),
        may_run_platform_steps,
        _refer,
        _("异议 %(ref)s 已转数据提供单位核查"),
    ),
    "answer": Step(
        _("数据提供单位核查"),
        _("提交核查意见"),
        UnitAnswerForm,
        (Status.UNIT_CHECK,),
        may_answer,
        _answer,
        _("已提交异议 %(ref)s 的核查意见"),
    ),
    "decide": Step(
        _("作出决定"),
        _("作出决定"),
        DecideForm,
        (Status.PLATFORM_CHECK, Status.DECIDING),
        may_run_platform_steps,
        _decide,
        _("已对异议 %(ref)s 作出决定"),
    ),
    "withdraw": Step(
        _("申请人撤回"),
        _("记录撤回"),
        WithdrawForm,
        Objection.OPEN,
        may_run_platform_steps,
        _withdraw,
        _("异议 %(ref)s 已撤回"),
        "danger",
    ),
}


@console_view
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _render(request, _visible(request, reference))


@console_view
@require_POST
def step(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    objection = _visible(request, reference)
    chosen = STEPS.get(name)
    if chosen is None:
        raise Http404
    if not chosen.allowed(request.user, objection):
        return access.forbidden(request)
    form = chosen.form(request.POST)
    if form.is_valid():
        try:
            chosen.run(objection, form.cleaned_data, Actor.for_user(request.user))
        except XinyongError as exc:
            add_error(form, exc)
            objection.refresh_from_db()
        else:
            messages.success(request, str(chosen.done) % {"ref": objection.reference})
            return redirect("objection_desk:detail", objection.reference)
    return _render(request, objection, bound=(name, form), status=400)


@console_view
@require_POST
def reveal(request: HttpRequest, reference: str) -> HttpResponse:
    objection = _visible(request, reference)
    if not access.is_operator(request.user):
        return access.forbidden(request)
    form = RevealForm(request.POST)
    contact = ""
    if form.is_valid():
        try:
            contact = objections.reveal_contact(
                objection,
                actor=Actor.for_user(request.user),
                purpose=form.cleaned_data["purpose"],
            )
        except XinyongError as exc:
            add_error(form, exc)
    return _render(
        request, objection, reveal_form=form, contact=contact, status=200 if contact else 400
    )


@login_required(login_url=access.LOGIN_URL)
@require_GET
def attachment(request: HttpRequest, reference: str, pk: int) -> HttpResponseBase:
    """An attachment, for those who see the objection (console users only)."""
    if not access.may_use_console(request.user):
        return access.forbidden(request)
    objection = _visible(request, reference)
    stored = get_object_or_404(objection.attachments.all(), pk=pk)
    return attachments.download(objection, stored, Actor.for_user(request.user))


# --- the page ---------------------------------------------------------------------------
def _payload_rows(record: CreditRecord, requested: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's fields with their names, whether an objection may correct them, and
    what the objection asks for each."""
    correctable = {spec["code"] for spec in objections.correctable_fields(record)}
    rows = []
    for spec in record.record_type.fields or []:
        code = spec["code"]
        value = record.payload.get(code, "")
        if value in ("", None) and code not in requested:
            continue
        rows.append(
            {
                "code": code,
                "name": spec.get("name") or code,
                "value": value,
                "correctable": code in correctable,
                "requested": requested.get(code),
            }
        )
    return rows


def _versions(record: CreditRecord) -> list[dict[str, Any]]:
    labels = dict(CreditRecord.Status.choices)
    return [
        {"version": version, "status": labels.get(version.status, version.status)}
        for version in record.versions.order_by("-number")
    ]


def _actor_name(label: str) -> str:
    kind, _sep, rest = label.partition(":")
    if kind == "user":
        return rest.partition(":")[2] or label
    return label


def _render(
    request: HttpRequest,
    objection: Objection,
    *,
    bound: tuple[str, forms.Form] | None = None,
    reveal_form: forms.Form | None = None,
    contact: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    steps = [
        {
            "name": name,
            "spec": spec,
            "form": bound[1] if bound and bound[0] == name else _initial(spec, objection),
            "allowed": spec.allowed(user, objection),
        }
        for name, spec in STEPS.items()
        # A refused step stays on the page with its error, even once it is past.
        if objection.status in spec.statuses or (bound and bound[0] == name)
    ]
    record = objection.record
    events = [
        {
            "event": event,
            "label": str(event.get_action_display()),
            "actor": _actor_name(event.actor),
        }
        for event in objection.events.order_by("at", "id")
    ]
    context = {
        "objection": objection,
        "ground": objections.ground_name(objection),
        "state": row_state(objection),
        "steps": steps,
        "timeline": objections.steps(objection),
        "events": events,
        "record": record,
        "entry": objection.entry,
        "payload": _payload_rows(record, objection.corrections) if record else [],
        "free_text": objection.corrections.get(FREE_TEXT, ""),
        "versions": _versions(record) if record else [],
        "attachments": objection.attachments.order_by("pk"),
        "may_reveal": access.is_operator(user),
        "reveal_form": reveal_form or RevealForm(),
        "contact": contact,
        "nav": "objections",
    }
    return render(request, "rights/desk/objection_detail.html", context, status=status)


def _initial(spec: Step, objection: Objection) -> forms.Form:
    """A step's form, the decision's corrections filled with those on file."""
    if spec.form is DecideForm:
        lines = [
            f"{code}={value}" for code, value in objection.corrections.items() if code != FREE_TEXT
        ]
        return DecideForm(initial={"corrections": "\n".join(lines)})
    return spec.form()
