"""Search the whole study and code what was found.

:func:`search` finds a word, a phrase or a regular expression in every document and returns
keyword-in-context hits whose offsets are those of every coding (code points,
``text[start:end]`` is the match). Hits never include a speaker label and carry the speaker,
role and time of their turn. :func:`code_every_hit` codes the hits (or their words, sentences,
turns or paragraphs) as one undoable step, through the one path that extends a coding rather
than double counting.

Case-insensitive matching relies on ``re.IGNORECASE``, which folds Unicode letters one to one
(Cyrillic, Greek, Kazakh letters...), so offsets always point into the original text; the text
is never case-folded first, because folding can change its length ("ß" -> "ss").
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from workbench.core.turns import ROLES
from workbench.core.words import sentence_at, snap_to_words, trim_whitespace
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.model import Document
    from workbench.core.project import Project
    from workbench.core.turns import Turns

#: Characters of context on each side of a hit.
CONTEXT = 40


@dataclass(frozen=True, slots=True)
class Hit:
    """One match: ``document`` text ``[start:end]`` on 1-based ``line``, with its context and
    the speaker, role and time of the turn it is in. A match never includes a speaker label:
    one that begins in a label starts at the utterance, one inside a label is no match."""

    document: str  # document name
    document_id: str
    case: str | None  # case name
    line: int
    start: int
    end: int
    text: str
    before: str
    after: str
    speaker: str | None = None
    role: str | None = None
    time: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The hit as a JSON-ready dictionary."""
        return asdict(self)


#: The roles whose hits "code every hit" codes unless other roles are asked for: the
#: respondents' words, and text without speaker labels (field notes: the case's own).
RESPONDENT_WORDS = ("respondent", None)


def respondents_words(hit: Hit) -> bool:
    """A hit in a respondent's turn, or in text without speakers."""
    return hit.role in RESPONDENT_WORDS


#: How far "code every hit" may widen each hit before coding it.
WIDEN = ("word", "sentence", "turn", "paragraph")


@dataclass(frozen=True, slots=True)
class CodedHits:
    """What coding the hits did: new codings, codings that grew to take a hit in, and hits
    that were already coded (inside a coding of that code by that coder)."""

    code: str  # the code's path
    added: int = 0
    extended: int = 0
    unchanged: int = 0

    def to_json(self) -> dict[str, Any]:
        """The counts as a JSON-ready dictionary."""
        return asdict(self)


def compile_pattern(
    pattern: str, *, regex: bool = False, case_sensitive: bool = False
) -> re.Pattern:
    """The compiled search; a bad regular expression or an empty pattern is a WorkbenchError."""
    if pattern == "":
        raise WorkbenchError("the search pattern is empty")
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        return re.compile(pattern if regex else re.escape(pattern), flags)
    except re.error as exc:
        raise WorkbenchError(f"{pattern!r} is not a valid regular expression: {exc}") from None


def one_line(text: str) -> str:
    """Context shown on one line: line breaks and tabs become spaces."""
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def search(
    project: Project,
    pattern: str,
    *,
    regex: bool = False,
    case_sensitive: bool = False,
    documents: list[Document] | None = None,
    roles: Collection[str] | None = None,
) -> list[Hit]:
    """Every match of ``pattern`` in the documents (default all, in import order).

    Without ``regex`` the pattern is literal text. Matches of no characters (``^``, ``\\b``) are
    skipped: there is nothing to show or code; so are matches inside a speaker label, and a
    match that begins in one starts at the utterance. ``roles`` keeps only hits in turns of
    those roles (``respondent``, ``interviewer``, ``other``).
    """
    compiled = compile_pattern(pattern, regex=regex, case_sensitive=case_sensitive)
    if roles is not None:
        unknown = sorted(set(roles) - set(ROLES))
        if unknown:
            raise WorkbenchError(
                f"unknown role {unknown[0]!r} (roles: {', '.join(ROLES)})"
            )
    hits: list[Hit] = []
    for doc in project.documents.all() if documents is None else documents:
        text = doc.text
        case = project.cases.of(doc)
        case_name = case.name if case else None
        turns = project.documents.turns(doc)
        line, counted = 1, 0  # line number at offset `counted` (matches come in order)
        for match in compiled.finditer(text):
            found = match.span()
            if found[0] == found[1]:
                continue
            start, end = turns.trim(*found)
            if turns.label_at(start) is not None:
                continue  # the match is a speaker label, or part of one
            segment = turns.segment(start, end, doc.roles)
            if roles is not None and segment.role not in roles:
                continue
            line += text.count("\n", counted, start)
            counted = start
            hits.append(
                Hit(
                    document=doc.name,
                    document_id=doc.id,
                    case=case_name,
                    line=line,
                    start=start,
                    end=end,
                    text=text[start:end],
                    before=one_line(text[max(0, start - CONTEXT):start]),
                    after=one_line(text[end:end + CONTEXT]),
                    speaker=segment.speaker,
                    role=segment.role,
                    time=segment.time,
                )
            )
    return hits


