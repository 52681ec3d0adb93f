"""Coding the transcript: the keys that code the selection (or the paragraph), apply a recent
code, make an in-vivo code, remove a coding, redact and copy a quote.

:class:`TranscriptCoding` belongs to the main screen, which passes it these keys; it reads the
document and the transcript view from the screen and changes the project through the app
(:meth:`~workbench.tui.app.WorkbenchApp.apply` and :meth:`~workbench.tui.app.WorkbenchApp.ask`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.codebook import in_vivo_name
from workbench.core.model import Code, Coding, Document
from workbench.tui.changes import NotChanged
from workbench.tui.quoting import case_label, coding_path, excerpt, quote

if TYPE_CHECKING:
    from textual.screen import Screen

    from workbench.core.project import Project
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.main import MainScreen
    from workbench.tui.widgets.transcript import TranscriptView

#: The document and a span of it (half-open).
Span = tuple[Document, int, int]


class TranscriptCoding:
    """Codes, uncodes and quotes the words at the transcript's cursor (or selection)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._recent_seeded = False  # the recent codes were looked for among my codings

    @property
    def app(self) -> WorkbenchApp:
        return self.screen.app

    @property
    def project(self) -> Project:
        return self.screen.app.project

    @property
    def view(self) -> TranscriptView:
        return self.screen.transcript

    # ------------------------------------------------------------------ what is coded
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

    def span(self) -> Span:
        """The document and the selection (else the current paragraph); NotChanged says why
        there is none."""
        if self.screen.document is None:
            raise NotChanged("No document is open")
        start, end = self.view.selection_or_paragraph()
        if end <= start:
            raise NotChanged("Nothing to code here: the line is empty")
        return self.screen.document, start, end

    def _selected(self, why: str) -> Span:
        """The document and the selection; NotChanged (saying ``why``) without a selection,
        and silently without a document."""
        doc, selection = self.screen.document, self.view.selection
        if doc is None:
            raise NotChanged()
        if not selection or selection[1] <= selection[0]:
            raise NotChanged(why)
        return doc, *selection

    # ------------------------------------------------------------------ coding
    def code(self) -> None:
        """``c``: choose a code (or name a new one) for the selection or the paragraph."""
        from workbench.tui.screens.code_picker import CodePicker

        span: Span | None = None

        def picker() -> CodePicker:
            nonlocal span
            span = doc, start, end = self.span()
            return CodePicker(self.project, self.recent_codes(), doc.text[start:end])

        # pushed at once (not from a worker), so keys typed right after `c` reach the picker
        self.app.ask(picker, lambda chosen: self._code_chosen(*span, chosen))

    def _code_chosen(self, doc: Document, start: int, end: int, chosen: object) -> None:
        from workbench.tui.screens.dialogs import Choice, NewName, PickerScreen

        codebook = self.project.codebook
        if not isinstance(chosen, NewName):
            self.code_span(doc, start, end, codebook[str(chosen)])
            return
        name = chosen.text.strip()
        themes = [c for c in codebook.all() if c.is_theme]
        if "/" in name or not themes:
            self.code_span(doc, start, end, name)
            return
        choices = [Choice("", "none (top level)")] + [
            Choice(codebook.path(t), codebook.path(t), color=t.color) for t in themes
        ]

        def placed(theme: str) -> None:
            self.code_span(doc, start, end, f"{theme}/{name}" if theme else name)

        self.app.ask(PickerScreen(f"Put the new code “{name}” under which theme?", choices),
                     placed)

    def code_span(self, doc: Document, start: int, end: int, code: Code | str) -> None:
        """Code ``doc.text[start:end]`` (``code`` may be the path of a new code) as me."""
        self.app.apply(lambda project: self._code(project, (doc, start, end), code))

    def code_with(self, code_id: str) -> None:
        """Code the selection or the paragraph with an existing code (from the palette)."""
        def change(project: Project) -> Coding | None:
            span, code = self.span(), project.codebook.get(code_id)
            return None if code is None else self._code(project, span, code)

        self.app.apply(change)

    def apply_recent(self, number: int) -> None:
        """``1``-``9``: code the selection or the paragraph with a recent code."""
        def change(project: Project) -> Coding:
            recent = self.recent_codes()
            if number > len(recent):
                raise NotChanged(f"No recent code {number} yet: code with c first")
            return self._code(project, self.span(), recent[number - 1])

        self.app.apply(change)

    def in_vivo(self) -> None:
        """``i``: the selected words become a new code, applied to them."""
        def change(project: Project) -> Coding:
            doc, start, end = self._selected("Select the words first (v, then move)")
            name = in_vivo_name(doc.text[start:end])
            if not name:
                raise NotChanged("The selection has no words to name a code")
            return self._code(project, (doc, start, end), name)

        self.app.apply(change)

    def _code(self, project: Project, span: Span, code: Code | str) -> Coding:
        """The change of every coding key: code the span as me, and say so."""
        doc, start, end = span
        coding = project.codings.add(doc, start, end, code, self.app.coder)
        self.app.ui_state.use_code(coding.code)
        self.view.clear_selection()
        self.app.notify(f"Coded “{excerpt(coding.text, 30)}” with "
                        f"{coding_path(project, coding)}", markup=False, timeout=3)
        return coding

    # ------------------------------------------------------------------ uncoding
    def uncode(self) -> None:
        """``x``: remove the coding under the cursor (asking which when there are several)."""
        from workbench.tui.screens.dialogs import Choice, PickerScreen

        codings = self.view.codings_at()
        if len(codings) <= 1:
            def change(project: Project) -> Coding:
                if not codings:
                    raise NotChanged("No coding under the cursor")
                return self._remove(project, codings[0])

            self.app.apply(change)
            return
        choices = [
            Choice(c.id, coding_path(self.project, c), detail=excerpt(c.text, 40),
                   color=self.project.codebook[c.code].color)
            for c in codings
        ]
        self.app.ask(PickerScreen("Remove which coding?", choices),
                     lambda coding_id: self.app.apply(
                         lambda project: self._remove(project, project.codings[coding_id])))

    def _remove(self, project: Project, coding: Coding) -> Coding:
        """The change of ``x``: remove a coding (``u`` brings it back), and say so."""
        path = coding_path(project, coding)
        project.codings.remove(coding)
        self.app.notify(f"Removed the coding {path} (u brings it back)", markup=False)
        return coding

    # ------------------------------------------------------------------ redacting, quoting
    def redact(self) -> None:
        """``ctrl+x``: replace the selected words (asks with what; ``[redacted]``)."""
        from workbench.tui.screens.redaction import redact, replacement_dialog

        span: Span | None = None

        def dialog() -> Screen[str | None]:
            nonlocal span
            span = doc, start, end = self._selected(
                "Select the words to redact first (v, then move)"
            )
            return replacement_dialog(doc.text[start:end])

        self.app.ask(dialog, lambda replacement: redact(self.app, self.view, *span, replacement))

    def copy_quote(self) -> None:
        """``y``: copy the selection (else the innermost coding, else the paragraph) as a quote
        with its case."""
        from workbench.tui.clipboard import copy_text

        doc, view = self.screen.document, self.view
        if doc is None:
            return
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

