"""Undo and redo: exact round trips, persistence in the file, the redo stack, failed changes."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench.core.history as history_module
from workbench.core.project import Project
from workbench.errors import WorkbenchError

SLOW_OK = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


def seeded(project: Project, rng, apply_random_op, steps: int) -> None:
    """Some starting content, then ``steps`` random changes with no undo or redo among them."""
    for _ in range(steps):
        apply_random_op(project, rng, undo=False)


def undo_all(project: Project) -> int:
    n = 0
    while project.undo() is not None:
        n += 1
    return n


def redo_all(project: Project) -> int:
    n = 0
    while project.redo() is not None:
        n += 1
    return n


@given(
    rng=st.randoms(use_true_random=False),
    before=st.integers(0, 10),
    steps=st.integers(1, 30),
)
@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
def test_undo_all_and_redo_all_round_trip(rng, before, steps, apply_random_op, snap, sound):
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "p.json")
        try:
            seeded(project, rng, apply_random_op, before)
            project.history.clear()  # what came before is the starting point
            initial = snap(project)
            changes = []
            for _ in range(steps):
                revision = project.revision
                apply_random_op(project, rng, undo=False)
                if project.revision != revision:
                    changes.append(snap(project))
            final = snap(project)
            assert undo_all(project) == len(changes)
            assert snap(project) == initial
            sound(project)
            assert redo_all(project) == len(changes)
            assert snap(project) == final
            sound(project)
            # undo step by step passes back through every intermediate state
            for expected in reversed([initial, *changes[:-1]]):
                project.undo()
                assert snap(project) == expected
            assert project.undo() is None
        finally:
            project.lock.release()


@given(rng=st.randoms(use_true_random=False), steps=st.integers(1, 80))
@settings(max_examples=30, deadline=None, suppress_health_check=SLOW_OK)
def test_mixed_undo_redo_matches_a_model(rng, steps, apply_random_op, snap, sound):
    """Random changes, undos and redos agree with a plain stack-of-snapshots model."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "p.json")
        try:
            done, undone = [snap(project)], []
            for _ in range(steps):
                choice = rng.random()
                if choice < 0.25:
                    entry = project.undo()
                    assert (entry is None) == (len(done) == 1)
                    if entry is not None:
                        undone.append(done.pop())
                elif choice < 0.4:
                    entry = project.redo()
                    assert (entry is None) == (not undone)
                    if entry is not None:
                        done.append(undone.pop())
                else:
                    revision = project.revision
                    apply_random_op(project, rng, undo=False)
                    if project.revision != revision:
                        done.append(snap(project))
                        undone.clear()
                assert snap(project) == done[-1]
                sound(project)
        finally:
            project.lock.release()


def test_undo_survives_save_and_reopen(tmp_path, apply_random_op, snap, sound):
    for seed in range(6):
        rng = random.Random(seed)
        path = tmp_path / f"p{seed}.json"
        project = Project.create(path)
        initial = snap(project)
        states = []
        for _ in range(25):
            revision = project.revision
            apply_random_op(project, rng, undo=False)
            if project.revision != revision:
                states.append(snap(project))
        assert len(states) >= 3
        project.undo()
        project.undo()  # two steps can be redone after reopening
        project.close()

        project = Project.open(path, write=True)
        assert snap(project) == states[-3]
        assert project.history.next_undo().label
        assert redo_all(project) == 2
        assert snap(project) == states[-1]
        project.close()

        project = Project.open(path, write=True)
        assert snap(project) == states[-1]
        assert undo_all(project) == len(states)
        assert snap(project) == initial
        sound(project)
        project.save()
        project.close()
        project = Project.open(path, write=True)
        assert snap(project) == initial
        assert redo_all(project) == len(states)
        assert snap(project) == states[-1]
        sound(project)
        project.close()


def test_a_new_change_after_undo_discards_the_redo_stack(project, snap):
    doc = project.documents.add("r1", "Respondent 1: anger and a calling\n")
    project.codings.add(doc, 14, 19, "Anger", "ann")
    project.codings.add(doc, 26, 33, "Calling", "ann")
    project.undo()
    project.undo()
    assert len(project.history.undone) == 2
    project.memos.add("project", None, "new thought", "ann")
    assert project.history.undone == []
    assert project.redo() is None
    assert [e.label for e in project.history.done] == ["import r1", "memo on project"]
    project.save()
    reopened = Project.open(project.path)
    assert [e.label for e in reopened.history.entries] == ["import r1", "memo on project"]
    assert snap(reopened) == snap(project)


def test_labels_and_dirty_flag(project):
    assert not project.dirty
    doc = project.documents.add("r1", "Interviewer: a b c\n")
    assert project.dirty
    project.save()
    assert not project.dirty
    coding = project.codings.add(doc, 13, 14, "Motivation/Anger", "ann")
    assert project.history.next_undo().label == "code Motivation/Anger"
    project.codings.remove(coding)
    assert project.undo().label == "uncode Motivation/Anger"
    assert project.undo().label == "code Motivation/Anger"
    assert project.dirty
    assert project.redo().label == "code Motivation/Anger"


