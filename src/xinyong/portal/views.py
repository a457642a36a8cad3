"""Public pages. Nothing here needs a login, and nothing shows a full ID number."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinyong.campaigns.models import Campaign
from xinyong.subjects.models import Region, Subject, Unit


def home(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.prefetch_related("links__unit").order_by("number")
    units = Unit.objects.filter(active=True).select_related("region").order_by("kind", "code")
    unit_groups = [
        (Unit.Kind(kind).label, list(group))
        for kind, group in groupby(units, key=lambda unit: unit.kind)
    ]
    figures = {
        "campaigns": len(campaigns),
        "units": len(units),
        "regions": Region.objects.filter(level=Region.Level.COUNTY).count(),
        "subjects": Subject.objects.count(),
    }
    return render(
        request,
        "portal/home.html",
        {"campaigns": campaigns, "unit_groups": unit_groups, "figures": figures},
    )
