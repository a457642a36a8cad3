"""The portal's complaint pages (举报投诉): one point for the whole province.

- `/complaints/new`: the form; the pack's routing sends the complaint to the unit that
  handles its domain in its region, and the page shows the reference to quote.
- `/complaints/<reference>/`: the tracking page: status, each step's deadline, the public
  events, the reply, and the rating form once replied. Never the complainant's name or
  contact, the findings or the units' notes: the reference is all it takes to open it.
- `/complaints/track?ref=`: the lookup form.
All are rate-limited like every portal page a script could walk.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from xinyong.complaints import complaints
from xinyong.complaints.forms import ComplaintForm, RateForm, TrackForm, add_error
from xinyong.complaints.models import Complaint, ComplaintEvent
from xinyong.core.audit import Actor
from xinyong.core.errors import NotFound, XinyongError
from xinyong.portal.ratelimit import rate_limited
from xinyong.rights.attachments import store_uploads
from xinyong.rights.objection_forms import error_text

PORTAL = Actor("portal")
SCOPE = "complaints"


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/not_found.html", status=404)


@rate_limited(SCOPE)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    # A campaign's card on the home page links here with its domain chosen.
    initial = {"campaign": request.GET.get("campaign", "")[:40]}
    form = ComplaintForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = complaints.file_complaint(
                campaign=data["campaign"],
                region=data["region"],
                subject_name=data["subject_name"],
                subject_code=data["subject_code"],
                description=data["description"],
                anonymous=data["anonymous"],
                complainant_name=data["complainant_name"],
                contact=data["contact"],
                attachments=(lambda: store_uploads(data["attachments"], PORTAL))
                if data["attachments"]
                else None,
                actor=PORTAL,
                channel=Complaint.Channel.PORTAL,
            )
        except XinyongError as exc:
            add_error(form, exc)
        else:
            return redirect("complaints:detail", complaint.reference)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "complaints/new.html", {"form": form, "nav": "complaints"}, status=status
    )


@rate_limited(SCOPE)
@require_GET
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            complaint = complaints.find(form.cleaned_data["ref"])
        except NotFound as exc:
            form.add_error("ref", error_text(exc))
            status = 404
        else:
            return redirect("complaints:detail", complaint.reference)
    return render(request, "complaints/track.html", {"form": form}, status=status)


@rate_limited(SCOPE)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        complaint = complaints.find(reference)
    except NotFound:
        return not_found(request)
    if complaint.reference != reference:
        return redirect("complaints:detail", complaint.reference)
    form = RateForm(request.POST or None) if may_rate(complaint) else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            complaints.rate(
                complaint,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                actor=PORTAL,
            )
        except XinyongError as exc:
            add_error(form, exc)
        else:
            return redirect("complaints:detail", complaint.reference)
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request, "complaints/detail.html", tracking_context(complaint, form), status=status
    )


def may_rate(complaint: Complaint) -> bool:
    return (
        complaint.status in (Complaint.Status.REPLIED, Complaint.Status.DECLINED)
        and complaint.rated_at is None
        and (complaint.rate_due is None or timezone.localdate() <= complaint.rate_due)
    )


def tracking_context(complaint: Complaint, form: RateForm | None) -> dict[str, Any]:
    """What the complainant (anyone holding the reference) may see."""
    events = complaint.events.filter(public=True).select_related("unit")
    return {
        "complaint": complaint,
        "steps": complaints.steps(complaint),
        "events": [_shown(event) for event in events],
        "overdue": complaints.is_overdue(complaint, timezone.localdate()),
        "form": form,
    }


def _shown(event: ComplaintEvent) -> dict[str, Any]:
    # A transfer's reason is the units' business; the complainant sees where it went.
    note = "" if event.action == ComplaintEvent.Action.TRANSFERRED else event.note
    return {"event": event, "label": event.get_action_display(), "note": note}
