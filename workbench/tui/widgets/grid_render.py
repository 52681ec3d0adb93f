"""Painting the lines of a :class:`~workbench.tui.widgets.grid.GridView`.

A line is the fixed cells, then the visible part of the scrolling ones, then (when the table
is narrower than the grid) a filler. Cells are padded and styled exactly as Textual's
``DataTable`` pads and styles them (its header, cursor and hover styles, the cursor's colour
over a cell's own while the cell keeps its background, the row and column in each segment's
meta), so a report looks the same as it did in a ``DataTable``, down to the segments.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

if TYPE_CHECKING:
    from workbench.tui.widgets.grid import GridTable, GridView

PADDING = 1  # blank cells either side of every cell, as in DataTable
_PAD = " " * PADDING


@dataclass(frozen=True, slots=True)
class Palette:
    """The styles of one look of the grid (they change with focus and theme)."""

    base: Style
    header: Style
    cursor: Style
    hover: Style
    extend_header: Style
    extend: Style


def build_palette(grid: GridView) -> Palette:
    """The palette of a grid from its component classes and background."""
    base = grid.rich_style
    header = grid.get_component_styles("grid--header").rich_style
    background = grid.background_colors[1]
    return Palette(
        base=base,
        header=header,
        cursor=grid.get_component_rich_style("grid--cursor"),
        hover=grid.get_component_rich_style("grid--hover"),
        extend_header=_faded(header, background),
        extend=_faded(base, background),
    )


def paint_line(
    table: GridTable,
    row: int,
    scroll_x: int,
    width: int,
    palette: Palette,
    hover: tuple[int, int] | None,
    console: Console,
) -> Strip:
    """Line ``row`` of ``table`` (-1: the header) scrolled ``scroll_x`` cells to the right."""
    offsets = table.offsets
    count = len(table.columns)
    fixed_count = table.fixed_columns
    fixed = offsets[fixed_count]
    segments: list[Segment] = []
    for column in range(fixed_count):
        segments += _paint_cell(table, row, column, palette, hover, console)
    start = scroll_x + fixed  # the virtual x at the left of the scrolling part
    end = scroll_x + width
    first = max(fixed_count, bisect_right(offsets, start) - 1)
    scrolling: list[Segment] = []
    column = first
    while column < count and offsets[column] < end:
        scrolling += _paint_cell(table, row, column, palette, hover, console)
        column += 1
    filler = width - (offsets[-1] - fixed)  # DataTable's filler: what the table leaves
    if column == count and filler > 0:
        extend = _extend_style(table, row, palette, hover) + Style.from_meta(
            {"row": row, "column": 0, "out_of_bounds": True})
        scrolling.append(Segment(" " * filler, extend))
    left = start - offsets[first]
    shown = Strip(scrolling).crop(left, left + width - fixed)
    segments += shown
    short = width - min(fixed, width) - shown.cell_length
    if short > 0:
        segments.append(Segment(" " * short, palette.base))
    # cells never end in the style the next begins with (their meta differ), so these
    # segments are as simple as DataTable's after its Strip.simplify
    return Strip(segments, width)


def _extend_style(
    table: GridTable, row: int, palette: Palette, hover: tuple[int, int] | None
) -> Style:
    """The style of the space right of the last column (as DataTable fills it)."""
    if table.cursor_type == "row":
        if row < 0:
            return palette.header
        style = palette.base
        if hover is not None and hover[0] == row:
            style += palette.hover
        if row == table.cursor[0]:
            style += palette.cursor
        return style
    return palette.extend_header if row < 0 else palette.extend


def _paint_cell(
    table: GridTable,
    row: int,
    column: int,
    palette: Palette,
    hover: tuple[int, int] | None,
    console: Console,
) -> list[Segment]:
    """One cell padded to its column: its own style over the row's and the cursor's, the
    cursor's (or hover's) colour over its own (a heat-map cell keeps its background under the
    cursor), as DataTable styles a cell."""
    inner = table.inner[column]
    # the row and column go along in the style's meta, as DataTable's do
    where = Style.from_meta({"row": row, "column": column})
    post: Style | None = None
    if row < 0:
        text, pre = table.columns[column].label, palette.header + where
    else:
        text = table.cell(row, column)
        pre = palette.base + where
        row_mode = table.cursor_type == "row"
        component = Style()
        if hover is not None and hover[0] == row and (row_mode or hover[1] == column):
            component += palette.hover
        cursor = table.cursor
        if row == cursor[0] and (row_mode or column == cursor[1]):
            component += palette.cursor
        if component:
            pre += component
            post = Style.from_color(component.color)
    length = text.cell_len
    if length > inner:
        text = text.copy()
        text.truncate(inner)
        length = text.cell_len
    around = pre + post if post else pre  # the padding's style
    fill = " " * (inner - length + PADDING)
    if not text.spans:  # Text.render would leave out the text's own style here
        style = around
        if text.style:
            style = pre + console.get_style(text.style)
            if post:
                style += post
        if style == around:
            return [Segment(f"{_PAD}{text.plain}{fill}", around)]
        return [Segment(_PAD, around), Segment(text.plain, style), Segment(fill, around)]
    pieces = [Segment(_PAD), *text.render(console), Segment(fill)]
    return _merged(Segment.apply_style(pieces, pre, post))


def _merged(segments: Iterable[Segment]) -> list[Segment]:
    """Neighbours of one style as one segment (as ``Segment.simplify``), as a list."""
    out: list[Segment] = []
    for segment in segments:
        if out and out[-1].style == segment.style and not segment.control:
            last = out[-1]
            out[-1] = Segment(last.text + segment.text, last.style)
        elif segment.text:
            out.append(segment)
    return out


def _faded(style: Style, background: Color) -> Style:
    """The colour of a row blended a quarter into the background (DataTable's filler)."""
    if style.bgcolor is None:
        return Style.from_color(style.color, None)
    faded = Color.from_rich_color(style.bgcolor).blend(background, factor=0.25)
    return Style.from_color(style.color, faded.rich_color)
