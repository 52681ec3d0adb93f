"""What ``workbench PROJECT`` imports on its way to the first frame (start-up time).

The real command runs in a fresh process, its interface headless until the main screen has
drawn its first frame; then the modules it loaded are listed. Analysis, imports/exports,
write-ups, the team's merge, privacy and the screens opened later by a key are imported when
first used, never at start-up.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: Runs ``workbench PROJECT`` with the interface headless; prints the modules loaded once
#: the main screen is shown (on stderr), then quits.
RUN = """
import asyncio, sys
from workbench.tui.app import WorkbenchApp

def run(self, *args, **kwargs):
    async def first_frame():
        async with self.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert self.main_screen is not None and self.screen is self.main_screen
            print(*sorted(sys.modules), file=sys.stderr)
    asyncio.run(first_frame())
    return 0

WorkbenchApp.run = run
from workbench.cli.main import main
sys.exit(main([sys.argv[1]]))
"""

#: Packages the first frame must not import.
LATER = (
    "workbench.analysis", "workbench.io", "workbench.privacy", "workbench.team",
    "workbench.cli.commands", "workbench.cli.analysis_commands",
)
#: Screens that open on a key, after the first frame.
LATER_SCREENS = (
    "code_picker", "dialogs", "documents", "export", "help", "importing", "memo_review",
    "redaction", "reports", "retrieval", "review", "study_search",
)


@pytest.mark.timeout(120)
def test_the_first_frame_imports_nothing_it_does_not_show(study: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(study)], capture_output=True, text=True, timeout=100
    )
    assert done.returncode == 0, done.stderr[-3000:]
    modules = set(done.stderr.split())
    assert "workbench.tui.screens.main" in modules  # the interface was shown
    early = {m for m in modules if any(m == p or m.startswith(p + ".") for p in LATER)}
    assert not early, early
    screens = {f"workbench.tui.screens.{name}" for name in LATER_SCREENS}
    assert not modules & screens, modules & screens


def test_no_cycle_collection_from_the_start_until_the_first_frame(
    study: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import gc

    from workbench.cli.main import main
    from workbench.tui.app import WorkbenchApp

    seen: dict[str, bool] = {}

    def run(self: WorkbenchApp, *args: object, **kwargs: object) -> int:
        seen["while starting"] = gc.isenabled()

        async def first_frame() -> None:
            async with self.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                seen["once the first frame is shown"] = gc.isenabled()

        asyncio.run(first_frame())
        return 0

    monkeypatch.setattr(WorkbenchApp, "run", run)
    assert gc.isenabled()
    try:
        assert main([str(study)]) == 0
        # the command's process ends here: what was set aside from the collector stays so
        # (given back, the interpreter's last collection walked it all on the way out)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this process goes on with other tests
    assert seen == {"while starting": False, "once the first frame is shown": True}
    assert gc.isenabled()


def test_a_start_that_fails_leaves_the_cycle_collector_on(tmp_path: Path, tui_env: Path) -> None:
    import gc

    from workbench.cli.main import main

    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main([str(broken)]) == 2
    assert gc.isenabled()


def test_what_the_start_made_is_set_aside_from_the_collector_until_the_app_ends(
    study: Path, tui_env: Path
) -> None:
    """The screens and widgets live as long as the app: once the first frame is drawn the
    cycle collector no longer walks them at each full collection (the first one of a
    session took ~17 ms on the large study, at whatever key it fell on); when the app has
    ended they are the collector's again."""
    import asyncio
    import gc

    from workbench.tui.app import WorkbenchApp

    app = WorkbenchApp.open(study)
    walked: dict[str, bool] = {}

    def is_walked(thing: object) -> bool:
        return any(candidate is thing for candidate in gc.get_objects())

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.pause()
            walked["screen"] = is_walked(app.main_screen)
            walked["tree"] = is_walked(app.main_screen.codebook.tree)
            await pilot.press("q")

    try:
        asyncio.run(main())
    finally:
        app.finish()
    assert walked == {"screen": False, "tree": False}
    assert gc.get_freeze_count() == 0
    assert is_walked(app.main_screen)


def test_an_app_that_fails_to_be_made_leaves_no_lock_and_nothing_frozen(
    study: Path, tui_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from workbench.core.project import Project
    from workbench.tui.app import WorkbenchApp

    def broken(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("no app today")

    monkeypatch.setattr(WorkbenchApp, "__init__", broken)
    with pytest.raises(RuntimeError):
        WorkbenchApp.open(study)
    assert gc.get_freeze_count() == 0
    Project.open(study, write=True).close()  # the lock was released
