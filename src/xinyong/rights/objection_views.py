"""The portal's objection pages: file one against a public record or entry, follow it.

- `/objections/new?record=<id>` or `?entry=<reference>`: the form, only for what the
  public may see (`records.visibility.public_records`, `lists.visibility.public_entries`);
  anything else is the portal's 404, as if it did not exist. Standing is proven by the
  subject's code (`procedure.check_standing`), which is never written back into the page.
- `/objections/<reference>/`: the tracking page: status, each step's deadline, the public
  events and the decision's reasons. Never the contact, the description or staff notes:
  the reference is all it takes to open the page.
- `/objections/track?ref=`: the lookup form, redirecting to the tracking page.

All three are rate-limited like every portal page that a script could walk.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from xinyong.core.audit import Actor
from xinyong.core.errors import NotFound, XinyongError
from xinyong.lists.models import ListEntry
from xinyong.lists.visibility import public_entries
from xinyong.portal.cards import cards
from xinyong.portal.ratelimit import rate_limited
from xinyong.records.models import CreditRecord
from xinyong.records.visibility import public_records
from xinyong.rights import objections
from xinyong.rights.attachments import store_uploads
from xinyong.rights.models import Channel, Objection
from xinyong.rights.objection_forms import ObjectionForm, TrackForm, add_error, error_text

PORTAL = Actor("portal")
SCOPE = "objections"


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "rights/objection_not_found.html", status=404)


def _public_target(request: HttpRequest) -> CreditRecord | ListEntry | None:
    """The record or entry named in the address, if the public may see it."""
    record, entry = request.GET.get("record", ""), request.GET.get("entry", "")
    if record and not entry:
        if not record.isdigit():
            return None
        return (
            public_records()
            .select_related("record_type", "subject", "unit")
            .filter(pk=int(record))
            .first()
        )
    if entry and not record:
        return (
            public_entries()
            .select_related("credit_list", "subject", "unit")
            .filter(reference=entry.strip().upper()[:20])
            .first()
        )
    return None


def _open_objection(target: CreditRecord | ListEntry) -> bool:
    found = Objection.objects.filter(status__in=Objection.OPEN)
    if isinstance(target, CreditRecord):
        return found.filter(record=target).exists()
    return found.filter(entry=target).exists()


def _target_context(target: CreditRecord | ListEntry | None) -> dict[str, Any]:
    if isinstance(target, CreditRecord):
        return {"card": cards([target])[0], "entry": None}
    return {"card": None, "entry": target}


@rate_limited(SCOPE)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    target = _public_target(request)
    if target is None:
        return not_found(request)
    try:
        grounds = objections.grounds()
    except XinyongError:
        return not_found(request)  # a pack without an objection rule takes none
    form = ObjectionForm(grounds, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection = objections.file_objection(
                target,
                ground=data["ground"],
                description=data["description"],
                applicant_name=data["applicant_name"],
                contact=data["contact"],
                subject_code=data["subject_code"],
                corrections=form.requested(),
                attachments=(lambda: store_uploads(data["attachments"], PORTAL))
                if data["attachments"]
                else None,
                actor=PORTAL,
                channel=Channel.PORTAL,
            )
        except XinyongError as exc:
            add_error(form, exc)
        else:
            return redirect("objections:detail", objection.reference)
    context = {
        "form": form,
        "target": target,
        "already_open": _open_objection(target),
        **_target_context(target),
    }
    return render(
        request,
        "rights/objection_new.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )


@rate_limited(SCOPE)
@require_GET
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            objection = objections.find_objection(form.cleaned_data["ref"])
        except NotFound as exc:
            form.add_error("ref", error_text(exc))
            status = 404
        else:
            return redirect("objections:detail", objection.reference)
    return render(request, "rights/objection_track.html", {"form": form}, status=status)


@rate_limited(SCOPE)
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        objection = objections.find_objection(reference)
    except NotFound:
        return not_found(request)
    if objection.reference != reference:
        return redirect("objections:detail", objection.reference)
    target = _shown_target(objection)
    context = {
        "objection": objection,
        "ground": objections.ground_name(objection),
        "steps": objections.steps(objection),
        "events": [
            {"event": event, "label": str(event.get_action_display())}
            for event in objections.public_events(objection)
        ],
        "overdue": objections.is_overdue(objection),
        "target": target,
        "target_name": _target_name(objection),
        **_target_context(target),
    }
    return render(request, "rights/objection_detail.html", context)


def _shown_target(objection: Objection) -> CreditRecord | ListEntry | None:
    """The record or entry as the public may see it now (None once it is not public)."""
    if objection.record_id:
        return (
            public_records()
            .select_related("record_type", "subject", "unit")
            .filter(pk=objection.record_id)
            .first()
        )
    assert objection.entry_id is not None
    return (
        public_entries()
        .select_related("credit_list", "subject", "unit")
        .filter(pk=objection.entry_id)
        .first()
    )


def _target_name(objection: Objection) -> str:
    """What the objection is about, in a line: type or list, and document number."""
    if objection.record is not None:
        record = objection.record
        return f"{record.record_type.name} {record.document_number}"
    assert objection.entry is not None
    entry = objection.entry
    return f"{entry.credit_list.name} {entry.document_number or entry.reference}".strip()
