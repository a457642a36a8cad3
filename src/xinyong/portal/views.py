"""The home page: the search box, headline figures, the latest licences and penalties,
the latest reports of the 诚信建设万里行 column.

Public pages need no login and never show a full ID number; every record on them comes
through `records.visibility.public_records`.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xinyong.campaigns.models import Campaign
from xinyong.portal.cached import cached
from xinyong.portal.lookups import type_ids
from xinyong.publicity.articles import latest_reports
from xinyong.records.models import CreditRecord, RecordType
from xinyong.records.visibility import public_records
from xinyong.subjects.models import Subject, Unit

LICENSING, PENALTY = RecordType.Category.LICENSING, RecordType.Category.PENALTY
LATEST = 10
# Counting a province's records takes a moment; a minute-old figure is as good.
FIGURES_SECONDS = 60


def _figures(today: date) -> dict[str, int]:
    records = public_records(today)
    return {
        "subjects": Subject.objects.count(),
        "licences": records.filter(record_type_id__in=type_ids([LICENSING])).count(),
        "penalties": records.filter(record_type_id__in=type_ids([PENALTY])).count(),
        "units": Unit.objects.filter(active=True).count(),
    }


def figures(today: date) -> dict[str, int]:
    # The date is in the key: a record leaving publicity at midnight leaves the count too.
    key = f"xinyong:portal-figures:{today.isoformat()}"
    return cached(key, FIGURES_SECONDS, lambda: _figures(today))


def latest(category: str, today: date) -> list[CreditRecord]:
    return list(
        public_records(today)
        .filter(record_type_id__in=type_ids([category]))
        .select_related("subject", "unit", "record_type")
        .order_by("-decision_date", "-id")[:LATEST]
    )


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "figures": figures(today),
        "licences": latest(LICENSING, today),
        "penalties": latest(PENALTY, today),
        "reports": latest_reports(),
        "campaigns": Campaign.objects.prefetch_related("links__unit").order_by("number"),
        "nav": "home",
    }
    return render(request, "portal/home.html", context)
