"""Staff pages for list entries (名单条目) through due process.

The queue shows the entries someone has to act on; an entry's page shows its reasons,
the list's basis, its evidence and full history, and a form for the next step only.
Every step is a call to `xinyong.lists.entries`: its refusals (a decision while the
defence period runs, a minor, a wrong step) come back as form errors in the page's
language, with their code, never as a 500.

Who may do what. The console already has one mechanism for "may act for a unit":
`access.may_submit` (operators for every unit, a unit's clerks for their own unit). The
preparatory steps of due process are a clerk's work, so they use it unchanged:

- propose (to a list the user's unit decides; an operator to any list), notify the
  subject, record the subject's defence: `access.may_submit(user, entry.unit)`.
- decide, publish and exit change a subject's legal position, so they are the deciding
  unit's, as its reviewers (单位审核人), or an operator's: `may_decide` below. A clerk who
  prepared an entry does not also decide it (the four-eyes rule of the records review).

Reading follows `access.visible_units`: operators see every entry, unit staff (clerks,
reviewers, auditors) the entries their unit decides; any other entry is a 404, as if it
did not exist. A person is shown by name and masked ID number only (`display_code`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from xinyong.accounts.roles import Role
from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.console.entry_forms import (
    DecideForm,
    DefenceForm,
    ExitForm,
    NotifyForm,
    ProposeForm,
    PublishForm,
    QueueFilterForm,
    entry_label,
    error_text,
    proposable_lists,
)
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.lists import entries
from xinyong.lists.models import EntryEvent, ListEntry
from xinyong.portal.list_views import term_text

ENTRIES_PER_PAGE = 30
# A defence deadline this close (calendar days) is flagged "ending soon" in the queue.
ENDING_SOON_DAYS = 2

Status = ListEntry.Status


# --- who may do what --------------------------------------------------------------------
def may_prepare(user: Any, entry: ListEntry) -> bool:
    """Notify the subject, record a defence: operators and the deciding unit's clerks."""
    return access.may_submit(user, entry.unit_id)


def may_decide(user: Any, entry: ListEntry) -> bool:
    """Decide, publish, exit: operators and the deciding unit's reviewers."""
    if access.is_operator(user):
        return True
    return bool(
        user.unit_id == entry.unit_id and entry.unit.active and user.has_role(Role.REVIEWER)
    )


def _entries(user: Any) -> QuerySet[ListEntry]:
    found = ListEntry.objects.select_related("credit_list", "subject", "unit")
    if access.is_operator(user):
        return found
    return found.filter(unit_id=user.unit_id)


def _visible_entry(request: HttpRequest, reference: str) -> ListEntry:
    return get_object_or_404(_entries(request.user), reference=reference.strip().upper())


# --- the queue --------------------------------------------------------------------------
@dataclass(frozen=True)
class Deadline:
    """The defence deadline as the queue flags it."""

    state: str  # "", "ended" (the period has run: a decision is due) or "soon"
    label: str


def deadline(entry: ListEntry, today: date) -> Deadline:
    if entry.status != Status.NOTIFIED or entry.defence_until is None:
        return Deadline("", "")
    if entry.defence_until <= today:
        return Deadline("ended", gettext("期限已届满，待作出决定"))
    if entry.defence_until <= today + timedelta(days=ENDING_SOON_DAYS):
        return Deadline("soon", gettext("即将届满"))
    return Deadline("", "")


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return f"&{query.urlencode()}" if query else ""


@console_view
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.user, request.GET or None)
    found = _entries(request.user)
    # A filter value that is not valid (a list since retired) is ignored, not an error.
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if chosen.get("credit_list"):
        found = found.filter(credit_list=chosen["credit_list"])
    if chosen.get("unit"):
        found = found.filter(unit=chosen["unit"])
    found = found.filter(status__in=form.statuses()).order_by(
        F("defence_until").asc(nulls_first=True), "-proposed_at", "-pk"
    )
    page = Paginator(found, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "console/entries/queue.html",
        {
            "form": form,
            "page": page,
            "rows": [(entry, deadline(entry, today)) for entry in page],
            "extra_query": _query_without_page(request),
            "may_propose": proposable_lists(request.user).exists(),
            "nav": "entries",
        },
    )


# --- proposing --------------------------------------------------------------------------
@console_view
def propose(request: HttpRequest) -> HttpResponse:
    if not proposable_lists(request.user).exists():
        return access.forbidden(request)
    form = ProposeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert form.subject is not None
        try:
            entry = entries.propose(
                form.cleaned_data["credit_list"],
                form.subject,
                reasons=form.cleaned_data["reasons"],
                ground=form.cleaned_data["ground"],
                evidence=form.records,
                actor=Actor.for_user(request.user),
            )
        except XinyongError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                gettext("已提出拟列入，名单编号 %(ref)s；下一步：告知当事人")
                % {"ref": entry.reference},
            )
            return redirect("console:entry", entry.reference)
    return render(
        request,
        "console/entries/propose.html",
        {"form": form, "nav": "entries"},
        status=400 if form.is_bound and form.errors else 200,
    )


def _add_error(form: forms.Form, exc: XinyongError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, error_text(exc))


# --- the steps --------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One step of due process on an entry's page."""

    title: Any  # lazy text
    button: Any
    form: type[forms.Form]
    statuses: tuple[str, ...]
    allowed: Callable[[Any, ListEntry], bool]
    run: Callable[[ListEntry, dict[str, Any], Actor], ListEntry]
    done: Any  # lazy text with %(ref)s


def _notify(entry: ListEntry, data: dict[str, Any], actor: Actor) -> ListEntry:
    return entries.notify(entry, actor=actor, on=data.get("notified_on"))


