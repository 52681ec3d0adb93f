"""The memo pane: the memo of whatever has focus, and the other memos of this document.

The pane follows the focus (a coding under the transcript cursor, else the document; the
highlighted code in the codebook) until the user starts writing in it. ``ctrl+s`` or leaving the
pane posts :class:`MemoPane.Save`; the main screen saves it (as one change, through the app).
Each edit posts :class:`MemoPane.Typed`: the screen saves a draft when typing stops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.events import DescendantBlur
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Label, TextArea

from workbench.tui import keymap
from workbench.tui.textual_compat import (
    ScrollViewSizedInPlace,
    TextAreaSizedInPlace,
    VerticalNotScrolled,
)
from workbench.tui.widgets.text_line import TextLine


@dataclass(slots=True, frozen=True)
class MemoTarget:
    """What a memo is written on, and how to say so."""

    kind: str  # "project" | "document" | "case" | "code" | "coding"
    target_id: str | None
    title: str  # "coding “Anger” on line 12"


#: What the memo pane shows: the target, the memo's id and text, the other memos (title, text).
_Shown = tuple[MemoTarget | None, str | None, str, list[tuple[str, str]]]


class TextLines(ScrollViewSizedInPlace):
    """Rich texts one below the other (a blank line between them), wrapped to the width, drawn
    line by line: a new list needs no layout pass (a Static in a scrolling container asked for
    one each time its height changed), and only the texts it did not show before are wrapped
    (after a change, most of the list is what it was). Its scrollbar is always there: one
    that came and went as the list began or stopped overflowing cost a layout pass of the
    screen."""

    DEFAULT_CSS = """
    TextLines {
        height: 1fr;
        max-height: 10;
        padding: 0 1;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.texts: tuple[Text, ...] = ()
        self._lines: list[Strip] = []
        self._width = 0
        #: each text shown, wrapped at ``_wrapped_width``, by its content
        self._wrapped: dict[tuple, list[Strip]] = {}
        self._wrapped_width = 0
        self._base = Style()  # the widget's style, for the lines being drawn

    def show(self, texts: Sequence[Text]) -> None:
        """Show ``texts`` from the start of the first."""
        self.texts = tuple(texts)
        self._width = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self._wrap()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        self._width = width
        if width != self._wrapped_width:
            self._wrapped, self._wrapped_width = {}, width
        console = self.app.console
        options = console.options.update_width(width)
        wrapped: dict[tuple, list[Strip]] = {}
        lines: list[Strip] = []
        for index, text in enumerate(self.texts):
            key = (text.plain, tuple(text.spans), text.style)
            strips = wrapped.get(key) or self._wrapped.get(key)
            if strips is None:
                strips = [Strip(line, width)
                          for line in console.render_lines(text, options, pad=True)]
            wrapped[key] = strips
            if index:
                lines.append(Strip.blank(width))
            lines.extend(strips)
        self._wrapped = wrapped  # only what is shown is kept
        self._lines = lines
        self.virtual_size = Size(width, len(lines))
        self.refresh()

    def on_resize(self) -> None:
        self._wrap()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._wrap()
        self._base = self.rich_style  # once for the lines drawn now, not once a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_offset.y) + y
        if row >= len(self._lines):
            return Strip.blank(self._width, self._base)
        return self._lines[row].apply_style(self._base)


class MemoText(TextAreaSizedInPlace):
    """The memo's text area; a new memo shown needs no layout pass, and the focus coming or
    going no restyle. Its cursor does not blink (each blink was a frame, and a key pressed
    just after one waited for the next frame)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.set_reactive(TextArea.cursor_blink, False)

    def on_focus(self) -> None:
        """Before the first key reaches the text: the memo the pane was last asked to show
        (the pane draws a memo it is merely shown after the frame: see :meth:`MemoPane.show`)."""
        self.query_ancestor(MemoPane).catch_up()

    def watch_has_focus(self, has_focus: bool) -> None:
        """Nothing in its style depends on the focus (the stylesheet keeps it so), only the
        text cursor, which the text area shows and hides itself: Textual's own restyle of a
        widget gaining or losing the focus restyled its component classes and repainted
        every line."""


class MemoPane(VerticalNotScrolled):
    """A TextArea for one memo and a list of the other memos of the document."""

    BINDINGS = keymap.bindings("memo")

    class Save(Message):
        """The text of the memo on ``target`` should be saved (``memo_id`` None: a new memo)."""

        def __init__(self, target: MemoTarget, memo_id: str | None, text: str) -> None:
            super().__init__()
            self.target = target
            self.memo_id = memo_id
            self.text = text

    class Leave(Message):
        """The user is done writing (``escape``)."""

    class Typed(Message):
        """The text was edited (it may differ from what is saved: see ``unsaved``)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.target: MemoTarget | None = None
        self.memo_id: str | None = None
        self.original = ""
        self.read_only = False
        self._shown_others: list[tuple[str, str]] | None = None
        #: what :meth:`show` was last asked to show while the user was not writing here
        self._waiting: _Shown | None = None

    def compose(self) -> ComposeResult:
        yield TextLine("Memo", id="memo-title", classes="pane-title")
        yield MemoText(
            id="memo-text",
            soft_wrap=True,
            show_line_numbers=False,
            placeholder="m writes a memo (saved as you type)",
        )
        yield Label("Other memos of this document", classes="pane-subtitle")
        yield TextLines(id="memo-others")

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#memo-text", TextArea)

    @property
    def editing(self) -> bool:
        """True while the user writes here (the pane then keeps its target)."""
        return self.text_area.has_focus or self.text_area.text != self.original

    def show(
        self,
        target: MemoTarget | None,
        memo_id: str | None,
        text: str,
        others: list[tuple[str, str]],
        *,
        force: bool = False,
    ) -> None:
        """Show the memo on ``target`` and the list of other memos (title, text).

        While the user is not writing here, the pane is a view of what has focus: it is
        drawn after the frame that shows the key's own result (a coding, the cursor), the
        latest request winning, so a change or a cursor move is not held up by the memo's
        text and list (~4 ms on the large study). Anything that starts writing here catches
        up first (:meth:`catch_up`: the text area's focus, :meth:`start_writing`)."""
        if not self.editing:
            if self._waiting is None:
                self.call_after_refresh(self.catch_up)
            self._waiting = (target, memo_id, text, others)
            return
        self._waiting = None
        self._show(target, memo_id, text, others, force=force)

    def catch_up(self) -> None:
        """Draw what :meth:`show` was last asked to show, if it is not drawn yet (never over
        text the user typed)."""
        waiting, self._waiting = self._waiting, None
        if waiting is not None and self.text_area.text == self.original:
            self._show(*waiting, force=True)

    def _show(
        self,
        target: MemoTarget | None,
        memo_id: str | None,
        text: str,
        others: list[tuple[str, str]],
        *,
        force: bool,
    ) -> None:
        if self.editing and not force:
            self.show_others(others)
            return
        # the project holds what was saved from here: what is typed since then stays
        keep = self.editing and target == self.target and text == self.original
        self.target = target
        self.memo_id = memo_id
        self.original = text
        title = Text("Memo on ", style="bold", no_wrap=True, overflow="ellipsis")
        title.append(target.title if target else "nothing", style="bold")
        self.query_one("#memo-title", TextLine).show(title)
        area = self.text_area
        area.read_only = self.read_only or target is None
        if area.text != text and not keep:
            area.load_text(text)
        self.show_others(others)

    def show_others(self, others: list[tuple[str, str]]) -> None:
        """List other memos: a dim title line, then the first lines of the text."""
        if others == self._shown_others:  # each cursor move asks; mostly nothing changed
            return
        self._shown_others = others
        texts = []
        for title, body in others:
            lines = body.strip().splitlines() or [""]
            text = Text()
            text.append(title + "\n", style="dim")
            text.append("\n".join(lines[:3]) + ("…" if len(lines) > 3 else ""))
            texts.append(text)
        self.query_one("#memo-others", TextLines).show(texts or [Text("none", style="dim")])

    def start_writing(self) -> None:
        """Focus the text, cursor at its end."""
        self.catch_up()
        area = self.text_area
        self.screen.set_focus(area)
        area.move_cursor(area.document.end)

    @property
    def unsaved(self) -> bool:
        """True when the text differs from what is saved."""
        return (self.target is not None and not self.read_only
                and self.text_area.text != self.original)

    def on_text_area_changed(self) -> None:
        self.post_message(self.Typed())

    def pending_save(self, *, done: bool = False) -> MemoPane.Save | None:
        """The save the text needs (and consider it saved), or ``None`` if unchanged; with
        ``done`` (the writing ends) a save of the text as it is even when unchanged."""
        if self.target is None or self.read_only or not (done or self.unsaved):
            return None
        text = self.original = self.text_area.text
        return self.Save(self.target, self.memo_id, text)

    def save(self) -> None:
        """Post the save that ends the writing (the screen may have saved drafts of it)."""
        message = self.pending_save(done=True)
        if message is not None:
            self.post_message(message)

    def saved(self, memo_id: str | None) -> None:
        """The screen saved the memo; later saves edit that memo."""
        self.memo_id = memo_id

    def action_save_memo(self) -> None:
        self.save()

    def action_leave_memo(self) -> None:
        self.save()
        self.post_message(self.Leave())

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        if event.widget is self.text_area:
            self.save()
