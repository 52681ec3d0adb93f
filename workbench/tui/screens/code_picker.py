"""The code picker: every code path, recent codes first; a new name creates a code."""

from __future__ import annotations

from workbench.core.model import Code
from workbench.core.project import Project
from workbench.tui.screens.dialogs import Choice, PickerScreen


def code_choices(project: Project, recent: list[Code]) -> list[Choice]:
    """Recent codes first (with their digit), then the rest in codebook order."""
    choices: list[Choice] = []
    seen: set[str] = set()
    for number, code in enumerate(recent[:9], start=1):
        choices.append(_choice(project, code, key=str(number)))
        seen.add(code.id)
    for code in project.codebook.all():
        if code.id not in seen:
            choices.append(_choice(project, code, key=" " if recent else ""))
    return choices


def _choice(project: Project, code: Code, *, key: str) -> Choice:
    segments, _, cases = project.codebook.counts(code)
    detail = f"{segments}·{cases}" + ("  theme" if code.is_theme else "")
    return Choice(code.id, project.codebook.path(code), detail=detail, color=code.color, key=key)


class CodePicker(PickerScreen):
    """Returns a code id, a :class:`NewName`, or ``None`` when cancelled."""

    def __init__(
        self, project: Project, recent: list[Code], text: str, *, title: str | None = None
    ) -> None:
        flat = " ".join(text.split())
        shown = flat if len(flat) <= 48 else flat[:47] + "…"
        super().__init__(
            title or f"Code “{shown}”",
            code_choices(project, recent),
            placeholder="type a code name: filter, or a new name (Theme/Code makes a path)",
            new_label="New code “{}”",
            hint="enter apply · ↑↓ choose · esc cancel",
        )
        self.add_class("code-picker")
