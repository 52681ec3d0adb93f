"""Moving the transcript's cursor and selection: the key actions, the mouse and their helpers.

:class:`TranscriptMotion` is a mixin of :class:`~workbench.tui.widgets.transcript.TranscriptView`
(which keeps the bindings, the state and the painting): it reads and sets the view's cursor,
anchor and goal column, scrolls the cursor into view, repaints the rows that changed and posts
``CursorMoved`` and ``SelectionChanged``.

Offsets are code points of the document's normalised text, half-open (SPEC §2).
"""

from __future__ import annotations

from textual import events
from textual.actions import SkipAction

from workbench.core.text import line_of
from workbench.tui.widgets.transcript_render import gutter_width


class TranscriptMotion:
    """Cursor and selection movement for :class:`TranscriptView` (mixed in before ScrollView)."""

    # ================================================================== moving on request

    def move_cursor(self, offset: int, *, select: bool = False) -> None:
        """Put the cursor at ``offset`` and scroll it into view.

        With ``select`` the selection is extended to it (started at the old cursor if there was
        none); without, any selection is dropped.
        """
        if select:
            anchor = self._cursor if self._anchor is None else self._anchor
            self._set_cursor(offset, anchor=anchor, center=True)
        else:
            self._selecting = False
            self._set_cursor(offset, anchor=None, center=True)

    def clear_selection(self) -> None:
        """Drop the selection (and leave selection mode)."""
        self._selecting = False
        self._set_cursor(self._cursor, anchor=None)

    def next_match(self) -> None:
        """Go to the next search match (wrapping around)."""
        self._go_to_match(self._matches.after(self._cursor))

    def previous_match(self) -> None:
        """Go to the previous search match (wrapping around)."""
        self._go_to_match(self._matches.before(self._cursor))

    # ================================================================== actions

    def action_cursor_left(self) -> None:
        self._move(self._cursor - 1, extend=self._selecting)

    def action_cursor_right(self) -> None:
        self._move(self._cursor + 1, extend=self._selecting)

    def action_cursor_up(self) -> None:
        self._move_rows(-1, extend=self._selecting)

    def action_cursor_down(self) -> None:
        self._move_rows(1, extend=self._selecting)

    def action_select_left(self) -> None:
        self._move(self._cursor - 1, extend=True)

    def action_select_right(self) -> None:
        self._move(self._cursor + 1, extend=True)

    def action_select_up(self) -> None:
        self._move_rows(-1, extend=True)

    def action_select_down(self) -> None:
        self._move_rows(1, extend=True)

    def action_line_start(self) -> None:
        line = line_of(self._line_starts, self._cursor)
        self._move(self._line_starts[line], extend=self._selecting)

    def action_line_end(self) -> None:
        line = line_of(self._line_starts, self._cursor)
        self._move(self._line_starts[line] + len(self._lines[line]), extend=self._selecting)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_page_down(self) -> None:
        self._page(1)

    def action_next_paragraph(self) -> None:
        found = self._turns.next_start(self._cursor)
        if found is not None:
            self._move(found, extend=self._selecting, center=True)

    def action_previous_paragraph(self) -> None:
        found = self._turns.previous_start(self._cursor)
        if found is not None:
            self._move(found, extend=self._selecting, center=True)

    def action_toggle_selection(self) -> None:
        if self._anchor is not None:
            self.clear_selection()
        else:
            self._selecting = True
            self._set_cursor(self._cursor, anchor=self._cursor)

    def action_cancel_selection(self) -> None:
        if self._anchor is None:
            raise SkipAction()
        self.clear_selection()

    def action_next_coding(self) -> None:
        found = self._index.next_start(self._cursor)
        if found is not None:
            self._move(found, extend=self._selecting, center=True)

    def action_previous_coding(self) -> None:
        found = self._index.previous_start(self._cursor)
        if found is not None:
            self._move(found, extend=self._selecting, center=True)

    def action_next_match(self) -> None:
        self.next_match()

    def action_previous_match(self) -> None:
        self.previous_match()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_selection":
            return self._anchor is not None
        if action in ("next_match", "previous_match"):
            return bool(self._matches.spans)
        return True

    # ================================================================== moving

    def _move(self, offset: int, *, extend: bool, center: bool = False) -> None:
        self._goal_cell = None
        anchor = (self._cursor if self._anchor is None else self._anchor) if extend else None
        if not extend:
            self._selecting = False
        self._set_cursor(offset, anchor=anchor, center=center)

    def _move_rows(self, delta: int, *, extend: bool) -> None:
        layout = self._layout
        if layout is None:
            return
        row, cell = layout.locate(self._cursor)
        goal = cell if self._goal_cell is None else self._goal_cell
        target = row + delta
        if 0 <= target < layout.row_count and layout.row_at(target)[1] < 0:
            target += 1 if delta > 0 else -1  # step over a spacer row
        if target < 0:
            offset = 0
        elif target >= layout.row_count:
            offset = len(self._text)
        else:
            offset = layout.offset_at(target, goal)
        anchor = (self._cursor if self._anchor is None else self._anchor) if extend else None
        if not extend:
            self._selecting = False
        self._set_cursor(offset, anchor=anchor)
        self._goal_cell = goal

    def _page(self, direction: int) -> None:
        layout = self._layout
        if layout is None:
            return
        height = max(self.scrollable_content_region.height, 1)
        row, cell = layout.locate(self._cursor)
        goal = cell if self._goal_cell is None else self._goal_cell
        top = round(self.scroll_offset.y)
        self.scroll_to(y=max(0, top + direction * height), animate=False, immediate=True)
        target = min(max(row + direction * height, 0), layout.row_count - 1)
        if layout.row_at(target)[1] < 0:
            target += 1
        offset = layout.offset_at(target, goal)
        if direction > 0 and target == layout.row_count - 1 and row == target:
            offset = len(self._text)
        elif direction < 0 and row == 0:
            offset = 0
        extend = self._selecting
        anchor = (self._cursor if self._anchor is None else self._anchor) if extend else None
        self._set_cursor(offset, anchor=anchor)
        self._goal_cell = goal

    def _go_to_match(self, index: int | None) -> None:
        if index is None:
            return
        old = self.current_match
        self._matches.current = index
        new = self.current_match
        for span in (old, new):
            if span is not None:
                self._refresh_span(span[0], span[1])
        self._move(new[0], extend=self._selecting, center=True)

    def _set_cursor(self, offset: int, *, anchor: int | None, center: bool = False) -> None:
        if self._document is None:
            return
        offset = min(max(offset, 0), len(self._text))
        old_cursor = self._cursor
        old_selection = self.selection
        old_anchor = self._anchor
        self._cursor = offset
        self._anchor = anchor
        selection = self.selection
        self._goal_cell = None
        self._refresh_span(old_cursor, old_cursor)
        self._refresh_span(offset, offset)
        if selection != old_selection:
            before = set(old_selection or ())
            after = set(selection or ())
            changed = before ^ after  # the ends that moved; rows between them change
            if changed:
                self._refresh_span(min(changed), max(changed))
        self._scroll_to_cursor(center=center)
        if (old_anchor is None) != (anchor is None):
            self.set_class(anchor is not None, "-selecting")
            self.refresh_bindings()
        if offset != old_cursor:
            self.post_message(self.CursorMoved(offset, self))
        if selection != old_selection:
            self.post_message(self.SelectionChanged(selection, self))

    def _scroll_to_cursor(self, *, center: bool = False) -> None:
        layout = self._layout
        if layout is None or not self.is_mounted:
            return
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        row, _ = layout.locate(self._cursor)
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
        cell = x - gutter_width(layout.line_count)
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
            self._selecting = False
            self._set_cursor(offset, anchor=offset)
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self.app.mouse_captured is not self or self._anchor is None:
            return
        offset = self._offset_at_mouse(event)
        if offset is not None:
            self._set_cursor(offset, anchor=self._anchor)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self.app.mouse_captured is self:
            self.release_mouse()
        if self._anchor is not None and self._anchor == self._cursor and not self._selecting:
            self._set_cursor(self._cursor, anchor=None)
