"""Moving an edge of a coding by one word: what the keys that fix a coding's span compute.

Offsets are code points of the document's normalised text, half-open. An edge always lands on
a word's edge (:mod:`workbench.core.words`) and never inside a speaker label: it steps over a
label to the words on its other side, so a coding grown across a turn takes in the words of
the turn before (or after) it, never the label at its edge.
"""

from __future__ import annotations

from typing import Literal

from workbench.core.turns import Turns
from workbench.core.words import (
    is_word_end,
    is_word_start,
    next_word_end,
    next_word_start,
    previous_word_end,
    previous_word_start,
)

Edge = Literal["start", "end"]


def moved_edge(
    text: str, turns: Turns, start: int, end: int, edge: Edge, step: int
) -> tuple[int, int] | None:
    """``[start, end)`` with its ``edge`` moved one word earlier (``step`` -1) or later (1).

    The start goes to the start of the word before it (growing the span) or after it
    (shrinking); the end to the end of the word after it (growing) or before it (shrinking).
    ``None`` when there is no such word, or the span would hold no word.
    """
    if edge == "start":
        found = _start_back(text, turns, start) if step < 0 else _start_on(text, turns, start, end)
        return None if found is None else (found, end)
    found = _end_on(text, turns, end) if step > 0 else _end_back(text, turns, start, end)
    return None if found is None else (start, found)


def _start_back(text: str, turns: Turns, start: int) -> int | None:
    found = previous_word_start(text, start)
    while (label := turns.label_at(found)) is not None:
        if label[0] == 0:
            return None
        found = previous_word_start(text, label[0])
    if found >= start or not is_word_start(text, found):
        return None
    return found


def _start_on(text: str, turns: Turns, start: int, end: int) -> int | None:
    found = next_word_start(text, start)
    while found < end and (label := turns.label_at(found)) is not None:
        found = label[1] if is_word_start(text, label[1]) else next_word_start(text, label[1])
    return found if found < end else None


def _end_on(text: str, turns: Turns, end: int) -> int | None:
    found = next_word_end(text, end - 1)
    while is_word_end(text, found) and (label := turns.label_at(found - 1)) is not None:
        found = next_word_end(text, label[1] - 1)
    if found <= end or not is_word_end(text, found):
        return None
    return found


def _end_back(text: str, turns: Turns, start: int, end: int) -> int | None:
    found = previous_word_end(text, end)
    while found > start and (label := turns.label_at(found - 1)) is not None:
        found = previous_word_end(text, label[0])
    if found <= start or not is_word_end(text, found):
        return None
    return found
