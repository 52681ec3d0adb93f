"""Stored texts and their positions: how a unit of a REFI-QDA file lands on our text.

A :class:`TextMap` holds a source's text as the file stores it and as we keep it (normalised:
CRLF → LF, NFC), and maps a position counted in one :class:`Reading` onto our text. The
standard counts code points; other tools count UTF-16 units and CRLF as one or two
(:mod:`workbench.io.refi.positions` picks the reading).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from workbench.core.text import CONTROLS, drop_controls, normalise
from workbench.io.refi.names import ASTRAL, has_astral


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of counting positions in a stored text."""

    utf16: bool  # UTF-16 code units (characters outside the BMP count two) or code points
    crlf2: bool  # a CRLF line break counts two (as stored) or one

    def label(self, *, crlf: bool = True) -> str:
        """How this reading counts, for a message (``crlf``: say how it counts CRLF)."""
        unit = "UTF-16 code units" if self.utf16 else "code points"
        return f"{unit}, CRLF counted as {2 if self.crlf2 else 1}" if crlf else unit


CODE_POINTS = Reading(utf16=False, crlf2=True)  # the standard: code points of the file as stored
READINGS = (
    CODE_POINTS,
    Reading(utf16=False, crlf2=False),
    Reading(utf16=True, crlf2=True),
    Reading(utf16=True, crlf2=False),
)


class TextMap:
    """A stored text, its normalised form, and positions in one mapped onto the other.

    ``raw`` is the text as the file holds it, after decoding; leading BOMs are dropped here.
    A transcript has some 100,000 characters, so nothing here walks it character by character
    in Python: where normalising changes nothing, the map is the identity; otherwise it is kept
    as the few stretches whose length changed (:class:`_Stretches`), and a reading's units as
    the few characters that count other than one (:class:`_Units`).
    """

    def __init__(self, raw: str) -> None:
        raw = raw.lstrip("\ufeff")
        self.raw = raw
        self.has_astral = has_astral(raw)
        self.has_crlf = "\r\n" in raw
        self.text = normalise(raw)
        self._map = _normalisation_map(raw, self.text)
        self._units: dict[Reading, _Units | None] = {}

    def readings(self) -> list[Reading]:
        """The readings that can differ for this text (others count exactly alike)."""
        return [
            r
            for r in READINGS
            if (r.utf16 is False or self.has_astral) and (r.crlf2 is True or self.has_crlf)
        ]

    def size(self, reading: Reading) -> int:
        """The length of the stored text in ``reading``'s units."""
        units = self._unit_table(reading)
        return len(self.raw) if units is None else units.size

    def span(self, reading: Reading, start: int, end: int) -> tuple[int, int, bool]:
        """``[start, end)`` in ``reading`` as offsets of the normalised text.

        Returns ``(start, end, clamped)``; ``clamped`` tells that a position fell outside the
        text (it is then moved to the nearest end). A position inside a character (half of a
        surrogate pair, between CR and LF) moves outwards, so the span keeps the whole character.
        """
        return self.spans(reading, [(start, end)])[0]

    def spans(self, reading: Reading,
              positions: Sequence[tuple[int, int]]) -> list[tuple[int, int, bool]]:
        """:meth:`span` of every ``(start, end)`` in ``positions``."""
        units = self._unit_table(reading)
        size = len(self.raw) if units is None else units.size
        stretches = self._map
        out = []
        for start, end in positions:
            clamped = not (0 <= start <= size and 0 <= end <= size)
            if clamped:
                start = min(max(start, 0), size)
                end = min(max(end, 0), size)
            if units is not None:
                start, end = units.raw_span(start, end)
            if stretches is not None:
                start, end = stretches.floor(start), stretches.ceil(end)
            out.append((start, end, clamped))
        return out

    def _unit_table(self, reading: Reading) -> _Units | None:
        """How ``reading`` counts the raw text (``None`` when it counts code points)."""
        if reading not in self._units:
            astral = reading.utf16 and self.has_astral
            pairs = not reading.crlf2 and self.has_crlf
            self._units[reading] = _Units(self.raw, astral, pairs) if astral or pairs else None
        return self._units[reading]


_CRLF = re.compile("\r\n")
_BREAK = re.compile("(\r\n|\r|\n)")


