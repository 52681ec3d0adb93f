"""Search all documents: keyword-in-context hits, jump to one, or code them all at once.

Type a word, a phrase or a regular expression and press ``enter``; the hits show one a line
(document, case or speaker, line, the words around the hit). ``ctrl+o`` keeps the hits of one
role (respondents, interviewers, other speakers) or all of them. ``enter`` on a hit opens it in
its transcript with the cursor on its first character; ``c`` codes every hit with a code from
the code picker, as one step that ``u`` undoes: the respondents' hits only (and text with no
speaker) unless the hits of another role were asked for with ``ctrl+o``; ``ctrl+g`` widens each
hit to its word, sentence, turn or paragraph first. A hit inside a coding of that code adds
nothing, one that overlaps or touches it extends it. The search and the coding are
:func:`workbench.analysis.search.search` and :func:`~workbench.analysis.search.code_every_hit`.
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

from workbench.analysis.search import (
    WIDEN,
    CodedHits,
    Hit,
    code_every_hit,
    respondents_words,
    search,
)
from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.tui import keymap
from workbench.tui.screens.dialogs import NewName
from workbench.wording import counted, plural

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

#: The role filter's values in the order ``ctrl+o`` goes through them (None: every speaker).
ROLES: tuple[str | None, ...] = (None, "respondent", "interviewer", "other")
#: How far ``ctrl+g`` widens each hit before coding it, in order (None: the hit itself).
WIDTHS: tuple[str | None, ...] = (None, *WIDEN)


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
    if not respondents_words(hit) and hit.speaker:  # whose words: not the respondent's
        where.append(f" · {hit.speaker}", style="italic")
    elif hit.case:
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
        self.role: str | None = None  # whose hits are listed (None: every speaker's)
        self.widen: str | None = None  # what "code every hit" codes of each hit
        self.hits: list[Hit] = []
        self.searched: str | None = None  # the pattern of the hits shown

    def compose(self) -> ComposeResult:
        yield Label(Text(f"Search all documents of “{self.project.name}”", no_wrap=True,
                         overflow="ellipsis"), classes="screen-title")
        with Horizontal(id="study-search-bar"):
            yield Input(value=self.pattern, id="study-search-input",
                        placeholder="a word, a phrase or a regular expression; enter")
        yield Label("", id="study-search-flags", classes="screen-subtitle")
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
                          case_sensitive=self.case_sensitive,
                          roles=None if self.role is None else {self.role})
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
            note = (f"{plural(len(hits), 'hit')} in {plural(documents, 'document')} · "
                    f"{plural(cases, 'case')}")
            if len(hits) > SHOWN:
                note += f" · the first {SHOWN} shown, all are coded"
            self._note(note + " · enter opens · c codes them")
        else:
            where = f"{self.role}s' turns" if self.role else "any document"
            self._note(f"No match for {pattern!r} in {where}")

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
        """The search's settings, each with the key that changes it."""
        keys = {spec_id: self._key(spec_id, default) for spec_id, default in (
            ("search_regex", "ctrl+r"), ("search_case", "ctrl+l"), ("search_role", "ctrl+o"),
            ("search_widen", "ctrl+g"))}
        flags = Text(no_wrap=True, overflow="ellipsis")
        for spec_id, shown, changed in (
            ("search_regex", "regex" if self.regex else "plain text", self.regex),
            ("search_case", "match case" if self.case_sensitive else "any case",
             self.case_sensitive),
            ("search_role", f"{self.role}s" if self.role else "all speakers",
             self.role is not None),
            ("search_widen", f"code each {self.widen or 'hit'}", self.widen is not None),
        ):
            if len(flags):
                flags.append(" · ", style="dim")
            flags.append(f"{keys[spec_id]} ", style="dim")
            flags.append(shown, style="bold" if changed else "")
        self.query_one("#study-search-flags", Label).update(flags)

    def _key(self, binding_id: str, default: str) -> str:
        keys = keymap.keys_for(binding_id, default, self.app.user_keymap)
        return self.app.get_key_display(Binding(keys[0], "")) if keys else default

    def action_toggle(self, name: str) -> None:
        """Switch regex / case-sensitive (a search shown is run again)."""
        if name not in ("regex", "case_sensitive"):
            return
        setattr(self, name, not getattr(self, name))
        self._flags()
        if self.searched is not None:
            self.run_search(self.query_one(Input).value)

    def action_cycle_role(self) -> None:
        """List every speaker's hits, or only respondents', interviewers' or others'."""
        self.role = ROLES[(ROLES.index(self.role) + 1) % len(ROLES)]
        self._flags()
        if self.searched is not None:
            self.run_search(self.query_one(Input).value)

    def action_cycle_widen(self) -> None:
        """Code each hit itself, or its word, sentence, turn or paragraph."""
        self.widen = WIDTHS[(WIDTHS.index(self.widen) + 1) % len(WIDTHS)]
        self._flags()

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

    def to_code(self) -> tuple[list[Hit], list[Hit]]:
        """The hits "code every hit" codes, and those it leaves out: with every speaker's
        hits listed, the respondents' only (an interviewer's words are not the data); with
        one role asked for, all of them."""
        if self.role is not None:
            return list(self.hits), []
        return ([h for h in self.hits if respondents_words(h)],
                [h for h in self.hits if not respondents_words(h)])

    def action_code_hits(self) -> None:
        """Code every hit (or what ``widen`` makes of it) with a code chosen in the picker."""
        from workbench.tui.screens.code_picker import code_picker_screen
        from workbench.tui.screens.dialogs import PickerScreen
        from workbench.tui.widgets.codebook_counts import CodeCounts

        if not self.hits:
            self.app.notify("Search first: there are no hits to code", severity="warning")
            return
        coded, left_out = self.to_code()
        if not coded:
            self.app.notify(
                f"None of these {plural(len(self.hits), 'hit')} is a respondent's: to code "
                f"them, list one role's hits ({self._key('search_role', 'ctrl+o')})",
                severity="warning", markup=False)
            return

        def picker() -> PickerScreen:
            main = self.app.main_screen
            recent = main.coding.recent_codes() if main is not None else []
            totals = main.codebook.totals if main is not None else CodeCounts(self.project).of
            what = f"{self.widen}s of the " if self.widen else ""
            whose = "respondent " if left_out else ""
            out = f" ({plural(len(left_out), 'other speaker’s hit', 'other speakers’ hits')} " \
                  "left out)" if left_out else ""
            return code_picker_screen(
                self.project, recent, totals,
                f"Code the {what}{len(coded)} {whose}"
                f"{counted(len(coded), 'hit')} of “{self.searched}”{out} with")

        self.app.ask(picker, lambda chosen: self._code_chosen(chosen, coded))

    def _code_chosen(self, chosen: object, hits: list[Hit]) -> None:
        codes = self.project.codebook
        if isinstance(chosen, NewName):
            path = chosen.text.strip()
        elif chosen in codes:
            path = codes.path(codes[str(chosen)])
        else:
            return
        widen = self.widen
        done: CodedHits | None = self.app.apply(
            lambda project: code_every_hit(project, hits, path, self.app.coder, widen=widen))
        if done is None:
            return
        code = codes.find(done.code)
        self.app.ui_state.use_code(code.id)
        unit = widen or "hit"
        what = [f"added {plural(done.added, 'coding')}"] if done.added else []
        if done.extended:
            what.append(f"extended {plural(done.extended, 'coding')}")
        if done.unchanged:
            what.append(f"{done.unchanged} already coded")
        if done.added or done.extended:
            self.app.notify(
                f"{'; '.join(what).capitalize()} with {done.code} ({unit}s of "
                f"“{self.searched}”; u undoes it all)", markup=False)
        else:
            self.app.notify(f"Nothing added: every {unit} is already coded with {done.code}",
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
