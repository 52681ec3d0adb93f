"""A Taguette document's HTML as our plain text, and Taguette's positions on it.

Taguette keeps each document as sanitised HTML (a ``<p>`` per line of a text file, as Calibre
or its own converters made it) and places a highlight by UTF-8 byte offsets into the HTML's
text content: the bytes of every text node, tags not counted, after the HTML input rules
(CR LF as LF). :class:`HtmlText` turns the HTML into lines of text and maps those byte offsets
onto code points of that text:

- each block (``p``, ``li``, ``h1``, ``tr``, ``div``, ...) is one line ending in ``\\n``; a block
  holding only white space (Calibre's ``<p>&nbsp;</p>`` for a blank line) is an empty line;
  ``<br>`` ends a line; inline tags (``b``, ``em``, ...) leave their text as it is;
- white space between blocks and at the start and end of a line is HTML layout, not text:
  it counts for Taguette's offsets but is left out; a line break inside a paragraph is a space;
  ``<pre>`` keeps its text exactly;
- the text is then normalised as every imported text is (NFC).

A position that falls on left-out bytes moves to the nearest text inside the highlight, so a
highlight keeps exactly the characters Taguette shows highlighted.
"""

from __future__ import annotations

import bisect
from html.parser import HTMLParser

from workbench.io.refi.textmap import CODE_POINTS, TextMap

#: elements that start and end a line
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "listing",
    "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul", "xmp",
})
#: elements whose text is not shown (counted by Taguette's offsets all the same)
HIDDEN = frozenset({"script", "style", "template", "title", "noscript", "textarea"})
#: elements after whose start tag a first line break is dropped by every HTML parser
EAT_NEWLINE = frozenset({"pre", "listing", "textarea"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})


