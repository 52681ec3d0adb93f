"""The entries of the retrieval list: two fixed lines per segment, made only when drawn.

Each entry of the list (a Textual ``OptionList``) is a :class:`SegmentPrompt`: a Visual whose
height is always :data:`ENTRY_HEIGHT`, so the list never measures its entries, and whose text
(who, where, which code; the segment in a line of context) is only made when the entry is
first drawn, at the width it is drawn at. Opening a list of a thousand segments thus costs
what the dozen entries on screen cost, and a segment's document text (read from the project
file when first used) is only read for the entries that are shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.control import STRIP_CONTROL_CODES, strip_control_codes
from rich.errors import StyleSyntaxError
from rich.segment import Segment as RichSegment
from rich.style import Style as RichStyle
from rich.text import Span, Text
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from workbench.tui.screens.retrieval import Segment

#: Characters of context shown on each side of a short segment.
CONTEXT = 40
#: Lines of every entry: who, where and which code; the segment in its context.
ENTRY_HEIGHT = 2

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile("[" + "".join(map(chr, STRIP_CONTROL_CODES)) + "]")


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """Up to CONTEXT characters before and after a span, on one line, cut at word breaks."""
    before = _SPACES.sub(" ", text[max(0, start - CONTEXT):start])
    after = _SPACES.sub(" ", text[end:end + CONTEXT])
    if start > CONTEXT and " " in before:
        before = "…" + before[before.index(" ") + 1:]
    if end + CONTEXT < len(text) and " " in after:
        after = after[:after.rindex(" ")] + "…"
    return before, after


class _Line:
    """One line of an entry, built as Rich's ``Text.append`` builds it, but joined once."""

    __slots__ = ("parts", "spans", "length")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.length = 0

    def add(self, text: str, style: str = "") -> None:
        """Append ``text`` (without control codes) in ``style``."""
        if not text:
            return
        if _CONTROL.search(text):
            text = strip_control_codes(text)
        if style:
            self.spans.append(Span(self.length, self.length + len(text), style))
        self.parts.append(text)
        self.length += len(text)

    def cut(self, width: int) -> Text:
        """The line as a text, cut to ``width`` cells with an ellipsis."""
        line = Text("".join(self.parts), no_wrap=True, spans=self.spans)
        line.truncate(width, overflow="ellipsis")
        return line


def prompt_lines(segment: Segment, width: int) -> tuple[Text, Text]:
    """An entry's two lines cut to ``width`` cells: who, where, which code; the segment in
    its context (the document's text is read for the context of a short segment)."""
    coding = segment.coding
    head = _Line()
    head.add("▌", segment.color)
    head.add(segment.label, "bold")
    if segment.label != segment.document.name:
        head.add(f" · {segment.document.name}", "dim")
    head.add(f" · line {segment.line} · ", "dim")
    head.add(segment.path, "italic")
    head.add(f" · {coding.coder}", "dim")
    body = _Line()
    body.add("▌", segment.color)
    quoted = _SPACES.sub(" ", coding.text)
    if len(quoted) < width - 10:
        before, after = _context(segment.document.text, coding.start, coding.end)
        room = max(0, width - 1 - len(quoted))
        keep = min(len(before), room // 2 + max(0, room // 2 - len(after)))
        if keep < len(before):
            cut = before[len(before) - keep:]
            before = "…" + (cut[cut.index(" ") + 1:] if " " in cut else cut)
        body.add(before, "dim")
        body.add(quoted, "bold")
        body.add(after, "dim")
    else:
        shown = quoted[:width + 1]  # a long segment: what fits is all that is measured
        body.add(shown if cell_len(shown) > width else quoted)
    return head.cut(width), body.cut(width)


def segment_prompt(segment: Segment, width: int = 78) -> Text:
    """Two lines cut to ``width`` cells: who, where, which code; the segment in its context."""
    head, body = prompt_lines(segment, width)
    return head + Text("\n") + body


#: A piece of a line: its text, and its styles in order over the entry's base style.
Piece = tuple[str, tuple[Style, ...]]
_STYLES: dict[str | RichStyle, Style] = {}


def _style_of(name: str | RichStyle) -> Style:
    """A span's style (``"dim"``, ``"#e6194b"``...) as a Textual style (null if unreadable)."""
    if (found := _STYLES.get(name)) is None:
        try:
            rich = RichStyle.parse(name) if isinstance(name, str) else name
            found = Style.from_rich_style(rich)
        except StyleSyntaxError:
            found = Style()
        _STYLES[name] = found
    return found


def line_pieces(line: Text) -> tuple[list[Piece], int]:
    """A one-line text as pieces of one style each (its spans combined in order; neighbours
    of the same style joined), and its width in cells."""
    plain, spans = line.plain.replace("\t", " "), line.spans
    base = [_style_of(line.style)] if line.style else []
    cuts = sorted({0, len(plain), *(
        at for span in spans for at in (span.start, span.end) if 0 < at < len(plain)
    )})
    pieces: list[Piece] = []
    for left, right in pairwise(cuts):
        styles = tuple(base + [
            _style_of(span.style) for span in spans if span.start <= left and right <= span.end
        ])
        if pieces and pieces[-1][1] == styles:
            pieces[-1] = (pieces[-1][0] + plain[left:right], styles)
        else:
            pieces.append((plain[left:right], styles))
    if "\u200d" in plain or "\ufe0f" in plain:  # joiners: measured as the pieces are drawn
        return pieces, sum(cell_len(text) for text, _ in pieces)
    return pieces, cell_len(plain)  # the same, in one call (cached if cutting measured it)


@lru_cache(maxsize=1024)
def _over(base: Style, styles: tuple[Style, ...]) -> RichStyle:
    """A piece's styles over an entry's base style, as Textual's text rendering makes it."""
    return (base + Style.combine([base, *styles])).rich_style


class SegmentPrompt(Visual):
    """One segment's entry: always :data:`ENTRY_HEIGHT` lines, its text made when drawn."""

    __slots__ = ("segment", "_width", "_lines")

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self._width = -1
        self._lines: list[tuple[list[Piece], int]] = []

    @property
    def made(self) -> bool:
        """Whether the entry's text has been made (it has been drawn)."""
        return self._width >= 0

    def lines(self, width: int) -> list[tuple[list[Piece], int]]:
        """The entry's lines cut to ``width`` cells, as pieces and their width in cells
        (kept for the last width asked)."""
        if width != self._width:
            self._lines = [line_pieces(line) for line in prompt_lines(self.segment, width)]
            self._width = width
        return self._lines

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        """The entry's lines padded to ``width`` cells over ``style`` (the option's state),
        as Textual's own text would draw them."""
        pad = style.rich_style
        if width <= 0:
            return [Strip.blank(0, pad)] * ENTRY_HEIGHT
        strips = []
        for pieces, cells in self.lines(width):
            segments = [RichSegment(text, _over(style, styles)) for text, styles in pieces]
            if cells < width:
                segments.append(RichSegment(" " * (width - cells), pad))
            strips.append(Strip(segments, max(width, cells)))
        return strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """All the width there is (the lines are cut to fit it)."""
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        """Always :data:`ENTRY_HEIGHT`: nothing to measure."""
        return ENTRY_HEIGHT


def segment_options(segments: Iterable[Segment]) -> list[Option]:
    """One option of the list for each segment, in order (nothing is drawn yet)."""
    return [Option(SegmentPrompt(segment)) for segment in segments]
