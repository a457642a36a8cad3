"""The check API: `POST /checks` (联合奖惩核查) and `GET /checks/{receipt}`.

A token with the `checks` scope checks up to 100,000 subjects in one business scene for
its unit; the answer is stored under a receipt (核查回执) that the same unit can fetch
later, exactly as it was answered. Another unit's receipt is refused (403
`check.other_unit`): a check shows why a unit asked about whom.

The answer's JSON is encoded once, when the check stores it, and sent as is (100,000
subjects make about 30 MB of JSON; encoding it twice would cost as much as the check).
A 100,000-subject request body is about 4-8 MB; `DATA_UPLOAD_MAX_MEMORY_SIZE` (32 MB,
set for the records API) already admits it.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from pydantic import ConfigDict, Field, StrictStr

from xinyong.accounts.roles import Scope
from xinyong.api.auth import TokenAuth, require_scope
from xinyong.core.audit import Actor
from xinyong.core.errors import PermissionDenied
from xinyong.lists.checks import (
    MAX_SUBJECTS,
    SubjectQuery,
    find_receipt,
    results_json,
    run_check,
)
from xinyong.lists.models import CheckReceipt
from xinyong.policy.schemas import BasisOut
from xinyong.records.api import ErrorOut

router = Router(tags=["checks"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
_USCC_EXAMPLE = "91530102123456780X"


# --- shapes (for validation of the request and the OpenAPI description) --------------------


class SubjectIn(Schema):
    """One subject: a USCC, a resident ID number, or a name when nothing else is known."""

    model_config = ConfigDict(extra="forbid")

    uscc: StrictStr = Field("", max_length=100, examples=[_USCC_EXAMPLE])
    id_number: StrictStr = Field("", max_length=100, description="shown back only masked")
    name: StrictStr = Field("", max_length=200, examples=["昆明鑫瑞商贸有限公司"])


class CheckIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "scene": "government-procurement",
                    "purpose": "政府采购供应商资格审查（云财采〔2026〕12号项目）",
                    "subjects": [{"uscc": _USCC_EXAMPLE}, {"name": "昆明某某商贸有限公司"}],
                }
            ]
        }
    )

    scene: StrictStr = Field(description="a scene code (GET /scenes)", max_length=80)
    purpose: StrictStr = Field(description="why the unit checks (核查用途), kept on the receipt")
    subjects: list[SubjectIn] = Field(description=f"1 to {MAX_SUBJECTS:,} subjects")


class QueryOut(Schema):
    uscc: str | None = None
    id_number: str | None = Field(None, description="masked: 5301**********123X")
    name: str | None = None


class MatchedSubjectOut(Schema):
    kind: str
    name: str
    code: str = Field(description="the USCC, or a person's masked ID number")
    public_id: str


class CandidateOut(Schema):
    name: str
    code: str
    public_id: str
    score: float = Field(description="similarity from 0 to 1")
    confirmed: Literal[False] = Field(
        description="always false: a candidate is not the subject until a person confirms "
        "it, and no measure is applied to it"
    )


class EntryOut(Schema):
    reference: str = Field(description="the entry's 名单编号")
    list: str
    list_name: str
    list_kind: Literal["red", "black", "watch"]
    starts_on: str
    ends_on: str | None = Field(description="null: until the exit conditions are met")
    unit: str = Field(description="the deciding unit (认定单位)")
    document_number: str


class GroundOut(Schema):
    entry: str
    list: str
    memorandum: str
    memorandum_name: str
    section: str


class MeasureOut(Schema):
    code: str
    name: str
    kind: Literal["incentive", "punishment"]
    description: str
    basis: BasisOut
    units: list[str] = Field(description="implementing units (实施单位)")
    all_units: bool = Field(description="各有关部门按职责实施")
    grounds: list[GroundOut] = Field(description="why: the entry, its list, the memorandum")


class IncentiveOut(Schema):
    code: str
    name: str
    basis: BasisOut
    rule: str = Field(description="the pack's clean-record rule")
    why: str


class SubjectErrorOut(Schema):
    code: str = Field(examples=["uscc.checksum"])
    message: str
    message_en: str


class ResultOut(Schema):
    index: int = Field(description="position in `subjects`, from 0")
    query: QueryOut
    match: Literal["matched", "none", "candidates"]
    matched_by: Literal["uscc", "id_number", "name"] | None
    subject: MatchedSubjectOut | None
    candidates: list[CandidateOut]
    entries: list[EntryOut] = Field(description="entries in force on the day of the check")
    measures: list[MeasureOut] = Field(description="measures that apply in the scene")
    incentives: list[IncentiveOut]
    error: SubjectErrorOut | None = Field(
        None, description="a malformed code or an empty query; the batch goes on"
    )


class CheckOut(Schema):
    receipt: str = Field(description="the receipt (核查回执号)", examples=["HC3F9A1C2E7B4D6A08"])
    checked_at: str
    scene: str
    purpose: str
    unit: str
    data_version: str = Field(
        description="the newest entry event, record version and pack load the answer saw",
        examples=["entries:1532/records:88412/pack:3"],
    )
    results: list[ResultOut]


# --- answers -------------------------------------------------------------------------------


def answer_json(
    receipt: CheckReceipt, results: bytes, scene: str | None = None, unit: str | None = None
) -> bytes:
    """The answer of a check as the API sends it, around the stored results JSON.

    `scene` and `unit` (codes) spare the queries when the caller knows them.
    """
    head = {
        "receipt": receipt.reference,
        "checked_at": timezone.localtime(receipt.created_at).isoformat(),
        "scene": scene or receipt.scene.code,
        "purpose": receipt.purpose,
        "unit": unit or receipt.unit.code,
        "data_version": receipt.data_version,
    }
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    return text[:-1].encode("utf-8") + b',"results":' + results + b"}"


def _response(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def check_answer(receipt_ref: str, token_unit_id: int) -> bytes:
    receipt = find_receipt(receipt_ref)
    if receipt.unit_id != token_unit_id:
        raise PermissionDenied(
            "check.other_unit", _("该核查回执属于其他单位，不能查看"), field="receipt"
        )
    return answer_json(receipt, results_json(receipt))


# --- endpoints -----------------------------------------------------------------------------


@router.post(
    "/checks",
    auth=TokenAuth(),
    response={200: CheckOut, **ERRORS},
    summary="Check subjects in a business scene (scope checks)",
    description=(
        "Per subject, in the order sent: the match (by USCC, ID number, or a name; fuzzy "
        "name candidates are marked unconfirmed and get no measures), the list entries in "
        "force, the measures that apply in the scene with their legal basis, implementing "
        "units and grounds, and the clean-record incentives with why. The answer is kept "
        "under `receipt` for GET /checks/{receipt}. A malformed code answers that subject "
        "with `match: none` and an `error`; the batch goes on. 400: check.purpose_required, "
        "check.empty, check.too_many, request.invalid; 403: auth.scope; 404: scene.unknown."
    ),
)
def make_check(request: HttpRequest, body: CheckIn) -> Any:
    token = require_scope(request, Scope.CHECKS)
    queries = [SubjectQuery(s.uscc, s.id_number, s.name) for s in body.subjects]
    outcome = run_check(
        queries,
        scene_code=body.scene,
        purpose=body.purpose,
        actor=Actor(f"token:{token.prefix}", token.unit.code),
        unit=token.unit,
    )
    body_json = answer_json(outcome.receipt, outcome.results_json, body.scene, token.unit.code)
    return _response(body_json)


@router.get(
    "/checks/{receipt}",
    auth=TokenAuth(),
    response={200: CheckOut, **ERRORS},
    summary="A check's stored answer (scope checks; only the unit that made it)",
    description=(
        "The answer exactly as it was given, with the data version it was made against. "
        "403 check.other_unit for another unit's receipt; 404 check.unknown_receipt."
    ),
)
def get_check(request: HttpRequest, receipt: str) -> Any:
    token = require_scope(request, Scope.CHECKS)
    return _response(check_answer(receipt, token.unit_id))
