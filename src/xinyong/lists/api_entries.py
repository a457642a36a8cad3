"""The list-entries API: report decided entries, read a list's entries, run due process.

Who may do what (the platform's model: a token acts for one unit, with scopes)
- `lists:write` and the token's unit is the list's owner (认定单位): report decided
  entries (`POST /lists/{code}/entries`) and open proposals (`POST /lists/{code}/proposals`);
- `lists:write` and the token's unit is the entry's deciding unit: the due-process steps
  on `/entries/{reference}/…` (notify, defence, decide, publish, exit);
- `lists:read`: a list's entries in force, and one entry with its history. A defence
  statement (陈述申辩) is shown only to the deciding unit.
Another unit gets 403 `entry.unit_not_owner` / `entry.other_unit`. There is no operator
unit acting for all: operators are staff users and work in the console.

`POST /lists/{code}/entries` answers like `POST /records/{type}`: counts and each row's
outcome with its errors (rows numbered from 1 in the order sent).
"""

from __future__ import annotations

import builtins
from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Body, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field

from xinyong.accounts.models import ApiToken
from xinyong.api.auth import TokenAuth, require_scope
from xinyong.core.audit import Actor
from xinyong.core.errors import InvalidInput, PermissionDenied
from xinyong.lists import entries
from xinyong.lists.entry_import import (
    MAX_API_ROWS,
    EntryImportResult,
    check_unit_may_decide,
    import_objects,
)
from xinyong.lists.models import EntryEvent, ListEntry
from xinyong.portal.paging import page_number, paginate
from xinyong.records.api import Cell, ErrorOut, RowErrorOut, SubjectOut, lookup_subject
from xinyong.records.models import CreditRecord

router = Router(tags=["lists"])

ENTRIES_PER_PAGE = 100
OTHER_UNIT = _("该名单条目由%(unit)s认定，本单位不能办理")
EVIDENCE_UNKNOWN = _("依据记录不存在：%(ids)s")
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}

_ROW_EXAMPLE: dict[str, Any] = {
    "name": "昆明鑫瑞商贸有限公司",
    "uscc": "91530102123456780X",
    "decided_on": "2024-05-22",
    "document_number": "（2024）云01执123号",
    "reasons": "有履行能力而拒不履行生效法律文书确定的义务。",
    "ground": "有履行能力而拒不履行生效法律文书确定义务",
    "ends_on": "2026-05-21",
}


# --- shapes -------------------------------------------------------------------------------


class EntryRowOut(Schema):
    row: int = Field(examples=[1])
    outcome: Literal["accepted", "unchanged", "rejected"] = Field(
        description="accepted: a new entry, published; unchanged: the subject already has "
        "this entry; rejected: not stored, with its errors",
        examples=["accepted"],
    )
    reference: str = Field("", description="the entry's 名单编号 (accepted, unchanged)")
    errors: list[RowErrorOut] = Field(default_factory=list)


class EntryImportOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "list": "judgment-defaulters",
                    "accepted": 1,
                    "unchanged": 0,
                    "rejected": 1,
                    "rows": [
                        {"row": 1, "outcome": "accepted", "reference": "MD1A2B3C4D5E6F"},
                        {
                            "row": 2,
                            "outcome": "rejected",
                            "reference": "",
                            "errors": [
                                {
                                    "row": 2,
                                    "field": "id_number",
                                    "code": "entry.minor",
                                    "message": "认定日当事人未满18周岁，依规定不得列入名单",
                                    "message_en": "The person was under 18 on the decision "
                                    "date and may not be listed",
                                }
                            ],
                        },
                    ],
                }
            ]
        }
    )

    list: str
    accepted: int
    unchanged: int
    rejected: int
    rows: builtins.list[EntryRowOut]  # `list` is a field of this shape

    @classmethod
    def of(cls, result: EntryImportResult) -> EntryImportOut:
        errors: dict[int, list[RowErrorOut]] = {}
        for error in result.error_dicts():
            errors.setdefault(error["row"], []).append(RowErrorOut(**error))
        return cls(
            list=result.credit_list.code,
            accepted=result.accepted,
            unchanged=result.unchanged,
            rejected=result.rejected,
            rows=[
                EntryRowOut(
                    row=row,
                    outcome=outcome,  # type: ignore[arg-type]
                    reference=reference,
                    errors=errors.get(row, []),
                )
                for row, outcome, reference in sorted(result.outcomes)
            ],
        )