def paragraph_spans(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """The paragraphs (without their line breaks) that ``[start, end)`` touches.

    Uses the document's stored paragraphs; a hit outside every paragraph falls back to the
    line(s) around it.
    """
    paragraphs = doc.paragraphs
    if paragraphs:
        starts = [p.start for p in paragraphs]
        i = max(0, bisect.bisect_right(starts, start) - 1)
        spans = []
        while i < len(paragraphs) and paragraphs[i].start < max(end, start + 1):
            p = paragraphs[i]
            if p.end > start and p.end > p.start:
                spans.append((p.start, p.end))
            i += 1
        if spans:
            return spans
    text = doc.text
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end == -1:
        line_end = len(text)
    return [(line_start, line_end)] if line_end > line_start else [(start, end)]


def widened(
    turns: Turns, doc: Document, start: int, end: int, widen: str | None
) -> list[tuple[int, int]]:
    """The span(s) to code for a hit: the hit itself, or its word(s), sentence(s), turn(s)
    (their utterances, from the first turn it touches to the last) or paragraph(s); never a
    speaker label, nor whitespace at the edges."""
    text = doc.text
    if widen == "paragraph":
        spans = paragraph_spans(doc, start, end)
    else:
        if widen is None:
            s, e = start, end
        elif widen == "word":
            s, e = snap_to_words(text, start, end)
        elif widen == "sentence":
            s, e = sentence_at(text, start)[0], sentence_at(text, end - 1)[1]
        elif widen == "turn":
            first, last = turns.at(start), turns.at(end - 1)
            s = first.utterance if first is not None else start
            e = last.end if last is not None else end
        else:
            raise WorkbenchError(f"cannot widen a hit to {widen!r} (choose {', '.join(WIDEN)})")
        spans = [(min(s, start), max(e, end))]
    out = []
    for s, e in spans:
        s, e = trim_whitespace(text, *turns.trim(s, e))
        if s < e and turns.label_at(s) is None:
            out.append((s, e))
    return out


def code_every_hit(
    project: Project,
    hits: list[Hit],
    code_path: str,
    coder: str,
    *,
    widen: str | None = None,
) -> CodedHits:
    """Code every hit with ``code_path`` (created if new) in ONE undoable step.

    ``widen`` codes each hit's word, sentence, turn or paragraph instead (see
    :func:`widened`). Every span goes through :meth:`Codings.apply`, so a hit inside a coding of
    this code by this coder adds nothing, and one that overlaps or touches it extends it.
    """
    if not hits:
        return CodedHits(code_path)
    documents = project.documents
    wanted: list[tuple[Document, int, int]] = []
    for hit in hits:
        doc = documents.get(hit.document_id) or project.documents.named(hit.document)
        if doc.text[hit.start:hit.end] != hit.text:
            raise WorkbenchError(
                f"{doc.name} changed since the search (no match at {hit.start}:{hit.end}); "
                "search again"
            )
        turns = project.documents.turns(doc)
        for start, end in widened(turns, doc, hit.start, hit.end, widen):
            wanted.append((doc, start, end))
    outcomes: Counter[str] = Counter()
    with project.change("code search hits") as step:
        code = project.codebook.ensure(code_path)
        path = project.codebook.path(code)
        step.label = f"code {len(hits)} search hit{'s' if len(hits) != 1 else ''} with {path}"
        for doc, start, end in wanted:
            outcomes[project.codings.apply(doc, start, end, code, coder).outcome] += 1
    return CodedHits(path, outcomes["added"], outcomes["extended"], outcomes["unchanged"])


def code_hits(
    project: Project, hits: list[Hit], code_path: str, coder: str, *, paragraph: bool = False
) -> int:
    """:func:`code_every_hit` (with ``paragraph``, each hit's paragraph); returns how many
    codings were added."""
    widen = "paragraph" if paragraph else None
    return code_every_hit(project, hits, code_path, coder, widen=widen).added
