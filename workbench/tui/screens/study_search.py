"""Search all documents: keyword-in-context hits, jump to one, or code them all at once.

Type a word, a phrase or a regular expression and press ``enter``; the hits show one a line
(document, case, line, the words around the hit). ``enter`` on a hit opens it in its transcript
with the cursor on its first character; ``c`` codes every hit (or each hit's paragraph) with a
code from the code picker, as one step that ``u`` undoes. The search and the coding are
:func:`workbench.analysis.search.search` and :func:`~workbench.analysis.search.code_hits`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from workbench.analysis.search import Hit, code_hits, search
from workbench.core.model import Code
from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.tui import keymap
from workbench.tui.screens.dialogs import NewName

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

#: At most this many hits are listed (all of them are coded).
SHOWN = 5000


def tail_cells(text: str, cells: int) -> str:
    """The end of ``text`` that fits in ``cells`` terminal cells."""
    out: list[str] = []
    used = 0
    for char in reversed(text):
        width = cell_len(char)
        if used + width > cells:
            break
        out.append(char)
        used += width
    return "".join(reversed(out))


def head_cells(text: str, cells: int) -> str:
    """The start of ``text`` that fits in ``cells`` terminal cells."""
    out: list[str] = []
    used = 0
    for char in text:
        width = cell_len(char)
        if used + width > cells:
            break
        out.append(char)
        used += width
    return "".join(out)


def hit_prompt(hit: Hit, width: int = 78) -> Text:
    """One keyword-in-context line: where (document · case, line) and the hit amid its words.

    The hits of a list line up: the text before each is right-aligned to the same column.
    """
    where_width = max(10, min(30, width // 3))
    where = Text(no_wrap=True, overflow="ellipsis")
    where.append(hit.document, style="bold")
    if hit.case:
        where.append(f" · {hit.case}", style="dim")
    where.truncate(where_width - 1, overflow="ellipsis")
    where.pad_right(where_width - where.cell_len)
    line = Text(f"{hit.line:>5} ", style="dim", no_wrap=True)
    room = max(10, width - where_width - line.cell_len)
    matched = " ".join(hit.text.split()) or hit.text
    matched = head_cells(matched, max(1, room * 2 // 3))
    left = max(0, min(room * 2 // 5, room - cell_len(matched)))
    before = tail_cells(hit.before, left)
    after = head_cells(hit.after, max(0, room - left - cell_len(matched)))
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append_text(where)
    out.append_text(line)
    out.append(" " * (left - cell_len(before)))
    out.append(before, style="dim")
    out.append(matched, style="bold reverse")
    out.append(after, style="dim")
    return out


class HitList(OptionList):
    """The hits; ``enter`` is the screen's (``open_hit``, shown in the footer)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select":
            return False
        return super().check_action(action, parameters)


