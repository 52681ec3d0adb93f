"""Command palette providers: apply a code, go to a document, code or line, set a speaker's
role, undo back to a step.

Each works from the main screen only (other screens get no hits from them). Reports, the
study-wide search and exports have providers too; their screens are imported when chosen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from workbench.wording import plural


class _MainProvider(Provider):
    """A provider whose entries are (text, help, callback) built from the main screen."""

    def entries(self, main) -> Iterable[tuple[str, str, Callable[[], object]]]:
        raise NotImplementedError

    def _main(self):
        from workbench.tui.screens.main import MainScreen

        screen = self.screen
        return screen if isinstance(screen, MainScreen) else None

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None:
            return
        matcher = self.matcher(query)
        for text, help_text, callback in self.entries(main):
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, text=text, help=help_text)

    async def discover(self) -> Hits:
        main = self._main()
        if main is None:
            return
        for text, help_text, callback in list(self.entries(main))[: self.DISCOVER]:
            yield DiscoveryHit(text, callback, text=text, help=help_text)

    DISCOVER = 0


class ApplyCodeProvider(_MainProvider):
    """``Apply code: PATH`` codes the selection (or the paragraph) with an existing code."""

    def entries(self, main):
        project = main.project
        for code in project.codebook.all():
            path = project.codebook.path(code)
            yield (f"Apply code: {path}", "code the selection or the paragraph",
                   partial(main.coding.code_with, code.id))


class GoToDocumentProvider(_MainProvider):
    """``Go to document: NAME`` shows it where the cursor was left."""

    DISCOVER = 20

    def entries(self, main):
        project = main.project
        for doc in project.documents.all():
            case = project.cases.of(doc)
            yield (f"Go to document: {doc.name}", case.name if case else "no case",
                   partial(_go_to_document, main, doc.id))


def _go_to_document(main, doc_id: str) -> None:
    main.go_to(doc_id, main.app.ui_state.cursors.get(doc_id, 0))


class SpeakerRoleProvider(_MainProvider):
    """``Speaker role: Aliya → respondent``: the roles of the open document's speaker labels,
    each one changeable (one undoable step); the help says what it is now."""

    DISCOVER = 12

    def entries(self, main):
        doc = main.document
        if doc is None:
            return
        from workbench.core.turns import ROLES

        for label, role, turns in main.project.documents.speakers(doc):
            for other in ROLES:
                if other != role:
                    yield (f"Speaker role: {label} → {other}",
                           f"now {role} · {plural(turns, 'turn')} in {doc.name}",
                           partial(_set_role, main, doc.id, label, other))


def _set_role(main, doc_id: str, label: str, role: str) -> None:
    app = main.app

    def change(project):
        doc = project.documents.set_roles(project.documents[doc_id], {label: role})
        app.notify(f"{label} is now {_role_words(role)} in {doc.name} (u undoes it)",
                   markup=False, timeout=4)
        return doc

    app.apply(change)


def _role_words(role: str) -> str:
    return "the interviewer" if role == "interviewer" else (
        "a respondent" if role == "respondent" else "another speaker")


class GoToCodeProvider(_MainProvider):
    """``Go to code: PATH`` highlights it in the codebook."""

    def entries(self, main):
        project = main.project
        for code in project.codebook.all():
            segments, _, cases = project.codebook.counts(code)
            yield (f"Go to code: {project.codebook.path(code)}",
                   f"{plural(segments, 'segment')} · {plural(cases, 'respondent')}",
                   partial(main.memos.open_target, "code", code.id))


class GoToLineProvider(_MainProvider):
    """``Go to line N`` when the search is a line number (``42``, ``:42``, ``line 42``)."""

    _NUMBER = re.compile(r"\s*(?::|(?:go\s+to\s+)?line\s*)?([0-9]{1,9})\s*", re.IGNORECASE)

    async def search(self, query: str) -> Hits:
        main = self._main()
        found = self._NUMBER.fullmatch(query)
        if main is None or main.document is None or found is None:
            return
        number = int(found.group(1))
        last = main.transcript.line_count
        text = f"Go to line {min(max(number, 1), last)}"
        yield Hit(1.0, text, partial(main.go_to_line, number), text=text,
                  help=f"of {last} in {main.document.name} (:)")


class UndoHistoryProvider(_MainProvider):
    """``Undo back to: STEP`` undoes every step down to it; ``Redo up to: STEP`` the reverse."""

    DISCOVER = 15

    def entries(self, main):
        history = main.project.history
        for entry in reversed(history.done):
            yield (f"Undo back to: {entry.label}", f"step {entry.seq} · {entry.time}",
                   partial(main.undo_redo.undo_to, entry.id))
        for entry in history.undone:
            yield (f"Redo up to: {entry.label}", f"step {entry.seq} · {entry.time}",
                   partial(main.undo_redo.undo_to, entry.id))


class ReportProvider(_MainProvider):
    """``Report: …`` opens a report; ``Search all documents`` the study-wide search."""

    DISCOVER = 5

    def entries(self, main):
        app = main.app
        yield ("Search all documents", "keyword in context; code every hit at once (ctrl+f)",
               app.action_study_search)
        for kind, text, help_text in (
            ("frequencies", "Report: frequencies", "segments, documents, cases, characters"),
            ("matrix", "Report: code × case matrix", "a heat map; b: by a case attribute"),
            ("cooccurrence", "Report: co-occurrence", "codes whose codings overlap"),
            ("saturation", "Report: saturation", "new codes per document, in import order"),
        ):
            yield (text, f"{help_text} (ctrl+t)", partial(app.action_reports, kind))


class ExportProvider(_MainProvider):
    """``Export: …`` writes the write-up, a file for another tool, or a copy of the project."""

    DISCOVER = 2

    def entries(self, main):
        app = main.app
        yield ("Export: write-up (md/docx/html/csv/xlsx)",
               "themes, codes and quotes for the report", partial(_export, app, "writeup"))
        yield ("Export: for other tools (qdpx/qdc/codebook-csv)",
               "REFI-QDA for NVivo, ATLAS.ti, MAXQDA, QualCoder; the codebook for Taguette",
               partial(_export, app, "refi"))
        yield ("Save a copy of the project as…", "unsaved changes too, e.g. when the disk is full",
               partial(_export, app, "copy"))


def _export(app, kind: str) -> None:
    from workbench.tui.screens.export import open_export

    open_export(app, kind)
