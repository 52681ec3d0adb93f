"""Two coders, one git remote: `workbench git-setup`, concurrent work, `git pull` merges.

Real git repositories and the real `workbench` console script (the one next to
sys.executable, put first on PATH so git's merge driver finds it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

TEXT = (
    "Interviewer: Why activism?\n"
    "Respondent: Anger, mostly. And privilege; I could afford it.\n"
    "Interviewer: Who brought you in?\n"
    "Respondent: My sister, and later friends from university.\n"
)
BIN = Path(sys.executable).parent


def span(words: str) -> tuple[str, str]:
    start = TEXT.index(words)
    return str(start), str(start + len(words))


class Team:
    """A bare remote and helpers to run git and workbench in clones."""

    def __init__(self, root: Path) -> None:
        self.root = root
        home = root / "home"
        home.mkdir()
        self.env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "WORKBENCH_CONFIG": str(root / "no-config.toml"),
            "GIT_TERMINAL_PROMPT": "0",
        }
        self.env.pop("GIT_DIR", None)
        self.env.pop("GIT_WORK_TREE", None)
        self.remote = root / "remote.git"

    def run(self, cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            list(args), cwd=cwd, env=self.env, capture_output=True, text=True, timeout=60
        )
        if ok:
            assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        return done

    def git(self, cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run(cwd, "git", *args, ok=ok)

    def wb(self, cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run(cwd, str(BIN / "workbench"), *args, ok=ok)

    def wb_json(self, cwd: Path, *args: str):
        return json.loads(self.wb(cwd, *args, "--json").stdout)

    def clone(self, name: str) -> Path:
        self.git(self.root, "clone", "-q", str(self.remote), name)
        path = self.root / name
        self.git(path, "config", "user.name", name)
        self.git(path, "config", "user.email", f"{name}@example.org")
        self.wb(path, "git-setup")  # the driver's definition lives in each clone's config
        return path

    def commit(self, path: Path, message: str) -> None:
        self.git(path, "add", "-A")
        self.git(path, "commit", "-q", "-m", message)


@pytest.fixture
def team(tmp_path: Path) -> Team:
    """A remote holding a project with one transcript and a small codebook."""
    team = Team(tmp_path)
    team.git(tmp_path, "init", "-q", "--bare", "-b", "main", str(team.remote))
    seed = tmp_path / "seed"
    team.git(tmp_path, "init", "-q", "-b", "main", str(seed))
    team.git(seed, "config", "user.name", "lead")
    team.git(seed, "config", "user.email", "lead@example.org")
    setup = team.wb(seed, "git-setup")
    assert "project.json merge=workbench" in setup.stdout
    again = team.wb(seed, "git-setup")
    assert "already set up" in again.stdout
    assert (seed / ".gitattributes").read_text().count("project.json merge=workbench") == 1
    (tmp_path / "r1.txt").write_text(TEXT, encoding="utf-8")
    team.wb(seed, "init", ".")
    team.wb(seed, "import", ".", str(tmp_path / "r1.txt"), "--case", "Respondent 1")
    team.wb(seed, "code", ".", "r1", *span("Anger"), "Motivations/Anger", "--coder", "lead")
    team.wb(seed, "codebook", ".", "add", "Networks")
    team.commit(seed, "the study")
    team.git(seed, "remote", "add", "origin", str(team.remote))
    team.git(seed, "push", "-q", "origin", "main")
    return team


def test_two_coders_merge_through_git(team: Team) -> None:
    alice, bob = team.clone("alice"), team.clone("bob")
    # blind coding: each codes under their own name, and both edit the codebook
    w = team.wb
    w(alice, "code", ".", "r1", *span("privilege"), "Motivations/Privilege", "--coder", "alice")
    w(alice, "code", ".", "r1", *span("My sister"), "Family", "--coder", "alice")
    w(alice, "memo", ".", "--on", "code:Family", "--text", "alice: kin")
    w(alice, "codebook", ".", "describe", "Networks", "--text", "how people joined")
    w(bob, "code", ".", "r1", *span("Anger, mostly"), "Motivations/Anger", "--coder", "bob")
    w(bob, "code", ".", "r1", *span("My sister"), "Family", "--coder", "bob")
    w(bob, "code", ".", "r1", *span("friends"), "Family", "--coder", "bob")
    w(bob, "memo", ".", "--on", "project", "--text", "bob: first reading")
    w(bob, "codebook", ".", "color", "Networks", "#123456")
    team.commit(alice, "alice codes")
    team.git(alice, "push", "-q", "origin", "main")
    team.commit(bob, "bob codes")

    pulled = team.git(bob, "pull", "--no-rebase", "--no-edit", "origin", "main")
    assert "CONFLICT" not in pulled.stdout + pulled.stderr
    quotes = team.wb_json(bob, "quotes", ".")
    got = {(q["code"], q["coder"], q["text"]) for q in quotes}
    assert got == {
        ("Motivations/Anger", "lead", "Anger"),
        ("Motivations/Privilege", "alice", "privilege"),
        ("Family", "alice", "My sister"),
        ("Motivations/Anger", "bob", "Anger, mostly"),
        ("Family", "bob", "My sister"),
        ("Family", "bob", "friends"),
    }
    codes = {c["path"]: c for c in team.wb_json(bob, "codes", ".")}
    assert [p for p in codes if p == "Family"] == ["Family"]  # made on both sides: one code
    assert codes["Family"]["codings"] == 3
    assert codes["Networks"]["description"] == "how people joined"
    assert codes["Networks"]["color"] == "#123456"
    memos = {(m["target"], m["text"]) for m in team.wb_json(bob, "memos", ".")}
    assert memos == {("code:Family", "alice: kin"), ("project", "bob: first reading")}
    assert team.wb(bob, "check", ".").returncode == 0
    coders = {c["coder"]: c["codings"] for c in team.wb_json(bob, "coders", ".")}
    assert coders == {"alice": 2, "bob": 3, "lead": 1}
    agree = team.wb_json(bob, "agree", ".", "--coders", "alice", "bob")
    assert {c["code"] for c in agree["codes"]} == {
        "Family", "Motivations/Anger", "Motivations/Privilege"
    }
    status = team.git(bob, "status", "--porcelain").stdout
    assert "project.json" not in status and ".bak" not in status and ".lock" not in status

    # the merge goes back to alice without a merge driver call at all (fast-forward)
    team.git(bob, "push", "-q", "origin", "main")
    team.git(alice, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert team.wb(alice, "check", ".").returncode == 0


def test_a_real_conflict_is_kept_and_git_reports_it(team: Team) -> None:
    alice, bob = team.clone("alice"), team.clone("bob")
    team.wb(alice, "codebook", ".", "rename", "Motivations/Anger", "Rage")
    team.wb(bob, "codebook", ".", "rename", "Motivations/Anger", "Fury")
    team.wb(bob, "code", ".", "r1", *span("friends"), "Networks", "--coder", "bob")
    team.commit(alice, "alice renames")
    team.git(alice, "push", "-q", "origin", "main")
    team.commit(bob, "bob renames")

    pulled = team.git(bob, "pull", "--no-rebase", "--no-edit", "origin", "main", ok=False)
    assert pulled.returncode != 0
    said = pulled.stdout + pulled.stderr
    assert "CONFLICT" in said and "project.json" in said
    assert "Fury" in said and "Rage" in said  # the driver listed the conflict on stderr
    assert "UU project.json" in team.git(bob, "status", "--porcelain").stdout
    kept = team.wb_json(bob, "conflicts", ".")
    assert len(kept) == 1
    assert (kept[0]["ours"], kept[0]["theirs"]) == ({"name": "Fury"}, {"name": "Rage"})
    codes = {c["path"]: c for c in team.wb_json(bob, "codes", ".")}
    assert "Motivations/Fury" in codes and codes["Networks"]["codings"] == 1
    assert team.wb(bob, "check", ".").returncode == 0

    # resolve, then finish the merge as git asks
    team.wb(bob, "conflicts", ".", "--resolve", kept[0]["id"], "--take", "theirs")
    assert "Motivations/Rage" in {c["path"] for c in team.wb_json(bob, "codes", ".")}
    team.commit(bob, "merge alice")
    assert team.wb_json(bob, "conflicts", ".") == []


def test_git_setup_outside_a_repository_is_an_error(tmp_path: Path) -> None:
    team = Team(tmp_path)
    alone = tmp_path / "alone"
    alone.mkdir()
    done = team.wb(alone, "git-setup", ok=False)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "not in a git repository" in done.stderr
    done = team.wb(tmp_path, "git-setup", str(alone), ok=False)
    assert done.returncode == 2
