"""Permissions around the project file: ``init`` under umask 000 made a 0777 folder, and git wrote
``.git`` readable by everyone; ``git-setup`` now keeps the clone private and its ``.gitignore``
keeps every copy of the data out of commits.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from security_support import run_workbench

pytestmark = pytest.mark.timeout(60)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_init_under_umask_000_makes_a_private_folder(tmp_path, cli, open_umask):
    study = tmp_path / "new" / "study"
    status, _, err = cli("init", study)
    assert status == 0, err
    assert mode(study) == 0o700 and mode(study.parent) == 0o700
    assert mode(study / "project.json") == 0o600
    assert err == ""  # a folder of our own making is not open to others
    status, _, err = cli("memo", study, "--on", "project", "--text", "x")
    assert status == 0 and err == ""
    assert {mode(p) for p in study.iterdir()} == {0o600}


def test_init_in_an_existing_open_folder_warns(tmp_path, cli, open_umask):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    status, _, err = cli("init", shared)
    assert status == 0
    assert err.startswith("warning: ") and str(shared) in err and err.count("\n") == 1
    assert mode(shared) == 0o777  # a folder the user made is theirs to decide


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                          check=True, env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1",
                                           "HOME": str(folder.parent)})
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_setup_keeps_the_clone_private_and_ignores_every_copy(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "ann")
    git(repo, "config", "user.email", "ann@example.org")
    (repo / "notes.txt").write_text("before the set-up\n", encoding="utf-8")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-q", "-m", "first")  # objects written with the umask (0444, 0755)

    done = run_workbench("git-setup", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert b"core.sharedRepository" in done.stdout and b"readable only by you" in done.stdout
    assert git(repo, "config", "core.sharedRepository").strip() == "0600"
    # the work tree is the user's to open up: named, not changed (git checks out with the umask)
    repo_mode = mode(repo)
    assert (b"warning: " in done.stderr) == bool(repo_mode & 0o077)
    readable = [p for p in (repo / ".git").rglob("*") if not p.is_symlink() and mode(p) & 0o077]
    assert readable == []

    (repo / "more.txt").write_text("after the set-up\n", encoding="utf-8")
    git(repo, "add", "more.txt")
    git(repo, "commit", "-q", "-m", "second")
    readable = [p for p in (repo / ".git").rglob("*") if not p.is_symlink() and mode(p) & 0o077]
    assert readable == []

    # every copy of the data beside a project stays out of commits
    ignored = [
        "project.json.lock", "project.json.bak-1", "project.json.broken-20240501T100000Z",
        ".project.json.0123456789abcdef.tmp", ".project.json.edit.r1.k2j4h5g6.txt",
        ".Study.docx.0123456789abcdef.tmp", "Study.qdpx", "Study.qdc", "Study.docx",
        "Study.html", "Study.csv", "Study copy.json", "names.csv",
    ]
    for name in ignored:
        (repo / name).write_text("confidential", encoding="utf-8")
    status = git(repo, "status", "--porcelain", "--untracked-files=all")
    assert not [name for name in ignored if name in status], status

    again = run_workbench("git-setup", cwd=repo)
    assert b"already set up" in again.stdout
