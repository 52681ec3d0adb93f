"""A table drawn line by line: only the rows and columns on screen are ever rendered.

A Line-API widget (``ScrollView`` + ``render_line``) for large report tables (540 codes × 200
cases). A :class:`GridTable` says what to show: its columns, how many rows, and a callback
asked for a cell only when the cell comes into view. A header row and the first
``fixed_columns`` columns stay in place while the rest scrolls; a cell or row cursor moves with
the arrow, page, home and end keys; each painted line is kept in an LRU cache keyed by what
decides its look, so a cursor step repaints two lines.

One grid can show several tables in turn (:meth:`GridView.show`): each table keeps its cursor
and scroll position, so a screen switching between reports need not switch focus between
widgets. It looks like Textual's ``DataTable`` (see :mod:`grid_render`) and keeps the part of
its interface the reports use (``row_count``, ``cursor_row``, ``cursor_column``,
``move_cursor``, ``get_row_at``); a click on the cursor cell posts :class:`GridView.Selected`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size, Spacing, clamp
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.tui.widgets.grid_render import PADDING, Palette, build_palette, paint_line

CellFunction = Callable[[int, int], Text]
CursorType = Literal["cell", "row"]


@dataclass(frozen=True, slots=True)
class GridColumn:
    """A column: its header and the width of its widest cell (without padding)."""

    label: Text
    width: int = 0

    @property
    def render_width(self) -> int:
        """Cells on screen: the wider of the label and the cells, plus padding."""
        return max(self.label.cell_len, self.width) + 2 * PADDING


@dataclass(eq=False)
class GridTable:
    """What a grid shows (``cell(row, column)`` gives a cell when it is drawn), and where its
    cursor and view are."""

    columns: Sequence[GridColumn]
    row_count: int
    cell: CellFunction
    fixed_columns: int = 0
    cursor_type: CursorType = "cell"
    cursor: tuple[int, int] = (0, 0)
    scroll: tuple[int, int] = (0, 0)  # kept while another table is shown
    offsets: list[int] = field(init=False)  # each column's left edge, then the total width
    inner: list[int] = field(init=False)  # each column's text width

    def __post_init__(self) -> None:
        self.fixed_columns = min(self.fixed_columns, len(self.columns))
        offsets = [0]
        for column in self.columns:
            offsets.append(offsets[-1] + column.render_width)
        self.offsets = offsets
        self.inner = [column.render_width - 2 * PADDING for column in self.columns]
        self.cursor = self.clamp(*self.cursor)

    def clamp(self, row: int, column: int) -> tuple[int, int]:
        """The nearest cell of the table."""
        return (clamp(row, 0, max(0, self.row_count - 1)),
                clamp(column, 0, max(0, len(self.columns) - 1)))

    def row(self, index: int) -> list[Text]:
        """Every cell of one row."""
        return [self.cell(index, column) for column in range(len(self.columns))]


EMPTY = GridTable([], 0, lambda row, column: Text())


class GridView(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows × columns of Rich text with a fixed header row and fixed first columns."""

    DEFAULT_CSS = """
    GridView {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .grid--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .grid--header { background-tint: $foreground 5%; }
        }
        & > .grid--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .grid--header { background: ansi_bright_blue; color: ansi_default; }
        & > .grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .grid--hover { background: $block-hover-background; }
    }
    """

    COMPONENT_CLASSES = {"grid--header", "grid--cursor", "grid--hover"}

    BINDINGS = [
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("right", "cursor_right", "Cursor right", show=False),
        Binding("left", "cursor_left", "Cursor left", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+pageup", "page_left", "Page left", show=False),
        Binding("ctrl+pagedown", "page_right", "Page right", show=False),
        Binding("ctrl+home", "top", "Top", show=False),
        Binding("ctrl+end", "bottom", "Bottom", show=False),
        Binding("home", "home", "Home", show=False),
        Binding("end", "end", "End", show=False),
    ]

    class Selected(Message):
        """The cursor cell was clicked (as ``DataTable`` posts ``CellSelected``)."""

        def __init__(self, grid: GridView, row: int, column: int) -> None:
            super().__init__()
            self.grid = grid
            self.row = row
            self.column = column

        @property
        def control(self) -> GridView:
            return self.grid

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._table = EMPTY
        self._hover: tuple[int, int] | None = None
        self._generation = 0
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self._palette: Palette | None = None
        self._pseudo_state: object = None

    # ================================================================== the table
    @property
    def table(self) -> GridTable:
        """The table shown."""
        return self._table

    def show(self, table: GridTable) -> None:
        """Show ``table`` where its cursor and view were (the table shown before keeps its)."""
        old = self._table
        if old is not EMPTY:
            old.scroll = (round(self.scroll_offset.x), round(self.scroll_offset.y))
        self._table = table
        self._hover = None
        self._generation += 1
        self._strips.clear()
        self.virtual_size = Size(table.offsets[-1], table.row_count + 1)
        self.scroll_to(*table.scroll, animate=False, force=True)
        self.refresh()

    @property
    def row_count(self) -> int:
        return self._table.row_count

    @property
    def columns(self) -> Sequence[GridColumn]:
        return self._table.columns

    def get_row_at(self, row: int) -> list[Text]:
        """Every cell of one row."""
        return self._table.row(row)

    # ================================================================== cursor
    @property
    def cursor_row(self) -> int:
        return self._table.cursor[0]

    @property
    def cursor_column(self) -> int:
        return self._table.cursor[1]

    @property
    def cursor_coordinate(self) -> tuple[int, int]:
        return self._table.cursor

    def move_cursor(
        self, *, row: int | None = None, column: int | None = None, scroll: bool = True
    ) -> None:
        """Move the cursor (clamped to the table) and, unless told not to, scroll to it."""
        table = self._table
        old = table.cursor
        table.cursor = table.clamp(old[0] if row is None else row,
                                   old[1] if column is None else column)
        if table.cursor != old:
            self._refresh_row(old[0])
            self._refresh_row(table.cursor[0])
        if scroll:
            self.scroll_to_cursor()

    def scroll_to_cursor(self) -> None:
        """Scroll the least needed to show the cursor below the header, right of the fixed
        columns (after the first layout if the grid has no size yet)."""
        if not self.is_mounted:
            return
        if not self.scrollable_content_region.height:
            self.call_after_refresh(self._scroll_to_cursor_now)
            return
        self._scroll_to_cursor_now()

    def _scroll_to_cursor_now(self) -> None:
        table = self._table
        if not self.scrollable_content_region.height or not table.row_count:
            return
        row, column = table.cursor
        offsets = table.offsets
        x_axis = table.cursor_type == "cell" and table.fixed_columns < len(table.columns)
        if x_axis:  # on a fixed column: back to the first columns (as home does in DataTable)
            column = max(column, table.fixed_columns)
            start, width = offsets[column], offsets[column + 1] - offsets[column]
        else:
            start, width = 0, 1
        self.scroll_to_region(Region(start, row + 1, width, 1),
                              spacing=Spacing(1, 0, 0, offsets[table.fixed_columns]),
                              animate=False, force=True, x_axis=x_axis, immediate=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _keyboard(self) -> None:
        """A key: the mouse's hover highlight goes (as in DataTable)."""
        if self._hover is not None:
            hover, self._hover = self._hover, None
            self._refresh_row(hover[0])

    def action_cursor_up(self) -> None:
        self._keyboard()
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._keyboard()
        self.move_cursor(row=self.cursor_row + 1)

    def action_cursor_left(self) -> None:
        self._keyboard()
        if self._table.cursor_type == "cell":
            self.move_cursor(column=self.cursor_column - 1)
        else:
            self.scroll_left(animate=False)

    def action_cursor_right(self) -> None:
        self._keyboard()
        if self._table.cursor_type == "cell":
            self.move_cursor(column=self.cursor_column + 1)
        else:
            self.scroll_right(animate=False)

    def action_page_down(self) -> None:
        self._keyboard()
        page = self._page()
        self.scroll_relative(y=page, animate=False, force=True, immediate=True)
        self.move_cursor(row=self.cursor_row + page)

    def action_page_up(self) -> None:
        self._keyboard()
        page = self._page()
        self.scroll_relative(y=-page, animate=False, force=True, immediate=True)
        self.move_cursor(row=self.cursor_row - page)

    def _page_width(self) -> int:
        """The scrolling part's width (the view right of the fixed columns)."""
        fixed = self._table.offsets[self._table.fixed_columns]
        return max(1, self.scrollable_content_region.width - fixed)

    def action_page_left(self) -> None:
        self._keyboard()
        self.scroll_relative(x=-self._page_width(), animate=False, immediate=True)

    def action_page_right(self) -> None:
        self._keyboard()
        self.scroll_relative(x=self._page_width(), animate=False, immediate=True)

    def action_top(self) -> None:
        self._keyboard()
        self.move_cursor(row=0)

    def action_bottom(self) -> None:
        self._keyboard()
        self.move_cursor(row=self.row_count - 1)

    def action_home(self) -> None:
        self._keyboard()
        if self._table.cursor_type == "cell":
            self.move_cursor(column=0)
        else:
            self.scroll_to(x=0, animate=False)

    def action_end(self) -> None:
        self._keyboard()
        if self._table.cursor_type == "cell":
            self.move_cursor(column=len(self.columns) - 1)
        else:
            self.scroll_to(x=self.max_scroll_x, animate=False)

    # ================================================================== mouse
    def cell_at(self, x: int, y: int) -> tuple[int, int] | None:
        """The (row, column) drawn at content offset (x, y): ``None`` off the rows, column -1
        right of the last column (which only a row cursor takes)."""
        table = self._table
        row = round(self.scroll_offset.y) + y - 1
        if y < 1 or not 0 <= row < table.row_count:
            return None
        fixed = table.offsets[table.fixed_columns]
        at = x if x < fixed else x + round(self.scroll_offset.x)
        column = bisect_right(table.offsets, at) - 1
        if not 0 <= column < len(table.columns):
            return (row, -1) if table.cursor_type == "row" else None
        return row, column

    def _at(self, event: events.MouseEvent) -> tuple[int, int] | None:
        offset = event.get_content_offset(self)
        return None if offset is None else self.cell_at(offset.x, offset.y)

    async def on_click(self, event: events.Click) -> None:
        found = self._at(event)
        if found is None:
            return
        event.stop()
        row, column = found
        if column < 0:
            column = self.cursor_column
        if self._table.cursor_type == "cell":
            again = (row, column) == self.cursor_coordinate
        else:
            again = row == self.cursor_row
        self.move_cursor(row=row, column=column)
        if again:  # a click on the cursor selects, as in DataTable
            self.post_message(self.Selected(self, *self.cursor_coordinate))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        found = self._at(event)
        if found != self._hover:
            before, self._hover = self._hover, found
            for point in (before, found):
                if point is not None:
                    self._refresh_row(point[0])

    def on_leave(self, event: events.Leave) -> None:
        self._keyboard()

    # ================================================================== painting
    def _refresh_row(self, row: int) -> None:
        if self.is_mounted:
            self.refresh_line(row + 1)

    def notify_style_update(self) -> None:
        self._palette = None
        self._strips.clear()
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        state = self.get_pseudo_class_state()
        if state != self._pseudo_state:  # focus changes the cursor and the background
            self._pseudo_state = state
            self._palette = None
            self._strips.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = round(self.scroll_offset.x), round(self.scroll_offset.y)
        row = -1 if y == 0 else scroll_y + y - 1
        if self._palette is None:
            self._palette = build_palette(self)
        table = self._table
        if row >= table.row_count or not table.columns:
            return Strip.blank(width, self._palette.base)
        cursor, hover = table.cursor, self._hover
        if table.cursor_type == "row":
            mark: object = row == cursor[0]
            hover_mark: object = hover is not None and hover[0] == row
        else:
            mark = cursor[1] if row == cursor[0] else None
            hover_mark = hover[1] if hover is not None and hover[0] == row else None
        key = (row, scroll_x, width, mark, hover_mark, self._generation)
        strip = self._strips.get(key)
        if strip is None:
            strip = paint_line(table, row, scroll_x, width, self._palette, hover,
                               self.app.console)
            self._strips[key] = strip
        return strip

    def on_resize(self, event: events.Resize) -> None:
        self.scroll_to_cursor()
