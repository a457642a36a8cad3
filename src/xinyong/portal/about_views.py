"""About the data: the catalogue, the units by kind, and each unit's timeliness."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinyong.console.charts import timeliness_chart
from xinyong.portal import timeliness_summary
from xinyong.portal.timeliness_summary import UnitTimeliness
from xinyong.records.models import RecordType
from xinyong.subjects.models import Unit


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    timeliness: UnitTimeliness | None


def _unit_groups(figures: dict[str, UnitTimeliness]) -> list[tuple[str, list[UnitRow]]]:
    order = {kind: index for index, kind in enumerate(Unit.Kind.values)}
    units = sorted(
        Unit.objects.filter(active=True).select_related("region"),
        key=lambda unit: (order.get(unit.kind, len(order)), unit.code),
    )
    return [
        (str(Unit.Kind(kind).label), [UnitRow(unit, figures.get(unit.code)) for unit in group])
        for kind, group in groupby(units, key=lambda unit: unit.kind)
    ]


def about(request: HttpRequest) -> HttpResponse:
    months = timeliness_summary.all_months()
    figures = timeliness_summary.by_unit(months)
    chosen = request.GET.get("unit", "")
    chosen_unit = Unit.objects.filter(code=chosen, active=True).first() if chosen else None
    rows = timeliness_summary.recent_months(months, chosen_unit.code) if chosen_unit else []
    context = {
        "record_types": RecordType.objects.filter(active=True).select_related("basis_source"),
        "unit_groups": _unit_groups(figures),
        "timely_units": Unit.objects.filter(code__in=figures).order_by("kind", "code"),
        "chosen": chosen_unit,
        "rows": rows,
        "chart": timeliness_chart(rows),
        "nav": "about",
    }
    return render(request, "portal/about.html", context)
