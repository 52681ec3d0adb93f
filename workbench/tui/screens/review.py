"""Disagreement review: walk where two coders differ on a code and decide on a consensus.

A small dialog asks for coders A and B (default: the two with the most codings), optionally a
code, and the consensus coder's name. The screen then shows the items of
:func:`workbench.team.consensus.review_items` one at a time; for each the reviewer keeps A's
spans (``a``), B's (``b``), both (``o``: their union) or neither (``n``), and
:func:`workbench.team.consensus.decide` codes them under the consensus coder in one undoable
step. ``m`` writes a memo on the decision, ``u`` undoes the last decision or memo. Every change
goes through the app, which redraws the main screen and saves.
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

from workbench.core.model import Coding
from workbench.errors import WorkbenchError
from workbench.team.agreement import check_coders, coders, subtract
from workbench.team.consensus import (
    CHOICES,
    CONSENSUS,
    Item,
    Review,
    consensus_codings,
    decide,
    default_pair,
    review_items,
)
from workbench.tui import keymap
from workbench.tui.changes import NotChanged
from workbench.tui.quoting import case_label
from workbench.wording import plural

if TYPE_CHECKING:
    from workbench.core.project import Project


@dataclass(slots=True)
class _Done:
    """One thing `u` can undo: a decision (with what it replaced) or a memo."""

    index: int
    kind: str  # "decision" | "memo"
    previous: str | None = None
    changed: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


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

    def chosen(setup: Review | None) -> None:
        if setup is None:
            return
        items = review_items(app.project, setup)
        if not items:
            app.notify(f"{setup.coder_a} and {setup.coder_b} agree everywhere"
                       + (f" on {setup.code}" if setup.code else ""), markup=False)
            return
        app.push_screen(ReviewScreen(app.project, setup, items))

    app.push_screen(ReviewSetup(app.project), chosen)


class ReviewSetup(ModalScreen[Review | None]):
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
        setup = Review(self._value("a"), self._value("b"), self._value("code") or None,
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

    def __init__(self, project: Project, setup: Review, items: list[Item]) -> None:
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
            out.append(s.says(item.decision))
            out.append(f" (as {s.consensus})", style="dim")
        if item.memos:
            out.append(f" · {plural(item.memos, 'memo')}", style="dim")
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
    def consensus_codings(self, item: Item) -> list[Coding]:
        """The consensus coder's codings of the item's code within its region."""
        return consensus_codings(self.project, self.setup, item)

    def action_decide(self, choice: str) -> None:
        item, index = self.item, self.index
        previous = item.decision
        changed = self.app.apply(lambda project: decide(project, self.setup, item, choice))
        if changed is None:
            return
        self.done.append(_Done(index, "decision", previous, changed))
        self.app.notify(f"Decided: {self.setup.says(choice)}", markup=False, timeout=2)
        if self.index < len(self.items) - 1:
            self.index += 1
        self.show()

    def action_memo(self) -> None:
        from workbench.tui.screens.dialogs import PromptScreen

        item, index = self.item, self.index
        target = self.consensus_codings(item)
        if target:
            kind, target_id = "coding", min(target, key=lambda c: (c.start, c.end)).id
            where = "the consensus coding"
        else:
            kind, target_id, where = "document", item.document.id, "the document"

        def written(text: str) -> None:
            if not text.strip():
                return
            body = text.strip()
            if kind == "document":
                s = self.setup
                line = item.document.text.count("\n", 0, item.start) + 1
                body = (f"Review of {self.project.codebook.path(item.code)} at line {line} "
                        f"({s.coder_a} vs {s.coder_b}, "
                        f"{CHOICES.get(item.decision or '', 'undecided')}): {body}")
            memo = self.app.apply(
                lambda project: project.memos.add(kind, target_id, body, self.app.coder)
            )
            if memo is None:
                return
            item.memos += 1
            self.done.append(_Done(index, "memo"))
            self.app.notify(f"Memo on {where}", markup=False, timeout=2)
            self.show()

        self.app.ask(PromptScreen(f"Memo on {where}"), written)

    def action_undo(self) -> None:
        def change(project: Project) -> str:
            if not self.done:
                raise NotChanged("No decision to undo here")
            if not self.done[-1].changed:
                return "the decision"
            entry = project.undo()
            return entry.label if entry is not None else "nothing"

        label = self.app.apply(change)
        if label is None:
            return
        last = self.done.pop()
        item = self.items[last.index]
        if last.kind == "decision":
            item.decision = last.previous
        else:
            item.memos = max(0, item.memos - 1)
        self.index = last.index
        self.app.notify(f"Undone: {label}", markup=False, timeout=2)
        self.show()
