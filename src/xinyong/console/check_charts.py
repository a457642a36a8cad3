"""Geometry of the feedback-rate chart (执行反馈率), drawn as inline SVG by a template.

The same approach as the timeliness chart (`charts.py`): whole SVG units computed here,
no chart library. One horizontal bar per list, measure or unit (their names are long,
so they sit on the left): the bar's length is the feedback rate on a 0–100 % axis,
split into the share applied (left) and the share fed back as not applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.lists.feedback import StatRow

LABEL = 200  # room for the names on the left
PLOT = 360  # the 0–100 % axis
RIGHT = 96  # room for the figure after each bar
ROW, BAR = 28, 16
TOP, BOTTOM = 8, 24
LABEL_CHARS = 16
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class RateBar:
    code: str
    name: str
    label: str  # the name, shortened to fit
    returned: int
    fed_back: int
    applied: int
    not_applied: int
    percent: str  # "75.0%", or "—" when nothing was returned
    y: int
    text_y: int
    applied_width: int
    not_applied_x: int
    not_applied_width: int
    figure_x: int


@dataclass(frozen=True)
class RateTick:
    value: int
    x: int


@dataclass(frozen=True)
class RateChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    baseline: int
    bar_height: int
    bars: list[RateBar]
    ticks: list[RateTick]


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def _width(count: int, returned: int) -> int:
    if not returned:
        return 0
    return round(PLOT * min(count, returned) / returned)


def rate_chart(rows: list[StatRow]) -> RateChart | None:
    """The chart of these rows, in their order, or None without rows."""
    if not rows:
        return None
    bars: list[RateBar] = []
    for index, row in enumerate(rows):
        y = TOP + index * ROW + (ROW - BAR) // 2
        applied = _width(row.applied, row.returned)
        fed = max(_width(row.fed_back, row.returned), applied)
        rate = row.rate
        bars.append(
            RateBar(
                code=row.code,
                name=row.name,
                label=_short(row.name),
                returned=row.returned,
                fed_back=row.fed_back,
                applied=row.applied,
                not_applied=row.not_applied,
                percent="—" if rate is None else f"{rate * 100:.1f}%",
                y=y,
                text_y=y + BAR - 4,
                applied_width=applied,
                not_applied_x=LABEL + applied,
                not_applied_width=fed - applied,
                figure_x=LABEL + fed + 6,
            )
        )
    baseline = TOP + len(rows) * ROW
    ticks = [RateTick(value, LABEL + PLOT * value // 100) for value in TICKS]
    width = LABEL + PLOT + RIGHT
    return RateChart(width, baseline + BOTTOM, LABEL, LABEL + PLOT, TOP, baseline, BAR, bars, ticks)