def _defence(entry: ListEntry, data: dict[str, Any], actor: Actor) -> ListEntry:
    return entries.record_defence(entry, data["defence"], actor=actor)


def _decide(entry: ListEntry, data: dict[str, Any], actor: Actor) -> ListEntry:
    if data["outcome"] == DecideForm.DECLINE:
        return entries.decide(entry, listed=False, actor=actor, note=data["note"])
    return entries.decide(
        entry,
        listed=True,
        actor=actor,
        document_number=data["document_number"],
        ends_on=data.get("ends_on"),
        note=data.get("note") or "",
    )


def _publish(entry: ListEntry, data: dict[str, Any], actor: Actor) -> ListEntry:
    return entries.publish(entry, actor=actor)


def _exit(entry: ListEntry, data: dict[str, Any], actor: Actor) -> ListEntry:
    return entries.exit_entry(entry, data["reason"], actor=actor, note=data["note"])


STEPS: dict[str, Step] = {
    "notify": Step(
        _("告知当事人"),
        _("已告知，开始陈述申辩期"),
        NotifyForm,
        (Status.PROPOSED,),
        may_prepare,
        _notify,
        _("名单条目 %(ref)s 已告知当事人"),
    ),
    "defence": Step(
        _("记录陈述申辩"),
        _("记录陈述申辩"),
        DefenceForm,
        (Status.NOTIFIED,),
        may_prepare,
        _defence,
        _("已记录名单条目 %(ref)s 的陈述申辩"),
    ),
    "decide": Step(
        _("作出决定"),
        _("作出决定"),
        DecideForm,
        (Status.NOTIFIED,),
        may_decide,
        _decide,
        _("已对名单条目 %(ref)s 作出决定"),
    ),
    "publish": Step(
        pgettext_lazy("command", "公开"),  # the button (Publish), not the status (Published)
        _("公开名单条目"),
        PublishForm,
        (Status.LISTED,),
        may_decide,
        _publish,
        _("名单条目 %(ref)s 已公开"),
    ),
    "exit": Step(
        _("移出名单"),
        _("移出名单"),
        ExitForm,
        ListEntry.IN_FORCE,
        may_decide,
        _exit,
        _("名单条目 %(ref)s 已移出名单"),
    ),
}


@console_view
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_detail(request, _visible_entry(request, reference))


@console_view
@require_POST
def step(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    entry = _visible_entry(request, reference)
    chosen = STEPS.get(name)
    if chosen is None:
        raise Http404
    if not chosen.allowed(request.user, entry):
        return access.forbidden(request)
    form = chosen.form(request.POST)
    if form.is_valid():
        try:
            chosen.run(entry, form.cleaned_data, Actor.for_user(request.user))
        except XinyongError as exc:
            _add_error(form, exc)
            entry.refresh_from_db()  # a refused step may have changed the object, not the row
        else:
            messages.success(request, str(chosen.done) % {"ref": entry.reference})
            return redirect("console:entry", entry.reference)
    return _render_detail(request, entry, bound=(name, form), status=400)


# --- an entry's page --------------------------------------------------------------------
def _field_label(name: str) -> str:
    return str(entry_label(name))


def _event_facts(event: EntryEvent) -> list[tuple[str, str]]:
    """The event's data in words: the known keys with the entry's field labels."""
    data = event.data or {}
    facts: list[tuple[str, str]] = []
    for key in ("origin", "origin_ref", "defence_until", "decided_on", "starts_on", "ends_on"):
        value = data.get(key)
        if not value:
            continue
        if key == "origin" and value in ListEntry.Origin.values:
            value = ListEntry.Origin(value).label
        facts.append((_field_label(key), str(value)))
    if data.get("document_number"):
        facts.append((_field_label("document_number"), str(data["document_number"])))
    if data.get("reason") in ListEntry.ExitReason.values:
        facts.append((_field_label("exit_reason"), str(ListEntry.ExitReason(data["reason"]).label)))
    if data.get("on"):
        facts.append((_field_label("exited_on"), str(data["on"])))
    return facts


def _actor_name(label: str) -> str:
    """`user:5:clerk-gat` → `clerk-gat`; other actors (cli:…, system, api:…) as they are."""
    kind, _sep, rest = label.partition(":")
    if kind == "user":
        return rest.partition(":")[2] or label
    return label


def _render_detail(
    request: HttpRequest,
    entry: ListEntry,
    *,
    bound: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    steps = []
    for name, spec in STEPS.items():
        if entry.status not in spec.statuses:
            continue
        form = bound[1] if bound and bound[0] == name else spec.form()
        steps.append(
            {
                "name": name,
                "title": spec.title,
                "button": spec.button,
                "form": form,
                "button_class": "danger" if name == "exit" else "primary",
                "allowed": spec.allowed(user, entry),
            }
        )
    events = [
        {
            "event": event,
            "actor": _actor_name(event.actor),
            "facts": _event_facts(event),
        }
        for event in entry.events.order_by("at", "pk")
    ]
    credit_list = entry.credit_list
    today = timezone.localdate()
    return render(
        request,
        "console/entries/detail.html",
        {
            "entry": entry,
            "list": credit_list,
            "basis": credit_list.basis_text,
            "terms": [
                (term.applies_when, term_text(term), term.note) for term in credit_list.list_terms()
            ],
            "evidence": entry.evidence.select_related("record_type", "unit").order_by(
                "-decision_date", "pk"
            ),
            "events": events,
            "steps": steps,
            "deadline": deadline(entry, today),
            "decision_waits": bool(
                entry.status == Status.NOTIFIED
                and entry.defence_until
                and today < entry.defence_until
                and not entry.defence
            ),
            "in_force": entry.in_force_on(today),
            "nav": "entries",
        },
        status=status,
    )
