"""Text positions of REFI-QDA selections: which unit a file counts in, and where that lands.

The standard counts Unicode code points in the plain-text file, half-open. Real tools differ
(measured on their files): NVivo counts UTF-16 code units with CRLF as two, QualCoder UTF-16
units over LF text, ATLAS.ti is said to count CRLF as one. So for each source we try four
readings, {code points, UTF-16 units} × {CRLF as 1, CRLF as 2}, over the text as it is stored in
the file (the BOM never counts), map every position onto our normalised text (CRLF → LF, NFC)
and keep the reading under which the selections fit best:

1. most selections whose ``name`` shows their text match it;
2. then fewest positions outside the text;
3. then most selection ends on word boundaries (a reading in the wrong unit cuts words);
4. then the producer's habit (``origin``): NVivo → UTF-16 with CRLF = 2, QualCoder → UTF-16,
   ATLAS.ti → code points with CRLF = 1, anything else → code points as the standard says.

The mapping itself is :class:`~workbench.io.refi.textmap.TextMap` (re-exported here).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.io.refi.names import squash
from workbench.io.refi.textmap import CODE_POINTS, READINGS, Reading, TextMap

__all__ = [
    "CODE_POINTS", "READINGS", "Choice", "Reading", "Selection", "TextMap", "choose_reading",
    "name_matches", "preferred",
]


@dataclass(frozen=True, slots=True)
class Selection:
    """What detection needs of a selection: its stored positions and its ``name``."""

    start: int
    end: int
    name: str = ""


# --------------------------------------------------------------------------- detection

_ELLIPSIS = re.compile(r"(…|\.\.\.)$")


def name_matches(name: str, covered: str) -> bool:
    """True when a selection's ``name`` shows the text it covers (maybe cut, with "…")."""
    return _shows(_wanted(name), covered)


def _wanted(name: str) -> tuple[str, bool] | None:
    """What a selection's ``name`` says it covers: (text, whether it was cut); ``None``: no name."""
    wanted = squash(unicodedata.normalize("NFC", name))
    if not wanted:
        return None
    cut = _ELLIPSIS.search(wanted)
    if cut:
        return wanted[: cut.start()].rstrip(), True
    return wanted, False


def _shows(wanted: tuple[str, bool] | None, covered: str) -> bool:
    """:func:`name_matches` with the name already read by :func:`_wanted`."""
    if wanted is None:
        return False
    text, cut = wanted
    if cut:
        return bool(text) and squash(covered).startswith(text)
    have = squash(covered)
    return have == text or (len(text) >= 20 and have.startswith(text))


def _exactly(wanted: tuple[str, bool] | None, covered: str) -> bool:
    """True when an uncut name is the whole text it covers (not only its beginning)."""
    return wanted is not None and not wanted[1] and squash(covered) == wanted[0]


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
    """Pick the reading under which ``selections`` fit ``tmap`` best (see the module doc).

    Word edges (the third rule) are only counted for the readings tied on the first two.
    """
    order = preferred(origin)
    candidates = sorted(tmap.readings(), key=order.index)
    if len(candidates) == 1 or not selections:
        return Choice(candidates[0], "only one reading possible", False)
    positions = [(sel.start, sel.end) for sel in selections]
    wanted = [_wanted(sel.name) if sel.name else None for sel in selections]
    spans = {reading: tmap.spans(reading, positions) for reading in candidates}
    first = spans[candidates[0]]
    if all([s[:2] for s in spans[r]] == [s[:2] for s in first] for r in candidates[1:]):
        return Choice(candidates[0], "every reading gives the same positions", False)
    text = tmap.text
    # reading -> (names that match, names that match exactly, -positions outside)
    fit: dict[Reading, tuple[int, int, int]] = {}
    for reading in candidates:
        found = spans[reading]
        covered = [text[a:b] for a, b, _ in found]
        named = sum(_shows(w, c) for w, c in zip(wanted, covered, strict=True))
        exact = sum(_exactly(w, c) for w, c in zip(wanted, covered, strict=True))
        fit[reading] = (named, exact, -sum(clamped for _, _, clamped in found))
    top = max(fit.values())
    tied = [r for r in candidates if fit[r] == top]
    reading = tied[0]
    if len(tied) == 1:
        runner_up = max(v for r, v in fit.items() if r != reading)
        if top[0] != runner_up[0]:
            why = f"{top[0]} of {len(selections)} selection names match the text"
        elif top[1] != runner_up[1]:
            why = f"{top[1]} of {len(selections)} selection names match the text exactly"
        elif top[2] == 0:
            why = "no position falls outside the text"
        else:
            why = "fewest positions outside"
        return Choice(reading, why, True)
    edges = {r: sum(_ends_on_word_edges(text, a, b) for a, b, _ in spans[r]) for r in tied}
    most = max(edges.values())
    winners = [r for r in tied if edges[r] == most]
    if len(winners) > 1:
        return Choice(winners[0], f"the habit of {origin or 'an unknown producer'}", True)
    why = f"{most} of {2 * len(selections)} selection ends fall on word boundaries"
    return Choice(winners[0], why, True)
