"""The transcript pane: one document, its codings, a cursor and a selection, drawn line by line.

A Line-API widget (``ScrollView`` + ``render_line``): only the rows on screen are painted, each
row's strip is kept in an LRU cache keyed by what decides its look (row, width, the document and
palette generation, the version of its line's codings, and the cursor, selection and current
search match as far as they fall on that row), so a cursor move repaints two rows and a
selection step the rows between the old and the new cursor. Wrapping is computed once per width
(:mod:`transcript_layout`), codings are indexed by line (:mod:`transcript_marks`), rows are
painted by :mod:`transcript_render`, and the cursor and the selection are a
:class:`~workbench.tui.widgets.transcript_caret.Caret` the keys and the mouse move. The keys
move by character, row, page, word, sentence, speaker turn (to the start of its words, after
the label), line and to either end of the document.

Offsets are code points of the document's normalised text, half-open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.core.model import Coding, Document
from workbench.core.text import line_of
from workbench.core.turns import Turns, turns_of
from workbench.core.words import trim_whitespace
from workbench.tui.textual_compat import SizedInLayoutScrollView
from workbench.tui.widgets.transcript_caret import Caret
from workbench.tui.widgets.transcript_layout import TextLayout, starts_of_lines
from workbench.tui.widgets.transcript_marks import CodingIndex, Matches, TurnMarks
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


class TranscriptView(SizedInLayoutScrollView, can_focus=True, inherit_bindings=False):
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
        Binding("w,ctrl+right", "word(1)", "Next word", show=False, id="next_word"),
        Binding("b,ctrl+left", "word(-1)", "Word start / previous word", show=False,
                id="previous_word"),
        Binding("e", "word_end", "Word end", show=False, id="word_end"),
        Binding("right_parenthesis", "sentence(1)", "Next sentence", show=False,
                id="next_sentence"),
        Binding("left_parenthesis", "sentence(-1)", "Sentence start / previous sentence",
                show=False, id="previous_sentence"),
        Binding("left_square_bracket", "turn(-1)", "Previous turn (its words)", show=False,
                id="previous_turn"),
        Binding("right_square_bracket", "turn(1)", "Next turn", id="next_turn"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("home", "line_start", "Line start", show=False, id="line_start"),
        Binding("end", "line_end", "Line end", show=False, id="line_end"),
        Binding("ctrl+home", "document_start", "Start of the document", show=False,
                id="document_start"),
        Binding("G,shift+g,ctrl+end", "document_end", "End of the document", show=False,
                id="document_end"),
        Binding("v", "toggle_selection", "Select", id="toggle_selection"),
        Binding("shift+left", "select_left", "Select left", show=False, id="select_left"),
        Binding("shift+right", "select_right", "Select right", show=False, id="select_right"),
        Binding("shift+up", "select_up", "Select up", show=False, id="select_up"),
        Binding("shift+down", "select_down", "Select down", show=False, id="select_down"),
        Binding("W,shift+w,ctrl+shift+right", "word(1, True)", "Select to the next word",
                show=False, id="select_next_word"),
        Binding("B,shift+b,ctrl+shift+left", "word(-1, True)", "Select to the previous word",
                show=False, id="select_previous_word"),
        Binding("E,shift+e", "word_end(True)", "Select to the word end", show=False,
                id="select_word_end"),
        Binding("shift+home", "line_start(True)", "Select to the line start", show=False,
                id="select_line_start"),
        Binding("shift+end", "line_end(True)", "Select to the line end", show=False,
                id="select_line_end"),
        Binding("ctrl+shift+home", "document_start(True)", "Select to the start", show=False,
                id="select_document_start"),
        Binding("ctrl+shift+end", "document_end(True)", "Select to the end", show=False,
                id="select_document_end"),
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
        snap_to_words: bool = True,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        #: called at once when the cursor or the selection moved (the screen shows the status
        #: line in the same frame as the cursor; the messages arrive a frame later)
        self.caret_moved: Callable[[], None] | None = None
        self._document: Document | None = None
        self._text = ""
        self._lines: list[str] = [""]
        self._line_starts: list[int] = [0]
        self._index = CodingIndex(self._line_starts)
        self._matches = Matches()
        self.caret = Caret(snap=snap_to_words)
        self._layout: TextLayout | None = None
        self._turns: Turns | None = None
        self._marks = TurnMarks(None, self._lines, self._line_starts)
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
        return self.caret.cursor

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected span, half-open with start < end, or ``None``."""
        return self.caret.selection

    @property
    def selecting(self) -> bool:
        """True while a selection is being made (after `v` or a shift+arrow)."""
        return self.caret.anchor is not None

    @property
    def turns(self) -> Turns | None:
        """The speaker turns of the document shown."""
        return self._turns

    @property
    def line_count(self) -> int:
        """How many text lines the document has."""
        return len(self._line_starts)

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
        self._turns = turns_of(document)
        self._marks = TurnMarks(self._turns, self._lines, self._line_starts)
        self._fill_index(codings, colors)
        self.caret.reset(min(max(cursor, 0), len(text)), text)
        self._layout = None
        self._bump()
        self._build_layout()
        if self.is_mounted:
            self.scroll_to(y=0, animate=False, immediate=True)
            self._scroll_to_cursor(center=True)
        self.refresh()
        self.refresh_bindings()
        self.post_message(self.CursorMoved(self.caret.cursor, self))
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
        return self._index.at(self.caret.cursor if offset is None else offset)

    def line_number(self, offset: int) -> int:
        """The 1-based text line holding ``offset`` (for citing)."""
        return line_of(self._line_starts, min(max(offset, 0), len(self._text))) + 1

    def current_paragraph(self) -> tuple[int, int]:
        """The paragraph (speaker turn) holding the cursor, without its line break.

        A cursor outside every paragraph (on a blank line) gives that line: an empty span.
        """
        cursor = self.caret.cursor
        found = self._marks.paragraph_at(cursor)
        if found is not None:
            return found
        line = line_of(self._line_starts, cursor)
        start = self._line_starts[line]
        return start, start + len(self._lines[line])

    def current_turn(self) -> tuple[int, int]:
        """The words of the speaker turn holding the cursor: all its paragraphs, without its
        label or whitespace at the edges. Text without speaker labels (field notes) has no
        turns: there it is the paragraph. Empty on a blank line outside both."""
        turn = self._turns.at(self.caret.cursor) if self._turns is not None else None
        if turn is None or turn.speaker is None:
            start, end = self.current_paragraph()
        else:
            start, end = turn.utterance, turn.end
        start, end = trim_whitespace(self._text, start, end)
        return (start, end) if start < end else (self.caret.cursor, self.caret.cursor)

    def selection_or_turn(self) -> tuple[int, int]:
        """The selection, else the words of the current turn."""
        return self.selection or self.current_turn()

    def set_search(self, pattern: str, *, case_sensitive: bool = False) -> int:
        """Highlight every occurrence of ``pattern`` (literal text); go to the first at or
        after the cursor. Returns the number of matches; an empty pattern clears the search."""
        self._matches = Matches.find(self._text, pattern, case_sensitive=case_sensitive)
        self._bump()
        self.refresh()
        self.refresh_bindings()
        first = self._matches.first_from(self.caret.cursor)
        if first is not None:
            self._go_to_match(first)
        return len(self._matches)

    def clear_search(self) -> None:
        self.set_search("")

    # ================================================================== moving on request

    def move_cursor(self, offset: int, *, select: bool = False) -> None:
        """Put the cursor at ``offset`` and scroll it into view.

        With ``select`` the selection is extended to it (started at the old cursor if there was
        none); without, any selection is dropped.
        """
        self._set_cursor(offset, anchor=self.caret.anchor_for(select), center=True)

    def clear_selection(self) -> None:
        """Drop the selection (and leave selection mode)."""
        self._set_cursor(self.caret.cursor, anchor=self.caret.anchor_for(False))

    def go_to_line(self, number: int) -> None:
        """Put the cursor at the start of text line ``number`` (1-based, kept within the
        document)."""
        line = min(max(number, 1), len(self._line_starts)) - 1
        self._move(self._line_starts[line], extend=self.caret.selecting, center=True)

    def next_match(self) -> None:
        """Go to the next search match (wrapping around)."""
        self._go_to_match(self._matches.after(self.caret.cursor))

    def previous_match(self) -> None:
        """Go to the previous search match (wrapping around)."""
        self._go_to_match(self._matches.before(self.caret.cursor))

    # ================================================================== key actions

    def action_cursor_left(self) -> None:
        self._move(self.caret.cursor - 1, extend=self.caret.selecting)

    def action_cursor_right(self) -> None:
        self._move(self.caret.cursor + 1, extend=self.caret.selecting)

    def action_cursor_up(self) -> None:
        self._move_rows(-1, extend=self.caret.selecting)

    def action_cursor_down(self) -> None:
        self._move_rows(1, extend=self.caret.selecting)

    def action_select_left(self) -> None:
        self._move(self.caret.cursor - 1, extend=True)

    def action_select_right(self) -> None:
        self._move(self.caret.cursor + 1, extend=True)

    def action_select_up(self) -> None:
        self._move_rows(-1, extend=True)

    def action_select_down(self) -> None:
        self._move_rows(1, extend=True)

    def action_line_start(self, select: bool = False) -> None:
        line = line_of(self._line_starts, self.caret.cursor)
        self._move(self._line_starts[line], extend=select or self.caret.selecting)

    def action_line_end(self, select: bool = False) -> None:
        line = line_of(self._line_starts, self.caret.cursor)
        self._move(self._line_starts[line] + len(self._lines[line]),
                   extend=select or self.caret.selecting)

    def action_document_start(self, select: bool = False) -> None:
        self._move(0, extend=select or self.caret.selecting, center=True)

    def action_document_end(self, select: bool = False) -> None:
        self._move(len(self._text), extend=select or self.caret.selecting, center=True)

    def action_word(self, step: int, select: bool = False) -> None:
        self._move(self.caret.word_target(step), extend=select or self.caret.selecting)

    def action_word_end(self, select: bool = False) -> None:
        extend = select or self.caret.selecting
        self._move(self.caret.word_end_target(extend), extend=extend)

    def action_sentence(self, step: int) -> None:
        self._move(self.caret.sentence_target(step), extend=self.caret.selecting, center=True)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_page_down(self) -> None:
        self._page(1)

    def action_turn(self, step: int) -> None:
        """``]`` / ``[``: to the words of the next turn (from a turn's label: of the turn
        after it), or of this turn (else the one before); in text without speaker labels, by
        paragraph."""
        marks, cursor = self._marks, self.caret.cursor
        found = marks.next_stop(cursor) if step > 0 else marks.previous_stop(cursor)
        if found is not None:
            self._move(found, extend=self.caret.selecting, center=True)

    def action_toggle_selection(self) -> None:
        if self.caret.anchor is not None:
            self.clear_selection()
        else:
            self.caret.selecting = True
            self._set_cursor(self.caret.cursor, anchor=self.caret.cursor)

    def action_cancel_selection(self) -> None:
        if self.caret.anchor is None:
            raise SkipAction()
        self.clear_selection()

    def action_next_coding(self) -> None:
        found = self._index.next_start(self.caret.cursor)
        if found is not None:
            self._move(found, extend=self.caret.selecting, center=True)

    def action_previous_coding(self) -> None:
        found = self._index.previous_start(self.caret.cursor)
        if found is not None:
            self._move(found, extend=self.caret.selecting, center=True)

    def action_next_match(self) -> None:
        self.next_match()

    def action_previous_match(self) -> None:
        self.previous_match()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_selection":
            return self.caret.anchor is not None
        if action in ("next_match", "previous_match"):
            return bool(self._matches.spans)
        return True

    # ================================================================== moving

    def _move(self, offset: int, *, extend: bool, center: bool = False) -> None:
        self._set_cursor(offset, anchor=self.caret.anchor_for(extend), center=center)

    def _move_rows(self, delta: int, *, extend: bool) -> None:
        if self._layout is None:
            return
        offset, goal = self.caret.row_target(self._layout, delta, len(self._text))
        self._set_cursor(offset, anchor=self.caret.anchor_for(extend))
        self.caret.goal_cell = goal

    def _page(self, direction: int) -> None:
        if self._layout is None:
            return
        height = max(self.scrollable_content_region.height, 1)
        offset, goal = self.caret.page_target(self._layout, direction, height, len(self._text))
        top = round(self.scroll_offset.y)
        self.scroll_to(y=max(0, top + direction * height), animate=False, immediate=True)
        self._set_cursor(offset, anchor=self.caret.anchor_for(self.caret.selecting))
        self.caret.goal_cell = goal

    def _go_to_match(self, index: int | None) -> None:
        if index is None:
            return
        old = self.current_match
        self._matches.current = index
        new = self.current_match
        for span in (old, new):
            if span is not None:
                self._refresh_span(span[0], span[1])
        self._move(new[0], extend=self.caret.selecting, center=True)

    def _set_cursor(self, offset: int, *, anchor: int | None, center: bool = False) -> None:
        """Move the caret, repaint the rows that changed, scroll, and tell the screen."""
        if self._document is None:
            return
        offset = min(max(offset, 0), len(self._text))
        before = self.caret.place(offset, anchor)
        selection = self.caret.selection
        self._refresh_span(before.cursor, before.cursor)
        self._refresh_span(offset, offset)
        if selection != before.selection:
            changed = set(before.selection or ()) ^ set(selection or ())
            if changed:  # the ends that moved; the rows between them change
                self._refresh_span(min(changed), max(changed))
        self._scroll_to_cursor(center=center)
        if before.anchored != (anchor is not None):
            self.refresh_bindings()  # the footer offers "Cancel" while selecting
        if offset != before.cursor:
            self.post_message(self.CursorMoved(offset, self))
        if selection != before.selection:
            self.post_message(self.SelectionChanged(selection, self))
        if self.caret_moved is not None and (offset != before.cursor
                                             or selection != before.selection):
            self.caret_moved()  # in this frame, not after the messages' hops

    def _scroll_to_cursor(self, *, center: bool = False) -> None:
        layout = self._layout
        if layout is None or not self.is_mounted:
            return
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        row, _ = layout.locate(self.caret.cursor)
        line, k = layout.row_at(row)
        upper = row - 1 if k == 0 and layout.has_spacer(line) else row
        top = round(self.scroll_offset.y)
        if upper >= top and row < top + height:
            return
        far = row < top - height or row >= top + 2 * height
        if center and far:
            y = max(0, row - height // 2)
        elif row < top or upper < top:
            y = upper
        else:
            y = row - height + 1
        self.scroll_to(y=y, animate=False, immediate=True)

    # ================================================================== mouse

    def _offset_at_mouse(self, event: events.MouseEvent) -> int | None:
        layout = self._layout
        if layout is None:
            return None
        x, y = event.get_content_offset_capture(self)
        row = round(self.scroll_offset.y) + y
        if row >= layout.row_count:
            return len(self._text)
        cell = x - gutter_width(layout.line_count, self._marks.time_width)
        return layout.offset_at(max(row, 0), max(cell, 0))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1 or event.get_content_offset(self) is None:
            return
        offset = self._offset_at_mouse(event)
        if offset is None:
            return
        self.focus()
        if event.shift:
            self.move_cursor(offset, select=True)
        else:
            self.caret.selecting = False
            self._set_cursor(offset, anchor=offset)
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self.app.mouse_captured is not self or self.caret.anchor is None:
            return
        offset = self._offset_at_mouse(event)
        if offset is not None:
            self._set_cursor(offset, anchor=self.caret.anchor)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self.app.mouse_captured is self:
            self.release_mouse()
        caret = self.caret
        if caret.anchor is not None and caret.anchor == caret.cursor and not caret.selecting:
            self._set_cursor(caret.cursor, anchor=None)

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
        wrap = max(4, width - gutter_width(len(self._line_starts), self._marks.time_width) - 1)
        if self._layout is not None and self._layout.width == wrap:
            return
        self._layout = TextLayout(
            self._text, wrap, self._marks.spacers, lines=self._lines,
            line_starts=self._line_starts,
        )
        self._strips.clear()
        virtual_size = Size(width, self._layout.row_count)
        if size is None:
            self.virtual_size = virtual_size
        else:  # within Textual's layout pass (see size_changing)
            self.set_reactive(ScrollView.virtual_size, virtual_size)

    def size_changing(self, old: Size, new: Size) -> Callable[[], None] | None:
        # Wrap the text for the new width here, inside Textual's layout pass, so the frame
        # painted right after it shows the right wrapping and scrollbar: the Resize event
        # arrives after that frame, and the first frame of the app showed the text wrapped for
        # a guessed width, then laid everything out and painted it all again.
        before = self._layout
        top_offset = None
        if before is not None and old.width > 0:
            top_offset = before.offset_at(round(self.scroll_offset.y), 0)
        if new.width > 0 and (before is None or new.width != old.width):
            self._build_layout(new)  # only a new width wraps the text differently
        if self._layout is None or self._layout is before:
            return None
        return partial(self._after_relayout, top_offset)

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

    def watch_has_focus(self, has_focus: bool) -> None:
        """Nothing in the view's style depends on the focus, only the caret's row (repainted
        by on_focus/on_blur): Textual's own restyle of a widget gaining or losing the focus
        rebuilt the palette and repainted every row."""

    def on_focus(self, event: events.Focus) -> None:
        self._refresh_span(self.caret.cursor, self.caret.cursor)

    def on_blur(self, event: events.Blur) -> None:
        self._refresh_span(self.caret.cursor, self.caret.cursor)

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
                                     self._index.on_line(line), self._index.color_of,
                                     time_width=self._marks.time_width)
                self._strips[key] = strip
            return strip
        start, end = layout.row_span(line, k)
        last = layout.is_last_row(line, k)
        reach = end + 1 if last else end
        cursor = self.caret.cursor
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
                speaker=self._marks.speakers.get(line),
                label=self._marks.labels.get(line, 0),
                time=self._marks.times.get(line) if k == 0 else None,
                time_width=self._marks.time_width,
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
