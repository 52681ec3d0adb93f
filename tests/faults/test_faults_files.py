"""A broken project file and other writers (issue 7), beyond tests/store/test_store.py and
tests/cli/test_cli_files.py.

What these tests prove:

- a project file replaced by garbage, cut in half, emptied or deleted: every way in (the TUI's
  ``workbench PROJECT`` included) refuses it with one clear line pointing at ``workbench
  restore``; ``restore`` on a non-terminal refuses without ``--yes`` (the real command, stdin not
  a terminal), and with it brings back the newest *readable* backup, keeping the broken file
  aside byte for byte;
- writers that start at the same instant: exactly the lock's holder writes, every other one is
  refused with the clear message, readers keep working, and no acknowledged change is lost;
- a lock is judged by the kernel's ``flock``, never by the pid written in it: a lock file naming
  a live process that does not hold it (a reused pid) is taken over.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fault_support import one_error

import workbench.store.storage as storage
from workbench.cli import output
from workbench.core.integrity import check_project
from workbench.core.project import Project
from workbench.store.lock import lock_path

pytestmark = pytest.mark.timeout(120)

WORKBENCH = Path(sys.executable).parent / "workbench"
TEXT = "Interviewer: Почему?\nRespondent 3: Anger 😀 at the state, in Алматы.\n"


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with three backups: bak-1 has two codings, bak-2 one, bak-3 none."""
    monkeypatch.setattr(storage, "BACKUP_INTERVAL", 0.0)
    project = Project.create(tmp_path / "study")
    doc = project.documents.add("r3", TEXT, case="Respondent 3")
    project.save()
    for start in (35, 23, 0):
        project.codings.add(doc, start, start + 5, "Motivation/Anger", "ann")
        project.save()
    project.close()
    return tmp_path / "study" / "project.json"


def codings(path: Path) -> int:
    project = Project.open(path)
    assert check_project(project) == []
    return len(project.codings)


DAMAGE = {
    "garbage": lambda raw: os.urandom(len(raw)),
    "cut in half": lambda raw: raw[: len(raw) // 2],
    "emptied": lambda raw: b"",
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_broken_file_is_refused_everywhere_and_restored_after_asking(
    study: Path, cli, monkeypatch, damage: str
) -> None:
    assert [codings(storage.backup_path(study, n)) for n in (1, 2, 3)] == [2, 1, 0]
    study.write_bytes(DAMAGE[damage](study.read_bytes()))
    broken = study.read_bytes()
    folder = study.parent
    for args in (("open", folder), (folder,), ("docs", folder), ("memo", folder, "--on",
                 "project", "--text", "x"), ("report", folder, "frequencies")):
        one_error(*cli(*args), str(study), "project.json.bak-1", "workbench restore")
    assert study.read_bytes() == broken

    monkeypatch.setattr(output, "interactive", lambda: False)
    one_error(*cli("restore", folder), "--yes", "project.json.bak-1")
    assert study.read_bytes() == broken and not list(folder.glob("*.broken-*"))

    status, out, err = cli("restore", folder, "--yes")
    assert status == 0, err
    [aside] = folder.glob("project.json.broken-*")
    assert aside.read_bytes() == broken
    assert f"kept as {aside.name}" in out
    assert codings(study) == 2  # the newest backup
    assert not lock_path(study).exists() and not list(folder.glob(".*.tmp"))


def test_restore_for_real_on_a_non_terminal(study: Path) -> None:
    study.write_bytes(study.read_bytes()[:100])
    broken = study.read_bytes()

    def workbench(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(WORKBENCH), *map(str, args)], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=60)

    result = workbench("restore", study)
    one_error(result.returncode, result.stdout, result.stderr, "add --yes", "project.json.bak-1")
    assert study.read_bytes() == broken
    result = workbench("restore", study, "--yes")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "restored" in result.stdout and codings(study) == 2


def test_restore_skips_broken_backups_and_a_missing_file(study: Path, cli) -> None:
    folder = study.parent
    storage.backup_path(study, 1).write_bytes(b'{"meta": ')  # the newest backup is broken too
    study.write_bytes(b"\x00" * 10)
    status, out, err = cli("restore", folder, "--yes")
    assert status == 0, err
    assert "from project.json.bak-2" in out
    assert codings(study) == 1

    study.unlink()  # no file at all: restored, nothing to keep aside
    status, out, err = cli("restore", folder, "--yes")
    assert status == 0, err
    assert "from project.json.bak-2" in out and "kept as" not in out
    assert codings(study) == 1


# ----------------------------------------------------------------------------- other writers

WRITER = textwrap.dedent(
    """
    import sys, time
    from workbench.errors import ProjectLocked
    from workbench.core.project import Project

    path, name = sys.argv[1], sys.argv[2]
    print("ready", flush=True)
    sys.stdin.readline()  # every writer starts at once
    try:
        project = Project.open(path, write=True)
    except ProjectLocked as exc:
        print("locked", exc, flush=True)
        sys.exit(0)
    memo = project.memos.add("project", None, name, "ann")
    time.sleep(1.0)  # hold the lock while the others try
    project.close()
    print("wrote", memo.id, flush=True)
    """
)


def test_writers_starting_at_once(study: Path) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(study), f"writer {n}"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for n in range(5)
    ]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready"
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [proc.communicate(timeout=60) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    wrote, refused = [], []
    for (out, err), proc in zip(results, procs, strict=True):
        assert proc.returncode == 0, err
        word, _, rest = out.strip().partition(" ")
        if word == "wrote":
            wrote.append(rest)
        else:
            assert word == "locked", out
            # the holder is named once it has written its pid (a moment after taking the lock)
            assert "open for writing by another Workbench" in rest
            assert "Commands that only read still work" in rest
            refused.append(rest)
    assert wrote and refused  # one holds the lock for a second: the others come meanwhile
    project = Project.open(study)
    assert check_project(project) == []
    assert {m.id for m in project.memos.all()} == set(wrote)  # every acknowledged memo, no other


def test_a_lock_naming_a_live_process_that_does_not_hold_it(study: Path, cli) -> None:
    # the pid in the file is alive (this very process) but no flock is held: a reused pid
    holder = {"pid": os.getpid(), "host": "elsewhere", "since": "2024-05-01T10:00:00Z"}
    lock_path(study).write_text(json.dumps(holder), encoding="utf-8")
    status, _, err = cli("memo", study.parent, "--on", "project", "--text", "after a crash")
    assert status == 0, err
    assert f"took over the lock left by process {os.getpid()} on elsewhere" in err
    assert not lock_path(study).exists()
    lock_path(study).write_bytes(b"\x00garbage")  # unreadable: taken over all the same
    assert cli("memo", study.parent, "--on", "project", "--text", "again")[0] == 0
    assert len(Project.open(study).memos.all()) == 2
