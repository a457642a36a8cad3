"""The objections API (异议): file one for an applicant, follow it, answer a unit check.

Who may do what (a token acts for one unit, with scopes; every endpoint needs
`rights:write`)
- any unit's token files an objection against a record (by id) or a list entry (by
  reference) on an applicant's behalf (`POST /objections`): like an operator at the
  console, the unit vouches for the applicant, so no subject code is asked. The
  record or entry is flagged 异议处理中 at once.
- a token holding the reference reads its progress (`GET /objections/{reference}`): the
  public-safe view of the portal's tracking page (status, step deadlines, public events; no
  contact details, persons by masked ID number). The data-providing unit also gets the
  applicant's description and requested corrections.
- the data-providing unit (the unit that reported the record or decided the entry)
  lists the objections waiting for its check (`GET /objections`) and answers one
  (`POST /objections/{reference}/unit-answer`); another unit gets 403
  `objection.other_unit`.
The platform check and the decision are staff steps in the console: there is no
operator unit acting for the platform through the API.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from xinyong.accounts.models import ApiToken
from xinyong.api.auth import TokenAuth, require_scope
from xinyong.core.audit import Actor
from xinyong.core.errors import InvalidInput, PermissionDenied
from xinyong.records.api import ErrorOut, SubjectOut
from xinyong.records.models import StoredFile
from xinyong.rights import objections
from xinyong.rights.attachments import MAX_FILES, store_encoded
from xinyong.rights.models import Channel, Objection
from xinyong.rights.procedure import find_target

router = Router(tags=["objections"])

SCOPE = "rights:write"
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
OTHER_UNIT = _("该异议由%(unit)s核查，本单位不能办理")
PER_PAGE = 100

StatusCode = Literal["platform", "unit", "deciding", "upheld", "rejected", "withdrawn"]


# --- shapes -------------------------------------------------------------------------------
class AttachmentIn(Schema):
    name: str = Field(max_length=255, examples=["决定书.pdf"])
    content_base64: str = Field(description="the file, Base64-encoded (PDF, PNG or JPEG)")


class ObjectionIn(Schema):
    record: int | None = Field(None, description="the credit record's id", examples=[1234])
    entry: str | None = Field(None, description="or a list entry's reference (名单编号)")
    ground: str = Field(
        description="a ground code of the pack's objection rule", examples=["wrong"]
    )
    description: str = Field(examples=["处罚机关名称与决定书不一致。"])
    applicant_name: str = Field(max_length=100, examples=["王经理"])
    contact: str = Field(description="phone or e-mail; stored encrypted", examples=["13800000000"])
    corrections: dict[str, str] = Field(
        default_factory=dict,
        description="field code → the value the applicant says is right; `_text` for a "
        "request in words. Identifiers, document number, dates that drive publicity and the "
        "status cannot be corrected this way.",
        examples=[{"CF_CFJG": "昆明市市场监督管理局五华分局"}],
    )
    attachments: list[AttachmentIn] = Field(
        default_factory=list, description=f"at most {MAX_FILES} files, 10 MB each"
    )


class UnitAnswerIn(Schema):
    confirms_error: bool = Field(description="the unit finds the record wrong")
    answer: str = Field(min_length=1, examples=["经核实，处罚机关名称应为……"])
    corrections: dict[str, str] = Field(
        default_factory=dict, description="field code → the right value (only with confirms_error)"
    )


class TargetOut(Schema):
    kind: Literal["record", "entry"]
    record: int | None = Field(description="the record's id (kind record)")
    entry: str | None = Field(description="the entry's reference (kind entry)")
    name: str = Field(description="the record type's or the list's name", examples=["行政处罚"])
    document_number: str
    subject: SubjectOut
    disputed: bool = Field(description="flagged 异议处理中 on the portal now")


class StepOut(Schema):
    step: Literal["platform", "unit", "decision"]
    name: str = Field(examples=["平台核查"])
    due_on: date | None
    state: Literal["done", "current", "waiting", "skipped"]


class PublicEventOut(Schema):
    at: datetime
    action: str = Field(examples=["referred"])
    action_name: str = Field(examples=["转数据提供单位核查"])
    note: str


class ObjectionOut(Schema):
    reference: str = Field(description="异议编号", examples=["YY1A2B3C4D5E6F"])
    status: StatusCode
    status_name: str = Field(examples=["平台核查"])
    ground: str = Field(examples=["wrong"])
    ground_name: str = Field(examples=["信息错误"])
    channel: Literal["portal", "api", "console"]
    filed_at: datetime
    due_on: date | None = Field(description="the current step's deadline; null once decided")
    overdue: bool
    outcome: Literal["", "corrected", "revoked", "rejected", "withdrawn"]
    outcome_name: str
    decided_at: datetime | None
    decision_reasons: str
    target: TargetOut
    steps: list[StepOut]
    events: list[PublicEventOut]


class ObjectionDetailOut(ObjectionOut):
    description: str | None = Field(description="only for the data-providing unit")
    corrections: dict[str, str] | None = Field(description="only for the data-providing unit")
    unit_answer: str | None = Field(description="only for the data-providing unit")


class ObjectionListOut(Schema):
    total: int
    objections: list[ObjectionDetailOut]


# --- helpers ------------------------------------------------------------------------------
def _actor(token: ApiToken) -> Actor:
    return Actor(f"token:{token.prefix}", token.unit.code)


def _target_out(objection: Objection) -> TargetOut:
    subject = objection.subject
    subject_out = SubjectOut(
        public_id=subject.public_id, kind=subject.kind, name=subject.name, code=subject.display_code
    )
    if objection.record is not None:
        record = objection.record
        return TargetOut(
            kind="record",
            record=record.pk,
            entry=None,
            name=record.record_type.name,
            document_number=record.document_number,
            subject=subject_out,
            disputed=record.status == record.Status.DISPUTED,
        )
    assert objection.entry is not None
    entry = objection.entry
    return TargetOut(
        kind="entry",
        record=None,
        entry=entry.reference,
        name=entry.credit_list.name,
        document_number=entry.document_number,
        subject=subject_out,
        disputed=entry.disputed,
    )


def _out(objection: Objection, *, own: bool) -> ObjectionDetailOut:
    """The public-safe view; `own`: for the data-providing unit, with the case's text."""
    return ObjectionDetailOut(
        reference=objection.reference,
        status=objection.status,  # type: ignore[arg-type]
        status_name=str(objection.get_status_display()),
        ground=objection.ground,
        ground_name=objections.ground_name(objection),
        channel=objection.channel,  # type: ignore[arg-type]
        filed_at=objection.filed_at,
        due_on=objection.due_on,
        overdue=objections.is_overdue(objection),
        outcome=objection.outcome,  # type: ignore[arg-type]
        outcome_name=str(objection.get_outcome_display()) if objection.outcome else "",
        decided_at=objection.decided_at,
        decision_reasons=objection.decision_reasons,
        target=_target_out(objection),
        steps=[
            StepOut(step=s.code, name=str(s.label), due_on=s.due_on, state=s.state)  # type: ignore[arg-type]
            for s in objections.steps(objection)
        ],
        events=[
            PublicEventOut(
                at=event.at,
                action=event.action,
                action_name=str(event.get_action_display()),
                note=event.note,
            )
            for event in objections.public_events(objection)
        ],
        description=objection.description if own else None,
        corrections=objection.corrections if own else None,
        unit_answer=objection.unit_answer if own else None,
    )


