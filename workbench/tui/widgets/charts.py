"""Terminal charts for the reports: horizontal bars, a sparkline, a cumulative curve, heat cells.

Everything is Rich text with the 16 standard colours (or none), so the charts read the same in
a 16-colour terminal, a 256-colour one and a true-colour one, dark or light.
"""

from __future__ import annotations

from rich.text import Text

#: Eighths of a cell, for bars that grow smoothly.
EIGHTHS = " ▏▎▍▌▋▊▉█"
#: Eight heights, for sparklines.
TICKS = "▁▂▃▄▅▆▇█"
#: Heat-map styles from the lowest non-zero count to the highest (standard colours only).
HEAT = (
    "black on bright_black",
    "black on blue",
    "black on cyan",
    "black on green",
    "black on yellow",
    "bold white on red",
)


def bar(value: float, top: float, width: int) -> str:
    """A horizontal bar ``width`` cells long at ``top``; any value above 0 shows at least ▏."""
    if width <= 0 or top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(min(value, top) / top * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def bar_text(value: float, top: float, width: int, style: str = "") -> Text:
    """:func:`bar` padded to ``width`` cells, as styled text."""
    drawn = bar(value, top, width)
    return Text(drawn.ljust(width), style=style, no_wrap=True)


def sparkline(values: list[int]) -> str:
    """One cell per value, its height relative to the largest (0 is the lowest tick)."""
    top = max(values, default=0)
    if top <= 0:
        return TICKS[0] * len(values)
    return "".join(TICKS[min(7, round(v / top * 7))] for v in values)


def curve_cell(value: int, top: int, width: int) -> Text:
    """One row of a curve read top to bottom: a dotted track up to a ● at ``value`` of ``top``.

    Row after row these points draw the cumulative curve turned on its side (documents go
    down, the count goes right), the usual reading of a saturation plot.
    """
    text = Text(no_wrap=True)
    if width <= 0:
        return text
    at = 0 if top <= 0 else round(min(value, top) / top * (width - 1))
    text.append("·" * at, style="dim")
    text.append("●", style="bold")
    text.append(" " * (width - 1 - at))
    return text


def heat_style(count: int, top: int) -> str:
    """The style of a heat-map cell: none for 0, then :data:`HEAT` by share of the largest."""
    if count <= 0 or top <= 0:
        return "dim"
    steps = len(HEAT)
    level = -(-min(count, top) * steps // top) - 1  # ceil(share * steps) - 1: the top is hottest
    return HEAT[max(0, min(steps - 1, level))]


def heat_cell(count: int, top: int, width: int = 5) -> Text:
    """A right-aligned count on its heat colour (``·`` for none)."""
    label = str(count) if count else "·"
    return Text(label.rjust(width), style=heat_style(count, top), no_wrap=True)
