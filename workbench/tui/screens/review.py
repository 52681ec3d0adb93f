"""Disagreement review: walk where two coders differ on a code and decide on a consensus.

A small dialog asks for coders A and B (default: the two with the most codings), optionally a
code, and the consensus coder's name. The stretches of
:func:`workbench.team.agreement.disagreements` are grouped into **items**: one per document,
code and stretch of text either coder coded there (a stretch A coded wider than B gives two
disagreements, one decision). For each item the reviewer keeps A's spans (``a``), B's (``b``),
both (``o``: their union) or neither (``n``); the chosen spans are coded with that code under
the consensus coder through ``Project.code_text``, replacing an earlier decision there, all in
one undoable step. ``m`` writes a memo on the decision, ``u`` undoes the last decision or memo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

from workbench.core.model import Code, Document
from workbench.errors import WorkbenchError
from workbench.team.agreement import (
    Span,
    check_coders,
    coders,
    disagreements,
    merge_spans,
    subtract,
)
from workbench.tui import keymap
from workbench.tui.widgets.header import case_label

if TYPE_CHECKING:
    from workbench.core.project import Project

CONSENSUS = "consensus"
CHOICES = {"a": "keep A's", "b": "keep B's", "both": "keep both", "neither": "keep neither"}


@dataclass(slots=True)
class Item:
    """One stretch to decide: a document, a code, the region either coder coded, their spans."""

    document: Document
    code: Code
    start: int
    end: int
    a_spans: list[Span]
    b_spans: list[Span]
    decision: str | None = None
    memos: int = 0


@dataclass(slots=True)
class Setup:
    """What the dialog asked for."""

    coder_a: str
    coder_b: str
    code: str | None = None
    consensus: str = CONSENSUS


@dataclass(slots=True)
class _Done:
    """One thing `u` can undo: a decision (with what it replaced) or a memo."""

    index: int
    kind: str  # "decision" | "memo"
    previous: str | None = None
    changed: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def review_items(project: Project, setup: Setup) -> list[Item]:
    """The items to decide, in reading order."""
    found = disagreements(project, setup.coder_a, setup.coder_b, setup.code)
    docs = project.documents
    codes = project.codebook
    spans: dict[tuple[str, str], tuple[list[Span], list[Span], list[Span]]] = {}
    items: dict[tuple[str, str, int], Item] = {}
    for d in found:
        key = (d.document, d.code)
        if key not in spans:
            a, b = [], []
            for coding in project.codings.in_document(d.document):
                if coding.code != d.code:
                    continue
                if coding.coder == setup.coder_a:
                    a.append((coding.start, coding.end))
                elif coding.coder == setup.coder_b:
                    b.append((coding.start, coding.end))
            a, b = merge_spans(a), merge_spans(b)
            spans[key] = (a, b, merge_spans(a + b))
        a, b, union = spans[key]
        region = next((r for r in union if r[0] <= d.start and d.end <= r[1]), (d.start, d.end))
        item_key = (d.document, d.code, region[0])
        if item_key not in items:
            items[item_key] = Item(
                docs[d.document], codes[d.code], region[0], region[1],
                [s for s in a if s[0] < region[1] and region[0] < s[1]],
                [s for s in b if s[0] < region[1] and region[0] < s[1]],
            )
    return list(items.values())


def default_pair(project: Project, consensus: str = CONSENSUS) -> tuple[str, str]:
    """The two coders with the most codings (the consensus coder left out)."""
    stats = sorted(
        (c for c in coders(project) if c.name != consensus),
        key=lambda c: (-c.codings, c.name.casefold()),
    )
    names = [c.name for c in stats] + ["", ""]
    return names[0], names[1]


def open_review(app: Any) -> None:
    """Ask for the coders, then push the review screen (refused in blind mode)."""
    from workbench.tui.coders import coder_view

    if coder_view(app).blind:
        app.notify("Blind mode is on: the review would show the other coders' codings",
                   severity="warning", markup=False)
        return
    if len(coders(app.project)) < 2:
        app.notify("A review needs two coders: only one has coded so far", severity="warning",
                   markup=False)
        return

    def chosen(setup: Setup | None) -> None:
        if setup is None:
            return
        items = review_items(app.project, setup)
        if not items:
            app.notify(f"{setup.coder_a} and {setup.coder_b} agree everywhere"
                       + (f" on {setup.code}" if setup.code else ""), markup=False)
            return
        app.push_screen(ReviewScreen(app.project, setup, items))

    app.push_screen(ReviewSetup(app.project), chosen)


class ReviewSetup(ModalScreen[Setup | None]):
    """Coders A and B, an optional code, the consensus coder; enter starts, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def compose(self) -> ComposeResult:
        a, b = default_pair(self.project)
        listed = ", ".join(f"{c.name} ({c.codings})" for c in coders(self.project))
        with Vertical(classes="dialog form", id="review-setup"):
            yield Label("Review disagreements", classes="title")
            yield Label(Text(f"coders: {listed}", no_wrap=False), classes="hint")
            yield Label("Coder A", classes="field-label")
            yield Input(a, id="review-a")
            yield Label("Coder B", classes="field-label")
            yield Input(b, id="review-b")
            yield Label("Code (empty: every code)", classes="field-label")
            yield Input("", id="review-code", placeholder="a code path, e.g. Motivation/Anger")
            yield Label("Consensus coder", classes="field-label")
            yield Input(CONSENSUS, id="review-consensus")
            yield Label("enter start · tab next field · esc cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#review-a", Input).focus()

    def _value(self, name: str) -> str:
        return self.query_one(f"#review-{name}", Input).value.strip()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        setup = Setup(self._value("a"), self._value("b"), self._value("code") or None,
                      self._value("consensus") or CONSENSUS)
        try:
            check_coders(self.project, setup.coder_a, setup.coder_b)
            if setup.consensus in (setup.coder_a, setup.coder_b):
                raise WorkbenchError("the consensus coder must differ from coders A and B")
            if setup.code is not None:
                self.project.codebook.find(setup.code)
        except WorkbenchError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.dismiss(setup)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class ReviewScreen(Screen[None]):
    """One disagreement at a time; decide with a/b/o/n, memo with m, undo with u."""

    BINDINGS = [*keymap.bindings("review"), Binding("escape", "back", "Back")]

    def __init__(self, project: Project, setup: Setup, items: list[Item]) -> None:
        super().__init__()
        self.project = project
        self.setup = setup
        self.items = items
        self.index = 0
        self.done: list[_Done] = []

    def compose(self) -> ComposeResult:
        yield Label("", id="review-title", classes="screen-title")
        with VerticalScroll(id="review-body"):
            yield Static("", id="review-item")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    @property
    def item(self) -> Item:
        return self.items[self.index]

    @property
    def decided(self) -> int:
        return sum(1 for i in self.items if i.decision is not None)

    # ------------------------------------------------------------------ drawing
    def show(self) -> None:
        s = self.setup
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f"Disagreements: A {s.coder_a} vs B {s.coder_b}", style="bold")
        if s.code:
            title.append(f" · {s.code}", style="italic")
        title.append(f" · {self.index + 1}/{len(self.items)} · "
                     f"{self.decided} of {len(self.items)} decided", style="dim")
        self.query_one("#review-title", Label).update(title)
        self.query_one("#review-item", Static).update(self.describe(self.item))

    def describe(self, item: Item) -> Text:
        project, s, doc = self.project, self.setup, item.document
        text = doc.text
        out = Text()
        line = text.count("\n", 0, item.start) + 1
        out.append(case_label(project.cases.of(doc), doc), style="bold")
        if (case := project.cases.of(doc)) is not None and case.name != doc.name:
            out.append(f" · {doc.name}", style="dim")
        out.append(f" · line {line} · ", style="dim")
        out.append("■ ", style=item.code.color)
        out.append(project.codebook.path(item.code) + "\n\n", style="italic")
        # the stretch with a line of context before and after
        first = text.rfind("\n", 0, item.start) + 1
        before_start = text.rfind("\n", 0, max(first - 1, 0)) + 1 if first > 0 else first
        last = text.find("\n", item.end)
        last = len(text) if last < 0 else last
        after_end = text.find("\n", last + 1) if last < len(text) else last
        after_end = len(text) if after_end < 0 else after_end
        out.append(text[before_start:item.start], style="dim")
        out.append(text[item.start:item.end], style="bold reverse")
        out.append(text[item.end:after_end], style="dim")
        out.append("\n\n")
        for label, name, spans in (("A", s.coder_a, item.a_spans), ("B", s.coder_b, item.b_spans)):
            out.append(f"{label} {name}: ", style="bold")
            if spans:
                quoted = " … ".join(f"“{_flat(text[a:b])}”" for a, b in spans)
                out.append(f"coded {quoted}\n")
            else:
                out.append("did not code it\n", style="italic")
        for who, other, mine, theirs in ((s.coder_a, s.coder_b, item.a_spans, item.b_spans),
                                         (s.coder_b, s.coder_a, item.b_spans, item.a_spans)):
            if only := subtract(mine, theirs):
                quoted = " … ".join(f"“{_flat(text[a:b])}”" for a, b in only)
                out.append(f"only {who} coded {quoted} ({other} did not)\n", style="dim")
        out.append("\ndecision: ", style="bold")
        if item.decision is None:
            out.append("not decided yet", style="italic")
        else:
            out.append(CHOICES[item.decision].replace("A's", f"{s.coder_a}'s")
                       .replace("B's", f"{s.coder_b}'s"))
            out.append(f" (as {s.consensus})", style="dim")
        if item.memos:
            out.append(f" · {item.memos} memo{'s' if item.memos != 1 else ''}", style="dim")
        out.append("\n\na keep A's · b keep B's · o both · n neither · m memo · u undo · "
                   "j/k next/previous · esc back", style="dim")
        return out

    # ------------------------------------------------------------------ moving
    def action_move(self, step: int) -> None:
        self.index = max(0, min(len(self.items) - 1, self.index + step))
        self.show()

    def action_back(self) -> None:
        self.dismiss(None)

    # ------------------------------------------------------------------ deciding
    def consensus_codings(self, item: Item) -> list:
        """The consensus coder's codings of the item's code within its region."""
        return [
            c for c in self.project.codings.in_document(item.document.id)
            if c.coder == self.setup.consensus and c.code == item.code.id
            and c.start < item.end and item.start < c.end
        ]

    def _changed(self) -> None:
        main = self.app.main_screen
        if main is not None:
            main.after_change()
        else:
            self.app.saver.changed()

    def action_decide(self, choice: str) -> None:
        if not self.app.writable():
            return
        item = self.item
        spans = {"a": item.a_spans, "b": item.b_spans, "neither": [],
                 "both": merge_spans(item.a_spans + item.b_spans)}[choice]
        label = CHOICES[choice].replace("A's", f"{self.setup.coder_a}'s").replace(
            "B's", f"{self.setup.coder_b}'s")
        revision = self.project.revision
        try:
            with self.project.change(f"review: {label} on {self.project.codebook.path(item.code)}"):
                keep = set(spans)
                for coding in self.consensus_codings(item):
                    if (coding.start, coding.end) not in keep:
                        self.project.codings.remove(coding)
                for start, end in spans:
                    self.project.codings.add(item.document, start, end, item.code,
                                           self.setup.consensus)
        except WorkbenchError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        changed = self.project.revision != revision
        self.done.append(_Done(self.index, "decision", item.decision, changed))
        item.decision = choice
        if changed:
            self._changed()
        self.app.notify(f"Decided: {label}", markup=False, timeout=2)
        if self.index < len(self.items) - 1:
            self.index += 1
        self.show()

    def action_memo(self) -> None:
        from workbench.tui.screens.dialogs import PromptScreen

        if not self.app.writable():
            return
        item, index = self.item, self.index
        target = self.consensus_codings(item)
        if target:
            kind, target_id = "coding", min(target, key=lambda c: (c.start, c.end)).id
            where = "the consensus coding"
        else:
            kind, target_id, where = "document", item.document.id, "the document"

        def written(text: str | None) -> None:
            if not text or not text.strip():
                return
            body = text.strip()
            if kind == "document":
                s = self.setup
                line = item.document.text.count("\n", 0, item.start) + 1
                body = (f"Review of {self.project.codebook.path(item.code)} at line {line} "
                        f"({s.coder_a} vs {s.coder_b}, "
                        f"{CHOICES.get(item.decision or '', 'undecided')}): {body}")
            try:
                self.project.memos.add(kind, target_id, body, self.app.coder)
            except WorkbenchError as exc:
                self.app.notify(str(exc), severity="error", markup=False)
                return
            item.memos += 1
            self.done.append(_Done(index, "memo"))
            self._changed()
            self.app.notify(f"Memo on {where}", markup=False, timeout=2)
            self.show()

        self.app.push_screen(PromptScreen(f"Memo on {where}"), written)

    def action_undo(self) -> None:
        if not self.app.writable():
            return
        if not self.done:
            self.app.notify("No decision to undo here", severity="warning")
            return
        last = self.done.pop()
        if last.changed:
            try:
                entry = self.project.undo()
            except WorkbenchError as exc:
                self.app.notify(str(exc), severity="error", markup=False)
                return
            self._changed()
            label = entry.label if entry is not None else "nothing"
        else:
            label = "the decision"
        item = self.items[last.index]
        if last.kind == "decision":
            item.decision = last.previous
        else:
            item.memos = max(0, item.memos - 1)
        self.index = last.index
        self.app.notify(f"Undone: {label}", markup=False, timeout=2)
        self.show()
