"""The transcript pane: one document, its codings, a cursor and a selection, drawn line by line.

A Line-API widget (``ScrollView`` + ``render_line``): only the rows on screen are painted, each
row's strip is kept in an LRU cache keyed by what decides its look (row, width, the document and
palette generation, the version of its line's codings, and the cursor, selection and current
search match as far as they fall on that row), so a cursor move repaints two rows and a
selection step the rows between the old and the new cursor. Wrapping is computed once per width
(:mod:`transcript_layout`), codings are indexed by line (:mod:`transcript_marks`), rows are
painted by :mod:`transcript_render`, and keys and the mouse move the cursor and the selection
through :mod:`transcript_motion`.

Offsets are code points of the document's normalised text, half-open (SPEC §2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.core.model import Coding, Document
from workbench.core.text import line_of
from workbench.tui.widgets.transcript_layout import TextLayout, starts_of_lines
from workbench.tui.widgets.transcript_marks import CodingIndex, Matches, Turns
from workbench.tui.widgets.transcript_motion import TranscriptMotion
from workbench.tui.widgets.transcript_render import (
    Palette,
    RowState,
    build_palette,
    gutter_width,
    paint_row,
    paint_spacer,
)

_FALLBACK_WIDTH = 80
_INCREMENTAL_LIMIT = 200  # set_codings: more differences than this rebuild the index


class TranscriptView(TranscriptMotion, ScrollView, can_focus=True, inherit_bindings=False):
    """A document with its codings; keys move a cursor and extend a selection."""

    DEFAULT_CSS = """
    TranscriptView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        background: $surface;
        color: $foreground;
        & > .transcript--gutter { color: $foreground 40%; }
        & > .transcript--gutter-current { color: $accent; text-style: bold; }
        & > .transcript--cursor {
            background: $input-cursor-background;
            color: $input-cursor-foreground;
            text-style: bold;
        }
        &:light > .transcript--cursor { background: $foreground 75%; color: $background; }
        &:ansi > .transcript--cursor { text-style: reverse bold; }
        & > .transcript--cursor-blurred { text-style: underline; }
        & > .transcript--selection {
            background: $input-selection-background;
            color: $input-selection-foreground;
        }
        & > .transcript--match { background: $warning 35%; }
        & > .transcript--match-current { background: $warning 80%; color: $text; text-style: bold; }
        & > .transcript--speaker-1 { color: $text-primary; text-style: bold; }
        & > .transcript--speaker-2 { color: $text-success; text-style: bold; }
        & > .transcript--speaker-3 { color: $text-accent; text-style: bold; }
        & > .transcript--rule { color: $foreground 25%; }
        &:ansi > .transcript--selection { background: ansi_blue; color: ansi_bright_white; }
    }
    """

    COMPONENT_CLASSES = {
        "transcript--gutter",
        "transcript--gutter-current",
        "transcript--cursor",
        "transcript--cursor-blurred",
        "transcript--selection",
        "transcript--match",
        "transcript--match-current",
        "transcript--speaker-1",
        "transcript--speaker-2",
        "transcript--speaker-3",
        "transcript--rule",
    }

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor_up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor_down"),
        Binding("left", "cursor_left", "Left", show=False, id="cursor_left"),
        Binding("right", "cursor_right", "Right", show=False, id="cursor_right"),
        Binding("left_square_bracket", "previous_paragraph", "Prev turn", show=False,
                id="previous_paragraph"),
        Binding("right_square_bracket", "next_paragraph", "Next turn", id="next_paragraph"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("home", "line_start", "Line start", show=False, id="line_start"),
        Binding("end", "line_end", "Line end", show=False, id="line_end"),
        Binding("v", "toggle_selection", "Select", id="toggle_selection"),
        Binding("shift+left", "select_left", "Select left", show=False, id="select_left"),
        Binding("shift+right", "select_right", "Select right", show=False, id="select_right"),
        Binding("shift+up", "select_up", "Select up", show=False, id="select_up"),
        Binding("shift+down", "select_down", "Select down", show=False, id="select_down"),
        Binding("escape", "cancel_selection", "Cancel", id="cancel_selection"),
        Binding("n", "next_coding", "Next coded", id="next_coding"),
        Binding("N,shift+n", "previous_coding", "Prev coded", show=False, id="previous_coding"),
        Binding("ctrl+n", "next_match", "Next match", id="next_match"),
        Binding("ctrl+b", "previous_match", "Prev match", show=False, id="previous_match"),
    ]

    class CursorMoved(Message):
        """The cursor moved to ``offset``."""

        def __init__(self, offset: int, view: TranscriptView | None = None) -> None:
            super().__init__()
            self.offset = offset
            self.view = view

        @property
        def control(self) -> TranscriptView | None:
            return self.view

    class SelectionChanged(Message):
        """The selection is now ``selection`` (half-open, start < end) or ``None``."""

        def __init__(
            self, selection: tuple[int, int] | None, view: TranscriptView | None = None
        ) -> None:
            super().__init__()
            self.selection = selection
            self.view = view

        @property
        def control(self) -> TranscriptView | None:
            return self.view

    #: Paint codings in their own colours instead of blending them into the background (done
    #: by itself in a 16-colour terminal or with an ANSI theme; tests set it to see that look).
    force_strong_colors = False

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._document: Document | None = None
        self._text = ""
        self._lines: list[str] = [""]
        self._line_starts: list[int] = [0]
        self._index = CodingIndex(self._line_starts)
        self._matches = Matches()
        self._cursor = 0
        self._anchor: int | None = None
        self._selecting = False  # `v` mode: plain movement extends the selection
        self._goal_cell: int | None = None
        self._layout: TextLayout | None = None
        self._turns = Turns(None, self._lines, self._line_starts)
        self._generation = 0
        self._line_versions: dict[int, int] = {}
        self._strips: LRUCache[tuple, Strip] = LRUCache(2048)
        self._palette: Palette | None = None

    # ================================================================== public interface

    @property
    def document(self) -> Document | None:
        """The document shown, or ``None``."""
        return self._document

    @property
    def cursor(self) -> int:
        """The cursor offset (``0 <= cursor <= len(text)``)."""
        return self._cursor

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected span, half-open with start < end, or ``None``."""
        anchor = self._anchor
        if anchor is None or anchor == self._cursor:
            return None
        return (anchor, self._cursor) if anchor < self._cursor else (self._cursor, anchor)

    @property
    def selecting(self) -> bool:
        """True while a selection is being made (after `v` or a shift+arrow)."""
        return self._anchor is not None

    @property
    def layout(self) -> TextLayout | None:
        """The current wrapping (for tests and tools)."""
        return self._layout

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_match(self) -> tuple[int, int] | None:
        """The span of the current search match."""
        if self._matches.current is None:
            return None
        return self._matches.spans[self._matches.current]

    def show(
        self,
        document: Document,
        codings: Sequence[Coding],
        colors: Mapping[str, str],
        *,
        cursor: int = 0,
    ) -> None:
        """Display ``document`` with its ``codings`` (``colors``: code id -> "#rrggbb")."""
        had_selection = self.selection is not None
        self._document = document
        self._text = text = document.text
        self._lines = text.split("\n")
        self._line_starts = starts_of_lines(self._lines)
        self._matches = Matches()
        self._anchor = None
        self._selecting = False
        self._goal_cell = None
        self._turns = Turns(document, self._lines, self._line_starts)
        self._fill_index(codings, colors)
        self._cursor = min(max(cursor, 0), len(text))
        self._layout = None
        self._bump()
        self._build_layout()
        if self.is_mounted:
            self.scroll_to(y=0, animate=False, immediate=True)
            self._scroll_to_cursor(center=True)
        self.refresh()
        self.refresh_bindings()
        self.post_message(self.CursorMoved(self._cursor, self))
        if had_selection:
            self.post_message(self.SelectionChanged(None, self))

    def set_codings(self, codings: Sequence[Coding], colors: Mapping[str, str]) -> None:
        """Replace every coding (after an undo, a merge, a recolour...).

        Cheap when little changed: codings that are the same objects with the same colour are
        kept, the others are removed and added one by one (only their lines are repainted);
        past a few hundred differences the index is rebuilt and everything repainted.
        """
        doc_id = self._document.id if self._document is not None else None
        index = self._index
        wanted: dict[str, tuple[Coding, str]] = {
            c.id: (c, colors.get(c.id) or colors.get(c.code, "#888888"))  # per coding first
            for c in codings
            if c.document == doc_id
        }
        gone = [cid for cid in index.codings if cid not in wanted]
        new = [(c, color) for c, color in wanted.values() if not index.is_current(c, color)]
        if len(gone) + len(new) > _INCREMENTAL_LIMIT:
            self._fill_index(codings, colors)
            self._bump()
            self.refresh()
            return
        for cid in gone:
            self.remove_coding(cid)
        for coding, color in new:
            self.add_coding(coding, color)

    def add_coding(self, coding: Coding, color: str) -> None:
        """Show one more coding (cheap: only the lines it touches are repainted)."""
        if self._document is None or coding.document != self._document.id:
            return
        first, last = self._index.add(coding, color)
        self._touch_lines(first, last)

    def remove_coding(self, coding_id: str) -> None:
        """Stop showing a coding."""
        lines = self._index.remove(coding_id)
        if lines is not None:
            self._touch_lines(*lines)

    def codings_at(self, offset: int | None = None) -> list[Coding]:
        """Codings covering ``offset`` (default: the cursor), innermost first."""
        if self._document is None:
            return []
        return self._index.at(self._cursor if offset is None else offset)

    def line_number(self, offset: int) -> int:
        """The 1-based text line holding ``offset`` (for citing)."""
        return line_of(self._line_starts, min(max(offset, 0), len(self._text))) + 1

    def current_paragraph(self) -> tuple[int, int]:
        """The paragraph (speaker turn) holding the cursor, without its line break.

        A cursor outside every paragraph (on a blank line) gives that line: an empty span.
        """
        cursor = self._cursor
        found = self._turns.paragraph_at(cursor)
        if found is not None:
            return found
        line = line_of(self._line_starts, cursor)
        start = self._line_starts[line]
        return start, start + len(self._lines[line])

    def selection_or_paragraph(self) -> tuple[int, int]:
        """The selection, else the current paragraph."""
        return self.selection or self.current_paragraph()

    def set_search(self, pattern: str, *, case_sensitive: bool = False) -> int:
        """Highlight every occurrence of ``pattern`` (literal text); go to the first at or
        after the cursor. Returns the number of matches; an empty pattern clears the search."""
        self._matches = Matches.find(self._text, pattern, case_sensitive=case_sensitive)
        self._bump()
        self.refresh()
        self.refresh_bindings()
        first = self._matches.first_from(self._cursor)
        if first is not None:
            self._go_to_match(first)
        return len(self._matches)

    def clear_search(self) -> None:
        self.set_search("")

    # ================================================================== indexes

    def _fill_index(self, codings: Sequence[Coding], colors: Mapping[str, str]) -> None:
        index = CodingIndex(self._line_starts)
        doc_id = self._document.id if self._document is not None else None
        for coding in codings:
            if coding.document == doc_id:
                index.add(coding, colors.get(coding.id) or colors.get(coding.code, "#888888"))
        self._index = index

    def _bump(self) -> None:
        """Everything must be painted again (new document, codings, search or theme)."""
        self._generation += 1
        self._line_versions.clear()
        self._strips.clear()

    def _touch_lines(self, first: int, last: int) -> None:
        versions = self._line_versions
        for line in range(first, last + 1):
            versions[line] = versions.get(line, 0) + 1
        layout = self._layout
        if layout is not None and self.is_mounted:
            # the spacer above a line shows the stripes of codings running into it
            first_row = layout.first_row(first) - layout.has_spacer(first)
            self._refresh_rows(first_row, layout.last_row(last))

    # ================================================================== layout

    def _text_width(self, size: Size | None = None) -> int:
        if size is not None:  # the size the view is being given
            width = size.width - self.styles.gutter.width - self.scrollbar_gutter.width
        else:
            width = self.scrollable_content_region.width if self.is_mounted else 0
        return width if width > 0 else _FALLBACK_WIDTH

    def _build_layout(self, size: Size | None = None) -> None:
        if self._document is None:
            return
        width = self._text_width(size)
        wrap = max(4, width - gutter_width(len(self._line_starts)) - 1)
        if self._layout is not None and self._layout.width == wrap:
            return
        self._layout = TextLayout(
            self._text, wrap, self._turns.spacers, lines=self._lines,
            line_starts=self._line_starts,
        )
        self._strips.clear()
        virtual_size = Size(width, self._layout.row_count)
        if size is None:
            self.virtual_size = virtual_size
        else:  # within Textual's layout pass (as Widget._size_updated does it)
            self.set_reactive(ScrollView.virtual_size, virtual_size)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Wrap the text for the new width here, inside Textual's layout pass, so the frame
        # painted right after it shows the right wrapping and scrollbar: the Resize event
        # arrives after that frame, and the first frame of the app showed the text wrapped for
        # a guessed width, then laid everything out and painted it all again.
        before = self._layout
        top_offset = None
        if before is not None and self._size.width > 0:
            top_offset = before.offset_at(round(self.scroll_offset.y), 0)
        if size.width > 0 and (before is None or size.width != self._size.width):
            self._build_layout(size)  # only a new width wraps the text differently
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if self._layout is not None and self._layout is not before:
            self._after_relayout(top_offset)
        return changed

    def _after_relayout(self, top_offset: int | None) -> None:
        """Keep the top line (if there was one) and the cursor in view after rewrapping."""
        if top_offset is not None:
            self.scroll_to(y=self._layout.locate(top_offset)[0], animate=False, immediate=True)
        self._scroll_to_cursor(center=True)

    def on_resize(self, event: events.Resize) -> None:
        layout = self._layout
        top_offset = None
        if layout is not None:
            top_offset = layout.offset_at(round(self.scroll_offset.y), 0)
        self._build_layout()
        if self._layout is not None and self._layout is not layout:
            self._after_relayout(top_offset)

    def on_mount(self) -> None:
        self._build_layout()
        self._scroll_to_cursor(center=True)

    # ================================================================== painting

    def notify_style_update(self) -> None:
        self._palette = None
        self._strips.clear()
        super().notify_style_update()

    def on_focus(self, event: events.Focus) -> None:
        self._refresh_span(self._cursor, self._cursor)

    def on_blur(self, event: events.Blur) -> None:
        self._refresh_span(self._cursor, self._cursor)

    def _get_palette(self) -> Palette:
        if self._palette is None:
            self._palette = build_palette(self, strong=self.force_strong_colors)
        return self._palette

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self._layout
        row = round(self.scroll_offset.y) + y
        if layout is None or row >= layout.row_count or width <= 0:
            return Strip.blank(max(width, 0), self.rich_style)
        line, k = layout.row_at(row)
        version = self._line_versions.get(line, 0)
        if k < 0:
            key: tuple = (line, -1, width, self._generation, version)
            strip = self._strips.get(key)
            if strip is None:
                strip = paint_spacer(layout, line, width, self._get_palette(),
                                     self._index.on_line(line), self._index.color_of)
                self._strips[key] = strip
            return strip
        start, end = layout.row_span(line, k)
        last = layout.is_last_row(line, k)
        reach = end + 1 if last else end
        cursor = self._cursor
        on_row = cursor if start <= cursor < reach else None
        focused = self.has_focus if on_row is not None else None
        cursor_line = k == 0 and layout.line_of(cursor) == line
        selection = self.selection
        sel_key = None
        if selection is not None and selection[0] < reach and selection[1] > start:
            sel_key = (max(selection[0], start), min(selection[1], reach))
        current = self.current_match
        match_key = current if current and current[0] < reach and current[1] > start else None
        key = (line, k, width, self._generation, version, on_row, focused, cursor_line,
               sel_key, match_key)
        strip = self._strips.get(key)
        if strip is None:
            state = RowState(
                codings=self._index.on_line(line),
                color_of=self._index.color_of,
                matches=self._matches.within(start, end),
                selection=selection,
                cursor=on_row,
                cursor_line=cursor_line,
                focused=bool(focused),
                speaker=self._turns.speakers.get(line),
            )
            strip = paint_row(layout, line, k, width, self._get_palette(), state)
            self._strips[key] = strip
        return strip

    def _refresh_span(self, start: int, end: int) -> None:
        """Repaint the visible rows from the line of ``start`` to the row of ``end``."""
        layout = self._layout
        if layout is None or not self.is_mounted:
            return
        first = layout.first_row(layout.line_of(start))
        last = layout.locate(end)[0]
        self._refresh_rows(first, last)

    def _refresh_rows(self, first: int, last: int) -> None:
        top = round(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        first = max(first, top)
        last = min(last, top + height - 1)
        if first <= last:
            self.refresh_lines(first, last - first + 1)
