"""Memos on the main screen: which memo the memo pane shows, writing one, saving it.

The memo pane follows the focus: the highlighted code in the codebook, else the coding under
the transcript's cursor, else the document (the project when there is none). ``m`` starts
writing on that target; the pane's save (``ctrl+s``, leaving it) is one change through the app.
Nothing typed waits for that: when typing stops for :data:`DRAFT_DELAY` seconds, the text is
saved as a draft (the saver writes it to disk a moment later). The drafts and the save that ends
the writing join one undoable step. A memo in the memo review opens where it belongs
(:meth:`MemoWriting.open_target`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.css.query import NoMatches
from textual.timer import Timer

from workbench.core.model import TARGET_TABLES, Document, Memo
from workbench.tui.changes import NotChanged
from workbench.tui.quoting import coding_path
from workbench.tui.screens.part import MainScreenPart
from workbench.tui.widgets.memo_pane import MemoPane, MemoTarget

if TYPE_CHECKING:
    from workbench.core.project import Project
    from workbench.tui.screens.main import MainScreen

#: Seconds without typing before the memo being written is saved as a draft.
DRAFT_DELAY = 0.8


class MemoWriting(MainScreenPart):
    """Keeps the memo pane on the right memo and saves what is written in it."""

    def __init__(self, screen: MainScreen) -> None:
        super().__init__(screen)
        self._draft_timer: Timer | None = None
        #: counts writing sessions: the saves of one session are one undoable step
        self._session = 0
        self._drafts_saved = False  # a draft of this session changed the memo
        #: the memos of a document, its case and its codings (title, memo), as of a revision
        self._listed: tuple[str, int, list[tuple[str, Memo]]] | None = None

    def project_target(self) -> MemoTarget:
        """The memo on the whole study."""
        return MemoTarget("project", None, f"the project “{self.project.name}”")

    def target(self) -> MemoTarget | None:
        """What ``m`` writes on: the code in the codebook, the coding under the cursor, the doc."""
        screen, project = self.screen, self.project
        if screen.active_pane == "codebook":
            code = project.codebook.get(screen.codebook.code_id or "")
            if code is not None:
                kind = "theme" if code.is_theme else "code"
                return MemoTarget("code", code.id, f"{kind} “{project.codebook.path(code)}”")
        document = screen.document
        if document is None:
            return self.project_target()
        view = screen.transcript
        codings = view.codings_at()
        if codings:
            coding = min(codings, key=lambda c: (c.end - c.start, c.start))
            line = view.line_number(coding.start)
            code = project.codebook.get(coding.code)
            name = code.name if code else "?"
            return MemoTarget("coding", coding.id, f"coding “{name}” on line {line}")
        return MemoTarget("document", document.id, f"document “{document.name}”")

    # ------------------------------------------------------------------ showing
    def show(self, *, force: bool = False, target: MemoTarget | None = None) -> None:
        """Show the memo of what has focus (unless the user is writing one; ``force``: after
        a change, keeping what is being written on)."""
        # the panes are mounted before the screen (whose is_mounted turns true only after its
        # on_mount): the memo of the first document is in the first frame
        try:
            pane = self.screen.query_one(MemoPane)  # cached by Textual (a query walks the DOM)
        except NoMatches:
            return
        if not pane.is_mounted:
            return
        # the memo pane as the active pane is being written in even while the terminal
        # window is away (the text area lost the focus, and saved, until it comes back)
        writing = pane.editing or self.screen.active_pane == "memo"
        if writing and not force:
            return
        if force and writing and target is None:
            target = pane.target  # keep writing, but refresh the text under it after undo
        target = target or self.target()
        project = self.project
        if target is None or not (
            target.kind == "project"
            or target.target_id in project.table(TARGET_TABLES[target.kind])
        ):
            target = self.target()  # what it was on is gone
        memos = project.memos.about(target.kind, target.target_id) if target else []
        memo = memos[0] if memos else None
        pane.show(target, memo.id if memo else None, memo.text if memo else "",
                  self.others(memo.id if memo else None), force=force)

    def others(self, shown_id: str | None) -> list[tuple[str, str]]:
        """(title, text) of the other memos of the document, its case and its codings."""
        doc = self.screen.document
        if doc is None:
            return []
        return [(title, m.text) for title, m in self._memos_of(doc) if m.id != shown_id]

    def _memos_of(self, doc: Document) -> list[tuple[str, Memo]]:
        """Every memo :meth:`others` may list, listed again only after a change (the cursor
        crossing a coding asks each time)."""
        project = self.project
        listed = self._listed
        if listed is not None and listed[:2] == (doc.id, project.revision):
            return listed[2]
        found = [(f"document “{doc.name}”", m) for m in project.memos.about("document", doc.id)]
        case = project.cases.of(doc)
        if case is not None:
            found += [(f"case {case.name}", m) for m in project.memos.about("case", case.id)]
        for coding in project.codings.of_document(doc):
            for memo in project.memos.about("coding", coding.id):
                line = doc.text.count("\n", 0, coding.start) + 1
                found.append((f"coding “{coding_path(project, coding)}” line {line}", memo))
        self._listed = (doc.id, project.revision, found)
        return found

    # ------------------------------------------------------------------ writing
    def write(self) -> None:
        """``m``: write the memo on what has focus."""
        self.write_on(self.target)

    def write_project_memo(self) -> None:
        """Write the memo on the whole project."""
        self.write_on(self.project_target)

    def write_on(self, target: MemoTarget | Callable[[], MemoTarget | None]) -> None:
        """Show the memo on ``target`` (or on what ``target()`` gives, which may raise
        NotChanged) and start writing it; refused when the project is read-only."""
        if self.app.refuses_changes():
            return
        try:
            chosen = target if isinstance(target, MemoTarget) else target()
        except NotChanged as why:
            self.app.notify(str(why), severity="warning", markup=False)
            return
        self.commit()  # what is being written on another memo is saved, not replaced
        self.show(force=True, target=chosen)
        self.screen.focus_pane("memo")
        self.screen.memo_pane.start_writing()

    def typed(self) -> None:
        """The memo's text was edited: save a draft once typing stops (the status line says
        "unsaved" until then)."""
        pending = self.screen.memo_pane.unsaved
        self.app.saver.typed(pending)
        if not pending:
            self._stop_draft_timer()
        elif self._draft_timer is None:
            self._draft_timer = self.screen.set_timer(DRAFT_DELAY, self.save_draft,
                                                      name="memo draft")
        else:
            self._draft_timer.reset()

    def _stop_draft_timer(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    def save_draft(self) -> None:
        """Save the text being written as it is now (the writing goes on)."""
        self._draft_timer = None
        message = self.screen.memo_pane.pending_save()
        self.app.saver.typed(False)
        if message is not None:
            self.save(message, draft=True)

    def save(self, event: MemoPane.Save, *, draft: bool = False) -> None:
        """Save the memo the pane posted: a new one, an edit, or (empty) its removal; a draft
        saved while writing goes on, and joins the undoable step of the session's other
        saves."""
        self._stop_draft_timer()
        self.app.saver.typed(False)
        target = event.target
        joins = ("memo", self._session)
        drafts_saved = self._drafts_saved
        if not draft:  # the writing is done: what is written next is a new step
            self._session += 1
            self._drafts_saved = False
        before = self.project.revision

        def change(project: Project) -> Memo:
            memo = project.memos.get(event.memo_id or "")
            where = project.memos.describe_target(target.kind, target.target_id)
            gone = memo is not None and not event.text.strip()
            with project.change(f"{'delete ' if gone else ''}memo on {where}", joins=joins):
                if memo is not None:
                    return project.memos.edit(memo, event.text)
                if not event.text.strip():
                    raise NotChanged()  # nothing was written
                return project.memos.add(target.kind, target.target_id, event.text,
                                         self.app.coder)

        memo = self.app.apply(change)
        if memo is None:
            return
        self.screen.memo_pane.saved(memo.id if event.text.strip() else None)
        changed = self.project.revision != before
        if draft:
            self._drafts_saved = self._drafts_saved or changed
        elif changed or drafts_saved:
            self.app.say(f"Memo on {target.title} saved")

    def commit(self) -> None:
        """Save the memo being written now (not through a message: used when quitting)."""
        message = self.screen.memo_pane.pending_save()
        if message is not None:
            self.save(message)

    # ------------------------------------------------------------------ opening
    def open_target(self, kind: str, target_id: str | None) -> None:
        """Show what a memo is on: a coding in its document, a code in the codebook..."""
        screen, project = self.screen, self.project
        cursors = self.app.ui_state.cursors
        if kind == "coding" and (coding := project.codings.get(target_id or "")):
            screen.go_to(coding.document, coding.start)
        elif kind == "code" and target_id in project.codebook:
            screen.codebook.filter_text = ""
            screen.codebook.show_codes(project, highlight=target_id)
            screen.focus_pane("codebook")
        elif kind == "document" and target_id in project.documents:
            doc_id = str(target_id)
            screen.go_to(doc_id, cursors.get(doc_id, 0))
        elif kind == "case" and (case := project.cases.get(target_id or "")):
            documents = project.documents.of_case(case)
            if documents:
                screen.go_to(documents[0].id, cursors.get(documents[0].id, 0))
            else:
                self.app.notify(f"Case {case.name} has no documents", markup=False)
        elif kind == "project":
            self.commit()  # what is being written is saved, not replaced
            self.show(force=True, target=self.project_target())
            screen.focus_pane("memo")
        else:
            self.app.notify("What this memo was on is no longer in the project",
                            severity="warning")
