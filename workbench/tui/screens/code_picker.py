"""The code picker: every code path, recent codes first; a new name creates a code.

One picker is kept for the app (:func:`~.dialogs.kept_picker`) and loaded for each use; the
counts shown beside the listed codes are computed when shown and kept until the project
changes.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from workbench.core.model import Code
from workbench.core.project import Project
from workbench.tui.screens.dialogs import Choice, PickerScreen, kept_picker

HINT = "enter apply · ↑↓ choose · esc cancel"
PLACEHOLDER = "type a code name: filter, or a new name (Theme/Code makes a path)"


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


def title_for(text: str) -> str:
    flat = " ".join(text.split())
    shown = flat if len(flat) <= 48 else flat[:47] + "…"
    return f"Code “{shown}”"


class CodePicker(PickerScreen):
    """Returns a code id, a :class:`NewName`, or ``None`` when cancelled."""

    def __init__(
        self, project: Project, recent: list[Code], text: str, *, title: str | None = None
    ) -> None:
        self.counts = CountCache()
        self._made_for: tuple = (project.revision, tuple(code.id for code in recent))
        super().__init__(title or title_for(text), code_choices(project, recent, self.counts),
                         placeholder=PLACEHOLDER, new_label="New code “{}”", hint=HINT)
        self.add_class("code-picker")

    def reload(self, project: Project, recent: list[Code], text: str, *,
               title: str | None = None) -> CodePicker:
        """Load the picker for its next use (the choices are made again only when the
        project or the recent codes changed)."""
        made_for = (project.revision, tuple(code.id for code in recent))
        choices = self.choices
        if made_for != self._made_for:
            self._made_for = made_for
            choices = code_choices(project, recent, self.counts)
        self.load(title or title_for(text), choices, placeholder=PLACEHOLDER,
                  new_label="New code “{}”", hint=HINT)
        return self


def code_picker(app: App, project: Project, recent: list[Code], text: str, *,
                title: str | None = None) -> CodePicker:
    """The app's code picker, loaded for coding ``text`` (under ``title``, if given)."""
    picker = kept_picker(app, "code", lambda: CodePicker(project, recent, text, title=title))
    assert isinstance(picker, CodePicker)
    return picker.reload(project, recent, text, title=title)
