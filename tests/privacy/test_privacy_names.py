"""``workbench names``: candidate names inside sentences, sentence starts skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.core.project import Project
from workbench.privacy.names import candidate_names

TEXT = (
    "Interviewer: So how did you start?\n"
    "Respondent 3: Well, I met Aigerim at a protest in Almaty. Then we talked.\n"
    "Respondent 3: Aigerim said: «Пойдём к Айгерим домой». Hope was all we had!\n"
    "[Interviewer] Really? And Aigerim?\n"
    "Respondent 3: Yes. My friend Dana… Sometimes Hope is a word. I hope so. OK.\n"
    "Respondent 3: Потом мы пошли в Алматы, и Айгерим сказала — Сергей знает.\n"
)


@pytest.fixture
def study(tmp_path: Path) -> Path:
    with Project.create(tmp_path / "study") as project:
        project.documents.add("one", TEXT)
        project.documents.add("two", "Respondent 4: Dana and Сергей came.\nDana left.")
    return tmp_path / "study" / "project.json"


def test_names_found_inside_sentences_and_sentence_starts_skipped(study: Path) -> None:
    with Project.open(study) as project:
        found = {c.name: c for c in candidate_names(project)}
    assert set(found) == {"Aigerim", "Almaty", "Айгерим", "Алматы", "Сергей", "Dana"}
    # every occurrence counts, a sentence start too; documents in import order
    assert found["Aigerim"].count == 3
    assert found["Dana"].count == 3 and found["Dana"].documents == ["one", "two"]
    assert found["Айгерим"].count == 2
    assert "protest in Almaty" in found["Almaty"].context
    assert "\n" not in found["Aigerim"].context
    # not names: sentence starts, speaker labels, words also written in lower case, "I", "OK"
    for word in ("Then", "Well", "Respondent", "Interviewer", "Hope", "Really", "Yes", "My",
                 "Sometimes", "Потом", "Пойдём", "So", "And", "I", "OK"):
        assert word not in found


def test_names_json_sorted_by_count(study: Path, cli) -> None:
    status, out, err = cli("names", study, "--json")
    assert status == 0, err
    rows = json.loads(out)
    assert [set(r) for r in rows] == [{"name", "count", "documents", "context"}] * len(rows)
    counts = [r["count"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert rows[0]["name"] in ("Aigerim", "Dana")
    status, out, _ = cli("names", study)
    assert status == 0 and "Aigerim" in out and "candidates" in out


def test_names_on_an_empty_project(tmp_path: Path, cli) -> None:
    with Project.create(tmp_path / "p"):
        pass
    status, out, _ = cli("names", tmp_path / "p")
    assert status == 0 and "no candidate" in out
    assert cli("names", tmp_path / "missing")[0] == 2
