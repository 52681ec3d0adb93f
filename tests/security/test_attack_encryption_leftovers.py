"""Plain copies beside an encrypted project: an interrupted ``encrypt`` left plaintext backups,
and ``restore`` then silently put one in the project's place. Backups are sealed before the
project; ``encrypt`` again seals what is left; ``restore`` re-seals a plain backup (or refuses).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from fault_support import one_error

import workbench.store.atomic as atomic
import workbench.store.storage as storage
from workbench.core.project import Project
from workbench.store import crypto
from workbench.store.storage import backup_path, backups

pytestmark = pytest.mark.timeout(120)

PASS = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASS)
    monkeypatch.setattr(crypto, "_interactive", lambda: False)
    monkeypatch.setattr("workbench.cli.output.interactive", lambda: False)
    crypto.forget_keys()
    yield
    crypto.forget_keys()


@pytest.fixture
def study(project_file: Path, cli, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The study with three plain backups."""
    monkeypatch.setattr(storage, "BACKUP_INTERVAL", 0.0)
    for n in range(3):
        assert cli("memo", project_file, "--on", "project", "--text", f"memo {n}")[0] == 0
    assert len(backups(project_file)) == 3
    return project_file


def sealed(path: Path) -> bool:
    return path.read_bytes().startswith(crypto.MAGIC)


def copies(path: Path) -> list[Path]:
    """Every file beside the project that holds its data."""
    return [p for p in path.parent.iterdir() if p.name.startswith("project.json")
            and not p.name.endswith(".lock")]


class FaultyOS:
    def __init__(self, **replaced):
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(os, name)


def test_an_interrupted_encrypt_never_leaves_plain_backups_of_a_sealed_project(study, cli,
                                                                                monkeypatch):
    def replace(src, dst):  # the disk fills up while a backup is being sealed
        if ".bak-" in Path(dst).name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return os.replace(src, dst)

    monkeypatch.setattr(atomic, "os", FaultyOS(replace=replace))
    one_error(*cli("encrypt", study), "No space left on device")
    assert not sealed(study) or all(sealed(p) for p in copies(study))
    assert not [p for p in study.parent.iterdir() if p.name.endswith(".tmp")]

    monkeypatch.setattr(atomic, "os", os)  # room again: encrypting again finishes the work
    status, out, err = cli("encrypt", study)
    assert status == 0, err
    assert all(sealed(p) for p in copies(study))


def test_encrypt_on_an_encrypted_project_seals_the_plain_backups_left(study, cli):
    plain = study.read_bytes()
    assert cli("encrypt", study)[0] == 0
    backup_path(study, 3).write_bytes(plain)  # what an interrupted encrypt of old left
    status, out, err = cli("encrypt", study)
    assert status == 0, err
    assert "1 plain backup" in out
    assert all(sealed(p) for p in copies(study))
    assert Project.open(backup_path(study, 3)).memos.all()  # sealed with the project's passphrase
    assert cli("encrypt", study)[2].startswith("error: ")  # nothing left to do: as before


def damage(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0xFF  # a flipped byte in the ciphertext: the header still reads
    path.write_bytes(bytes(raw))


def test_restore_never_turns_an_encrypted_project_plain(study, cli):
    plain = study.read_bytes()
    assert cli("encrypt", study)[0] == 0
    backup_path(study, 1).write_bytes(plain)  # the newest backup is plain text
    damage(study)
    status, out, err = cli("restore", study, "--yes")
    assert status == 0, err
    assert "encrypted again" in out
    assert sealed(study)
    assert {m.text for m in Project.open(study).memos.all()} == {"memo 0", "memo 1", "memo 2"}
    assert all(sealed(p) for p in copies(study))  # the plain backup too, and the broken copy


def test_restore_refuses_when_nothing_is_left_to_seal_with(study, cli):
    plain = study.read_bytes()
    assert cli("encrypt", study)[0] == 0
    for backup in backups(study):
        backup.write_bytes(plain)
    study.write_bytes(crypto.MAGIC + b"{damaged header\n" + b"\0" * 40)
    before = {p.name: p.read_bytes() for p in copies(study)}
    one_error(*cli("restore", study, "--yes"), "encrypted", "plain text", "nothing was changed")
    assert {p.name: p.read_bytes() for p in copies(study)} == before


def test_restore_with_a_wrong_passphrase_changes_nothing(study, cli, monkeypatch):
    plain = study.read_bytes()
    assert cli("encrypt", study)[0] == 0
    backup_path(study, 1).write_bytes(plain)
    damage(study)
    before = {p.name: p.read_bytes() for p in copies(study)}
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "not the passphrase")
    crypto.forget_keys()
    one_error(*cli("restore", study, "--yes"), "wrong passphrase")
    assert {p.name: p.read_bytes() for p in copies(study)} == before
