"""Snapshot tests of the main screen and the screens it opens (fixed study, fixed theme).

Update with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest
from tui_support import INTERVIEW_1, code_picker_of, until

from workbench.tui.app import WorkbenchApp
from workbench.tui.saver import SaveState
from workbench.tui.screens.dialogs import PickerScreen, PromptScreen
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.memo_review import MemoReviewScreen
from workbench.tui.screens.retrieval import RetrievalScreen
from workbench.tui.widgets.header import StatusLine


@pytest.fixture
def app(study):
    application = WorkbenchApp.open(study)
    application.theme = "textual-dark"
    yield application
    application.finish()


def _steps(*keys: str, until_screen: type | None = None, settle: str | None = None,
           until_shown=None):
    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        if until_screen is not None:
            await until(pilot, lambda: isinstance(pilot.app.screen, until_screen))
        if until_shown is not None:  # a function of the app: what is shown
            await until(pilot, lambda: until_shown(pilot.app) is not None)
        await pilot.pause()

    return run_before


def test_main_screen_80x24(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=_steps())


def test_main_screen_160x48(app, snap_compare):
    # the cursor on a coded segment: the status line and the memo pane follow it
    assert snap_compare(app, terminal_size=(160, 48), run_before=_steps("n"))


def test_code_picker_80x24(app, snap_compare):
    steps = _steps("w", "c", "a", "n", until_shown=code_picker_of)
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)


def test_retrieval_80x24(app, snap_compare):
    steps = _steps("tab", "enter", until_screen=RetrievalScreen)
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps)


def test_memo_review_80x24(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=_steps("R", until_screen=MemoReviewScreen))


def test_help_80x24(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=_steps("question_mark", until_screen=HelpScreen))


# ------------------------------------------------------------------ precise spans
@pytest.fixture
def timed_app(turns_study):
    application = WorkbenchApp.open(turns_study)
    application.theme = "textual-dark"
    yield application
    application.finish()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_on_a_coding_the_footer_shows_the_keys_that_fix_it(app, snap_compare, size):
    # the caret on "Through friends": recode, move its start or end, remove it
    assert snap_compare(app, terminal_size=size, run_before=_steps("n"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_times_of_turns_in_the_gutter(timed_app, snap_compare, size):
    # the words of the second turn selected: the labels and the times stay out of it
    steps = _steps("right_square_bracket", "right_square_bracket", "v", "w", "w", "w")
    assert snap_compare(timed_app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_which_of_several_codings(app, snap_compare, size):
    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.main_screen.transcript.move_cursor(INTERVIEW_1.index("Anger, honestly") + 1)
        await pilot.press("c", *"Networks", "enter")  # the turn's words: a second coding
        await until(pilot, lambda: code_picker_of(pilot.app) is None)
        # the confirmation of that coding would go by itself, and the save comes when it comes
        pilot.app.main_screen.query_one(StatusLine).unsay()
        await until(pilot, lambda: pilot.app.save_state is SaveState.SAVED)
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: isinstance(pilot.app.screen, PickerScreen))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_go_to_line(app, snap_compare, size):
    steps = _steps("colon", "5", until_screen=PromptScreen)
    assert snap_compare(app, terminal_size=size, run_before=steps)
