"""The subject page: basic information, public records and list entries in 信用中国's groups.

Organisations and individual businesses are addressed by USCC (any case; the address
is redirected to upper case), persons only by their opaque public id. An ID number in
the address finds nothing: it is never looked up. A person without any public record
or public list entry has no page, so that the portal never shows a person the pack
does not make public.

List entries the public may see (`lists.visibility.public_entries`) go under 失信惩戒
(black lists), 重点关注 (watch lists) and 守信激励 (red lists), above the tab's records.

Every visit costs three queries: the subject; its public records (all of them, newest
first, when there are at most `ONE_QUERY_RECORDS`, as for most subjects: the counts, tabs
and page come from those rows; otherwise the counts per type and one page, as two
queries); and its public entries joined to their lists. Types, units and regions come
from `lookups`. The credit evaluation (信用评价) of an organisation or individual
business adds one query, two when a public indicator counts records
(`evaluation.public`); a person's page shows none and pays nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from xinyong.core.errors import XinyongError
from xinyong.evaluation.explain import Explanation
from xinyong.evaluation.public import public_explanations
from xinyong.lists.models import ListEntry
from xinyong.lists.visibility import TAB_OF_LIST_KIND, public_entries_of
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
# A subject is on a few lists at most; the cap only bounds a page built from bad data.
ENTRIES_SHOWN = 100
# Up to this many public records, one query serves the counts, the tabs and the page.
ONE_QUERY_RECORDS = 100


def find_subject(code: str) -> Subject | None:
    """By USCC (any case) or by public id, in one query; persons have no USCC."""
    wanted = Q(public_id=code)
    if len(code) == USCC_LENGTH:
        wanted |= Q(uscc=code.upper())
    found = list(Subject.objects.filter(wanted)[:2])
    # A USCC match wins should a public id ever equal another subject's code.
    found.sort(key=lambda subject: subject.public_id == code)
    return found[0] if found else None


def _public_records(subject: Subject) -> list[CreditRecord] | None:
    """All the subject's public records, newest first, when there are few (most subjects):
    the tab counts and the page then come from this one query. None when there are more."""
    rows = list(
        public_records_of(subject)
        .defer("sealed")
        .order_by("-decision_date", "-id")[: ONE_QUERY_RECORDS + 1]
    )
    return rows if len(rows) <= ONE_QUERY_RECORDS else None


def _counts_by_type(subject: Subject, rows: list[CreditRecord] | None) -> dict[int, int]:
    if rows is not None:
        return dict(Counter(row.record_type_id for row in rows))
    counted = (
        public_records_of(subject)
        .values_list("record_type_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return dict(counted)


def _public_entries(subject: Subject) -> list[ListEntry]:
    """The subject's public entries (a few at most), newest first, in one query."""
    found = (
        public_entries_of(subject)
        .select_related("credit_list", "unit")
        .order_by("-starts_on", "-id")
    )
    return list(found[:ENTRIES_SHOWN])


def _entry_counts(entries: list[ListEntry]) -> dict[str, int]:
    """Public entries per tab category (失信惩戒, 重点关注, 守信激励)."""
    return dict(Counter(TAB_OF_LIST_KIND[entry.credit_list.kind] for entry in entries))


def _entries_in(entries: list[ListEntry], tab: tabs.Tab) -> list[ListEntry]:
    return [e for e in entries if TAB_OF_LIST_KIND[e.credit_list.kind] in tab.categories]


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


def _records(
    subject: Subject, tab: tabs.Tab, rows: list[CreditRecord] | None
) -> tuple[Sequence[CreditRecord] | QuerySet[CreditRecord], list[int]]:
    """The subject's public records in the tab, newest first, and the tab's type ids."""
    type_ids = lookups.type_ids(tab.categories)
    if rows is not None:
        wanted = set(type_ids)
        return [row for row in rows if row.record_type_id in wanted], type_ids
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


def _render(
    request: HttpRequest,
    subject: Subject,
    rows: list[CreditRecord] | None,
    by_type: dict[int, int],
    entries: list[ListEntry],
    evaluations: list[Explanation],
) -> HttpResponse:
    by_category = _by_category(by_type)
    for category, count in _entry_counts(entries).items():
        by_category[category] = by_category.get(category, 0) + count
    tab = tabs.choose(request.GET.get("tab"), by_category)
    context = {
        "subject": subject,
        "region": lookups.region_labels().get(subject.region_id or "", ""),
        "tabs": tabs.tab_counts(by_category, tab),
        "tab": tab,
        "entries": _entries_in(entries, tab),
        "evaluations": evaluations,
    }
    records, type_ids = _records(subject, tab, rows)
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
    rows = _public_records(subject)
    by_type = _counts_by_type(subject, rows)
    entries = _public_entries(subject)
    if subject.kind == Subject.Kind.PERSON and not by_type and not entries:
        return not_found(request)
    evaluations = public_explanations(subject, entries)
    return _render(request, subject, rows, by_type, entries, evaluations)
