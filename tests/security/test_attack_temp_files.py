"""Temporary files in a folder others can write (a group project folder, a share, a folder made
under umask 000): a planted name never redirects a write, stale ones are cleaned, and the user
is warned that the folder is open.
"""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

import pytest

import workbench.store.atomic as atomic
from workbench.core.project import Project

pytestmark = pytest.mark.timeout(60)

THESIS = b"my thesis, chapter 3: the only copy\n"


def test_a_link_planted_at_the_writers_temp_name_is_never_followed(project_file, tmp_path):
    """The temporary name was ``.project.json.<pid>.tmp``: plant it as a link to a file of the
    victim's while the workbench is open, and the next save wrote the project into that file
    and left project.json a link to it."""
    thesis = tmp_path / "thesis.txt"
    thesis.write_bytes(THESIS)
    project = Project.open(project_file, write=True)  # the lock is taken: the plant comes after
    project_file.with_name(f".project.json.{os.getpid()}.tmp").symlink_to(thesis)
    project.memos.add("project", None, "after the plant", "ann")
    project.close()
    assert thesis.read_bytes() == THESIS
    assert not project_file.is_symlink() and stat.S_ISREG(project_file.lstat().st_mode)
    assert [m.text for m in Project.open(project_file).memos.all()] == ["after the plant"]


def test_an_export_never_writes_through_a_planted_temp_name(project_file, cli, tmp_path):
    """Exports never cleaned their predictable temp names: no race was even needed."""
    thesis = tmp_path / "thesis.txt"
    thesis.write_bytes(THESIS)
    out = tmp_path / "shared" / "findings.md"
    out.parent.mkdir()
    (out.parent / f".findings.md.{os.getpid()}.tmp").symlink_to(thesis)
    status, _, err = cli("export", project_file, "--format", "md", "-o", out)
    assert status == 0, err
    assert thesis.read_bytes() == THESIS
    assert not out.is_symlink() and "Intro" in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_temp_files_are_made_new_never_followed_and_named_unpredictably(project_file, monkeypatch):
    """Every temporary file is opened with O_CREAT|O_EXCL|O_NOFOLLOW (as mkstemp does) under a
    name with 64 random bits: a planted name or link is never opened."""
    opened: list[tuple[str, int]] = []
    real_open = os.open

    def spy(path, flags, *args, **kwargs):
        opened.append((str(path), flags))
        return real_open(path, flags, *args, **kwargs)

    class SpyOS:
        open = staticmethod(spy)

        def __getattr__(self, name):
            return getattr(os, name)

    monkeypatch.setattr(atomic, "os", SpyOS())
    project = Project.open(project_file, write=True)
    for n in range(3):
        project.memos.add("project", None, f"memo {n}", "ann")
        project.save()
    project.close()
    temps = [(Path(p).name, f) for p, f in opened if p.endswith(".tmp")]
    assert len(temps) == 3
    for name, flags in temps:
        assert re.fullmatch(r"\.project\.json\.[0-9a-f]{16}\.tmp", name), name
        assert flags & os.O_CREAT and flags & os.O_EXCL and flags & os.O_NOFOLLOW
        assert not flags & os.O_TRUNC
    assert len({name for name, _ in temps}) == 3


def test_stale_export_temps_are_cleaned_and_a_fresh_one_is_left(project_file, cli, tmp_path):
    folder = project_file.parent
    old = folder / ".Study.docx.0123456789abcdef.tmp"  # a killed export, long ago
    old.write_bytes(b"PK... the whole study")
    fresh = folder / ".Study.html.fedcba9876543210.tmp"  # an export being written right now
    fresh.write_bytes(b"<html>")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    user_file = folder / ".notes.1234.tmp"  # not a name Workbench makes
    user_file.write_bytes(b"mine")
    assert cli("memo", folder, "--on", "project", "--text", "takes the lock")[0] == 0
    assert not old.exists()
    assert fresh.exists() and user_file.exists()

    # beside an export target too, when the export is written again
    out = tmp_path / "out.md"
    stale = tmp_path / ".out.md.00000000deadbeef.tmp"
    stale.write_bytes(b"# half an export")
    os.utime(stale, (hour_ago, hour_ago))
    assert cli("export", folder, "--format", "md", "-o", out)[0] == 0
    assert not stale.exists()


def test_a_folder_others_can_write_is_named_in_one_warning(project_file, cli):
    folder = project_file.parent
    folder.chmod(0o777)
    status, out, err = cli("memo", folder, "--on", "project", "--text", "in a shared folder")
    assert status == 0 and out.startswith("memo ")
    [line] = err.splitlines()
    assert line.startswith("warning: ") and str(folder) in line and "777" in line
    folder.chmod(0o700)
    status, _, err = cli("memo", folder, "--on", "project", "--text", "private again")
    assert status == 0 and err == ""
    # reading commands take no lock and write nothing: no warning
    folder.chmod(0o775)
    assert cli("docs", folder)[2] == ""


def test_the_workbench_shows_the_open_folder_warning(study, drive):
    study.parent.chmod(0o777)

    async def scenario(pilot, app):
        await pilot.pause()

    app = drive(scenario)
    assert any(n.startswith("warning: ") and str(study.parent) in n for n in app.notices)
