"""The project file: format, TinyDB, modes, backups, damage, migrations, lock, faults."""

from __future__ import annotations

import difflib
import errno
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tinydb import Query
from tinydb.table import Document as TinyDocument

import workbench.store.atomic as atomic
import workbench.store.fileformat as fileformat
import workbench.store.migrations as migrations
import workbench.store.storage as storage
from workbench.core.project import Project, resolve_path
from workbench.errors import ProjectLocked, ProjectUnreadable, WorkbenchError
from workbench.store.lock import ProjectLock, lock_path
from workbench.store.storage import backup_path, backups, open_tinydb

TEXT = "Interviewer: Почему?\nRespondent 3: Anger 😀 at the state, in Алматы.\n"


def populated(project: Project) -> Project:
    doc = project.documents.add("r3", TEXT, case="Respondent 3", attributes={"city": "Алматы"})
    coding = project.codings.add(doc, 35, 40, "Motivation/Anger", "ann")
    project.memos.add("coding", coding.id, "first “impression”", "ann")
    project.memos.add("project", None, "overall", "ann")
    project.save()
    return project


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


# ----------------------------------------------------------------------------- the format


def test_file_is_sorted_pretty_json_one_record_per_line(project):
    populated(project)
    text = project.path.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert "Алматы" in text and "😀" in text  # readable, not \u-escaped

    def sorted_pairs(pairs):
        keys = [k for k, _ in pairs]
        assert keys == sorted(keys)
        return dict(pairs)

    data = json.loads(text, object_pairs_hook=sorted_pairs)
    assert set(data) == {"cases", "codes", "codings", "documents", "history", "memos", "meta"}
    assert data["meta"]["project"]["schema"] == fileformat.SCHEMA_VERSION
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    records = [line for line in lines if line.startswith("    ")]
    assert len(records) == sum(len(table) for table in data.values())
    for line in records:
        rid, _, body = line.strip().rstrip(",").partition(": ")
        record = json.loads(body)
        if json.loads(rid) != "project":  # meta's one record is "project"
            assert json.loads(rid) == record["id"]
    for table in data.values():
        assert list(table) == sorted(table)

    # saving again with nothing changed writes the same bytes; one change touches few lines
    project.save()
    assert project.path.read_text(encoding="utf-8") == text
    project.memos.add("project", None, "one more", "ann")
    project.save()
    new_lines = project.path.read_text(encoding="utf-8").splitlines()
    changed = [
        line
        for line in difflib.unified_diff(lines, new_lines, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert len([line for line in changed if line.startswith("+")]) <= 4  # memo, history, commas
    assert all(not line.startswith("-") or line.endswith("}") for line in changed)


def test_tinydb_reads_and_queries_the_file(project):
    populated(project)
    coding = next(iter(project.codings.values()))
    db = open_tinydb(project.path)
    assert set(db.tables()) >= {
        "documents",
        "cases",
        "codes",
        "codings",
        "memos",
        "history",
        "meta",
    }
    found = db.table("codings").search(Query().code == coding.code)
    assert len(found) == 1
    assert found[0].doc_id == coding.id and found[0]["text"] == "Anger"
    assert db.table("documents").get(Query().name == "r3")["text"] == TEXT
    assert db.table("meta").get(doc_id="project")["schema"] == fileformat.SCHEMA_VERSION
    assert len(db.table("memos").search(Query().target_kind == "coding")) == 1

    # a write through TinyDB goes through the same atomic storage and keeps the format
    memo = dict(next(iter(db.table("memos").all())), id="m-2", text="added by a script")
    db.table("memos").insert(TinyDocument(memo, doc_id="m-2"))
    with pytest.raises(WorkbenchError, match="own id"):
        db.table("memos").insert({"text": "no id"})
    db.close()
    assert mode(project.path) == 0o600
    again = Project.open(project.path)
    assert again.memos["m-2"].text == "added by a script"
    assert json.loads(project.path.read_text())["memos"]["m-2"]["text"] == "added by a script"


def test_paths(tmp_path):
    folder = tmp_path / "study"
    project = Project.create(folder)  # a new name without .json is a folder
    assert project.path == folder / "project.json"
    assert resolve_path(folder) == folder / "project.json"
    assert resolve_path(tmp_path / "x.json", for_create=True) == tmp_path / "x.json"
    with pytest.raises(WorkbenchError, match="already exists"):
        Project.create(folder / "project.json")
    project.close()
    assert Project.open(folder).name == "study"
    with pytest.raises(WorkbenchError, match="no project at"):
        Project.open(tmp_path / "missing.json")


# ----------------------------------------------------------------------------- modes, backups


def test_new_files_are_private_whatever_the_umask(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "BACKUP_INTERVAL", 0.0)
    old = os.umask(0)
    try:
        project = populated(Project.create(tmp_path / "p.json"))
        assert mode(lock_path(project.path)) == 0o600
        project.memos.add("project", None, "x", "ann")
        project.save()
        project.close()
    finally:
        os.umask(old)
    assert mode(project.path) == 0o600
    assert backups(project.path)
    for backup in backups(project.path):
        assert mode(backup) == 0o600


def test_backups_rotate(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "BACKUP_INTERVAL", 0.0)
    path = tmp_path / "p.json"
    project = Project.create(path)
    assert backups(path) == []  # nothing to back up before the first file
    contents = [path.read_bytes()]
    for i in range(storage.BACKUP_COUNT + 3):
        project.memos.add("project", None, f"memo {i}", "ann")
        project.save()
        contents.append(path.read_bytes())
        found = backups(path)
        assert len(found) == min(i + 1, storage.BACKUP_COUNT)
        for n, backup in enumerate(found, start=1):
            assert backup == backup_path(path, n)
            assert backup.read_bytes() == contents[-1 - n]  # bak-1 is the previous file
    assert not backup_path(path, storage.BACKUP_COUNT + 1).exists()
    project.close()


def test_backups_are_spaced_by_the_interval_across_processes(tmp_path):
    path = tmp_path / "p.json"
    project = Project.create(path)
    first = path.read_bytes()
    project.memos.add("project", None, "a", "ann")
    project.save()  # no backup yet: the created file becomes the first one
    assert backup_path(path, 1).read_bytes() == first
    project.memos.add("project", None, "b", "ann")
    project.save()  # within BACKUP_INTERVAL of the newest backup: no new one
    assert backup_path(path, 1).read_bytes() == first and len(backups(path)) == 1
    project.close()
    project = Project.open(path, write=True)  # a new process saves soon after: still none
    project.memos.add("project", None, "c", "ann")
    project.save()
    assert len(backups(path)) == 1
    # the newest backup grows old: the next save keeps the current file as a backup
    old = backup_path(path, 1).stat().st_mtime - storage.BACKUP_INTERVAL - 1
    os.utime(backup_path(path, 1), (old, old))
    before = path.read_bytes()
    project.memos.add("project", None, "d", "ann")
    project.save()
    assert backup_path(path, 1).read_bytes() == before
    assert backup_path(path, 2).read_bytes() == first
    project.close()

def damaged_files(valid: bytes) -> dict[str, bytes]:
    data = json.loads(valid)
    newer = json.loads(valid)
    newer["meta"]["project"]["schema"] = fileformat.SCHEMA_VERSION + 1
    bad_record = json.loads(valid)
    bad_record["codings"] = {"c1": {"id": "c1", "document": "nowhere"}}
    bad_history = json.loads(valid)
    bad_history["history"] = {"h1": {"label": "no seq"}}
    return {
        "garbage": os.urandom(300),
        "binary zeros": b"\x00" * 64,
        "empty": b"",
        "cut in half": valid[: len(valid) // 2],
        "cut at the end": valid[:-3],
        "JSON list": b"[1, 2, 3]",
        "JSON non-project": json.dumps({"name": "my shopping list"}).encode(),
        "meta without schema": json.dumps({"meta": {}}).encode(),
        "schema not a number": json.dumps({"meta": {"project": {"schema": "1"}}}).encode(),
        "table not a table": json.dumps({**data, "codes": [1]}).encode(),
        "record not a record": json.dumps({**data, "memos": {"m": 3}}).encode(),
        "record missing fields": json.dumps(bad_record).encode(),
        "history entry missing fields": json.dumps(bad_history).encode(),
        "newer schema": json.dumps(newer).encode(),
    }


@pytest.mark.parametrize("with_backup", [True, False])
def test_unreadable_files_are_refused_and_left_untouched(tmp_path, with_backup):
    path = tmp_path / "p.json"
    populated(Project.create(path)).close()
    project = Project.open(path, write=True)
    project.memos.add("project", None, "again", "ann")
    project.save()  # the first save of a process makes bak-1
    project.close()
    assert backups(path) == [backup_path(path, 1)]
    valid = path.read_bytes()
    if not with_backup:
        for backup in backups(path):
            backup.unlink()
    for label, content in damaged_files(valid).items():
        path.write_bytes(content)
        for write in (False, True):
            with pytest.raises(ProjectUnreadable) as err:
                Project.open(path, write=write)
            message = str(err.value)
            assert str(path) in message, label
            if label == "newer schema":
                assert "newer Workbench" in message
            elif with_backup:
                assert "p.json.bak-1" in message, label
            else:
                assert "no backup" in message, label
            assert "\n" not in message
            assert path.read_bytes() == content, f"{label}: the file was changed"
            assert not lock_path(path).exists(), f"{label}: the lock was kept"
    path.write_bytes(valid)
    Project.open(path, write=True).close()


def test_a_folder_or_an_unreadable_file(tmp_path):
    (tmp_path / "d.json").mkdir()
    with pytest.raises(WorkbenchError, match="is a folder"):
        storage.AtomicJSONStorage(tmp_path / "d.json").read()
    with pytest.raises(WorkbenchError, match="no project at"):
        Project.open(tmp_path / "d.json")  # a folder means the project.json inside it
    if os.geteuid() != 0:
        project = populated(Project.create(tmp_path / "p.json"))
        project.close()
        project.path.chmod(0)
        with pytest.raises(WorkbenchError, match="permission denied"):
            Project.open(project.path)


# ----------------------------------------------------------------------------- migrations


def _to_next(data):
    """The pretend next schema renamed the memos' "author" to "writer"... and back, for the
    test."""
    for memo in data.get("memos", {}).values():
        memo["author"] = memo.pop("old_author", memo.get("author", ""))
    data["meta"]["project"]["migrated_by_test"] = True
    return data


def test_an_older_file_is_migrated(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    populated(Project.create(path)).close()
    data = json.loads(path.read_bytes())
    for memo in data["memos"].values():  # what the old schema stored
        memo["old_author"] = memo.pop("author")
    path.write_bytes(fileformat.render_data(data))
    old_bytes = path.read_bytes()

    now, then = fileformat.SCHEMA_VERSION + 1, fileformat.SCHEMA_VERSION
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", now)
    monkeypatch.setattr(fileformat, "SCHEMA_VERSION", now)
    monkeypatch.setitem(migrations.MIGRATIONS, then, _to_next)

    reader = Project.open(path)  # read-only: migrated in memory, the file is not touched
    assert {m.author for m in reader.memos.all()} == {"ann"}
    assert reader.state.meta["schema"] == now
    assert path.read_bytes() == old_bytes

    project = Project.open(path, write=True)  # a writer saves the migrated file at once
    assert {m.author for m in project.memos.all()} == {"ann"}
    saved = json.loads(path.read_bytes())
    assert saved["meta"]["project"]["schema"] == now
    assert saved["meta"]["project"]["migrated_by_test"] is True
    assert all(m["author"] == "ann" for m in saved["memos"].values())
    assert backup_path(path, 1).read_bytes() == old_bytes  # the old file is kept as a backup
    project.close()

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", now + 1)  # no step beyond
    with pytest.raises(ProjectUnreadable, match="cannot be migrated"):
        Project.open(path, write=True)
    assert json.loads(path.read_bytes())["meta"]["project"]["schema"] == now
    assert not lock_path(path).exists()


# ----------------------------------------------------------------------------- the lock

HOLD = """
import sys, time
from workbench.core.project import Project
project = Project.open(sys.argv[1], write=True)
print("holding", flush=True)
time.sleep(120)
"""

TRY = """
import sys
from workbench.errors import ProjectLocked
from workbench.core.project import Project
try:
    Project.open(sys.argv[1], write=True).close()
except ProjectLocked as exc:
    print("locked:", exc)
else:
    print("got it")
"""


def test_a_second_writer_in_another_process_is_refused(project):
    populated(project)
    child = run_python(TRY, str(project.path))
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.startswith("locked:")
    assert f"process {os.getpid()}" in out  # names the holder
    assert "Commands that only read still work" in out
    project.close()
    child = run_python(TRY, str(project.path))
    out, err = child.communicate(timeout=60)
    assert out.strip() == "got it", err


def test_a_killed_holder_is_taken_over_and_readers_keep_working(tmp_path):
    path = tmp_path / "p.json"
    populated(Project.create(path)).close()
    child = run_python(HOLD, str(path))
    try:
        assert child.stdout.readline().strip() == "holding"
        with pytest.raises(ProjectLocked, match=f"process {child.pid} on "):
            Project.open(path, write=True)
        with pytest.raises(ProjectLocked):
            ProjectLock(path).acquire()
        reader = Project.open(path)  # read-only opens take no lock
        assert reader.read_only and reader.documents.named("r3").text == TEXT
        with pytest.raises(WorkbenchError, match="read-only"):
            reader.save()
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
    assert lock_path(path).exists()  # a killed holder cannot clean up
    project = Project.open(path, write=True)
    assert project.lock.took_over_from["pid"] == child.pid
    project.memos.add("project", None, "after the crash", "ann")
    project.close()
    assert not lock_path(path).exists()
    assert len(Project.open(path).memos.all()) == 3


def test_lock_in_one_process(tmp_path):
    path = tmp_path / "p.json"
    project = Project.create(path)
    with pytest.raises(ProjectLocked):  # flock is per open file: a second handle is refused
        Project.open(path, write=True)
    assert issubclass(ProjectLocked, WorkbenchError)
    project.close()
    project.close()  # closing twice is harmless
    with ProjectLock(path) as lock:
        assert lock.held and lock.took_over_from is None
    assert not lock.held and not lock_path(path).exists()


# ----------------------------------------------------------------------------- write faults


class FaultyOS:
    """``os`` for the storage module, with one function replaced."""

    def __init__(self, **replaced):
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(os, name)


def no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def half_then_no_space():
    calls = []

    def write(fd, data):
        if not calls:
            calls.append(1)
            return os.write(fd, bytes(data[: len(data) // 2]))
        no_space()

    return write


@pytest.mark.parametrize(
    "fault",
    [
        {"replace": no_space},
        {"write": no_space},
        {"write": half_then_no_space()},
        {"fsync": no_space},
        {"link": no_space},  # the backup falls back to a copy
    ],
    ids=["replace", "write", "half-write", "fsync", "link"],
)
def test_a_failed_write_keeps_the_old_file_and_the_changes(tmp_path, monkeypatch, fault):
    monkeypatch.setattr(storage, "BACKUP_INTERVAL", 0.0)  # a backup at every save
    path = tmp_path / "p.json"
    project = populated(Project.create(path))
    project.close()
    project = Project.open(path, write=True)
    before = path.read_bytes()
    memo = project.memos.add("project", None, "written while the disk was full", "ann")
    faulty = FaultyOS(**fault)
    monkeypatch.setattr(storage, "os", faulty)
    monkeypatch.setattr(atomic, "os", faulty)
    if "link" in fault:
        project.save()  # not a failure: the backup is copied instead
        assert backup_path(path, 1).read_bytes() == before
        assert mode(backup_path(path, 1)) == 0o600
        return
    with pytest.raises(WorkbenchError, match="could not save") as err:
        project.save()
    assert "No space left on device" in str(err.value)
    assert path.read_bytes() == before
    assert project.dirty and project.memos[memo.id] == memo
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    monkeypatch.setattr(storage, "os", os)  # the disk has room again
    monkeypatch.setattr(atomic, "os", os)
    project.save()
    assert not project.dirty
    project.close()
    assert Project.open(path).state.tables["memos"][memo.id].text == memo.text


def test_stale_temp_files_are_removed_by_the_next_writer(tmp_path):
    project = populated(Project.create(tmp_path / "p.json"))
    stale = tmp_path / ".p.json.999999.tmp"  # what a writer killed mid-save leaves
    stale.write_text('{"half": ')
    other = tmp_path / ".other.json.999999.tmp"
    other.write_text("not ours")
    Project.open(project.path)  # a reader leaves it: the writer may be using it
    assert stale.exists()
    project.close()
    Project.open(project.path, write=True).close()
    assert not stale.exists()
    assert other.exists()


def test_a_refused_writer_learns_who_holds_the_lock(tmp_path):
    """ProjectLocked carries the project file and the holder, not only an English sentence."""
    path = tmp_path / "p.json"
    project = Project.create(path)
    with pytest.raises(ProjectLocked) as caught:
        Project.open(path, write=True)
    project.close()
    assert caught.value.path == path
    assert caught.value.holder["pid"] == os.getpid()
    assert caught.value.holder_text.startswith(f"process {os.getpid()} on ")
    assert caught.value.holder_text in str(caught.value)
    assert ProjectLocked("held").holder_text == ""
