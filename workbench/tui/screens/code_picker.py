"""The code picker: every code path, recent codes first; a new name creates a code.

On the main screen the code picker is the screen's picker overlay, loaded with the code
choices for each use (:func:`code_picker`); elsewhere (study search) it is a
:class:`~.dialogs.PickerScreen` (:func:`code_picker_screen`). The choices are made again only
when the codebook or the recent codes changed (:class:`CodeChoices`); the counts beside the
listed codes are the codebook pane's (with the codes below, as the pane shows them).
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.core.codebook import split_path
from workbench.core.model import Code
from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.tui.quoting import excerpt
from workbench.tui.screens.dialogs import Choice, PickerScreen
from workbench.tui.widgets.picker import ROWS, Picker

HINT = "enter apply · ↑↓ choose · esc cancel"
PLACEHOLDER = "type to filter, or a new code (Parent/Code nests it)"
NEW_CODE = "New code “{}”"


#: ``(segments, respondents)`` of a code with every code below it, as the codebook shows them.
Totals = Callable[[Code], tuple[int, int]]


def code_choices(project: Project, recent: list[Code], totals: Totals) -> list[Choice]:
    """Recent codes first (with their digit), then the rest in codebook order; beside each,
    its counts as the codebook pane shows them (read when the line is drawn)."""
    choices: list[Choice] = []
    seen: set[str] = set()
    for number, code in enumerate(recent[:9], start=1):
        choices.append(_choice(project, code, totals, key=str(number)))
        seen.add(code.id)
    for code in project.codebook.all():
        if code.id not in seen:
            choices.append(_choice(project, code, totals, key=" " if recent else ""))
    return choices


def _choice(project: Project, code: Code, totals: Totals, *, key: str) -> Choice:
    def detail() -> str:
        segments, respondents = totals(code)
        return f"{segments}·{respondents}" + ("  theme" if code.is_theme else "")

    return Choice(code.id, project.codebook.path(code), detail=detail, color=code.color,
                  key=key)


class CodeChoices:
    """The code choices, kept from one use of the picker to the next while the codebook and
    the recent codes stay the same (a coding changes only the counts, read when shown)."""

    def __init__(self, totals: Totals) -> None:
        self.totals = totals
        self._made_for: tuple[str, ...] | None = None
        self._codes: dict[str, Code] = {}
        self._choices: list[Choice] = []

    def of(self, project: Project, recent: list[Code]) -> list[Choice]:
        made_for = tuple(code.id for code in recent)
        if made_for != self._made_for or not project.codebook.holds(self._codes):
            self._made_for = made_for
            self._codes = dict(project.codebook)
            self._choices = code_choices(project, recent, self.totals)
        return self._choices


def title_for(text: str) -> str:
    """The picker's title for coding ``text``: its words on one line, cut to 48."""
    return f"Code “{excerpt(text, 48)}”"


def new_code_problem(path: str) -> str:
    """What keeps a typed ``Parent/Code`` from being a new code's path (``""``: nothing)."""
    try:
        split_path(path)
    except WorkbenchError:
        return "a name in the path is empty"
    return ""


def code_picker(picker: Picker, choices: list[Choice], text: str, *,
                title: str | None = None) -> Picker:
    """``picker`` loaded for coding ``text`` (under ``title``, if given) with ``choices``
    (from :class:`CodeChoices`). Answers a code id, a :class:`~.dialogs.NewName`, or
    ``None`` when cancelled."""
    return picker.load(title or title_for(text), choices, placeholder=PLACEHOLDER,
                       new_label=NEW_CODE, hint=HINT, rows=ROWS, check_new=new_code_problem)


def code_picker_screen(project: Project, recent: list[Code], totals: Totals,
                       title: str) -> PickerScreen:
    """The code picker in a modal screen (for a screen other than the main one)."""
    return PickerScreen(title, code_choices(project, recent, totals), placeholder=PLACEHOLDER,
                        new_label=NEW_CODE, hint=HINT, rows=ROWS, check_new=new_code_problem)
