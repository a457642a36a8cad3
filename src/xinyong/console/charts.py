"""Geometry of the timeliness chart, drawn as inline SVG by a template (no library).

One stacked bar per month from the first to the last month with records (months
without records get an empty slot, so the axis is even): on time at the bottom, late
on top. Coordinates are whole SVG units, so the template writes them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from xinyong.records.timeliness import MonthFigures

SLOT = 56  # horizontal space per month
BAR = 32
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 20, 28
PLOT_HEIGHT = 200
MIN_WIDTH = 320


@dataclass(frozen=True)
class Bar:
    month: str
    on_time: int
    late: int
    average_delay: float | None
    x: int
    label_x: int
    on_time_y: int
    on_time_height: int
    late_y: int
    late_height: int
    total_y: int

    @property
    def total(self) -> int:
        return self.on_time + self.late


@dataclass(frozen=True)
class Tick:
    value: int
    y: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_width: int
    left: int
    right: int
    baseline: int
    bars: list[Bar]
    ticks: list[Tick]


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    end = date(int(last[:4]), int(last[5:7]), 1)
    months: list[str] = []
    while date(year, month, 1) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _step(top: int) -> int:
    """A round tick step (1, 2, 5 × 10ⁿ) giving at most five ticks above zero."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if top <= 5 * step:
                return step
        magnitude *= 10


def timeliness_chart(rows: list[MonthFigures]) -> Chart | None:
    """The chart of one unit's months (rows of a single unit), or None without rows."""
    if not rows:
        return None
    by_month = {row.month: row for row in rows}
    months = _months(min(by_month), max(by_month))
    top = max(max(row.total for row in rows), 1)
    step = _step(top)
    scale_top = step * -(-top // step)  # the top rounded up to a whole step
    baseline = TOP + PLOT_HEIGHT

    def height(count: int) -> int:
        return round(PLOT_HEIGHT * count / scale_top)

    bars: list[Bar] = []
    for index, month in enumerate(months):
        row = by_month.get(month)
        on_time, late = (row.on_time, row.late) if row else (0, 0)
        low, high = height(on_time), height(on_time + late)
        x = LEFT + index * SLOT + (SLOT - BAR) // 2
        bars.append(
            Bar(
                month,
                on_time,
                late,
                row.average_delay if row else None,
                x,
                x + BAR // 2,
                baseline - low,
                low,
                baseline - high,
                high - low,
                baseline - high - 4,
            )
        )
    ticks = [Tick(value, baseline - height(value)) for value in range(0, scale_top + 1, step)]
    width = max(MIN_WIDTH, LEFT + len(months) * SLOT + RIGHT)
    return Chart(width, baseline + BOTTOM, BAR, LEFT, width - RIGHT, baseline, bars, ticks)
