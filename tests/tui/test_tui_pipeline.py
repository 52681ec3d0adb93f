"""The change pipeline of the workbench: one way in (app.apply / app.ask), one message out
(ProjectChanged), the panes and the saver following it, the save state the status line shows."""

from __future__ import annotations

import subprocess
import sys

from tui_support import INTERVIEW_1, quit_app, reopen, screen_text, until

from workbench.errors import WorkbenchError
from workbench.tui.changes import NotChanged
from workbench.tui.saver import SaveState
from workbench.tui.screens.dialogs import PromptScreen
from workbench.tui.textual_compat import screen_lines
from workbench.tui.widgets.codebook import CodebookPane
from workbench.tui.widgets.header import SAVE_STATE_COLOURS


def test_a_change_is_one_call_and_is_shown_and_saved(drive, study):
    """Nothing is called after a change: the panes show it and the saver writes it."""
    async def scenario(pilot, app):
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        code = app.apply(lambda project: project.codebook.add("Solidarity"))
        assert code is not None and code.name == "Solidarity"
        await until(pilot, lambda: code.id in app.main_screen.codebook.nodes)
        await until(pilot, lambda: "Solidarity" in screen_text(app))
        await until(pilot, lambda: app.save_state is SaveState.SAVED and not app.project.dirty)
        assert "Solidarity" in [c.name for c in reopen(study).codebook.all()]
        # a change made past the pipeline's front door is still shown and saved
        app.project.codebook.rename(code, "Solidarity and care")
        await until(pilot, lambda: "Solidarity and care" in screen_text(app))
        await until(pilot, lambda: not app.project.dirty)
        await quit_app(pilot, app)

    drive(scenario)
    assert "Solidarity and care" in [c.name for c in reopen(study).codebook.all()]


def test_errors_and_refusals_are_notices_and_change_nothing(drive):
    async def scenario(pilot, app):
        revision = app.project.revision

        def fails(project):
            with project.change("two codes"):
                project.codebook.add("Half done")
                raise WorkbenchError("the disk said no")

        assert app.apply(fails) is None
        assert app.notices[-1] == "the disk said no"
        assert app.project.codebook.at_path("Half done") is None  # the step rolled back

        def declines(project):
            raise NotChanged("Nothing to do here")

        assert app.apply(declines) is None
        assert app.notices[-1] == "Nothing to do here"
        notices = len(app.notices)
        app.apply(lambda project: (_ for _ in ()).throw(NotChanged()))
        assert len(app.notices) == notices  # a bare NotChanged says nothing
        assert app.project.revision == revision

        app.ask(lambda: (_ for _ in ()).throw(NotChanged("Select the words first")), print)
        assert app.notices[-1] == "Select the words first" and app.screen is app.main_screen
        answers = []
        app.ask(PromptScreen("Name?"), answers.append)
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("escape")  # cancelled: `then` is not called
        await until(pilot, lambda: app.screen is app.main_screen)
        app.ask(PromptScreen("Name?"), answers.append)
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"Ann", "enter")
        await until(pilot, lambda: answers == ["Ann"])

    drive(scenario)


def test_changes_in_a_row_redraw_the_panes_once(drive):
    async def scenario(pilot, app):
        main = app.main_screen
        redraws = []
        original = main.refresh_panes

        def counted() -> None:
            redraws.append(app.project.revision)
            original()

        main.refresh_panes = counted
        done = app.project.history.done
        first = next(i for i, entry in enumerate(done) if entry.label.startswith("code "))
        app.main_screen.undo_redo.undo_to(done[first].id)  # the codings and memos, at once
        await until(pilot, lambda: not app.project.codings)
        await pilot.pause()
        assert redraws == [app.project.revision]
        assert f"Undone {len(done) - first} steps" in app.notices[-1]
        assert not main.transcript.codings_at(INTERVIEW_1.index("Through friends"))

    drive(scenario)


def test_the_status_line_shows_the_save_state(drive):
    async def scenario(pilot, app):
        saved = app.main_screen.query_one("#status-saved")
        for state in SaveState:
            app.save_state = state
            await pilot.pause()
            assert saved.plain == state.label
            word = [seg for seg in saved.render_line(0) if seg.text.strip()]
            expected = app.theme_variables[SAVE_STATE_COLOURS[state]].lower()
            assert {seg.style.color.triplet.hex for seg in word} == {expected}
            assert all(seg.style.bold for seg in word)

    drive(scenario)


def test_the_save_state_word_takes_a_new_themes_colour(drive):
    """The word reads its colour from the theme when it is drawn: a new theme repaints it."""
    async def scenario(pilot, app):
        for theme in ("textual-light", "nord", "textual-dark"):
            app.theme = theme
            await pilot.pause()
            await pilot.pause()
            status_row = screen_lines(app.screen)[-2]
            word = [seg for seg in status_row if seg.text.strip() == SaveState.SAVED.label]
            expected = app.theme_variables[SAVE_STATE_COLOURS[SaveState.SAVED]].lower()
            assert word and {seg.style.color.triplet.hex for seg in word} == {expected}, theme

    drive(scenario)


def test_codebook_keys_post_one_request_each(drive):
    async def scenario(pilot, app):
        heard = []
        main = app.main_screen
        original = main.codebook_editing.rename

        def rename(code):
            heard.append(code)
            original(code)

        main.codebook_editing.rename = rename
        await pilot.press("tab", "down", "r")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        assert [c.name for c in heard] == ["Anger"]
        await pilot.press("escape")
        pane = main.codebook
        pane.post_message(CodebookPane.DeleteRequested(None))
        await until(pilot, lambda: any("codebook is empty" in n for n in app.notices))

    drive(scenario)


def test_a_locked_project_opens_read_only_naming_the_holder(drive, study):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from workbench.core.project import Project; "
         f"p = Project.open({str(study)!r}, write=True); print('ready', flush=True); "
         "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"

        async def scenario(pilot, app):
            assert app.save_state is SaveState.READ_ONLY
            assert app.read_only_reason.startswith(
                f"READ-ONLY: project.json is open for writing by another Workbench "
                f"(process {holder.pid} on "
            )
            assert app.read_only_reason.endswith("changes are refused.")
            assert app.apply(lambda project: project.codebook.add("X")) is None
            assert "read-only" in app.notices[-1]
            assert main_status(app) == "read-only"

        drive(scenario)
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


def main_status(app) -> str:
    return app.main_screen.query_one("#status-saved").plain


def test_the_main_screen_and_the_transcript_are_composed_not_mixed() -> None:
    """The screen and the view inherit one Textual class each (through the compat module's
    frame clock and sizing); nothing borrows the screen's attributes by subclassing it."""
    import importlib
    import inspect
    import pkgutil

    from textual.screen import Screen

    import workbench.tui
    from workbench.tui.screens.main import MainScreen
    from workbench.tui.textual_compat import PromptFrameScreen, SizedInLayoutScrollView
    from workbench.tui.widgets.transcript import TranscriptView

    assert MainScreen.__bases__ == (PromptFrameScreen,)
    assert PromptFrameScreen.__bases__ == (Screen,)
    assert TranscriptView.__bases__ == (SizedInLayoutScrollView,)
    for info in pkgutil.walk_packages(workbench.tui.__path__, "workbench.tui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            assert cls is MainScreen or not issubclass(cls, MainScreen), cls
