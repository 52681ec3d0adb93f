"""Shared fixtures: an isolated environment for every test, a fresh project, the command line
run in-process, and a brute-force check of a project's state.

The tests live in folders by layer (core, store, io, analysis, cli, tui, team, privacy,
faults, e2e, interop, security); the helper modules beside this file (``tui_support``,
``tui_fixtures``, ``fault_support``, ...) are importable from every folder (``pythonpath`` in
pyproject.toml).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from workbench.core.model import to_record
from workbench.core.project import Project

# In CI the property tests draw the same examples on every run, so a landing never depends on
# the luck of the draw; run without CI set (or with HYPOTHESIS_PROFILE=explore) to search anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore")
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "explore")
)


pytest_plugins = ("tui_fixtures",)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's config or writes their UI state: both point into tmp_path
    (a test that needs a coder name writes its own config there)."""
    monkeypatch.setenv("WORKBENCH_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("WORKBENCH_DEBUG", raising=False)


@pytest.fixture
def project(tmp_path: Path):
    """A new empty project, open for writing (closed and unlocked afterwards)."""
    proj = Project.create(tmp_path / "study", name="study")
    yield proj
    if proj.lock is not None:
        proj.lock.release()


def snapshot(project: Project) -> dict[str, dict[str, Any]]:
    """Every record of a project as JSON-ready dictionaries, by table and id."""
    return {
        table: {rid: to_record(obj) for rid, obj in records.items()}
        for table, records in project.state.tables.items()
    }


def check_sound(project: Project) -> None:
    """Assert every index equals a full scan and the records make sense together."""
    state = project.state
    tables = state.tables
    docs, cases, codes = tables["documents"], tables["cases"], tables["codes"]
    codings, memos = tables["codings"], tables["memos"]

    def scan(table: str, key: Callable[[Any], Any]) -> dict[Any, set[str]]:
        out: dict[Any, set[str]] = defaultdict(set)
        for rid, obj in tables[table].items():
            out[key(obj)].add(rid)
        return dict(out)

    def index(ix: dict, table: str) -> dict[Any, set[str]]:
        out = {}
        for key, bucket in ix.items():
            for rid, obj in bucket.items():
                assert tables[table].get(rid) is obj, f"{table} index holds a stale {rid}"
            if bucket:
                out[key] = set(bucket)
        return out

    assert index(state.codings_by_document, "codings") == scan("codings", lambda c: c.document)
    assert index(state.codings_by_code, "codings") == scan("codings", lambda c: c.code)
    assert index(state.children, "codes") == scan("codes", lambda c: c.parent)
    assert index(state.memos_by_target, "memos") == scan(
        "memos", lambda m: (m.target_kind, m.target_id)
    )
    assert index(state.documents_by_case, "documents") == scan("documents", lambda d: d.case)
    assert {n: d.id for n, d in state.document_by_name.items()} == {
        d.name: d.id for d in docs.values()
    }
    assert {n: c.id for n, c in state.case_by_name.items()} == {
        c.name: c.id for c in cases.values()
    }
    for name, obj in [*state.document_by_name.items(), *state.case_by_name.items()]:
        assert obj is docs.get(obj.id) or obj is cases.get(obj.id), name

    # what `workbench check` promises: every coding covers exactly its text, every link resolves
    for coding in codings.values():
        doc = docs[coding.document]
        assert coding.code in codes
        assert 0 <= coding.start < coding.end <= len(doc.text)
        assert doc.text[coding.start : coding.end] == coding.text
    for code in codes.values():
        seen, node = set(), code
        while node.parent is not None:
            assert node.parent in codes, f"code {code.name} has a missing parent"
            assert node.id not in seen, "cycle in the codebook"
            seen.add(node.id)
            node = codes[node.parent]
    for memo in memos.values():
        target_table = {"document": docs, "case": cases, "code": codes, "coding": codings}
        if memo.target_kind == "project":
            assert memo.target_id is None
        else:
            assert memo.target_id in target_table[memo.target_kind], f"memo on a missing {memo}"
    for doc in docs.values():
        assert doc.case is None or doc.case in cases
    # the cache of serialised lines says what the records say
    for table, lines in state.lines().items():
        assert set(lines) == set(tables[table])
        for rid, line in lines.items():
            key, _, body = line.strip().partition(b": ")
            assert json.loads(key) == rid
            assert json.loads(body) == to_record(tables[table][rid])


@pytest.fixture
def sound() -> Callable[[Project], None]:
    """``sound(project)`` asserts the project's indexes and invariants (see :func:`check_sound`)."""
    return check_sound


@pytest.fixture
def snap() -> Callable[[Project], dict[str, dict[str, Any]]]:
    """``snap(project)``: every record as dictionaries, by table and id (see :func:`snapshot`)."""
    return snapshot


# ----------------------------------------------------------------------------- random changes

WORDS = ["anger", "calling", "network", "Алматы", "привет", "😀", "e\u0301", "risk", "—", "a"]
CODE_PATHS = ["Anger", "Motivation/Anger", "Motivation/Privilege", "Networks", "Calling/Work"]
NAMES = ["Anger", "anger", "Networks", "Risk", "Work", "Saturation"]


def random_text(rng, lines: int | None = None) -> str:
    """A few lines of mixed English, Russian and emoji, some with a speaker label."""
    out = []
    for _ in range(lines if lines is not None else rng.randint(1, 6)):
        label = rng.choice(["", "", "Interviewer: ", "Respondent 3: ", "[Айгерим] "])
        out.append(label + " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 8))))
    return "\n".join(out)


def random_edit(rng, text: str) -> str:
    """``text`` with one to three random edits: deletions, insertions, swapped lines."""
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["delete", "insert", "replace", "swap"])
        a = rng.randint(0, len(text))
        b = rng.randint(a, min(len(text), a + 12))
        if kind == "delete":
            text = text[:a] + text[b:]
        elif kind == "insert":
            text = text[:a] + rng.choice(WORDS + ["\n", " "]) + text[a:]
        elif kind == "replace":
            text = text[:a] + rng.choice(WORDS) + text[b:]
        else:
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


def random_op(project: Project, rng, *, undo: bool = True) -> str:
    """Apply one random change through the Project API; returns its name.

    A change refused with WorkbenchError must leave the records and the history as they were.
    """
    from workbench.errors import WorkbenchError

    state = project.state
    docs = list(state.tables["documents"].values())
    codes = list(state.tables["codes"].values())
    codings = list(state.tables["codings"].values())
    memos = list(state.tables["memos"].values())
    ops = ["document", "case", "code", "code", "code", "memo"]
    if codings:
        ops += ["uncode", "memo_coding"]
    if codes:
        ops += ["rename", "move", "merge", "delete", "theme"]
    if docs:
        ops += ["edit", "edit"]
    if memos:
        ops += ["edit_memo"]
    if undo:
        ops += ["undo", "undo", "redo"]
    op = rng.choice(ops)
    if op in ("code", "case") and not docs:
        op = "document"
    before, entries = snapshot(project), len(project.history.entries)
    try:
        if op == "document":
            case = rng.choice([None, "Respondent 1", "Respondent 2"])
            project.documents.add(
                f"doc{rng.randint(0, 30)}", random_text(rng), case=case, attributes={"city": "X"}
            )
        elif op == "case":
            project.documents.set_case(
                rng.choice(docs), rng.choice([None, "Respondent 1", "Respondent 3"])
            )
        elif op == "code":
            doc = rng.choice(docs)
            if not doc.text:
                return op
            start = rng.randrange(len(doc.text))
            end = rng.randint(start + 1, min(len(doc.text), start + 15))
            ref = rng.choice(codes) if codes and rng.random() < 0.5 else rng.choice(CODE_PATHS)
            project.codings.add(doc, start, end, ref, rng.choice(["ann", "bob"]))
        elif op == "uncode":
            project.codings.remove(rng.choice(codings))
        elif op == "rename":
            project.codebook.rename(rng.choice(codes), rng.choice(NAMES))
        elif op == "move":
            project.codebook.move(rng.choice(codes), rng.choice([None, *codes]))
        elif op == "merge":
            project.codebook.merge(rng.choice(codes), rng.choice(codes))
        elif op == "delete":
            project.codebook.delete(rng.choice(codes))
        elif op == "theme":
            project.codebook.set_theme(rng.choice(codes))
        elif op in ("memo", "memo_coding"):
            targets = [("project", None)]
            targets += [("document", d.id) for d in docs] + [("code", c.id) for c in codes]
            targets += [("case", c) for c in state.tables["cases"]]
            if op == "memo_coding":
                targets = [("coding", rng.choice(codings).id)]
            kind, target = rng.choice(targets)
            project.memos.add(kind, target, rng.choice(["first thought", "a b"]), "ann")
        elif op == "edit_memo":
            project.memos.edit(rng.choice(memos), rng.choice(["", "revised", "another"]))
        elif op == "edit":
            doc = rng.choice(docs)
            project.documents.edit_text(doc, random_edit(rng, doc.text))
        elif op == "undo":
            project.undo()
        elif op == "redo":
            project.redo()
    except WorkbenchError:
        assert snapshot(project) == before, f"a refused {op} changed records"
        assert len(project.history.entries) == entries, f"a refused {op} recorded history"
    return op


@pytest.fixture
def apply_random_op() -> Callable[..., str]:
    """``apply_random_op(project, rng, undo=True)`` (see :func:`random_op`)."""
    return random_op


@pytest.fixture
def random_texts():
    """``random_texts.text(rng, lines)`` and ``random_texts.edit(rng, text)``."""
    from types import SimpleNamespace

    return SimpleNamespace(text=random_text, edit=random_edit)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """``cli(*args)`` runs the command line in-process; returns (status, stdout, stderr)."""
    from workbench.cli.main import main

    def run(*args: object) -> tuple[int, str, str]:
        status = main([str(a) for a in args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run
