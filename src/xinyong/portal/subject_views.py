"""The subject page: basic information and public records in 信用中国's groups.

Organisations and individual businesses are addressed by USCC (any case; the address
is redirected to upper case), persons only by their opaque public id. An ID number in
the address finds nothing: it is never looked up. A person without any public record
has no page, so that the portal never shows a person the pack does not make public.

Every visit costs three queries without joins (the subject, the counts per record type,
one page of records); types, units and regions come from `lookups`.
"""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from xinyong.core.errors import XinyongError
from xinyong.portal import lookups, tabs
from xinyong.portal.cards import cards
from xinyong.portal.errors import shown
from xinyong.portal.links import subject_code, subject_url
from xinyong.portal.paging import page_number, paginate
from xinyong.portal.ratelimit import rate_limited
from xinyong.records.models import CreditRecord
from xinyong.records.visibility import public_records_of
from xinyong.subjects.models import Subject

USCC_LENGTH = 18
RECORDS_PER_PAGE = 20


def find_subject(code: str) -> Subject | None:
    """By USCC (any case) or by public id, in one query; persons have no USCC."""
    wanted = Q(public_id=code)
    if len(code) == USCC_LENGTH:
        wanted |= Q(uscc=code.upper())
    found = list(Subject.objects.filter(wanted)[:2])
    # A USCC match wins should a public id ever equal another subject's code.
    found.sort(key=lambda subject: subject.public_id == code)
    return found[0] if found else None


def _counts_by_type(subject: Subject) -> dict[int, int]:
    rows = (
        public_records_of(subject)
        .values_list("record_type_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return dict(rows)


def not_found(request: HttpRequest) -> HttpResponse:
    # The address may hold an ID number someone typed: the page never repeats it, not
    # even in the language switch's return address.
    return render(request, "portal/not_found.html", {"switch_next": "/"}, status=404)


def _by_category(by_type: dict[int, int]) -> dict[str, int]:
    types = lookups.record_types(by_type)
    totals: dict[str, int] = {}
    for type_id, count in by_type.items():
        category = types[type_id].category
        totals[category] = totals.get(category, 0) + count
    return totals


def _records(subject: Subject, tab: tabs.Tab) -> tuple[QuerySet[CreditRecord], list[int]]:
    """The subject's public records in the tab, newest first, and the tab's type ids."""
    type_ids = lookups.type_ids(tab.categories)
    records = (
        public_records_of(subject)
        # `+ 0` keeps SQLite, which plans without statistics unless ANALYZE ran, from
        # walking the (record type, decision date) index through every penalty of the
        # province to save sorting one subject's few records; the subject's index is
        # used instead. PostgreSQL plans with statistics and is not misled either way.
        .alias(type_id=F("record_type_id") + 0)
        .filter(type_id__in=type_ids)
        .defer("sealed")  # encrypted personal data: never needed on a public page
        .order_by("-decision_date", "-id")
    )
    return records, type_ids


def _render(request: HttpRequest, subject: Subject, by_type: dict[int, int]) -> HttpResponse:
    by_category = _by_category(by_type)
    tab = tabs.choose(request.GET.get("tab"), by_category)
    context = {
        "subject": subject,
        "region": lookups.region_labels().get(subject.region_id or "", ""),
        "tabs": tabs.tab_counts(by_category, tab),
        "tab": tab,
    }
    records, type_ids = _records(subject, tab)
    total = sum(by_type.get(pk, 0) for pk in type_ids)
    try:
        number = page_number(request.GET.get("page"))
        page = paginate(records, number, RECORDS_PER_PAGE, total=total)
    except XinyongError as error:
        context["error"] = shown(error)
        return render(request, "portal/subject.html", context, status=error.status)
    context.update(page=page, cards=cards(page.items))
    return render(request, "portal/subject.html", context)


@rate_limited("subject")
def subject_page(request: HttpRequest, code: str) -> HttpResponse:
    subject = find_subject(code)
    if subject is None:
        return not_found(request)
    if code != subject_code(subject):
        query = request.META.get("QUERY_STRING", "")
        return redirect(subject_url(subject) + (f"?{query}" if query else ""), permanent=True)
    by_type = _counts_by_type(subject)
    if subject.kind == Subject.Kind.PERSON and not by_type:
        return not_found(request)
    return _render(request, subject, by_type)
