"""The complaints API (举报投诉) for hotlines (12345, 12317 …) and units' systems.

Every endpoint needs a token with the `complaints:write` scope.
- `POST /complaints`: register a complaint taken on a hotline (`channel: hotline` with a
  hotline code from the pack) or received by a unit's own system (`channel: api`). The
  pack's routing names the handling unit; the answer has the reference and deadlines.
- `GET /complaints/{reference}`: its progress. The unit now handling it also gets the
  description and findings; nobody gets the complainant's name or contact through the
  API (that is read at the console desk, with a purpose, audited).
- `GET /complaints`: the calling unit's queue (open complaints, earliest deadline first).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from xinyong.accounts.models import ApiToken
from xinyong.api.auth import TokenAuth, require_scope
from xinyong.complaints import complaints
from xinyong.complaints.models import Complaint
from xinyong.core.audit import Actor
from xinyong.records.api import ErrorOut
from xinyong.rights.api_objections import AttachmentIn
from xinyong.rights.attachments import MAX_FILES, store_encoded

router = Router(tags=["complaints"])

SCOPE = "complaints:write"
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
PER_PAGE = 100


class ComplaintIn(Schema):
    campaign: str = Field(description="the campaign's code in the pack", examples=["wage-arrears"])
    region: str = Field(
        "", description="GB/T 2260 code of the subject's region", examples=["530302"]
    )
    subject_name: str = Field("", max_length=200, examples=["曲靖某建筑工程有限公司"])
    subject_code: str = Field(
        "", description="the subject's USCC if known (never stored unless it matches)"
    )
    description: str = Field(examples=["拖欠2026年9月至10月农民工工资共计12万元。"])
    channel: Literal["hotline", "api"] = "hotline"
    hotline: str = Field("", description="the hotline's code (channel hotline)", examples=["12345"])
    anonymous: bool = False
    complainant_name: str = Field("", max_length=100, description="stored encrypted")
    contact: str = Field("", max_length=100, description="stored encrypted")
    attachments: list[AttachmentIn] = Field(
        default_factory=list, description=f"at most {MAX_FILES} files, 10 MB each"
    )


class StepOut(Schema):
    name: str = Field(examples=["待受理"])
    due_on: date | None
    state: Literal["done", "current", "waiting", "skipped"]


class EventOut(Schema):
    at: datetime
    action: str = Field(examples=["transferred"])
    action_name: str = Field(examples=["转办"])
    unit: str = Field(description="the unit the step concerns, if any")


class ComplaintOut(Schema):
    reference: str = Field(description="投诉编号", examples=["TS1A2B3C4D5E6F"])
    campaign: str
    status: Literal["received", "handling", "answering", "replied", "declined"]
    status_name: str
    unit: str = Field(description="the handling unit's code")
    unit_name: str
    region: str
    subject_name: str
    channel: str
    hotline: str
    filed_at: datetime
    due_on: date | None
    overdue: bool
    outcome: str
    reply: str
    rating: int | None
    steps: list[StepOut]
    events: list[EventOut]
    description: str | None = Field(description="only for the handling unit")
    findings: str | None = Field(description="only for the handling unit")


class ComplaintListOut(Schema):
    total: int
    complaints: list[ComplaintOut]


def _actor(token: ApiToken) -> Actor:
    return Actor(f"token:{token.prefix}", token.unit.code)


def _out(complaint: Complaint, *, own: bool) -> ComplaintOut:
    events = complaint.events.filter(public=True).select_related("unit")
    return ComplaintOut(
        reference=complaint.reference,
        campaign=complaint.campaign.code,
        status=complaint.status,  # type: ignore[arg-type]
        status_name=str(complaint.get_status_display()),
        unit=complaint.unit.code,
        unit_name=complaint.unit.name,
        region=complaint.region_id,
        subject_name=complaint.subject_name,
        channel=complaint.channel,
        hotline=complaint.hotline,
        filed_at=complaint.filed_at,
        due_on=complaint.due_on,
        overdue=complaints.is_overdue(complaint, timezone.localdate()),
        outcome=complaint.outcome,
        reply=complaint.reply,
        rating=complaint.rating,
        steps=[
            StepOut(name=str(s["label"]), due_on=s["due_on"], state=s["state"])
            for s in complaints.steps(complaint)
        ],
        events=[
            EventOut(
                at=event.at,
                action=event.action,
                action_name=str(event.get_action_display()),
                unit=event.unit.code if event.unit else "",
            )
            for event in events
        ],
        description=complaint.description if own else None,
        findings=complaint.findings if own else None,
    )


@router.post(
    "/complaints",
    auth=TokenAuth(),
    response={201: ComplaintOut, **ERRORS},
    summary="Register a complaint from a hotline or a unit's system; it is routed at once",
)
def file_complaint(request: HttpRequest, body: ComplaintIn) -> Status[ComplaintOut]:
    token = require_scope(request, SCOPE)
    actor = _actor(token)
    files = [(item.name, item.content_base64) for item in body.attachments]
    complaint = complaints.file_complaint(
        campaign=body.campaign,
        region=body.region,
        subject_name=body.subject_name,
        subject_code=body.subject_code,
        description=body.description,
        channel=body.channel,
        hotline=body.hotline,
        anonymous=body.anonymous,
        complainant_name=body.complainant_name,
        contact=body.contact,
        attachments=(lambda: store_encoded(files, actor)) if files else None,
        actor=actor,
    )
    return Status(201, _out(complaint, own=complaint.unit_id == token.unit_id))


@router.get(
    "/complaints/{reference}",
    auth=TokenAuth(),
    response={200: ComplaintOut, **ERRORS},
    summary="A complaint's progress by its reference",
)
def complaint_detail(request: HttpRequest, reference: str) -> ComplaintOut:
    token = require_scope(request, SCOPE)
    complaint = complaints.find(reference)
    return _out(complaint, own=complaint.unit_id == token.unit_id)


@router.get(
    "/complaints",
    auth=TokenAuth(),
    response={200: ComplaintListOut, **ERRORS},
    summary="The calling unit's open complaints, earliest deadline first",
)
def complaint_queue(request: HttpRequest, offset: int = 0) -> ComplaintListOut:
    token = require_scope(request, SCOPE)
    found = Complaint.objects.filter(unit=token.unit, status__in=Complaint.OPEN).select_related(
        "campaign", "unit", "region"
    )
    offset = max(offset, 0)
    page = found.order_by("due_on", "filed_at", "pk")[offset : offset + PER_PAGE]
    return ComplaintListOut(total=found.count(), complaints=[_out(c, own=True) for c in page])