class UnitOut(Schema):
    code: str = Field(examples=["YN-GY"])
    name: str = Field(examples=["云南省高级人民法院"])


class EntryOut(Schema):
    reference: str = Field(description="名单编号", examples=["MD1A2B3C4D5E6F"])
    list: str = Field(examples=["judgment-defaulters"])
    list_name: str = Field(examples=["失信被执行人名单"])
    subject: SubjectOut
    unit: UnitOut
    status: Literal["proposed", "notified", "listed", "published", "declined", "exited"]
    origin: Literal["manual", "detection", "import", "api"]
    ground: str
    reasons: str
    document_number: str
    decided_on: date | None
    starts_on: date | None
    ends_on: date | None = Field(description="null: until the exit conditions are met")
    published_at: datetime | None

    @classmethod
    def fields_of(cls, entry: ListEntry) -> dict[str, Any]:
        subject = entry.subject
        return {
            "reference": entry.reference,
            "list": entry.credit_list.code,
            "list_name": entry.credit_list.name,
            "subject": SubjectOut(
                public_id=subject.public_id,
                kind=subject.kind,
                name=subject.name,
                code=subject.display_code,
            ),
            "unit": UnitOut(code=entry.unit.code, name=entry.unit.name),
            "status": entry.status,
            "origin": entry.origin,
            "ground": entry.ground,
            "reasons": entry.reasons,
            "document_number": entry.document_number,
            "decided_on": entry.decided_on,
            "starts_on": entry.starts_on,
            "ends_on": entry.ends_on,
            "published_at": entry.published_at,
        }

    @classmethod
    def of(cls, entry: ListEntry) -> EntryOut:
        return cls(**cls.fields_of(entry))


class EventOut(Schema):
    at: datetime
    actor: str = Field(examples=["token:3f9a1c2e"])
    action: str = Field(examples=["notified"])
    action_name: str = Field(examples=["告知当事人"])
    note: str
    data: dict[str, Any]


class EntryDetailOut(EntryOut):
    origin_ref: str
    in_force: bool = Field(description="whether the entry binds today")
    notified_on: date | None
    defence_until: date | None
    defence: str | None = Field(description="the subject's defence; only for the deciding unit")
    exited_on: date | None
    exit_reason: str
    evidence: list[int] = Field(description="ids of the credit records the entry rests on")
    history: list[EventOut]

    @classmethod
    def detail(cls, entry: ListEntry, *, own: bool) -> EntryDetailOut:
        """`own`: for the deciding unit, which alone sees the defence statement."""
        history = [
            EventOut(
                at=event.at,
                actor=event.actor,
                action=event.action,
                action_name=str(event.get_action_display()),
                note="" if event.action == EntryEvent.Action.DEFENCE and not own else event.note,
                data=event.data,
            )
            for event in entry.events.all()
        ]
        return cls(
            **cls.fields_of(entry),
            origin_ref=entry.origin_ref,
            in_force=entry.in_force_on(timezone.localdate()),
            notified_on=entry.notified_on,
            defence_until=entry.defence_until,
            defence=entry.defence if own else None,
            exited_on=entry.exited_on,
            exit_reason=entry.exit_reason,
            evidence=sorted(record.pk for record in entry.evidence.all()),
            history=history,
        )


class EntryPageOut(Schema):
    list: str
    total: int
    total_capped: bool = Field(description="more entries than the pages reach")
    page: int
    pages: int
    page_size: int
    entries: builtins.list[EntryOut]  # `list` is a field of this shape


class ProposalIn(Schema):
    subject: str = Field(
        description="the subject's USCC or resident ID number (it must be known)",
        examples=["91530102123456780X"],
    )
    reasons: str = Field(min_length=1, examples=["一年内超限运输违法行为超过3次"])
    ground: str = Field("", max_length=200)
    evidence: list[int] = Field(default_factory=list, description="credit record ids")


class DefenceIn(Schema):
    text: str = Field(min_length=1)


class DecisionIn(Schema):
    listed: bool
    document_number: str = Field("", max_length=200)
    ends_on: date | None = None
    note: str = ""


class ExitIn(Schema):
    reason: Literal["expired", "conditions_met", "repaired", "revoked"]
    note: str = ""


