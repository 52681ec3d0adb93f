"""Candidate names to review before pseudonymising: capitalised words inside sentences.

A word (Latin or Cyrillic letters, with inner hyphens or apostrophes) is a candidate when it
starts with a capital letter somewhere that is not a sentence start (not after ``.!?…`` and a
space, not at the start of a line or turn, not right after a speaker label ``Name:``, not
opening quoted speech after a colon) and the study never writes it in lower case (which would
make it a common word). Every occurrence of a candidate is counted, sentence starts included,
since a name there needs replacing too. Memos are read for lower-case words only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench.core.project import Project
from workbench.core.turns import speaker_of

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
#: What may stand between a sentence end and the next word: spaces, quotes, brackets, dashes.
_OPENERS = set(" \t\"'«»“”„‘’([{—–-*")
_ENDS = set(".!?…")
_QUOTES = set("\"'«“„‘")
#: Capitalised in English wherever they stand.
_ALWAYS_CAPITAL = {"i", "i'm", "i’m", "i've", "i’ve", "i'd", "i’d", "i'll", "i’ll", "ok"}


@dataclass
class Candidate:
    """A word to review: how often it stands in the study, where, and one line around it."""

    name: str
    count: int = 0
    documents: list[str] = field(default_factory=list)
    context: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "count": self.count,
            "documents": list(self.documents),
            "context": self.context,
        }


def candidate_names(project: Project) -> list[Candidate]:
    """The candidates in the project's documents, most frequent first."""
    lower: set[str] = set()
    occurrences: dict[str, list[tuple[str, str, int, int, bool]]] = {}
    texts = [(d.name, d.text) for d in project.documents.all()]
    for memo in project.memos.all():
        for match in _WORD.finditer(memo.text):
            if match.group()[0].islower():
                lower.add(match.group().casefold())
    for doc_name, text in texts:
        starts = _label_ends(text)
        for match in _WORD.finditer(text):
            word = match.group()
            if word[0].islower():
                lower.add(word.casefold())
                continue
            if not word[0].isupper() or len(word) < 2 or word.casefold() in _ALWAYS_CAPITAL:
                continue
            mid = not _sentence_start(text, match.start(), starts)
            occurrences.setdefault(word.casefold(), []).append(
                (doc_name, text, match.start(), match.end(), mid)
            )
    found: list[Candidate] = []
    for key, hits in occurrences.items():
        if key in lower or not any(mid for *_, mid in hits):
            continue
        doc_name, text, start, end, _ = next(h for h in hits if h[4])
        candidate = Candidate(name=text[start:end], count=len(hits))
        for name, *_ in hits:
            if name not in candidate.documents:
                candidate.documents.append(name)
        candidate.context = _context(text, start, end)
        found.append(candidate)
    found.sort(key=lambda c: (-c.count, c.name.casefold()))
    return found


def _label_ends(text: str) -> set[int]:
    """Offsets just after each speaker label (``Name:`` / ``[Name]``) at a line start."""
    ends: set[int] = set()
    pos = 0
    for line in text.split("\n"):
        if speaker_of(line):
            colon = re.match(r"^[ \t]*(?:\[[^\]\n]*\][ \t]*:?|[^:\n]*:)", line)
            if colon:
                ends.add(pos + colon.end())
        pos += len(line) + 1
    return ends


def _sentence_start(text: str, start: int, label_ends: set[int]) -> bool:
    """True when the word at ``start`` opens a sentence, a line or a speaker's turn."""
    pos = start
    quoted = False
    while pos > 0 and text[pos - 1] in _OPENERS:
        if pos in label_ends:
            return True
        pos -= 1
        quoted = quoted or text[pos] in _QUOTES
    if pos == 0 or pos in label_ends or text[pos - 1] == "\n":
        return True
    return text[pos - 1] in _ENDS or (quoted and text[pos - 1] == ":")  # said: «Direct speech


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    """One line around ``text[start:end]``, line breaks shown as spaces."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    line = " ".join(f"{left}{text[start:end]}{right}".split())
    prefix = "…" if start > width else ""
    suffix = "…" if end + width < len(text) else ""
    return f"{prefix}{line}{suffix}"
