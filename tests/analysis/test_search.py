"""Search across the study (keyword in context) and coding what was found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.analysis.search import CONTEXT, code_hits, search
from workbench.cli import main as cli_main
from workbench.core.project import Project
from workbench.errors import WorkbenchError

RU = (
    "Интервьюер: Что вы чувствовали? 😀\n"
    "Респондент: Злость. Большая злость, ЗЛОСТЬ на всех.\n"
    "\n"
    "Респондент: Ұят деген сөз... ұят. Große Straße, злость again.\n"
)
EN = "Interviewer: And then?\nRespondent: Anger (anger!) at the state. ANGER.\n"


@pytest.fixture
def project(tmp_path: Path):
    proj = Project.create(tmp_path / "s.json", name="search study")
    proj.documents.add("ru", RU, case="Respondent 4", attributes={"city": "Almaty"})
    proj.documents.add("en", EN)
    yield proj
    proj.close()


def test_hits_are_code_point_offsets_of_the_match(project: Project) -> None:
    hits = search(project, "злость")
    assert [h.text for h in hits] == ["Злость", "злость", "ЗЛОСТЬ", "злость"]
    for hit in hits:
        text = project.documents.named(hit.document).text
        assert text[hit.start:hit.end] == hit.text
        assert hit.document == "ru" and hit.case == "Respondent 4"
    assert [h.line for h in hits] == [2, 2, 2, 4]
    # the emoji on line 1 counts as one code point
    assert hits[0].start == RU.index("Злость")
    # "ß" before the last hit does not shift it (the text is never case-folded)
    assert hits[-1].start == RU.index("злость again")


def test_case_sensitive_and_kazakh_letters(project: Project) -> None:
    assert [h.text for h in search(project, "злость", case_sensitive=True)] == ["злость"] * 2
    assert [h.text for h in search(project, "ҰЯТ")] == ["Ұят", "ұят"]
    assert [h.text for h in search(project, "anger")] == ["Anger", "anger", "ANGER"]
    assert [h.text for h in search(project, "anger", case_sensitive=True)] == ["anger"]


def test_literal_pattern_is_not_a_regex(project: Project) -> None:
    hits = search(project, "(anger!)")
    assert len(hits) == 1 and hits[0].text == "(anger!)"
    assert search(project, "a.g") == []


def test_regex_search(project: Project) -> None:
    hits = search(project, r"\bзл\w+", regex=True)
    assert [h.text for h in hits] == ["Злость", "злость", "ЗЛОСТЬ", "злость"]
    hits = search(project, r"^Респондент", regex=True)
    assert hits == []  # without re.MULTILINE, ^ is the start of the text only
    hits = search(project, r"(?m)^Респондент: \w+", regex=True)
    assert [h.line for h in hits] == [2, 4]
    assert [h.text for h in hits] == ["Злость", "Ұят"]  # never the label
    assert search(project, r"(?m)^Респондент", regex=True) == []  # a label is not a match


def test_empty_matches_are_skipped(project: Project) -> None:
    assert search(project, r"\b", regex=True) == []


def test_bad_patterns_are_user_errors(project: Project) -> None:
    with pytest.raises(WorkbenchError, match="regular expression"):
        search(project, "(unclosed", regex=True)
    with pytest.raises(WorkbenchError, match="empty"):
        search(project, "")


def test_keyword_in_context_is_one_line_of_about_40_chars(project: Project) -> None:
    for hit in search(project, "злость"):
        assert "\n" not in hit.before and "\n" not in hit.after
        assert len(hit.before) <= CONTEXT and len(hit.after) <= CONTEXT
        text = project.documents.named(hit.document).text
        assert hit.before == text[max(0, hit.start - CONTEXT):hit.start].replace("\n", " ")
        assert hit.after == text[hit.end:hit.end + CONTEXT].replace("\n", " ")
    first = search(project, "Злость", case_sensitive=True)[0]
    assert first.before.endswith("😀 Респондент: ")


def test_code_hits_is_one_undoable_step(project: Project) -> None:
    hits = search(project, "злость")
    before = len(project.codings)
    assert code_hits(project, hits, "Emotions/Anger", "ann") == 4
    codings = project.codings.of_code(project.codebook.find("Emotions/Anger"))
    assert sorted((c.start, c.end) for c in codings) == [(h.start, h.end) for h in hits]
    assert all(c.text == h.text for c, h in zip(
        sorted(codings, key=lambda c: c.start), hits, strict=True))
    # again: nothing new
    assert code_hits(project, hits, "Emotions/Anger", "ann") == 0
    # one undo removes every coding (and the code that was created with them)
    entry = project.undo()
    assert entry is not None and "4 search hits" in entry.label
    assert len(project.codings) == before
    with pytest.raises(WorkbenchError):
        project.codebook.find("Emotions/Anger")
    project.redo()
    assert len(project.codings) == before + 4


def test_code_hits_skips_existing_codings(project: Project) -> None:
    hits = search(project, "злость")
    doc = project.documents.named("ru")
    project.codings.add(doc, hits[0].start, hits[0].end, "Anger", "ann")
    assert code_hits(project, hits, "Anger", "ann") == 3
    assert code_hits(project, hits, "Anger", "ben") == 4  # another coder's codings are new


def test_code_hits_by_paragraph_once_per_paragraph(project: Project) -> None:
    hits = search(project, "злость")
    assert code_hits(project, hits, "Anger", "ann", paragraph=True) == 2
    doc = project.documents.named("ru")
    spans = sorted(
        (c.start, c.end) for c in project.codings.of_code(project.codebook.find("Anger"))
    )
    line2 = "Злость. Большая злость, ЗЛОСТЬ на всех."  # the utterances, without labels
    line4 = "Ұят деген сөз... ұят. Große Straße, злость again."
    assert [doc.text[s:e] for s, e in spans] == [line2, line4]
    project.undo()
    assert project.codings == {}


def test_code_hits_with_nothing_found_changes_nothing(project: Project) -> None:
    revision = project.revision
    assert code_hits(project, [], "Nothing", "ann") == 0
    assert project.revision == revision
    assert not any(c.name == "Nothing" for c in project.codebook.all())


def test_code_hits_refuses_stale_hits(project: Project) -> None:
    hits = search(project, "anger", case_sensitive=True)
    doc = project.documents.named("en")
    project.documents.edit_text(doc, "Prefix.\n" + doc.text)
    with pytest.raises(WorkbenchError, match="search again"):
        code_hits(project, hits, "Anger", "ann")


# --------------------------------------------------------------------------- the command
def run_cli(argv: list[str]) -> int:
    """The command line without its error contract: errors are raised."""
    return cli_main.run(argv)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "cli.json"
    with Project.create(path) as p:
        p.documents.add("ru", RU, case="Respondent 4")
        p.documents.add("en", EN)
    return path


def test_search_json(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["search", str(saved), "ЗЛОСТЬ", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 4
    assert set(hits[0]) >= {"document", "case", "line", "start", "end", "before", "after", "text"}
    assert hits[0]["case"] == "Respondent 4" and hits[0]["line"] == 2
    assert RU[hits[0]["start"]:hits[0]["end"]] == "Злость"


def test_search_readable(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["search", str(saved), "anger", "--case-sensitive"]) == 0
    text = capsys.readouterr().out
    assert "en:2" in text and "anger" in text and "1 match in 1 document" in text
    assert run_cli(["search", str(saved), "nothing-like-this"]) == 0
    assert "no matches" in capsys.readouterr().out


def test_search_code_saves_one_step(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["search", str(saved), r"ang\w+", "--regex", "--code", "Anger",
                    "--coder", "ann", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["added"] == 3 and result["code"] == "Anger" and len(result["hits"]) == 3
    with Project.open(saved, write=True) as p:
        assert len(p.codings.of_code(p.codebook.find("Anger"))) == 3
        assert {c.coder for c in p.codings.values()} == {"ann"}
        p.undo()
        assert p.codings == {}


def test_search_code_paragraph_readable(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["search", str(saved), "злость", "--code", "Anger", "--paragraph",
                    "--coder", "ann"]) == 0
    assert "coded 2 new paragraphs with Anger" in capsys.readouterr().out


def test_search_option_errors(saved: Path) -> None:
    with pytest.raises(WorkbenchError, match="--code"):
        run_cli(["search", str(saved), "x", "--paragraph"])
    with pytest.raises(WorkbenchError, match="regular expression"):
        run_cli(["search", str(saved), "[", "--regex"])
