"""``workbench codebook``: every action, its effect on `codes --json`, and its undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TEXT = "Interviewer: Why activism?\nRespondent: Anger, mostly. And privilege; I could afford it.\n"


@pytest.fixture
def book(tmp_path: Path, cli) -> Path:
    """A project with codes Motivations/{Anger,Privilege}, Networks, and a few codings."""
    source = tmp_path / "r1.txt"
    source.write_text(TEXT, encoding="utf-8")
    path = tmp_path / "p"
    cli("init", path)
    cli("import", path, source)
    for words, code, coder in [
        ("Anger", "Motivations/Anger", "ann"), ("privilege", "Motivations/Privilege", "ann"),
        ("afford", "Networks", "ann"),
        ("Anger, mostly", "Motivations/Anger", "ben"),  # by "ann" it would extend her coding
    ]:
        start = TEXT.index(words)
        assert cli("code", path, "r1", start, start + len(words), code, "--coder", coder)[0] == 0
    cli("memo", path, "--on", "code:Networks", "--text", "a note")
    return path


def codes(cli, path: Path) -> dict[str, dict]:
    status, out, err = cli("codes", path, "--json")
    assert status == 0, err
    return {c["path"]: c for c in json.loads(out)}


@pytest.mark.parametrize(
    "action, check",
    [
        (("add", "Themes/Calling", "--theme", "--text", "vocation"),
         lambda c: c["Themes/Calling"]["is_theme"] and not c["Themes"]["is_theme"]
         and c["Themes/Calling"]["description"] == "vocation"),
        (("rename", "Motivations/Anger", "Rage"),
         lambda c: c["Motivations/Rage"]["codings"] == 2 and "Motivations/Anger" not in c),
        (("move", "Motivations/Anger", "Networks"),
         lambda c: c["Networks/Anger"]["parent"] == c["Networks"]["id"]),
        (("move", "Motivations/Anger", "/"),
         lambda c: c["Anger"]["parent"] is None and c["Anger"]["codings"] == 2),
        (("move", "Motivations/Anger", ""), lambda c: c["Anger"]["parent"] is None),
        (("merge", "Networks", "Motivations/Privilege"),
         lambda c: "Networks" not in c and c["Motivations/Privilege"]["codings"] == 2),
        (("delete", "Motivations"), lambda c: set(c) == {"Networks"}),
        (("theme", "Motivations"), lambda c: c["Motivations"]["is_theme"]),
        (("describe", "Networks", "--text", "who knew whom", "--include", "names a person",
          "--exclude", "online only", "--example", "a friend brought me"),
         lambda c: c["Networks"]["description"] == "who knew whom"),
        (("color", "Networks", "#ABC"), lambda c: c["Networks"]["color"] == "#aabbcc"),
        (("colour", "Networks", "#112233"), lambda c: c["Networks"]["color"] == "#112233"),
    ],
)
def test_action_and_its_undo(book: Path, cli, action, check) -> None:
    before = codes(cli, book)
    status, out, err = cli("codebook", book, *action)
    assert status == 0 and out.strip() and err == "", err
    after = codes(cli, book)
    assert check(after), after
    status, out, _ = cli("undo", book)
    assert status == 0 and out.startswith("undid: ")
    assert codes(cli, book) == before
    assert cli("redo", book)[0] == 0
    assert codes(cli, book) == after


def test_merge_moves_memos_and_reports(book: Path, cli) -> None:
    status, out, _ = cli("codebook", book, "merge", "Networks", "Motivations/Anger")
    assert status == 0 and "1 coding moved" in out
    memos = json.loads(cli("memos", book, "--json")[1])
    assert [m["target"] for m in memos] == ["code:Motivations/Anger"]


def test_delete_reports_counts_and_removes_codings(book: Path, cli) -> None:
    status, out, _ = cli("codebook", book, "delete", "Motivations")
    assert status == 0 and "3 codes" in out and "3 codings" in out and "undo" in out
    quotes = json.loads(cli("quotes", book, "--json")[1])
    assert [q["code"] for q in quotes] == ["Networks"]


def test_theme_off_and_describe_shows_fields(book: Path, cli) -> None:
    cli("codebook", book, "theme", "Motivations")
    status, out, _ = cli("codebook", book, "theme", "Motivations", "--off")
    assert status == 0 and "no longer" in out
    assert not codes(cli, book)["Motivations"]["is_theme"]
    cli("codebook", book, "describe", "Anger", "--include", "says angry")
    status, out, _ = cli("codebook", book, "describe", "Anger")
    assert status == 0 and "inclusion: says angry" in out and "Motivations/Anger" in out


@pytest.mark.parametrize(
    "action, words",
    [
        (("rename", "Motivations/Anger", "Privilege"), ("already exists",)),
        (("rename", "Motivations/Anger", "A/B"), ("not a code name",)),
        (("rename", "Nope", "X"), ("Nope",)),
        (("move", "Motivations", "Motivations/Anger"), ("under itself",)),
        (("move", "Motivations/Anger", "Nope"), ("Nope",)),
        (("merge", "Networks", "Networks"), ("itself",)),
        (("merge", "Motivations", "Motivations/Anger"), ("children",)),
        (("delete", "Nope"), ("Nope",)),
        (("color", "Networks", "red"), ("#RRGGBB",)),
        (("add", "Networks"), ("already exists",)),
        (("add", "A//B"), ("empty name",)),
        (("frobnicate", "X"), ("frobnicate",)),
        (("rename", "Networks"), ("NEW",)),
    ],
)
def test_bad_codebook_actions(book: Path, cli, action, words) -> None:
    file = book / "project.json"
    before = file.read_bytes()
    status, out, err = cli("codebook", book, *action)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    for word in words:
        assert word in err, err
    assert file.read_bytes() == before