def test_a_failed_change_leaves_everything_as_it_was(project, snap, sound):
    doc = project.documents.add("r1", "Respondent 1: anger and a calling\n")
    anger = project.codings.add(doc, 14, 19, "Feelings/Anger", "ann")
    project.codebook.ensure("Feelings/Rage")
    project.save()
    before, entries, revision = snap(project), len(project.history.entries), project.revision

    with pytest.raises(RuntimeError):
        with project.change("batch"):
            project.codings.add(doc, 26, 33, "Calling/Work", "ann")
            project.memos.add("coding", anger.id, "x", "ann")
            project.codebook.rename(project.codebook.find("Feelings/Anger"), "Fury")
            project.documents.edit_text(project.documents.named("r1"), "Respondent 1: calling\n")
            raise RuntimeError("boom")
    assert snap(project) == before
    assert (len(project.history.entries), project.revision) == (entries, revision)
    assert not project.dirty
    sound(project)

    # a refusal deep inside a step undoes the step's earlier changes too
    with pytest.raises(WorkbenchError, match="already exists"):
        with project.change("batch"):
            project.codings.add(doc, 26, 33, "Calling", "ann")
            project.codebook.rename(project.codebook.find("Feelings/Anger"), "Rage")
    assert snap(project) == before
    assert len(project.history.entries) == entries
    sound(project)


def test_changes_outside_change_are_refused(project):
    project.documents.add("r1", "text\n")
    from workbench.core.model import Case

    with pytest.raises(RuntimeError, match="only inside"):
        project.state.put("cases", Case("x", "Respondent 9"))


def test_read_only_project_refuses_undo(project):
    project.documents.add("r1", "text\n")
    project.save()
    reader = Project.open(project.path)
    assert reader.read_only
    with pytest.raises(WorkbenchError, match="read-only"):
        reader.undo()
    with pytest.raises(WorkbenchError, match="read-only"):
        reader.memos.add("project", None, "x", "ann")
    assert reader.memos == {}


def test_history_limit_trims_the_oldest(tmp_path, monkeypatch, snap):
    monkeypatch.setattr(history_module, "HISTORY_LIMIT", 5)
    project = Project.create(tmp_path / "p.json")
    states = [snap(project)]
    for i in range(8):
        project.memos.add("project", None, f"memo {i}", "ann")
        states.append(snap(project))
    assert len(project.history.entries) == 5
    assert [e.label for e in project.history.entries] == ["memo on project"] * 5
    project.save()
    project.close()

    project = Project.open(tmp_path / "p.json", write=True)
    assert len(project.history.entries) == 5
    assert undo_all(project) == 5
    assert snap(project) == states[3]  # the three oldest steps cannot be undone any more
    project.redo()
    project.memos.add("project", None, "branch", "ann")  # drops four undone entries
    assert len(project.history.entries) == 2
    project.close()
    text = (tmp_path / "p.json").read_text()
    assert text.count('"label": "memo on project"') == 2


def test_listeners_hear_every_new_revision(project: Project) -> None:
    """Each step, undo, redo and change of the project's own fields is heard once; a failed
    step, a step that changed nothing and an undo with nothing to undo are not heard."""
    heard: list[int] = []
    project.on_change(heard.append)
    project.codebook.add("Anger")
    with project.change("two codes, one step"):
        project.codebook.add("Calm")
        project.codebook.add("Joy")
    assert heard == [1, 2] == [1, project.revision]
    with pytest.raises(WorkbenchError), project.change("fails"):
        project.codebook.add("Hope")
        raise WorkbenchError("no")
    with project.change("nothing"):
        pass
    assert heard == [1, 2]
    project.undo()
    project.redo()
    project.rename("Study")
    assert heard == [1, 2, 3, 4, 5]
    while project.undo() is not None:
        pass
    assert project.undo() is None and heard[-1] == project.revision == 7


def test_steps_with_one_joins_key_are_one_step_to_undo(project: Project) -> None:
    """The drafts of a memo written in one go: one entry, back to before the first draft."""
    doc = project.documents.add("Interview 1", "Some text.\n")
    before = project.history.next_undo()
    for text in ("First", "First draft", "First draft, longer"):
        with project.change("memo on doc:Interview 1", joins=("memo", 1)):
            memos = project.memos.about("document", doc.id)
            if memos:
                project.memos.edit(memos[0], text)
            else:
                project.memos.add("document", doc.id, text, "ann")
    assert [m.text for m in project.memos.all()] == ["First draft, longer"]
    assert len(project.history.entries) == 2  # the document, then the memo once
    project.save()
    reopened = Project.open(project.path)  # the joined entry is saved as it is now
    assert [e.label for e in reopened.history.entries] == [
        before.label, "memo on doc:Interview 1"
    ]
    assert project.undo().label == "memo on doc:Interview 1"
    assert project.memos.all() == []
    assert project.undo() is before
    assert project.redo() is before
    project.redo()
    assert [m.text for m in project.memos.all()] == ["First draft, longer"]


def test_a_joins_key_joins_only_the_newest_entry_it_made(project: Project) -> None:
    doc = project.documents.add("Interview 1", "Some text.\n")
    with project.change("memo", joins="a"):
        memo = project.memos.add("document", doc.id, "one", "ann")
    with project.change("other"):
        project.codebook.add("Networks")
    with project.change("memo", joins="a"):  # something came between: a step of its own
        project.memos.edit(memo, "two")
    with project.change("memo", joins="b"):  # another key: a step of its own
        project.memos.edit(memo, "three")
    project.undo()
    with project.change("memo", joins="b"):  # after an undo: a step of its own
        project.memos.edit(memo, "four")
    assert [e.label for e in project.history.done] == [
        "import Interview 1", "memo", "other", "memo", "memo"
    ]
    project.undo()
    assert project.memos[memo.id].text == "two"
