"""Symbolic links as targets: a project.json that links to the real file (on an encrypted volume)
is written through, atomically, beside its target; a link another user made is not followed;
exports never replace something that is not a regular file, and ``-o -`` writes to stdout.
"""

from __future__ import annotations

import os
import pty
from pathlib import Path

import pytest
from fault_support import one_error
from security_support import names, run_workbench

import workbench.store.storage as storage
from workbench.core.project import Project

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def linked(project_file: Path, tmp_path: Path) -> tuple[Path, Path]:
    """``study/project.json`` is a link to ``vault/project.json`` (the encrypted volume)."""
    vault = tmp_path / "vault"
    vault.mkdir(mode=0o700)
    real = vault / "project.json"
    os.replace(project_file, real)
    for left in project_file.parent.iterdir():  # backups of the set-up follow the file
        os.replace(left, vault / left.name)
    project_file.symlink_to(real)
    return project_file, real


def test_a_symlinked_project_is_written_through_to_its_target(linked, cli, monkeypatch):
    link, real = linked
    monkeypatch.setattr(storage, "BACKUP_INTERVAL", 0.0)
    for n in range(2):
        status, _, err = cli("memo", link.parent, "--on", "project", "--text", f"memo {n}")
        assert status == 0, err
    assert link.is_symlink() and Path(os.readlink(link)) == real
    assert {m.text for m in Project.open(real).memos.all()} == {"memo 0", "memo 1"}
    # backups, lock and temporary files live beside the real file, none on the plain disk
    assert names(link.parent) == {"project.json"}
    assert "project.json.bak-1" in names(real.parent)
    assert os.stat(real).st_mode & 0o777 == 0o600


def test_a_project_link_made_by_another_user_is_not_followed(linked, cli):
    link, real = linked
    if os.geteuid() != 0:
        pytest.skip("needs root to give a link to another user")
    os.lchown(link, 65534, 65534)
    before = real.read_bytes()
    one_error(*cli("memo", link, "--on", "project", "--text", "x"), "symbolic link",
              "another user")
    assert real.read_bytes() == before and link.is_symlink()


def test_an_export_never_replaces_a_pipe(project_file, cli, tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    one_error(*cli("export", project_file, "--format", "md", "-o", pipe), "pipe",
              "not a regular file", "-o -")
    assert pipe.is_fifo()


def test_an_export_never_replaces_a_link_to_a_device(project_file, cli, tmp_path):
    """As ``-o /dev/stdout`` did as root: the device itself was replaced by a file."""
    out = tmp_path / "stdout"
    out.symlink_to(os.devnull)
    one_error(*cli("export", project_file, "--format", "csv", "-o", out), "device")
    assert out.is_symlink()


def test_an_export_through_a_link_of_ours_writes_its_target(project_file, cli, tmp_path):
    real = tmp_path / "exports" / "findings.md"
    real.parent.mkdir()
    link = tmp_path / "findings.md"
    link.symlink_to(real)
    assert cli("export", project_file, "--format", "md", "-o", link)[0] == 0
    assert link.is_symlink() and "Intro" in real.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "csv", "html", "qdc", "docx", "qdpx"])
def test_dash_o_dash_writes_the_export_to_standard_output(project_file, tmp_path, fmt):
    done = run_workbench("export", project_file, "--format", fmt, "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "-").exists()
    if fmt in ("docx", "qdpx"):
        assert done.stdout.startswith(b"PK")  # a zip archive
    else:
        assert b"Intro" in done.stdout
    assert b"wrote standard output" in done.stderr
    file = tmp_path / f"out.{fmt}"
    assert run_workbench("export", project_file, "--format", fmt, "-o", file).returncode == 0
    if fmt not in ("docx", "qdpx"):  # (archives carry the time they were made)
        assert file.read_bytes() == done.stdout


def test_binary_exports_refuse_a_terminal_as_standard_output(project_file, tmp_path):
    main, terminal = pty.openpty()
    try:
        done = run_workbench("export", project_file, "--format", "docx", "-o", "-",
                             stdout=terminal, cwd=tmp_path)
        text = run_workbench("export", project_file, "--format", "md", "-o", "-",
                             stdout=terminal, cwd=tmp_path)
    finally:
        os.close(terminal)
        os.close(main)
    assert done.returncode == 2
    assert done.stderr.decode().startswith("error: ") and b"terminal" in done.stderr
    assert text.returncode == 0, text.stderr


def test_dash_o_dash_and_json_cannot_share_standard_output(project_file, tmp_path):
    done = run_workbench("export", project_file, "--format", "md", "-o", "-", "--json",
                         cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().startswith("error: ") and b"--json" in done.stderr


def test_a_link_planted_as_the_newest_backup_neither_stops_backups_nor_is_written(
    project_file, cli, tmp_path
):
    """A link in ``project.json.bak-1``'s place, to a file that changes often: its target's
    time made the backup look fresh, so no backup was made while it stayed. The link's own
    time counts: the link moves along as a link, the newest backup is a real copy, and the
    link's target is never written."""
    victim = tmp_path / "elsewhere" / "victim"
    victim.parent.mkdir()
    victim.write_text("precious", encoding="utf-8")
    planted = storage.backup_path(project_file, 1)
    for older in storage.backups(project_file):
        older.unlink()
    planted.symlink_to(victim)
    long_ago = os.stat(project_file).st_mtime - 2 * storage.BACKUP_INTERVAL
    os.utime(planted, (long_ago, long_ago), follow_symlinks=False)
    before = project_file.read_bytes()
    status, _, err = cli("memo", project_file, "--on", "project", "--text", "x")
    assert status == 0, err
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not planted.is_symlink() and planted.read_bytes() == before
    assert storage.backup_path(project_file, 2).is_symlink()
