"""Redaction in the transcript: the selection replaced by a placeholder, after asking.

The change goes through :meth:`Project.redact` (the shared span routine), so codings over the
words are moved or shrunk and the whole redaction is one step that ``u`` undoes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.tui.screens.main import MainScreen

DEFAULT_REPLACEMENT = "[redacted]"


def redact_selection(screen: MainScreen) -> None:
    """Ask for the replacement of the selected words (``[redacted]``), then redact them."""
    from workbench.tui.screens.coding_actions import excerpt
    from workbench.tui.screens.dialogs import PromptScreen

    app = screen.app
    if not app.writable() or screen.document is None:
        return
    selection = screen.transcript.selection
    if not selection or selection[1] <= selection[0]:
        app.notify("Select the words to redact first (v, then move)", severity="warning")
        return
    doc = screen.document
    start, end = selection
    question = (
        f"Redact “{excerpt(doc.text[start:end], 40)}”? Replace it with "
        "(enter redacts, esc cancels):"
    )

    def answered(replacement: str | None) -> None:
        if replacement is None:
            return
        try:
            report = screen.project.documents.redact(doc, start, end, replacement)
        except WorkbenchError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        screen.transcript.clear_selection()
        message = (
            "Redacted (u brings it back; `workbench purge-history` removes it from the "
            "undo history and backups)"
        )
        if report.lost:
            codes = screen.project.codebook
            paths = ", ".join(
                screen.project.codebook.path(codes[c.code]) for c in report.lost if c.code in codes
            )
            app.notify(
                f"{message}; {len(report.lost)} coding(s) lost: {paths}",
                severity="warning",
                markup=False,
                timeout=8,
            )
        else:
            app.notify(message, markup=False)
        screen.after_change()

    app.push_screen(PromptScreen(question, DEFAULT_REPLACEMENT), answered)
