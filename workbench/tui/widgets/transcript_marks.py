"""What is marked on a transcript: speaker turns (labels, times, where the turn keys stop),
codings indexed by line, and search matches.

Both answer "what touches this row" without scanning everything: codings are kept in a dict
line -> codings (a coding is listed on every line it touches) plus a sorted list of starts for
next/previous navigation; matches are sorted, non-overlapping spans found with bisect.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator, Sequence

from workbench.core.model import Coding
from workbench.core.text import line_of
from workbench.core.turns import Turns


class CodingIndex:
    """The codings of one document, with their colours, indexed by text line."""

    def __init__(self, line_starts: Sequence[int]) -> None:
        self._line_starts = line_starts
        self.codings: dict[str, Coding] = {}
        self.colors: dict[str, str] = {}
        self._lines: dict[str, tuple[int, int]] = {}
        self._spans: dict[str, tuple[int, int, str]] = {}  # as indexed: start, end, code
        self._by_line: dict[int, list[Coding]] = {}
        self._starts: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return len(self.codings)

    def __contains__(self, coding_id: object) -> bool:
        return coding_id in self.codings

    def lines_of(self, start: int, end: int) -> tuple[int, int]:
        """First and last line a span touches (an empty span touches its own line)."""
        starts = self._line_starts
        first = bisect_right(starts, start) - 1
        if end - 1 <= start:
            return first, first
        return first, bisect_right(starts, end - 1, first) - 1

    def add(self, coding: Coding, color: str) -> tuple[int, int]:
        """Index a coding (replacing one with the same id); the lines it touches."""
        if coding.id in self.codings:
            self.remove(coding.id)
        first, last = self.lines_of(coding.start, coding.end)
        self.codings[coding.id] = coding
        self.colors[coding.id] = color
        self._lines[coding.id] = (first, last)
        self._spans[coding.id] = (coding.start, coding.end, coding.code)
        by_line = self._by_line
        for line in range(first, last + 1):
            bucket = by_line.get(line)
            if bucket is None:
                by_line[line] = [coding]
            else:
                bucket.append(coding)
        insort(self._starts, (coding.start, coding.id))
        return first, last

    def remove(self, coding_id: str) -> tuple[int, int] | None:
        """Forget a coding; the lines it touched, or ``None`` if it was not here."""
        coding = self.codings.pop(coding_id, None)
        if coding is None:
            return None
        self.colors.pop(coding_id, None)
        first, last = self._lines.pop(coding_id)
        start = self._spans.pop(coding_id)[0]
        for line in range(first, last + 1):
            bucket = self._by_line.get(line)
            if bucket is None:
                continue
            bucket[:] = [c for c in bucket if c.id != coding_id]
            if not bucket:
                del self._by_line[line]
        key = (start, coding_id)
        at = bisect_left(self._starts, key)
        if at < len(self._starts) and self._starts[at] == key:
            del self._starts[at]
        return first, last

    def is_current(self, coding: Coding, color: str) -> bool:
        """True if ``coding`` is indexed as it is now (same object, span, code and colour)."""
        cid = coding.id
        return (
            self.codings.get(cid) is coding
            and self._spans.get(cid) == (coding.start, coding.end, coding.code)
            and self.colors.get(cid) == color
        )

    def on_line(self, line: int) -> list[Coding]:
        """Codings touching a text line (do not modify the list)."""
        return self._by_line.get(line, _EMPTY)

    def color_of(self, coding_id: str) -> str:
        return self.colors.get(coding_id, "#888888")

    def at(self, offset: int) -> list[Coding]:
        """Codings with ``start <= offset < end``, innermost (shortest) first."""
        line = line_of(self._line_starts, offset)
        found = [c for c in self.on_line(line) if c.start <= offset < c.end]
        found.sort(key=lambda c: (c.end - c.start, c.start, c.id))
        return found

    def next_start(self, offset: int) -> int | None:
        """The nearest coding start after ``offset``."""
        at = bisect_right(self._starts, (offset, "\U0010ffff"))
        return self._starts[at][0] if at < len(self._starts) else None

    def previous_start(self, offset: int) -> int | None:
        """The nearest coding start before ``offset``."""
        at = bisect_left(self._starts, (offset, ""))
        return self._starts[at - 1][0] if at > 0 else None


_EMPTY: list[Coding] = []


class Matches:
    """Non-overlapping search matches, sorted, with a current one."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.spans: list[tuple[int, int]] = list(spans)
        self._starts = [s for s, _ in self.spans]
        self._ends = [e for _, e in self.spans]
        self.current: int | None = None

    @classmethod
    def find(cls, text: str, pattern: str, *, case_sensitive: bool) -> Matches:
        """Every occurrence of ``pattern`` (literal text) in ``text``."""
        if not pattern:
            return cls()
        flags = 0 if case_sensitive else re.IGNORECASE
        regex = re.compile(re.escape(pattern), flags)
        return cls(m.span() for m in regex.finditer(text) if m.end() > m.start())

    def __len__(self) -> int:
        return len(self.spans)

    def within(self, start: int, end: int) -> Iterator[tuple[int, int, bool]]:
        """Matches overlapping ``[start, end)``: ``(start, end, is_current)``."""
        at = bisect_right(self._ends, start)
        spans = self.spans
        while at < len(spans) and spans[at][0] < end:
            yield spans[at][0], spans[at][1], at == self.current
            at += 1

    def first_from(self, offset: int) -> int | None:
        """Index of the first match starting at or after ``offset`` (wrapping to the first)."""
        if not self.spans:
            return None
        at = bisect_left(self._starts, offset)
        return at if at < len(self.spans) else 0

    def after(self, offset: int) -> int | None:
        """Index of the first match starting after ``offset`` (wrapping)."""
        if not self.spans:
            return None
        at = bisect_right(self._starts, offset)
        return at if at < len(self.spans) else 0

    def before(self, offset: int) -> int | None:
        """Index of the last match starting before ``offset`` (wrapping)."""
        if not self.spans:
            return None
        at = bisect_left(self._starts, offset) - 1
        return at if at >= 0 else len(self.spans) - 1


