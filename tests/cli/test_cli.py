"""The command line in-process: every command's output, JSON shapes and the error contract."""

from __future__ import annotations

import dataclasses
import json
import stat
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.cli import commands as cli_commands

INT1 = "Interviewer: Hello 👋 there.\r\nRespondent: Я злюсь, ужасно. Anger is real.\r\n"
INT2 = "Interviewer: Second talk.\nRespondent: Мы в Алматы 😀 и всё.\n"


@pytest.fixture(autouse=True)
def _coder(coder_config):
    """The coder is "aigerim" in every test here."""


@pytest.fixture
def proj(tmp_path: Path, cli) -> Path:
    """A project folder with two imported interviews of one case."""
    one, two = tmp_path / "int1.txt", tmp_path / "int2.txt"
    one.write_bytes(INT1.encode("utf-8"))
    two.write_bytes(INT2.encode("utf-8"))
    path = tmp_path / "study"
    assert cli("init", path, "--name", "Study")[0] == 0
    status, out, err = cli(
        "import", path, one, two, "--case", "Respondent 1", "--attr", "city=Almaty"
    )
    assert status == 0, err
    return path


def text_of(name: str) -> str:
    raw = INT1 if name == "int1" else INT2
    return raw.replace("\r\n", "\n")


def assert_user_error(result: tuple[int, str, str], *words: str) -> None:
    status, out, err = result
    assert status == 2, (out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and out == ""
    for word in words:
        assert word in err, err


# --------------------------------------------------------------------------- init and import
def test_init_makes_a_private_file_in_a_folder(tmp_path: Path, cli, jcli) -> None:
    status, out, _ = cli("init", tmp_path / "new", "--name", "Kazakh study")
    file = tmp_path / "new" / "project.json"
    assert status == 0 and str(file) in out and "Kazakh study" in out
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert json.loads(file.read_text())["meta"]["project"]["name"] == "Kazakh study"
    assert not (tmp_path / "new" / "project.json.lock").exists()
    assert jcli("docs", tmp_path / "new") == []
    assert_user_error(cli("init", tmp_path / "new"), "already exists")
    cli("init", tmp_path / "direct.json")
    assert stat.S_IMODE((tmp_path / "direct.json").stat().st_mode) == 0o600


def test_import_docs_and_cases_json(proj: Path, jcli) -> None:
    docs = jcli("docs", proj)
    assert [d["name"] for d in docs] == ["int1", "int2"]
    assert all(set(d) == {"id", "name", "case", "chars", "codings"} for d in docs)
    assert docs[0]["case"] == "Respondent 1"
    assert docs[0]["chars"] == len(text_of("int1")) and docs[1]["chars"] == len(text_of("int2"))
    assert docs[0]["codings"] == 0
    cases = jcli("cases", proj)
    assert cases == [
        {
            "id": cases[0]["id"],
            "name": "Respondent 1",
            "attributes": {"city": "Almaty"},
            "documents": ["int1", "int2"],
        }
    ]


def test_import_is_one_undo_step(proj: Path, tmp_path: Path, cli, jcli) -> None:
    files = []
    for n in range(3):
        files.append(tmp_path / f"extra{n}.txt")
        files[-1].write_text(f"Respondent: text {n}\n", encoding="utf-8")
    assert cli("import", proj, *files)[0] == 0
    assert len(jcli("docs", proj)) == 5
    status, out, _ = cli("undo", proj)
    assert status == 0 and "import 3" in out
    assert [d["name"] for d in jcli("docs", proj)] == ["int1", "int2"]
    assert cli("redo", proj)[0] == 0
    assert len(jcli("docs", proj)) == 5


@pytest.mark.parametrize(
    "bad_name, bad_bytes, words",
    [
        ("bad.txt", b"\x00\x01binary\x00\x02", ("bad.txt", "binary")),
        ("latin.txt", "Привет мир".encode("cp1251"), ("--encoding",)),
        ("empty.txt", b"", ("empty",)),
        ("int1.txt", b"a clash with the imported name", ("int1",)),
        ("project.qdpx", b"PK\x03\x04", ("project.qdpx", "archive")),
        ("notes.pdf", b"%PDF-1.4", ("notes.pdf",)),
    ],
)
def test_import_is_all_or_nothing(
    proj: Path, tmp_path: Path, cli, bad_name: str, bad_bytes: bytes, words: tuple[str, ...]
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    good = folder / "good.txt"
    good.write_text("Respondent: fine text\n", encoding="utf-8")
    bad = folder / bad_name
    bad.write_bytes(bad_bytes)
    file = proj / "project.json"
    before = file.read_bytes()
    assert_user_error(cli("import", proj, good, bad, "--case", "R9"), *words)
    assert file.read_bytes() == before
    assert not (proj / "project.json.lock").exists()


def test_import_refuses_missing_file_and_duplicate_names(proj: Path, tmp_path: Path, cli) -> None:
    before = (proj / "project.json").read_bytes()
    good = tmp_path / "fresh.txt"
    good.write_text("Respondent: hello\n", encoding="utf-8")
    assert_user_error(cli("import", proj, good, tmp_path / "missing.txt"), "missing.txt")
    other = tmp_path / "sub"
    other.mkdir()
    (other / "fresh.txt").write_text("Respondent: other\n", encoding="utf-8")
    assert_user_error(cli("import", proj, good, other / "fresh.txt"), "fresh")
    assert_user_error(cli("import", proj, good, "--attr", "city=X"), "--case")
    assert_user_error(cli("import", proj, good, "--case", "R2", "--attr", "novalue"), "KEY=VALUE")
    assert (proj / "project.json").read_bytes() == before


def test_import_with_encoding(proj: Path, tmp_path: Path, cli, jcli) -> None:
    file = tmp_path / "ru.txt"
    file.write_bytes("Респондент: Казахстан\r\n".encode("cp1251"))
    assert cli("import", proj, file, "--encoding", "cp1251")[0] == 0
    status, out, _ = cli("text", proj, "ru")
    assert status == 0 and out == "Респондент: Казахстан\n"


def test_text_by_name_and_id(proj: Path, cli, jcli) -> None:
    assert cli("text", proj, "int1") == (0, text_of("int1"), "")
    doc_id = jcli("docs", proj)[1]["id"]
    assert cli("text", proj, doc_id) == (0, text_of("int2"), "")
    assert cli("text", proj, "INT2") == (0, text_of("int2"), "")


# --------------------------------------------------------------------------- codings
def span_of(name: str, words: str) -> tuple[int, int]:
    text = text_of(name)
    start = text.index(words)
    return start, start + len(words)


def test_code_json_and_quotes_with_emoji_and_cyrillic(proj: Path, cli, jcli) -> None:
    s, e = span_of("int1", "Я злюсь")
    coding = jcli("code", proj, "int1", s, e, "Emotions/Anger")
    assert coding == {
        "id": coding["id"],
        "document": "int1",
        "case": "Respondent 1",
        "code": "Emotions/Anger",
        "coder": "aigerim",
        "start": s,
        "end": e,
        "text": "Я злюсь",
        "speaker": "Respondent",  # the second round added these fields
        "role": "respondent",
        "time": None,
        "outcome": "added",
    }
    s2, e2 = span_of("int1", "👋 there")
    jcli("code", proj, "int1", s2, e2, "Greeting", "--coder", "bob")
    s3, e3 = span_of("int2", "Алматы 😀")
    jcli("code", proj, "int2", s3, e3, "Emotions/Joy")
    quotes = jcli("quotes", proj)
    order = [(q["document"], q["start"]) for q in quotes]
    assert order == [("int1", s2), ("int1", s), ("int2", s3)]
    for q in quotes:
        assert q["text"] == text_of(q["document"])[q["start"]:q["end"]]
        assert set(q) == {"id", "document", "case", "code", "coder", "start", "end", "text",
                          "speaker", "role", "time"}
    assert quotes[0]["text"] == "👋 there" and quotes[2]["text"] == "Алматы 😀"
    assert [q["code"] for q in jcli("quotes", proj, "--code", "Emotions")] == [
        "Emotions/Anger",
        "Emotions/Joy",
    ]
    assert [q["coder"] for q in jcli("quotes", proj, "--coder", "bob")] == ["bob"]
    assert len(jcli("quotes", proj, "--case", "Respondent 1")) == 3
    status, out, _ = cli("quotes", proj)
    assert status == 0 and "Я злюсь" in out and "Respondent 1" in out


def test_code_twice_is_one_coding_and_human_output(proj: Path, cli, jcli) -> None:
    status, out, _ = cli("code", proj, "int1", 0, 11, "Speaker")
    assert status == 0 and "coded int1 [0:11]" in out and "Interviewer" in out
    status, out, _ = cli("code", proj, "int1", 0, 11, "Speaker")
    assert status == 0 and "already coded" in out
    assert len(jcli("quotes", proj)) == 1


def test_codes_json_counts_and_parents(proj: Path, jcli) -> None:
    s, e = span_of("int1", "Anger")
    jcli("code", proj, "int1", s, e, "Motivations/Anger")
    s, e = span_of("int2", "Алматы")
    jcli("code", proj, "int2", s, e, "Motivations/Anger")
    jcli("code", proj, "int2", 0, 5, "Motivations")
    codes = {c["path"]: c for c in jcli("codes", proj)}
    top, anger = codes["Motivations"], codes["Motivations/Anger"]
    assert set(top) == {
        "id", "name", "path", "parent", "is_theme", "color", "description", "inclusion",
        "exclusion", "example", "codings", "documents", "cases", "with_children",
    }
    assert top["parent"] is None and anger["parent"] == top["id"]
    counts = (anger["name"], anger["codings"], anger["documents"], anger["cases"])
    assert counts == ("Anger", 2, 2, 1)
    assert (top["codings"], top["documents"]) == (1, 1)
    # the theme with its code: three codings in both documents of the one case
    assert top["with_children"] == {"codings": 3, "documents": 2, "cases": 1}
    assert anger["with_children"] == {"codings": 2, "documents": 2, "cases": 1}
    assert anger["is_theme"] is False and anger["color"].startswith("#")
    docs = jcli("docs", proj)
    assert [d["codings"] for d in docs] == [1, 2]


def test_uncode_undo_redo(proj: Path, cli, jcli) -> None:
    coding = jcli("code", proj, "int1", 0, 5, "X")
    status, out, _ = cli("uncode", proj, coding["id"][:8])
    assert status == 0 and coding["id"] in out
    assert jcli("quotes", proj) == []
    status, out, _ = cli("undo", proj)
    assert status == 0 and out.startswith("undid: uncode")
    assert [q["id"] for q in jcli("quotes", proj)] == [coding["id"]]
    status, out, _ = cli("redo", proj)
    assert status == 0 and out.startswith("redid: uncode")
    assert jcli("quotes", proj) == []
    assert cli("redo", proj)[1] == "nothing to redo\n"


def test_undo_and_redo_from_the_command_line_walk_the_history(proj: Path, cli, jcli) -> None:
    for n in range(3):
        jcli("code", proj, "int1", n, n + 2, f"C{n}")
    for n in (2, 1, 0):
        assert cli("undo", proj)[1].startswith("undid: code")
        assert len(jcli("quotes", proj)) == n
    for n in (1, 2, 3):
        assert cli("redo", proj)[0] == 0
        assert len(jcli("quotes", proj)) == n


# --------------------------------------------------------------------------- cases and memos
def test_case_sets_and_removes_attributes_and_attaches_documents(proj: Path, cli, jcli) -> None:
    status, out, _ = cli("case", proj, "Respondent 2", "--attr", "pronouns=they/them",
                         "--attr", "age=34", "--doc", "int2")
    assert status == 0 and "new case Respondent 2" in out
    cli("case", proj, "Respondent 2", "--attr", "age=")
    cases = {c["name"]: c for c in jcli("cases", proj)}
    assert cases["Respondent 2"]["attributes"] == {"pronouns": "they/them"}
    assert cases["Respondent 2"]["documents"] == ["int2"]
    assert cases["Respondent 1"]["documents"] == ["int1"]
    assert [d["case"] for d in jcli("docs", proj)] == ["Respondent 1", "Respondent 2"]
    assert cli("undo", proj)[0] == 0
    assert jcli("cases", proj)[1]["attributes"] == {"age": "34", "pronouns": "they/them"}
    assert_user_error(cli("case", proj, "R3", "--doc", "nope"), "nope")
    assert_user_error(cli("case", proj, "R3", "--attr", "=x"), "KEY=VALUE")


def test_memos_on_every_target(proj: Path, cli, jcli) -> None:
    coding = jcli("code", proj, "int1", 0, 5, "Theme/Code")
    targets = ["project", "doc:int1", "case:Respondent 1", "code:Theme/Code"]
    targets.append(f"coding:{coding['id']}")
    for n, target in enumerate(targets):
        status, out, err = cli("memo", proj, "--on", target, "--text", f"memo {n} — тест")
        assert status == 0, err
    cli("memo", proj, "--on", "project", "--text", "by bob", "--author", "bob")
    memos = jcli("memos", proj)
    assert {m["target"] for m in memos} == set(targets)
    assert all(set(m) == {"id", "target", "text", "author", "created", "modified", "about",
                          "coding"} for m in memos)
    assert {m["author"] for m in memos} == {"aigerim", "bob"}
    on_coding = next(m for m in memos if m["target"].startswith("coding:"))
    assert on_coding["about"] == "coding Theme/Code in int1: “Inter”"
    assert on_coding["coding"] == {k: v for k, v in coding.items() if k != "outcome"}
    assert all(m["coding"] is None and m["about"] == m["target"] for m in memos
               if m is not on_coding)
    status, out, _ = cli("memos", proj)
    assert status == 0
    for target in targets[:-1]:
        assert target in out
    # a memo on a coding is named by its code, document and text, not by the coding's id
    assert "── coding Theme/Code in int1: “Inter” · aigerim" in out
    assert coding["id"] not in out and coding["id"][:8] not in out
    assert "memo 3 — тест" in out
    for bad in ("doc:nope", "code:Nope", "nothing", "coding:zzz", "weird:x"):
        assert_user_error(cli("memo", proj, "--on", bad, "--text", "x"))
    assert_user_error(cli("memo", proj, "--on", "project", "--text", "  "), "text")


def test_memos_readable_newest_first(proj: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.core.memos as core_memos

    stamps = iter(["2024-01-01T00:00:00Z", "2025-06-01T00:00:00Z"])
    monkeypatch.setattr(core_memos, "now", lambda: next(stamps))
    cli("memo", proj, "--on", "project", "--text", "older thought")
    cli("memo", proj, "--on", "doc:int1", "--text", "newer thought")
    out = cli("memos", proj)[1]
    assert out.index("newer thought") < out.index("older thought")
    assert "doc:int1" in out and "2025-06-01" in out


# --------------------------------------------------------------------------- check
def test_check_ok(proj: Path, cli, jcli) -> None:
    jcli("code", proj, "int1", 0, 5, "X")
    status, out, _ = cli("check", proj)
    assert status == 0 and out.startswith("ok: 2 documents, 1 case, 1 code, 1 coding")


def test_check_lists_every_problem(proj: Path, cli, jcli) -> None:
    coding = jcli("code", proj, "int1", 0, 5, "Parent/Child")
    cli("memo", proj, "--on", "code:Parent/Child", "--text", "m")
    file = proj / "project.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    docs = data["documents"]
    first, second = list(docs.values())
    second["name"] = first["name"]  # duplicate names
    first["paragraphs"].append({"start": 0, "end": 10_000})
    data["codings"][coding["id"]]["text"] = "wrong"
    codes = data["codes"]
    parent = next(c for c in codes.values() if c["name"] == "Parent")
    child = next(c for c in codes.values() if c["name"] == "Child")
    parent["parent"] = child["id"]  # a cycle
    memo = next(iter(data["memos"].values()))
    memo["target_id"] = "gone"
    second["case"] = "no-such-case"
    file.write_text(json.dumps(data), encoding="utf-8")
    status, out, err = cli("check", proj)
    assert status == 1, err
    problems = out.splitlines()
    assert len(problems) == 6, out
    text = out
    for words in ("documents are named", "paragraph", "stored 'wrong'", "cycle", "memo", "case"):
        assert words in text


def test_check_reports_a_span_outside_and_a_missing_code(proj: Path, cli, jcli) -> None:
    coding = jcli("code", proj, "int1", 0, 5, "X")
    file = proj / "project.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    rec = data["codings"][coding["id"]]
    rec["end"] = 10_000
    rec["code"] = "missing-code"
    data["meta"]["project"]["schema"] = 1
    file.write_text(json.dumps(data), encoding="utf-8")
    status, out, _ = cli("check", proj)
    assert status == 1 and "outside" in out and "code that does not exist" in out


def test_check_newer_schema_is_a_problem(proj: Path, cli) -> None:
    file = proj / "project.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    data["meta"]["project"]["schema"] = 99
    file.write_text(json.dumps(data), encoding="utf-8")
    status, out, _ = cli("check", proj)
    assert status == 1 and "newer" in out


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "args, words",
    [
        (("code", "{p}", "int1", "5", "2", "X"), ("START",)),
        (("code", "{p}", "int1", "0", "99999", "X"), ("not inside",)),
        (("code", "{p}", "int1", "-3", "2", "X"), ("not inside",)),
        (("code", "{p}", "int1", "a", "2", "X"), ("START",)),
        (("code", "{p}", "nodoc", "0", "2", "X"), ("nodoc",)),
        (("code", "{p}", "int1", "0", "2", "A//B"), ("empty name",)),
        (("code", "{p}", "int1", "0", "2", "X", "--coder", " "), ("coder",)),
        (("uncode", "{p}", "not-an-id"), ("not-an-id",)),
        (("text", "{p}", "nodoc"), ("nodoc",)),
        (("quotes", "{p}", "--code", "Nope"), ("Nope",)),
        (("quotes", "{p}", "--case", "Nobody"), ("Nobody",)),
        (("docs", "{missing}"), ("no project",)),
        (("code", "{missing}", "d", "0", "1", "X"), ("no project",)),
        (("docs",), ("required",)),
        (("docs", "{p}", "--bogus"), ("--bogus",)),
        (("dosc", "{p}"), ("docs",)),
        (("codebook", "{p}"), ("ACTION",)),
        (("open", "{missing}"), ("workbench init",)),
        (("{missing}",), ("workbench init",)),
    ],
)
def test_bad_input_is_one_error_line(
    proj: Path, tmp_path: Path, cli, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    before = (proj / "project.json").read_bytes()
    argv = [a.format(p=proj, missing=tmp_path / "missing") for a in args]
    assert_user_error(cli(*argv), *words)
    assert (proj / "project.json").read_bytes() == before
    assert not (proj / "project.json.lock").exists()


def test_help_and_version(cli) -> None:
    status, out, _ = cli("--help")
    assert status == 0
    for name in ("init", "import", "docs", "text", "cases", "case", "code", "uncode", "codes",
                 "quotes", "memo", "memos", "check", "undo", "redo", "codebook", "edit", "restore"):
        assert f"\n    {name} " in out, name
    status, out, _ = cli("--version")
    assert status == 0 and out.startswith("workbench ")
    status, out, _ = cli("codebook", "--help")
    assert status == 0 and "merge" in out


def test_internal_error_is_one_line_with_traceback_only_in_debug(
    proj: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(args):
        raise RuntimeError("kaput")

    monkeypatch.setattr(cli_commands, "reading", boom)
    status, out, err = cli("docs", proj)
    assert status == 1 and err == "error: internal error: RuntimeError: kaput\n"
    monkeypatch.setenv("WORKBENCH_DEBUG", "1")
    status, out, err = cli("docs", proj)
    assert status == 1 and "Traceback" in err
    assert err.endswith("error: internal error: RuntimeError: kaput\n")


def test_keyboard_interrupt_is_quiet(proj: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_commands, "reading", interrupted)
    assert cli("codes", proj) == (130, "", "")


def test_human_tables(proj: Path, cli, jcli) -> None:
    jcli("code", proj, "int1", 0, 5, "[bold]Markup/Child")
    for command, words in [
        ("docs", ("int1", "Respondent 1")),
        ("cases", ("Respondent 1", "city=Almaty")),
        ("codes", ("[bold]Markup", "Child")),
    ]:
        status, out, _ = cli(command, proj)
        assert status == 0
        for word in words:
            assert word in out


# --------------------------------------------------------------------------- the TUI entry
@pytest.fixture
def fake_tui(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    opened: list[Path] = []
    module = types.ModuleType("workbench.tui.app")

    def run_app(path: Path, first_frame_shown: Callable[[], None] | None = None) -> int:
        opened.append(path)
        if first_frame_shown is not None:
            first_frame_shown()
        return 0

    module.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "workbench.tui.app", module)
    return opened


def test_project_argument_opens_the_tui(proj: Path, cli, fake_tui: list[Path]) -> None:
    assert cli(proj)[0] == 0
    assert cli("open", proj)[0] == 0
    assert fake_tui == [proj / "project.json"] * 2


def test_open_asks_before_creating(
    tmp_path: Path, cli, fake_tui: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.cli import output

    monkeypatch.setattr(output, "interactive", lambda: True)
    answers = iter(["n", "y"])
    monkeypatch.setattr("builtins.input", lambda: next(answers))
    target = tmp_path / "fresh"
    status, _, err = cli("open", target)
    assert status == 1 and "Create a new project" in err and not target.exists()
    status, _, err = cli(target)
    assert status == 0
    assert fake_tui == [target / "project.json"]
    assert stat.S_IMODE((target / "project.json").stat().st_mode) == 0o600


def test_relative_paths_and_no_lock_left(
    proj: Path, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("docs", "study")[0] == 0
    assert not list(proj.glob("*.lock"))


def test_memo_text_from_standard_input(proj: Path, cli, jcli, monkeypatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("line one\nline two — да\n"))
    assert cli("memo", proj, "--on", "case:Respondent 1", "--text", "-")[0] == 0
    [memo] = jcli("memos", proj)
    assert memo["text"] == "line one\nline two — да\n" and memo["target"] == "case:Respondent 1"


def test_integrity_of_an_open_project(proj: Path, jcli) -> None:
    from workbench.core.integrity import check_project
    from workbench.core.project import Project

    jcli("code", proj, "int2", 0, 3, "A/B")
    project = Project.open(proj)
    assert check_project(project) == []
    coding = next(iter(project.codings.values()))
    project.state.tables["codings"][coding.id] = dataclasses.replace(coding, start=2)
    [problem] = check_project(project)
    assert coding.id in problem and "stored" in problem
