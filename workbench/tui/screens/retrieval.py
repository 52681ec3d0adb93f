"""Retrieval: every segment of a code and of the codes below it, across documents.

Each segment shows in full, wrapped, under who said it (the respondent; an interviewer's words
are the interviewer's) and where (document, line, code, coder); ``x`` adds the line of text
before and after each. ``enter`` jumps to it in the transcript; ``y`` copies it as a quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList

from workbench.analysis.attribution import attribution
from workbench.core.model import Code, Coding, Document
from workbench.core.project import Project
from workbench.core.turns import Segment as Spoken
from workbench.tui import keymap
from workbench.tui.clipboard import copy_text
from workbench.tui.quoting import case_label, excerpt, quote
from workbench.tui.widgets.retrieval_entries import segment_options, segment_prompt
from workbench.wording import plural

__all__ = ["RetrievalScreen", "Segment", "segment_prompt", "segments_of"]


@dataclass(slots=True)
class Segment:
    """A coding with what is needed to show and quote it."""

    project: Project
    coding: Coding
    document: Document
    label: str  # case name, else document name
    path: str  # code path
    color: str
    known_line: int = 0  # the line, once counted (0: not yet); read ``line``
    _spoken: Spoken | None = field(default=None, repr=False)
    _who: str | None = field(default=None, repr=False)

    @property
    def line(self) -> int:
        """The segment's first line in its document, counted when first asked for (the
        document's text is then read, so a list reads only the texts it shows)."""
        if not self.known_line:
            self.known_line = self.document.text.count("\n", 0, self.coding.start) + 1
        return self.known_line

    @property
    def spoken(self) -> Spoken:
        """The coding as it is quoted: without a speaker label, with speaker, role, time."""
        if self._spoken is None:
            self._spoken = self.project.codings.segment(self.coding)
        return self._spoken

    @property
    def who(self) -> str:
        """Whose words these are, as a quote names them (``Respondent 3``; ``Interviewer,
        interview with Respondent 3``)."""
        if self._who is None:
            self._who = attribution(self.project, self.document, self.spoken)
        return self._who


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
            found.append(Segment(project, coding, doc, label, path, node.color))
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
        self.context = False  # a line of text before and after each segment (x)

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
            f"  {plural(len(self.segments), 'segment')} · {plural(people, 'respondent')}"
            + (f" · with {plural(below, 'code')} below it" if below else ""),
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
        option_list.set_options(segment_options(self.segments, self.context))
        if self.segments:
            option_list.highlighted = 0
        option_list.focus()

    def action_toggle_context(self) -> None:
        """Show or hide the line of text before and after every segment."""
        self.context = not self.context
        option_list = self.query_one(OptionList)
        highlighted = option_list.highlighted
        option_list.set_options(segment_options(self.segments, self.context))
        if highlighted is not None:
            option_list.highlighted = highlighted
            self.call_after_refresh(option_list.scroll_to_highlight)

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
            text = quote(segment.spoken.text, segment.who)
            copied = copy_text(self.app, text, what=f"the quote {excerpt(text, 60)}")
            self.app.notify(str(copied), markup=False)

    def action_back(self) -> None:
        self.dismiss(None)
