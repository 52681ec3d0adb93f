"""The workbench when the project file changes on disk while it is open (``git pull``, a sync
tool, a colleague's copy): the next save merges what came in, the panes show it, a notice says
what came in, and a file that cannot be merged is never written over ("not saved")."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tui_support import quit_app, reopen, screen_text, until

from workbench.core.project import Project
from workbench.team.ondisk import STEP
from workbench.tui import saver as saver_module
from workbench.tui.saver import SaveState

pytestmark = pytest.mark.timeout(120)


def pull(study: Path, tmp: Path, change, *, start: bytes | None = None) -> bytes:
    """A colleague's copy of the study (or of ``start``), changed and saved, checked out over
    it as git does."""
    colleague = tmp / "colleague"
    colleague.mkdir(exist_ok=True)
    if start is None:
        shutil.copyfile(study, colleague / "project.json")
    else:
        (colleague / "project.json").write_bytes(start)
    with Project.open(colleague / "project.json", write=True) as theirs:
        change(theirs)
    data = (colleague / "project.json").read_bytes()
    incoming = study.with_name("incoming.tmp")
    incoming.write_bytes(data)
    os.replace(incoming, study)
    return data


def colleague_work(project: Project) -> None:
    project.codebook.add("Solidarity")
    interview = project.documents.by_name("Interview 2")
    project.memos.add("document", interview.id, "Asked to pause the recording.", "bo")


def status(app) -> str:
    return app.main_screen.query_one("#status-saved").plain


def test_a_pull_while_open_is_merged_shown_and_saved(drive, study, tmp_path):
    async def scenario(pilot, app):
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        pull(study, tmp_path, colleague_work)
        await pilot.press("right_square_bracket", "1")  # code the next paragraph
        await until(pilot, lambda: any(n.startswith("merged") for n in app.notices))
        [notice] = [n for n in app.notices if n.startswith("merged")]
        assert notice == (
            "merged 2 changes from disk into project.json: 1 code added, 1 memo added"
        )
        await until(pilot, lambda: app.save_state is SaveState.SAVED and not app.project.dirty)
        assert status(app) == "saved"
        await until(pilot, lambda: "Solidarity" in screen_text(app))  # the panes redrawn
        assert app.project.history.entries[-1].label == STEP
        await quit_app(pilot, app)

    drive(scenario)
    saved = reopen(study)
    assert "Solidarity" in [c.name for c in saved.codebook.all()]
    assert [m.text for m in saved.memos.all() if m.author == "bo"] == [
        "Asked to pause the recording."
    ]
    assert len(saved.codings) == 4  # the coding made by the key


def test_a_conflicting_edit_is_kept_and_pointed_to(drive, study, tmp_path, cli):
    def rename(project: Project, name: str) -> None:
        project.codebook.rename(project.codebook.find("Networks"), name)

    async def scenario(pilot, app):
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        pull(study, tmp_path, lambda p: rename(p, "Contacts"))
        app.apply(lambda p: rename(p, "Ties"))
        await until(pilot, lambda: any("conflict" in n for n in app.notices))
        [notice] = [n for n in app.notices if "conflict" in n]
        assert notice.endswith("1 conflict kept, see `workbench conflicts`")
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        await quit_app(pilot, app)

    drive(scenario)
    status_, out, _ = cli("conflicts", study)
    assert status_ == 0 and "ours 'Ties' · theirs 'Contacts'" in out


def test_a_damaged_file_on_disk_is_not_saved_over(drive, study, tmp_path, monkeypatch):
    monkeypatch.setattr(saver_module, "RETRY", 0.3)
    good = study.read_bytes()
    damaged = good[: len(good) // 2]

    async def scenario(pilot, app):
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        study.write_bytes(damaged)  # a sync tool stopped halfway
        await pilot.press("right_square_bracket", "1")
        await until(pilot, lambda: app.save_state is SaveState.FAILED)
        [message] = [n for n in app.notices if "cannot be merged" in n]
        assert "not valid JSON" in message and "not saved over" in message
        assert "Save a copy of the project" in message
        assert status(app) == "not saved"
        await pilot.pause(1.0)  # retried, and refused again
        assert study.read_bytes() == damaged and app.project.dirty
        assert app.save_state is SaveState.FAILED

        pull(study, tmp_path, colleague_work, start=good)  # mended: the next retry merges it
        await until(pilot, lambda: app.save_state is SaveState.SAVED and not app.project.dirty)
        assert any(n.startswith("merged 2 changes") for n in app.notices)
        await quit_app(pilot, app)

    drive(scenario)
    saved = reopen(study)
    assert "Solidarity" in [c.name for c in saved.codebook.all()] and len(saved.codings) == 4


def test_quitting_merges_what_came_in_first(drive, study, tmp_path, monkeypatch):
    monkeypatch.setattr(saver_module, "DELAY", 30.0)  # nothing saved until the quit
    monkeypatch.setattr(saver_module, "MAX_DELAY", 30.0)

    async def scenario(pilot, app):
        await pilot.press("right_square_bracket", "1")
        await until(pilot, lambda: app.save_state is SaveState.UNSAVED)
        pull(study, tmp_path, colleague_work)
        await quit_app(pilot, app)
        assert any(n.startswith("merged 2 changes") for n in app.notices)

    drive(scenario)
    saved = reopen(study)
    assert "Solidarity" in [c.name for c in saved.codebook.all()] and len(saved.codings) == 4
