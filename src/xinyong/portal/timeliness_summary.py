"""A public summary of each unit's timeliness (及时性), from `records.timeliness`.

It counts every record a unit reported under a timeliness rule, public or not: it
measures how fast the unit reports, and a revoked or expired record was reported too.
Only counts per unit leave this module, never a record.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.portal.cached import cached
from xinyong.records import timeliness
from xinyong.records.timeliness import MonthFigures

# The grouping reads every record under a rule; ten minutes old is recent enough.
CACHE_SECONDS = 600
RECENT_MONTHS = 12


@dataclass(frozen=True)
class UnitTimeliness:
    on_time: int
    late: int
    delay_days: float  # working days past the deadline, summed over the late records

    @property
    def total(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.total, 1) if self.total else None

    @property
    def average_delay(self) -> float | None:
        return round(self.delay_days / self.late, 1) if self.late else None


def all_months() -> list[MonthFigures]:
    return cached("xinyong:portal-timeliness", CACHE_SECONDS, timeliness.monthly)


def by_unit(rows: list[MonthFigures]) -> dict[str, UnitTimeliness]:
    totals: dict[str, tuple[int, int, float]] = {}
    for row in rows:
        on_time, late, delay = totals.get(row.unit, (0, 0, 0.0))
        delay += (row.average_delay or 0.0) * row.late
        totals[row.unit] = (on_time + row.on_time, late + row.late, delay)
    return {unit: UnitTimeliness(*figures) for unit, figures in totals.items()}


def recent_months(rows: list[MonthFigures], unit: str) -> list[MonthFigures]:
    """The unit's last `RECENT_MONTHS` months with records, oldest first."""
    return [row for row in rows if row.unit == unit][-RECENT_MONTHS:]
