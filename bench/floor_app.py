"""The floor: a minimal three-pane Textual app, what any Textual app pays for a key.

    python bench/floor_app.py [PROJECT]     # in a terminal; q quits

A Line-API view of a document's text with a cursor line (``j``/``down``, ``]``, ``pagedown``),
a Tree of codes, a TextArea and a status line (no footer); ``tab`` moves the focus,
``c`` shows a list of 60 options with a filter line kept mounted (``escape`` hides it), ``x``
shows a toast. ``bench/bench_keys.py`` runs it beside the real app, key for key, to give each
key's figure a floor. With a project file it shows the first document and the codes of that
project (read as JSON, without importing Workbench), else generated text.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, OptionList, Static, TextArea, Tree

PICKER_OPTIONS = 60


class LineView(ScrollView, can_focus=True):
    """Lines of text drawn with the Line API, one of them the cursor's."""

    BINDINGS = [
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("right_square_bracket", "move(2)", "Next", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("v", "move(0)", "Select"),
    ]

    def __init__(self, lines: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines = lines
        self.cursor = 0
        self.virtual_size = Size(120, len(lines))

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_offset.y) + y
        if row >= len(self.lines):
            return Strip.blank(self.size.width)
        style = Style(reverse=True) if row == self.cursor else Style()
        text = self.lines[row][: self.size.width].ljust(self.size.width)
        return Strip([Segment(text, style)], self.size.width)

    def action_move(self, delta: int) -> None:
        self._place(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        height = max(1, self.size.height)
        self.scroll_to(y=self.scroll_offset.y + direction * height, animate=False,
                       immediate=True)
        self._place(self.cursor + direction * height)

    def _place(self, row: int) -> None:
        old, self.cursor = self.cursor, max(0, min(len(self.lines) - 1, row))
        top = round(self.scroll_offset.y)
        for changed in (old, self.cursor):
            self.refresh_line(changed - top)
        if not top <= self.cursor < top + self.size.height:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        self.app.query_one("#status", Static).update(f"line {self.cursor + 1} · saved",
                                                      layout=False)


class FloorApp(App[None]):
    """Three panes, a status line, toasts; nothing of Workbench."""

    CSS = """
    #panes { height: 1fr; }
    LineView { width: 1fr; }
    #side { width: 40%; }
    Tree { height: 1fr; }
    TextArea { height: 1fr; }
    #status { height: 1; background: $panel; }
    #picker { display: none; layer: overlay; width: 60; height: 18; offset: 10 4;
              border: round $accent; background: $surface; }
    #picker.-shown { display: block; }
    #picker OptionList { height: 14; border: none; }
    """
    BINDINGS = [
        Binding("c", "picker", "Code"),
        Binding("x", "toast", "Uncode"),
        Binding("escape", "hide", "Cancel", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, lines: list[str], codes: list[str]) -> None:
        super().__init__()
        self.lines = lines
        self.codes = codes

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield LineView(self.lines, id="view")
            with Vertical(id="side"):
                tree: Tree[str] = Tree("codes")
                tree.show_root = False
                for code in self.codes:
                    tree.root.add_leaf(code)
                yield tree
                yield TextArea("a memo", id="memo")
        with Vertical(id="picker"):
            yield Input(id="picker-input")
            yield OptionList(*self.codes[:PICKER_OPTIONS], id="picker-list")
        yield Static("line 1 · saved", id="status")

    def on_mount(self) -> None:
        self.query_one(LineView).focus()

    def action_picker(self) -> None:
        picker = self.query_one("#picker")
        picker.add_class("-shown")
        self.screen.set_focus(self.query_one("#picker-input"))

    def action_hide(self) -> None:
        self.query_one("#picker").remove_class("-shown")
        self.screen.set_focus(self.query_one(LineView))

    def action_toast(self) -> None:
        self.notify("Removed a coding (u brings it back)", timeout=3)


def floor_app(project: Path | None = None) -> FloorApp:
    """The floor app on a project's first document and codes (read as plain JSON)."""
    lines: list[str] = []
    codes: list[str] = []
    if project is not None:
        data = json.loads(project.read_text(encoding="utf-8"))
        documents = data.get("documents", {})
        first = next(iter(documents.values()), None) if isinstance(documents, dict) else None
        if isinstance(first, dict):
            lines = str(first.get("text", "")).splitlines()
        found = data.get("codes", {})
        if isinstance(found, dict):
            codes = [str(c.get("name", "")) for c in found.values() if isinstance(c, dict)]
    if not lines:
        lines = [f"Respondent: line {n} of a generated transcript" for n in range(2000)]
    return FloorApp(lines, codes or [f"Code {n}" for n in range(540)])


if __name__ == "__main__":
    floor_app(Path(sys.argv[1]) if len(sys.argv) > 1 else None).run()
