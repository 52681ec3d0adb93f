"""One line of text that a widget draws itself: pane titles, the picker's title and hint.

A :class:`~textual.widgets.Label` or :class:`~textual.widgets.Static` makes its content
again through Textual's content pipeline at every repaint (~0.5-1.5 ms for one line), and a
title is repainted at every focus move (its ``-focused`` class changes its colours). Here the
line is cut at the widget's width and turned into segments directly.
"""

from __future__ import annotations

from rich.text import Text
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

#: Line breaks, tabs and other control characters, drawn as spaces on a one-line row (a
#: name may hold one; a raw one in a line would break the frame).
_ONE_LINE = {code: " " for code in (*range(32), 127)}


def flat(plain: str) -> str:
    """``plain`` with its control characters as spaces (the same length)."""
    return plain.translate(_ONE_LINE)


def one_line(text: Text) -> Text:
    """``text`` with its control characters as spaces (the same length: spans stay put)."""
    plain = text.plain
    flattened = flat(plain)
    if flattened == plain:
        return text
    return Text(flattened, style=text.style, spans=list(text.spans), no_wrap=True,
                overflow=text.overflow)


class LineWidget(Widget):
    """A widget one row high that draws the line :meth:`line` makes for its width, cut with
    an ellipsis if longer."""

    DEFAULT_CSS = """
    LineWidget {
        height: 1;
        width: 1fr;
    }
    """

    def line(self, width: int) -> Text:
        """The text to draw at ``width`` cells."""
        raise NotImplementedError

    @property
    def plain(self) -> str:
        """What the line says (whole, before it is cut to the width, control characters as
        spaces), without the spaces around it."""
        return flat(self.line(self.size.width).plain).strip()

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The line's text under a mouse selection, for copying (Textual's own asks the
        content pipeline, which a widget drawing its own lines does not use, and copied the
        widget's name)."""
        return selection.extract(self.plain), "\n"

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y or width <= 0:
            return Strip.blank(width, self.rich_style)
        line = one_line(self.line(width)).copy()
        line.truncate(width, overflow="ellipsis")
        strip = Strip(list(line.render(self.app.console)), line.cell_len)
        return strip.crop_extend(0, width, None).apply_style(self.rich_style)


class TextLine(LineWidget):
    """One line of text; :meth:`show` repaints it only when the text differs."""

    def __init__(self, text: Text | str = "", *, id: str | None = None,  # noqa: A002
                 classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.text = Text(text) if isinstance(text, str) else text

    def show(self, text: Text | str) -> None:
        """Show ``text`` instead (its control characters are drawn as spaces)."""
        text = Text(text) if isinstance(text, str) else text
        if text != self.text:
            self.text = text
            self.refresh()

    def line(self, width: int) -> Text:
        return self.text
