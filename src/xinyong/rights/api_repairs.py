"""The credit-repair API (信用修复): file an application, follow it, decide it.

Who may do what (a token acts for one unit, with scopes; all three need `rights:write`)
- file (`POST /repairs`): any such token, on the subject's behalf (a unit's window, a
  service hall's system); standing is the unit's responsibility, as at a counter;
- read (`GET /repairs/{reference}`): any such token; the answer is what the applicant
  sees on the tracking page (status, deadline, public history), never the contact;
- decide (`POST /repairs/{reference}/decide`): the unit that decides the repair. The
  credit platform decides penalty-publicity and other record repairs, so for a record
  only an *operator unit* may decide; for a list entry the entry's deciding unit (认定单位)
  or an operator unit. An operator unit is a unit an active platform operator (平台运营人员)
  belongs to. Anyone else: 403 `repair.not_decider`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from xinyong.accounts.models import ApiToken
from xinyong.accounts.roles import Role
from xinyong.api.auth import TokenAuth, require_scope
from xinyong.core.audit import Actor
from xinyong.core.errors import PermissionDenied
from xinyong.records.api import ErrorOut
from xinyong.rights import repairs
from xinyong.rights.models import Channel, RepairApplication
from xinyong.rights.procedure import find_target
from xinyong.subjects.models import Unit

router = Router(tags=["rights"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
SCOPE = "rights:write"


# --- shapes -------------------------------------------------------------------------------
class AttachmentIn(Schema):
    name: str = Field(max_length=255, examples=["缴款凭证.pdf"])
    content_base64: str = Field(description="the file, base64-encoded (PDF, PNG or JPEG)")


class RepairIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "record": 1024,
                    "correction": "已于2026年3月1日缴清全部罚款，并完成整改。",
                    "commitment": "本单位郑重承诺：已依法履行行政处罚决定确定的义务……",
                    "applicant_name": "张三",
                    "contact": "13800000000",
                    "attachments": [{"name": "缴款凭证.pdf", "content_base64": "JVBERi0xLjQK"}],
                }
            ]
        }
    )

    record: int | None = Field(None, description="the credit record's id (or give `entry`)")
    entry: str | None = Field(None, description="the list entry's reference (名单编号)")
    correction: str = Field(max_length=5000, description="how the dishonest act was corrected")
    commitment: str = Field(
        "", max_length=5000, description="the 信用修复型 credit commitment; required by the pack"
    )
    applicant_name: str = Field(max_length=100)
    contact: str = Field(max_length=100, description="phone or e-mail; stored encrypted")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=5)


class DecisionIn(Schema):
    decision: Literal["approve", "reject"]
    reasons: str = Field("", max_length=5000, description="required to reject")


class TargetOut(Schema):
    kind: Literal["record", "entry"]
    record: int | None = None
    record_type: str = ""
    record_type_name: str = ""
    document_number: str = ""
    decision_date: date | None = None
    list: str = ""
    list_name: str = ""
    entry: str = ""


class EventOut(Schema):
    at: datetime
    action: str = Field(examples=["filed"])
    action_name: str = Field(examples=["提交申请"])
    note: str


class RepairOut(Schema):
    reference: str = Field(description="修复编号", examples=["XF1A2B3C4D5E6F"])
    status: Literal["reviewing", "approved", "rejected", "withdrawn"]
    status_name: str
    method: Literal["list_exit", "penalty", "other"]
    method_name: str
    target: TargetOut
    subject_name: str
    subject_code: str = Field(description="the USCC, or a person's masked ID number")
    filed_at: datetime
    due_on: date | None = Field(description="the decision deadline; null once decided")
    decided_at: datetime | None
    overdue: bool
    history: list[EventOut] = Field(description="the public events only")

    @classmethod
    def of(cls, application: RepairApplication) -> RepairOut:
        subject = application.subject
        return cls(
            reference=application.reference,
            status=application.status,  # type: ignore[arg-type]
            status_name=str(application.get_status_display()),
            method=application.method,  # type: ignore[arg-type]
            method_name=str(application.get_method_display()),
            target=_target(application),
            subject_name=subject.name,
            subject_code=subject.display_code,
            filed_at=application.filed_at,
            due_on=application.due_on,
            decided_at=application.decided_at,
            overdue=repairs.is_overdue(application),
            history=[
                EventOut(
                    at=event.at,
                    action=event.action,
                    action_name=str(event.get_action_display()),
                    note=event.note,
                )
                for event in repairs.public_events(application)
            ],
        )


def _target(application: RepairApplication) -> TargetOut:
    record, entry = application.record, application.entry
    if record is not None:
        return TargetOut(
            kind="record",
            record=record.pk,
            record_type=record.record_type.code,
            record_type_name=record.record_type.name,
            document_number=record.document_number,
            decision_date=record.decision_date,
        )
    assert entry is not None
    return TargetOut(
        kind="entry",
        list=entry.credit_list.code,
        list_name=entry.credit_list.name,
        entry=entry.reference,
        document_number=entry.document_number,
    )


# --- who decides ----------------------------------------------------------------------------
def is_operator_unit(unit: Unit) -> bool:
    return unit.users.filter(is_active=True, groups__name=Role.OPERATOR).exists()


def may_decide(token: ApiToken, application: RepairApplication) -> bool:
    """Records: operator units; list entries: also the entry's deciding unit."""
    if application.entry_id is not None and application.unit_id == token.unit_id:
        return True
    return is_operator_unit(token.unit)


