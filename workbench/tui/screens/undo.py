"""Undo and redo on the main screen: ``u``, ``ctrl+r`` and the palette's "Undo back to"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.history import HistoryEntry
from workbench.tui.changes import NotChanged
from workbench.tui.screens.part import MainScreenPart
from workbench.wording import plural

if TYPE_CHECKING:
    from workbench.core.project import Project


class UndoRedo(MainScreenPart):
    """Undoes and redoes steps of the project's history, through the app."""

    def undo(self) -> None:
        """Undo the last step."""
        self._swap(redo=False)

    def redo(self) -> None:
        """Redo the last step undone."""
        self._swap(redo=True)

    def _swap(self, *, redo: bool) -> None:
        def change(project: Project) -> HistoryEntry:
            entry = project.redo() if redo else project.undo()
            if entry is None:
                raise NotChanged("Nothing to redo" if redo else "Nothing to undo")
            return entry

        entry = self.app.apply(change)
        if entry is not None:
            self.app.say(f"{'Redone' if redo else 'Undone'}: {entry.label}")

    def undo_to(self, entry_id: str) -> None:
        """Undo (or redo) step by step until the history entry is undone (or done)."""
        def change(project: Project) -> str:
            entry = next((e for e in project.history.entries if e.id == entry_id), None)
            if entry is None:
                raise NotChanged()
            steps = 0
            want_done = not entry.done
            while entry.done != want_done:
                step = project.redo() if want_done else project.undo()
                if step is None:
                    break
                steps += 1
            verb = "Redone" if want_done else "Undone"
            return f"{verb} {plural(steps, 'step')}, to: {entry.label}"

        said = self.app.apply(change)
        if said is not None:
            self.app.say(said)
