"""The entries of the retrieval list: each segment in full, wrapped, made only when drawn.

Each entry of the list (a Textual ``OptionList``) is a :class:`SegmentPrompt`: a Visual showing
who said it (the attribution a quote gets: the respondent, or the interviewer of that
respondent), where (document, line, code, coder) and the segment's whole text wrapped to the
width, and with ``context`` a line of the text before and after it. The list asks every entry
its height; that is counted from the coding's own text with a plain word wrap (no document is
read), so opening a list of a thousand segments costs little more than what the dozen entries on
screen cost to draw: an entry's text (and the document text it needs) is only made when drawn,
at the width it is drawn at.
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

from workbench.wording import plural

if TYPE_CHECKING:
    from workbench.tui.screens.retrieval import Segment

#: Lines of a segment's text shown at most (a longer one says how many more; enter opens it).
MAX_LINES = 40
#: The bar in the code's colour before every line of an entry, and the indent of its text.
BAR = "▌"
INDENT = 2

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile("[" + "".join(map(chr, STRIP_CONTROL_CODES)) + "]")


#: A character that may not take exactly one cell: anything but printable ASCII, Latin, Greek,
#: Cyrillic (Kazakh letters included) and common punctuation (dashes, quotes, the ellipsis).
_NOT_ONE_CELL = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u048a-\u052f"
    "\u2010-\u2027\u2030-\u205e]"
)


def _cut(word: str, width: int) -> list[str]:
    """A word wider than ``width`` cells, in pieces that fit."""
    pieces: list[str] = []
    piece, used = [], 0
    for char in word:
        size = cell_len(char)
        if piece and used + size > width:
            pieces.append("".join(piece))
            piece, used = [], 0
        piece.append(char)
        used += size
    pieces.append("".join(piece))
    return pieces


def wrap(text: str, width: int) -> list[str]:
    """``text`` wrapped at spaces to lines of at most ``width`` cells (runs of spaces count as
    one; each line break starts a new line; empty lines are left out)."""
    width = max(1, width)
    measure = len if _NOT_ONE_CELL.search(text) is None else cell_len  # len: much faster
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0
        for word in paragraph.split():
            size = measure(word)
            if size > width:
                if line:
                    lines.append(" ".join(line))
                    line, used = [], 0
                *whole, word = _cut(word, width)
                lines.extend(whole)
                size = cell_len(word)
            if line and used + 1 + size > width:
                lines.append(" ".join(line))
                line, used = [], 0
            used += size + (1 if line else 0)
            line.append(word)
        if line:
            lines.append(" ".join(line))
    return lines


def count_lines(text: str, width: int) -> int:
    """``len(wrap(text, width))``, without making the lines (what every entry's height needs,
    for every segment of a list when it opens)."""
    width = max(1, width)
    if len(text) <= width and "\n" not in text and _NOT_ONE_CELL.search(text) is None:
        return 1 if text.strip() else 0
    if _NOT_ONE_CELL.search(text) is not None:
        return len(wrap(text, width))
    count = 0
    for paragraph in text.split("\n"):
        used = -1  # no word on the line yet
        for size in map(len, paragraph.split()):
            if size > width:
                if used >= 0:
                    count += 1
                count += (size - 1) // width  # the whole pieces of a word cut to fit
                size = (size - 1) % width + 1
                used = -1
            if used >= 0 and used + 1 + size > width:
                count += 1
                used = -1
            used = size if used < 0 else used + 1 + size
        if used >= 0:
            count += 1
    return count


def text_lines(text: str, width: int) -> list[str]:
    """The lines an entry shows of a segment's text: wrapped, at most :data:`MAX_LINES` (the
    last then says how many more there are), at least one."""
    lines = wrap(text, width) or [""]
    if len(lines) > MAX_LINES:
        more = len(lines) - MAX_LINES + 1
        lines = [*lines[:MAX_LINES - 1], f"… {plural(more, 'more line')}: enter opens it"]
    return lines


def entry_height(segment: Segment, width: int, context: bool) -> int:
    """The lines of an entry at ``width`` cells: the heading, the text (counted on the
    coding's own text), with ``context`` a line before and after, and an empty line."""
    lines = min(MAX_LINES, max(1, count_lines(segment.coding.text, width - INDENT)))
    return 2 + lines + (2 if context else 0)


def _around(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    """The words before ``start`` and after ``end`` that fit on one line of ``width`` cells
    each (cut at a word, with an ellipsis where the text goes on)."""
    reach = max(width * 4, 80)  # characters enough to fill a line
    before = _SPACES.sub(" ", text[max(0, start - reach):start]).lstrip()
    after = _SPACES.sub(" ", text[end:end + reach]).strip()
    if cell_len(before) > width:
        kept = before[-width:]
        while cell_len(kept) > width - 1:
            kept = kept[1:]
        cut = kept.find(" ")
        before = "…" + (kept[cut + 1:] if 0 <= cut < len(kept) - 1 else kept)
    if cell_len(after) > width:
        kept = after[:width]
        while cell_len(kept) > width - 1:
            kept = kept[:-1]
        cut = kept.rfind(" ")
        after = (kept[:cut] if cut > 0 else kept) + "…"
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


def prompt_lines(segment: Segment, width: int, context: bool = False) -> list[Text]:
    """An entry's lines cut to ``width`` cells: who said it and where; the segment's text
    wrapped; with ``context``, the line before it and the line after it (dim); an empty line
    to end it."""
    coding, spoken = segment.coding, segment.spoken
    head = _Line()
    head.add(BAR, segment.color)
    head.add(segment.who, "bold")
    if segment.document.name not in segment.who:
        head.add(f" · {segment.document.name}", "dim")
    head.add(f" · line {segment.line}", "dim")
    if spoken.time:
        head.add(f" · {spoken.time}", "dim")
    head.add(" · ", "dim")
    head.add(segment.path, "italic")
    head.add(f" · {coding.coder}", "dim")
    lines = [head.cut(width)]
    room = max(1, width - INDENT)
    pad = " " * (INDENT - 1)
    measured = min(MAX_LINES, max(1, count_lines(coding.text, room)))
    shown = text_lines(spoken.text, room)
    if len(shown) > measured:  # never more lines than counted (the text only gets shorter)
        shown = [*shown[:measured - 1], "…"]
    shown += [""] * (measured - len(shown))
    before = after = ""
    if context:
        before, after = _around(segment.document.text, spoken.start, spoken.end, room)
    for text, style in (
        *([(before, "dim italic")] if context else []),
        *((text, "") for text in shown),
        *([(after, "dim italic")] if context else []),
    ):
        line = _Line()
        line.add(BAR, segment.color)
        line.add(pad + text, style)
        lines.append(line.cut(width))
    lines.append(Text(""))  # between one entry and the next
    return lines


def segment_prompt(segment: Segment, width: int = 78, context: bool = False) -> Text:
    """An entry as one text of lines cut to ``width`` cells (see :func:`prompt_lines`)."""
    return Text("\n").join(prompt_lines(segment, width, context))


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
    """One segment's entry: its height counted without drawing, its text made when drawn."""

    __slots__ = ("segment", "context", "_width", "_lines", "_heights")

    def __init__(self, segment: Segment, context: bool = False) -> None:
        self.segment = segment
        self.context = context
        self._width = -1
        self._lines: list[tuple[list[Piece], int]] = []
        self._heights: tuple[int, int] = (-1, 0)  # (width, height) last counted

    @property
    def made(self) -> bool:
        """Whether the entry's text has been made (it has been drawn)."""
        return self._width >= 0

    def lines(self, width: int) -> list[tuple[list[Piece], int]]:
        """The entry's lines cut to ``width`` cells, as pieces and their width in cells
        (kept for the last width asked)."""
        if width != self._width:
            self._lines = [line_pieces(line)
                           for line in prompt_lines(self.segment, width, self.context)]
            self._width = width
        return self._lines

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        """The entry's lines padded to ``width`` cells over ``style`` (the option's state),
        as Textual's own text would draw them."""
        pad = style.rich_style
        if width <= 0:
            return [Strip.blank(0, pad)] * entry_height(self.segment, 1, self.context)
        strips = []
        for pieces, cells in self.lines(width):
            segments = [RichSegment(text, _over(style, styles)) for text, styles in pieces]
            if cells < width:
                segments.append(RichSegment(" " * (width - cells), pad))
            strips.append(Strip(segments, max(width, cells)))
        return strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """All the width there is (the lines are wrapped or cut to fit it)."""
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        """The lines of the entry at ``width`` (counted once per width, nothing drawn)."""
        if self._heights[0] != width:
            self._heights = (width, entry_height(self.segment, width, self.context))
        return self._heights[1]


def segment_options(segments: Iterable[Segment], context: bool = False) -> list[Option]:
    """One option of the list for each segment, in order (nothing is drawn yet)."""
    return [Option(SegmentPrompt(segment, context)) for segment in segments]