class StudySearchScreen(Screen[tuple[str, int] | None]):
    """Dismisses with (document id, offset of the hit) to jump there, or ``None``."""

    app: WorkbenchApp
    BINDINGS = [
        *keymap.bindings("study_search"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, project: Project, pattern: str = "") -> None:
        super().__init__()
        self.project = project
        self.pattern = pattern
        self.regex = False
        self.case_sensitive = False
        self.paragraph = False
        self.hits: list[Hit] = []
        self.searched: str | None = None  # the pattern of the hits shown

    def compose(self) -> ComposeResult:
        yield Label(Text(f"Search all documents of “{self.project.name}”", no_wrap=True,
                         overflow="ellipsis"), classes="screen-title")
        with Horizontal(id="study-search-bar"):
            yield Input(value=self.pattern, id="study-search-input",
                        placeholder="a word, a phrase or (ctrl+r) a regular expression; enter")
            yield Label("", id="study-search-flags")
        yield Label("", id="study-search-note", classes="screen-subtitle")
        yield HitList(id="hits")
        yield Footer()

    def on_mount(self) -> None:
        self._flags()
        self._note("enter searches · then enter opens a hit, c codes them all")
        self.set_focus(self.query_one(Input))

    # ------------------------------------------------------------------ search
    @on(Input.Submitted, "#study-search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_search(event.value)
        if self.hits:
            self.set_focus(self.query_one(OptionList))

    def run_search(self, pattern: str) -> None:
        """Search every document and list the hits."""
        self.pattern = pattern
        if not pattern:
            self.hits, self.searched = [], None
            self._show()
            self._note("enter searches · then enter opens a hit, c codes them all")
            return
        try:
            hits = search(self.project, pattern, regex=self.regex,
                          case_sensitive=self.case_sensitive)
        except WorkbenchError as exc:
            self.hits, self.searched = [], None
            self._show()
            self._note(str(exc), error=True)
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.hits, self.searched = hits, pattern
        self._show()
        documents = len({h.document_id for h in hits})
        cases = len({h.case for h in hits if h.case})
        if hits:
            note = (f"{len(hits)} hit{'s' if len(hits) != 1 else ''} in {documents} "
                    f"document{'s' if documents != 1 else ''} · {cases} "
                    f"case{'s' if cases != 1 else ''}")
            if len(hits) > SHOWN:
                note += f" · the first {SHOWN} shown, all are coded"
            self._note(note + " · enter opens · c codes them all")
        else:
            self._note(f"No match for {pattern!r} in any document")

    def _show(self) -> None:
        option_list = self.query_one(OptionList)
        width = max(30, (self.size.width or self.app.size.width) - 3)
        option_list.set_options(Option(hit_prompt(h, width)) for h in self.hits[:SHOWN])
        if self.hits:
            option_list.highlighted = 0

    def on_resize(self) -> None:
        if self.hits:
            highlighted = self.query_one(OptionList).highlighted
            self._show()
            self.query_one(OptionList).highlighted = highlighted

    def _note(self, text: str, *, error: bool = False) -> None:
        self.query_one("#study-search-note", Label).update(
            Text(text, style="bold red" if error else "", no_wrap=True, overflow="ellipsis")
        )

    def _flags(self) -> None:
        flags = Text(no_wrap=True)
        for on_, yes, no in (
            (self.regex, "regex", "plain text"),
            (self.case_sensitive, "match case", "any case"),
            (self.paragraph, "code paragraphs", "code hits"),
        ):
            if len(flags):
                flags.append(" · ", style="dim")
            flags.append(yes if on_ else no, style="bold" if on_ else "")
        self.query_one("#study-search-flags", Label).update(flags)

    def action_toggle(self, name: str) -> None:
        """Switch regex / case-sensitive / paragraph mode (a search shown is run again)."""
        if name not in ("regex", "case_sensitive", "paragraph"):
            return
        setattr(self, name, not getattr(self, name))
        self._flags()
        if name != "paragraph" and self.searched is not None:
            self.run_search(self.query_one(Input).value)

    def action_edit_search(self) -> None:
        self.set_focus(self.query_one(Input))

    # ------------------------------------------------------------------ hits
    def _current(self) -> Hit | None:
        index = self.query_one(OptionList).highlighted
        return self.hits[index] if index is not None and index < len(self.hits) else None

    @on(OptionList.OptionSelected, "#hits")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_hit()

    def action_open_hit(self) -> None:
        hit = self._current()
        if hit is not None:
            self.dismiss((hit.document_id, hit.start))

    def action_code_hits(self) -> None:
        """Code every hit (or paragraph) with a code chosen in the code picker."""
        from workbench.tui.screens.code_picker import CodePicker

        if not self.hits:
            self.app.notify("Search first: there are no hits to code", severity="warning")
            return

        def picker() -> CodePicker:
            main = self.app.main_screen
            recent = main.coding.recent_codes() if main is not None else []
            picker = CodePicker(self.project, recent, self.searched or "")
            what = "paragraphs of the" if self.paragraph else ""
            picker.title_text = (
                f"Code the {what} {len(self.hits)} hit{'s' if len(self.hits) != 1 else ''} "
                f"of “{self.searched}” with".replace("  ", " ")
            )
            return picker

        self.app.ask(picker, self._code_chosen)

    def _code_chosen(self, chosen: object) -> None:
        codes = self.project.codebook
        if isinstance(chosen, NewName):
            path = chosen.text.strip()
        elif chosen in codes:
            path = codes.path(codes[str(chosen)])
        else:
            return

        def change(project: Project) -> tuple[int, Code]:
            added = code_hits(project, self.hits, path, self.app.coder,
                              paragraph=self.paragraph)
            return added, project.codebook.find(path)

        done = self.app.apply(change)
        if done is None:
            return
        added, code = done
        self.app.ui_state.use_code(code.id)
        path = codes.path(code)
        unit = "paragraph" if self.paragraph else "hit"
        if added:
            self.app.notify(
                f"Added {added} coding{'s' if added != 1 else ''} with {path} "
                f"({unit}s of “{self.searched}”; u undoes them all)", markup=False)
        else:
            self.app.notify(f"Nothing added: every {unit} is already coded with {path}",
                            severity="warning", markup=False)

    def action_back(self) -> None:
        self.dismiss(None)


def open_study_search(app: WorkbenchApp) -> None:
    """Push the study search (the selected words, if any, as the pattern); a chosen hit opens
    in the main screen."""
    main = app.main_screen
    pattern = ""
    if main is not None and main.document is not None:
        selection = main.transcript.selection
        if selection and 0 < selection[1] - selection[0] <= 200:
            pattern = " ".join(main.document.text[selection[0]:selection[1]].split())

    def chosen(found: tuple[str, int] | None) -> None:
        screen = app.main_screen
        if found is not None and screen is not None:
            screen.go_to(*found)

    app.push_screen(StudySearchScreen(app.project, pattern), chosen)
