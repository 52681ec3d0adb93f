"""The command line against the file system and other processes: the lock, damaged project
files, restore, `edit` in an external editor, and real runs of the installed console script."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench.cli import output

WORKBENCH = Path(sys.executable).parent / "workbench"
TEXT = (
    "Interviewer: How did you start?\n"
    "Respondent: A friend brought me to a meeting 😀 in Алматы.\n"
    "Respondent: I was angry. Very angry.\n"
)


def span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


@pytest.fixture
def proj(tmp_path: Path, cli, monkeypatch) -> Path:
    """A project folder with one interview and two codings (a backup at every command)."""
    from workbench.store import storage

    monkeypatch.setattr(storage, "BACKUP_INTERVAL", 0.0)
    source = tmp_path / "r1.txt"
    source.write_text(TEXT, encoding="utf-8")
    path = tmp_path / "study"
    assert cli("init", path)[0] == 0
    assert cli("import", path, source, "--case", "Respondent 1")[0] == 0
    assert cli("code", path, "r1", *span("A friend brought me"), "Networks")[0] == 0
    assert cli("code", path, "r1", *span("I was angry."), "Motivations/Anger")[0] == 0
    return path


def quotes(cli, path: Path) -> list[dict]:
    status, out, err = cli("quotes", path, "--json")
    assert status == 0, err
    return json.loads(out)


def one_error(status: int, out: str, err: str, *words: str) -> None:
    assert status == 2, (out, err)
    assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


def run_script(*args: object, stdin: str | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(WORKBENCH), *map(str, args)],
        capture_output=True,
        input=stdin.encode() if stdin is not None else None,
        timeout=60,
    )


# --------------------------------------------------------------------------- the lock
HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from workbench.store.lock import ProjectLock
    lock = ProjectLock(Path(sys.argv[1]))
    lock.acquire()
    print("held", flush=True)
    time.sleep(60)
    """
)


