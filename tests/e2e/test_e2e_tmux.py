"""End to end: the real ``workbench`` command in a detached tmux session, driven by keys.

Each test codes a passage with a new code, writes a memo on the coding, quits with ``q`` and
checks what ``workbench quotes`` and ``workbench memos`` read from the saved project.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from tui_support import INTERVIEW_1, build_study

pytestmark = pytest.mark.e2e

WORKBENCH = Path(sys.executable).with_name("workbench")
EXIT_MARK = "WORKBENCH-EXITED-"


class Tmux:
    """One private tmux server (its own socket) with one session."""

    def __init__(self, width: int, height: int, command: str) -> None:
        self.socket = f"wb-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.session = "wb"
        self.run("new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height),
                 command)

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True, text=True, timeout=30,
        )
        if done.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def keys(self, *keys: str) -> None:
        """Named keys (Enter, Escape, Tab) or single characters."""
        for key in keys:
            self.run("send-keys", "-t", self.session, key)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def wait_for(self, *needles: str, timeout: float = 40.0) -> str:
        """Poll the screen until every needle shows (bounded)."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if all(n in text for n in needles):
                return text
            time.sleep(0.1)
        raise AssertionError(f"{needles!r} did not show; the screen was:\n{text}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       timeout=30)


@pytest.fixture
def e2e_study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    assert WORKBENCH.exists(), f"the workbench command is not installed beside {sys.executable}"
    config = tmp_path / "config.toml"
    config.write_text('coder = "e2e"\n', encoding="utf-8")
    env = {
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "WORKBENCH_CONFIG": str(config),
        "TERM": "xterm-256color",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("COLUMNS", "LINES", "TMUX"):  # the size must come from the tmux pane
        monkeypatch.delenv(name, raising=False)
    project = build_study(tmp_path / "study")
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = (
        f"env -u COLUMNS -u LINES {exports} "
        f"{shlex.quote(str(WORKBENCH))} {shlex.quote(str(project))}; "
        f"echo {EXIT_MARK}$?; sleep 120"
    )
    return project, command


def read_json(*args: str):
    done = subprocess.run([str(WORKBENCH), *args, "--json"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def code_memo_quit(tmux: Tmux, *, narrow: bool) -> None:
    tmux.wait_for("Interview 1", "saved")
    tmux.keys("]")  # from the first turn's label: the words of the first answer (line 2)
    tmux.wait_for("line 2")
    tmux.keys("c")
    tmux.wait_for("Code “Through friends")  # the answer's words, not its speaker label
    tmux.type("Belonging")
    tmux.wait_for("New code “Belonging”")
    tmux.keys("Enter")
    tmux.wait_for("under which theme")
    tmux.keys("Enter")  # none: top level
    tmux.wait_for("line 2 · Networks, Belonging · coder e2e",
                  "■ Belonging  1·1" if not narrow else "")
    tmux.keys(")")  # the next sentence: off "Through friends" (Networks), on Belonging only
    tmux.wait_for("line 2 · Belonging · coder e2e")
    tmux.keys("m")
    # keys bubble up asynchronously: type only once the memo pane has the focus (its keys
    # show in the footer), or the first letters would still reach the transcript
    tmux.wait_for("Memo on coding “Belonging”", "Save memo")
    tmux.type("Joined through friends; check R2.")
    tmux.wait_for("check R2.")
    tmux.keys("Escape")  # back to the transcript: its keys show in the footer again
    tmux.wait_for("c Code", "saved")
    tmux.keys("q")
    tmux.wait_for(f"{EXIT_MARK}0")


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
def test_code_memo_quit_in_tmux(e2e_study, size):
    project, command = e2e_study
    tmux = Tmux(*size, command)
    try:
        code_memo_quit(tmux, narrow=size[0] < 100)
    finally:
        tmux.kill()
    start = INTERVIEW_1.index("Through friends")  # quoted without the speaker label
    end = INTERVIEW_1.index("\n", start)
    quotes = read_json("quotes", str(project), "--code", "Belonging")
    assert [(q["document"], q["case"], q["coder"], q["start"], q["end"], q["text"])
            for q in quotes] == [
        ("Interview 1", "Respondent 1", "e2e", start, end, INTERVIEW_1[start:end])
    ]
    memos = read_json("memos", str(project))
    mine = [m for m in memos if m["target"] == f"coding:{quotes[0]['id']}"]
    assert [(m["text"], m["author"]) for m in mine] == [
        ("Joined through friends; check R2.", "e2e")
    ]
    assert not Path(str(project) + ".lock").exists()  # the lock was released


def write_memo_unsaved(tmux: Tmux, text: str) -> None:
    """Start a memo on the document and type ``text``; no ctrl+s, no leaving the pane."""
    tmux.wait_for("Interview 1", "saved")
    tmux.keys("m")
    tmux.wait_for("Memo on document “Interview 1”", "Save memo")
    tmux.type(text)
    tmux.wait_for(text[-12:])


def wait_unlocked(project: Path, timeout: float = 30.0) -> None:
    lock = Path(str(project) + ".lock")
    deadline = time.monotonic() + timeout
    while lock.exists():
        if time.monotonic() > deadline:
            raise AssertionError("the app did not release its lock after the signal")
        time.sleep(0.05)


#: The memo the study has on Interview 1; typing goes on at its end.
MEMO = "Long pauses before the answers."


def document_memos(project: Path) -> list[str]:
    return [m["text"] for m in read_json("memos", str(project)) if m["target"] == "doc:Interview 1"]


def test_a_dropped_terminal_keeps_the_memo_being_typed(e2e_study):
    """SIGHUP (the SSH link drops: here the whole tmux server goes) while a memo is typed:
    the memo is in the project when it is opened again."""
    project, command = e2e_study
    tmux = Tmux(80, 24, command)
    try:
        write_memo_unsaved(tmux, " Typed just before the link dropped")
    finally:
        tmux.kill()  # no key after the typing: the draft's pause has not even passed
    wait_unlocked(project)
    assert document_memos(project) == [MEMO + " Typed just before the link dropped"]
    # and the app opens it again as it was left
    reopened = Tmux(80, 24, command)
    try:
        reopened.wait_for("Interview 1", "saved")
        reopened.keys("m")
        reopened.wait_for("Typed just before the link dropped")
        reopened.keys("Escape")
        reopened.wait_for("c Code", "saved")
        reopened.keys("q")
        reopened.wait_for(f"{EXIT_MARK}0")
    finally:
        reopened.kill()


def test_sigterm_writes_the_memo_and_exits(e2e_study):
    project, command = e2e_study
    tmux = Tmux(100, 30, command)
    try:
        write_memo_unsaved(tmux, " Written when the system stopped it")
        shell = int(tmux.run("list-panes", "-t", tmux.session, "-F", "#{pane_pid}").split()[0])
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        assert len(children) == 1, children  # the workbench process
        os.kill(int(children[0]), signal.SIGTERM)
        tmux.wait_for(f"{EXIT_MARK}{128 + signal.SIGTERM}")
    finally:
        tmux.kill()
    wait_unlocked(project)
    assert document_memos(project) == [MEMO + " Written when the system stopped it"]
