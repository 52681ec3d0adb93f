"""Encryption at rest: nothing readable on disk, wrong passphrases and tampering refused."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.store import crypto

PASS = "correct horse battery staple"
TEXT = (
    "Interviewer: How did it start?\n"
    "Respondent 2: Мы собирались у Жанар на кухне, secretly, every Thursday.\n"
)
SECRETS = [
    "How did it start",
    "собирались у Жанар",  # Cyrillic, as UTF-8 bytes in the file
    "every Thursday",
    "Kitchen meetings",  # a code name
    "Respondent 2",  # a case name
    "the kitchen was the safe place",  # a memo
    "Astana",  # an attribute value
]


@pytest.fixture(autouse=True)
def _setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    config = tmp_path / "config.toml"
    config.write_text('coder = "ann"\n', encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, PASS)
    monkeypatch.setattr("workbench.cli.output.interactive", lambda: False)
    monkeypatch.setattr(crypto, "_interactive", lambda: False)
    crypto.forget_keys()
    yield
    crypto.set_passphrase_provider(None)
    crypto.forget_keys()


def make_study(folder: Path) -> Path:
    with Project.create(folder, name="study") as project:
        doc = project.documents.add("kitchen", TEXT, case="Respondent 2")
        project.cases.set("Respondent 2", {"city": "Astana"})
        coding = project.codings.add(doc, 45, 67, "Kitchen meetings", "ann")
        project.memos.add("coding", coding.id, "the kitchen was the safe place", "ann")
    return folder / "project.json"


@pytest.fixture
def sealed(tmp_path: Path, cli) -> Path:
    path = make_study(tmp_path / "study")
    status, out, err = cli("encrypt", path)
    assert status == 0, err
    assert "encrypted" in out
    return path


def assert_no_plaintext(data: bytes) -> None:
    for secret in SECRETS:
        assert secret.encode("utf-8") not in data, secret
    assert b'"documents"' not in data and b"Interviewer" not in data


def one_error(result: tuple[int, str, str], *words: str) -> None:
    status, out, err = result
    assert status == 2, (out, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err


# --------------------------------------------------------------------------- at rest
def test_encrypted_file_holds_no_plaintext_and_opens_transparently(sealed: Path, cli) -> None:
    raw = sealed.read_bytes()
    assert raw.startswith(crypto.MAGIC)
    assert_no_plaintext(raw)
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    status, out, err = cli("docs", sealed, "--json")
    assert status == 0, err
    assert json.loads(out)[0]["name"] == "kitchen"
    status, out, _ = cli("text", sealed, "kitchen")
    assert out == TEXT
    status, out, _ = cli("check", sealed)
    assert status == 0 and out.startswith("ok")
    assert cli("encrypt", sealed)[2].startswith("error:")  # already encrypted


def test_saves_stay_encrypted_with_a_new_nonce_and_the_same_key(sealed: Path, cli,
                                                                monkeypatch) -> None:
    written: list[tuple[Path, bytes]] = []
    import workbench.store.storage as storage

    real = storage.atomic_write

    def spy(path, content, **kw):
        whole = b"".join(content) if isinstance(content, list) else bytes(content)
        written.append((Path(path), whole))
        return real(path, content, **kw)

    monkeypatch.setattr(storage, "atomic_write", spy)
    opened: list[Path] = []
    real_open = os.open

    def open_spy(path, *args, **kw):
        opened.append(Path(path))
        return real_open(path, *args, **kw)

    monkeypatch.setattr(os, "open", open_spy)
    first = json.loads(sealed.read_bytes().split(b"\n")[1])
    assert cli("memo", sealed, "--on", "project", "--text", "Жанар is safe")[0] == 0
    assert cli("code", sealed, "kitchen", 0, 11, "Intro")[0] == 0
    second = json.loads(sealed.read_bytes().split(b"\n")[1])
    assert first["salt"] == second["salt"] and first["nonce"] != second["nonce"]
    # every byte that went to disk for the project was sealed in memory first
    assert written and all(content.startswith(crypto.MAGIC) for _, content in written)
    for _, content in written:
        assert_no_plaintext(content)
        assert "Жанар is safe".encode() not in content
    # backups are hard links of the encrypted file, so they are encrypted too
    backups = sorted(sealed.parent.glob("project.json.bak-*"))
    assert backups
    for backup in backups:
        assert backup.read_bytes().startswith(crypto.MAGIC)
        assert_no_plaintext(backup.read_bytes())
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not [p for p in sealed.parent.iterdir() if p.name.endswith(".tmp")]
    temps = [p for p in opened if p.name.endswith(".tmp")]
    assert temps and all(p.parent == sealed.parent for p in temps)  # never in /tmp


def test_encrypt_seals_the_plain_backups_it_finds(tmp_path: Path, cli) -> None:
    path = make_study(tmp_path / "study")
    assert cli("memo", path, "--on", "project", "--text", "before")[0] == 0  # takes a backup
    broken = path.with_name("project.json.broken-20240101T000000Z")
    broken.write_bytes(path.read_bytes())
    backup = path.with_name("project.json.bak-2")
    backup.write_bytes(path.read_bytes())
    os.utime(backup, ns=(1_000_000_000, 1_000_000_000))
    mtime = backup.stat().st_mtime_ns
    status, out, err = cli("encrypt", path)
    assert status == 0, err
    assert "3 backups encrypted" in out
    for copy in (path, backup, broken, path.with_name("project.json.bak-1")):
        assert copy.read_bytes().startswith(crypto.MAGIC)
        assert_no_plaintext(copy.read_bytes())
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert backup.stat().st_mtime_ns == mtime
    # restore reads an encrypted backup with the passphrase
    path.write_bytes(b"garbage")
    status, out, err = cli("restore", path, "--yes")
    assert status == 0, err
    assert cli("docs", path)[0] == 0


def test_lock_file_holds_only_pid_host_and_time(sealed: Path) -> None:
    with Project.open(sealed, write=True) as project:
        lock = json.loads(project.lock.path.read_bytes())
        assert set(lock) == {"pid", "host", "since"}
        assert stat.S_IMODE(project.lock.path.stat().st_mode) == 0o600
        assert project.storage.encrypted


# --------------------------------------------------------------------------- refusals
def test_wrong_or_missing_passphrase_is_one_error_line(sealed: Path, cli, monkeypatch) -> None:
    raw = sealed.read_bytes()
    files = sorted(p.name for p in sealed.parent.iterdir())
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "not the passphrase")
    one_error(cli("docs", sealed), "wrong passphrase")
    one_error(cli("code", sealed, "kitchen", 0, 5, "X"), "wrong passphrase")
    monkeypatch.delenv(crypto.PASSPHRASE_ENV)
    one_error(cli("docs", sealed), crypto.PASSPHRASE_ENV)
    one_error(cli("decrypt", sealed), crypto.PASSPHRASE_ENV)
    assert sealed.read_bytes() == raw
    assert sorted(p.name for p in sealed.parent.iterdir()) == files


@pytest.mark.parametrize("where", ["magic", "header", "salt", "start", "middle", "tag"])
def test_a_flipped_byte_is_refused_and_nothing_is_overwritten(sealed: Path, cli,
                                                               where: str) -> None:
    raw = bytearray(sealed.read_bytes())
    head = raw.index(b"\n", len(crypto.MAGIC)) + 1
    at = {
        "magic": 3,
        "header": raw.index(b'"kdf"') + 2,
        "salt": raw.index(b'"salt": "') + 12,
        "start": head,
        "middle": (head + len(raw)) // 2,
        "tag": len(raw) - 1,
    }[where]
    raw[at] ^= 0x01
    sealed.write_bytes(bytes(raw))
    files = sorted(p.name for p in sealed.parent.iterdir())
    for command in (("docs", sealed), ("code", sealed, "kitchen", 0, 5, "X"),
                    ("decrypt", sealed)):
        status, _, err = cli(*command)
        assert status == 2 and err.startswith("error:") and err.count("\n") == 1, err
    if where in ("start", "middle", "tag"):
        assert "damaged or altered" in err
    assert sealed.read_bytes() == bytes(raw)
    assert sorted(p.name for p in sealed.parent.iterdir()) == files


def test_impossible_kdf_costs_are_refused_before_deriving(tmp_path: Path) -> None:
    header = {"check": "AAAAAAAAAAAAAAAAAAAAAA==", "cipher": "AES-256-GCM", "kdf": "scrypt",
              "n": 2**30, "nonce": "AAAAAAAAAAAAAAAA", "p": 1, "r": 8,
              "salt": "AAAAAAAAAAAAAAAAAAAAAA=="}
    raw = crypto.MAGIC + json.dumps(header).encode() + b"\n" + b"\0" * 64
    with pytest.raises(crypto.SealDamaged, match="impossible"):
        crypto.unseal(raw, tmp_path / "p.json")


def test_a_second_writer_is_still_refused(sealed: Path, cli) -> None:
    with Project.open(sealed, write=True):
        one_error(cli("code", sealed, "kitchen", 0, 5, "X"), "open for writing")
        assert cli("docs", sealed)[0] == 0  # reading still works


# --------------------------------------------------------------------------- round trip
def test_encrypt_code_decrypt_round_trip(tmp_path: Path, cli, snap) -> None:
    path = make_study(tmp_path / "study")
    with Project.open(path) as project:
        before = snap(project)
    assert cli("encrypt", path)[0] == 0
    status, out, err = cli("code", path, "kitchen", 0, 11, "Intro", "--json")
    assert status == 0, err
    new_id = json.loads(out)["id"]
    status, out, err = cli("decrypt", path)
    assert status == 0, err
    assert "decrypted" in out
    raw = path.read_bytes()
    assert not raw.startswith(crypto.MAGIC) and "собирались у Жанар".encode() in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with Project.open(path) as project:
        after = snap(project)
        assert not project.storage.encrypted
    assert set(after["codings"]) == set(before["codings"]) | {new_id}
    del after["codings"][new_id]
    for table in before:
        if table != "codes":
            assert after[table] == before[table], table
    assert cli("undo", path)[1].startswith("undid: code Intro")
    # and it can be encrypted again (a new salt)
    assert cli("encrypt", path)[0] == 0
    assert path.read_bytes().startswith(crypto.MAGIC)
    assert cli("docs", path)[0] == 0
    one_error(cli("decrypt", make_study(tmp_path / "plain")), "not encrypted")


def test_exports_of_an_encrypted_project_warn(sealed: Path, cli, tmp_path: Path) -> None:
    for fmt in ("md", "qdpx"):
        target = tmp_path / f"out.{fmt}"
        status, _, err = cli("export", sealed, "--format", fmt, "-o", target)
        assert status == 0, err
        assert err.startswith("warning:") and "not" in err and "encrypted" in err
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


# --------------------------------------------------------------------------- passphrases
def test_terminal_passphrase_asked_twice_when_set_and_once_when_opening(
    tmp_path: Path, cli, monkeypatch
) -> None:
    path = make_study(tmp_path / "study")
    monkeypatch.delenv(crypto.PASSPHRASE_ENV)
    monkeypatch.setattr(crypto, "_interactive", lambda: True)
    answers: list[str] = []
    prompts: list[str] = []

    def fake_getpass(prompt: str = "", stream=None) -> str:
        prompts.append(prompt)
        return answers.pop(0)

    import getpass

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    answers[:] = [PASS, PASS + "x"]
    one_error(cli("encrypt", path), "differ")
    assert not path.read_bytes().startswith(crypto.MAGIC)
    answers[:] = ["short", "short"]
    one_error(cli("encrypt", path), "too short")
    answers[:] = [PASS, PASS]
    assert cli("encrypt", path)[0] == 0
    assert prompts[-2:] == ["new passphrase for project.json: ", "the same passphrase again: "]
    crypto.forget_keys()
    prompts.clear()
    answers[:] = ["wrong one", PASS]
    status, _, err = cli("docs", path)
    assert status == 0, err
    assert "wrong passphrase, try again" in err and len(prompts) == 2
    prompts.clear()
    assert cli("docs", path)[0] == 0 and prompts == []  # asked once per process
    crypto.forget_keys()
    answers[:] = ["a", "b", "c"]
    status, _, err = cli("docs", path)
    assert status == 2 and len(prompts) == 3
    assert err.splitlines()[-1].startswith("error: wrong passphrase")


def test_a_provider_set_by_a_front_end_is_used_by_project_open(sealed: Path) -> None:
    os.environ.pop(crypto.PASSPHRASE_ENV, None)
    asked: list[Path] = []

    def provider(path: Path, *, new: bool, attempt: int) -> str:
        asked.append(path)
        return PASS

    crypto.forget_keys()
    crypto.set_passphrase_provider(provider)
    with Project.open(sealed) as project:
        assert project.documents.named("kitchen").text == TEXT
    assert asked == [sealed]
    crypto.set_passphrase_provider(lambda path, **_: "")
    with pytest.raises(WorkbenchError, match="no passphrase"):
        Project.open(sealed)


def test_plain_projects_do_not_import_cryptography(tmp_path: Path) -> None:
    import subprocess

    path = make_study(tmp_path / "study")
    code = (
        "import sys; from workbench.core.project import Project; "
        f"Project.open({str(path)!r}); print('cryptography' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_edit_refuses_an_encrypted_project(sealed: Path, cli, monkeypatch) -> None:
    before = sealed.read_bytes()
    monkeypatch.setenv("EDITOR", "true")
    one_error(cli("edit", sealed, "kitchen"), "encrypted", "unencrypted")
    assert sealed.read_bytes() == before
    assert not list(sealed.parent.glob("*.txt"))  # no plaintext copy was written


def test_sealing_in_pieces_makes_the_file_one_aes_gcm_call_makes(monkeypatch) -> None:
    """The file is sealed a piece at a time (a save thread must not hold the interpreter for
    the whole encryption): the bytes are those of one AES-GCM call over the whole plaintext
    with the header as associated data, whatever the pieces it was handed in."""
    import base64

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    monkeypatch.setattr(crypto, "SEAL_PIECE", 1000)
    sealer = crypto.Sealer.create(PASS)
    plaintext = os.urandom(25_500)
    handed = [plaintext[:7], b"", plaintext[7:12_000], plaintext[12_000:]]
    calls: list[int] = []
    raw = b"".join(sealer.sealed_pieces(handed, between=lambda: calls.append(1)))
    assert raw.startswith(crypto.MAGIC)
    end = raw.index(b"\n", len(crypto.MAGIC)) + 1
    head, body = raw[:end], raw[end:]
    nonce = base64.b64decode(json.loads(head[len(crypto.MAGIC):])["nonce"])
    assert AESGCM(sealer.key).decrypt(nonce, body, head) == plaintext
    assert crypto.unseal_with(raw, sealer) == plaintext
    assert len(calls) >= 25  # after each thousand bytes
    assert sealer.seal(handed) != raw  # a new nonce each time, as before
    assert crypto.unseal_with(sealer.seal(handed), sealer) == plaintext


def test_an_encrypted_save_waits_between_pieces_of_its_sealing(sealed: Path,
                                                               monkeypatch) -> None:
    """A TUI's save thread waits between pieces of the work while a key is answered; the
    sealing of an encrypted file is cut in pieces too (one call held the interpreter ~50 ms
    on the large study)."""
    monkeypatch.setattr(crypto, "SEAL_PIECE", 64)
    with Project.open(sealed, write=True) as project:
        project.memos.add("project", "", "one more memo, saved from a thread", "ann")
        size = len(project.render())
        calls: list[int] = []
        project.save_snapshot(project.snapshot(), project.revision,
                              between=lambda: calls.append(1))
    assert len(calls) >= size // 64
    assert_no_plaintext(sealed.read_bytes())
    with Project.open(sealed) as again:
        assert any(m.text == "one more memo, saved from a thread" for m in again.memos.values())