class TurnMarks:
    """The paragraphs and speaker turns of a document and how the view marks them.

    ``speakers``: line -> style number of the speaker label it starts with (numbered by first
    appearance), and ``labels``: line -> how many characters of it that label takes;
    ``spacers``: lines of a turn that follows a non-blank line, which get a rule above them so
    turns stay apart even in a text without blank lines; ``times``: line -> the time of the turn
    starting on it as the gutter shows it (``12:31``, or ``1:02:03`` in a document that runs
    past an hour), ``time_width`` their width (0: no times); ``stops``: where ``[`` and ``]``
    stop, in order: where the words of each speaker's turn begin (after the label), and each
    paragraph of text outside any speaker's turn; ``label_starts``: the words' start of each
    labelled turn -> where its label starts.
    """

    def __init__(
        self, turns: Turns | None, lines: Sequence[str], line_starts: Sequence[int]
    ) -> None:
        paragraphs = list(turns.paragraphs) if turns is not None else []
        starts = [p.start for p in paragraphs]
        if any(a > b for a, b in zip(starts, starts[1:], strict=False)):
            paragraphs = sorted(paragraphs, key=lambda p: p.start)
            starts = [p.start for p in paragraphs]
        self.spans: list[tuple[int, int]] = [(p.start, p.end) for p in paragraphs]
        self.starts: list[int] = starts
        self.speakers: dict[int, int] = {}
        self.labels: dict[int, int] = {}
        self.spacers: list[int] = []
        self.stops: list[int] = []
        self.label_starts: dict[int, int] = {}
        times: dict[int, str] = {}
        order: dict[str, int] = {}
        for turn in turns if turns is not None else ():
            line = bisect_right(line_starts, turn.start) - 1
            if turn.time:
                times[line] = turn.time
            if turn.speaker is None:
                self.stops.extend(turns.paragraphs[n].start for n in turn.paragraphs)
                continue
            self.stops.append(turn.utterance)
            self.label_starts[turn.utterance] = turn.start
            head = line_starts[line]
            if head != turn.start and lines[line][: turn.start - head].strip():
                continue  # the label is not at the start of its line
            self.speakers[line] = order.setdefault(turn.speaker, len(order))
            self.labels[line] = min(turn.utterance, head + len(lines[line])) - head
            if line > 0:
                above = lines[line - 1]
                if above and not above.isspace():  # no blank line between the turns
                    self.spacers.append(line)
        self.stops.sort()
        if all(t.startswith("00:") for t in times.values()):
            self.times = {line: t[3:] for line, t in times.items()}
        else:
            self.times = {line: t[1:] if t[0] == "0" else t for line, t in times.items()}
        self.time_width = max((len(t) for t in self.times.values()), default=0)

    def paragraph_at(self, offset: int) -> tuple[int, int] | None:
        """The paragraph holding ``offset`` (its end, the line break, included)."""
        at = bisect_right(self.starts, offset) - 1
        if at >= 0:
            start, end = self.spans[at]
            if start <= offset <= end:
                return start, end
        return None

    def next_stop(self, offset: int) -> int | None:
        """Where ``]`` goes from ``offset``: the first stop after it, but for the words of
        the turn whose label ``offset`` is on: the next turn is the one after (a document
        opens with the caret on its first turn's label, and ``]`` went to the words beside
        it, on the same line: it looked as if it did nothing, and the next ``c`` coded the
        interviewer's question)."""
        at = bisect_right(self.stops, offset)
        if at < len(self.stops):
            found = self.stops[at]  # after offset: offset is on its label if that starts before
            if self.label_starts.get(found, found) <= offset:
                at += 1
        return self.stops[at] if at < len(self.stops) else None

    def previous_stop(self, offset: int) -> int | None:
        """Where ``[`` goes from ``offset``: the last stop before it."""
        at = bisect_left(self.stops, offset) - 1
        return self.stops[at] if at >= 0 else None