class HtmlText:
    """The text of a Taguette document and the map from its byte offsets onto that text."""

    def __init__(self, html: str) -> None:
        builder = _Builder()
        builder.feed(_preprocessed(html))
        builder.close()
        raw = builder.finish()
        self._runs = builder.runs  # (first byte, first raw index, text) of each kept stretch
        self._starts = [run[0] for run in self._runs]
        self.size = builder.bytes  # Taguette's length of the document, in bytes
        self._tmap = TextMap(raw)
        self.text = self._tmap.text

    def spans(self, highlights: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
        """Each ``(start, end)`` byte range as ``(start, end, clamped)`` offsets of :attr:`text`
        (``clamped``: the range reached outside the document and was cut to it)."""
        raw: list[tuple[int, int]] = []
        clamped: list[bool] = []
        for start, end in highlights:
            outside = not (0 <= start < end <= self.size)
            start, end = max(0, min(start, self.size)), max(0, min(end, self.size))
            raw.append((self._first_at(start), self._last_before(end)))
            clamped.append(outside)
        mapped = self._tmap.spans(CODE_POINTS, raw)
        return [(a, max(a, b), c) for (a, b, _), c in zip(mapped, clamped, strict=True)]

    def _first_at(self, byte: int) -> int:
        """The raw index of the first kept character whose bytes start at or after ``byte``."""
        k = bisect.bisect_right(self._starts, byte) - 1
        if k < 0:
            return self._runs[0][1] if self._runs else 0
        first, at, text = self._runs[k]
        index = _chars_before(text, byte - first)
        if index < len(text):
            return at + index
        return self._runs[k + 1][1] if k + 1 < len(self._runs) else at + len(text)

    def _last_before(self, byte: int) -> int:
        """The raw index just after the last kept character that starts before ``byte``."""
        k = bisect.bisect_left(self._starts, byte) - 1
        if k < 0:
            return self._runs[0][1] if self._runs else 0
        first, at, text = self._runs[k]
        return at + min(len(text), _chars_before(text, byte - first))


def _chars_before(text: str, nbytes: int) -> int:
    """How many characters of ``text`` start within its first ``nbytes`` UTF-8 bytes."""
    if nbytes <= 0:
        return 0
    if text.isascii():
        return min(nbytes, len(text))
    count = 0
    for ch in text:
        if nbytes <= 0:
            break
        nbytes -= len(ch.encode("utf-8"))
        count += 1
    return count


def _preprocessed(html: str) -> str:
    """The HTML as a browser's parser sees it: CR LF and CR as LF, no NUL characters."""
    return html.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


class _Builder(HTMLParser):
    """Walks the HTML once, keeping the text it shows and where its bytes are."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bytes = 0  # UTF-8 bytes of text content seen so far
        self.out: list[str] = []  # the text kept, in pieces
        self.length = 0  # characters kept so far
        self.runs: list[tuple[int, int, str]] = []
        self.line: list[tuple[int, int, str]] = []  # runs of the line being built
        self.line_visible = False  # the line has a character other than white space
        self.pre = 0  # depth of <pre> (text kept exactly)
        self.hidden = 0  # depth of elements whose text is not shown
        self.eat_newline = False
        self.empty_block = False  # the block that just opened has shown nothing yet

    # -- parser events -------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        if tag == "br":
            self.break_line(force=True)
            self.empty_block = False
        elif tag in BLOCKS:
            self.break_line()
            self.empty_block = True
        if tag in EAT_NEWLINE:
            self.eat_newline = True
        if tag == "pre" or tag == "listing":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self.eat_newline = False
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1
        if (tag == "pre" or tag == "listing") and self.pre:
            self.pre -= 1
        if tag in BLOCKS:
            if self.empty_block and not self.line_visible:
                self.break_line(force=True)  # an empty paragraph: a blank line
            else:
                self.break_line()
            self.empty_block = False

    def handle_data(self, data: str) -> None:
        if self.eat_newline and data.startswith("\n"):
            data = data[1:]
        self.eat_newline = False
        first = self.bytes
        self.bytes += len(data.encode("utf-8"))
        if self.hidden or not data:
            return
        if self.pre:
            self.keep(first, data)
            if data.strip():
                self.line_visible = True
            return
        shown = data.replace("\n", " ")
        start = 0
        if not self.line_visible:  # white space at the start of a line is layout
            stripped = shown.lstrip()
            start = len(shown) - len(stripped)
            if not self.length and not self.line and stripped.startswith("\ufeff"):
                start += 1  # a byte order mark is not text
        if start < len(shown):
            self.keep(first + len(shown[:start].encode("utf-8")), shown[start:])
            self.line_visible = True

    # -- building ------------------------------------------------------------------------
    def keep(self, first_byte: int, text: str) -> None:
        """Add ``text``, whose first character starts at ``first_byte``, to the line (text of
        a ``<pre>`` goes straight to the runs: it is never trimmed)."""
        (self.runs if self.pre else self.line).append((first_byte, self.length, text))
        self.out.append(text)
        self.length += len(text)
        self.empty_block = False

    def break_line(self, *, force: bool = False) -> None:
        """End the line (when it holds text, or always with ``force``)."""
        if self.pre and not force:
            return
        at_line_start = not self.out or self.out[-1].endswith("\n")
        if at_line_start and not force:
            self.line_visible = False
            return
        self.trim_line_end()
        self.runs.extend(self.line)
        self.line = []
        self.line_visible = False
        self.out.append("\n")
        self.length += 1

    def trim_line_end(self) -> None:
        """Drop the white space at the end of the line (HTML layout)."""
        while self.line:
            first, at, text = self.line[-1]
            kept = text.rstrip()
            dropped = len(text) - len(kept)
            if not dropped:
                return
            self.length -= dropped
            self.out[-1] = self.out[-1][: len(self.out[-1]) - dropped]
            if kept:
                self.line[-1] = (first, at, kept)
                return
            self.line.pop()
            self.out.pop()

    def finish(self) -> str:
        """The text kept, each line ending with a line break."""
        self.break_line()
        self.runs.extend(self.line)
        self.line = []
        return "".join(self.out)
