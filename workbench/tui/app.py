"""The Workbench application and :func:`run_app`, the entry point of ``workbench PROJECT``.

The app opens the project for writing (or read-only when another process holds it), loads the
user's keys and UI state, shows the main screen, saves in the background after each change and
saves synchronously and releases the lock on the way out.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import Worker

from workbench.core.config import Config, default_coder, load_config
from workbench.core.project import Project
from workbench.errors import ProjectLocked, WorkbenchError
from workbench.tui import keymap
from workbench.tui.commands import (
    ApplyCodeProvider,
    ExportProvider,
    GoToCodeProvider,
    GoToDocumentProvider,
    ReportProvider,
    UndoHistoryProvider,
)
from workbench.tui.saver import GROUP, Saver
from workbench.tui.uistate import UIState


class WorkbenchApp(App[int]):
    """Keyboard-driven coding of one project."""

    CSS_PATH = Path(__file__).with_name("workbench.tcss")
    TITLE = "Workbench"
    BINDINGS = keymap.bindings("app")
    COMMANDS = App.COMMANDS | {
        ApplyCodeProvider,
        GoToDocumentProvider,
        GoToCodeProvider,
        UndoHistoryProvider,
        ReportProvider,
        ExportProvider,
    }
    NOTIFICATION_TIMEOUT = 4

    def __init__(
        self,
        project: Project,
        *,
        config: Config | None = None,
        read_only_reason: str = "",
    ) -> None:
        super().__init__()
        self.project = project
        self.config = config if config is not None else load_config()
        self.coder = default_coder(self.config)
        self.user_keymap, self.keymap_problems = keymap.load_keymap(self.config)
        self.read_only_reason = read_only_reason or (
            f"READ-ONLY: {project.path.name} is open without the write lock"
            if project.read_only
            else ""
        )
        self.ui_state = UIState.load(project.id or project.path.stem)
        self.saver = Saver(self, project, self._saved_state)
        self.notices: list[str] = []  # every notification, for tests and the log
        self._quitting = False
        self._quit_failed = False
        # before the first screen is styled: a later change of theme restyles every widget
        if self.ui_state.theme and self.ui_state.theme in self.available_themes:
            self.theme = self.ui_state.theme
        if self.user_keymap:
            self.set_keymap(self.user_keymap)

    @classmethod
    def open(cls, path: str | Path, *, config: Config | None = None) -> WorkbenchApp:
        """Open the project at ``path`` for writing, or read-only if another process holds it."""
        config = config if config is not None else load_config()
        reason = None
        try:
            project = Project.open(path, write=True)
        except ProjectLocked as exc:
            project = Project.open(path)
            holder = str(exc).split("Commands that only read")[0].strip().rstrip(";. ")
            reason = f"READ-ONLY: {holder}. You can read, search and copy; changes are refused."
        # the project's records live as long as the app: keep the cycle collector from walking
        # them again at every full collection (80-100 ms pauses on a 50,000-coding study)
        gc.freeze()
        if reason is not None:
            return cls(project, config=config, read_only_reason=reason)
        return cls(project, config=config)

    # ------------------------------------------------------------------ start
    def get_default_screen(self) -> Screen:
        """The main screen is the first screen: no empty screen is shown, styled and swapped
        out first (pushing it from ``on_mount`` cost a restyle and a discarded frame)."""
        from workbench.tui.screens.main import MainScreen

        return MainScreen(self.size.width)

    def on_mount(self) -> None:
        lock_warnings = self.project.lock.warnings if self.project.lock is not None else []
        for problem in [*self.keymap_problems, *lock_warnings]:  # a folder open to others
            self.notify(problem, severity="warning", timeout=8, markup=False)
        if self.project.read_only:
            self.notify(self.read_only_reason, severity="warning", timeout=8, markup=False)

    @property
    def main_screen(self):
        """The main screen (the bottom of the screen stack)."""
        from workbench.tui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def watch_theme(self, theme: str) -> None:
        self.ui_state.theme = theme  # kept for the next start

    # ------------------------------------------------------------------ helpers
    def notify(self, message: str, **kwargs) -> None:  # type: ignore[override]
        self.notices.append(message)
        super().notify(message, **kwargs)

    def writable(self) -> bool:
        """True when changes are allowed; otherwise say why not and return False."""
        if self.project.read_only:
            self.notify(
                "This project is open read-only (another process holds it): nothing was changed",
                severity="warning",
                markup=False,
            )
            return False
        self.saver.ready_for_changes()  # no change while records are serialised on a thread
        return True

    def _saved_state(self, state: str) -> None:
        screen = self.main_screen
        if screen is not None and screen.is_mounted:
            screen.set_saved_state(state)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == GROUP:
            self.saver.on_worker_state(event.worker)

    # ------------------------------------------------------------------ screens
    def action_help(self) -> None:
        from workbench.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.user_keymap))

    def action_memo_review(self) -> None:
        from workbench.tui.screens.memo_review import MemoReviewScreen

        def opened(target: tuple[str, str | None] | None) -> None:
            screen = self.main_screen
            if target is not None and screen is not None:
                screen.open_memo_target(*target)

        self.push_screen(MemoReviewScreen(self.project), opened)

    def action_reports(self, kind: str = "frequencies") -> None:
        from workbench.tui.screens.reports import open_report

        open_report(self, kind)

    def action_study_search(self) -> None:
        from workbench.tui.screens.study_search import open_study_search

        open_study_search(self)

    def action_cycle_coders(self) -> None:
        from workbench.tui.coders import cycle_coders

        cycle_coders(self)

    def action_review_disagreements(self) -> None:
        from workbench.tui.screens.review import open_review

        open_review(self)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        main = self.main_screen
        if main is not None and screen is main:
            from workbench.tui.coders import palette_commands

            for title, help_text, callback in palette_commands(self):
                yield SystemCommand(title, help_text, callback)
            yield SystemCommand("Memo review", "Every memo, newest first (R)",
                                self.action_memo_review)
            yield SystemCommand("Case attributes", "Edit the case of this document (A)",
                                main.action_case_attributes)
            yield SystemCommand("Memo on the project", "Write a memo on the whole study",
                                main.project_memo)
            yield SystemCommand("Go to document", "Switch to another document (g)",
                                main.action_go_to_document)
            yield SystemCommand("Undo", "Undo the last change (u)", main.action_undo)
            yield SystemCommand("Redo", "Redo the last undone change (ctrl+r)",
                                main.action_redo)
            yield SystemCommand("Search", "Search this document (/)", main.action_search)
        yield SystemCommand("Help", "Every key and what it does (?)", self.action_help)
        yield from super().get_system_commands(screen)

    # ------------------------------------------------------------------ quitting
    async def action_quit(self) -> None:
        """Save everything, release the lock, then exit (a failed save keeps the app open)."""
        if self._quitting:
            return
        screen = self.main_screen
        if screen is not None:
            screen.commit_memo()
            screen.remember_cursor()
        self._quitting = True
        try:
            saved = await self.saver.flush()
        finally:
            self._quitting = False
        if not saved and not self._quit_failed:
            self._quit_failed = True
            self.notify("Press q again to quit without these changes", severity="error",
                        markup=False)
            return
        self.ui_state.save()
        self.exit(0)

    def finish(self) -> None:
        """After the app stopped: save what is left (if it can) and release the lock."""
        self.ui_state.save()
        try:
            with self.saver.lock:  # a save still running on its thread finishes first
                self.project.close()
        except WorkbenchError:
            if self.project.lock is not None:
                self.project.lock.release()
            raise


def run_app(path: Path) -> int:
    """Run the TUI on a project file; returns the exit status."""
    app = WorkbenchApp.open(path)
    try:
        app.run()
    finally:
        app.finish()
    return int(app.return_code or 0)
