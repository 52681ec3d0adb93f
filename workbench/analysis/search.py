"""Search the whole study and code what was found.

:func:`search` finds a word, a phrase or a regular expression in every document and returns
keyword-in-context hits whose offsets follow SPEC §2 (code points, ``text[start:end]`` is the
match). :func:`code_hits` codes the hits (or their paragraphs) as one undoable step.

Case-insensitive matching relies on ``re.IGNORECASE``, which folds Unicode letters one to one
(Cyrillic, Greek, Kazakh letters...), so offsets always point into the original text; the text
is never case-folded first, because folding can change its length ("ß" -> "ss").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.model import Document
    from workbench.core.project import Project

#: Characters of context on each side of a hit.
CONTEXT = 40


@dataclass(frozen=True, slots=True)
class Hit:
    """One match: ``document`` text ``[start:end]`` on 1-based ``line``, with its context."""

    document: str  # document name
    document_id: str
    case: str | None  # case name
    line: int
    start: int
    end: int
    text: str
    before: str
    after: str

    def to_json(self) -> dict[str, Any]:
        """The hit as a JSON-ready dictionary."""
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
) -> list[Hit]:
    """Every match of ``pattern`` in the documents (default all, in import order).

    Without ``regex`` the pattern is literal text. Matches of no characters (``^``, ``\\b``) are
    skipped: there is nothing to show or code.
    """
    compiled = compile_pattern(pattern, regex=regex, case_sensitive=case_sensitive)
    hits: list[Hit] = []
    for doc in project.documents.all() if documents is None else documents:
        text = doc.text
        case = project.cases.of(doc)
        case_name = case.name if case else None
        line, counted = 1, 0  # line number at offset `counted` (matches come in order)
        for match in compiled.finditer(text):
            start, end = match.span()
            if start == end:
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


def code_hits(
    project: Project, hits: list[Hit], code_path: str, coder: str, *, paragraph: bool = False
) -> int:
    """Code every hit with ``code_path`` (created if new) in ONE undoable step.

    With ``paragraph`` the paragraph around each hit is coded instead (once per paragraph).
    Spans this coder already coded with this code are skipped. Returns how many codings were
    added.
    """
    if not hits:
        return 0
    documents = project.documents
    wanted: list[tuple[Document, int, int]] = []
    seen: set[tuple[str, int, int]] = set()
    for hit in hits:
        doc = documents.get(hit.document_id) or project.documents.named(hit.document)
        if doc.text[hit.start:hit.end] != hit.text:
            raise WorkbenchError(
                f"{doc.name} changed since the search (no match at {hit.start}:{hit.end}); "
                "search again"
            )
        spans = paragraph_spans(doc, hit.start, hit.end) if paragraph else [(hit.start, hit.end)]
        for start, end in spans:
            if (doc.id, start, end) not in seen:
                seen.add((doc.id, start, end))
                wanted.append((doc, start, end))
    coder = coder.strip()
    added = 0
    with project.change(f"code {len(wanted)} search hits") as step:
        code = project.codebook.ensure(code_path)
        path = project.codebook.path(code)
        step.label = f"code {len(wanted)} search hit{'s' if len(wanted) != 1 else ''} with {path}"
        existing = {
            (c.document, c.start, c.end, c.coder)
            for c in project.codings.with_code(code.id)
        }
        for doc, start, end in wanted:
            if (doc.id, start, end, coder) in existing:
                continue
            project.codings.add(doc, start, end, code, coder)
            existing.add((doc.id, start, end, coder))
            added += 1
    return added
