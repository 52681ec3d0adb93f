"""The Workbench application and :func:`run_app`, the entry point of ``workbench PROJECT``.

The app opens the project for writing (or read-only when another process holds it), loads the
user's keys and UI state, shows the main screen, saves in the background after each change and
saves synchronously and releases the lock on the way out.

It is also the one way in for changes: :meth:`WorkbenchApp.apply` makes a change (refused when
read-only, an error shown as a notice), :meth:`WorkbenchApp.ask` asks for what a change needs
first. The app listens to the project once; every new revision is told to the app's
:class:`~workbench.tui.saver.Saver`, which writes it to disk, and posted as
:class:`~workbench.tui.changes.ProjectChanged` to the main screen, which redraws its panes. Whether
that is done is the reactive :attr:`WorkbenchApp.save_state`, which the status line watches.
When the terminal goes away (SIGHUP: a dropped SSH link) or the system asks the app to stop
(SIGTERM), :meth:`WorkbenchApp.stop_now` writes every pending change, the memo being written
included, before the app exits.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual.app import App, SystemCommand
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker

from workbench.core.config import Config, default_coder, load_config
from workbench.core.project import Project, TakenFromDisk
from workbench.errors import ProjectLocked, WorkbenchError
from workbench.tui import keymap
from workbench.tui.changes import NotChanged, ProjectChanged
from workbench.tui.coders import CoderView, blind_mode
from workbench.tui.commands import (
    ApplyCodeProvider,
    ExportProvider,
    GoToCodeProvider,
    GoToDocumentProvider,
    GoToLineProvider,
    ReportProvider,
    SpeakerRoleProvider,
    UndoHistoryProvider,
)
from workbench.tui.saver import GROUP, Saver, SaveState
from workbench.tui.textual_compat import PromptFrameScreen, on_frame
from workbench.tui.uistate import UIState
from workbench.tui.widgets.picker import Picker

T = TypeVar("T")
A = TypeVar("A")

if TYPE_CHECKING:
    from typing import TypeAlias

    from workbench.tui.screens.main import MainScreen

    #: What :meth:`WorkbenchApp.ask` asks with: a screen answering ``A | None``, or the
    #: main screen's picker (whose answer is a choice's value, ``None`` when cancelled).
    Dialog: TypeAlias = Screen[A | None] | Picker

#: What a change refused on a read-only project says.
READ_ONLY_NOTICE = (
    "This project is open read-only (another process holds it): nothing was changed"
)

#: Signals on which the app saves everything and exits (those this system has).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)
)


def _merge_from_disk(project: Project, base: bytes, theirs: bytes) -> TakenFromDisk:
    """The project's merger of changes on disk, imported when a file first changes on disk
    (the merge is not in the first frame)."""
    from workbench.team.ondisk import merge_from_disk

    return merge_from_disk(project, base, theirs)


class WorkbenchApp(App[int]):
    """Keyboard-driven coding of one project."""

    CSS_PATH = Path(__file__).with_name("workbench.tcss")
    TITLE = "Workbench"
    BINDINGS = keymap.bindings("app")
    COMMANDS = App.COMMANDS | {
        ApplyCodeProvider,
        GoToDocumentProvider,
        GoToCodeProvider,
        GoToLineProvider,
        UndoHistoryProvider,
        ReportProvider,
        ExportProvider,
        SpeakerRoleProvider,
    }
    NOTIFICATION_TIMEOUT = 4

    #: Whether the project on disk is up to date (the status line watches it; a ``var``: a
    #: reactive of the app would repaint the whole screen at each change of it).
    save_state: var[SaveState] = var(SaveState.SAVED)

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
        #: whose codings the transcript shows (see :mod:`workbench.tui.coders`)
        self.coder_view = CoderView(self.coder, blind=blind_mode(self.config))
        self.saver = Saver(self, project, self._save_state_reached)
        on_frame(self, self.saver.keys.frame_written)  # a key is answered by its frame
        project.disk_merger = _merge_from_disk  # git pull while open: merged, never written over
        if project.read_only:
            self.set_reactive(WorkbenchApp.save_state, SaveState.READ_ONLY)
        self.main_screen: MainScreen | None = None  # made by get_default_screen
        project.on_change(self._project_changed)
        self.notices: list[str] = []  # every notification, for tests and the log
        self._quitting = False
        self._quit_failed = False
        #: whether to stop cleanly on STOP_SIGNALS (set by :func:`run_app`: a process-wide
        #: handler is for the real program, not for an app inside a test run)
        self.stop_on_signals = False
        #: called once the first frame is drawn (set by :func:`run_app`)
        self.first_frame_shown: Callable[[], None] | None = None
        # before the first screen is styled: a later change of theme restyles every widget
        if self.ui_state.theme and self.ui_state.theme in self.available_themes:
            self.theme = self.ui_state.theme
        if self.user_keymap:
            self.set_keymap(self.user_keymap)

    @classmethod
    def open(cls, path: str | Path, *, config: Config | None = None) -> WorkbenchApp:
        """Open the project at ``path`` for writing, or read-only if another process holds it.

        The path is made absolute first: exports and imports are named relative to the
        project's folder, whatever folder the workbench was started in."""
        path = Path(path).expanduser().absolute()
        config = config if config is not None else load_config()
        reason = None
        try:
            project = Project.open(path, write=True)
        except ProjectLocked as exc:
            project = Project.open(path)
            who = f" ({exc.holder_text})" if exc.holder_text else ""
            reason = (
                f"READ-ONLY: {project.path.name} is open for writing by another Workbench{who}; "
                "close it there first. You can read, search and copy; changes are refused."
            )
        # the project's records live as long as the app: keep the cycle collector from walking
        # them again at every full collection (80-100 ms pauses on a 50,000-coding study)
        gc.freeze()
        try:
            if reason is not None:
                return cls(project, config=config, read_only_reason=reason)
            return cls(project, config=config)
        except BaseException:  # no app to finish: undo what opening it did
            gc.unfreeze()
            if project.lock is not None:
                project.lock.release()
            raise

    # ------------------------------------------------------------------ start
    def get_default_screen(self) -> Screen:
        """The main screen is the first screen: no empty screen is shown, styled and swapped
        out first (pushing it from ``on_mount`` cost a restyle and a discarded frame)."""
        from workbench.tui.screens.main import MainScreen

        self.main_screen = MainScreen(self.size.width)
        return self.main_screen

    def on_mount(self) -> None:
        lock_warnings = self.project.lock.warnings if self.project.lock is not None else []
        for problem in [*self.keymap_problems, *lock_warnings]:  # a folder open to others
            self.notify(problem, severity="warning", timeout=8, markup=False)
        if self.project.read_only:
            self.notify(self.read_only_reason, severity="warning", timeout=8, markup=False)
        self.call_after_refresh(self._first_frame_drawn)
        if self.stop_on_signals:
            loop = asyncio.get_running_loop()
            for signum in STOP_SIGNALS:
                try:
                    loop.add_signal_handler(signum, self.stop_now, signum)
                except (NotImplementedError, RuntimeError, ValueError):
                    pass  # no signal handlers in this event loop (Windows): nothing to catch

    def _first_frame_drawn(self) -> None:
        """The interface is up: tell whoever asked, and set what the start made (screens,
        widgets, styles: ~45,000 objects that live as long as the app) aside from the cycle
        collector's walks, as the project's records were at the opening. Left to it, the
        first full collection of the session walked them all at some later key (~17 ms on
        the large study, the first ``c`` of a session ~45 ms). The garbage of the start is
        collected first, once, while nobody has pressed a key yet."""
        if self.first_frame_shown is not None:
            self.first_frame_shown()
        gc.collect()
        gc.freeze()

    def watch_theme(self, theme: str) -> None:
        self.ui_state.theme = theme  # kept for the next start

    # ------------------------------------------------------------------ helpers
    def notify(self, message: str, **kwargs) -> None:  # type: ignore[override]
        self.notices.append(message)
        super().notify(message, **kwargs)

    def say(self, message: str, *, warning: bool = False) -> None:
        """Confirm what a change did, or (``warning``) why nothing changed: in the main
        screen's status line when it is shown (no toast to lay out), else as a notice."""
        from workbench.tui.widgets.header import StatusLine

        screen = self.main_screen
        if screen is not None and self.screen is screen and screen.is_attached:
            self.notices.append(message)
            screen.query_one(StatusLine).say(message, warning=warning)
        else:
            self.notify(message, severity="warning" if warning else "information",
                        markup=False)

    # ------------------------------------------------------------------ changes
    def apply(self, change: Callable[[Project], T]) -> T | None:
        """Make one change to the project: ``change(project)``; returns what it returned.

        Refused with a notice when the project is read-only; a :class:`WorkbenchError` is shown
        as an error notice and a :class:`NotChanged` as a warning (a step that raises puts its
        records back); both return ``None``. The project's listener tells the saver and posts
        :class:`ProjectChanged`, which the panes follow; when the main screen shows, its panes
        are brought up to date at once, so the change is whole in the key's own frame (a frame
        that came before the message, asked for by the key, showed it half drawn, and the rest
        waited for the next frame).
        """
        if self.refuses_changes():
            return None
        try:
            result = change(self.project)
        except NotChanged as why:
            self._say_not_changed(why)
            return None
        except WorkbenchError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return None
        main = self.main_screen
        if main is not None and main is self.screen and main.is_mounted:
            main.catch_up()
        return result

    def ask(
        self, dialog: Dialog[A] | Callable[[], Dialog[A]],
        then: Callable[[A], Any],
    ) -> None:
        """Ask with ``dialog`` for what a change needs, then call ``then(answer)`` (which calls
        :meth:`apply`); nothing when the dialog is cancelled (answers ``None``). The dialog is
        a screen (pushed) or the main screen's picker overlay (opened).

        Refused before asking when the project is read-only. ``dialog`` may be a callable
        making the dialog, checked after that: it raises :class:`NotChanged` to say (as a
        warning) why there is nothing to ask about.
        """
        if self.refuses_changes():
            return
        try:
            screen = dialog if isinstance(dialog, (Screen, Picker)) else dialog()
        except NotChanged as why:
            self._say_not_changed(why)
            return

        def answered(answer: A | None) -> None:
            if answer is not None:
                then(answer)

        if isinstance(screen, Screen):
            self.push_screen(screen, answered)
        else:
            screen.open(answered)

    def _say_not_changed(self, why: NotChanged) -> None:
        if str(why):  # a bare NotChanged() refuses silently
            self.say(str(why), warning=True)

    def refuses_changes(self) -> bool:
        """True (and the user is told so) when the project cannot change: it is open
        read-only. Otherwise waits for the saver's warm-up, so records may change."""
        if self.project.read_only:
            self.notify(READ_ONLY_NOTICE, severity="warning", markup=False)
            return True
        self.saver.ready_for_changes()  # no change while records are serialised on a thread
        return False

    def _project_changed(self, revision: int) -> None:
        """The project's listener: the saver is told at once (its "unsaved" is then painted
        in the frame of the change, not in a frame of its own after the message reached the
        app), and every new revision becomes one message to the main screen, which redraws
        its panes."""
        target = self.main_screen if self.main_screen is not None else self
        target.post_message(ProjectChanged(revision))
        self.saver.changed()

    async def on_event(self, event: events.Event) -> None:
        """Every event; a key coming in has a save running on its thread step aside until
        the frame that answers it is written (see :class:`~workbench.tui.saver.KeysFirst`),
        and that frame written as soon as it is asked for (``PromptFrameScreen.answer_key``)."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        keys = self.saver.keys
        keys.key_arrived()
        if isinstance(self.screen, PromptFrameScreen):
            self.screen.answer_key()
        try:
            await super().on_event(event)
        finally:
            keys.key_dispatched()

    def _save_state_reached(self, state: SaveState) -> None:
        if not self.project.read_only:
            self.save_state = state

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
                screen.memos.open_target(*target)

        self.push_screen(MemoReviewScreen(self.project), opened)

    def action_reports(self, kind: str = "frequencies") -> None:
        from workbench.tui.screens.reports import open_report

        open_report(self, kind)

    def action_study_search(self) -> None:
        from workbench.tui.screens.study_search import open_study_search

        open_study_search(self)

    def action_import_documents(self) -> None:
        from workbench.tui.screens.importing import open_import

        open_import(self)

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
            yield SystemCommand("Import documents…",
                                "Transcripts, REFI-QDA or Taguette files, with their case "
                                "(ctrl+o)", self.action_import_documents)
            yield SystemCommand("Memo on the project", "Write a memo on the whole study",
                                main.memos.write_project_memo)
            yield SystemCommand("Go to document", "Switch to another document (g)",
                                main.action_go_to_document)
            yield SystemCommand("Undo", "Undo the last change (u)", main.action_undo)
            yield SystemCommand("Redo", "Redo the last undone change (ctrl+r)",
                                main.action_redo)
            yield SystemCommand("Search", "Search this document (/)", main.action_search)
            yield SystemCommand("Go to line", "Type a line number (:), or type it here",
                                main.action_go_to_line)
        yield SystemCommand("Help", "Every key and what it does (?)", self.action_help)
        yield from super().get_system_commands(screen)

    # ------------------------------------------------------------------ quitting
    async def action_quit(self) -> None:
        """Save everything, release the lock, then exit (a failed save keeps the app open)."""
        if self._quitting:
            return
        screen = self.main_screen
        if screen is not None and screen.is_attached:
            screen.memos.commit()
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

    def stop_now(self, signum: int) -> None:
        """The terminal went away (SIGHUP) or the app is told to stop (SIGTERM): write every
        pending change at once, the memo being written included, then exit (status 128 +
        the signal's number). The lock is released by :meth:`finish`."""
        screen = self.main_screen
        if screen is not None and screen.is_attached:
            screen.memos.commit()
            screen.remember_cursor()
        try:
            self.saver.save_now()
        except WorkbenchError:
            pass  # finish() tries once more, and says why it failed
        self.ui_state.save()
        self.exit(return_code=128 + signum)

    def finish(self, *, exiting: bool = False) -> None:
        """After the app stopped: save what is left (if it can), release the lock, and give
        what was set aside from the cycle collector back to it (a process that goes on,
        such as a test run, would keep every app's cycles otherwise). ``exiting``: the
        process ends right after, and it stays set aside (the interpreter's last collection
        would walk it all: ~150 ms more to quit on the large study)."""
        if not exiting:
            gc.unfreeze()
        self.ui_state.save()
        self.saver.keys.stop()  # no more frames: a save running on its thread waits for none
        try:
            with self.saver.lock:  # a save still running on its thread finishes first
                self.project.close()
        except WorkbenchError:
            if self.project.lock is not None:
                self.project.lock.release()
            raise


def run_app(path: Path, first_frame_shown: Callable[[], None] | None = None) -> int:
    """Run the TUI on a project file; returns the exit status. ``first_frame_shown`` is
    called once the first frame is drawn."""
    app = WorkbenchApp.open(path)
    app.stop_on_signals = True
    if first_frame_shown is not None:
        app.first_frame_shown = first_frame_shown
    try:
        app.run()
    finally:
        app.finish(exiting=True)
    return int(app.return_code or 0)
