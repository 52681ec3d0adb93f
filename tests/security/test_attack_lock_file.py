"""The lock file in a folder others can write: a link, a hard link, a pipe or another user's file
planted as ``project.json.lock`` is refused with one clear error and never written into; a
stale lock file is replaced, never truncated.
"""

from __future__ import annotations

import json
import os

import pytest
from fault_support import one_error

from workbench.core.project import Project
from workbench.store.lock import lock_path

pytestmark = pytest.mark.timeout(60)

THESIS = b"my thesis, chapter 3: the only copy\n"


@pytest.fixture
def thesis(tmp_path):
    path = tmp_path / "thesis.txt"
    path.write_bytes(THESIS)
    return path


def memo(cli, project_file, text="a memo"):
    return cli("memo", project_file, "--on", "project", "--text", text)


def test_a_lock_that_is_a_link_is_refused_and_its_target_untouched(project_file, cli, thesis):
    lock_path(project_file).symlink_to(thesis)
    before = project_file.read_bytes()
    one_error(*memo(cli, project_file), "project.json.lock", "symbolic link")
    assert thesis.read_bytes() == THESIS
    assert project_file.read_bytes() == before
    assert lock_path(project_file).is_symlink()  # left for the user to look at
    assert cli("docs", project_file)[0] == 0  # reading still works


def test_a_dangling_link_as_lock_creates_nothing_where_it_points(project_file, cli, tmp_path):
    target = tmp_path / "elsewhere" / "planted"
    target.parent.mkdir()
    lock_path(project_file).symlink_to(target)
    one_error(*memo(cli, project_file), "symbolic link")
    assert not target.exists()


def test_a_hard_link_as_lock_is_refused_and_never_truncated(project_file, cli, thesis):
    os.link(thesis, lock_path(project_file))
    one_error(*memo(cli, project_file), "project.json.lock", "hard link")
    assert thesis.read_bytes() == THESIS


def test_a_pipe_as_lock_is_refused_without_hanging(project_file, cli):
    os.mkfifo(lock_path(project_file))
    one_error(*memo(cli, project_file), "project.json.lock", "not a regular file")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_another_users_lock_file_is_refused_unchanged(project_file, cli):
    lock = lock_path(project_file)
    lock.write_bytes(b'{"pid": 1, "host": "theirs"}')
    os.chown(lock, 65534, 65534)
    one_error(*memo(cli, project_file), "belongs to another user")
    assert lock.read_bytes() == b'{"pid": 1, "host": "theirs"}'


def test_a_stale_lock_is_replaced_never_truncated(project_file, cli):
    """The file a dead holder left is removed and a new one made: whatever it holds (here a
    name another process still has open) is not overwritten."""
    lock = lock_path(project_file)
    dead = {"pid": 999999, "host": "crashed", "since": "2024-05-01T10:00:00Z"}
    lock.write_text(json.dumps(dead), encoding="utf-8")
    with lock.open("rb") as still_open:
        status, _, err = memo(cli, project_file)
        assert status == 0 and "took over the lock left by process 999999" in err
        assert json.loads(still_open.read()) == dead  # the old file's bytes were not touched
    assert not lock.exists()


def test_the_lock_still_excludes_a_second_writer(project_file, cli):
    project = Project.open(project_file, write=True)
    try:
        status, out, err = memo(cli, project_file)
        one_error(status, out, err, "open for writing by another Workbench",
                  f"process {os.getpid()}")
    finally:
        project.close()
    assert memo(cli, project_file)[0] == 0
