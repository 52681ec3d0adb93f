"""Soft wrapping of a transcript and the exact mapping offset <-> (visual row, cell).

Pure Python over :mod:`rich.cells`; nothing here imports Textual, so the mapping can be tested
on its own.

The cell model
--------------
Every code point of a line gets at least one cell, so every offset has a cell of its own and
the round trip offset -> (row, cell) -> offset is exact:

- most characters are shown as themselves (1 cell; CJK and most emoji 2 cells, as Rich counts);
- a tab is shown as :data:`TAB_CELLS` spaces;
- code points that a terminal would draw in zero cells (combining marks left after NFC, zero-width
  joiners, variation selectors, control characters) get a visible one-cell stand-in: a combining
  mark sits on a dotted circle, anything else is a middle dot. The text itself is never changed;
  only what is drawn for it.

Rows
----
A text line (``text.split("\\n")``) is wrapped at word boundaries into rows, contiguous half-open
offset ranges ``[row_start, next_row_start)``; the last row ends at the line end, the offset of its
line break (where the cursor may also stand). A row holds at most ``width`` cells, plus one space
that may hang past the width on a row that is not the last; the view keeps one spare cell, so the
cursor at a line end and a hanging space always fit. A word longer than a row is broken hard.
A line may have a *spacer* row above it (the view uses it to separate speaker turns); a spacer
holds no offset.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Collection, Sequence
from itertools import accumulate

from rich.cells import cell_len, get_character_cell_size

TAB_CELLS = 4
_DOT = "\u00b7"  # middle dot, the stand-in for invisible code points
_CIRCLE = "\u25cc"  # dotted circle, the base a lone combining mark is drawn on


def _stand_in(char: str) -> str:
    """What is drawn for ``char``; its cell length is the cell width of ``char``."""
    if char == "\t":
        return " " * TAB_CELLS
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        return _DOT  # controls, joiners, soft hyphens, separators a terminal would act on
    if "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return _DOT  # variation selectors change how a neighbour is drawn
    if cell_len(char) > 0:
        return char
    if category.startswith("M"):
        shown = _CIRCLE + char
        if cell_len(shown) == 1:
            return shown
    return _DOT


class _Display(dict[str, str]):
    def __missing__(self, char: str) -> str:
        shown = _stand_in(char)
        self[char] = shown
        return shown


class _Widths(dict[str, int]):
    def __missing__(self, char: str) -> int:
        width = max(1, cell_len(DISPLAY[char]))
        self[char] = width
        return width


#: character -> the text drawn for it
DISPLAY: dict[str, str] = _Display()
#: character -> its cells in the model (always >= 1)
WIDTHS: dict[str, int] = _Widths()


def _outside_narrow() -> re.Pattern[str]:
    """A regex matching any character that is not drawn as itself in one cell (a class of
    ranges, built in one pass over the scripts transcripts are mostly written in)."""
    ranges = (
        (0x20, 0x7E),
        (0xA0, 0x2FF),
        (0x370, 0x52F),  # Greek, Cyrillic and its supplement (Kazakh letters)
        (0x1E00, 0x1FFF),
        (0x2010, 0x205E),  # dashes, quotes, ellipsis
        (0x20A0, 0x20C0),
        (0x2100, 0x214F),
    )
    runs: list[tuple[int, int]] = []  # merged runs of such characters
    category_of = unicodedata.category
    for lo, hi in ranges:
        for code in range(lo, hi + 1):
            char = chr(code)
            category = category_of(char)
            if category[0] in "MC" or category in ("Zl", "Zp"):
                continue
            # such a character of one cell is drawn as itself (see _stand_in); asking
            # DISPLAY here measured each one again and made importing this module slow
            if get_character_cell_size(char) != 1:
                continue
            if runs and runs[-1][1] == code - 1:
                runs[-1] = (runs[-1][0], code)
            else:
                runs.append((code, code))
    body = "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in runs
    )
    return re.compile(f"[^{body}]")


#: finds a character that is not drawn as itself in one cell: a line without one needs no
#: per-character measuring (its cell count is its length)
_find_wide = _outside_narrow().search


def _is_narrow(text: str) -> bool:
    return _find_wide(text) is None


def display_text(text: str) -> str:
    """What is drawn for ``text``: stand-ins replace tabs and invisible code points."""
    if _is_narrow(text):
        return text
    return "".join(map(DISPLAY.__getitem__, text))


def text_cells(text: str) -> int:
    """The cells ``text`` takes in the model."""
    if _is_narrow(text):
        return len(text)
    return sum(map(WIDTHS.__getitem__, text))


def _wrap_narrow(line: str, width: int) -> list[int] | None:
    """Row starts (relative) of a line of one-cell characters; ``None`` for a single row."""
    n = len(line)
    if n <= width:
        return None
    starts = [0]
    pos = 0
    rfind = line.rfind
    while n - pos > width:
        end = pos + width  # first character that does not fit
        if line[end] == " " and end + 1 < n:
            brk = end + 1  # the space hangs past the width
        else:
            space = rfind(" ", pos, end)
            brk = space + 1 if space >= pos else end
        starts.append(brk)
        pos = brk
    return starts


def _wrap_wide(line: str, cum: Sequence[int], width: int) -> list[int] | None:
    """Row starts (relative) of any line, given the cumulative cell widths ``cum``."""
    n = len(line)
    if cum[n] <= width:
        return None
    starts = [0]
    pos = 0
    rfind = line.rfind
    while cum[n] - cum[pos] > width:
        end = bisect_right(cum, cum[pos] + width, pos) - 1  # cum[end] - cum[pos] <= width
        if end <= pos:
            brk = pos + 1  # a character wider than the row: it gets a row of its own
        elif line[end] == " " and end + 1 < n:
            brk = end + 1
        else:
            space = max(rfind(" ", pos, end), rfind("\t", pos, end))
            brk = space + 1 if space >= pos else end
        starts.append(brk)
        pos = brk
    return starts


def starts_of_lines(lines: Sequence[str]) -> list[int]:
    """The offset each line starts at, given ``text.split("\\n")``."""
    starts = [0]
    if len(lines) > 1:
        starts.extend(accumulate(map(len, lines[:-1])))
        # each line also ends with its line break
        starts = [start + index for index, start in enumerate(starts)]
    return starts


def cumulative_cells(line: str) -> list[int]:
    """``cum[j]`` = cells of ``line[:j]`` (length ``len(line) + 1``)."""
    return list(accumulate(map(WIDTHS.__getitem__, line), initial=0))


class TextLayout:
    """The wrapped rows of a text at one width, and the offset <-> (row, cell) mapping.

    ``width`` is the number of cells a row may fill (the view keeps one more cell spare).
    ``spacers`` are the line indices that get an empty row above them.
    """

    __slots__ = (
        "text",
        "width",
        "lines",
        "line_starts",
        "_narrow",
        "_rows",
        "_spacer",
        "_row_base",
        "_cum_cache",
    )

    def __init__(
        self,
        text: str,
        width: int,
        spacers: Collection[int] = (),
        *,
        lines: list[str] | None = None,
        line_starts: list[int] | None = None,
    ) -> None:
        self.text = text
        self.width = width = max(1, width)
        self.lines: list[str] = text.split("\n") if lines is None else lines
        self.line_starts: list[int] = (
            starts_of_lines(self.lines) if line_starts is None else line_starts
        )
        narrow = bytearray(len(self.lines))
        rows: list[list[int] | None] = [None] * len(self.lines)
        for index, line in enumerate(self.lines):
            if _is_narrow(line):
                narrow[index] = 1
                if len(line) > width:
                    rows[index] = _wrap_narrow(line, width)
            elif len(line) * TAB_CELLS > width:
                rows[index] = _wrap_wide(line, cumulative_cells(line), width)
        self._narrow = narrow
        self._rows = rows
        spacer = bytearray(len(self.lines))
        for index in spacers:
            if 0 < index < len(self.lines):
                spacer[index] = 1
        self._spacer = spacer
        counts = (
            spacer[i] + (1 if r is None else len(r)) for i, r in enumerate(rows)
        )
        self._row_base: list[int] = list(accumulate(counts, initial=0))
        self._cum_cache: dict[int, list[int]] = {}

    # ------------------------------------------------------------------ lines

    @property
    def line_count(self) -> int:
        return len(self.lines)

    @property
    def row_count(self) -> int:
        """Visual rows in all (spacers included)."""
        return self._row_base[-1]

    def line_of(self, offset: int) -> int:
        """The 0-based text line holding ``offset`` (a line break belongs to its line)."""
        return bisect_right(self.line_starts, offset) - 1

    def line_span(self, line: int) -> tuple[int, int]:
        """``[start, end)`` of a text line without its line break."""
        start = self.line_starts[line]
        return start, start + len(self.lines[line])

    def is_narrow(self, line: int) -> bool:
        return bool(self._narrow[line])

    def has_spacer(self, line: int) -> bool:
        return bool(self._spacer[line])

    def cum(self, line: int) -> list[int]:
        """Cumulative cells of a line (cached for a few hundred lines)."""
        cache = self._cum_cache
        found = cache.get(line)
        if found is None:
            if len(cache) > 512:
                cache.clear()
            found = cache[line] = cumulative_cells(self.lines[line])
        return found

    # ------------------------------------------------------------------ rows

    def row_counts(self, line: int) -> int:
        """Text rows of a line (its spacer not counted)."""
        rows = self._rows[line]
        return 1 if rows is None else len(rows)

    def first_row(self, line: int) -> int:
        """The visual row of the first text row of a line."""
        return self._row_base[line] + self._spacer[line]

    def last_row(self, line: int) -> int:
        return self._row_base[line + 1] - 1

    def row_at(self, row: int) -> tuple[int, int]:
        """``(line, k)`` of a visual row: its k-th text row, or ``k == -1`` for a spacer."""
        row = min(max(row, 0), self.row_count - 1)
        line = bisect_right(self._row_base, row) - 1
        return line, row - self._row_base[line] - self._spacer[line]

    def row_span(self, line: int, k: int) -> tuple[int, int]:
        """Offsets ``[start, end)`` of the k-th row of a line; the last row ends at the line end."""
        base = self.line_starts[line]
        rows = self._rows[line]
        if rows is None:
            return base, base + len(self.lines[line])
        start = base + rows[k]
        end = base + rows[k + 1] if k + 1 < len(rows) else base + len(self.lines[line])
        return start, end

    def is_last_row(self, line: int, k: int) -> bool:
        return k == self.row_counts(line) - 1

    def cells_between(self, line: int, start: int, end: int) -> int:
        """Cells of ``text[start:end]`` within one line."""
        if self._narrow[line]:
            return end - start
        cum = self.cum(line)
        base = self.line_starts[line]
        return cum[end - base] - cum[start - base]

    # ------------------------------------------------------------------ mapping

    def locate(self, offset: int) -> tuple[int, int]:
        """The visual row and cell of an offset (``0 <= offset <= len(text)``)."""
        offset = min(max(offset, 0), len(self.text))
        line = self.line_of(offset)
        base = self.line_starts[line]
        rows = self._rows[line]
        if rows is None:
            k, start = 0, base
        else:
            k = bisect_right(rows, offset - base) - 1
            start = base + rows[k]
        return self.first_row(line) + k, self.cells_between(line, start, offset)

    def offset_at(self, row: int, cell: int) -> int:
        """The offset drawn at a cell of a visual row (past the text: the row's last offset).

        A spacer row answers for the first row of its line. The inverse of :meth:`locate`:
        ``offset_at(*locate(o)) == o`` for every offset.
        """
        line, k = self.row_at(row)
        k = max(k, 0)
        start, end = self.row_span(line, k)
        last = end if self.is_last_row(line, k) else end - 1
        if cell <= 0:
            return start
        if self._narrow[line]:
            return min(start + cell, last)
        cum = self.cum(line)
        base = self.line_starts[line]
        target = cum[start - base] + cell
        index = bisect_right(cum, target, start - base) - 1
        return min(base + index, last)

    def row_of(self, offset: int) -> int:
        return self.locate(offset)[0]
