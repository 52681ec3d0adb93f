"""No double counting: coding that overlaps or touches a coding of the same code by the same
coder extends it; recoding a coding's bounds or code; code every hit through the same path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.analysis.search import code_every_hit, search
from workbench.core.project import Project
from workbench.errors import WorkbenchError

TEXT = (
    "Interviewer: Why activism?\n"
    "Respondent: Anger, mostly. Anger at the state. And privilege; I could afford it.\n"
    "Interviewer: Who brought you in?\n"
    "Respondent: My sister. Then anger again.\n"
)


def at(words: str, n: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(n):
        start = TEXT.index(words, start + 1)
    return start, start + len(words)


@pytest.fixture
def doc(project: Project):
    return project.documents.add("r1", TEXT, case="Respondent 1")


def test_overlapping_and_touching_codings_become_one_segment(project, doc, sound) -> None:
    first = project.codings.apply(doc, *at("Anger, mostly"), "Anger", "ann")
    assert first.outcome == "added"
    s, _ = at("mostly")
    grown = project.codings.apply(doc, s, at("the state")[1], "Anger", "ann")
    assert grown.outcome == "extended" and grown.coding.id == first.coding.id
    assert grown.coding.text == "Anger, mostly. Anger at the state"
    touching = project.codings.apply(doc, *at(". And"), "Anger", "ann")  # starts at its end
    assert touching.extended and touching.coding.text.endswith("state. And")
    inside = project.codings.apply(doc, *at("mostly"), "Anger", "ann")
    assert inside.outcome == "unchanged"
    assert len(project.codings) == 1
    # another coder, or another code, is a coding of its own
    assert project.codings.apply(doc, *at("mostly"), "Anger", "ben").outcome == "added"
    assert project.codings.apply(doc, *at("mostly"), "Privilege", "ann").outcome == "added"
    assert len(project.codings) == 3
    sound(project)
    project.undo()
    project.undo()
    project.undo()  # the touching extension undone: the coding is as it was before
    assert project.codings[first.coding.id].text == "Anger, mostly. Anger at the state"


def test_a_span_bridging_two_codings_merges_them_with_their_memos(project, doc, sound) -> None:
    a = project.codings.add(doc, *at("Anger, mostly"), "Anger", "ann")
    b = project.codings.add(doc, *at("at the state"), "Anger", "ann")
    project.memos.add("coding", b.id, "the state as target", "ann")
    bridged = project.codings.apply(doc, at("mostly")[0], at("at the")[1], "Anger", "ann")
    assert bridged.extended and [c.id for c in bridged.absorbed] == [b.id]
    assert set(project.codings) == {a.id}
    assert [m.text for m in project.memos.about("coding", a.id)] == ["the state as target"]
    sound(project)
    project.undo()
    assert set(project.codings) == {a.id, b.id}
    assert [m.text for m in project.memos.about("coding", b.id)] == ["the state as target"]


def test_recode_bounds_and_code(project, doc, sound) -> None:
    coding = project.codings.add(doc, *at("Anger, mostly"), "Anger", "ann")
    moved = project.codings.recode(coding, end=at("the state")[1])
    assert moved.outcome == "recoded" and moved.coding.text == "Anger, mostly. Anger at the state"
    other = project.codings.recode(moved.coding, code="Emotions/Rage")
    assert project.codebook.path(project.codebook[other.coding.code]) == "Emotions/Rage"
    assert project.codings.recode(other.coding, start=other.coding.start).outcome == "unchanged"
    with pytest.raises(WorkbenchError, match="START must be less than END"):
        project.codings.recode(other.coding, start=other.coding.end)
    assert project.undo().label == "recode a coding of Anger as Emotions/Rage"
    assert project.codings[coding.id].code == coding.code
    project.undo()
    assert project.codings[coding.id] == coding
    sound(project)


def test_recode_into_a_touching_coding_of_that_code_merges(project, doc, sound) -> None:
    a = project.codings.add(doc, *at("Anger, mostly"), "Anger", "ann")
    b = project.codings.add(doc, *at("anger again"), "Rage", "ann")
    result = project.codings.recode(b, code="Anger", start=at("Anger at")[0])
    # b now reaches back over the second sentence... and not into a: a stays separate
    assert result.absorbed == () and len(project.codings) == 2
    result = project.codings.recode(result.coding, start=a.end)
    assert [c.id for c in result.absorbed] == [a.id] and set(project.codings) == {b.id}
    assert result.coding.start == a.start
    sound(project)


def test_code_every_hit_extends_and_skips_what_is_coded(project, doc, sound) -> None:
    project.codings.add(doc, *at("Anger, mostly"), "Anger", "ann")
    hits = search(project, "anger")
    assert len(hits) == 3
    coded = code_every_hit(project, hits, "Anger", "ann")
    assert (coded.added, coded.extended, coded.unchanged) == (2, 0, 1)
    assert project.undo().label == "code 3 search hits with Anger"
    coded = code_every_hit(project, hits, "Anger", "ann", widen="sentence")
    texts = sorted(c.text for c in project.codings.values())
    assert texts == ["Anger at the state.", "Anger, mostly.", "Then anger again."]
    assert (coded.added, coded.extended) == (2, 1)
    project.undo()
    respondent = search(project, "anger", roles={"respondent"})
    coded = code_every_hit(project, respondent, "Turns", "ann", widen="turn")
    code = project.codebook.find("Turns").id
    turns = sorted(c.text for c in project.codings.values() if c.code == code)
    assert "Anger, mostly. Anger at the state. And privilege; I could afford it." in turns
    assert "My sister. Then anger again." in turns
    assert not any("Respondent:" in t or "Interviewer" in t for t in turns)
    sound(project)


def test_search_by_role_and_never_in_a_label(project, doc) -> None:
    assert search(project, "Respondent") == []
    assert [h.role for h in search(project, "who")] == ["interviewer"]
    assert search(project, "who", roles={"respondent"}) == []
    hit = search(project, "why")[0]
    assert (hit.speaker, hit.role, hit.time) == ("Interviewer", "interviewer", None)
    with pytest.raises(WorkbenchError, match="unknown role"):
        search(project, "why", roles={"boss"})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12), st.sampled_from("AB"),
                          st.sampled_from(["ann", "ben"])), max_size=12))
def test_no_two_codings_of_a_code_by_a_coder_overlap_or_touch(tmp_path_factory, spans) -> None:
    path = tmp_path_factory.mktemp("c") / "p.json"
    with Project.create(path) as project:
        doc = project.documents.add("d", "x" * 80)
        covered: dict[tuple[str, str], set[int]] = {}
        for start, length, code, coder in spans:
            project.codings.apply(doc, start, start + length, code, coder)
            covered.setdefault((code, coder), set()).update(range(start, start + length))
        by_key: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for c in project.codings.values():
            key = (project.codebook[c.code].name, c.coder)
            by_key.setdefault(key, []).append((c.start, c.end))
        for key, found in by_key.items():
            found.sort()
            assert all(a[1] < b[0] for a, b in zip(found, found[1:], strict=False)), key
            # what is coded is exactly what was asked for, no more, no less
            assert {i for s, e in found for i in range(s, e)} == covered[key]
