"""What every part of the main screen's work shares: the screen it serves, and through it the
app and the project."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.core.project import Project
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.main import MainScreen


class MainScreenPart:
    """One part of the main screen's work (coding, codebook editing, memos, undo), composed
    into :class:`~workbench.tui.screens.main.MainScreen`."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    @property
    def app(self) -> WorkbenchApp:
        return self.screen.app

    @property
    def project(self) -> Project:
        return self.screen.app.project
