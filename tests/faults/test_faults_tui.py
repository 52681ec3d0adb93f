"""The TUI when saving fails (issue 7): a clear message, nothing lost, savable elsewhere.

The project's own disk is full (every file the atomic writer creates in the project folder is
refused with ENOSPC) while other disks have room. The test proves that the user is told what
happened and what to do, that the status line says "not saved", that quitting does not throw
the work away without a second ``q``, that the whole project can be written elsewhere from
memory ("Save a copy of the project as…": a project file with the change and its undo
history), and that the saver's retry puts
the work in place once the disk has room again.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from tui_support import paths_of, quit_app, reopen, screen_text, until

import workbench.store.atomic as atomic
from workbench.core.project import Project
from workbench.tui import saver as saver_module
from workbench.tui.saver import SaveState

pytestmark = pytest.mark.timeout(120)


class FaultyOS:
    """``os`` for the atomic writer, with some functions replaced."""

    def __init__(self, **replaced):
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(os, name)


def test_full_disk_keeps_the_work_and_offers_a_way_out(drive, study, tmp_path, monkeypatch, cli):
    full = study.parent

    def open_(path, flags, *args, **kwargs):
        if Path(path).parent == full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return os.open(path, flags, *args, **kwargs)

    elsewhere = tmp_path / "usb stick"
    elsewhere.mkdir()
    copy = elsewhere / "rescue.json"
    before = study.read_bytes()

    async def scenario(pilot, app):
        from textual.widgets import Input

        from workbench.tui.screens.export import ExportScreen

        monkeypatch.setattr(saver_module, "RETRY", 0.3)
        monkeypatch.setattr(atomic, "os", FaultyOS(open=open_))
        await pilot.press("right_square_bracket", "1")  # code the next paragraph
        await until(pilot, lambda: app.save_state is SaveState.FAILED)
        [message] = [n for n in app.notices if "could not save" in n]
        assert "No space left on device" in message and "still in memory" in message
        assert "Save a copy of the project" in message  # and what to do meanwhile
        shown = app.main_screen.query_one("#status-saved").plain
        assert shown in ("not saved", "saving…")
        assert app.project.dirty and len(app.project.codings) == 4
        assert study.read_bytes() == before

        await pilot.press("q")  # not lost by one key: the app stays and says so
        await until(pilot, lambda: any("Press q again" in n for n in app.notices))
        assert app.return_code is None and app.project.dirty

        # saved elsewhere from memory as the message says, while the retries still fail
        await pilot.press("ctrl+p", *"save a copy")
        await until(pilot, lambda: "Save a copy of the project as" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        app.screen.query_one("#export-path", Input).value = str(copy)
        await pilot.press("tab", "enter")
        await until(pilot, lambda: any(n.startswith(f"Exported to {copy}") for n in app.notices))
        assert app.save_state is SaveState.FAILED and study.read_bytes() == before

        monkeypatch.setattr(atomic, "os", os)  # room again: the next retry saves in place
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        await quit_app(pilot, app)

    drive(scenario).finish()  # as when the app has exited
    assert len(reopen(study).state.tables["codings"]) == 4
    assert not [p for p in full.iterdir() if p.name.endswith((".tmp", ".lock"))]

    # the copy written elsewhere is a project holding the work, the new coding included
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    assert paths_of(Project.open(copy)) == paths_of(reopen(study))
    rescued = Project.open(copy, write=True)
    assert rescued.undo() is not None  # with its undo history
    rescued.close()
