"""Faults of the disk (issue 7): a write that fails mid-way, a full disk, a read-only folder.

What these tests prove, with real failures where they can be made without root:

- A write cut short for real: a process whose file-size limit (``RLIMIT_FSIZE``, with SIGXFSZ
  ignored) stops the project file half-way gets EFBIG from the kernel, exactly as from a full
  disk. The command line then prints one ``error:`` line and exits 2 (no traceback); the
  previous file is intact and loads; no temporary file, lock or partial copy stays behind; and
  the same command succeeds once there is room again. ``workbench restore`` too.
- In the process itself (the TUI's case): the failed save leaves the changes in memory, the
  project can be written elsewhere from memory, and saved in place once there is room again.
- Where the backup is a copy (no hard links, e.g. exFAT) and the disk fills up while it is
  written: no partial backup is left among the backups.
- A read-only folder: for real with ``chmod`` (skipped as root, who writes anywhere) and, so CI
  covers it as root, with ``PermissionError``/``EROFS`` injected where the temporary file is
  created and where the lock file is removed: clear messages, nothing lost, the lock released.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fault_support import one_error

import workbench.store.atomic as atomic
import workbench.store.lock as lock_module
import workbench.store.storage as storage
from workbench.core.integrity import check_project
from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.store.atomic import write_private
from workbench.store.lock import ProjectLock, lock_path

pytestmark = pytest.mark.timeout(120)

WORKBENCH = Path(sys.executable).parent / "workbench"
TEXT = "\n".join(
    f"Respondent {i % 3 + 1}: анger 😀 at the state, in Алматы, line {i}." for i in range(400)
)


def _writes_ignore_permissions() -> bool:
    """True for root (or anyone with CAP_DAC_OVERRIDE): chmod cannot make a folder read-only."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o555)
        try:
            os.close(os.open(os.path.join(folder, "probe"), os.O_CREAT | os.O_WRONLY, 0o600))
        except PermissionError:
            return False
        finally:
            os.chmod(folder, 0o755)
        return True


WRITES_ANYWHERE = _writes_ignore_permissions()

#: Runs a command with a file-size limit: a write past it fails with EFBIG (SIGXFSZ ignored, as
#: Python does anyway), which is what a full disk looks like to the writer.
LIMITED = textwrap.dedent(
    """
    import os, resource, signal, sys
    limit = int(sys.argv[1])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    os.execv(sys.argv[2], sys.argv[2:])
    """
)


