"""The public API: what the portal's subject page shows, as JSON, without a token.

`GET /api/v1/public/subjects/{code}` answers with a subject's basic information, its
public records (one page, newest first) and its public list entries, by the same rules
as the portal (`records.visibility`, `lists.visibility`, `portal.subject_views`):

- `code` is a USCC (any case) or the subject's opaque public id, never an ID number: an
  ID number finds nothing (404 `subject.unknown`, which never repeats the code);
- a person is shown by name and masked ID number, and only when it has a public record
  or a public list entry (404 otherwise), as the portal has no page for such a person;
- a record shows the fields a portal record card shows (`portal.lookups`): never an ID
  number, not even masked;
- the public sees today only: there is no date parameter (`?date=` is refused,
  400 `public.date_not_allowed`).

It shares the subject page's rate limit (`portal.ratelimit`, scope "subject"): the API
is no way around the limit that stops a crawl; over it, 429 `request.rate_limited` with
Retry-After.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from pydantic import Field

from xinyong.core.errors import InvalidInput, NotFound, XinyongError
from xinyong.lists.models import ListEntry
from xinyong.lists.visibility import public_entries_of
from xinyong.portal import lookups, ratelimit
from xinyong.portal.paging import page_number, paginate
from xinyong.portal.subject_views import ENTRIES_SHOWN, find_subject
from xinyong.records.api import ErrorOut
from xinyong.records.models import CreditRecord
from xinyong.records.visibility import is_disputed, public_records_of
from xinyong.subjects.models import Subject

router = Router(tags=["public"])

RATE_SCOPE = "subject"  # the portal subject page's: one budget for both
RECORDS_PER_PAGE = 50
SUBJECT_UNKNOWN = _("没有找到该信用主体，或该主体没有公示中的信息")
DATE_NOT_ALLOWED = _("公开接口只提供当天公示中的信息，不能指定日期")
# The portal's own message (portal/too_many_requests.html), already translated.
RATE_LIMITED = _(
    "为保护信息安全，每个访问者在一段时间内的查询次数有限。"
    "请在 %(seconds)s 秒后再试，感谢您的理解。"
)
_USCC_EXAMPLE = "91530102123456780X"


# --- shapes -------------------------------------------------------------------------------


class PublicSubjectOut(Schema):
    public_id: str = Field(description="the subject's opaque public id", examples=["S7K2M9Q4XW"])
    kind: Literal["organisation", "individual_business", "person"]
    kind_name: str = Field(examples=["法人及非法人组织"])
    name: str = Field(examples=["昆明鑫瑞商贸有限公司"])
    code: str = Field(
        description="the USCC, or a person's masked ID number", examples=[_USCC_EXAMPLE]
    )


class PublicFieldOut(Schema):
    code: str = Field(examples=["CF_CFLB"])
    name: str = Field(examples=["处罚类别"])
    value: str = Field(examples=["罚款"])


class PublicRecordOut(Schema):
    type: str = Field(examples=["penalty"])
    type_name: str = Field(examples=["行政处罚"])
    unit: str = Field(description="the reporting unit's code", examples=["YN-SCJGJ"])
    unit_name: str = Field(examples=["云南省市场监督管理局"])
    document_number: str = Field(examples=["昆市监罚〔2024〕1号"])
    decision_date: date
    categories: list[str] = Field(examples=[["罚款"]])
    publicity_end: date | None = Field(
        description="the last day the record is public; null: no publicity period"
    )
    disputed: bool = Field(description="under objection (异议处理中)")
    fields: list[PublicFieldOut] = Field(
        description="the fields the portal's record card shows; never an ID number"
    )

    @classmethod
    def of(cls, record: CreditRecord, info: lookups.TypeInfo) -> PublicRecordOut:
        return cls(
            type=record.record_type.code,
            type_name=record.record_type.name,
            unit=record.unit.code,
            unit_name=record.unit.name,
            document_number=record.document_number,
            decision_date=record.decision_date,
            categories=record.categories,
            publicity_end=record.publicity_end,
            disputed=is_disputed(record),
            fields=[
                PublicFieldOut(code=code, name=name, value=str(record.payload[code]))
                for code, name in info.summary
                if record.payload.get(code) not in (None, "")
            ],
        )


class PublicEntryOut(Schema):
    reference: str = Field(description="名单编号", examples=["MD1A2B3C4D5E6F"])
    list: str = Field(examples=["judgment-defaulters"])
    list_name: str = Field(examples=["失信被执行人名单"])
    list_kind: Literal["black", "watch", "red"]
    unit: str = Field(description="the deciding unit's code", examples=["YN-GY"])
    unit_name: str = Field(examples=["云南省高级人民法院"])
    document_number: str
    ground: str
    reasons: str
    starts_on: date | None
    ends_on: date | None = Field(description="null: until the exit conditions are met")
    disputed: bool = Field(description="under objection (异议处理中)")

    @classmethod
    def of(cls, entry: ListEntry) -> PublicEntryOut:
        return cls(
            reference=entry.reference,
            list=entry.credit_list.code,
            list_name=entry.credit_list.name,
            list_kind=entry.credit_list.kind,  # type: ignore[arg-type]
            unit=entry.unit.code,
            unit_name=entry.unit.name,
            document_number=entry.document_number,
            ground=entry.ground,
            reasons=entry.reasons,
            starts_on=entry.starts_on,
            ends_on=entry.ends_on,
            disputed=entry.disputed,
        )


class PublicSubjectPageOut(Schema):
    subject: PublicSubjectOut
    records_total: int = Field(description="public records (counted up to the page cap)")
    page: int
    pages: int
    page_size: int
    records: list[PublicRecordOut] = Field(description="this page's records, newest first")
    entries: list[PublicEntryOut] = Field(description="public list entries, newest first")


# --- the endpoint -------------------------------------------------------------------------


def _limited(request: HttpRequest) -> HttpResponse | None:
    """The 429 answer when the client is over the subject pages' limit, else None."""
    verdict = ratelimit.check(RATE_SCOPE, ratelimit.client_address(request))
    if verdict.allowed:
        return None
    error = XinyongError(
        "request.rate_limited", RATE_LIMITED, params={"seconds": verdict.retry_after}
    )
    response = JsonResponse({"error": error.as_dict()}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _subject(code: str) -> Subject:
    subject = find_subject(code)
    if subject is None:
        raise NotFound("subject.unknown", SUBJECT_UNKNOWN)
    return subject


def public_subject(subject: Subject, page: int) -> PublicSubjectPageOut:
    """A subject's public information today; NotFound for a person with none."""
    records = (
        public_records_of(subject)
        .select_related("record_type", "unit")
        .defer("sealed")  # encrypted personal data: never needed here
        .order_by("-decision_date", "-id")
    )
    shown = paginate(records, page, RECORDS_PER_PAGE)
    entries = list(
        public_entries_of(subject)
        .select_related("credit_list", "unit")
        .order_by("-starts_on", "-id")[:ENTRIES_SHOWN]
    )
    if subject.kind == Subject.Kind.PERSON and not shown.total and not entries:
        raise NotFound("subject.unknown", SUBJECT_UNKNOWN)
    types = lookups.record_types({record.record_type_id for record in shown.items})
    return PublicSubjectPageOut(
        subject=PublicSubjectOut(
            public_id=subject.public_id,
            kind=subject.kind,  # type: ignore[arg-type]
            kind_name=str(subject.get_kind_display()),
            name=subject.name,
            code=subject.display_code,
        ),
        records_total=shown.total,
        page=shown.page,
        pages=shown.pages,
        page_size=shown.page_size,
        records=[
            PublicRecordOut.of(record, types[record.record_type_id]) for record in shown.items
        ],
        entries=[PublicEntryOut.of(entry) for entry in entries],
    )


@router.get(
    "/public/subjects/{code}",
    auth=None,
    response={200: PublicSubjectPageOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="A subject's public information today (no token)",
    description=(
        "What the portal's subject page shows: the subject (a person by masked ID number), "
        f"its public records ({RECORDS_PER_PAGE} a page, newest first) and its public list "
        "entries. `code` is a USCC (any case) or the subject's public id, never an ID "
        "number. Today only: no date parameter. Rate-limited with the portal's subject "
        "pages. 400 public.date_not_allowed, portal.bad_page, portal.page_too_deep; 404 "
        "subject.unknown (also a person with nothing public), portal.page_out_of_range; "
        "429 request.rate_limited (with Retry-After)."
    ),
)
def subject_information(
    request: HttpRequest, code: str, page: str | None = None
) -> PublicSubjectPageOut | HttpResponse:
    limited = _limited(request)
    if limited is not None:
        return limited
    if "date" in request.GET:
        raise InvalidInput("public.date_not_allowed", DATE_NOT_ALLOWED, field="date")
    return public_subject(_subject(code), page_number(page))