# --- helpers ------------------------------------------------------------------------------


def _actor(token: ApiToken) -> Actor:
    return Actor(f"token:{token.prefix}", token.unit.code)


def _entry_for(token: ApiToken, reference: str) -> ListEntry:
    """The entry, if the token's unit decides it (403 otherwise)."""
    entry = entries.find_entry(reference)
    if entry.unit_id != token.unit_id:
        raise PermissionDenied("entry.other_unit", OTHER_UNIT, params={"unit": entry.unit.name})
    return entry


def _with_history(entry: ListEntry) -> ListEntry:
    return (
        ListEntry.objects.select_related("credit_list", "subject", "unit")
        .prefetch_related(
            Prefetch("events", queryset=EntryEvent.objects.order_by("id")), "evidence"
        )
        .get(pk=entry.pk)
    )


def _evidence(ids: list[int]) -> list[CreditRecord]:
    found = list(CreditRecord.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {record.pk for record in found})
    if missing:
        raise InvalidInput(
            "entry.evidence_unknown",
            EVIDENCE_UNKNOWN,
            params={"ids": ", ".join(map(str, missing))},
            field="evidence",
        )
    return found


def _detail(entry: ListEntry, token: ApiToken) -> EntryDetailOut:
    return EntryDetailOut.detail(_with_history(entry), own=token.unit_id == entry.unit_id)


# --- endpoints ----------------------------------------------------------------------------


@router.post(
    "/lists/{code}/entries",
    auth=TokenAuth(),
    response={200: EntryImportOut, **ERRORS},
    summary="Report entries the list's owner decided (scope lists:write)",
    description=(
        f"A JSON array of at most {MAX_API_ROWS:,} objects with the keys name, uscc, "
        "id_number, kind (optional), decided_on, document_number, reasons, ground, "
        "starts_on, ends_on (or the Chinese column names of the file import). The token's "
        "unit must be the list's owner. Each valid row becomes a published entry; a row "
        "the subject already has on the list is unchanged; a minor, a subject kind the "
        "list does not cover, or another open entry of the subject is rejected. "
        "400: request.invalid, request.too_many_rows, field.unknown, file.missing_columns; "
        "403: auth.scope, entry.unit_not_owner; 404: list.unknown."
    ),
)
def report_entries(
    request: HttpRequest,
    code: str,
    rows: list[dict[str, Cell]] = Body(..., examples=[[_ROW_EXAMPLE]]),  # noqa: B008
) -> EntryImportOut:
    token = require_scope(request, "lists:write")
    result = import_objects(
        rows, code, token.unit, _actor(token), origin_ref=f"token:{token.prefix}"
    )
    return EntryImportOut.of(result)


@router.get(
    "/lists/{code}/entries",
    auth=TokenAuth(),
    response={200: EntryPageOut, **ERRORS},
    summary="A list's entries in force today (scope lists:read)",
    description=(
        f"Entries decided and in term today (listed or published), newest first, "
        f"{ENTRIES_PER_PAGE} a page; at most 100 pages (a larger list is read through checks). "
        "Persons are shown by masked ID number. 400 portal.bad_page, portal.page_too_deep; "
        "404 list.unknown, portal.page_out_of_range."
    ),
)
def list_entries(request: HttpRequest, code: str, page: str | None = None) -> EntryPageOut:
    require_scope(request, "lists:read")
    credit_list = entries.find_list(code)
    found = (
        ListEntry.objects.filter(entries.in_force_q(timezone.localdate()), credit_list=credit_list)
        .select_related("credit_list", "subject", "unit")
        .defer("subject__id_number_enc")
        .order_by("-starts_on", "-id")
    )
    shown = paginate(found, page_number(page), ENTRIES_PER_PAGE)
    return EntryPageOut(
        list=credit_list.code,
        total=shown.total,
        total_capped=shown.total_capped,
        page=shown.page,
        pages=shown.pages,
        page_size=shown.page_size,
        entries=[EntryOut.of(entry) for entry in shown.items],
    )


@router.get(
    "/entries/{reference}",
    auth=TokenAuth(),
    response={200: EntryDetailOut, **ERRORS},
    summary="One entry with its full history (scope lists:read)",
    description="404 entry.unknown. The defence statement is shown only to the deciding unit.",
)
def entry_detail(request: HttpRequest, reference: str) -> EntryDetailOut:
    token = require_scope(request, "lists:read")
    return _detail(entries.find_entry(reference), token)