@pytest.fixture
def study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with one long interview, a coding, and a backup holding all of it."""
    interval = storage.BACKUP_INTERVAL
    monkeypatch.setattr(storage, "BACKUP_INTERVAL", 0.0)
    project = Project.create(tmp_path / "study")
    doc = project.documents.add("r1", TEXT, case="Respondent 1")
    project.codings.add(doc, 0, 12, "Speakers", "ann")
    project.save()
    project.memos.add("project", None, "first reading", "ann")
    project.close()  # the second save keeps the first whole file as project.json.bak-1
    monkeypatch.setattr(storage, "BACKUP_INTERVAL", interval)
    return tmp_path / "study"


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def run_limited(limit: int, *args: object) -> subprocess.CompletedProcess[str]:
    """The installed ``workbench`` with a file-size limit, stdin not a terminal."""
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), str(WORKBENCH), *map(str, args)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def loads_soundly(path: Path) -> Project:
    project = Project.open(path)
    assert check_project(project) == []
    return project


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Lower this process's soft file-size limit for a moment (no other writes happen then)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


# ------------------------------------------------------------------------- a full disk, for real


@pytest.mark.parametrize(
    "command",
    [
        ("memo", "--on", "project", "--text", "a long memo " * 2000),
        ("code", "r1", 20, 40, "Motivation/Anger"),
        ("import", "{big}"),
        ("case", "Respondent 2", "--attr", "city=Астана", "--doc", "r1"),
    ],
    ids=["memo", "code", "import", "case"],
)
def test_cli_write_cut_short_mid_way(study: Path, tmp_path: Path, cli, command) -> None:
    file = study / "project.json"
    big = tmp_path / "interview 2.txt"
    big.write_text(TEXT.replace("Алматы", "Астане"), encoding="utf-8")
    args = [str(big) if word == "{big}" else word for word in command]
    before = files(study)
    limit = len(before["project.json"]) // 2  # the new file stops half-way

    result = run_limited(limit, args[0], study, *args[1:])
    one_error(result.returncode, result.stdout, result.stderr, "could not save", str(file),
              "File too large", "previous version")
    assert files(study) == before  # the file, its backups; no temporary file, no lock
    loads_soundly(file)

    status, out, err = cli(args[0], study, *args[1:])  # room again: the same command works
    assert status == 0, err
    assert not [name for name in files(study) if name.endswith((".tmp", ".lock"))]
    assert file.read_bytes() != before["project.json"]
    loads_soundly(file)


@pytest.mark.parametrize("damage", ["garbage", "cut in half"])
def test_restore_on_a_full_disk_changes_nothing(study: Path, cli, damage: str) -> None:
    file = study / "project.json"
    good = file.read_bytes()
    file.write_bytes(os.urandom(200) if damage == "garbage" else good[: len(good) // 2])
    before = files(study)

    # garbage is small: it is kept aside, then writing the backup in place fails and the copy
    # kept aside goes again; a file cut in half is large: keeping it aside already fails
    result = run_limited(1000, "restore", study, "--yes")
    one_error(result.returncode, result.stdout, result.stderr, "could not restore",
              "File too large", "nothing was changed")
    assert files(study) == before

    status, out, err = cli("restore", study, "--yes")
    assert status == 0, err
    assert "project.json.bak-1" in out and ".broken-" in out
    loads_soundly(file)


def test_a_failed_save_keeps_the_work_in_memory_and_savable(study: Path, tmp_path: Path, snap):
    file = study / "project.json"
    project = Project.open(study, write=True)
    doc = project.documents.named("r1")
    coding = project.codings.add(doc, 100, 140, "Motivation/Anger", "ann")
    memo = project.memos.add("coding", coding.id, "written while the disk was full", "ann")
    expected = snap(project)
    before = files(study)

    for _ in range(2):  # and again: a retry fails the same way and leaves nothing behind
        with file_size_limit(len(before["project.json"]) // 2):
            with pytest.raises(WorkbenchError) as err:
                project.save()
        message = str(err.value)
        assert message.startswith(f"could not save {file}: File too large")
        assert "the file on disk is the previous version" in message and "\n" not in message
        assert files(study) == before
        assert project.dirty and snap(project) == expected
    assert project.lock.held

    # what is in memory can be written elsewhere, whole, and opened from there
    elsewhere = tmp_path / "usb stick"
    elsewhere.mkdir()
    write_private(elsewhere / "copy.json", project.render())
    copy = loads_soundly(elsewhere / "copy.json")
    assert snap(copy) == expected
    assert copy.memos[memo.id].text == memo.text

    project.save()  # room again: saved in place
    assert not project.dirty
    project.close()
    assert snap(loads_soundly(file)) == expected
    assert not lock_path(file).exists()


def test_a_new_project_on_a_full_disk(tmp_path: Path) -> None:
    result = run_limited(200, "init", tmp_path / "new")  # an empty project takes ~250 bytes
    one_error(result.returncode, result.stdout, result.stderr, "File too large")
    assert list((tmp_path / "new").iterdir()) == []  # no half project, no lock, no temp file


# ------------------------------------------------------------------------- a read-only folder


class FaultyOS:
    """``os`` for one module, with some functions replaced."""

    def __init__(self, **replaced):
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(os, name)


def refuse(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(args[0]) if args else None)

    return fail


def refuse_temp_files(code: int):
    """``os.open`` failing for the temporary files of the atomic writer, as in a locked folder."""

    def open_(path, flags, *args, **kwargs):
        if str(path).endswith(".tmp"):
            raise OSError(code, os.strerror(code), str(path))
        return os.open(path, flags, *args, **kwargs)

    return open_


class HalfWrittenFile:
    """A file object whose first write stores half the data, then finds the disk full."""

    def __init__(self, handle) -> None:
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_backup_copy_cut_short_leaves_no_partial_backup(study: Path, monkeypatch, snap) -> None:
    """On a file system without hard links (exFAT, some network shares) the backup is a copy;
    the disk fills up while it is written."""
    file = study / "project.json"
    monkeypatch.setattr(storage, "BACKUP_INTERVAL", 0.0)
    project = Project.open(study, write=True)
    project.memos.add("project", None, "while the stick filled up", "ann")
    expected = snap(project)
    before = file.read_bytes()
    monkeypatch.setattr(storage, "os", FaultyOS(
        link=refuse(errno.EPERM), fdopen=lambda fd, mode: HalfWrittenFile(os.fdopen(fd, mode))
    ))
    with pytest.raises(WorkbenchError, match="could not save .*No space left on device"):
        project.save()
    assert file.read_bytes() == before and snap(project) == expected
    assert not [p.name for p in study.iterdir() if p.name.endswith(".tmp")]
    for backup in storage.backups(file):  # every backup left is whole
        loads_soundly(backup)
    monkeypatch.setattr(storage, "os", os)
    project.close()
    assert snap(loads_soundly(file)) == expected


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS, errno.ENOSPC])
def test_temp_file_refused_keeps_everything(study, cli, monkeypatch, snap, code) -> None:
    file = study / "project.json"
    before = files(study)
    monkeypatch.setattr(atomic, "os", FaultyOS(open=refuse_temp_files(code)))
    words = ("could not save", os.strerror(code))
    one_error(*cli("memo", study, "--on", "project", "--text", "lost?"), *words)
    one_error(*cli("code", study, "r1", 0, 5, "X"), *words)
    assert files(study) == before
    assert cli("docs", study, "--json")[0] == 0  # reading works

    project = Project.open(study, write=True)
    project.memos.add("project", None, "kept in memory", "ann")
    expected = snap(project)
    with pytest.raises(WorkbenchError, match=os.strerror(code)):
        project.save()
    assert project.dirty and snap(project) == expected
    assert files(study) == before | {"project.json.lock": lock_path(file).read_bytes()}
    monkeypatch.setattr(atomic, "os", os)
    project.close()  # writable again: close saves
    assert snap(loads_soundly(file)) == expected


def test_folder_turning_read_only_while_open(study, monkeypatch, snap) -> None:
    """Like a file system remounted read-only after a disk error, with the project open."""
    project = Project.open(study, write=True)
    project.memos.add("project", None, "after the remount", "ann")
    expected = snap(project)
    before = files(study)
    monkeypatch.setattr(atomic, "os", FaultyOS(open=refuse_temp_files(errno.EROFS)))
    monkeypatch.setattr(lock_module, "os", FaultyOS(unlink=refuse(errno.EROFS)))
    with pytest.raises(WorkbenchError, match="could not save .*Read-only file system"):
        project.close()  # the save's own message, not the lock file's
    assert not project.lock.held
    assert files(study) == before | {"project.json.lock": b""}  # emptied: no holder named
    assert snap(project) == expected  # still in memory

    monkeypatch.setattr(atomic, "os", os)
    monkeypatch.setattr(lock_module, "os", os)
    again = ProjectLock(study / "project.json")
    again.acquire()  # the lock was released although its file could not be removed
    assert again.took_over_from is None
    again.release()


def test_stale_temp_file_in_a_read_only_folder(study, cli, monkeypatch) -> None:
    """A writer killed mid-save left its lock and temporary file; the folder is read-only now."""
    stale = study / ".project.json.999999.tmp"
    stale.write_text('{"half": ', encoding="utf-8")
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):
        if self.parent == study:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    monkeypatch.setattr(atomic, "os", FaultyOS(open=refuse_temp_files(errno.EACCES)))
    one_error(*cli("memo", study, "--on", "project", "--text", "x"), "could not save",
              "Permission denied")
    assert stale.exists()
    assert cli("docs", study)[0] == 0


@pytest.mark.skipif(WRITES_ANYWHERE, reason="root writes into read-only folders")
def test_read_only_folder_for_real(study: Path, cli, snap) -> None:
    file = study / "project.json"
    before = files(study)
    stale = None
    try:
        study.chmod(0o555)
        # no lock file can be made: refused before anything changes; reading still works
        one_error(*cli("memo", study, "--on", "project", "--text", "x"), "cannot write beside",
                  "permission denied")
        assert cli("quotes", study, "--json")[0] == 0
        assert files(study) == before

        # the folder turns read-only while the project is open (its lock file exists)
        study.chmod(0o755)
        project = Project.open(study, write=True)
        stale = study / ".project.json.999999.tmp"
        stale.write_text("left by a killed writer", encoding="utf-8")
        study.chmod(0o555)
        project.memos.add("project", None, "while read-only", "ann")
        expected = snap(project)
        with pytest.raises(WorkbenchError, match="could not save .*Permission denied"):
            project.save()
        assert project.dirty and snap(project) == expected
        with pytest.raises(WorkbenchError, match="could not save"):
            project.close()
        assert not project.lock.held

        # its lock file stayed (emptied): a writer takes it, fails to clear the stale temporary
        # file and to save, and says so clearly
        one_error(*cli("memo", study, "--on", "project", "--text", "x"), "could not save",
                  "Permission denied")
        assert file.read_bytes() == before["project.json"]
    finally:
        study.chmod(0o755)
    status, _, err = cli("memo", study, "--on", "project", "--text", "writable again")
    assert status == 0 and "took over" not in err, err
    assert stale is not None and not stale.exists()
