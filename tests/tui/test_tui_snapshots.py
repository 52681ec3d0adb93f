"""Snapshot tests of the main screen and the screens it opens (fixed study, fixed theme).

Update with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest
from tui_support import until

from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.code_picker import CodePicker
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.memo_review import MemoReviewScreen
from workbench.tui.screens.retrieval import RetrievalScreen


@pytest.fixture
def app(study):
    application = WorkbenchApp.open(study)
    application.theme = "textual-dark"
    yield application
    application.finish()


def _steps(*keys: str, until_screen: type | None = None, settle: str | None = None):
    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        if until_screen is not None:
            await until(pilot, lambda: isinstance(pilot.app.screen, until_screen))
        await pilot.pause()

    return run_before


def test_main_screen_80x24(app, snap_compare):
    assert snap_compare(app, terminal_size=(80, 24), run_before=_steps())


def test_main_screen_160x48(app, snap_compare):
    # the cursor on a coded segment: the status line and the memo pane follow it
    assert snap_compare(app, terminal_size=(160, 48), run_before=_steps("n"))


def test_code_picker_80x24(app, snap_compare):
    steps = _steps("right_square_bracket", "c", "a", "n", until_screen=CodePicker)
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
