"""Redaction in the transcript: the selection replaced by a placeholder, after asking.

The change goes through ``project.documents.redact`` (the shared span routine), so codings over
the words are moved or shrunk and the whole redaction is one step that ``u`` undoes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.model import Document
from workbench.tui.quoting import excerpt
from workbench.tui.screens.dialogs import PromptScreen
from workbench.wording import plural

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.widgets.transcript import TranscriptView

DEFAULT_REPLACEMENT = "[redacted]"


def replacement_dialog(words: str) -> PromptScreen:
    """Asks what replaces ``words`` (``[redacted]`` unless changed)."""
    question = (
        f"Redact “{excerpt(words, 40)}”? Replace it with (enter redacts, esc cancels):"
    )
    return PromptScreen(question, DEFAULT_REPLACEMENT)


def redact(
    app: WorkbenchApp, view: TranscriptView, doc: Document, start: int, end: int,
    replacement: str,
) -> None:
    """Replace ``doc.text[start:end]`` with ``replacement`` and say what codings it cost."""
    report = app.apply(lambda project: project.documents.redact(doc, start, end, replacement))
    if report is None:
        return
    view.clear_selection()
    message = (
        "Redacted (u brings it back; `workbench purge-history` removes it from the "
        "undo history and backups)"
    )
    if report.lost:
        codes = app.project.codebook
        paths = ", ".join(codes.path(codes[c.code]) for c in report.lost if c.code in codes)
        app.notify(
            f"{message}; {plural(len(report.lost), 'coding')} lost: {paths}",
            severity="warning",
            markup=False,
            timeout=8,
        )
    else:
        app.notify(message, markup=False)
