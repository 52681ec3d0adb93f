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

from workbench.analysis.attribution import attribution
from workbench.io.writeup.language import language_of, marks_for, nested, unquoted

if TYPE_CHECKING:
    from workbench.core.model import Coding
    from workbench.core.project import Project
    from workbench.core.turns import Turns

#: A segment of fewer words than this is quoted with its sentence.
IN_VIVO_WORDS = 4
#: The sentence around an in-vivo segment shows at most this many characters on each side.
CONTEXT_CHARS = 160
#: A speaker label is looked for in this many characters at the start of a line.
LABEL_CHARS = 80
# a sentence ends at . ! ? or … (with any closing marks after it) before a space
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*$")


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


#: Punctuation a selection may end (or begin) with that a quote does not keep: a sentence's
#: own end (. ! ? …) stays.
DANGLING = ",;:–—- \t\n"


def quote_label(project: Project, coding: Coding, attrs: Sequence[str],
                with_time: bool = False) -> str:
    """Whose words these are (:func:`workbench.analysis.attribution.attribution`):
    ``Respondent 5``, with the chosen case attributes after it (``Respondent 5, she/her,
    Almaty``); an interviewer's words as theirs; a document without a case named by itself."""
    doc = project.documents[coding.document]
    segment = project.codings.segment(coding)
    return attribution(project, doc, segment, attrs=attrs, with_time=with_time)


def quote_of(project: Project, coding: Coding, attrs: Sequence[str], *,
             with_time: bool = False) -> Quote:
    """The quote of a coded segment: its text without a speaker label and without a comma,
    colon or dash left dangling at its ends (or, when it is shorter than
    :data:`IN_VIVO_WORDS` words, its sentence), label, marks and language."""
    doc = project.documents[coding.document]
    segment = project.codings.segment(coding)  # never the speaker label
    raw = segment.text
    text = raw.strip()
    coded: tuple[int, int] | None = None
    if text and len(text.split()) < IN_VIVO_WORDS:
        first = segment.start + len(raw) - len(raw.lstrip())  # the coded words in the text
        last = first + len(text)
        turns = project.documents.turns(doc)
        begin, finish, cut_before, cut_after = sentence_around(doc.text, first, last, turns)
        if (begin, finish) != (first, last):
            lead, trail = ("…" if cut_before else ""), ("…" if cut_after else "")
            coded = (len(lead) + first - begin, len(lead) + last - begin)
            text = lead + doc.text[begin:finish] + trail
    if coded is None:
        text = unquoted(text.strip(DANGLING).strip())
    language = language_of(text)
    opening, closing = marks_for(language)
    text = nested(text, opening)  # the same length: the coded span stays where it is
    label = attribution(project, doc, segment, attrs=attrs, with_time=with_time)
    return Quote(text, label, opening, closing, language, coded)


def sentence_around(text: str, start: int, end: int,
                    turns: Turns | None = None) -> tuple[int, int, bool, bool]:
    """The sentence holding ``text[start:end]``: ``(begin, finish, cut_before, cut_after)``.

    It runs from the end of the sentence before (or the start of the words of the line, after
    a speaker label) to the next sentence end (or the line's end); at most
    :data:`CONTEXT_CHARS` characters on each side are kept, cut at a space (``cut_before`` /
    ``cut_after`` say so). Only those characters are read, however long the line.
    """
    floor = _utterance_start(text, start, turns)
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


def _utterance_start(text: str, offset: int, turns: Turns | None) -> int:
    """Where the words of the line holding ``offset`` begin (after a speaker label of
    ``turns``); a line that starts further back than a quote's context reaches counts from
    there."""
    reach = max(0, offset - CONTEXT_CHARS - LABEL_CHARS)
    newline = text.rfind("\n", reach, offset)
    if newline < 0 and reach > 0:
        return reach
    line_start = newline + 1
    label = turns.label_at(line_start) if turns is not None else None
    if label is not None and label[1] <= offset:
        words = label[1]
        while words < offset and text[words] in " \t":
            words += 1
        return words
    return line_start
