"""`search_subjects`: the portal's one search box, by name fragment or by USCC.

Ranking: the subject whose USCC is the query; then names starting with the query;
then names containing it elsewhere. Within each, active subjects (存续) before closed
and revoked ones, then by id, so pages are stable.

Against enumeration: only the first TOTAL_CAP matches can be paged through (at most
MAX_PAGES pages of at most MAX_PAGE_SIZE), and the total is counted up to TOTAL_CAP
(`total_capped` says there are more). Natural persons are not indexed and never
returned: finding people by name is what the anti-scraping rules are for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xinyong.search.errors import MAX_QUERY_LENGTH, empty_query, query_too_long
from xinyong.search.postings import PERSON, Counted, Group, groups, without_jit
from xinyong.search.text import normalise
from xinyong.subjects.identifiers import USCC_LENGTH, IdentifierError, check_uscc
from xinyong.subjects.models import Subject

TOTAL_CAP = 1000
MAX_PAGES = 50
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# A group this small is read whole in one query and ranked here, rather than by a
# count of its active part and a query per part (round trips cost more than rows).
SMALL_GROUP = 100
# Raw input is refused before normalising past this, so a huge string costs nothing;
# room for the spaces and full-width characters normalising removes or folds.
MAX_RAW_LENGTH = 4 * MAX_QUERY_LENGTH


@dataclass(frozen=True)
class SearchPage:
    """One page of results, with what the portal needs to say how many and page on."""

    query: str  # the normalised query as searched
    items: list[Subject]  # this page, ranked, with .region selected
    total: int  # number of matches, capped at TOTAL_CAP
    total_capped: bool  # True when there are more than TOTAL_CAP matches
    page: int  # 1-based, after clamping
    pages: int  # number of pages available (capped at MAX_PAGES)
    page_size: int


def search_subjects(q: str, *, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> SearchPage:
    """One page of subjects matching `q`; QueryError for a blank or too long query."""
    query = checked_query(q)
    with without_jit():
        return _search(query, page, min(max(page_size, 1), MAX_PAGE_SIZE))


def _search(query: str, page: int, size: int) -> SearchPage:
    code = _code_match(query)
    found = [code] if code is not None else []
    ranked = groups(query, exclude=code)
    counts = _counts(ranked, TOTAL_CAP + 1 - len(found))
    matches = len(found) + sum(counted.matches for counted in counts)
    total = min(matches, TOTAL_CAP)
    pages = max(1, min(MAX_PAGES, math.ceil(total / size)))
    page = min(max(page, 1), pages)
    start = (page - 1) * size
    stop = min(start + size, total)
    ids = found[start:stop] + _window(ranked, counts, start - len(found), stop - len(found))
    return SearchPage(
        query=query,
        items=_subjects(ids),
        total=total,
        total_capped=matches > TOTAL_CAP,
        page=page,
        pages=pages,
        page_size=size,
    )


def checked_query(raw: str) -> str:
    """The normalised query, or QueryError."""
    if len(raw) > MAX_RAW_LENGTH:
        raise query_too_long()
    query = normalise(raw)
    if not query:
        raise empty_query()
    if len(query) > MAX_QUERY_LENGTH:
        raise query_too_long()
    return query


def _code_match(query: str) -> int | None:
    """The subject whose USCC is the query, typed in any case."""
    if len(query) != USCC_LENGTH:
        return None
    try:
        code = check_uscc(query)
    except IdentifierError as error:
        # A code failing only its check character may still have been issued (pilots).
        if not error.overridable:
            return None
        code = error.value
    found = Subject.objects.filter(uscc=code).exclude(kind=PERSON)
    return found.values_list("pk", flat=True).first()


def _counts(ranked: tuple[Group, ...], cap: int) -> list[Counted]:
    """Each group's count, no further than `cap` matches in all."""
    counts: list[Counted] = []
    for group in ranked:
        left = cap - sum(counted.matches for counted in counts)
        counts.append(group.count(left) if left > 0 else Counted(0, False))
    return counts


def _window(ranked: tuple[Group, ...], counts: list[Counted], start: int, stop: int) -> list[int]:
    """The ids ranked start…stop-1 over the groups, each group active first."""
    ids: list[int] = []
    offset = 0
    for group, counted in zip(ranked, counts, strict=True):
        if offset >= stop:
            break
        if not counted.reached and counted.matches <= SMALL_GROUP:
            ids += group.ranked()[max(start - offset, 0) : stop - offset]
            offset += counted.matches
            continue
        for active, size in zip((True, False), _parts(group, counted, stop - offset), strict=True):
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                ids += group.ids(active=active, offset=low, limit=high - low)
            offset += size
    return ids


def _parts(group: Group, counted: Counted, wanted: int) -> tuple[int, int]:
    """Sizes of a group's active and other parts, exact as far as `wanted` reaches.

    That is all a window ending there needs, and it keeps the status join to the
    rows the page can show: the count itself reads the postings alone.
    """
    wanted = min(wanted, counted.matches)
    active = group.count_active(wanted) if wanted else 0
    if counted.reached:
        # More matches than the window needs: fill it with the others.
        return active, wanted - active
    return active, counted.matches - active


def _subjects(ids: list[int]) -> list[Subject]:
    found = Subject.objects.select_related("region").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
