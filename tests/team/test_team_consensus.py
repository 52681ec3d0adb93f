"""Consensus decisions: the items two coders disagree on, and each decision as one step."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.project import Project
from workbench.team.consensus import (
    CONSENSUS,
    Review,
    consensus_codings,
    decide,
    default_pair,
    review_items,
)

TEXT = "abcdefghijklmnopqrst"  # 20 code points


@pytest.fixture
def project(tmp_path: Path):
    """ann codes X on [0,6), bob on [4,10) (one item, the stretch [0,10)); both code Y on
    [12,16) (agreement: no item); ann codes Z on [16,20) and bob does not (one item)."""
    project = Project.create(tmp_path / "p.json")
    doc = project.documents.add("d1", TEXT)
    for start, end, code, coder in [
        (0, 6, "X", "ann"), (4, 10, "X", "bob"), (12, 16, "Y", "ann"), (12, 16, "Y", "bob"),
        (16, 20, "Z", "ann"), (0, 2, "X", "carl"),
    ]:
        project.codings.add(doc, start, end, code, coder)
    yield project
    project.close()


def consensus(project: Project) -> list[tuple[str, int, int]]:
    return sorted(
        (project.codebook.path(project.codebook[c.code]), c.start, c.end)
        for c in project.codings.values() if c.coder == CONSENSUS
    )


def test_items_group_the_disagreements(project: Project) -> None:
    review = Review("ann", "bob")
    items = review_items(project, review)
    assert [(project.codebook.path(i.code), i.start, i.end, i.a_spans, i.b_spans)
            for i in items] == [("X", 0, 10, [(0, 6)], [(4, 10)]), ("Z", 16, 20, [(16, 20)], [])]
    assert [i.code.name for i in review_items(project, Review("ann", "bob", code="Z"))] == ["Z"]
    assert default_pair(project) == ("ann", "bob")
    assert review.says("a") == "keep ann's" and review.says("neither") == "keep neither"


def test_each_decision_replaces_the_last_one_in_one_undoable_step(project: Project) -> None:
    review = Review("ann", "bob")
    x, z = review_items(project, review)
    assert decide(project, review, x, "a") and x.decision == "a"
    assert consensus(project) == [("X", 0, 6)]
    steps = len(project.history.done)
    assert decide(project, review, x, "both")
    assert consensus(project) == [("X", 0, 10)]
    assert len(project.history.done) == steps + 1  # the removal and the coding: one step
    assert project.history.done[-1].label == "review: keep both on X"
    assert not decide(project, review, x, "both")  # again: nothing changes
    assert decide(project, review, x, "b")
    assert consensus(project) == [("X", 4, 10)]
    assert [(c.start, c.end) for c in consensus_codings(project, review, x)] == [(4, 10)]
    assert decide(project, review, z, "neither") is False  # nothing was there to remove
    assert decide(project, review, x, "neither")
    assert consensus(project) == []
    project.undo()
    assert consensus(project) == [("X", 4, 10)]


def test_a_decision_under_another_consensus_coder(project: Project) -> None:
    review = Review("ann", "bob", consensus="team")
    x, _ = review_items(project, review)
    decide(project, review, x, "a")
    assert consensus(project) == []
    assert [(c.coder, c.start, c.end) for c in consensus_codings(project, review, x)] == [
        ("team", 0, 6)
    ]
    with pytest.raises(ValueError, match="unknown decision"):
        decide(project, review, x, "maybe")
