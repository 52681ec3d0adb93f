"""Retrieval: every segment of a code and of the codes below it, across documents.

Each segment shows its case, document, line and code, and the segment in a line of context.
``enter`` jumps to it in the transcript; ``y`` copies it as a quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from workbench.core.model import Code, Coding, Document
from workbench.core.project import Project
from workbench.tui import keymap
from workbench.tui.clipboard import copy_text
from workbench.tui.screens.coding_actions import quote
from workbench.tui.widgets.header import case_label

#: Characters of context shown on each side of a short segment.
CONTEXT = 40


@dataclass(slots=True)
class Segment:
    """A coding with what is needed to show and quote it."""

    coding: Coding
    document: Document
    label: str  # case name, else document name
    path: str  # code path
    color: str
    line: int


def segments_of(project: Project, code: Code) -> list[Segment]:
    """Codings of ``code`` and its descendants, in document order then position."""
    codes = [code, *project.descendants(code)]
    documents = project.state.tables["documents"]
    found: list[Segment] = []
    for node in codes:
        path = project.code_path(node)
        for coding in project.codings_of_code(node):
            doc = documents.get(coding.document)
            if doc is None:
                continue
            label = case_label(project.case_of(doc), doc)
            line = doc.text.count("\n", 0, coding.start) + 1
            found.append(Segment(coding, doc, label, path, node.color, line))
    found.sort(key=lambda s: (s.document.order, s.document.name, s.coding.start, s.path))
    return found


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """Up to CONTEXT characters before and after a span, on one line, cut at word breaks."""
    before = re.sub(r"\s+", " ", text[max(0, start - CONTEXT):start])
    after = re.sub(r"\s+", " ", text[end:end + CONTEXT])
    if start > CONTEXT and " " in before:
        before = "…" + before[before.index(" ") + 1:]
    if end + CONTEXT < len(text) and " " in after:
        after = after[:after.rindex(" ")] + "…"
    return before, after


def segment_prompt(segment: Segment, width: int = 78) -> Text:
    """Two lines cut to ``width`` cells: who, where, which code; the segment in its context."""
    coding, text = segment.coding, segment.document.text
    head = Text(no_wrap=True)
    head.append("▌", style=segment.color)
    head.append(segment.label, style="bold")
    if segment.label != segment.document.name:
        head.append(f" · {segment.document.name}", style="dim")
    head.append(f" · line {segment.line} · ", style="dim")
    head.append(segment.path, style="italic")
    head.append(f" · {coding.coder}", style="dim")
    body = Text(no_wrap=True)
    body.append("▌", style=segment.color)
    quoted = re.sub(r"\s+", " ", coding.text)
    if len(quoted) < width - 10:
        before, after = _context(text, coding.start, coding.end)
        room = max(0, width - 1 - len(quoted))
        keep = min(len(before), room // 2 + max(0, room // 2 - len(after)))
        if keep < len(before):
            cut = before[len(before) - keep:]
            before = "…" + (cut[cut.index(" ") + 1:] if " " in cut else cut)
        body.append(before, style="dim")
        body.append(quoted, style="bold")
        body.append(after, style="dim")
    else:
        body.append(quoted)
    head.truncate(width, overflow="ellipsis")
    body.truncate(width, overflow="ellipsis")
    return head + Text("\n") + body


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
        below = len(project.descendants(code))
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("■ ", style=code.color)
        title.append(project.code_path(code), style="bold")
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
        self.query_one(OptionList).focus()

    def on_resize(self) -> None:
        """(Re)build the lines for the width there is."""
        option_list = self.query_one(OptionList)
        width = max(20, self.size.width - 3)
        highlighted = option_list.highlighted
        option_list.set_options(Option(segment_prompt(s, width)) for s in self.segments)
        if self.segments:
            option_list.highlighted = highlighted or 0

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
