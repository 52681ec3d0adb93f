"""The main screen: transcript, codebook and memo panes, a status line and the footer.

This module holds the layout, the panes' focus, the document shown, the search line, and the
redrawing of every pane when the project changed (:class:`~workbench.tui.changes.ProjectChanged`).
What the keys and the panes' requests do is in objects the screen is composed of, each with one
job: :class:`~.coding.TranscriptCoding` (coding keys), :class:`~.codebook_editing.CodebookEditing`
(the codebook pane's requests), :class:`~.memos.MemoWriting` (the memo pane) and
:class:`~.undo.UndoRedo`. They change the project only through the app
(:meth:`~workbench.tui.app.WorkbenchApp.apply`), so nothing here needs calling after a change.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import DescendantFocus, Key, Resize, ScreenResume
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from workbench.core.model import Coding, Document
from workbench.tui import keymap
from workbench.tui.changes import ProjectChanged
from workbench.tui.screens.codebook_editing import CodebookEditing
from workbench.tui.screens.coding import ON_CODING_ACTIONS, TranscriptCoding
from workbench.tui.screens.memos import MemoWriting
from workbench.tui.screens.undo import UndoRedo
from workbench.tui.textual_compat import PromptFrameScreen, VerticalNotScrolled
from workbench.tui.widgets.codebook import CodebookPane
from workbench.tui.widgets.header import DocumentHeader, KeyFooter, StatusLine
from workbench.tui.widgets.memo_pane import MemoPane
from workbench.tui.widgets.picker import Picker
from workbench.tui.widgets.transcript import TranscriptView
from workbench.wording import plural

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

#: Below this many columns the panes are shown one at a time.
NARROW = 100
#: The height of the memo pane below the transcript in the narrow layout.
NARROW_MEMO_HEIGHT = 11
PANES = ("transcript", "codebook", "memo")
#: The footer shows the focused pane's own keys first, then the screen's, each in this order
#: (it is cut off at the right on narrow terminals).
FOOTER_ORDER = (
    "code", "recode", "coding_start_earlier", "coding_start_later", "coding_end_earlier",
    "coding_end_later", "uncode", "memo", "search", "add_code", "rename_code", "delete_code",
    "merge_code", "move_code", "toggle_theme", "describe_code", "recolour_code", "save_memo",
    "leave_memo", "go_to_document", "undo", "help", "memo_review", "quit", "study_search",
    "reports", "in_vivo", "show_segments", "filter_codes",
)
_FOOTER_RANK = {binding_id: rank for rank, binding_id in enumerate(FOOTER_ORDER)}


class TranscriptPane(VerticalNotScrolled):
    """The transcript with its header line and the search line; binds the coding keys (to
    actions of the screen, which hands them to its :class:`~.coding.TranscriptCoding`; the keys
    that fix the coding under the caret to its own actions, shown only while there is one)."""

    BINDINGS = keymap.bindings("transcript")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ON_CODING_ACTIONS:
            return self.screen.coding.on_coding
        return True

    def on_key(self, event: Key) -> None:
        """A key that fixes or removes a coding, pressed where there is none, says so (it is
        switched off there, and out of the footer, so it would say nothing)."""
        if event.key not in self.coding_keys:
            return
        self.screen.catch_up()  # typed right after a change: its coding counts
        if not self.screen.coding.on_coding:
            event.stop()
            event.prevent_default()
            self.app.say("No coding under the cursor: that key fixes or removes one",
                         warning=True)

    @cached_property
    def coding_keys(self) -> frozenset[str]:
        """The keys of the actions that need a coding under the caret (the user's keymap is
        read once: it does not change while the workbench runs)."""
        user = self.app.user_keymap
        return frozenset(key for spec in keymap.SPECS if spec.context == "transcript"
                         and spec.action.split("(")[0] in ON_CODING_ACTIONS
                         for key in keymap.keys_for(spec.id, spec.keys, user))

    def action_recode(self) -> None:
        self.screen.coding.recode()

    def action_move_edge(self, edge: str, step: int) -> None:
        self.screen.coding.move_edge("start" if edge == "start" else "end", step)

    def action_uncode(self) -> None:
        self.screen.coding.uncode()

    def compose(self) -> ComposeResult:
        yield DocumentHeader(id="doc-header")
        yield TranscriptView(id="transcript", snap_to_words=self.app.config.snap_to_words)
        yield Input(placeholder="search this document (enter; esc cancels)", id="search-input")


class MainScreen(PromptFrameScreen):
    """Three panes over one project."""

    app: WorkbenchApp
    BINDINGS = keymap.bindings("main")
    AUTO_FOCUS = None
    #: Textual's screen repaints itself whole when the focus moves (a reactive that repaints);
    #: the widgets that gain and lose the focus repaint themselves, and so do the pane titles
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, width: int = 120) -> None:
        # the layout classes are right from the start: changing a screen's classes restyles
        # every widget on it, which is most of the cost of starting
        super().__init__(classes="-narrow" if width < NARROW else "")
        self.document: Document | None = None
        self.active_pane = "transcript"
        self.pane_before_memo = "transcript"
        self.shown_revision = -1  # the project's revision the panes show
        self._resumed = False
        self.coding = TranscriptCoding(self)
        self.codebook_editing = CodebookEditing(self)
        self.memos = MemoWriting(self)
        self.undo_redo = UndoRedo(self)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        if self.app.project.read_only:
            yield Static(self.app.read_only_reason, id="banner", markup=False)
        with Horizontal(id="panes"):
            yield TranscriptPane(id="transcript-pane", classes="pane")
            with VerticalNotScrolled(id="side"):
                yield CodebookPane(id="codebook-pane", classes="pane")
                yield MemoPane(id="memo-pane", classes="pane")
        yield StatusLine(id="status")
        yield KeyFooter(compact=self.has_class("-narrow"),
                        show_command_palette=not self.has_class("-narrow"),
                        kept=frozenset({"undo", "app.help", "app.quit"}))
        yield Picker(id="picker", classes="overlay")  # kept: shown and hidden for each use

    @property
    def project(self):
        return self.app.project

    @property
    def transcript(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def codebook(self) -> CodebookPane:
        return self.query_one(CodebookPane)

    @property
    def memo_pane(self) -> MemoPane:
        return self.query_one(MemoPane)

    @property
    def picker(self) -> Picker:
        """The screen's picker (``c``, ``g``), an overlay kept mounted."""
        return self.query_one("#picker", Picker)

    def on_mount(self) -> None:
        app = self.app
        self.memo_pane.read_only = self.project.read_only
        self.shown_revision = self.project.revision
        self.transcript.caret_moved = self._caret_moved
        self.codebook.show_codes(self.project)
        documents = self.project.documents.all()
        state = app.ui_state
        doc = self.project.documents.get(state.document or "")
        if doc is None and documents:
            doc = documents[0]
        self.show_document(doc, state.cursors.get(doc.id, 0) if doc else 0)
        self.set_focus(self.transcript)
        self._layout_for(self.size.width or app.size.width)
        self.call_after_refresh(app.saver.warm_up)  # after the first frame

    def on_screen_resume(self, event: ScreenResume) -> None:
        # runs before Screen's own handler; the first time, every widget was styled as it was
        # mounted a moment ago, and restyling them all again took as long as painting them
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_resize(self, event: Resize) -> None:
        self._layout_for(event.size.width)
        self.picker.place()  # an open picker stays centred on the new size
        if event.size == self.outer_size:
            # already laid out at this size: Textual tells a screen its size again after
            # laying it out, and once more when the terminal reports the size it started
            # with; each time Screen laid everything out and painted it again in full
            event.prevent_default()

    @property
    def active_bindings(self):
        """The active bindings, the most useful first (the footer shows them in this order)."""
        found = super().active_bindings
        last = len(_FOOTER_RANK)
        return dict(sorted(found.items(), key=lambda kv: _FOOTER_RANK.get(kv[1].binding.id, last)))

    def _layout_for(self, width: int) -> None:
        narrow = width < NARROW
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
        for footer in self.query(KeyFooter):
            footer.compact = width < NARROW
            footer.show_command_palette = width >= NARROW  # ? lists ctrl+p
        self._show_pane(self.active_pane)

    def _show_pane(self, pane: str) -> None:
        """The pane with the focus: its title is highlighted, and when the panes are stacked
        (narrow), it is the one shown. Only the four titles are restyled for a focus move,
        and the panes shown or hidden are set on the panes themselves (a class of the screen
        would restyle every widget on it)."""
        self.active_pane = pane
        wide = not self.has_class("-narrow")
        self.query_one("#transcript-pane").display = wide or pane != "codebook"
        side = self.query_one("#side")
        side.display = wide or pane != "transcript"
        side.styles.height = "1fr" if wide or pane == "codebook" else NARROW_MEMO_HEIGHT
        self.codebook.display = wide or pane == "codebook"
        self.memo_pane.display = wide or pane == "memo"
        for title, owner in self._titles():
            title.set_class(owner == pane, "-focused")

    def _titles(self) -> list[tuple[Widget, str]]:
        """The title line of each pane, with the pane's name."""
        found = [(self.query_one(DocumentHeader), "transcript")]
        for title in self.query(".pane-title"):
            pane = self._pane_of(title)
            if pane is not None:
                found.append((title, pane))
        return found

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if event.widget is not self.focused:
            # the focus moved on before this message came (the picker gave it back to the
            # codebook, then the document it opened took it to the transcript): showing the
            # codebook then would hide the focused transcript in the narrow layout
            return
        pane = self._pane_of(event.widget)
        if pane is not None and pane != self.active_pane:
            self._show_pane(pane)
            if pane != "memo":
                self.memos.show()

    def _pane_of(self, widget: Widget) -> str | None:
        for node in widget.ancestors_with_self:
            if node.id in ("transcript-pane", "codebook-pane", "memo-pane"):
                return str(node.id).removesuffix("-pane")
        return None

    def focus_pane(self, pane: str) -> None:
        """Give the focus to a pane (showing it when the panes are stacked)."""
        if pane == "memo" and self.active_pane != "memo":
            self.pane_before_memo = self.active_pane  # escape in the memo pane goes back there
        self._show_pane(pane)
        # set_focus (not widget.focus(), which waits a turn): keys typed right after reach it
        if pane == "transcript":
            self.set_focus(self.transcript)
        elif pane == "codebook":
            self.set_focus(self.codebook.tree)
        else:
            self.set_focus(self.memo_pane.text_area)
        for footer in self.query(KeyFooter):  # its keys in this frame, not the next one
            footer.bindings_changed(self)

    def action_next_pane(self) -> None:
        self._cycle(1)

    def action_previous_pane(self) -> None:
        self._cycle(-1)

    def _cycle(self, step: int) -> None:
        current = self._pane_of(self.focused) if self.focused else None
        index = PANES.index(current or self.active_pane)
        self.focus_pane(PANES[(index + step) % len(PANES)])

    # ------------------------------------------------------------------ documents
    def code_colors(self) -> dict[str, str]:
        """Code id -> colour, for the transcript."""
        return {code.id: code.color for code in self.project.codebook.values()}

    def shown_codings(self, doc: Document) -> tuple[list[Coding], dict[str, str]]:
        """The codings of ``doc`` the transcript shows (whose: see :mod:`..coders`), colours."""
        from workbench.tui.coders import shown_codings

        return shown_codings(self.app, self.project.codings.of_document(doc), self.code_colors())

    def show_document(self, doc: Document | None, cursor: int = 0) -> None:
        """Show a document in the transcript with the cursor at ``cursor``."""
        if self.document is not None and doc is not None and doc.id != self.document.id:
            self.app.ui_state.cursors[self.document.id] = self.transcript.cursor
        self.document = doc
        header = self.query_one(DocumentHeader)
        if doc is None:
            header.show(None, None)
            self.memos.show()
            return
        cursor = max(0, min(cursor, len(doc.text)))
        self.transcript.show(doc, *self.shown_codings(doc), cursor=cursor)
        header.show(doc, self.project.cases.of(doc))
        self.app.ui_state.document = doc.id
        self.app.ui_state.cursors[doc.id] = cursor
        self.update_status()
        self.coding.caret_moved()
        self.memos.show()

    def go_to(self, document_id: str, offset: int) -> None:
        """Show a document (switching if needed) with the cursor at ``offset``."""
        doc = self.project.documents.get(document_id)
        if doc is None:
            self.app.say("That document is no longer in the project", warning=True)
            return
        if self.document is None or doc.id != self.document.id:
            self.show_document(doc, offset)
        else:
            self.transcript.move_cursor(offset)
        self.focus_pane("transcript")

    def action_go_to_document(self) -> None:
        from workbench.tui.screens.documents import document_switcher

        def chosen(doc_id: str | None) -> None:
            if doc_id and doc_id in self.project.documents:
                self.go_to(doc_id, self.app.ui_state.cursors.get(doc_id, 0))

        document_switcher(self.app, self.picker, self.document).open(chosen)

    def action_case_attributes(self) -> None:
        from workbench.tui.screens.documents import edit_case

        if self.document is None:
            self.app.say("No document is open", warning=True)
            return
        edit_case(self.app, self.document)

    def remember_cursor(self) -> None:
        """Put the cursor of the open document into the UI state."""
        if self.document is not None:
            self.app.ui_state.cursors[self.document.id] = self.transcript.cursor
            self.app.ui_state.document = self.document.id

    # ------------------------------------------------------------------ refreshing
    @on(ProjectChanged)
    def _project_changed(self) -> None:
        """The project changed: redraw the panes (once for changes in a row); the message
        goes on to the app, which saves."""
        self.catch_up()

    def catch_up(self) -> None:
        """Bring the panes up to date with a change whose message has not been handled yet
        (a key typed right after the key that made it)."""
        if self.project.revision != self.shown_revision:
            self.refresh_panes()

    def refresh_panes(self) -> None:
        """Redraw transcript codings, codebook, header and memos from the project."""
        project = self.project
        self.shown_revision = project.revision
        if self.document is not None:
            doc = project.documents.get(self.document.id)
            if doc is None:
                documents = self.project.documents.all()
                self.document = None
                self.show_document(documents[0] if documents else None)
            elif doc is not self.document and doc.text != self.document.text:
                self.document = doc
                self.show_document(doc, self.transcript.cursor)
            else:
                self.document = doc
                self.transcript.set_codings(*self.shown_codings(doc))
                self.query_one(DocumentHeader).show(doc, self.project.cases.of(doc))
                self.coding.caret_moved()
        self.codebook.update_codes(self.project)
        self.update_status()
        self.memos.show(force=True)

    def update_status(self) -> None:
        """The status line: line number, codes under the cursor, coder."""
        from workbench.tui.coders import status_part

        status = self.query_one(StatusLine)
        if self.document is None:
            status.position = f"coder {self.app.coder}"
            return
        view = self.transcript
        parts = [f"line {view.line_number(view.cursor)}"]
        codes = self.project.codebook
        names = list(dict.fromkeys(
            codes[c.code].name for c in view.codings_at() if c.code in codes
        ))
        if names:
            parts.append(", ".join(names))
        if view.selection:
            start, end = view.selection
            parts.append(f"{end - start} selected")
        parts.append(f"coder {self.app.coder}")
        if showing := status_part(self.app):
            parts.append(showing)
        status.position = " · ".join(parts)

    def _caret_moved(self) -> None:
        """The transcript's cursor or selection moved (called by the view at once, so the
        status line is in the cursor's own frame)."""
        if self.document is not None:
            self.app.ui_state.cursors[self.document.id] = self.transcript.cursor
        if self.project.revision != self.shown_revision:
            return  # moved by a change: refresh_panes follows, with the view's new codings
        self.update_status()
        self.coding.caret_moved()
        self.memos.show()

    # ------------------------------------------------------------------ search
    def action_search(self) -> None:
        field = self.query_one("#search-input", Input)
        field.add_class("-shown")
        self.set_focus(field)

    @on(Input.Submitted, "#search-input")
    def _search(self, event: Input.Submitted) -> None:
        event.stop()
        field = event.input
        field.remove_class("-shown")
        self.transcript.focus()
        if not event.value:
            self.transcript.set_search("")
            return
        found = self.transcript.set_search(event.value)  # the cursor on the first from it
        if found:
            self.app.say(f"{plural(found, 'match', 'matches')}: ctrl+n next, ctrl+b previous")
        else:
            self.app.say(f"No match for {event.value!r}", warning=True)

    def action_go_to_line(self) -> None:
        """``:``: ask for a line number, then go there."""
        from workbench.tui.screens.dialogs import PromptScreen

        if self.document is None:
            return

        def answered(answer: str | None) -> None:
            if answer is None:
                return
            try:
                number = int(answer.strip().lstrip(":"))
            except ValueError:
                self.app.say(f"{answer!r} is not a line number", warning=True)
                return
            self.go_to_line(number)

        last = self.transcript.line_count
        self.app.push_screen(PromptScreen(f"Go to line (1–{last})", placeholder="line number"),
                             answered)

    def go_to_line(self, number: int) -> None:
        """Put the transcript's cursor at the start of line ``number``."""
        self.transcript.go_to_line(number)
        self.focus_pane("transcript")

    def action_cancel_search(self) -> None:
        field = self.query_one("#search-input", Input)
        if field.has_focus:
            field.value = ""
            field.remove_class("-shown")
            self.transcript.set_search("")
            self.transcript.focus()

    # ------------------------------------------------------------------ keys of the panes
    def action_code(self) -> None:
        self.coding.code()

    def action_apply_recent(self, number: int) -> None:
        self.coding.apply_recent(number)

    def action_in_vivo(self) -> None:
        self.coding.in_vivo()


    def action_redact(self) -> None:
        self.coding.redact()

    def action_copy_quote(self) -> None:
        self.coding.copy_quote()

    def action_memo(self) -> None:
        self.memos.write()

    def action_undo(self) -> None:
        self.undo_redo.undo()

    def action_redo(self) -> None:
        self.undo_redo.redo()

    @on(CodebookPane.CodeHighlighted)
    def _code_highlighted(self) -> None:
        if self.active_pane == "codebook":
            self.memos.show()

    @on(CodebookPane.AddRequested)
    def _add_code(self, event: CodebookPane.AddRequested) -> None:
        self.codebook_editing.add(event.code)

    @on(CodebookPane.RenameRequested)
    def _rename_code(self, event: CodebookPane.RenameRequested) -> None:
        self.codebook_editing.rename(event.code)

    @on(CodebookPane.DeleteRequested)
    def _delete_code(self, event: CodebookPane.DeleteRequested) -> None:
        self.codebook_editing.delete(event.code)

    @on(CodebookPane.MergeRequested)
    def _merge_code(self, event: CodebookPane.MergeRequested) -> None:
        self.codebook_editing.merge(event.code)

    @on(CodebookPane.MoveRequested)
    def _move_code(self, event: CodebookPane.MoveRequested) -> None:
        self.codebook_editing.move(event.code)

    @on(CodebookPane.ThemeRequested)
    def _toggle_theme(self, event: CodebookPane.ThemeRequested) -> None:
        self.codebook_editing.toggle_theme(event.code)

    @on(CodebookPane.DescribeRequested)
    def _describe_code(self, event: CodebookPane.DescribeRequested) -> None:
        self.codebook_editing.describe(event.code)

    @on(CodebookPane.RecolourRequested)
    def _recolour_code(self, event: CodebookPane.RecolourRequested) -> None:
        self.codebook_editing.recolour(event.code)

    @on(CodebookPane.MemoRequested)
    def _code_memo(self, event: CodebookPane.MemoRequested) -> None:
        self.codebook_editing.memo(event.code)

    @on(CodebookPane.SegmentsRequested)
    def _code_segments(self, event: CodebookPane.SegmentsRequested) -> None:
        self.codebook_editing.segments(event.code)

    @on(MemoPane.Save)
    def _save_memo(self, event: MemoPane.Save) -> None:
        self.memos.save(event)

    @on(MemoPane.Typed)
    def _memo_typed(self) -> None:
        self.memos.typed()

    @on(MemoPane.Leave)
    def _leave_memo(self) -> None:
        self.focus_pane(self.pane_before_memo)