def _with_target(found: QuerySet[Objection]) -> QuerySet[Objection]:
    return found.select_related("record__record_type", "entry__credit_list", "subject", "unit")


def _detail(objection: Objection, token: ApiToken) -> ObjectionDetailOut:
    fresh = _with_target(Objection.objects.filter(pk=objection.pk)).get()
    return _out(fresh, own=fresh.unit_id == token.unit_id)


# --- endpoints ----------------------------------------------------------------------------
@router.post(
    "/objections",
    auth=TokenAuth(),
    response={201: ObjectionDetailOut, **ERRORS},
    summary="File an objection for an applicant (scope rights:write)",
    description=(
        "Against a record (`record`, its id) or a list entry (`entry`, its reference): "
        "exactly one. The target is flagged 异议处理中 at once; the platform check's "
        "deadline comes from the pack. "
        "400: request.invalid, rights.target, objection.ground, rights.required, "
        "rights.contact_required, rights.contact_too_long, objection.name_too_long, "
        "objection.correction_field, objection.correction_value, objection.too_long, "
        "attachment.not_base64, attachment.too_many, attachment.kind, attachment.too_large, "
        "rights.no_rule; 403: auth.scope; 404: record.unknown, entry.unknown; "
        "409: objection.already_open, objection.target_closed."
    ),
)
def file_objection(request: HttpRequest, body: ObjectionIn) -> Status[ObjectionDetailOut]:
    token = require_scope(request, SCOPE)
    actor = _actor(token)
    target = find_target(body.record, body.entry)

    def store() -> list[StoredFile]:
        return store_encoded(((a.name, a.content_base64) for a in body.attachments), actor)

    objection = objections.file_objection(
        target,
        ground=body.ground,
        description=body.description,
        applicant_name=body.applicant_name,
        contact=body.contact,
        corrections=body.corrections,
        attachments=store if body.attachments else None,
        actor=actor,
        channel=Channel.API,
    )
    return Status(201, _detail(objection, token))


