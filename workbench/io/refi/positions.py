"""Text positions of REFI-QDA selections: which unit a file counts in, and where that lands.

The standard counts Unicode code points in the plain-text file, half-open. Real tools differ
(NOTES.md §4): NVivo counts UTF-16 code units with CRLF as two, QualCoder UTF-16 units over
LF text, ATLAS.ti is said to count CRLF as one. So for each source we try four readings,
{code points, UTF-16 units} × {CRLF as 1, CRLF as 2}, over the text as it is stored in the file
(the BOM never counts), map every position onto our normalised text (CRLF → LF, NFC) and keep
the reading under which the selections fit best:

1. most selections whose ``name`` shows their text match it;
2. then fewest positions outside the text;
3. then most selection ends on word boundaries (a reading in the wrong unit cuts words);
4. then the producer's habit (``origin``): NVivo → UTF-16 with CRLF = 2, QualCoder → UTF-16,
   ATLAS.ti → code points with CRLF = 1, anything else → code points as the standard says.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.core.text import normalise
from workbench.io.refi.names import squash


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of counting positions in a stored text."""

    utf16: bool  # UTF-16 code units (characters outside the BMP count two) or code points
    crlf2: bool  # a CRLF line break counts two (as stored) or one

    def label(self) -> str:
        unit = "UTF-16 code units" if self.utf16 else "code points"
        return f"{unit}, CRLF counted as {2 if self.crlf2 else 1}"


CODE_POINTS = Reading(utf16=False, crlf2=True)  # the standard: code points of the file as stored
READINGS = (
    CODE_POINTS,
    Reading(utf16=False, crlf2=False),
    Reading(utf16=True, crlf2=True),
    Reading(utf16=True, crlf2=False),
)


@dataclass(frozen=True, slots=True)
class Selection:
    """What detection needs of a selection: its stored positions and its ``name``."""

    start: int
    end: int
    name: str = ""


class TextMap:
    """A stored text, its normalised form, and positions in one mapped onto the other.

    ``raw`` is the text as the file holds it, after decoding; leading BOMs are dropped here.
    """

    def __init__(self, raw: str) -> None:
        raw = raw.lstrip("\ufeff")
        self.raw = raw
        self.has_astral = any(ord(ch) > 0xFFFF for ch in raw) if not raw.isascii() else False
        self.has_crlf = "\r\n" in raw
        self.text, self._floor, self._ceil = _normalise_with_map(raw)
        self._units: dict[Reading, list[int] | None] = {}

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
        return len(self.raw) if units is None else units[-1]

    def span(self, reading: Reading, start: int, end: int) -> tuple[int, int, bool]:
        """``[start, end)`` in ``reading`` as offsets of the normalised text.

        Returns ``(start, end, clamped)``; ``clamped`` tells that a position fell outside the
        text (it is then moved to the nearest end). A position inside a character (half of a
        surrogate pair, between CR and LF) moves outwards, so the span keeps the whole character.
        """
        size = self.size(reading)
        clamped = not (0 <= start <= size and 0 <= end <= size)
        start = min(max(start, 0), size)
        end = min(max(end, 0), size)
        units = self._unit_table(reading)
        if units is None:
            raw_start, raw_end = start, end
        else:
            raw_start = bisect.bisect_left(units, start)
            if units[raw_start] != start:
                raw_start -= 1
            raw_end = bisect.bisect_left(units, end)
        return self._floor[raw_start], self._ceil[raw_end], clamped

    def _unit_table(self, reading: Reading) -> list[int] | None:
        """Units before each raw index (``None`` when they equal the index)."""
        if reading in self._units:
            return self._units[reading]
        table: list[int] | None = None
        if (reading.utf16 and self.has_astral) or (not reading.crlf2 and self.has_crlf):
            table = [0] * (len(self.raw) + 1)
            raw = self.raw
            total = 0
            for i, ch in enumerate(raw):
                table[i] = total
                if ch == "\r" and not reading.crlf2 and raw.startswith("\n", i + 1):
                    continue  # CR of a CRLF pair: the pair counts once (on the LF)
                total += 2 if reading.utf16 and ord(ch) > 0xFFFF else 1
            table[len(raw)] = total
        self._units[reading] = table
        return table


