"""The code picker: every code path, recent codes first; a new name creates a code.

On the main screen the code picker is the screen's picker overlay, loaded with the code
choices for each use (:func:`code_picker`); elsewhere (study search) it is a
:class:`~.dialogs.PickerScreen` (:func:`code_picker_screen`). The choices are made again only
when the codebook or the recent codes changed (:class:`CodeChoices`), and the counts shown
beside the listed codes are computed when shown and kept until the project changes.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.core.model import Code
from workbench.core.project import Project
from workbench.tui.quoting import excerpt
from workbench.tui.screens.dialogs import Choice, PickerScreen
from workbench.tui.widgets.picker import ROWS, Picker

HINT = "enter apply · ↑↓ choose · esc cancel"
PLACEHOLDER = "type to filter, or a new code (Parent/Code nests it)"
NEW_CODE = "New code “{}”"


class CountCache:
    """``segments·cases`` of each code, computed when first shown, forgotten when the
    project's revision changes."""

    def __init__(self) -> None:
        self.revision = -1
        self.details: dict[str, str] = {}

    def detail(self, project: Project, code: Code) -> Callable[[], str]:
        def text() -> str:
            if project.revision != self.revision:
                self.revision = project.revision
                self.details = {}
            found = self.details.get(code.id)
            if found is None:
                segments, _, cases = project.codebook.counts(code)
                found = f"{segments}·{cases}" + ("  theme" if code.is_theme else "")
                self.details[code.id] = found
            return found

        return text


def code_choices(project: Project, recent: list[Code], counts: CountCache | None = None
                 ) -> list[Choice]:
    """Recent codes first (with their digit), then the rest in codebook order."""
    counts = counts or CountCache()
    choices: list[Choice] = []
    seen: set[str] = set()
    for number, code in enumerate(recent[:9], start=1):
        choices.append(_choice(project, code, counts, key=str(number)))
        seen.add(code.id)
    for code in project.codebook.all():
        if code.id not in seen:
            choices.append(_choice(project, code, counts, key=" " if recent else ""))
    return choices


def _choice(project: Project, code: Code, counts: CountCache, *, key: str) -> Choice:
    return Choice(code.id, project.codebook.path(code), detail=counts.detail(project, code),
                  color=code.color, key=key)


class CodeChoices:
    """The code choices, kept from one use of the picker to the next while the codebook and
    the recent codes stay the same (a coding changes only the counts, made when shown)."""

    def __init__(self) -> None:
        self.counts = CountCache()
        self._made_for: tuple | None = None
        self._codes: dict[str, Code] = {}
        self._choices: list[Choice] = []

    def of(self, project: Project, recent: list[Code]) -> list[Choice]:
        made_for = (id(project), tuple(code.id for code in recent))
        if made_for != self._made_for or not project.codebook.holds(self._codes):
            self._made_for = made_for
            self._codes = dict(project.codebook)
            self._choices = code_choices(project, recent, self.counts)
        return self._choices


def title_for(text: str) -> str:
    """The picker's title for coding ``text``: its words on one line, cut to 48."""
    return f"Code “{excerpt(text, 48)}”"


def code_picker(picker: Picker, choices: list[Choice], text: str, *,
                title: str | None = None) -> Picker:
    """``picker`` loaded for coding ``text`` (under ``title``, if given) with ``choices``
    (from :class:`CodeChoices`). Answers a code id, a :class:`~.dialogs.NewName`, or
    ``None`` when cancelled."""
    return picker.load(title or title_for(text), choices, placeholder=PLACEHOLDER,
                       new_label=NEW_CODE, hint=HINT, rows=ROWS)


def code_picker_screen(project: Project, recent: list[Code], title: str) -> PickerScreen:
    """The code picker in a modal screen (for a screen other than the main one)."""
    return PickerScreen(title, code_choices(project, recent), placeholder=PLACEHOLDER,
                        new_label=NEW_CODE, hint=HINT, rows=ROWS)
