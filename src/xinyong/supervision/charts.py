"""Horizontal stacked bar charts for the dashboard, as geometry for an inline-SVG template
(no chart library, no script: the console works offline and prints).

One row per label (a campaign, a unit, a region); each row is split into its series
(on time, late, overdue …) scaled to the largest row total. Every chart is also given
to the template as a table, for screen readers and for copying the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_WIDTH = 170
PLOT_WIDTH = 300
VALUE_WIDTH = 44
ROW = 22
BAR = 14
TOP = 6


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    css: str  # class of the bar segment and its legend swatch


@dataclass(frozen=True)
class Segment:
    series: Series
    value: int
    x: int
    width: int


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[int, ...]
    y: int
    text_y: int
    segments: tuple[Segment, ...]
    total_x: int

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Chart:
    title: str
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    width: int
    height: int
    label_width: int = LABEL_WIDTH

    @property
    def empty(self) -> bool:
        return all(row.total == 0 for row in self.rows)


def stacked(
    title: str, series: Sequence[Series], data: Sequence[tuple[str, Sequence[int]]]
) -> Chart:
    """`data`: (label, one value per series) per row, in the order to draw."""
    largest = max((sum(values) for _label, values in data), default=0) or 1
    rows = []
    for index, (label, values) in enumerate(data):
        y = TOP + index * ROW
        x = LABEL_WIDTH
        segments = []
        for item, value in zip(series, values, strict=True):
            width = round(PLOT_WIDTH * value / largest)
            if value:
                segments.append(Segment(item, value, x, max(width, 1)))
            x += width
        rows.append(Row(label, tuple(values), y, y + BAR - 3, tuple(segments), total_x=x + 4))
    height = TOP * 2 + ROW * max(len(rows), 1)
    return Chart(title, tuple(series), tuple(rows), LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, height)
