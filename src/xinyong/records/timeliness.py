"""Timeliness (及时性): were records received by their publication deadline?

Only record types named by an active timeliness rule of the pack count (7 working days
for licences and penalties in Yunnan); a record's deadline was computed by the pipeline
(`RecordDeadlines.publication_deadline`) and stored on it. Per reporting unit and month
of the decision date:

- on time: received on or before the deadline (the local date of `received_at`);
- late: received after it;
- average delay: among the late ones, the mean number of working days from the deadline
  to the received date (`WorkCalendar.workdays_between`), so a holiday does not count.

1. Group the records in the database by unit, decision month, deadline and received day,
   with a count: a million records make a few thousand groups.
2. Count each group as on time or late; for a late group, add count × working days.
3. One row per unit and month, ordered by unit code then month.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from xinyong.core.calendar import WorkCalendar
from xinyong.policy.rules import active_rules
from xinyong.records.models import CreditRecord


@dataclass(frozen=True)
class MonthFigures:
    """One unit's records decided in one month ("2026-09")."""

    unit: str
    month: str
    on_time: int
    late: int
    average_delay: float | None  # working days past the deadline, over the late ones

    @property
    def total(self) -> int:
        return self.on_time + self.late

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Tally:
    on_time: int = 0
    late: int = 0
    delay: int = 0  # working days past the deadline, summed over the late records

    def figures(self, unit: str, month: str) -> MonthFigures:
        average = round(self.delay / self.late, 2) if self.late else None
        return MonthFigures(unit, month, self.on_time, self.late, average)


def timely_types() -> set[str]:
    """Codes of the record types that an active timeliness rule applies to."""
    codes: set[str] = set()
    for rule in active_rules("timeliness"):
        codes.update(rule.applies_to)
    return codes


def _groups(units: Iterable[str] | None) -> Iterable[dict[str, Any]]:
    records = CreditRecord.objects.filter(
        record_type__code__in=timely_types(), publication_deadline__isnull=False
    )
    if units is not None:
        records = records.filter(unit__code__in=list(units))
    return (
        records.annotate(
            month=TruncMonth("decision_date"),
            received=TruncDate("received_at", tzinfo=timezone.get_default_timezone()),
        )
        .values("unit__code", "month", "publication_deadline", "received")
        .annotate(count=Count("id"))
        .order_by()
    )


def monthly(
    units: Iterable[str] | None = None, *, calendar: WorkCalendar | None = None
) -> list[MonthFigures]:
    """On time / late / average delay per unit and decision month (all units if None)."""
    calendar = calendar or WorkCalendar.load()
    tallies: dict[tuple[str, str], _Tally] = {}
    delays: dict[tuple[date, date], int] = {}
    for group in _groups(units):
        month: date = group["month"]
        key = (group["unit__code"], f"{month.year:04d}-{month.month:02d}")
        tally = tallies.setdefault(key, _Tally())
        deadline, received = group["publication_deadline"], group["received"]
        if received <= deadline:
            tally.on_time += group["count"]
            continue
        if (deadline, received) not in delays:
            delays[deadline, received] = calendar.workdays_between(deadline, received)
        tally.late += group["count"]
        tally.delay += group["count"] * delays[deadline, received]
    return [tallies[key].figures(*key) for key in sorted(tallies)]


def units_with_figures() -> list[str]:
    """Codes of the units that have records under a timeliness rule."""
    return sorted(
        set(
            CreditRecord.objects.filter(
                record_type__code__in=timely_types(), publication_deadline__isnull=False
            ).values_list("unit__code", flat=True)
        )
    )
