"""How the workbench names and quotes what it shows: a case label, a short excerpt, a quote,
the path of a coding's code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.model import Case, Coding, Document

if TYPE_CHECKING:
    from workbench.core.project import Project


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
    """``“…” (Respondent 3)``."""
    return f"“{' '.join(text.split())}” ({label})" if label else f"“{' '.join(text.split())}”"


def coding_path(project: Project, coding: Coding) -> str:
    """The path of a coding's code (``?`` when the code is gone)."""
    code = project.codebook.get(coding.code)
    return project.codebook.path(code) if code else "?"
