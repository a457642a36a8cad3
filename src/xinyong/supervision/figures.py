"""The steering office's figures (督查考核): what the dashboard draws, computed with one
grouped query per chart (the dashboard must stay fast with years of data).

Every function returns rows for `charts.stacked`: (label, values in series order).
Regions are grouped by prefecture (a county's complaint counts for its prefecture).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from xinyong.campaigns import tasks
from xinyong.campaigns.models import Campaign
from xinyong.campaigns.tasks import TaskCounts
from xinyong.complaints.models import Complaint
from xinyong.lists.entries import in_force_q
from xinyong.lists.models import ListEntry
from xinyong.publicity.models import Article
from xinyong.records.models import CreditRecord, RecordType
from xinyong.subjects.models import Region, Unit
from xinyong.supervision.charts import Series

Rows = list[tuple[str, list[int]]]

COMPLAINT_SERIES = (
    Series("handled", str(_("已办结")), "s-done"),
    Series("open", str(_("办理中")), "s-open"),
    Series("overdue", str(_("已超期")), "s-overdue"),
)
TASK_SERIES = (
    Series("on_time", str(_("按期完成")), "s-done"),
    Series("late", str(_("逾期完成")), "s-late"),
    Series("open", str(_("推进中")), "s-open"),
    Series("overdue", str(_("已超期")), "s-overdue"),
)
COUNT_SERIES = (Series("count", str(_("数量")), "s-count"),)


def campaigns() -> list[Campaign]:
    return list(Campaign.objects.order_by("number"))


def prefectures() -> list[Region]:
    return list(Region.objects.filter(level=Region.Level.PREFECTURE).order_by("code"))


def prefecture_code(region_code: str) -> str:
    """A county's prefecture by its GB/T 2260 code (the first four digits)."""
    return region_code[:4] + "00"


def _complaint_split(
    found: Iterable[dict[str, object]], key: str, today: date
) -> dict[str, Counter[str]]:
    split: dict[str, Counter[str]] = {}
    for row in found:
        status, due = row["status"], row["due_on"]
        if status in Complaint.OPEN:
            part = "overdue" if due is not None and due < today else "open"  # type: ignore[operator]
        else:
            part = "handled"
        split.setdefault(str(row[key]), Counter())[part] += int(row["n"])  # type: ignore[call-overload]
    return split


def complaints_by_campaign(today: date) -> Rows:
    found = Complaint.objects.values("campaign_id", "status", "due_on").annotate(n=Count("id"))
    split = _complaint_split(found.order_by(), "campaign_id", today)
    return [
        (
            f"{c.number}. {c.name}",
            [split.get(str(c.pk), Counter())[s.key] for s in COMPLAINT_SERIES],
        )
        for c in campaigns()
    ]


def complaints_by_region(today: date) -> Rows:
    found = Complaint.objects.values("region_id", "status", "due_on").annotate(n=Count("id"))
    split: dict[str, Counter[str]] = {}
    for code, counts in _complaint_split(found.order_by(), "region_id", today).items():
        split.setdefault(prefecture_code(code), Counter()).update(counts)
    return [
        (region.name, [split.get(region.code, Counter())[s.key] for s in COMPLAINT_SERIES])
        for region in prefectures()
    ]


def complaint_totals(today: date) -> dict[str, int]:
    found = Complaint.objects.aggregate(
        received=Count("id"),
        handled=Count("id", filter=~Q(status__in=Complaint.OPEN)),
        overdue=Count("id", filter=Q(status__in=Complaint.OPEN, due_on__lt=today)),
        late=Count("id", filter=Q(late=True)),
        rated=Count("id", filter=Q(rating__isnull=False)),
    )
    return {key: int(value or 0) for key, value in found.items()}


def entries_by_campaign(today: date) -> Rows:
    found = Counter(
        dict(
            ListEntry.objects.filter(in_force_q(today), credit_list__campaign__isnull=False)
            .values_list("credit_list__campaign_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    return [(f"{c.number}. {c.name}", [found[c.pk]]) for c in campaigns()]


def entries_by_region(today: date) -> Rows:
    found = (
        ListEntry.objects.filter(in_force_q(today))
        .values_list("subject__region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _by_prefecture(found)


def penalties_by_region() -> Rows:
    found = (
        CreditRecord.objects.filter(record_type__category=RecordType.Category.PENALTY)
        .exclude(status=CreditRecord.Status.REVOKED)
        .values_list("subject__region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _by_prefecture(found)


def _by_prefecture(found: Iterable[tuple[str | None, int]]) -> Rows:
    counts: Counter[str] = Counter()
    for code, n in found:
        if code:
            counts[prefecture_code(code)] += n
    return [(region.name, [counts[region.code]]) for region in prefectures()]


def _task_values(counts: TaskCounts | None) -> list[int]:
    if counts is None:
        return [0, 0, 0, 0]
    open_tasks = counts.planned + counts.in_progress
    return [
        counts.done - counts.done_late,
        counts.done_late,
        open_tasks - counts.overdue,
        counts.overdue,
    ]


def tasks_by_campaign(today: date) -> Rows:
    counts = tasks.counts_by("campaign_id", today)
    return [(f"{c.number}. {c.name}", _task_values(counts.get(c.pk))) for c in campaigns()]


def tasks_by_unit(today: date) -> Rows:
    """The units that own tasks, most tasks first (at most 20 rows)."""
    counts = tasks.counts_by("owner_id", today)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=list(counts))}
    ranked = sorted(counts.items(), key=lambda item: (-item[1].total, units[item[0]].code))
    return [
        (units[pk].short_name or units[pk].name, _task_values(count)) for pk, count in ranked[:20]
    ]


def task_totals(today: date) -> TaskCounts:
    return tasks.totals(today)


def cases_by_campaign() -> Rows:
    found = Counter(
        dict(
            Article.objects.filter(
                kind=Article.Kind.CASE, status=Article.Status.PUBLISHED, campaign__isnull=False
            )
            .values_list("campaign_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    return [(f"{c.number}. {c.name}", [found[c.pk]]) for c in campaigns()]
