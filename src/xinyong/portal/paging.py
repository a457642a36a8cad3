"""Capped pagination for the public lists: nobody pages through the whole database.

A page size is at most `MAX_PAGE_SIZE` and a page number at most `MAX_PAGES`, so one
filter shows at most `MAX_PAGES × size` records; beyond that a visitor narrows the
filter. Counting stops at that cap too (`COUNT` over a `LIMIT`ed subquery), so a column
over a million records costs no full count: the total then reads "5000+".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xinyong.core.errors import InvalidInput, NotFound

T = TypeVar("T")

PAGE_SIZES = (10, 20, 50)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = max(PAGE_SIZES)
MAX_PAGES = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results; the same attributes as the search module's `SearchPage`."""

    items: list[T]
    total: int
    total_capped: bool
    page: int
    pages: int
    page_size: int


def page_number(raw: str | None) -> int:
    """The `page` parameter: a whole number from 1 to `MAX_PAGES` (absent: 1)."""
    if raw is None or raw == "":
        return 1
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        raise InvalidInput(
            "portal.bad_page",
            _("页码“%(value)s”无效：应为正整数"),
            params={"value": raw[:20]},
            field="page",
        )
    if number > MAX_PAGES:
        raise InvalidInput(
            "portal.page_too_deep",
            _("最多只能查看前 %(max)d 页，请用筛选条件缩小范围"),
            params={"max": MAX_PAGES},
            field="page",
        )
    return number


def page_size(raw: str | None) -> int:
    """The `size` parameter: one of `PAGE_SIZES` (absent: `DEFAULT_PAGE_SIZE`)."""
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    if raw.isdigit() and int(raw) in PAGE_SIZES:
        return int(raw)
    raise InvalidInput(
        "portal.bad_page_size",
        _("每页条数“%(value)s”无效：可选 %(sizes)s"),
        params={"value": raw[:20], "sizes": "/".join(str(size) for size in PAGE_SIZES)},
        field="size",
    )


def paginate(
    queryset: QuerySet[Any] | Sequence[Any], page: int, size: int, *, total: int | None = None
) -> Page[Any]:
    """The `page`-th page of `size` items, counting no further than the page cap.

    A caller that has counted already (a subject page counts its tabs) passes `total`;
    one that holds all the rows already passes them as a list.
    """
    cap = MAX_PAGES * size
    if total is None:
        total = len(queryset) if isinstance(queryset, Sequence) else queryset[: cap + 1].count()
    capped = total > cap
    total = min(total, cap)
    pages = max(1, -(-total // size))
    if page > pages:
        raise NotFound(
            "portal.page_out_of_range",
            _("第 %(page)d 页没有内容：共 %(pages)d 页"),
            params={"page": page, "pages": pages},
            field="page",
        )
    start = (page - 1) * size
    return Page(list(queryset[start : start + size]), total, capped, page, pages, size)
