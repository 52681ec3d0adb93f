"""A coded segment as a quote in a write-up: its words, who said them, and its quotation marks.

:func:`quote_label` is the one place that says whose words a quote is; :func:`quote_of` puts a
short in-vivo segment (a word or two, coded for the respondent's own phrase) in its sentence,
with the coded words marked, so the reader sees what was meant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.core.turns import speaker_of
from workbench.io.writeup.language import language_of, marks_for, nested, unquoted

if TYPE_CHECKING:
    from workbench.core.model import Coding
    from workbench.core.project import Project

#: A segment of fewer words than this is quoted with its sentence.
IN_VIVO_WORDS = 4
#: The sentence around an in-vivo segment shows at most this many characters on each side.
CONTEXT_CHARS = 160
#: A speaker label is looked for in this many characters at the start of a line.
LABEL_CHARS = 80
# a sentence ends at . ! ? or … (with any closing marks after it) before a space
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*$")
_LABEL = re.compile(r"[ \t]*(?:\[[^\]\n]{1,40}\][ \t]*:?|[^:\n]{1,60}:)[ \t]*")


@dataclass(slots=True)
class Quote:
    """A quote: ``text`` between ``opening`` and ``closing`` marks, then ``(label)``.

    ``coded`` marks the coded words within ``text`` when the quote is a short segment given
    with its sentence (``None``: the whole text is the coded segment). ``language`` is the
    text's (``"ru"``, ``"kk"``, ``"en"`` or ``None``).
    """

    text: str
    label: str
    opening: str = "“"
    closing: str = "”"
    language: str | None = None
    coded: tuple[int, int] | None = None

    def parts(self) -> list[tuple[str, bool]]:
        """The text as ``(piece, coded)`` pieces: the coded words of an in-vivo quote apart."""
        if self.coded is None:
            return [(self.text, False)]
        start, end = self.coded
        pieces = [(self.text[:start], False), (self.text[start:end], True),
                  (self.text[end:], False)]
        return [p for p in pieces if p[0]]


def quote_label(project: Project, coding: Coding, attrs: Sequence[str]) -> str:
    """Whose words these are: ``Respondent 5``, with the chosen case attributes after it
    (``Respondent 5, she/her, Almaty``); a document without a case is named by itself."""
    doc = project.documents[coding.document]
    case = project.cases.of(doc)
    if case is None:
        return doc.name
    values = [case.attributes[a] for a in attrs if case.attributes.get(a)]
    return ", ".join([case.name, *values])


def quote_of(project: Project, coding: Coding, attrs: Sequence[str]) -> Quote:
    """The quote of a coded segment: its text (or, when it is shorter than
    :data:`IN_VIVO_WORDS` words, its sentence), label, marks and language."""
    doc = project.documents[coding.document]
    raw = doc.text[coding.start:coding.end]
    text = raw.strip()
    coded: tuple[int, int] | None = None
    if text and len(text.split()) < IN_VIVO_WORDS:
        first = coding.start + len(raw) - len(raw.lstrip())  # the coded words in the text
        last = first + len(text)
        begin, finish, cut_before, cut_after = sentence_around(doc.text, first, last)
        if (begin, finish) != (first, last):
            lead, trail = ("…" if cut_before else ""), ("…" if cut_after else "")
            coded = (len(lead) + first - begin, len(lead) + last - begin)
            text = lead + doc.text[begin:finish] + trail
    if coded is None:
        text = unquoted(text)
    language = language_of(text)
    opening, closing = marks_for(language)
    text = nested(text, opening)  # the same length: the coded span stays where it is
    return Quote(text, quote_label(project, coding, attrs), opening, closing, language, coded)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int, bool, bool]:
    """The sentence holding ``text[start:end]``: ``(begin, finish, cut_before, cut_after)``.

    It runs from the end of the sentence before (or the start of the words of the line, after
    a speaker label) to the next sentence end (or the line's end); at most
    :data:`CONTEXT_CHARS` characters on each side are kept, cut at a space (``cut_before`` /
    ``cut_after`` say so). Only those characters are read, however long the line.
    """
    floor = _utterance_start(text, start)
    window = max(floor, start - CONTEXT_CHARS)
    begin = None
    for match in _SENTENCE_END.finditer(text, window, start):
        begin = match.end()
    cut_before = begin is None and window > floor
    if begin is None:
        space = text.find(" ", window, start) if cut_before else -1
        begin = space + 1 if space >= 0 else window
    while begin < start and text[begin].isspace():
        begin += 1
    line_end = text.find("\n", end, end + CONTEXT_CHARS + 1)
    ceiling = end + CONTEXT_CHARS if line_end < 0 else line_end
    ceiling = min(ceiling, len(text))
    if _ENDS_SENTENCE.search(text, start, end):
        return begin, end, cut_before, False  # the segment ends its sentence itself
    found = _SENTENCE_END.search(text[end:ceiling] + " ")
    finish = end + found.end() if found else ceiling
    while finish > end and text[finish - 1].isspace():
        finish -= 1
    cut_after = found is None and ceiling < len(text) and text[ceiling] != "\n"
    if cut_after:
        space = text.rfind(" ", end, ceiling)
        finish = space if space >= end else ceiling
    return begin, finish, cut_before, cut_after


def _utterance_start(text: str, offset: int) -> int:
    """Where the words of the line holding ``offset`` begin (after a speaker label); a line
    that starts further back than a quote's context reaches counts from there."""
    reach = max(0, offset - CONTEXT_CHARS - LABEL_CHARS)
    newline = text.rfind("\n", reach, offset)
    if newline < 0 and reach > 0:
        return reach
    line_start = newline + 1
    head = text[line_start:line_start + LABEL_CHARS].split("\n", 1)[0]
    if speaker_of(head) is not None:
        match = _LABEL.match(head)
        if match and line_start + match.end() <= offset:
            return line_start + match.end()
    return line_start
