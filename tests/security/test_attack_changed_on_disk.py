"""A change made on disk while the project is open is merged, never written over.

``git pull``, a sync tool or a colleague's copy replaces ``project.json`` under a writer that
holds it open (the lock keeps only Workbench writers out). Before this was fixed the next save
silently wrote the old state over the colleague's work. Now the save notices (identity, then
content), merges three-way (the file as last seen is the base, memory ours, the disk theirs),
and writes the merged project; what cannot be merged is never written over.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.store import crypto, storage
from workbench.store.seen import ChangedOnDisk
from workbench.store.storage import backup_path
from workbench.team.ondisk import STEP, merge_from_disk

TEXT = "Interviewer: Why?\nRespondent: Anger at the state. And a calling, not a job.\n"
PASS = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASS)
    monkeypatch.setattr(crypto, "_interactive", lambda: False)
    crypto.forget_keys()
    yield
    crypto.forget_keys()


def make_study(folder: Path, *, encrypted: bool = False) -> Path:
    with Project.create(folder, name="study") as project:
        doc = project.documents.add("r1", TEXT, case="Respondent 1")
        start = TEXT.index("Anger")
        project.codings.add(doc, start, start + 5, "Anger", "ann")
        project.codebook.add("Calling")
        if encrypted:
            project.reseal(crypto.Sealer.create(PASS))
    return folder / "project.json"


def open_ours(path: Path) -> Project:
    """The project as a long-lived writer holds it (the workbench installs the same merger)."""
    project = Project.open(path, write=True)
    project.disk_merger = merge_from_disk
    return project


def pull(path: Path, tmp: Path, change: Callable[[Project], object], *, how: str = "replace"
         ) -> bytes:
    """A colleague's copy, changed by ``change`` and saved, lands on ``path`` as git checks a
    file out (a new file renamed into place) or as a sync tool writes in place; returns it."""
    colleague = tmp / f"colleague-{len(list(tmp.glob('colleague-*')))}"
    colleague.mkdir()
    shutil.copyfile(path, colleague / "project.json")
    with Project.open(colleague / "project.json", write=True) as theirs:
        change(theirs)
    data = (colleague / "project.json").read_bytes()
    land(path, data, how=how)
    return data


def land(path: Path, data: bytes, *, how: str = "replace") -> None:
    if how == "replace":
        fresh = path.with_name("incoming.tmp")
        fresh.write_bytes(data)
        os.replace(fresh, path)
    else:  # in place, the same inode
        with path.open("r+b") as handle:
            handle.write(data)
            handle.truncate()


def names(project: Project) -> list[str]:
    return sorted(c.name for c in project.codebook.values())


def on_disk(path: Path) -> Project:
    return Project.open(path)


# --------------------------------------------------------------------------- merging
@pytest.mark.parametrize("how", ["replace", "in place"])
def test_a_pull_while_open_is_merged_into_the_save(tmp_path: Path, how: str) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    doc = ours.documents.by_name("r1")

    def colleague(p: Project) -> None:
        p.codebook.add("Solidarity")
        p.memos.add("document", p.documents.by_name("r1").id, "asked for a break", "bo")

    pulled = pull(path, tmp_path, colleague, how=how)
    start = TEXT.index("calling")
    ours.codings.add(doc, start, start + 7, "Calling", "ann")
    [taken] = ours.save()

    assert taken.message.startswith("merged 2 changes from disk into project.json")
    assert "1 code added" in taken.message and "1 memo added" in taken.message
    assert taken.conflicts == 0
    saved = on_disk(path)
    assert names(saved) == ["Anger", "Calling", "Solidarity"]
    assert [m.text for m in saved.memos.values()] == ["asked for a break"]
    assert len(saved.codings) == 2  # ours too
    assert backup_path(path, 1).read_bytes() == pulled  # the colleague's file is kept as it came

    # one undoable step: undo takes what came in back out of memory, redo brings it back
    assert ours.history.entries[-1].label == STEP
    ours.undo()
    assert names(ours) == ["Anger", "Calling"] and len(ours.memos) == 0
    ours.redo()
    assert names(ours) == ["Anger", "Calling", "Solidarity"]
    ours.close()


def test_same_size_same_time_in_place_edit_is_still_seen(tmp_path: Path) -> None:
    """A sync tool that writes in place and sets the old modification time back."""
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    before = path.stat()
    raw = path.read_bytes()
    assert raw.count(b'"name": "Calling"') == 1
    land(path, raw.replace(b'"name": "Calling"', b'"name": "Purpose"'), how="in place")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino, before.st_size, before.st_mtime_ns
    )
    ours.codebook.add("Networks")
    ours.save()
    assert names(on_disk(path)) == ["Anger", "Networks", "Purpose"]
    ours.close()


def test_the_same_record_changed_on_both_sides_is_a_kept_conflict(
    tmp_path: Path, cli
) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    pull(path, tmp_path, lambda p: p.codebook.rename(p.codebook.find("Calling"), "Vocation"))
    ours.codebook.rename(ours.codebook.find("Calling"), "Purpose")
    [taken] = ours.save()
    ours.close()

    assert taken.conflicts == 1
    assert "1 conflict kept, see `workbench conflicts`" in taken.message
    assert names(on_disk(path)) == ["Anger", "Purpose"]  # ours kept, theirs in the conflict
    status, out, _ = cli("conflicts", path)
    assert status == 0
    assert "ours 'Purpose' · theirs 'Vocation'" in out
    [conflict] = json.loads(cli("conflicts", path, "--json")[1])
    assert conflict["origin"] == "disk" and conflict["theirs"] == {"name": "Vocation"}


def test_a_change_during_the_write_is_caught_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    real = storage.atomic_write
    landed: list[str] = []

    def slow_write(target, payload, *, before_replace=None):
        if target == path and not landed:  # the pull lands while our temporary file is written
            landed.append("yes")
            pull(path, tmp_path, lambda p: p.codebook.add("Late"))
        return real(target, payload, before_replace=before_replace)

    monkeypatch.setattr(storage, "atomic_write", slow_write)
    ours.codebook.add("Networks")
    [taken] = ours.save()
    assert "1 code added" in taken.message
    assert names(on_disk(path)) == ["Anger", "Calling", "Late", "Networks"]
    ours.close()


def test_a_touched_or_copied_back_file_is_not_a_change(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    land(path, path.read_bytes())  # a new inode, the same bytes
    os.utime(path, ns=(1, 1))
    ours.codebook.add("Networks")
    assert ours.save() == []
    assert STEP not in [entry.label for entry in ours.history.entries]
    ours.close()


def test_without_a_merger_nothing_is_written_over(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study")
    ours = Project.open(path, write=True)
    pulled = pull(path, tmp_path, lambda p: p.codebook.add("Solidarity"))
    ours.codebook.add("Networks")
    with pytest.raises(ChangedOnDisk, match="was changed by another program"):
        ours.save()
    assert path.read_bytes() == pulled and ours.dirty
    ours.lock.release()


def test_a_removed_file_is_written_again_and_said(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    path.unlink()
    ours.codebook.add("Networks")
    [taken] = ours.save()
    assert "was removed from disk" in taken.message and "written again" in taken.message
    assert names(on_disk(path)) == ["Anger", "Calling", "Networks"]
    ours.close()


def test_a_command_merges_what_lands_while_it_runs(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.cli import commands

    path = make_study(tmp_path / "study")
    real = commands.say_lock_notes

    def then_a_pull(project: Project) -> None:  # right after the command opened the project
        real(project)
        pull(path, tmp_path, lambda p: p.codebook.add("Solidarity"))

    monkeypatch.setattr(commands, "say_lock_notes", then_a_pull)
    status, _, err = cli("codebook", path, "add", "Networks")
    assert status == 0, err
    assert "note: merged 1 change from disk into project.json: 1 code added" in err
    assert names(on_disk(path)) == ["Anger", "Calling", "Networks", "Solidarity"]


def test_pseudonymize_refuses_rather_than_merge_originals_back(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.cli import commands

    path = make_study(tmp_path / "study")
    real = commands.say_lock_notes
    pulled: list[bytes] = []

    def then_a_pull(project: Project) -> None:
        real(project)
        pulled.append(pull(path, tmp_path, lambda p: p.memos.add("project", None, "Anger", "bo")))

    monkeypatch.setattr(commands, "say_lock_notes", then_a_pull)
    names_map = tmp_path / "map.csv"
    names_map.write_text("original,replacement\nAnger,Fury\n", encoding="utf-8")
    status, _, err = cli("pseudonymize", path, "--map", names_map, "--yes")
    assert status == 2 and err.startswith("error: ") and "not saved over" in err
    assert path.read_bytes() == pulled[0]


# --------------------------------------------------------------------------- never written over
def assert_refused(ours: Project, path: Path, words: str) -> None:
    """Saving is refused, again and again, and the file on disk stays as it is."""
    before = path.read_bytes() if path.exists() else None
    for _ in range(2):
        with pytest.raises(WorkbenchError, match=words) as caught:
            ours.save()
        assert "not saved over" in str(caught.value)
        assert "saved" not in str(caught.value).replace("not saved over", "")
        assert (path.read_bytes() if path.exists() else None) == before
    assert ours.dirty


def test_a_damaged_file_on_disk_is_not_written_over(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    good = path.read_bytes()
    land(path, good[: len(good) // 2])  # cut short by a sync tool
    ours.codebook.add("Networks")
    assert_refused(ours, path, "cannot be merged: .*not valid JSON")

    pull_back = good.replace(b'"name": "Calling"', b'"name": "Vocation"')
    land(path, pull_back)  # mended on disk: the next save merges it
    ours.save()
    assert names(on_disk(path)) == ["Anger", "Networks", "Vocation"]
    ours.close()


def test_another_projects_file_in_its_place_is_not_written_over(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    other = make_study(tmp_path / "other")
    land(path, other.read_bytes())
    ours.codebook.add("Networks")
    assert_refused(ours, path, "another project's file")
    ours.lock.release()


def test_a_record_a_load_would_refuse_is_not_merged(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    data = json.loads(path.read_bytes())
    code = next(iter(data["codes"].values()))
    code["name"] = 12345
    land(path, json.dumps(data).encode())
    ours.codebook.add("Networks")
    assert_refused(ours, path, "damaged")
    assert names(ours) == ["Anger", "Calling", "Networks"]
    ours.lock.release()


def test_a_fault_in_the_merge_is_an_error_not_a_lost_session(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)

    def broken(project: Project, base: bytes, theirs: bytes):
        with project.change("half a merge"):
            project.codebook.add("Half")
            raise KeyError("a bug")

    ours.disk_merger = broken
    pull(path, tmp_path, lambda p: p.codebook.add("Solidarity"))
    ours.codebook.add("Networks")
    assert_refused(ours, path, "could not be merged \\(internal error: KeyError\\)")
    assert names(ours) == ["Anger", "Calling", "Networks"]  # the half merge rolled back
    ours.lock.release()


def test_a_symlink_in_its_place_is_not_followed(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    elsewhere = tmp_path / "thesis.txt"
    elsewhere.write_text("my thesis", encoding="utf-8")
    path.unlink()
    path.symlink_to(elsewhere)
    ours.codebook.add("Networks")
    with pytest.raises(WorkbenchError, match="replaced by a symbolic link.*not saved over"):
        ours.save()
    assert path.is_symlink() and elsewhere.read_text(encoding="utf-8") == "my thesis"
    ours.lock.release()


def test_a_folder_in_its_place_is_not_written_over(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    path.unlink()
    path.mkdir()
    ours.codebook.add("Networks")
    with pytest.raises(WorkbenchError, match="no longer a regular file.*not saved over"):
        ours.save()
    assert path.is_dir()
    ours.lock.release()


# --------------------------------------------------------------------------- encrypted projects
def test_an_encrypted_project_merges_sealed(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study", encrypted=True)
    ours = open_ours(path)
    pull(path, tmp_path, lambda p: p.codebook.add("Solidarity"))
    assert crypto.is_sealed(path.read_bytes())
    ours.codebook.add("Networks")
    [taken] = ours.save()
    assert "1 code added" in taken.message
    raw = path.read_bytes()
    assert crypto.is_sealed(raw) and b"Solidarity" not in raw and b"Networks" not in raw
    assert names(on_disk(path)) == ["Anger", "Calling", "Networks", "Solidarity"]
    assert crypto.is_sealed(backup_path(path, 1).read_bytes())
    ours.close()


def test_sealed_with_another_passphrase_is_not_written_over(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study", encrypted=True)
    ours = open_ours(path)
    pull(path, tmp_path, lambda p: p.reseal(crypto.Sealer.create("another long passphrase")))
    ours.codebook.add("Networks")
    assert_refused(ours, path, "another passphrase")
    ours.lock.release()


def test_newly_encrypted_on_disk_is_not_written_over_plain(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study")
    ours = open_ours(path)
    pull(path, tmp_path, lambda p: p.reseal(crypto.Sealer.create(PASS)))
    ours.codebook.add("Networks")
    assert_refused(ours, path, "was encrypted on disk")
    ours.lock.release()


def test_an_altered_sealed_file_is_not_written_over(tmp_path: Path) -> None:
    path = make_study(tmp_path / "study", encrypted=True)
    ours = open_ours(path)
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0xFF
    land(path, bytes(raw))
    ours.codebook.add("Networks")
    assert_refused(ours, path, "damaged or altered")
    ours.lock.release()


# --------------------------------------------------------------------------- the property
CODE_NAMES = st.lists(
    st.text(alphabet="abcdefgh", min_size=1, max_size=4), max_size=4, unique=True
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ours_codes=CODE_NAMES, theirs_codes=CODE_NAMES, ours_memo=st.booleans(),
       theirs_memo=st.booleans(), theirs_deletes=st.booleans())
def test_nothing_either_side_did_is_lost(
    tmp_path_factory: pytest.TempPathFactory, ours_codes: list[str], theirs_codes: list[str],
    ours_memo: bool, theirs_memo: bool, theirs_deletes: bool,
) -> None:
    """Whatever each side adds (codes, memos) and theirs deletes is in the saved file; codes
    both sides added under one name become one."""
    tmp = tmp_path_factory.mktemp("prop")
    path = make_study(tmp / "study")
    ours = open_ours(path)

    def colleague(p: Project) -> None:
        for name in theirs_codes:
            p.codebook.add(f"T/{name}")
        if theirs_memo:
            p.memos.add("project", None, "theirs", "bo")
        if theirs_deletes:
            p.codebook.delete(p.codebook.find("Calling"))

    pull(path, tmp, colleague)
    for name in ours_codes:
        ours.codebook.add(f"T/{name}")
    if ours_memo:
        ours.memos.add("project", None, "ours", "ann")
    ours.save()
    ours.close()

    saved = on_disk(path)
    expected = {"Anger", *(["T"] if ours_codes or theirs_codes else []),
                *ours_codes, *theirs_codes}
    if not theirs_deletes:
        expected.add("Calling")
    assert sorted(names(saved)) == sorted(expected)
    memos = sorted(m.text for m in saved.memos.values())
    assert memos == sorted([*(["ours"] if ours_memo else []), *(["theirs"] if theirs_memo else [])])
    assert len(saved.codings) == 1
