"""The portal's credit-repair pages: apply for a public record or entry, follow the case.

- `/repairs/new?record=<id>` or `?entry=<reference>`: only for what the portal shows today
  (anything else is "not found", so the page reveals nothing the portal does not). A
  target that cannot be repaired yet shows the reason at once (with the first day an
  application is accepted) instead of a form; a refusal on submission shows in the form.
- `/repairs/<reference>/`: status, decision deadline, the public history. References are
  unguessable; the page shows no contact and no full ID number.
- `/repairs/track?ref=`: the box that leads there.

Nobody logs in: standing is the subject's code, checked by the service. Every page is
rate-limited like the other pages a script could walk.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from xinyong.core.audit import Actor
from xinyong.core.errors import InvalidInput, NotFound, XinyongError
from xinyong.portal.errors import shown
from xinyong.portal.list_views import duration_text
from xinyong.portal.ratelimit import rate_limited
from xinyong.records.models import CreditRecord
from xinyong.rights import repairs
from xinyong.rights.models import Channel, RepairApplication
from xinyong.rights.repair_forms import ApplicationForm, TrackForm

# The portal's applicant is anonymous; the application's reference identifies the case.
PORTAL_ACTOR = Actor("portal:applicant")


def _not_found(request: HttpRequest, error: XinyongError) -> HttpResponse:
    context = {"error": shown(error), "switch_next": "/"}
    return render(request, "rights/repair_not_found.html", context, status=404)


@rate_limited("repairs")
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    try:
        target = repairs.public_target(request.GET.get("record"), request.GET.get("entry"))
    except NotFound as error:
        return _not_found(request, error)
    context: dict[str, Any] = {
        "target": target,
        "is_record": isinstance(target, CreditRecord),
        "switch_next": request.get_full_path(),
    }
    try:
        rule = repairs.check_repairable(target)
    except XinyongError as error:
        context["refusal"] = shown(error)
        return render(request, "rights/repair_new.html", context, status=error.status)
    initial = {"commitment": repairs.commitment_text(target)}
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        commitment_required=rule.commitment_required,
    )
    context.update(form=form, decide_within=duration_text(rule.decide_within))
    if request.method == "POST" and form.is_valid():
        try:
            application = _file(target, form.cleaned_data)
        except XinyongError as error:
            _show(form, context, error)
        else:
            return redirect("repairs:detail", application.reference)
    status = 400 if form.is_bound else 200
    return render(request, "rights/repair_new.html", context, status=status)


def _file(target: repairs.Target, data: dict[str, Any]) -> RepairApplication:
    return repairs.apply_for_repair(
        target,
        correction=data["correction"],
        commitment=data["commitment"],
        applicant_name=data["applicant_name"],
        contact=data["contact"],
        channel=Channel.PORTAL,
        actor=PORTAL_ACTOR,
        subject_code=data["subject_code"],
        uploads=data["attachments"],
    )


def _show(form: ApplicationForm, context: dict[str, Any], error: XinyongError) -> None:
    """A refusal about one field goes under it; one about the case heads the form."""
    if error.field in form.fields:
        form.add_error(error.field, f"{error.message_in(_language())} ({error.code})")
    else:
        context["refusal"] = shown(error)


def _language() -> str:
    return get_language() or "zh-hans"


@rate_limited("repairs-track")
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        application = repairs.find_application(reference)
    except NotFound as error:
        return _not_found(request, error)
    context = {
        "application": application,
        "events": [
            (event, str(event.get_action_display())) for event in repairs.public_events(application)
        ],
        "overdue": repairs.is_overdue(application),
        "switch_next": request.path,
    }
    return render(request, "rights/repair_detail.html", context)


@rate_limited("repairs-track")
@require_GET
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "switch_next": request.path}
    if not form.is_bound:
        return render(request, "rights/repair_track.html", context)
    error: XinyongError = InvalidInput("repair.reference", _("请填写修复编号"), field="ref")
    if form.is_valid():
        try:
            found = repairs.find_application(form.cleaned_data["ref"])
        except NotFound as unknown:
            error = unknown
        else:
            return redirect("repairs:detail", found.reference)
    context["error"] = shown(error)
    return render(request, "rights/repair_track.html", context, status=error.status)
