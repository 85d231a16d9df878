"""Bar charts drawn on the server as inline SVG: the geometry here, the drawing in `_bar_chart.html`.

Across, positions and lengths are percentages of the chart's width; down, they are pixels. The SVG has no
viewBox, so it takes the width of its column and its text keeps its CSS size on a phone as on a desktop (a
drawing scaled down to a phone's width shrank its labels to 6 px).
"""

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_ROOM = 20  # px: a horizontal bar's category name, written above it (a phone has no room beside it)
THICKNESS = 16  # px: a horizontal bar's thickness
ROW = LABEL_ROOM + THICKNESS + 10  # px: one horizontal bar with its name and the space under it
LONGEST = 85.0  # %: the largest value's bar; the rest of the width holds its number
PLOT_HEIGHT = 160  # px: vertical bars' plot area
AXIS_ROOM = 28  # px: category names under vertical bars


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float  # % of the width
    y: float  # px
    width: float  # % of the width
    height: float  # px
    value_x: float  # where the number is written (%, px)
    value_y: float
    label_x: float  # where the category name is written (%, px)
    label_y: float


@dataclass(frozen=True)
class BarChart:
    height: int  # px; the width is the column's
    bars: list[Bar]
    horizontal: bool

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def _scale(values: Sequence[int], room: float) -> float:
    return room / max(max(values, default=0), 1)


def horizontal_bars(items: Sequence[tuple[str, int]]) -> BarChart:
    """One row per item, its name above its bar, the longest bar for the largest value (genres, decades)."""
    scale = _scale([v for _label, v in items], LONGEST)
    bars = []
    for index, (label, value) in enumerate(items):
        top = index * ROW
        length = round(value * scale, 2)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=0,
                y=top + LABEL_ROOM,
                width=length,
                height=THICKNESS,
                value_x=length,
                value_y=top + LABEL_ROOM + THICKNESS / 2 + 5,
                label_x=0,
                label_y=top + 15,
            )
        )
    return BarChart(height=max(len(items), 1) * ROW, bars=bars, horizontal=True)


def vertical_bars(items: Sequence[tuple[str, int]]) -> BarChart:
    """One column per item, in the given order (ratings 1 to 10)."""
    scale = _scale([v for _label, v in items], PLOT_HEIGHT - 20)
    slot = 100 / max(len(items), 1)
    bars = []
    for index, (label, value) in enumerate(items):
        height = round(value * scale, 1)
        middle = round(index * slot + slot / 2, 2)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(index * slot + slot * 0.15, 2),
                y=PLOT_HEIGHT - height,
                width=round(slot * 0.7, 2),
                height=height,
                value_x=middle,
                value_y=PLOT_HEIGHT - height - 6,
                label_x=middle,
                label_y=PLOT_HEIGHT + 20,
            )
        )
    return BarChart(height=PLOT_HEIGHT + AXIS_ROOM, bars=bars, horizontal=False)
