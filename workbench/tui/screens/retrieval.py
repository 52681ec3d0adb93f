"""Retrieval: every segment of a code and of the codes below it, across documents.

Each segment shows its case, document, line and code, and the segment in a line of context.
``enter`` jumps to it in the transcript; ``y`` copies it as a quote.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList

from workbench.core.model import Code, Coding, Document
from workbench.core.project import Project
from workbench.tui import keymap
from workbench.tui.clipboard import copy_text
from workbench.tui.quoting import case_label, quote
from workbench.tui.widgets.retrieval_entries import segment_options, segment_prompt

__all__ = ["RetrievalScreen", "Segment", "segment_prompt", "segments_of"]


@dataclass(slots=True)
class Segment:
    """A coding with what is needed to show and quote it."""

    coding: Coding
    document: Document
    label: str  # case name, else document name
    path: str  # code path
    color: str
    known_line: int = 0  # the line, once counted (0: not yet); read ``line``

    @property
    def line(self) -> int:
        """The segment's first line in its document, counted when first asked for (the
        document's text is then read, so a list reads only the texts it shows)."""
        if not self.known_line:
            self.known_line = self.document.text.count("\n", 0, self.coding.start) + 1
        return self.known_line


def segments_of(project: Project, code: Code) -> list[Segment]:
    """Codings of ``code`` and its descendants, in document order then position."""
    codes = [code, *project.codebook.descendants(code)]
    documents = project.documents
    labels: dict[str, str] = {}  # document id -> case name, else document name
    found: list[Segment] = []
    for node in codes:
        path = project.codebook.path(node)
        for coding in project.codings.of_code(node):
            doc = documents.get(coding.document)
            if doc is None:
                continue
            label = labels.get(doc.id)
            if label is None:
                label = labels[doc.id] = case_label(project.cases.of(doc), doc)
            found.append(Segment(coding, doc, label, path, node.color))
    found.sort(key=lambda s: (s.document.order, s.document.name, s.coding.start, s.path))
    return found


class RetrievalScreen(Screen[tuple[str, int] | None]):
    """All segments of a code; dismisses with (document id, offset) to jump there."""

    BINDINGS = [
        *keymap.bindings("retrieval"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, project: Project, code: Code) -> None:
        super().__init__()
        self.project = project
        self.code = code
        self.segments = segments_of(project, code)

    def compose(self) -> ComposeResult:
        from workbench.tui.coders import counted_coder

        if (only := counted_coder(self.app)) is not None:  # blind mode: only mine
            self.segments = [s for s in self.segments if s.coding.coder == only]
        project, code = self.project, self.code
        people = len({s.label for s in self.segments})
        below = len(project.codebook.descendants(code))
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("■ ", style=code.color)
        title.append(project.codebook.path(code), style="bold")
        title.append(
            f"  {len(self.segments)} segments · {people} respondents"
            + (f" · with {below} codes below it" if below else ""),
            style="dim",
        )
        yield Label(title, id="retrieval-title", classes="screen-title")
        if code.description:
            yield Label(Text(code.description, style="italic"), classes="screen-subtitle")
        yield OptionList(id="segments")
        if not self.segments:
            yield Label("No segments are coded with this code yet.", classes="empty")
        yield Footer()

    def on_mount(self) -> None:
        """Fill the list (its entries are made only when drawn) and focus it."""
        option_list = self.query_one(OptionList)
        option_list.set_options(segment_options(self.segments))
        if self.segments:
            option_list.highlighted = 0
        option_list.focus()

    def on_resize(self) -> None:
        """Keep the highlighted segment in view at the new size (the entries redraw
        themselves at the new width)."""
        self.call_after_refresh(self.query_one(OptionList).scroll_to_highlight)

    def _current(self) -> Segment | None:
        index = self.query_one(OptionList).highlighted
        return self.segments[index] if index is not None and self.segments else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_segment()

    def action_open_segment(self) -> None:
        segment = self._current()
        if segment is not None:
            self.dismiss((segment.document.id, segment.coding.start))

    def action_copy_quote(self) -> None:
        segment = self._current()
        if segment is not None:
            text = quote(segment.coding.text, segment.label)
            self.app.notify(copy_text(self.app, text, what="quote"), markup=False)

    def action_back(self) -> None:
        self.dismiss(None)
