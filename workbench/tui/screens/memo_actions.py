"""The memo keys of the main screen: the memo pane follows the focus; ``m`` writes, the
pane's save goes through the Project API; memo targets open from the memo review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on

from workbench.core.model import TARGET_TABLES
from workbench.errors import WorkbenchError
from workbench.tui.widgets.memo_pane import MemoPane, MemoTarget

if TYPE_CHECKING:
    from workbench.tui.screens.main import MainScreen

    _Base = MainScreen
else:
    from textual.screen import Screen as _Base


class MemoActions(_Base):
    """Mixed into :class:`MainScreen`."""

    def memo_target(self) -> MemoTarget | None:
        """What ``m`` writes on: the code in the codebook, the coding under the cursor, the doc."""
        if self.active_pane == "codebook":
            code = self.project.codebook.get(self.codebook.code_id or "")
            if code is not None:
                kind = "theme" if code.is_theme else "code"
                return MemoTarget("code", code.id, f"{kind} “{self.project.codebook.path(code)}”")
        if self.document is None:
            return MemoTarget("project", None, f"the project “{self.project.name}”")
        codings = self.transcript.codings_at()
        if codings:
            coding = min(codings, key=lambda c: (c.end - c.start, c.start))
            line = self.transcript.line_number(coding.start)
            code = self.project.codebook.get(coding.code)
            name = code.name if code else "?"
            return MemoTarget("coding", coding.id, f"coding “{name}” on line {line}")
        return MemoTarget("document", self.document.id, f"document “{self.document.name}”")

    def update_memo(self, *, force: bool = False, target: MemoTarget | None = None) -> None:
        """Show the memo of what has focus (unless the user is writing one)."""
        # the panes are mounted before the screen (whose is_mounted turns true only after its
        # on_mount): the memo of the first document is in the first frame
        found = self.query(MemoPane)
        pane = found.first() if found else None
        if pane is None or not pane.is_mounted:
            return
        if pane.editing and not force:
            return
        if force and pane.editing and target is None:
            target = pane.target  # keep writing, but refresh the text under it after undo
        target = target or self.memo_target()
        memo = None
        if target is not None and (
            target.kind == "project"
            or target.target_id in self.project.table(TARGET_TABLES[target.kind])
        ):
            memos = self.project.memos.about(target.kind, target.target_id)
            memo = memos[0] if memos else None
        else:
            target = self.memo_target()
            memos = self.project.memos.about(target.kind, target.target_id) if target else []
            memo = memos[0] if memos else None
        pane.show(target, memo.id if memo else None, memo.text if memo else "",
                  self._other_memos(memo.id if memo else None), force=force)

    def _other_memos(self, shown_id: str | None) -> list[tuple[str, str]]:
        doc = self.document
        if doc is None:
            return []
        project = self.project
        found = [(f"document “{doc.name}”", m) for m in project.memos.about("document", doc.id)]
        case = project.cases.of(doc)
        if case is not None:
            found += [(f"case {case.name}", m) for m in project.memos.about("case", case.id)]
        for coding in project.codings.of_document(doc):
            for memo in project.memos.about("coding", coding.id):
                line = doc.text.count("\n", 0, coding.start) + 1
                found.append((f"coding “{self._path(coding)}” line {line}", memo))
        return [(title, m.text) for title, m in found if m.id != shown_id]

    def action_memo(self) -> None:
        if not self.app.writable():
            return
        target = self.memo_target()
        self.update_memo(force=True, target=target)
        self.focus_pane("memo")
        self.memo_pane.start_writing()

    def commit_memo(self) -> None:
        """Save the memo being written now (not through a message: used when quitting)."""
        message = self.memo_pane.pending_save()
        if message is not None:
            self._save_memo(message)

    def project_memo(self) -> None:
        """Write the memo on the whole project."""
        if not self.app.writable():
            return
        target = MemoTarget("project", None, f"the project “{self.project.name}”")
        self.update_memo(force=True, target=target)
        self.focus_pane("memo")
        self.memo_pane.start_writing()

    def open_memo_target(self, kind: str, target_id: str | None) -> None:
        """Show what a memo is on: a coding in its document, a code in the codebook..."""
        project = self.project
        if kind == "coding" and (coding := project.codings.get(target_id or "")):
            self.go_to(coding.document, coding.start)
        elif kind == "code" and target_id in project.codebook:
            self.codebook.filter_text = ""
            self.codebook.show_codes(self.project, highlight=target_id)
            self.focus_pane("codebook")
        elif kind == "document" and target_id in project.documents:
            doc_id = str(target_id)
            self.go_to(doc_id, self.app.ui_state.cursors.get(doc_id, 0))
        elif kind == "case" and (case := project.cases.get(target_id or "")):
            documents = self.project.documents.of_case(case)
            if documents:
                self.go_to(documents[0].id, self.app.ui_state.cursors.get(documents[0].id, 0))
            else:
                self.app.notify(f"Case {case.name} has no documents", markup=False)
        elif kind == "project":
            target = MemoTarget("project", None, f"the project “{self.project.name}”")
            self.update_memo(force=True, target=target)
            self.focus_pane("memo")
        else:
            self.app.notify("What this memo was on is no longer in the project",
                            severity="warning")

    @on(MemoPane.Save)
    def _save_memo(self, event: MemoPane.Save) -> None:
        if not self.app.writable():
            return
        project = self.project
        memo = project.memos.get(event.memo_id or "")
        try:
            if memo is not None:
                project.memos.edit(memo, event.text)
                kept = memo.id if event.text.strip() else None
            elif event.text.strip():
                kept = project.memos.add(
                    event.target.kind, event.target.target_id, event.text, self.app.coder
                ).id
            else:
                return
        except WorkbenchError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.memo_pane.saved(kept)
        self.app.notify(f"Memo on {event.target.title} saved", markup=False, timeout=2)
        self.app.saver.changed()
        self.memo_pane.show_others(self._other_memos(kept))

    @on(MemoPane.Leave)
    def _leave_memo(self) -> None:
        self.focus_pane(self.pane_before_memo)
