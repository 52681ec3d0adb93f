"""Memo review: every memo of the study, newest first, filtered as you type and by kind.

A memo on a coding shows the passage coded, quoted with who said it. ``enter`` opens the
memo's target (a coding: its document with the cursor on it; a code: the codebook with it
highlighted).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from workbench.analysis.attribution import attribution
from workbench.core.model import Memo
from workbench.core.project import Project
from workbench.tui import keymap
from workbench.tui.quoting import quote

KINDS = ("all", "project", "document", "case", "code", "coding")
#: Characters of a coded passage shown at most (a longer one is cut with an ellipsis).
PASSAGE = 300


def memo_heading(project: Project, memo: Memo) -> str:
    """Where a memo is: ``coding “Anger” in Interview 1, line 12`` and the like."""
    kind, target = memo.target_kind, memo.target_id or ""
    if kind == "coding":
        coding = project.codings.get(target)
        if coding is not None:
            doc = project.documents.get(coding.document)
            code = project.codebook.get(coding.code)
            path = project.codebook.path(code) if code else "?"
            if doc is not None:
                line = doc.text.count("\n", 0, coding.start) + 1
                return f"coding “{path}” in {doc.name}, line {line}"
            return f"coding “{path}”"
    if kind == "code":
        code = project.codebook.get(target)
        if code is not None:
            return f"{'theme' if code.is_theme else 'code'} “{project.codebook.path(code)}”"
    if kind == "document":
        doc = project.documents.get(target)
        if doc is not None:
            return f"document “{doc.name}”"
    if kind == "case":
        case = project.cases.get(target)
        if case is not None:
            return f"case {case.name}"
    return "the project" if kind == "project" else f"{kind} (gone)"


def coded_passage(project: Project, memo: Memo) -> str:
    """The passage a coding memo is on, quoted with who said it (``“…” (Respondent 3)``);
    ``""`` for a memo on anything else, or on a coding that is gone."""
    if memo.target_kind != "coding":
        return ""
    coding = project.codings.get(memo.target_id or "")
    doc = project.documents.get(coding.document) if coding is not None else None
    if coding is None or doc is None:
        return ""
    segment = project.codings.segment(coding)
    text = " ".join(segment.text.split())
    if len(text) > PASSAGE:
        text = text[:PASSAGE - 1].rsplit(" ", 1)[0] + "…"
    return quote(text, attribution(project, doc, segment))


class MemoReviewScreen(Screen[tuple[str, str | None] | None]):
    """Dismisses with (kind, target id) of the memo to open, or ``None``."""

    BINDINGS = [
        *keymap.bindings("memo_review"),
        Binding("escape", "back", "Back"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(5)", show=False),
        Binding("pageup", "move(-5)", show=False),
    ]

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.kind = "all"
        self.memos = project.memos.all()
        self.passages = {m.id: coded_passage(project, m) for m in self.memos
                         if m.target_kind == "coding"}
        self.shown: list[Memo] = []
        self.query_text: str | None = None

    def compose(self) -> ComposeResult:
        yield Label(f"Memos of “{self.project.name}” · newest first", classes="screen-title")
        with Horizontal(id="memo-review-bar"):
            yield Input(placeholder="filter memos", id="memo-filter")
            yield Label("", id="memo-kind")
        yield OptionList(id="memo-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False
        self.refilter()
        self.query_one(Input).focus()

    def refilter(self) -> None:
        """Show the memos of the chosen kind whose text or heading has every typed word."""
        self.query_text = self.query_one(Input).value
        words = self.query_text.casefold().split()
        shown = []
        for memo in self.memos:
            if self.kind != "all" and memo.target_kind != self.kind:
                continue
            heading = memo_heading(self.project, memo)
            passage = self.passages.get(memo.id, "")
            haystack = f"{heading} {passage} {memo.text} {memo.author}".casefold()
            if all(w in haystack for w in words):
                shown.append(memo)
        self.shown = shown
        options = [Option(self._prompt(m)) for m in shown]
        option_list = self.query_one(OptionList)
        option_list.set_options(options)
        if options:
            option_list.highlighted = 0
        label = Text("kind: ", style="dim")
        label.append(self.kind, style="bold")
        label.append(f"  {len(shown)}/{len(self.memos)}", style="dim")
        self.query_one("#memo-kind", Label).update(label)

    def _prompt(self, memo: Memo) -> Text:
        out = Text(overflow="ellipsis")
        out.append(memo_heading(self.project, memo), style="bold")
        date = (memo.modified or memo.created)[:10]
        out.append(f" · {memo.author} · {date}\n", style="dim")
        passage = self.passages.get(memo.id)
        if passage:
            out.append(f"{passage}\n", style="italic")
        lines = memo.text.strip().splitlines() or [""]
        body = "\n".join(lines[:3]) + ("…" if len(lines) > 3 else "")
        out.append(body)
        return out

    @on(Input.Changed, "#memo-filter")
    def _changed(self, event: Input.Changed) -> None:
        if event.value != self.query_text:
            self.refilter()

    @on(Input.Submitted, "#memo-filter")
    def _submitted(self) -> None:
        self.action_open_memo()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_memo()

    def action_next_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self.refilter()

    def action_move(self, delta: int) -> None:
        option_list = self.query_one(OptionList)
        if self.shown:
            current = option_list.highlighted or 0
            option_list.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    def action_open_memo(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.shown:
            return
        memo = self.shown[index]
        self.dismiss((memo.target_kind, memo.target_id))

    def action_back(self) -> None:
        self.dismiss(None)