@router.post(
    "/lists/{code}/proposals",
    auth=TokenAuth(),
    response={201: EntryDetailOut, **ERRORS},
    summary="Propose a subject for the list (scope lists:write)",
    description=(
        "Opens a proposal (拟列入) of a known subject; it binds nothing until decided. The "
        "token's unit must be the list's owner. 404 subject.unknown, list.unknown; 409 "
        "entry.duplicate; 400 entry.minor, entry.subject_kind, entry.evidence_unknown."
    ),
)
def propose(request: HttpRequest, code: str, body: ProposalIn) -> Status[EntryDetailOut]:
    token = require_scope(request, "lists:write")
    credit_list = entries.find_list(code)
    check_unit_may_decide(token.unit, credit_list)
    subject = lookup_subject(body.subject)
    entry = entries.propose(
        credit_list,
        subject,
        reasons=body.reasons,
        actor=_actor(token),
        unit=token.unit,
        origin=ListEntry.Origin.API,
        origin_ref=f"token:{token.prefix}",
        ground=body.ground,
        evidence=_evidence(body.evidence),
    )
    return Status(201, _detail(entry, token))


_STEP = (
    "The token's unit must be the entry's deciding unit (403 entry.other_unit); 404 "
    "entry.unknown; 409 entry.wrong_step when the entry is not at the step before."
)


@router.post(
    "/entries/{reference}/notify",
    auth=TokenAuth(),
    response={200: EntryDetailOut, **ERRORS},
    summary="The subject has been notified today: the defence period runs (scope lists:write)",
    description=_STEP,
)
def notify(request: HttpRequest, reference: str) -> EntryDetailOut:
    token = require_scope(request, "lists:write")
    entry = entries.notify(_entry_for(token, reference), actor=_actor(token))
    return _detail(entry, token)


@router.post(
    "/entries/{reference}/defence",
    auth=TokenAuth(),
    response={200: EntryDetailOut, **ERRORS},
    summary="Record the subject's statement and defence (scope lists:write)",
    description=_STEP,
)
def defence(request: HttpRequest, reference: str, body: DefenceIn) -> EntryDetailOut:
    token = require_scope(request, "lists:write")
    entry = entries.record_defence(_entry_for(token, reference), body.text, actor=_actor(token))
    return _detail(entry, token)


@router.post(
    "/entries/{reference}/decide",
    auth=TokenAuth(),
    response={200: EntryDetailOut, **ERRORS},
    summary="Decide to list or decline, today (scope lists:write)",
    description=(
        _STEP + " 409 entry.defence_period_running before the defence period ends unless "
        "the subject has stated a defence; 400 entry.minor; declining needs a note."
    ),
)
def decide(request: HttpRequest, reference: str, body: DecisionIn) -> EntryDetailOut:
    token = require_scope(request, "lists:write")
    entry = entries.decide(
        _entry_for(token, reference),
        listed=body.listed,
        actor=_actor(token),
        document_number=body.document_number,
        ends_on=body.ends_on,
        note=body.note,
    )
    return _detail(entry, token)


@router.post(
    "/entries/{reference}/publish",
    auth=TokenAuth(),
    response={200: EntryDetailOut, **ERRORS},
    summary="Publish a listed entry (scope lists:write)",
    description=_STEP + " The portal shows it while in force if the list is public.",
)
def publish(request: HttpRequest, reference: str) -> EntryDetailOut:
    token = require_scope(request, "lists:write")
    entry = entries.publish(_entry_for(token, reference), actor=_actor(token))
    return _detail(entry, token)


@router.post(
    "/entries/{reference}/exit",
    auth=TokenAuth(),
    response={200: EntryDetailOut, **ERRORS},
    summary="Remove an entry from its list today (scope lists:write)",
    description=_STEP + " A reason other than expired needs a note (400 entry.required).",
)
def exit_entry(request: HttpRequest, reference: str, body: ExitIn) -> EntryDetailOut:
    token = require_scope(request, "lists:write")
    entry = entries.exit_entry(
        _entry_for(token, reference), body.reason, actor=_actor(token), note=body.note
    )
    return _detail(entry, token)
