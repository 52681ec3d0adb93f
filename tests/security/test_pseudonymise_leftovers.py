"""Pseudonymisation matches originals however they are written, and reports what is left."""

from __future__ import annotations

import json

import pytest

from workbench.core.project import Project
from workbench.privacy.pseudonymise import find_leftovers, parse_map, pseudonymise

MAP = parse_map(b"original,replacement\nDana Sultanova,Respondent 5\nDana,R5\n")


@pytest.mark.parametrize("written", [
    "Dana Sultanova", "dana_sultanova", "Dana-Sultanova", "dana.sultanova",
    "Da\u00adna Sultanova", "Dana Sul\u200btanova", "D\u0430na Sult\u0430nov\u0430",  # Cyrillic а
    "\u0414ana",  # not a look-alike (Д): stays
])
def test_originals_match_however_written(written):
    new, count = MAP.replace(f"said {written} today")
    if written.startswith("\u0414"):
        assert count == 0
    else:
        assert count == 1 and "Dana" not in new and "Sultanova" not in new, new


def test_names_keys_and_sources_are_covered_and_leftovers_reported(project):
    doc = project.documents.add("dana_sultanova interview", "Dana: I was at the square.\n",
                                source="dana_sultanova.docx")
    project.cases.set("Case 1", {"Dana's age": "30", "city": "Almaty"})
    project.documents.set_case(doc, "Case 1")
    project.memos.add("project", None, "Da\u00adna said no", "ann")
    report = pseudonymise(project, MAP)
    doc = project.documents.all()[0]
    assert "dana" not in doc.name.casefold() and "sultanova" not in doc.name.casefold()
    assert "dana" not in doc.source.casefold()
    assert "R5's age" in project.cases.all()[0].attributes
    assert report.leftovers == []
    assert find_leftovers(project, MAP) == []


def test_a_leftover_in_a_field_no_pass_replaces_is_reported(interview, cli, tmp_path):
    path = interview / "project.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    next(iter(data["documents"].values()))["interviewer_notes"] = "met Dana at home"
    path.write_text(json.dumps(data), encoding="utf-8")
    names = tmp_path / "map.csv"
    names.write_text("original,replacement\nDana,R5\n", encoding="utf-8")
    status, out, err = cli("pseudonymize", interview, "--map", names, "--yes")
    assert status == 1
    assert "still in documents" in err and "not clean" in err
    with Project.open(interview) as project:
        assert find_leftovers(project, parse_map(names.read_bytes()))