def _actor(token: ApiToken) -> Actor:
    return Actor(f"token:{token.prefix}", token.unit.code)


def _fresh(application: RepairApplication) -> RepairOut:
    return RepairOut.of(repairs.find_application(application.reference))


# --- endpoints ----------------------------------------------------------------------------
@router.post(
    "/repairs",
    auth=TokenAuth(),
    response={201: RepairOut, **ERRORS},
    summary="Apply for credit repair of a record or a list entry (scope rights:write)",
    description=(
        "Exactly one of `record` (id) or `entry` (reference). One application per record "
        "or entry at a time; decided within the pack's working days (`due_on`). "
        "400: request.invalid, rights.target, rights.required, rights.contact_required, "
        "repair.not_repairable (a record type or list the pack does not repair), "
        "repair.commitment_required, repair.name_too_long, attachment.kind, "
        "attachment.too_large, attachment.too_many, attachment.not_base64; "
        "403: auth.scope; 404: record.unknown, entry.unknown; 409: repair.too_early (the "
        "message names the first day an application is accepted), repair.no_minimum, "
        "repair.nothing_to_repair (not public, revoked, ended, not in force), "
        "repair.already_open."
    ),
)
def apply(request: HttpRequest, body: RepairIn) -> Status[RepairOut]:
    token = require_scope(request, SCOPE)
    target = find_target(body.record, body.entry)
    application = repairs.apply_for_repair(
        target,
        correction=body.correction,
        commitment=body.commitment,
        applicant_name=body.applicant_name,
        contact=body.contact,
        channel=Channel.API,
        actor=_actor(token),
        encoded=[(item.name, item.content_base64) for item in body.attachments],
    )
    return Status(201, _fresh(application))


@router.get(
    "/repairs/{reference}",
    auth=TokenAuth(),
    response={200: RepairOut, **ERRORS},
    summary="An application as the applicant sees it (scope rights:write)",
    description="Status, decision deadline and public history. 404 repair.unknown.",
)
def detail(request: HttpRequest, reference: str) -> RepairOut:
    require_scope(request, SCOPE)
    return RepairOut.of(repairs.find_application(reference))


@router.post(
    "/repairs/{reference}/decide",
    auth=TokenAuth(),
    response={200: RepairOut, **ERRORS},
    summary="Approve or reject an application, today (scope rights:write)",
    description=(
        "Approving ends the record's publicity (it leaves public view today) or takes the "
        "entry off its list, and queues the result for the unit that made the original "
        "decision; rejecting needs `reasons` and queues the result too. Records are decided "
        "by operator units, list entries also by the entry's deciding unit "
        "(403 repair.not_decider). 400 rights.required; 404 repair.unknown; 409 "
        "repair.decided (already decided or withdrawn), repair.nothing_to_repair (the entry "
        "left its list meanwhile: reject with reasons)."
    ),
)
def decide(request: HttpRequest, reference: str, body: DecisionIn) -> RepairOut:
    token = require_scope(request, SCOPE)
    application = repairs.find_application(reference)
    if not may_decide(token, application):
        raise PermissionDenied(
            "repair.not_decider",
            _(
                "本单位不能办理该信用修复申请：信用记录的修复由信用平台决定，名单条目的修复由认定单位决定"
            ),
        )
    if body.decision == "approve":
        repairs.approve(application, actor=_actor(token), reasons=body.reasons)
    else:
        repairs.reject(application, actor=_actor(token), reasons=body.reasons)
    return _fresh(application)