class _Units:
    """Units of a reading that differ from code points, kept as segments of the raw text.

    A character outside the BMP counts two UTF-16 units; the CR of a CRLF pair counts none
    when the pair counts once. Between two such characters, units and raw indexes differ by
    a constant: segment ``k`` starts at raw index ``starts[k]``, ends at its last unit
    ``last_units[k]``, and there units = index + ``shifts[k]``.
    """

    def __init__(self, raw: str, astral: bool, pairs: bool) -> None:
        odd: list[tuple[int, int]] = []  # (raw index, units it counts beyond one)
        if astral:
            odd += [(m.start(), 1) for m in ASTRAL.finditer(raw)]
        if pairs:
            odd += [(m.start(), -1) for m in _CRLF.finditer(raw)]  # at the CR
        odd.sort()
        self.starts = [0] + [index + 1 for index, _ in odd]
        self.shifts = list(itertools.accumulate((extra for _, extra in odd), initial=0))
        ends = [index for index, _ in odd] + [len(raw)]
        self.last_units = [end + shift for end, shift in zip(ends, self.shifts, strict=True)]
        self.size = self.last_units[-1]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Units ``[start, end)`` (inside the text) as raw indexes, widened to whole characters."""
        raw_start, at = self._first_at_least(start)
        if at != start:  # inside a character: back to its start
            raw_start -= 1
        return raw_start, self._first_at_least(end)[0]

    def _first_at_least(self, unit: int) -> tuple[int, int]:
        """The first raw index at or after ``unit`` units, and its units."""
        k = bisect.bisect_left(self.last_units, unit)
        index = max(self.starts[k], unit - self.shifts[k])
        return index, index + self.shifts[k]


class _Stretches:
    """Raw offsets onto normalised ones, from the stretches whose length normalising changed.

    Each stretch ``raw[i:j]`` became ``size`` characters at normalised offset ``at``; outside
    them the offsets differ by a constant. A raw offset inside such a stretch maps to the
    stretch's start (:meth:`floor`) or its end (:meth:`ceil`).
    """

    def __init__(self, stretches: list[tuple[int, int, int]]) -> None:
        self.starts = [i for i, _, _ in stretches]
        self.rows: list[tuple[int, int, int, int]] = []  # (i, j, at, size)
        shift = 0
        for i, j, size in stretches:
            self.rows.append((i, j, i + shift, size))
            shift += size - (j - i)
        self.shift = shift  # normalised length - raw length

    def floor(self, index: int) -> int:
        return self._at(index, ceil=False)

    def ceil(self, index: int) -> int:
        return self._at(index, ceil=True)

    def _at(self, index: int, *, ceil: bool) -> int:
        k = bisect.bisect_right(self.starts, index) - 1
        if k < 0:
            return index
        i, j, at, size = self.rows[k]
        if index >= j:
            return index - j + at + size
        if index == i:
            return at
        return at + size if ceil else at


class _Scaled:
    """A rough map for the rare text whose composition our stretches cannot follow."""

    def __init__(self, raw_size: int, size: int) -> None:
        self.scale = size / max(1, raw_size)
        self.size = size

    def floor(self, index: int) -> int:
        return min(self.size, int(index * self.scale))

    ceil = floor


def _normalisation_map(raw: str, text: str) -> _Stretches | _Scaled | _Then | None:
    """How offsets of ``raw`` move in ``text`` (= ``normalise(raw)``); ``None``: they do not."""
    if raw == text:
        return None
    if CONTROLS.search(raw) is not None:
        dropped, kept = _dropped_controls(raw)
        rest = _normalisation_map(kept, text)
        return dropped if rest is None else _Then(dropped, rest)
    stretches = _changed_stretches(raw, text)
    if stretches is not None:
        found = _Stretches(stretches)
        if len(raw) + found.shift == len(text):
            return found
    return _Scaled(len(raw), len(text))


def _dropped_controls(raw: str) -> tuple[_Stretches, str]:
    """The first step of normalising ``raw``: control characters dropped (those that break a
    line become LF, keeping their length), with BOMs that this leaves at the start."""
    kept = drop_controls(raw)
    lead = _DROPPED_LEAD.match(raw)
    start = lead.end() if lead else 0
    stretches = [(0, start, 0)] if start else []
    stretches += [(m.start(), m.end(), len(drop_controls(m.group())))
                  for m in CONTROLS.finditer(raw, start)]
    stretches = [s for s in stretches if s[2] != s[1] - s[0]]
    return _Stretches(stretches), kept.lstrip("\ufeff")


#: What normalising drops from the start of a text: BOMs and controls that break no line.
_DROPPED_LEAD = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]*")


class _Then:
    """One map of offsets after another."""

    def __init__(self, first: _Stretches, second: _Stretches | _Scaled | _Then) -> None:
        self.first, self.second = first, second

    def floor(self, index: int) -> int:
        return self.second.floor(self.first.floor(index))

    def ceil(self, index: int) -> int:
        return self.second.ceil(self.first.ceil(index))


def _changed_stretches(raw: str, text: str) -> list[tuple[int, int, int]] | None:
    """``(i, j, size)``: each stretch ``raw[i:j]`` whose length ``size`` in ``text`` differs.

    A CRLF becomes one LF (a lone CR keeps its length). A line that NFC changes is compared
    with its line in ``text`` (:func:`_changed_in_line`). ``None`` when the lines do not
    agree (a composition across our cut points).
    """
    if raw.replace("\r\n", "\n").replace("\r", "\n") == text:  # only line breaks changed
        return [(m.start(), m.end(), 1) for m in _CRLF.finditer(raw)]
    parts = _BREAK.split(raw)  # lines at even places, the line breaks between them
    lines = text.split("\n")
    if len(lines) != (len(parts) + 1) // 2:
        return None
    found: list[tuple[int, int, int]] = []
    i = 0
    for k, part in enumerate(parts):
        if k % 2 and part == "\r\n":
            found.append((i, i + 2, 1))
        elif not k % 2 and part != lines[k // 2]:
            changed = _changed_in_line(raw, i, i + len(part), lines[k // 2])
            if changed is None:
                return None
            found += changed
        i += len(part)
    return found


def _changed_in_line(raw: str, i: int, j: int, want: str) -> list[tuple[int, int, int]] | None:
    """The stretches of ``raw[i:j]`` NFC changes the length of, given its NFC ``want``.

    Only each run of characters NFC may join (:func:`_joining`), with the character before
    it, is cut into the smallest stretches NFC composes on their own; ``None`` when those do
    not give ``want``.
    """
    found, rebuilt, done = [], [], i
    for run in _joining().finditer(raw, i, j):
        start = max(i, run.start() - 1)  # with the character they may join
        rebuilt.append(raw[done:start])
        for a, b, piece in _clusters(raw, start, run.end()):
            rebuilt.append(piece)
            if len(piece) != b - a:
                found.append((a, b, len(piece)))
        done = run.end()
    rebuilt.append(raw[done:j])
    return found if "".join(rebuilt) == want else None


@functools.cache
def _joining() -> re.Pattern[str]:
    """Runs of characters that NFC may join to what precedes them.

    Those are the combining marks, the second halves of canonical compositions (Hangul
    vowels and final consonants among them) and the characters with a canonical
    decomposition; every character outside the BMP is counted in too, which keeps the
    pattern fast (a table lookup) at the cost of a few needless looks. NFC leaves any other
    character as it is and never joins it to what precedes it, so the text before a run's
    base character needs no look. Built from the Unicode database on the first text not in
    NFC.
    """
    joining = {*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)}  # Hangul V and T jamo
    for code in range(0x300, 0x10000):
        char = chr(code)
        parts = unicodedata.decomposition(char).split()
        if parts and not parts[0].startswith("<"):
            joining.add(code)
            if len(parts) == 2:
                joining.add(int(parts[1], 16))
        elif unicodedata.combining(char):
            joining.add(code)
    ranges = ["\U00010000-\U0010ffff"]
    for _, group in itertools.groupby(enumerate(sorted(joining)), lambda x: x[1] - x[0]):
        codes = [code for _, code in group]
        ranges.append(f"{chr(codes[0])}-{chr(codes[-1])}")
    return re.compile(f"[{''.join(ranges)}]+")


def _clusters(raw: str, i: int, stop: int) -> Iterator[tuple[int, int, str]]:
    """The stretches of ``raw[i:stop]`` that NFC composes, each with its NFC form."""
    while i < stop:
        j = i + 1
        while j < stop and _joins(raw, i, j):
            j += 1
        yield i, j, unicodedata.normalize("NFC", raw[i:j])
        i = j


def _joins(raw: str, i: int, j: int) -> bool:
    """True when ``raw[j]`` must be normalised together with the stretch ``raw[i:j]``."""
    ch = raw[j]
    if ch in "\r\n" or ord(ch) < 0x300:
        return False
    if unicodedata.combining(ch):
        return True
    stretch = raw[i:j]
    nfc = unicodedata.normalize
    return nfc("NFC", stretch + ch) != nfc("NFC", stretch) + nfc("NFC", ch)