def _normalise_with_map(raw: str) -> tuple[str, list[int], list[int]]:
    """``normalise(raw)`` with, for every raw boundary, the normalised offset before and after.

    Where normalising changes a stretch's length (CRLF → LF, a decomposed letter composed by
    NFC), a boundary inside the stretch maps to its start (floor) or its end (ceil).
    """
    n = len(raw)
    floor = list(range(n + 1))
    if raw.isascii() and "\r" not in raw:
        return raw, floor, list(floor)
    ceil = list(floor)
    nfc = unicodedata.is_normalized("NFC", raw)
    pieces: list[str] = []
    out = 0
    i = 0
    while i < n:
        if raw[i] == "\r":
            j = i + 2 if raw.startswith("\n", i + 1) else i + 1
            piece = "\n"
        elif nfc:  # nothing to compose: the stretch up to the next CR stays as it is
            j = raw.find("\r", i)
            j = n if j == -1 else j
            piece = raw[i:j]
        else:
            j = i + 1
            while j < n and _joins(raw, i, j):
                j += 1
            piece = unicodedata.normalize("NFC", raw[i:j])
        size = len(piece)
        if size == j - i:
            if out != i:  # the lists start as the identity: only shifted stretches change
                floor[i : j + 1] = ceil[i : j + 1] = range(out, out + size + 1)
        else:
            floor[i] = ceil[i] = out
            floor[i + 1 : j] = [out] * (j - i - 1)
            ceil[i + 1 : j] = [out + size] * (j - i - 1)
        pieces.append(piece)
        out += size
        i = j
    floor[n] = ceil[n] = out
    text = "".join(pieces)
    expected = normalise(raw)
    if text != expected:  # a composition across our cut points: keep the text, map roughly
        scale = len(expected) / max(1, n)
        floor = [min(len(expected), int(k * scale)) for k in range(n + 1)]
        return expected, floor, list(floor)
    return text, floor, ceil


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


# --------------------------------------------------------------------------- detection

_ELLIPSIS = re.compile(r"(…|\.\.\.)$")


def name_matches(name: str, covered: str) -> bool:
    """True when a selection's ``name`` shows the text it covers (maybe cut, with "…")."""
    wanted = squash(unicodedata.normalize("NFC", name))
    if not wanted:
        return False
    have = squash(covered)
    cut = _ELLIPSIS.search(wanted)
    if cut:
        wanted = wanted[: cut.start()].rstrip()
        return bool(wanted) and have.startswith(wanted)
    return have == wanted or (len(wanted) >= 20 and have.startswith(wanted))


def _ends_on_word_edges(text: str, start: int, end: int) -> int:
    """0, 1 or 2: how many ends of ``text[start:end]`` sit where a person would put them.

    A good start is on a non-space character that does not continue a word; a good end follows
    a non-space character and does not cut a word. (A span shifted by one unit either cuts a
    word or begins or ends on a space.)
    """
    size = len(text)
    good_start = start >= size or (
        not text[start].isspace() and (start == 0 or not _wordy(text[start - 1]))
    )
    good_end = end <= 0 or (
        not text[end - 1].isspace() and (end >= size or not _wordy(text[end]))
    )
    return int(good_start) + int(good_end)


def _wordy(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def preferred(origin: str) -> list[Reading]:
    """Readings in the order a producer's habits make likely (for ties)."""
    low = origin.casefold()
    if "nvivo" in low:
        first = [Reading(True, True), Reading(True, False)]
    elif "qualcoder" in low:
        first = [Reading(True, False), Reading(True, True)]
    elif "atlas" in low:
        first = [Reading(False, False)]
    else:
        first = [CODE_POINTS]
    return first + [r for r in READINGS if r not in first]


@dataclass(frozen=True, slots=True)
class Choice:
    """The reading picked for one source, and why."""

    reading: Reading
    reason: str
    mattered: bool  # False when every reading gives the same positions


def choose_reading(tmap: TextMap, selections: Sequence[Selection], origin: str) -> Choice:
    """Pick the reading under which ``selections`` fit ``tmap`` best (see the module doc)."""
    order = preferred(origin)
    candidates = sorted(tmap.readings(), key=order.index)
    if len(candidates) == 1 or not selections:
        return Choice(candidates[0], "only one reading possible", False)
    scored: list[tuple[tuple[int, int, int], Reading, list[tuple[int, int]]]] = []
    for reading in candidates:
        named = outside = edges = 0
        spans = []
        for sel in selections:
            start, end, clamped = tmap.span(reading, sel.start, sel.end)
            spans.append((start, end))
            outside += clamped
            if sel.name and name_matches(sel.name, tmap.text[start:end]):
                named += 1
            edges += _ends_on_word_edges(tmap.text, start, end)
        scored.append(((named, -outside, edges), reading, spans))
    if all(spans == scored[0][2] for _, _, spans in scored):
        return Choice(candidates[0], "every reading gives the same positions", False)
    best = max(score for score, _, _ in scored)
    winners = [reading for score, reading, _ in scored if score == best]
    runner_up = max((score for score, _, _ in scored if score != best), default=None)
    reading = winners[0]
    if len(winners) > 1:
        why = f"the habit of {origin or 'an unknown producer'}"
    elif runner_up is None or best[0] != runner_up[0]:
        why = f"{best[0]} of {len(selections)} selection names match the text"
    elif best[1] != runner_up[1]:
        why = "no position falls outside the text" if best[1] == 0 else "fewest positions outside"
    else:
        why = f"{best[2]} of {2 * len(selections)} selection ends fall on word boundaries"
    return Choice(reading, why, True)
