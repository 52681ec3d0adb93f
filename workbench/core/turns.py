"""Paragraphs and speaker turns of a normalised text.

A paragraph is one non-empty line. A line that begins with a speaker label, ``Name:`` or
``[Name]``, starts a turn by that speaker; the label is kept in the text, so offsets never move.
"""

from __future__ import annotations

import re

from workbench.core.model import Paragraph

# "Interviewer:", "Respondent 3:", "R3:", "Айгерим:", "Dr. Smith:" (up to four capitalised words),
# or "[Interviewer]" / "[Speaker 1]:" at the start of a line.
_COLON_LABEL = re.compile(
    r"^[ \t]*(?P<name>[^\W\d_][\w.'’\-]*(?:[ \t][\w.'’\-]+){0,3}?)[ \t]*:(?=[ \t]|$)"
)
_BRACKET_LABEL = re.compile(r"^[ \t]*\[(?P<name>[^\]\n]{1,40})\][ \t]*:?")
_TIMESTAMP_WORDS = re.compile(r"^\d")


def speaker_of(line: str) -> str | None:
    """The speaker label a line starts with, or ``None``."""
    match = _BRACKET_LABEL.match(line) or _COLON_LABEL.match(line)
    if not match:
        return None
    name = match.group("name").strip()
    if not name or len(name) > 40 or _TIMESTAMP_WORDS.match(name):
        return None
    if match.re is _COLON_LABEL and not all(w[0].isupper() or w[0].isdigit() for w in name.split()):
        return None  # "so I said: no" is speech, not a label
    return name


def paragraphs_of(text: str) -> list[Paragraph]:
    """One :class:`Paragraph` per non-empty line, with its speaker when it has a label."""
    out: list[Paragraph] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            out.append(Paragraph(pos, end, speaker_of(line)))
        pos = end + 1
    return out
