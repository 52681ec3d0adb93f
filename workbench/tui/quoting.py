"""How the workbench names and quotes what it shows: a case label, a short excerpt, a quote,
the path of a coding's code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.model import Case, Coding, Document

if TYPE_CHECKING:
    from workbench.core.project import Project
    from workbench.core.turns import Segment


def case_label(case: Case | None, document: Document | None) -> str:
    """How a segment is attributed in a quote: the case name, else the document name."""
    if case is not None:
        return case.name
    return document.name if document is not None else ""


def excerpt(text: str, width: int = 50) -> str:
    """One line of at most ``width`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def quote(text: str, label: str) -> str:
    """``“…” (Respondent 3)``, ``«…» (Респондент 4)``: ``text`` on one line in its language's
    quotation marks (not marked twice), then whose words they are."""
    # imported when a quote is first copied: the write-ups are not in the first frame
    from workbench.io.writeup.language import language_of, marks_for, nested, unquoted

    text = unquoted(" ".join(text.split()))
    opening, closing = marks_for(language_of(text))
    marked = f"{opening}{nested(text, opening)}{closing}"
    return f"{marked} ({label})" if label else marked


def quoted(project: Project, document: Document, segment: Segment) -> str:
    """``“…” (Respondent 3)``, ``«…» (Interviewer, interview with Respondent 3)``: the words of
    a segment (never its speaker label) with whose words they are (see :func:`quote`)."""
    from workbench.analysis.attribution import attribution

    return quote(segment.text, attribution(project, document, segment))


def short_path(path: str, width: int = 32) -> str:
    """A code's path for a one-line confirmation: whole when short, else ``…/`` and the code's
    own name (the part that tells it apart)."""
    if len(path) <= width or "/" not in path:
        return path
    return "…/" + excerpt(path.rsplit("/", 1)[1], width - 2)


def coding_path(project: Project, coding: Coding) -> str:
    """The path of a coding's code (``?`` when the code is gone)."""
    code = project.codebook.get(coding.code)
    return project.codebook.path(code) if code else "?"
