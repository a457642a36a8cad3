"""Execution feedback on a check, and the feedback rate (执行反馈率).

`POST /checks/{receipt}/feedback`: the unit that made a check says, per subject and
measure the check returned, whether it applied the measure (if not, why), and the amount
concerned. `GET /feedback/stats`: returned, fed back, applied and the rate, by list, by
measure and by checking unit.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from pydantic import ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from xinyong.accounts.models import ApiToken
from xinyong.accounts.roles import Scope
from xinyong.api.auth import TokenAuth, require_scope
from xinyong.core.audit import Actor
from xinyong.core.errors import InvalidInput, PermissionDenied
from xinyong.lists.feedback import (
    MAX_ITEMS,
    FeedbackResult,
    FeedbackStats,
    Outcome,
    StatRow,
    feedback_stats,
    record_feedback,
)
from xinyong.records.api import ErrorOut

router = Router(tags=["checks"])

_MEASURE_NOT_RETURNED: dict[str, Any] = {
    "code": "feedback.measure_not_returned",
    "message": "本次核查没有对该主体返回措施“no-franchise”，不能反馈",
    "message_en": "This check did not return the measure “no-franchise” for this subject: "
    "no feedback can be given on it",
    "field": "measure",
}


class FeedbackItemIn(Schema):
    subject: StrictStr = Field(
        description="the subject as the check returned it: its public_id (or its code)",
        examples=["k3J9x0aQz1Lm"],
    )
    measure: StrictStr = Field(description="the measure's code", examples=["no-procurement"])
    applied: StrictBool | None = Field(
        default=None, description="true: the measure was applied; false: not applied"
    )
    reason: StrictStr | None = Field(
        default=None,
        description="why the measure was not applied (required then), or a note",
        examples=["该项目已于核查前签订合同"],
    )
    amount: StrictInt | StrictFloat | StrictStr | None = Field(
        default=None,
        description="amount concerned, in 万元 (10,000 yuan), ≥ 0, at most 4 decimals",
        examples=[12.5],
    )


class FeedbackIn(Schema):
    items: list[FeedbackItemIn] = Field(
        description=f"at most {MAX_ITEMS:,} items; each (subject, measure) once"
    )


class ItemErrorOut(Schema):
    code: str = Field(examples=["feedback.measure_not_returned"])
    message: str
    message_en: str
    field: str | None = None


class ItemOutcomeOut(Schema):
    index: int = Field(description="the item's number, from 1 in the order sent")
    subject: str = Field(description="the subject's public_id once recognised, else as sent")
    measure: str
    outcome: Literal["created", "updated", "unchanged", "rejected"] = Field(
        description="created: new feedback; updated: replaced earlier feedback on the same "
        "receipt, subject and measure; unchanged: the same feedback was already recorded; "
        "rejected: see errors"
    )
    errors: list[ItemErrorOut] = Field(default_factory=list)


class FeedbackOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "receipt": "HC0123456789ABCDEF",
                    "created": 1,
                    "updated": 0,
                    "unchanged": 0,
                    "rejected": 1,
                    "items": [
                        {
                            "index": 1,
                            "subject": "k3J9x0aQz1Lm",
                            "measure": "no-procurement",
                            "outcome": "created",
                            "errors": [],
                        },
                        {
                            "index": 2,
                            "subject": "k3J9x0aQz1Lm",
                            "measure": "no-franchise",
                            "outcome": "rejected",
                            "errors": [_MEASURE_NOT_RETURNED],
                        },
                    ],
                }
            ]
        }
    )

    receipt: str
    created: int
    updated: int
    unchanged: int
    rejected: int
    items: list[ItemOutcomeOut]

    @classmethod
    def of(cls, result: FeedbackResult) -> FeedbackOut:
        return cls(
            receipt=result.receipt.reference,
            created=result.count(Outcome.CREATED),
            updated=result.count(Outcome.UPDATED),
            unchanged=result.count(Outcome.UNCHANGED),
            rejected=result.count(Outcome.REJECTED),
            items=[
                ItemOutcomeOut(
                    index=item.index,
                    subject=item.subject,
                    measure=item.measure,
                    outcome=item.outcome,  # type: ignore[arg-type]
                    errors=[ItemErrorOut(**error) for error in item.errors],
                )
                for item in result.items
            ],
        )


class StatOut(Schema):
    code: str = Field(description="the list's, measure's or unit's code (empty for the total)")
    name: str
    returned: int = Field(description="how many times checks returned it")
    fed_back: int = Field(description="how many of those got feedback")
    applied: int = Field(description="how many of those were applied")
    not_applied: int
    rate: float | None = Field(
        description="执行反馈率 = fed_back / returned, 0–1 (null when never returned)",
        examples=[0.75],
    )

    @classmethod
    def of(cls, row: StatRow) -> StatOut:
        return cls(**row.as_dict())


class FeedbackStatsOut(Schema):
    since: date | None
    until: date | None
    receipts: int = Field(description="checks made in the period")
    total: StatOut = Field(description="all measures returned by the period's checks")
    by_list: list[StatOut] = Field(
        description="per list: subjects on it returned by checks, and those with feedback"
    )
    by_measure: list[StatOut]
    by_unit: list[StatOut] = Field(description="per checking unit: measures returned to it")

    @classmethod
    def of(cls, stats: FeedbackStats) -> FeedbackStatsOut:
        return cls(
            since=stats.since,
            until=stats.until,
            receipts=stats.receipts,
            total=StatOut.of(stats.total),
            by_list=[StatOut.of(row) for row in stats.by_list],
            by_measure=[StatOut.of(row) for row in stats.by_measure],
            by_unit=[StatOut.of(row) for row in stats.by_unit],
        )


def _require_any(request: HttpRequest, *scopes: str) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if not any(scope in token.scopes for scope in scopes):
        raise PermissionDenied(
            "auth.scope",
            _("该令牌没有“%(scope)s”权限范围"),
            params={"scope": " / ".join(scopes)},
        )
    return token


@router.post(
    "/checks/{receipt}/feedback",
    auth=TokenAuth(),
    response={200: FeedbackOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Report which returned measures were applied (scope checks)",
    description=(
        "Only the unit that made the check (the token's unit) may report on its receipt. "
        "Each item names a subject the check matched and a measure (or incentive) the check "
        "returned for it; anything else is rejected (feedback.measure_not_returned, "
        "feedback.subject_not_returned). Not applied needs a reason "
        "(feedback.reason_required). A second report on the same receipt, subject and "
        "measure replaces the first (outcome updated; the audit log keeps the old one). "
        "Items are accepted or rejected one by one. 403 feedback.other_unit, auth.scope; "
        "404 check.unknown (or the receipt error of the checks module)."
    ),
)
def give_feedback(request: HttpRequest, receipt: str, body: FeedbackIn) -> FeedbackOut:
    token = require_scope(request, Scope.CHECKS)
    actor = Actor(f"token:{token.prefix}", token.unit.code)
    items: list[dict[str, Any]] = [item.model_dump() for item in body.items]
    result = record_feedback(receipt, items, actor=actor, unit=token.unit)
    return FeedbackOut.of(result)


@router.get(
    "/feedback/stats",
    auth=TokenAuth(),
    response={200: FeedbackStatsOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="执行反馈率 by list, measure and unit (scope checks or lists:read)",
    description=(
        "Over the checks made from `since` through `until` (both optional, inclusive): how "
        "often each list, measure and checking unit was returned, how many got feedback, "
        "how many were applied, and the rate fed_back / returned."
    ),
)
def stats(
    request: HttpRequest, since: date | None = None, until: date | None = None
) -> FeedbackStatsOut:
    _require_any(request, Scope.CHECKS, Scope.LISTS_READ)
    if since and until and since > until:
        raise InvalidInput("feedback.period", _("起始日期不能晚于截止日期"), field="since")
    return FeedbackStatsOut.of(feedback_stats(since, until))
