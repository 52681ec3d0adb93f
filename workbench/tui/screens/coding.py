"""Coding the transcript: the keys that code the selection (or the speaker's turn), apply a
recent code, make an in-vivo code, fix or remove a coding, redact and copy a quote.

:class:`TranscriptCoding` belongs to the main screen, which passes it these keys; it reads the
document and the transcript view from the screen and changes the project through the app
(:meth:`~workbench.tui.app.WorkbenchApp.apply` and :meth:`~workbench.tui.app.WorkbenchApp.ask`).
What is coded never holds a speaker label: a span starting or ending in one is trimmed to the
words (:meth:`workbench.core.turns.Turns.trim`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from workbench.core.codebook import in_vivo_name
from workbench.core.model import Code, Coding, Document
from workbench.core.words import trim_whitespace
from workbench.tui.changes import NotChanged
from workbench.tui.coding_edges import Edge, moved_edge
from workbench.tui.quoting import coding_path, excerpt, quoted, short_path
from workbench.tui.screens.part import MainScreenPart
from workbench.wording import plural

if TYPE_CHECKING:
    from textual.screen import Screen

    from workbench.core.codings import Applied
    from workbench.core.project import Project
    from workbench.tui.screens.code_picker import CodeChoices
    from workbench.tui.screens.dialogs import Choice
    from workbench.tui.screens.main import MainScreen
    from workbench.tui.widgets.picker import Picker
    from workbench.tui.widgets.transcript import TranscriptView

#: The document and a span of it (half-open).
Span = tuple[Document, int, int]

#: The screen's actions that need a coding under the caret (the footer shows them only there).
ON_CODING_ACTIONS = frozenset({"recode", "move_edge", "uncode"})


class TranscriptCoding(MainScreenPart):
    """Codes, fixes, uncodes and quotes the words at the transcript's cursor (or selection)."""

    def __init__(self, screen: MainScreen) -> None:
        super().__init__(screen)
        self._recent_seeded = False  # the recent codes were looked for among my codings
        #: whether a coding lies under the caret (the keys that fix one apply)
        self.on_coding = False
        #: the coding whose edges were moved last, while the caret stays on it: the next edge
        #: key moves it again without asking which
        self._fixing: str | None = None
        self._code_choices: CodeChoices | None = None  # made at the first c (not at start)
        self._clipboard_hinted = False  # the tmux hint of `y` is shown once

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
            ui.seed_recent(self._my_last_uses())
        return [codes[i] for i in ui.recent if i in codes]

    def _my_last_uses(self) -> dict[str, tuple[str, str]]:
        """Each code I have coded with, and when I last did: (created, id) of my newest
        coding with it (one pass: sorting my 25,000 codings of the large study and using each in
        turn took ~70 ms at the first ``c``)."""
        me = self.app.coder
        last: dict[str, tuple[str, str]] = {}
        for coding in self.project.codings.values():
            if coding.coder == me:
                when = (coding.created, coding.id)
                before = last.get(coding.code)
                if before is None or when > before:
                    last[coding.code] = when
        return last

    def code_choices(self) -> list[Choice]:
        """The code picker's choices: recent codes first (kept while nothing changed), with
        the codebook pane's counts, brought up to date first when a change made just before
        (a key typed ahead) has not reached the panes yet."""
        self.screen.catch_up()
        if self._code_choices is None:
            from workbench.tui.screens.code_picker import CodeChoices

            self._code_choices = CodeChoices(self.screen.codebook.totals)
        return self._code_choices.of(self.project, self.recent_codes())

    def span(self) -> Span:
        """The document and the selection, else the words of the current turn (all its
        paragraphs, without its label); NotChanged says why there is none."""
        if self.screen.document is None:
            raise NotChanged("No document is open")
        view = self.view
        if view.selection is None and view.caret.swept is not None:
            raise NotChanged("The selection holds no words")
        start, end = view.selection_or_turn()
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

    def _words(self, project: Project, span: Span) -> Span:
        """``span`` without a speaker label (or whitespace) at its edges; NotChanged when it
        holds nothing else."""
        doc, start, end = span
        turns = project.documents.turns(doc)
        start, end = trim_whitespace(doc.text, *turns.trim(start, end))
        if end <= start or turns.label_at(start) is not None:
            raise NotChanged("That is a speaker label: code the words after it")
        return doc, start, end

    # ------------------------------------------------------------------ coding
    def code(self) -> None:
        """``c``: choose a code (or name a new one) for the selection or the turn."""
        from workbench.tui.screens.code_picker import code_picker

        span: Span | None = None

        def picker() -> Picker:
            nonlocal span
            span = doc, start, end = self._words(self.project, self.span())
            return code_picker(self.screen.picker, self.code_choices(), doc.text[start:end])

        # opened at once (not from a worker), so keys typed right after `c` reach the picker
        self.app.ask(picker, lambda chosen: self._with_chosen_code(
            chosen, lambda code: self.code_span(*span, code)))

    def _with_chosen_code(self, chosen: object, then: Callable[[Code | str], None]) -> None:
        """Call ``then`` with the code chosen in a code picker: an existing code, or the path
        of a new one (asking under which theme, when there are themes)."""
        from workbench.tui.screens.dialogs import Choice, NewName, PickerScreen

        codebook = self.project.codebook
        if not isinstance(chosen, NewName):
            then(codebook[str(chosen)])
            return
        name = chosen.text.strip()
        themes = [c for c in codebook.all() if c.is_theme]
        if "/" in name or not themes:
            then(name)
            return
        choices = [Choice("", "none (top level)")] + [
            Choice(codebook.path(t), codebook.path(t), color=t.color) for t in themes
        ]
        self.app.ask(PickerScreen(f"Put the new code “{name}” under which theme?", choices),
                     lambda theme: then(f"{theme}/{name}" if theme else name))

    def code_span(self, doc: Document, start: int, end: int, code: Code | str) -> None:
        """Code ``doc.text[start:end]`` (``code`` may be the path of a new code) as me."""
        self.app.apply(lambda project: self._code(project, (doc, start, end), code))

    def code_with(self, code_id: str) -> None:
        """Code the selection or the turn with an existing code (from the palette)."""
        def change(project: Project) -> Coding | None:
            span, code = self.span(), project.codebook.get(code_id)
            return None if code is None else self._code(project, span, code)

        self.app.apply(change)

    def apply_recent(self, number: int) -> None:
        """``1``-``9``: code the selection or the turn with a recent code."""
        def change(project: Project) -> Coding:
            recent = self.recent_codes()
            if number > len(recent):
                raise NotChanged(f"No recent code {number} yet: code with c first")
            return self._code(project, self.span(), recent[number - 1])

        self.app.apply(change)

    def in_vivo(self) -> None:
        """``i``: the selected words become a new code, applied to them."""
        def change(project: Project) -> Coding:
            span = self._selected("Select the words first (v, then move)")
            doc, start, end = self._words(project, span)
            name = in_vivo_name(doc.text[start:end])
            if not name:
                raise NotChanged("The selection has no words to name a code")
            return self._code(project, (doc, start, end), name)

        self.app.apply(change)

    def _code(self, project: Project, span: Span, code: Code | str) -> Coding:
        """The change of every coding key: code the span's words as me (extending my coding
        of that code it overlaps or touches), and say so."""
        doc, start, end = self._words(project, span)
        applied = project.codings.apply(doc, start, end, code, self.app.coder)
        coding = applied.coding
        self.app.ui_state.use_code(coding.code)
        view = self.view
        if view.selection is not None and view.cursor >= coding.end:
            view.move_cursor(coding.end - 1)  # onto the words coded, where keys fix them
        view.clear_selection()
        path = coding_path(project, coding)
        if applied.outcome == "unchanged":
            message = f"Already coded with {path}: nothing changed"
        elif applied.extended:
            message = f"Extended {short_path(path)} to “{excerpt(coding.text, 30)}”"
            if len(applied.absorbed) > 1:
                message += f" (joining {plural(len(applied.absorbed), 'coding')})"
        else:
            message = f"Coded {short_path(path)}: “{excerpt(coding.text, 30)}”"
        self.app.say(message)  # in the status line: a toast costs layout passes
        return coding

    # ------------------------------------------------------------------ the coding under the caret
    def caret_moved(self) -> None:
        """The caret moved or the codings changed: the keys that fix a coding show in the
        footer only while one lies under the caret."""
        under = self.view.codings_at()
        if self._fixing is not None and all(c.id != self._fixing for c in under):
            self._fixing = None
        if bool(under) != self.on_coding:
            self.on_coding = bool(under)
            self.screen.refresh_bindings()

    def _with_coding(self, question: str, then: Callable[[Coding], object], *,
                     keep_choice: bool = False) -> None:
        """Call ``then`` with the coding under the caret; when there are several, ask which
        (``keep_choice``: the one fixed last, while the caret is on it, without asking)."""
        from workbench.tui.screens.dialogs import PickerScreen

        codings = self.view.codings_at()
        if not codings:
            self.app.say("No coding under the cursor", warning=True)
            return
        if keep_choice and self._fixing is not None:
            kept = [c for c in codings if c.id == self._fixing]
            if kept:
                then(kept[0])
                return
        if len(codings) == 1:
            then(codings[0])
            return

        def chosen(coding_id: str) -> None:
            coding = self.project.codings.get(coding_id)
            if coding is not None:
                then(coding)

        self.app.ask(PickerScreen(question, self.coding_choices(codings)), chosen)

    def coding_choices(self, codings: list[Coding]) -> list[Choice]:
        """Which coding is which: its code, the start of its words and its coder."""
        from workbench.tui.screens.dialogs import Choice

        project = self.project
        choices = []
        for coding in codings:
            code = project.codebook.get(coding.code)
            words = project.codings.segment(coding).text
            choices.append(Choice(coding.id, coding_path(project, coding),
                                  detail=f"“{excerpt(words, 32)}” · {coding.coder}",
                                  color=code.color if code else None))
        return choices

    def move_edge(self, edge: Edge, step: int) -> None:
        """``{`` ``}`` ``<`` ``>``: move the start or the end of the coding under the caret one
        word earlier (``step`` -1) or later (1); the caret follows the edge."""
        where = "start" if edge == "start" else "end"

        def change(project: Project, coding: Coding) -> Applied:
            current = project.codings.get(coding.id)
            if current is None:
                raise NotChanged("That coding is gone")
            doc = project.documents[current.document]
            turns = project.documents.turns(doc)
            moved = moved_edge(doc.text, turns, current.start, current.end, edge, step)
            if moved is None:
                if (edge == "start") == (step < 0):  # growing
                    raise NotChanged(f"No word {'before' if step < 0 else 'after'} the coding")
                raise NotChanged("The coding holds one word: x removes it")
            applied = project.codings.recode(current, start=moved[0], end=moved[1])
            new = applied.coding
            self._fixing = new.id
            self.view.move_cursor(new.start if edge == "start" else new.end - 1)
            words = new.text if edge == "start" else new.text[-40:]
            shown = excerpt(words, 40) if edge == "start" else "…" + excerpt(words, 40)
            message = f"{coding_path(project, new)} now “{shown}”"
            if applied.absorbed:
                message += f" (joined {plural(len(applied.absorbed), 'coding')} it touched)"
            self.app.say(message)
            return applied

        self._with_coding(f"Move the {where} of which coding?",
                          lambda coding: self.app.apply(lambda p: change(p, coding)),
                          keep_choice=True)

    def recode(self) -> None:
        """``r``: give the coding under the caret another code (the code picker)."""
        from workbench.tui.screens.code_picker import code_picker

        def change(project: Project, coding: Coding, code: Code | str) -> Applied:
            current = project.codings.get(coding.id)
            if current is None:
                raise NotChanged("That coding is gone")
            was = coding_path(project, current)
            applied = project.codings.recode(current, code=code)
            path = coding_path(project, applied.coding)
            self.app.ui_state.use_code(applied.coding.code)
            if applied.outcome == "unchanged":
                raise NotChanged(f"It is coded with {path} already")
            message = (f"Recoded {short_path(was)} → {short_path(path)}: "
                       f"“{excerpt(applied.coding.text, 30)}”")
            if applied.absorbed:
                message += f" (joined {plural(len(applied.absorbed), 'coding')} of {path})"
            self.app.say(message)
            return applied

        def picked(coding: Coding) -> None:
            words = self.project.codings.segment(coding).text
            title = f"Recode “{excerpt(words, 40)}” (now {coding_path(self.project, coding)})"
            self.app.ask(
                code_picker(self.screen.picker, self.code_choices(), words, title=title),
                lambda chosen: self._with_chosen_code(
                    chosen, lambda code: self.app.apply(lambda p: change(p, coding, code))),
            )

        self._with_coding("Recode which coding?", picked)

    # ------------------------------------------------------------------ uncoding
    def uncode(self) -> None:
        """``x``: remove the coding under the cursor (asking which when there are several)."""
        self._with_coding("Remove which coding?",
                          lambda coding: self.app.apply(lambda p: self._remove(p, coding)))

    def _remove(self, project: Project, coding: Coding) -> Coding:
        """The change of ``x``: remove a coding (``u`` brings it back), and say so."""
        current = project.codings.get(coding.id)
        if current is None:
            raise NotChanged("That coding is gone")
        path = coding_path(project, current)
        project.codings.remove(current)
        self.app.say(f"Removed the coding {path} (u brings it back)")
        return current

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
        """``y``: copy the selection (else the innermost coding, else the words of the turn)
        as a quote, attributed to whoever said it; never the speaker label."""
        from workbench.tui.clipboard import copy_text

        doc, view, project = self.screen.document, self.view, self.project
        if doc is None:
            return
        if view.selection is not None:
            segment = project.documents.segment(doc, *view.selection)
        elif codings := view.codings_at():
            coding = min(codings, key=lambda c: (c.end - c.start, c.start))
            segment = project.codings.segment(coding)
        else:
            start, end = view.current_turn()
            segment = project.documents.segment(doc, start, end) if end > start else None
        if segment is None or not segment.text.strip():
            self.app.say("Nothing to copy here", warning=True)
            return
        text = quoted(project, doc, segment)
        copied = copy_text(self.app, text, what=f"the quote {excerpt(text, 60)}")
        self.app.say(copied.said)  # in the status line: a toast covered the transcript
        if copied.hint and not self._clipboard_hinted:
            self._clipboard_hinted = True  # once a session is enough
            self.app.notify(copied.hint, markup=False)
