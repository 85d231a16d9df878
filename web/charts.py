"""Bar charts drawn on the server as inline SVG: the geometry here, the drawing in `_bar_chart.html`."""

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 480
ROW = 30  # height of a horizontal bar's row
LABEL_COLUMN = 150  # room for category names left of horizontal bars
VALUE_ROOM = 44  # room for the number written after (or above) a bar
PLOT_HEIGHT = 160  # height of vertical bars' plot area
AXIS_ROOM = 28  # room for category names under vertical bars


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    value_x: float  # where the number is written
    value_y: float
    label_x: float  # where the category name is written
    label_y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def _scale(values: Sequence[int], room: float) -> float:
    return room / max(max(values, default=0), 1)


def horizontal_bars(items: Sequence[tuple[str, int]]) -> BarChart:
    """One row per item, longest bar for the largest value (top genres)."""
    scale = _scale([v for _label, v in items], WIDTH - LABEL_COLUMN - VALUE_ROOM)
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * ROW + 4
        length = round(value * scale, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=LABEL_COLUMN,
                y=y,
                width=length,
                height=ROW - 8,
                value_x=LABEL_COLUMN + length + 6,
                value_y=y + (ROW - 8) / 2 + 5,
                label_x=LABEL_COLUMN - 8,
                label_y=y + (ROW - 8) / 2 + 5,
            )
        )
    return BarChart(width=WIDTH, height=max(len(items), 1) * ROW, bars=bars, horizontal=True)


def vertical_bars(items: Sequence[tuple[str, int]]) -> BarChart:
    """One column per item, in the given order (decades, ratings 1 to 10)."""
    scale = _scale([v for _label, v in items], PLOT_HEIGHT - 20)
    slot = WIDTH / max(len(items), 1)
    bars = []
    for index, (label, value) in enumerate(items):
        height = round(value * scale, 1)
        x = index * slot + slot * 0.15
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(x, 1),
                y=PLOT_HEIGHT - height,
                width=round(slot * 0.7, 1),
                height=height,
                value_x=round(index * slot + slot / 2, 1),
                value_y=PLOT_HEIGHT - height - 6,
                label_x=round(index * slot + slot / 2, 1),
                label_y=PLOT_HEIGHT + 20,
            )
        )
    return BarChart(width=WIDTH, height=PLOT_HEIGHT + AXIS_ROOM, bars=bars, horizontal=False)
