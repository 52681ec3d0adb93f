"""The transcript's caret: the cursor, the selection's anchor, ``v`` mode and the goal column,
the selection as it is used (without whitespace at its edges, snapped to whole words unless
that is turned off), and where the movement keys take the cursor: rows and pages, words and
sentences (:mod:`workbench.core.words`).

A :class:`Caret` only keeps and changes these numbers; the view
(:class:`~workbench.tui.widgets.transcript.TranscriptView`) owns one, asks it where a key
goes, and does what follows a move: repainting the rows that changed, scrolling, and posting
``CursorMoved`` and ``SelectionChanged``.

Offsets are code points of the document's normalised text, half-open.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.words import (
    is_word_end,
    next_sentence_start,
    next_word_end,
    next_word_start,
    previous_sentence_start,
    previous_word_start,
    snap_to_words,
    trim_whitespace,
)
from workbench.tui.widgets.transcript_layout import TextLayout


@dataclass(frozen=True, slots=True)
class Moved:
    """What a caret was before a move: the view repaints from it and tells the screen."""

    cursor: int
    selection: tuple[int, int] | None
    anchored: bool  # a selection was being made (an anchor was set)


@dataclass(slots=True)
class Caret:
    """The cursor offset, the selection's anchor (``None``: no selection), whether plain
    movement extends the selection (``v`` mode), the column vertical moves aim for, the text
    they move in and whether a selection snaps to whole words."""

    cursor: int = 0
    anchor: int | None = None
    selecting: bool = False
    goal_cell: int | None = None
    text: str = ""
    snap: bool = True

    @property
    def swept(self) -> tuple[int, int] | None:
        """The span between the anchor and the cursor as the keys or the mouse swept it
        (start < end), or ``None``."""
        anchor = self.anchor
        if anchor is None or anchor == self.cursor:
            return None
        return (anchor, self.cursor) if anchor < self.cursor else (self.cursor, anchor)

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected span, half-open with start < end, or ``None``: what was swept, without
        whitespace at its edges and, with :attr:`snap`, grown to whole words. A sweep of only
        whitespace selects nothing."""
        swept = self.swept
        if swept is None:
            return None
        start, end = (snap_to_words if self.snap else trim_whitespace)(self.text, *swept)
        return (start, end) if start < end else None

    def reset(self, cursor: int, text: str | None = None) -> None:
        """A new document (``text``, when given): the cursor at ``cursor``, no selection."""
        if text is not None:
            self.text = text
        self.cursor = cursor
        self.anchor = None
        self.selecting = False
        self.goal_cell = None

    def anchor_for(self, extend: bool) -> int | None:
        """The anchor a move keeps: when extending, the anchor (or the cursor, which starts
        a selection); otherwise none, and ``v`` mode ends."""
        if not extend:
            self.selecting = False
            return None
        return self.cursor if self.anchor is None else self.anchor

    def place(self, offset: int, anchor: int | None) -> Moved:
        """Put the cursor at ``offset`` with ``anchor``; returns what it was before."""
        before = Moved(self.cursor, self.selection, self.anchor is not None)
        self.cursor = offset
        self.anchor = anchor
        self.goal_cell = None
        return before

    def row_target(self, layout: TextLayout, delta: int, text_length: int) -> tuple[int, int]:
        """Where ``delta`` rows up or down takes the cursor (stepping over spacer rows), at
        the goal column; returns the offset and the goal column to keep."""
        row, cell = layout.locate(self.cursor)
        goal = cell if self.goal_cell is None else self.goal_cell
        target = row + delta
        if 0 <= target < layout.row_count and layout.row_at(target)[1] < 0:
            target += 1 if delta > 0 else -1  # step over a spacer row
        if target < 0:
            return 0, goal
        if target >= layout.row_count:
            return text_length, goal
        return layout.offset_at(target, goal), goal

    def page_target(
        self, layout: TextLayout, direction: int, height: int, text_length: int
    ) -> tuple[int, int]:
        """Where a page (``height`` rows) down (``direction`` 1) or up (-1) takes the cursor,
        at the goal column; the last page ends at the end, the first at the start."""
        row, cell = layout.locate(self.cursor)
        goal = cell if self.goal_cell is None else self.goal_cell
        target = min(max(row + direction * height, 0), layout.row_count - 1)
        if layout.row_at(target)[1] < 0:
            target += 1
        offset = layout.offset_at(target, goal)
        if direction > 0 and target == layout.row_count - 1 and row == target:
            offset = text_length
        elif direction < 0 and row == 0:
            offset = 0
        return offset, goal

    # ------------------------------------------------------------------ words and sentences
    def word_target(self, step: int) -> int:
        """Where ``w`` (``step`` 1: the start of the next word) or ``b`` (-1: the start of this
        word, or of the one before) takes the cursor."""
        if step > 0:
            return next_word_start(self.text, self.cursor)
        return previous_word_start(self.text, self.cursor)

    def word_end_target(self, extend: bool) -> int:
        """Where ``e`` takes the cursor: onto the last character of the next word's end, or,
        while a selection is being extended, just after it (so the selection holds the whole
        word). With no word left, the end of the text."""
        text = self.text
        if extend:
            return next_word_end(text, self.cursor - 1)
        end = next_word_end(text, self.cursor)
        return end - 1 if is_word_end(text, end) else len(text)

    def sentence_target(self, step: int) -> int:
        """Where ``)`` (``step`` 1: the next sentence's start) or ``(`` (-1: this sentence's
        start, or the one before) takes the cursor."""
        if step > 0:
            return next_sentence_start(self.text, self.cursor)
        return previous_sentence_start(self.text, self.cursor)