@router.get(
    "/objections",
    auth=TokenAuth(),
    response={200: ObjectionListOut, **ERRORS},
    summary="The token's unit's objections, soonest deadline first (scope rights:write)",
    description=(
        "Objections about the records or entries of the token's unit (the data-providing "
        "unit), by status: `unit` (default: waiting for this unit's check), `open` (every "
        f"step), or any status code. At most {PER_PAGE}. 400: objection.status; "
        "403: auth.scope."
    ),
)
def unit_objections(request: HttpRequest, status: str = "unit") -> ObjectionListOut:
    token = require_scope(request, SCOPE)
    found = Objection.objects.filter(unit=token.unit)
    if status == "open":
        found = found.filter(status__in=Objection.OPEN)
    elif status in Objection.Status.values:
        found = found.filter(status=status)
    else:
        raise InvalidInput(
            "objection.status",
            _("状态“%(status)s”无效"),
            params={"status": status[:40]},
            field="status",
        )
    found = _with_target(found).order_by("due_on", "filed_at", "pk")
    return ObjectionListOut(
        total=found.count(), objections=[_out(o, own=True) for o in found[:PER_PAGE]]
    )


@router.get(
    "/objections/{reference}",
    auth=TokenAuth(),
    response={200: ObjectionDetailOut, **ERRORS},
    summary="An objection's progress by its reference (scope rights:write)",
    description=(
        "The tracking page's view: status, each step's deadline, the public events and the "
        "decision's reasons; never the applicant's contact; a person by masked ID number. "
        "The data-providing unit also gets description, corrections and its own answer "
        "(null for others). 403: auth.scope; 404: objection.unknown."
    ),
)
def objection_detail(request: HttpRequest, reference: str) -> ObjectionDetailOut:
    token = require_scope(request, SCOPE)
    return _detail(objections.find_objection(reference), token)


@router.post(
    "/objections/{reference}/unit-answer",
    auth=TokenAuth(),
    response={200: ObjectionDetailOut, **ERRORS},
    summary="The data-providing unit's check answer (scope rights:write)",
    description=(
        "Only while the objection is at the unit check (after the platform referred it), "
        "and only by the unit that reported the record or decided the entry. Corrections "
        "(field code → right value) go with confirms_error only and become the values the "
        "decision applies. The decision step's deadline starts today. "
        "400: request.invalid, rights.required, objection.correction_field, "
        "objection.correction_value, objection.corrections_without_error; "
        "403: auth.scope, objection.other_unit; 404: objection.unknown; "
        "409: objection.wrong_step."
    ),
)
def answer(request: HttpRequest, reference: str, body: UnitAnswerIn) -> ObjectionDetailOut:
    token = require_scope(request, SCOPE)
    objection = objections.find_objection(reference)
    if objection.unit_id != token.unit_id:
        raise PermissionDenied(
            "objection.other_unit", OTHER_UNIT, params={"unit": objection.unit.name}
        )
    objection = objections.unit_answer(
        objection,
        confirms_error=body.confirms_error,
        answer=body.answer,
        corrections=body.corrections,
        actor=_actor(token),
    )
    return _detail(objection, token)
