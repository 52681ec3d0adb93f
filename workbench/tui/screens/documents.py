"""Documents: the ``g`` list (open one, or remove one), and the dialog that edits the case of
the current document.

The case dialog cannot rename a case or move a document to another case by accident: it opens
on the attributes, the case name is reached only with its own key (never by ``tab``), and a
changed name asks what is meant (rename the case, or move this document) before anything
changes. Attribute lines are checked as they are typed. The change itself is
:meth:`workbench.core.documents.Documents.edit_case`, one undoable step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

from workbench.core.cases import parse_attributes
from workbench.core.model import Case, Document
from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.tui import keymap
from workbench.tui.screens.dialogs import Choice, ChoiceScreen, ConfirmScreen
from workbench.tui.widgets.picker import ROWS, Picker
from workbench.wording import plural

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


def key_of(app: WorkbenchApp, binding_id: str, default: str) -> str:
    """The key a binding has now, as the footer shows it (``u``, ``^d``)."""
    keys = keymap.keys_for(binding_id, default, app.user_keymap)
    return app.get_key_display(Binding(keys[0], "")) if keys else default


# ---------------------------------------------------------------------------- the document list
def document_choices(project: Project, current: Document | None) -> list[Choice]:
    """One choice per document: its name, its case and how many codings it has (worked out
    for the documents the list shows, not for every document at each ``g``)."""
    current_id = current.id if current is not None else None

    def detail(doc: Document) -> str:
        case = project.cases.of(doc)
        codings = len(project.codings.in_document(doc.id))
        shown = f"{case.name if case else 'no case'} · {plural(codings, 'coding')}"
        return shown + (" · open" if doc.id == current_id else "")

    return [Choice(doc.id, doc.name, detail=partial(detail, doc))
            for doc in project.documents.all()]


class DocumentList:
    """The ``g`` list, loaded into a picker: type to filter, ``enter`` opens one (answers its
    id), the remove key takes the highlighted one out of the project (asking first, naming
    what goes) and lists the documents again."""

    def __init__(self, app: WorkbenchApp, picker: Picker, current: Document | None) -> None:
        self.app = app
        self.picker = picker
        self.current = current

    @property
    def project(self) -> Project:
        return self.app.project

    def load(self) -> Picker:
        remove = key_of(self.app, "remove_document", "ctrl+d")
        return self.picker.load(
            "Go to document", document_choices(self.project, self.current),
            placeholder="type to filter documents", rows=ROWS,  # as tall as the code picker's
            hint=f"enter open · {remove} remove · esc cancel",
            actions={"remove_document": self.remove})

    def remove(self, choice: Choice | None) -> None:
        """Remove the highlighted document with its codings and memos (asks; undoable)."""
        doc = self.project.documents.get(choice.value) if choice is not None else None
        if doc is None:
            return
        app = self.app

        def question() -> ConfirmScreen:
            going = self.project.documents.removal(doc)
            case = self.project.cases.of(doc)
            stays = f" The case {case.name} stays." if case is not None else ""
            return ConfirmScreen(
                f"Remove the document “{doc.name}” with its {plural(going.codings, 'coding')} "
                f"and {plural(going.memos, 'memo')}?{stays} "
                f"({key_of(app, 'undo', 'u')} on the main screen brings it back)"
            )

        def answered(yes: bool) -> None:
            if not yes:
                return
            removed = app.apply(lambda project: project.documents.remove(doc))
            if removed is None:
                return
            app.notify(
                f"Removed “{doc.name}” with {plural(removed.codings, 'coding')} and "
                f"{plural(removed.memos, 'memo')} ({key_of(app, 'undo', 'u')} undoes it)",
                markup=False,
            )
            query = self.picker.query_one(Input).value
            self.picker.load("Go to document", document_choices(self.project, self.current),
                             placeholder="type to filter documents", rows=ROWS,
                             hint=self.picker.hint, query=query, actions=self.picker.actions)

        app.ask(question, answered)


def document_switcher(app: WorkbenchApp, picker: Picker, current: Document | None) -> Picker:
    """``picker`` (the main screen's) loaded with the ``g`` list over the documents; it
    answers the id of the document to open. Nothing is built to open it."""
    return DocumentList(app, picker, current).load()


# ---------------------------------------------------------------------------- the case dialog
@dataclass(frozen=True, slots=True)
class CaseAnswer:
    """What the case dialog asks for: the document's case (empty: none), that case's
    attributes, and whether the case is renamed (rather than the document moved)."""

    name: str
    attributes: dict[str, str]
    rename: bool = False


class CaseScreen(ModalScreen[CaseAnswer | None]):
    """Edit the case of a document: the attributes first; the name only on purpose."""

    BINDINGS = [
        *keymap.bindings("case"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, project: Project, doc: Document) -> None:
        super().__init__()
        self.project = project
        self.doc = doc
        self.case = project.cases.of(doc)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form case-form"):
            yield Label(
                Text(f"Case of “{self.doc.name}”", no_wrap=True, overflow="ellipsis"),
                classes="title",
            )
            yield Label("", id="case-name-label", classes="field-label")
            name = Input(self.case.name if self.case else "", id="case-name",
                         placeholder="no case")
            name.can_focus = False  # not a tab stop: reached with its key only
            yield name
            yield Label("", id="case-attributes-label", classes="field-label")
            yield TextArea(self._lines(self.case), id="case-attributes", classes="field")
            yield Label("", id="case-error", classes="error")
            yield Label("", id="case-hint", classes="hint")

    @staticmethod
    def _lines(case: Case | None) -> str:
        """One ``key: value`` a line, and an empty line after them for the next one."""
        attributes = case.attributes if case else {}
        return "".join(f"{k}: {v}\n" for k, v in sorted(attributes.items()))

    def on_mount(self) -> None:
        change = key_of(self.app, "case_name", "ctrl+n")
        save = key_of(self.app, "case_save", "ctrl+s")
        self.query_one("#case-name-label", Label).update(
            f"Case ({change} to change it: another case, or a new name)")
        self.query_one("#case-hint", Label).update(
            f"{save} save · {change} change the case · esc cancel")
        self._label_attributes()
        area = self.attributes_field
        self.set_focus(area)
        area.move_cursor(area.document.end)  # typing adds an attribute, not into the first

    @property
    def name_field(self) -> Input:
        return self.query_one("#case-name", Input)

    @property
    def attributes_field(self) -> TextArea:
        return self.query_one("#case-attributes", TextArea)

    def _label_attributes(self) -> None:
        name = self.name_field.value.strip()
        of = f" of {name}" if name else ""
        self.query_one("#case-attributes-label", Label).update(Text(
            f"Attributes{of} (one `key: value` a line)",
            no_wrap=True, overflow="ellipsis"))

    # ------------------------------------------------------------------ fields
    def action_change_name(self) -> None:
        """Reach the case name (then ``enter`` shows the attributes of the case named)."""
        field_ = self.name_field
        field_.can_focus = True
        self.set_focus(field_)

    @on(Input.Changed, "#case-name")
    def _name_changed(self) -> None:
        self._label_attributes()

    @on(Input.Submitted, "#case-name")
    def _name_submitted(self) -> None:
        """An existing case named: its attributes are shown, as saving will leave them."""
        name = self.name_field.value.strip()
        named = self.project.cases.by_name(name) if name else None
        if named is not None and (self.case is None or named.id != self.case.id):
            self.attributes_field.load_text(self._lines(named))
        area = self.attributes_field
        self.set_focus(area)
        area.move_cursor(area.document.end)

    @on(TextArea.Changed, "#case-attributes")
    def _attributes_changed(self) -> None:
        self._problem()

    def _problem(self) -> str:
        """What is wrong with the attribute lines (shown under them), or ``""``."""
        try:
            attributes = parse_attributes(self.attributes_field.text)
        except WorkbenchError as exc:
            problem = str(exc)
        else:
            problem = ("Attributes belong to a case: give it a name "
                       f"({key_of(self.app, 'case_name', 'ctrl+n')})"
                       if attributes and not self.name_field.value.strip() else "")
        self.query_one("#case-error", Label).update(Text(problem))
        return problem

    # ------------------------------------------------------------------ saving
    def action_save(self) -> None:
        """Check the lines; a changed name asks what it means first."""
        if self._problem():
            self.set_focus(self.attributes_field)
            return
        answer = CaseAnswer(self.name_field.value.strip(),
                            parse_attributes(self.attributes_field.text))
        question = self._question(answer)
        if question is None:
            self.dismiss(answer)
            return
        dialog, meaning = question
        self.app.push_screen(dialog, lambda chosen: self._answered(meaning(chosen)))

    def _answered(self, answer: CaseAnswer | None) -> None:
        if answer is not None:
            self.dismiss(answer)

    def _question(
        self, answer: CaseAnswer
    ) -> tuple[ModalScreen[Any], Callable[[Any], CaseAnswer | None]] | None:
        """The question a changed case name needs (the dialog, and what its answer means),
        or ``None`` when the name did not change."""
        doc, case, new = self.doc, self.case, answer.name
        old = case.name if case else ""
        if new == old:
            return None

        def yes(chosen: object) -> CaseAnswer | None:
            return answer if chosen else None

        if not new:
            return ConfirmScreen(
                f"Take “{doc.name}” out of the case {old}? (The case stays, with its "
                "attributes.)"), yes
        existing = self.project.cases.by_name(new)
        if existing is not None:
            where = f" from {old}" if case else ""
            changed = (" Its attributes become the ones written here."
                       if existing.attributes != answer.attributes else "")
            return ConfirmScreen(f"Move “{doc.name}”{where} to the case {new}?{changed}"), yes
        if case is None:
            return ConfirmScreen(f"Put “{doc.name}” in a new case, {new}?"), yes
        documents = self.project.documents.of_case(case)
        others = len(documents) - 1
        stay = (f"this document and its {plural(others, 'other document')} stay in it"
                if others else "this document stays in it")
        return ChoiceScreen(
            f"The case name changed from {old} to {new}. What is meant?",
            [
                ("r", f"Rename the case {old} to {new} ({stay})", "rename"),
                ("m", f"Move only “{doc.name}” to a new case, {new} ({old} stays)", "move"),
            ],
        ), lambda chosen: (None if chosen is None else CaseAnswer(
            answer.name, answer.attributes, rename=chosen == "rename"))

    def action_cancel(self) -> None:
        self.dismiss(None)


def edit_case(app: WorkbenchApp, doc: Document) -> None:
    """Open the case dialog on a document and make the change it answers, saying what was
    done (pushed on a read-only project too: the case can be read there)."""

    def answered(answer: CaseAnswer | None) -> None:
        if answer is None:
            return
        before = app.project.cases.of(doc)
        revision = app.project.revision
        case = app.apply(lambda project: project.documents.edit_case(
            doc, answer.name, answer.attributes, rename=answer.rename))
        if app.project.revision == revision:
            return  # nothing changed, or refused (and said so)
        if case is None:
            app.notify(f"{doc.name} has no case now", markup=False)
        elif answer.rename and before is not None and before.name != case.name:
            app.notify(f"Renamed the case {before.name} to {case.name}", markup=False)
        elif before is None or before.id != case.id:
            app.notify(f"{doc.name} belongs to {case.name}", markup=False)
        else:
            app.notify(f"Attributes of {case.name} saved", markup=False)

    app.push_screen(CaseScreen(app.project, doc), answered)