@pytest.fixture
def holder(proj: Path):
    """A separate process holding the project's write lock."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(proj / "project.json")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def test_second_writer_is_refused_while_readers_work(proj: Path, cli, holder) -> None:
    file = proj / "project.json"
    before = file.read_bytes()
    status, out, err = cli("code", proj, "r1", 0, 5, "X")
    one_error(status, out, err, "open for writing", str(holder.pid), "only read")
    one_error(*cli("undo", proj), "open for writing")
    one_error(*cli("codebook", proj, "rename", "Networks", "Nets"), "open for writing")
    one_error(*cli("restore", proj, "--yes"), "open for writing")
    assert file.read_bytes() == before
    assert cli("docs", proj, "--json")[0] == 0
    assert len(quotes(cli, proj)) == 2
    assert cli("check", proj)[0] == 0
    result = run_script("quotes", proj, "--json")
    assert result.returncode == 0 and len(json.loads(result.stdout)) == 2


def test_lock_of_a_killed_holder_is_taken_over(proj: Path, cli, holder) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    assert (proj / "project.json.lock").exists()
    status, out, err = cli("code", proj, "r1", 0, 5, "X")
    assert status == 0, err
    assert "took over" in err and str(holder.pid) in err
    assert len(quotes(cli, proj)) == 3
    assert not (proj / "project.json.lock").exists()


# --------------------------------------------------------------------------- damaged files
def _garbage(raw: bytes) -> bytes:
    return b"\x00\x17 this is not a project \xff"


def _truncated(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


def _newer(raw: bytes) -> bytes:
    data = json.loads(raw)
    data["meta"]["project"]["schema"] = 99
    return json.dumps(data).encode()


def _not_a_project(raw: bytes) -> bytes:
    return b'["a", "list"]'


@pytest.mark.parametrize(
    "damage, words",
    [
        (_garbage, ("not valid JSON", "project.json.bak-1", "workbench restore")),
        (_truncated, ("not valid JSON", "project.json.bak-1", "workbench restore")),
        (_newer, ("newer Workbench", "schema 99", "untouched")),
        (_not_a_project, ("not a Workbench project", "project.json.bak-1")),
    ],
)
def test_damaged_project_file_is_never_overwritten(proj: Path, cli, damage, words) -> None:
    file = proj / "project.json"
    file.write_bytes(damage(file.read_bytes()))
    before = file.read_bytes()
    for args in (("docs", proj), ("quotes", proj, "--json"), ("code", proj, "r1", 0, 5, "X"),
                 ("undo", proj), ("codebook", proj, "add", "New"), ("memo", proj, "--on",
                 "project", "--text", "x")):
        one_error(*cli(*args), *words)
        assert file.read_bytes() == before
    result = run_script("code", proj, "r1", 0, 5, "X")
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert result.stderr.decode().startswith("error: ") and result.stderr.count(b"\n") == 1
    assert file.read_bytes() == before


def test_damaged_file_without_backup_says_so(tmp_path: Path, cli) -> None:
    cli("init", tmp_path / "p")
    (tmp_path / "p" / "project.json").write_text("{", encoding="utf-8")
    one_error(*cli("docs", tmp_path / "p"), "no backup")


# --------------------------------------------------------------------------- restore
@pytest.fixture
def broken(proj: Path) -> Path:
    file = proj / "project.json"
    file.write_bytes(_truncated(file.read_bytes()))
    return file


def test_restore_needs_yes_without_a_terminal(proj: Path, broken: Path, cli, monkeypatch) -> None:
    monkeypatch.setattr(output, "interactive", lambda: False)
    before = broken.read_bytes()
    one_error(*cli("restore", proj), "--yes", "project.json.bak-1")
    assert broken.read_bytes() == before
    assert not list(proj.glob("*.broken-*"))


def test_restore_brings_back_the_newest_backup(proj: Path, broken: Path, cli) -> None:
    damaged = broken.read_bytes()
    newest = (proj / "project.json.bak-1").read_bytes()
    status, out, err = cli("restore", proj, "--yes")
    assert status == 0, err
    assert "project.json.bak-1" in out and ".broken-" in out
    assert broken.read_bytes() == newest
    assert stat.S_IMODE(broken.stat().st_mode) == 0o600
    [aside] = proj.glob("project.json.broken-*")
    assert aside.read_bytes() == damaged
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert cli("check", proj)[0] == 0
    assert len(quotes(cli, proj)) == 1  # the backup is from before the last coding
    assert not list(proj.glob(".*tmp")) and not (proj / "project.json.lock").exists()


def test_restore_skips_backups_that_are_broken_too(proj: Path, broken: Path, cli) -> None:
    (proj / "project.json.bak-1").write_bytes(b"{ nope")
    second = (proj / "project.json.bak-2").read_bytes()
    status, out, err = cli("restore", proj, "--yes")
    assert status == 0, err and "bak-2" in out
    assert broken.read_bytes() == second


def test_restore_asks_on_a_terminal(proj: Path, broken: Path, cli, monkeypatch) -> None:
    monkeypatch.setattr(output, "interactive", lambda: True)
    answers = iter(["no", "y"])
    monkeypatch.setattr("builtins.input", lambda: next(answers))
    before = broken.read_bytes()
    status, _, err = cli("restore", proj)
    assert status == 1 and "Replace it with project.json.bak-1" in err
    assert broken.read_bytes() == before
    assert cli("restore", proj)[0] == 0
    assert cli("docs", proj)[0] == 0


def test_restore_without_any_readable_backup(proj: Path, broken: Path, cli) -> None:
    for old in proj.glob("project.json.bak-*"):
        old.write_text("garbage", encoding="utf-8")
    before = broken.read_bytes()
    one_error(*cli("restore", proj, "--yes"), "no readable backup")
    assert broken.read_bytes() == before
    one_error(*cli("restore", proj.parent / "nowhere" / "p.json", "--yes"), "no project")


# --------------------------------------------------------------------------- edit
EDITOR = textwrap.dedent(
    """
    import os, stat, sys
    path = sys.argv[-1]
    info = os.stat(path)
    with open(os.environ["EDIT_LOG"], "w") as log:
        log.write(os.path.dirname(os.path.abspath(path)) + "\\n" + oct(stat.S_IMODE(info.st_mode)))
    text = open(path, encoding="utf-8").read()
    for pair in os.environ.get("EDIT_RULES", "").split("||"):
        if pair:
            old, new = pair.split("=>")
            text = text.replace(old, new)
    if not text.endswith("\\n"):
        text += "\\n"  # as most editors do
    open(path, "w", encoding="utf-8").write(text)
    sys.exit(int(os.environ.get("EDIT_STATUS", "0")))
    """
)


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    script = tmp_path / "fake editor.py"
    script.write_text(EDITOR, encoding="utf-8")
    log = tmp_path / "edit.log"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} '{script}'")
    monkeypatch.setenv("EDIT_LOG", str(log))

    def use(rules: str, status: int = 0) -> Path:
        monkeypatch.setenv("EDIT_RULES", rules)
        monkeypatch.setenv("EDIT_STATUS", str(status))
        return log

    return use


def test_edit_moves_codings_and_lists_the_lost(proj: Path, cli, editor) -> None:
    log = editor("How did you start?=>How did you first get involved, back then?"
                 "||I was angry. =>")
    before = quotes(cli, proj)
    status, out, err = cli("edit", proj, "r1")
    assert status == 0, err
    assert "1 coding kept" in out and "1 lost" in out
    assert "lost: Motivations/Anger" in out and "I was angry." in out and "undo" in out
    folder, mode = log.read_text().splitlines()
    assert Path(folder) == proj and mode == "0o600"
    assert not [p for p in proj.iterdir() if p.suffix == ".txt"]
    [moved] = quotes(cli, proj)
    text = cli("text", proj, "r1")[1]
    assert "first get involved" in text and "I was angry." not in text
    assert moved["text"] == "A friend brought me" == text[moved["start"]:moved["end"]]
    assert moved["start"] > before[0]["start"]
    assert cli("check", proj)[0] == 0
    status, out, _ = cli("undo", proj)
    assert status == 0 and "edit r1" in out
    assert quotes(cli, proj) == before
    assert cli("text", proj, "r1")[1] == TEXT


def test_edit_reanchors_a_moved_line(proj: Path, cli, editor) -> None:
    editor("Interviewer: How did you start?\n=>"
           "||Very angry.\n=>Very angry.\nInterviewer: How did you start?\n")
    status, out, err = cli("edit", proj, "r1")
    assert status == 0, err and "0 lost" in out
    text = cli("text", proj, "r1")[1]
    for q in quotes(cli, proj):
        assert q["text"] == text[q["start"]:q["end"]]


def test_edit_changes_nothing_when_the_editor_fails(proj: Path, cli, editor) -> None:
    editor("Respondent=>Someone", status=3)
    file = proj / "project.json"
    before = file.read_bytes()
    one_error(*cli("edit", proj, "r1"), "status 3", "nothing was changed")
    assert file.read_bytes() == before
    assert not [p for p in proj.iterdir() if p.suffix == ".txt"]


def test_edit_without_changes(proj: Path, cli, editor) -> None:
    editor("")
    file = proj / "project.json"
    before = file.read_bytes()
    status, out, _ = cli("edit", proj, "r1")
    assert status == 0 and "no changes" in out
    assert file.read_bytes() == before


def test_edit_with_a_missing_editor(proj: Path, cli, monkeypatch) -> None:
    monkeypatch.setenv("VISUAL", "no-such-editor-anywhere")
    one_error(*cli("edit", proj, "r1"), "no-such-editor-anywhere")
    one_error(*cli("edit", proj, "nodoc"), "nodoc")


# --------------------------------------------------------------------------- real processes
IMPORTS = (
    "import sys; from workbench.cli.main import main; "
    "main(['--help']); main(['docs', sys.argv[1], '--json']); main(['quotes', sys.argv[1]]); "
    "main(['codes', sys.argv[1], '--json']); "
    "print('textual' in sys.modules, 'rich' in sys.modules, file=sys.stderr)"
)


def test_help_and_json_do_not_import_textual(proj: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS, str(proj)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "False False"


def test_console_script_text_is_byte_for_byte(tmp_path: Path) -> None:
    raw = "Respondent: Привет 👋\r\nInterviewer: e\u0301 café\r\n"
    source = tmp_path / "crlf.txt"
    source.write_bytes(b"\xef\xbb\xbf" + raw.encode("utf-8"))
    project = tmp_path / "p.json"
    assert run_script("init", project).returncode == 0
    assert stat.S_IMODE(project.stat().st_mode) == 0o600
    assert run_script("import", project, source).returncode == 0
    result = run_script("text", project, "crlf")
    assert result.returncode == 0
    expected = "Respondent: Привет 👋\nInterviewer: é café\n"
    assert result.stdout == expected.encode("utf-8")
    coded = run_script("code", project, "crlf", 12, 20, "Greeting", "--json")
    assert json.loads(coded.stdout)["text"] == expected[12:20] == "Привет 👋"


def test_console_script_errors_have_no_traceback(tmp_path: Path) -> None:
    for args in (("docs", tmp_path / "none"), ("code",), ("import", tmp_path / "none", "x.txt")):
        result = run_script(*args)
        assert result.returncode == 2 and result.stdout == b""
        assert result.stderr.startswith(b"error: ") and result.stderr.count(b"\n") == 1
    result = run_script("--version")
    assert result.returncode == 0 and result.stdout.startswith(b"workbench ")
    result = subprocess.run([sys.executable, "-m", "workbench", "--help"], capture_output=True)
    assert result.returncode == 0 and b"codebook" in result.stdout


def test_closed_pipe_is_quiet(tmp_path: Path, cli) -> None:
    source = tmp_path / "long.txt"
    source.write_text("Respondent: words and more words\n" * 20_000, encoding="utf-8")
    cli("init", tmp_path / "p")
    cli("import", tmp_path / "p", source)
    proc = subprocess.Popen(
        [str(WORKBENCH), "text", str(tmp_path / "p"), "long"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=30)
    assert err == b"" and proc.returncode != 0


def test_writes_survive_in_a_fresh_process(proj: Path) -> None:
    for args in (("memo", proj, "--on", "doc:r1", "--text", "first read"),
                 ("case", proj, "Respondent 1", "--attr", "city=Astana"),
                 ("codebook", proj, "theme", "Motivations")):
        result = run_script(*args)
        assert result.returncode == 0, result.stderr
    memos = json.loads(run_script("memos", proj, "--json").stdout)
    cases = json.loads(run_script("cases", proj, "--json").stdout)
    codes = json.loads(run_script("codes", proj, "--json").stdout)
    assert memos[0]["target"] == "doc:r1" and cases[0]["attributes"] == {"city": "Astana"}
    assert next(c for c in codes if c["path"] == "Motivations")["is_theme"] is True
    assert not list(proj.glob("*.lock")) and os.stat(proj / "project.json").st_mode & 0o077 == 0


def test_edit_ignores_the_final_newline_an_editor_adds(tmp_path: Path, cli, editor) -> None:
    source = tmp_path / "short.txt"
    source.write_text("Respondent: no final newline", encoding="utf-8")
    cli("init", tmp_path / "p")
    cli("import", tmp_path / "p", source)
    editor("no final=>without a final")
    status, out, err = cli("edit", tmp_path / "p", "short")
    assert status == 0, err
    assert cli("text", tmp_path / "p", "short")[1] == "Respondent: without a final newline"
