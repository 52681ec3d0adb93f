"""Documents: the ``g`` switcher, and the screen that edits the case of the current document."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

from workbench.core.cases import parse_attributes
from workbench.core.model import Document
from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.tui.screens.dialogs import Choice, PickerScreen


def document_switcher(project: Project, current: Document | None) -> PickerScreen:
    """A picker over the documents: name, case and number of codings; returns a document id."""
    choices = []
    for doc in project.documents.all():
        case = project.cases.of(doc)
        codings = len(project.codings.in_document(doc.id))
        detail = f"{case.name if case else 'no case'} · {codings} codings"
        if current is not None and doc.id == current.id:
            detail += " · open"
        choices.append(Choice(doc.id, doc.name, detail=detail))
    return PickerScreen("Go to document", choices, placeholder="type to filter documents")


def apply_case_edit(project: Project, doc: Document, answer: dict[str, Any]) -> str:
    """Assign the document to the named case and set its attributes: one undoable step (the
    change the case screen's answer makes, through the app).

    Returns what was done, or ``""`` when nothing changed.
    """
    name = answer["case"].strip()
    attributes: dict[str, str] = answer["attributes"]
    current = project.cases.of(doc)
    before = project.revision
    with project.change(f"case of {doc.name}"):
        if (current.name if current else "") != name:
            project.documents.set_case(doc, name or None)
        if name:
            case = project.cases.named(name)
            changes = {k: "" for k in case.attributes if k not in attributes}
            changes.update({k: v for k, v in attributes.items() if case.attributes.get(k) != v})
            if changes:
                project.cases.set(name, changes)
    if project.revision == before:
        return ""
    return f"{doc.name} belongs to {name}" if name else f"{doc.name} has no case now"


class CaseScreen(ModalScreen[dict[str, Any] | None]):
    """Edit the case of a document: its name (assigns the document) and attributes."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, project: Project, doc: Document) -> None:
        super().__init__()
        self.project = project
        self.doc = doc
        self.case = project.cases.of(doc)

    def compose(self) -> ComposeResult:
        attributes = self.case.attributes if self.case else {}
        lines = "\n".join(f"{k}: {v}" for k, v in sorted(attributes.items()))
        with Vertical(classes="dialog form case-form"):
            yield Label(
                Text(f"Case of “{self.doc.name}”", no_wrap=True, overflow="ellipsis"),
                classes="title",
            )
            yield Label("Case (a new name creates the case; empty: no case)",
                        classes="field-label")
            yield Input(self.case.name if self.case else "", id="case-name")
            yield Label("Attributes, one `key: value` a line (delete a line to remove it)",
                        classes="field-label")
            yield TextArea(lines, id="case-attributes", classes="field")
            yield Label("", id="case-error", classes="error")
            yield Label("ctrl+s save · tab next field · esc cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#case-attributes", TextArea).focus()

    def action_save(self) -> None:
        try:
            attributes = parse_attributes(self.query_one("#case-attributes", TextArea).text)
        except WorkbenchError as exc:
            self.query_one("#case-error", Label).update(Text(str(exc)))
            return
        name = self.query_one("#case-name", Input).value
        if attributes and not name.strip():
            self.query_one("#case-error", Label).update("Attributes need a case: give it a name")
            return
        self.dismiss({"case": name, "attributes": attributes})

    def on_input_submitted(self) -> None:
        self.query_one("#case-attributes", TextArea).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
