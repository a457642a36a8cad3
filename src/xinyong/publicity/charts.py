"""Geometry of the weekly target chart, drawn as inline SVG by a template (no library).

One bar per ISO week, oldest on the left, with the week's target as a dashed mark
across it. A bar is "met", "below" (a finished week under its target) or "current"
(this week, not over yet). Coordinates are whole SVG units.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.publicity.articles import WeekCount

SLOT = 52  # horizontal space per week
BAR = 28
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 20, 40
PLOT_HEIGHT = 160
MIN_WIDTH = 320


@dataclass(frozen=True)
class Bar:
    week: WeekCount
    state: str
    x: int
    label_x: int
    y: int
    height: int
    count_y: int
    target_y: int | None


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


def _step(top: int) -> int:
    """A tick step giving at most five ticks above zero."""
    for step in (1, 2, 5, 10):
        if top <= 5 * step:
            return step
    return -(-top // 5)


def _state(week: WeekCount) -> str:
    if week.current:
        return "current"
    return "below" if week.below_target else "met"


def week_chart(weeks: list[WeekCount]) -> Chart | None:
    if not weeks:
        return None
    top = max(max(max(w.published, w.target or 0) for w in weeks), 1)
    step = _step(top)
    scale_top = step * -(-top // step)
    baseline = TOP + PLOT_HEIGHT

    def height(count: int) -> int:
        return round(PLOT_HEIGHT * count / scale_top)

    bars = []
    for index, week in enumerate(weeks):
        x = LEFT + index * SLOT + (SLOT - BAR) // 2
        tall = height(week.published)
        target_y = baseline - height(week.target) if week.target else None
        bars.append(
            Bar(
                week,
                _state(week),
                x,
                x + BAR // 2,
                baseline - tall,
                tall,
                baseline - tall - 4,
                target_y,
            )
        )
    ticks = [Tick(value, baseline - height(value)) for value in range(0, scale_top + 1, step)]
    width = max(MIN_WIDTH, LEFT + len(weeks) * SLOT + RIGHT)
    return Chart(width, baseline + BOTTOM, BAR, LEFT, width - RIGHT, baseline, bars, ticks)
