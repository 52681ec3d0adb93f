"""The coding keys of the main screen: code, recent codes, in-vivo, uncode, copy, undo/redo."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from workbench.core.model import Code, Coding, Document
from workbench.errors import WorkbenchError
from workbench.tui.widgets.header import case_label

if TYPE_CHECKING:
    from workbench.tui.screens.main import MainScreen

    _Base = MainScreen
else:
    from textual.screen import Screen as _Base

#: The longest code name an in-vivo code gets.
IN_VIVO_LENGTH = 60


def excerpt(text: str, width: int = 50) -> str:
    """One line of at most ``width`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def in_vivo_name(text: str) -> str:
    """The code name the selected words make: one line, no ``/``, trimmed, at most 60 chars."""
    name = " ".join(text.split()).replace("/", "-")
    name = name.strip(" \t\"'“”‘’«»„.,;:!?()[]—–-")
    if len(name) > IN_VIVO_LENGTH:
        cut = name[:IN_VIVO_LENGTH].rsplit(" ", 1)[0] or name[:IN_VIVO_LENGTH]
        name = cut.rstrip(" ,;:") + "…"
    return name


def quote(text: str, label: str) -> str:
    """``“…” (Respondent 3)``."""
    return f"“{' '.join(text.split())}” ({label})" if label else f"“{' '.join(text.split())}”"


class CodingActions(_Base):
    """Mixed into :class:`MainScreen`."""

    _recent_seeded = False  # the recent codes were looked for among my codings

    def recent_codes(self) -> list[Code]:
        """The recently used codes that still exist, newest first (seeded from my codings once:
        a large project has tens of thousands to look through)."""
        codes = self.project.codebook
        ui = self.app.ui_state
        if not ui.recent and not self._recent_seeded:
            self._recent_seeded = True
            me = self.app.coder
            mine = [c for c in self.project.codings.values() if c.coder == me]
            for coding in sorted(mine, key=lambda c: (c.created, c.id)):
                ui.use_code(coding.code)
        return [codes[i] for i in ui.recent if i in codes]

    def span(self) -> tuple[Document, int, int] | None:
        """The document and the selection (else the current paragraph), or None (and say why)."""
        if self.document is None:
            self.app.notify("No document is open", severity="warning")
            return None
        start, end = self.transcript.selection_or_paragraph()
        if end <= start:
            self.app.notify("Nothing to code here: the line is empty", severity="warning")
            return None
        return self.document, start, end

    def apply_code(self, doc: Document, start: int, end: int, code: Code | str) -> Coding | None:
        """Code ``doc.text[start:end]`` (``code`` may be a new path) and refresh."""
        try:
            coding = self.project.codings.add(doc, start, end, code, self.app.coder)
        except WorkbenchError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return None
        self.app.ui_state.use_code(coding.code)
        self.transcript.clear_selection()
        path = self.project.codebook.path(self.project.codebook[coding.code])
        self.app.notify(f"Coded “{excerpt(coding.text, 30)}” with {path}", markup=False,
                        timeout=3)
        self.after_change()
        return coding

    def action_code(self) -> None:
        from workbench.tui.screens.code_picker import CodePicker

        if not self.app.writable() or (span := self.span()) is None:
            return
        doc, start, end = span
        picker = CodePicker(self.project, self.recent_codes(), doc.text[start:end])
        # pushed at once (not from a worker), so keys typed right after `c` reach the picker
        self.app.push_screen(picker, partial(self._code_chosen, doc, start, end))

    def _code_chosen(self, doc: Document, start: int, end: int, chosen) -> None:
        from workbench.tui.screens.dialogs import Choice, NewName, PickerScreen

        if chosen is None:
            return
        if not isinstance(chosen, NewName):
            self.apply_code(doc, start, end, self.project.codebook[chosen])
            return
        name = chosen.text.strip()
        themes = [c for c in self.project.codebook.all() if c.is_theme]
        if "/" in name or not themes:
            self.apply_code(doc, start, end, name)
            return
        choices = [Choice("", "none (top level)")] + [
            Choice(self.project.codebook.path(t), self.project.codebook.path(t), color=t.color)
            for t in themes
        ]

        def placed(theme: str | None) -> None:
            if theme is not None:
                self.apply_code(doc, start, end, f"{theme}/{name}" if theme else name)

        self.app.push_screen(
            PickerScreen(f"Put the new code “{name}” under which theme?", choices), placed
        )

    def action_apply_recent(self, number: int) -> None:
        if not self.app.writable():
            return
        recent = self.recent_codes()
        if number > len(recent):
            self.app.notify(
                f"No recent code {number} yet: code with c first", severity="warning"
            )
            return
        if (span := self.span()) is not None:
            self.apply_code(*span, recent[number - 1])

    def action_in_vivo(self) -> None:
        if not self.app.writable() or self.document is None:
            return
        selection = self.transcript.selection
        if not selection or selection[1] <= selection[0]:
            self.app.notify("Select the words first (v, then move)", severity="warning")
            return
        start, end = selection
        name = in_vivo_name(self.document.text[start:end])
        if not name:
            self.app.notify("The selection has no words to name a code", severity="warning")
            return
        self.apply_code(self.document, start, end, name)

    def action_redact(self) -> None:
        from workbench.tui.screens.redaction import redact_selection

        redact_selection(self)

    def action_uncode(self) -> None:
        if not self.app.writable():
            return
        codings = self.transcript.codings_at()
        if not codings:
            self.app.notify("No coding under the cursor", severity="warning")
        elif len(codings) == 1:
            self.uncode(codings[0])
        else:
            self._ask_uncode(codings)

    def _ask_uncode(self, codings: list[Coding]) -> None:
        from workbench.tui.screens.dialogs import Choice, PickerScreen

        choices = [
            Choice(c.id, self._path(c), detail=excerpt(c.text, 40),
                   color=self.project.codebook[c.code].color)
            for c in codings
        ]

        def chosen(coding_id: str | None) -> None:
            if coding_id is not None:
                self.uncode(self.project.codings[coding_id])

        self.app.push_screen(PickerScreen("Remove which coding?", choices), chosen)

    def uncode(self, coding: Coding) -> None:
        """Remove a coding (undoable) and refresh."""
        path = self._path(coding)
        try:
            self.project.codings.remove(coding)
        except WorkbenchError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.app.notify(f"Removed the coding {path} (u brings it back)", markup=False)
        self.after_change()

    def action_copy_quote(self) -> None:
        from workbench.tui.clipboard import copy_text

        doc = self.document
        if doc is None:
            return
        view = self.transcript
        if view.selection and view.selection[1] > view.selection[0]:
            start, end = view.selection
        elif codings := view.codings_at():
            coding = min(codings, key=lambda c: (c.end - c.start, c.start))
            start, end = coding.start, coding.end
        else:
            start, end = view.current_paragraph()
        if end <= start:
            self.app.notify("Nothing to copy here", severity="warning")
            return
        text = quote(doc.text[start:end], case_label(self.project.cases.of(doc), doc))
        self.app.notify(copy_text(self.app, text, what="quote"), markup=False)

    # ------------------------------------------------------------------ undo and redo
    def action_undo(self) -> None:
        self._undo_redo(redo=False)

    def action_redo(self) -> None:
        self._undo_redo(redo=True)

    def _undo_redo(self, *, redo: bool) -> None:
        if not self.app.writable():
            return
        try:
            entry = self.project.redo() if redo else self.project.undo()
        except WorkbenchError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        if entry is None:
            self.app.notify("Nothing to redo" if redo else "Nothing to undo", severity="warning")
            return
        self.app.notify(f"{'Redone' if redo else 'Undone'}: {entry.label}", markup=False)
        self.after_change()

    def undo_to(self, entry_id: str) -> None:
        """Undo (or redo) step by step until the history entry is undone (or done)."""
        if not self.app.writable():
            return
        entry = next((e for e in self.project.history.entries if e.id == entry_id), None)
        if entry is None:
            return
        steps = 0
        want_done = not entry.done
        while entry.done != want_done:
            step = self.project.redo() if want_done else self.project.undo()
            if step is None:
                break
            steps += 1
        verb = "Redone" if want_done else "Undone"
        self.app.notify(f"{verb} {steps} step{'s' if steps != 1 else ''}, to: {entry.label}",
                        markup=False)
        self.after_change()
