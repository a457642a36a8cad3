"""The records API: a unit's system reports rows of a record type; a subject's records.

`POST /records/{type}` runs the same pipeline as `xinyong import` (validation,
quarantine, natural-key idempotency, versions) on a JSON array of objects, and answers
with every row's outcome. `GET /subjects/{code}/records` gives a subject's records with
their versions; `xinyong records list --json` prints the same shape (`subject_records`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Body, Router, Schema
from pydantic import ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from xinyong.api.auth import TokenAuth, require_scope
from xinyong.core.audit import Actor
from xinyong.core.errors import NotFound
from xinyong.records.imports import MAX_API_ROWS, find_record_type, import_objects
from xinyong.records.models import CreditRecord, RecordVersion
from xinyong.records.pipeline import ImportResult
from xinyong.subjects.identifiers import IdentifierError
from xinyong.subjects.models import Subject
from xinyong.subjects.services import find_subject

router = Router(tags=["records"])

SUBJECT_UNKNOWN = _("没有找到该统一社会信用代码或身份证件号码对应的信用主体")

# A cell as a client sends it: text, a number (amounts) or null (empty). Booleans,
# lists and objects are refused (400 request.invalid) rather than stringified.
Cell = StrictStr | StrictInt | StrictFloat | None

_USCC_EXAMPLE = "91530102123456780X"
_MASKED_ZH = "统一社会信用代码含有“*”，是脱敏后的代码，不能作为代码使用"
_MASKED_EN = (
    "The unified social credit code contains “*”: it is a masked copy and cannot be used as a code"
)
_ROW_EXAMPLE: dict[str, Any] = {
    "CF_XDR_MC": "昆明鑫瑞商贸有限公司",
    "CF_XDR_LB": "法人及非法人组织",
    "CF_XDR_SHXYM": _USCC_EXAMPLE,
    "CF_FRDB": "张三",
    "CF_WSH": "昆市监罚〔2024〕1号",
    "CF_WFXW": "销售不合格商品",
    "CF_SY": "经查，当事人销售不合格商品。",
    "CF_YJ": "《中华人民共和国产品质量法》第四十九条",
    "CF_CFLB": "罚款",
    "CF_NR": "罚款人民币贰仟元整",
    "CF_NR_FK": "0.2",
    "CF_JDRQ": "2024-05-22",
    "CF_YXQ": "2025-05-22",
    "CF_CFJG": "昆明市市场监督管理局",
    "CF_CFJGDM": "11530100012345678X",
    "CF_SJLY": "昆明市市场监督管理局",
    "CF_SJLYDM": "11530100012345678X",
}


# --- shapes -------------------------------------------------------------------------------


class ErrorBody(Schema):
    code: str = Field(examples=["auth.scope"])
    message: str = Field(examples=["该令牌没有“records:write”权限范围"])
    message_en: str = Field(examples=["This token lacks the “records:write” scope"])
    field: str | None = None


class ErrorOut(Schema):
    """Every error of the API: a stable code and the message in Chinese and English."""

    error: ErrorBody


class RowErrorOut(Schema):
    row: int = Field(description="row number, from 1 in the order sent", examples=[2])
    field: str = Field(description="field code; empty for the whole row", examples=["CF_XDR_SHXYM"])
    code: str = Field(description="stable error code", examples=["uscc.masked"])
    message: str = Field(examples=[_MASKED_ZH])
    message_en: str = Field(examples=[_MASKED_EN])


class RowOutcomeOut(Schema):
    row: int = Field(examples=[1])
    outcome: Literal["accepted", "updated", "unchanged", "rejected"] = Field(
        description="accepted: a new record; updated: a new version of a record; "
        "unchanged: the record already holds this content; rejected: quarantined "
        "with its errors",
        examples=["accepted"],
    )
    errors: list[RowErrorOut] = Field(default_factory=list)


class ImportOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "batch": 42,
                    "accepted": 1,
                    "updated": 0,
                    "unchanged": 0,
                    "rejected": 1,
                    "rows": [
                        {"row": 1, "outcome": "accepted", "errors": []},
                        {
                            "row": 2,
                            "outcome": "rejected",
                            "errors": [
                                {
                                    "row": 2,
                                    "field": "CF_XDR_SHXYM",
                                    "code": "uscc.masked",
                                    "message": _MASKED_ZH,
                                    "message_en": _MASKED_EN,
                                }
                            ],
                        },
                    ],
                }
            ]
        }
    )

    batch: int = Field(description="the import batch's id")
    accepted: int
    updated: int
    unchanged: int
    rejected: int
    rows: list[RowOutcomeOut]

    @classmethod
    def of(cls, result: ImportResult) -> ImportOut:
        errors: dict[int, list[RowErrorOut]] = {}
        for error in result.errors:
            errors.setdefault(error.row, []).append(RowErrorOut(**error.as_dict()))
        rows = [
            RowOutcomeOut(
                row=row,
                outcome=outcome,  # type: ignore[arg-type]
                errors=errors.get(row, []),
            )
            for row, outcome in sorted(result.outcomes or [])
        ]
        return cls(
            batch=result.batch.pk,
            accepted=result.accepted,
            updated=result.updated,
            unchanged=result.unchanged,
            rejected=result.rejected,
            rows=rows,
        )


class VersionOut(Schema):
    number: int = Field(examples=[1])
    created_at: datetime
    actor: str = Field(
        description="who made the version: cli:USER, token:PREFIX, user:…",
        examples=["token:3f9a1c2e"],
    )
    reason: str = Field(examples=["created"])
    status: str = Field(examples=["normal"])
    hash: str = Field(description="SHA-256 chaining this version to the previous one")


class SubjectOut(Schema):
    public_id: str
    kind: str = Field(examples=["organisation"])
    name: str
    code: str = Field(
        description="the USCC, or a person's masked ID number", examples=[_USCC_EXAMPLE]
    )


class RecordOut(Schema):
    id: int
    type: str = Field(examples=["penalty"])
    type_name: str = Field(examples=["行政处罚"])
    unit: str = Field(description="the reporting unit's code", examples=["YN-GAT"])
    unit_name: str = Field(examples=["云南省公安厅"])
    document_number: str = Field(examples=["昆市监罚〔2024〕1号"])
    decision_date: date
    categories: list[str] = Field(examples=[["罚款"]])
    status: Literal["normal", "revoked", "disputed"]
    version: int
    received_at: datetime
    publication_deadline: date | None
    publicity_start: date | None
    publicity_end: date | None
    fields: dict[str, Any] = Field(
        description="the standard fields by code, normalised; personal ID numbers masked",
        examples=[_ROW_EXAMPLE],
    )
    versions: list[VersionOut]

    @classmethod
    def of(cls, record: CreditRecord) -> RecordOut:
        return cls(
            id=record.pk,
            type=record.record_type.code,
            type_name=record.record_type.name,
            unit=record.unit.code,
            unit_name=record.unit.name,
            document_number=record.document_number,
            decision_date=record.decision_date,
            categories=record.categories,
            status=record.status,  # type: ignore[arg-type]
            version=record.version,
            received_at=record.received_at,
            publication_deadline=record.publication_deadline,
            publicity_start=record.publicity_start,
            publicity_end=record.publicity_end,
            fields=record.payload,
            versions=[
                VersionOut(
                    number=v.number,
                    created_at=v.created_at,
                    actor=v.actor,
                    reason=v.reason,
                    status=v.status,
                    hash=v.hash,
                )
                for v in record.versions.all()
            ],
        )


class SubjectRecordsOut(Schema):
    subject: SubjectOut
    records: list[RecordOut]


# --- services shared with the command line ------------------------------------------------


def lookup_subject(code: str) -> Subject:
    """The subject of a USCC or ID number, or NotFound `subject.unknown`.

    The message never repeats the code: it may be a full ID number.
    """
    try:
        subject = find_subject(code)
    except IdentifierError:
        subject = None  # not a well-formed code: no subject can have it
    if subject is None:
        raise NotFound("subject.unknown", SUBJECT_UNKNOWN)
    return subject


def subject_records(code: str) -> SubjectRecordsOut:
    subject = lookup_subject(code)
    records = (
        CreditRecord.objects.filter(subject=subject)
        .select_related("record_type", "unit")
        .prefetch_related(Prefetch("versions", queryset=RecordVersion.objects.order_by("number")))
    )
    return SubjectRecordsOut(
        subject=SubjectOut(
            public_id=subject.public_id,
            kind=subject.kind,
            name=subject.name,
            code=subject.display_code,
        ),
        records=[RecordOut.of(record) for record in records],
    )


# --- endpoints ----------------------------------------------------------------------------


@router.post(
    "/records/{type}",
    auth=TokenAuth(),
    response={200: ImportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Report credit records of a type (scope records:write)",
    description=(
        f"A JSON array of at most {MAX_API_ROWS:,} objects, keyed by field code (CF_XDR_MC) "
        "or Chinese field name (行政相对人名称). The batch's unit is the token's unit. "
        "Invalid rows are rejected and quarantined with their errors; the others are stored. "
        "Sending the same rows again reports them unchanged; a changed row makes a new "
        "version. 400: request.invalid, request.too_many_rows, field.unknown, missing "
        "columns; 403: auth.scope, batch.unit_not_allowed; 404: record_type.unknown."
    ),
)
def report_records(
    request: HttpRequest,
    type: str,
    rows: list[dict[str, Cell]] = Body(..., examples=[[_ROW_EXAMPLE]]),  # noqa: B008
) -> ImportOut:
    token = require_scope(request, "records:write")
    record_type = find_record_type(type)
    actor = Actor(f"token:{token.prefix}", token.unit.code)
    result = import_objects(rows, record_type, token.unit, actor)
    return ImportOut.of(result)


@router.get(
    "/subjects/{code}/records",
    auth=TokenAuth(),
    response={200: SubjectRecordsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A subject's credit records with their versions (scope records:read)",
    description=(
        "`code` is a unified social credit code or a person's resident ID number. A person's "
        "ID number is only ever shown masked. 404 subject.unknown when no subject has it."
    ),
)
def records_of_subject(request: HttpRequest, code: str) -> SubjectRecordsOut:
    require_scope(request, "records:read")
    return subject_records(code)
