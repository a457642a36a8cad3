"""The 双公示 columns: public licences (`/licences/`) and penalties (`/penalties/`).

Filterable by unit, prefecture, decision dates and category, newest decision first,
in capped pages (`paging`), behind the rate limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

from xinyong.core.errors import XinyongError
from xinyong.portal import column_filters, lookups
from xinyong.portal.cards import cards
from xinyong.portal.errors import shown
from xinyong.portal.paging import PAGE_SIZES, page_number, page_size, paginate
from xinyong.portal.ratelimit import rate_limited
from xinyong.records.models import RecordType
from xinyong.records.visibility import public_records


@dataclass(frozen=True)
class Column:
    key: str  # the nav entry and the URL name
    category: str  # RecordType.Category
    title: str | Promise


LICENCES = Column("licences", RecordType.Category.LICENSING, RecordType.Category.LICENSING.label)
PENALTIES = Column("penalties", RecordType.Category.PENALTY, RecordType.Category.PENALTY.label)


def _column(request: HttpRequest, column: Column) -> HttpResponse:
    choices = column_filters.choices_for(column.category)
    context: dict[str, object] = {
        "column": column,
        "choices": choices,
        "sizes": PAGE_SIZES,
        "values": request.GET,
        "nav": column.key,
    }
    try:
        filters = column_filters.parse(request.GET, choices)
        number, size = page_number(request.GET.get("page")), page_size(request.GET.get("size"))
        of_column = public_records().filter(record_type_id__in=lookups.type_ids([column.category]))
        records = column_filters.apply(of_column, filters)
        page = paginate(
            records.select_related("subject")
            # Encrypted personal data: never needed on a public page.
            .defer("sealed", "subject__id_number_enc")
            .order_by("-decision_date", "-id"),
            number,
            size,
        )
    except XinyongError as error:
        context["error"] = shown(error)
        return render(request, "portal/column.html", context, status=error.status)
    context.update(page=page, cards=cards(page.items), size=size)
    return render(request, "portal/column.html", context)


@rate_limited("columns")
def licences(request: HttpRequest) -> HttpResponse:
    return _column(request, LICENCES)


@rate_limited("columns")
def penalties(request: HttpRequest) -> HttpResponse:
    return _column(request, PENALTIES)
