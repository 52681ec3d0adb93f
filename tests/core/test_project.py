"""The Project API: documents, cases, codes, codings, memos, text edits, and index upkeep."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.model import Paragraph
from workbench.core.project import Project
from workbench.errors import WorkbenchError

TEXT = (
    "Interviewer: How did you start?\n"
    "Respondent 3: Through friends 😀, a network of Алматы activists.\n"
    "Interviewer: And anger?\n"
    "Respondent 3: Anger at the state, yes. It is a calling.\n"
)


def span(doc, words: str) -> tuple[int, int]:
    start = doc.text.index(words)
    return start, start + len(words)


# ----------------------------------------------------------------------------- documents, cases


def test_documents_and_cases(project, sound):
    doc = project.documents.add("r3", TEXT, case="Respondent 3", attributes={"pronouns": "she/her"})
    project.documents.add("r1", "Interviewer: hi\n", case="Respondent 1")
    assert [d.name for d in project.documents.all()] == ["r3", "r1"]  # import order
    assert project.documents.named("r3") is doc
    assert project.documents.named(doc.id) is doc
    assert project.documents.named("R3") is doc  # a unique case-insensitive name
    with pytest.raises(WorkbenchError, match="no document named 'r9'"):
        project.documents.named("r9")
    with pytest.raises(WorkbenchError, match="already in the project"):
        project.documents.add("r3", "x")
    with pytest.raises(WorkbenchError, match="needs a name"):
        project.documents.add("  ", "x")

    case = project.cases.named("Respondent 3")
    assert case.attributes == {"pronouns": "she/her"}
    assert project.cases.of(doc) is case
    assert project.documents.of_case(case) == [doc]
    project.cases.set("Respondent 3", {"city": "Almaty", "pronouns": ""})  # "" removes
    assert project.cases.named("Respondent 3").attributes == {"city": "Almaty"}
    with pytest.raises(WorkbenchError, match="attribute needs a name"):
        project.cases.set("Respondent 3", {" ": "x"})
    project.cases.set("Respondent 10", {})
    names = [c.name for c in project.cases.all()]
    assert names == ["Respondent 1", "Respondent 3", "Respondent 10"]

    project.documents.set_case(doc, "Respondent 10")
    doc = project.documents.named("r3")
    assert project.cases.of(doc).name == "Respondent 10"
    assert project.documents.of_case(case) == []
    project.documents.set_case(doc, None)
    assert project.cases.of(project.documents.named("r3")) is None
    with pytest.raises(WorkbenchError, match="no case named"):
        project.cases.named("Respondent 7")
    # paragraphs are speaker turns
    speakers = [p.speaker for p in project.documents.named("r3").paragraphs]
    assert speakers == ["Interviewer", "Respondent 3", "Interviewer", "Respondent 3"]
    sound(project)


# ----------------------------------------------------------------------------- codebook


def test_code_paths_and_lookup(project, sound):
    motivation = project.codebook.add("Motivation", is_theme=True)
    anger = project.codebook.ensure("Motivation/Anger")
    network_anger = project.codebook.ensure("Networks/Anger")
    assert project.codebook.path(anger) == "Motivation/Anger"
    assert project.codebook.depth(anger) == 1 and project.codebook.depth(motivation) == 0
    assert [project.codebook.path(c) for c in project.codebook.all()] == [
        "Motivation",
        "Motivation/Anger",
        "Networks",
        "Networks/Anger",
    ]
    assert project.codebook.ensure("Motivation / Anger ") is anger  # parts are stripped
    assert project.codebook.find("Networks/Anger") is network_anger
    assert project.codebook.find(anger.id) is anger
    assert project.codebook.find("networks/anger") is network_anger  # case-insensitive path
    assert project.codebook.find("Motivation") is motivation
    with pytest.raises(WorkbenchError, match="several codes") as err:
        project.codebook.find("Anger")
    assert "Motivation/Anger" in str(err.value) and "Networks/Anger" in str(err.value)
    with pytest.raises(WorkbenchError, match="no code 'Joy'"):
        project.codebook.find("Joy")
    with pytest.raises(WorkbenchError, match="already exists"):
        project.codebook.add("Motivation/Anger")
    with pytest.raises(WorkbenchError, match="empty name"):
        project.codebook.ensure("Motivation//Anger")

    # an exact name wins over a case-insensitive one; two case-insensitive hits are ambiguous
    project.codebook.ensure("Rage")
    project.codebook.ensure("Other/rage")
    assert project.codebook.path(project.codebook.find("Rage")) == "Rage"
    with pytest.raises(WorkbenchError, match="several codes"):
        project.codebook.find("RAGE")
    sound(project)


def test_merging_a_code_whose_child_has_its_name(project, sound):
    """Work/Work merged into Work's parent: the inner Work takes the outer one's place (it
    once merged into the code being merged away, leaving its codings on no code)."""
    doc = project.documents.add("d", "one two three\n")
    outer = project.codebook.ensure("Anger/Work")
    inner = project.codebook.ensure("Anger/Work/Work")
    project.codings.add(doc, 0, 3, outer, "ann")
    project.codings.add(doc, 4, 7, inner, "ann")
    project.codebook.merge(outer, project.codebook.find("Anger"))
    sound(project)
    assert [project.codebook.path(c) for c in project.codebook.all()] == ["Anger", "Anger/Work"]
    assert sorted((project.codebook.path(project.codebook[c.code]), c.text)
                  for c in project.codings.values()) == [("Anger", "one"), ("Anger/Work", "two")]
    project.undo()
    sound(project)
    assert len(project.codebook) == 3


def test_rename_move_merge_delete(project, sound):
    doc = project.documents.add("r3", TEXT)
    a = project.codebook.ensure("Motivation/Anger")
    b = project.codebook.ensure("Feelings/Rage")
    sub = project.codebook.ensure("Feelings/Rage/At the state")
    s, e = span(doc, "Anger at the state")
    c1 = project.codings.add(doc, s, e, a, "ann")
    c2 = project.codings.add(doc, s, e, b, "ann")  # the same span: a duplicate after the merge
    c3 = project.codings.add(doc, *span(doc, "friends"), b, "ann")
    c4 = project.codings.add(doc, *span(doc, "state"), sub, "ann")
    project.memos.add("code", b.id, "rage memo", "ann")
    project.memos.add("coding", c2.id, "on the duplicate", "ann")

    with pytest.raises(WorkbenchError, match="not a code name"):
        project.codebook.rename(b, "a/b")
    project.codebook.ensure("Feelings/Fury")
    with pytest.raises(WorkbenchError, match="already exists"):
        project.codebook.rename(b, "Fury")
    b = project.codebook.rename(b, "Ire")
    assert project.codebook.find("Feelings/Ire/At the state") == sub

    with pytest.raises(WorkbenchError, match="under itself"):
        project.codebook.move(b, project.codebook.find("Feelings/Ire/At the state"))
    b = project.codebook.move(b, project.codebook.find("Motivation"))
    assert project.codebook.path(b) == "Motivation/Ire"
    assert project.codebook.path(project.codebook[sub.id]) == "Motivation/Ire/At the state"

    with pytest.raises(WorkbenchError, match="into itself"):
        project.codebook.merge(b, b)
    with pytest.raises(WorkbenchError, match="own children"):
        project.codebook.merge(b, project.codebook.find("Motivation/Ire/At the state"))
    moved = project.codebook.merge(b, project.codebook.find("Motivation/Anger"))
    assert moved == 1  # c3; c2 duplicated c1 and was dropped
    anger = project.codebook.find("Motivation/Anger")
    assert {c.id for c in project.codings.of_code(anger)} == {c1.id, c3.id}
    assert project.codebook.find("Motivation/Anger/At the state").id == sub.id
    assert [m.text for m in project.memos.about("code", anger.id)] == ["rage memo"]
    # the memo on the dropped duplicate is not left pointing at nothing
    assert [m.text for m in project.memos.about("coding", c1.id)] == ["on the duplicate"]
    sound(project)

    codes, codings = project.codebook.delete(project.codebook.find("Motivation"))
    assert (codes, codings) == (3, 3)
    assert project.codings == {}
    assert project.memos.all() == []
    assert c4.id not in project.codings
    sound(project)
    project.undo()
    assert len(project.codings) == 3
    sound(project)


def test_theme_description_colour(project):
    code = project.codebook.ensure("Calling")
    code = project.codebook.set_theme(code)
    assert code.is_theme
    code = project.codebook.describe(code, description="activism as a calling", example="“It is…”")
    assert (code.description, code.example, code.inclusion) == (
        "activism as a calling",
        "“It is…”",
        "",
    )
    assert project.codebook.color(code, "#ABC").color == "#aabbcc"
    with pytest.raises(WorkbenchError, match="#RRGGBB"):
        project.codebook.color(code, "red")
    entries = len(project.history.entries)
    project.codebook.set_theme(project.codebook.find("Calling"), True)  # no change, no history
    assert len(project.history.entries) == entries


# ----------------------------------------------------------------------------- codings


def test_code_text_bounds_and_duplicates(project, sound):
    doc = project.documents.add("r3", TEXT)
    n = len(doc.text)
    for start, end in [(-1, 3), (5, 5), (6, 5), (0, n + 1), (n, n + 1)]:
        with pytest.raises(WorkbenchError, match=f"span {start}:{end} is not inside 'r3'"):
            project.codings.add(doc, start, end, "Anger", "ann")
    with pytest.raises(WorkbenchError, match="coder"):
        project.codings.add(doc, 0, 3, "Anger", "  ")
    assert project.codebook == {}  # a refused coding created no code
    whole = project.codings.add(doc, 0, n, "All", "ann")
    assert whole.text == doc.text

    s, e = span(doc, "friends 😀, a network")
    coding = project.codings.add(doc, s, e, "Networks/Friends", "ann")
    assert coding.text == "friends 😀, a network" == doc.text[coding.start : coding.end]
    entries, revision = len(project.history.entries), project.revision
    again = project.codings.add(doc, s, e, project.codebook.find("Friends"), "ann")
    assert again is coding
    assert (len(project.history.entries), project.revision) == (entries, revision)
    other = project.codings.add(doc, s, e, "Networks/Friends", "bob")  # another coder: a new coding
    assert other.id != coding.id
    assert project.codings.of_document(doc)[0] is whole
    assert project.codings.find(coding.id[:8]) is coding
    with pytest.raises(WorkbenchError, match="no coding"):
        project.codings.find("nope")
    sound(project)


def test_uncode_takes_its_memos_and_undo_brings_them_back(project, sound):
    doc = project.documents.add("r3", TEXT)
    coding = project.codings.add(doc, *span(doc, "calling"), "Calling", "ann")
    project.memos.add("coding", coding.id, "strong word", "ann")
    project.codings.remove(coding)
    assert project.codings == {} and project.memos.all() == []
    sound(project)
    project.undo()
    assert project.memos.about("coding", coding.id)[0].text == "strong word"
    sound(project)


# ----------------------------------------------------------------------------- memos


def test_memos_and_targets(project, sound):
    doc = project.documents.add("r3", TEXT, case="Respondent 3")
    coding = project.codings.add(doc, *span(doc, "anger"), "Motivation/Anger", "ann")
    assert project.memos.resolve_target("project") == ("project", None)
    assert project.memos.resolve_target("doc:r3") == ("document", doc.id)
    assert project.memos.resolve_target("case:Respondent 3")[0] == "case"
    assert project.memos.resolve_target("code:Motivation/Anger") == ("code", coding.code)
    assert project.memos.resolve_target(f"coding:{coding.id}") == ("coding", coding.id)
    for bad, message in [
        ("doc", "must be project"),
        ("doc:", "must be project"),
        ("nope:x", "unknown memo target kind"),
        ("doc:zz", "no document"),
        ("code:Joy", "no code"),
    ]:
        with pytest.raises(WorkbenchError, match=message):
            project.memos.resolve_target(bad)
    for target in ["project", "doc:r3", "case:Respondent 3", "code:Motivation/Anger"]:
        kind, tid = project.memos.resolve_target(target)
        assert project.memos.describe_target(kind, tid) == target
        project.memos.add(kind, tid, f"on {target}", "ann")
    with pytest.raises(WorkbenchError, match="needs some text"):
        project.memos.add("project", None, "  ", "ann")
    with pytest.raises(WorkbenchError, match="unknown memo target kind"):
        project.memos.add("paragraph", None, "x", "ann")
    memo = project.memos.about("document", doc.id)[0]
    memo = project.memos.edit(memo, "on doc, revised")
    assert project.memos.about("document", doc.id)[0].text == "on doc, revised"
    project.memos.edit(memo, "")  # an empty text deletes
    assert project.memos.about("document", doc.id) == []
    assert len(project.memos.all()) == 3
    sound(project)


# ----------------------------------------------------------------------------- editing text


def test_edit_document_text_moves_every_coding(project, sound):
    old = (
        "Interviewer: Why?\n"
        "R3: Because of Ivan Petrov, my friend.\n"
        "R3: We met at the march in Almaty.\n"
        "R3: Anger 😀 drove me.\n"
    )
    paragraphs = [
        Paragraph(p.start, p.end, p.speaker, f"00:00:0{i}.000", f"00:00:0{i}.900")
        for i, p in enumerate(_paragraphs(old))
    ]
    doc = project.documents.add("r3", old, paragraphs=paragraphs)
    kept = project.codings.add(doc, *span(doc, "my friend"), "Networks", "ann")
    changed = project.codings.add(doc, *span(doc, "Because of Ivan Petrov"), "Names", "ann")
    moved = project.codings.add(doc, *span(doc, "We met at the march"), "Protest", "ann")
    lost = project.codings.add(doc, *span(doc, "Anger 😀 drove"), "Anger", "ann")
    project.memos.add("coding", lost.id, "key quote", "ann")
    new = (
        "R3: We met at the march in Almaty.\n"  # moved to the top
        "Interviewer: Why?\n"
        "R3: Because of ***, my friend.\n"  # pseudonymised
        "R3: 👍🏽 yes.\n"  # the coded words are gone
    )
    entries = len(project.history.entries)
    report = project.documents.edit_text(project.documents.named("r3"), new)
    assert len(project.history.entries) == entries + 1  # one undoable step
    doc = project.documents.named("r3")
    assert doc.text == new
    codings = project.codings
    assert [c.id for c in report.kept] == [kept.id]
    assert codings[kept.id].text == "my friend"
    assert [c.id for c in report.changed] == [changed.id]
    assert codings[changed.id].text == "Because of ***"
    assert [c.id for c in report.reanchored] == [moved.id]
    assert codings[moved.id].start == 4 and codings[moved.id].text == "We met at the march"
    assert [c.id for c in report.lost] == [lost.id]
    assert lost.id not in codings
    assert report.lost[0].text == "Anger 😀 drove"  # the report says what was lost
    # its memo is kept on the document rather than deleted or left dangling
    assert [m.text for m in project.memos.about("document", doc.id)] == ["key quote"]
    sound(project)

    # paragraphs follow the new text; cue times stay with the turns that survived
    assert [(p.start, p.end) for p in doc.paragraphs] == [
        (p.start, p.end) for p in _paragraphs(new)
    ]
    times = {new[p.start : p.end]: p.begin_time for p in doc.paragraphs}
    assert times["Interviewer: Why?"] == "00:00:00.000"
    assert times["R3: Because of ***, my friend."] == "00:00:01.000"

    project.undo()
    assert project.documents.named("r3").text == old
    assert project.codings[lost.id].text == "Anger 😀 drove"
    assert project.memos.about("coding", lost.id)[0].text == "key quote"
    assert project.documents.named("r3").paragraphs == paragraphs
    sound(project)
    project.redo()
    assert project.documents.named("r3").text == new
    sound(project)
    assert project.documents.edit_text(project.documents.named("r3"), new).kept == []  # no change


@pytest.mark.parametrize(
    "new, expected",
    [
        # words typed at the start of a turn keep it on its cue
        ("Ivan: hello\nWell, Anna: hi\nIvan: bye\n", ["0", "1", "2"]),
        ("Ivan: hello\nNEW LINE\nAnna: hi\nIvan: bye\n", ["0", None, "1", "2"]),
        ("Ivan: hello\nIvan: bye\n", ["0", "2"]),  # a deleted turn
        ("Anna: hi\nIvan: bye\n", ["1", "2"]),
        ("Ivan: hello\nthere\nAnna: hi\nIvan: bye\n", ["0", None, "1", "2"]),  # a split
        ("Ivan: bye\nIvan: hello\nAnna: hi\n", [None, "0", "1"]),  # moved turns are new
        ("Ivan: hi\nAnna: hello\nIvan: bye\n", ["0", "1", "2"]),
    ],
)
def test_edited_paragraphs_keep_cue_times(project, new, expected):
    old = "Ivan: hello\nAnna: hi\nIvan: bye\n"
    cues = [
        Paragraph(p.start, p.end, p.speaker, f"0{i}", f"0{i}.9")
        for i, p in enumerate(_paragraphs(old))
    ]
    doc = project.documents.add("d", old, paragraphs=cues)
    project.documents.edit_text(doc, new)
    paragraphs = project.documents.named("d").paragraphs
    assert [(p.start, p.end) for p in paragraphs] == [(p.start, p.end) for p in _paragraphs(new)]
    assert [p.begin_time and p.begin_time[1] for p in paragraphs] == expected
    assert all(p.end_time == (p.begin_time and p.begin_time + ".9") for p in paragraphs)


def test_edited_paragraphs_keep_speakers_the_importer_knew(project):
    old = "speaker 1: hello\nspeaker 2: hi\n"  # lower case: the text rules do not see a label
    cues = [Paragraph(0, 16, "speaker 1", "00:01"), Paragraph(17, 30, "speaker 2", "00:02")]
    doc = project.documents.add("d", old, paragraphs=cues)
    project.documents.edit_text(doc, "speaker 1: hello there\nspeaker 2: hi\n")
    paragraphs = project.documents.named("d").paragraphs
    assert [p.speaker for p in paragraphs] == ["speaker 1", "speaker 2"]
    project.documents.edit_text(project.documents.named("d"), "speaker 1: hello there\nhi\n")
    assert [p.speaker for p in project.documents.named("d").paragraphs] == ["speaker 1", None]


def _paragraphs(text):
    from workbench.core.turns import paragraphs_of

    return paragraphs_of(text)


SLOW_OK = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


@given(rng=st.randoms(use_true_random=False), rounds=st.integers(0, 4))
@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
def test_edits_keep_every_coding_on_its_text(rng, rounds, sound, random_texts):
    """After random edits every coding still covers exactly its text, or was reported lost."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "p.json")
        try:
            doc = project.documents.add("d", random_texts.text(rng, 6))
            for _ in range(8):
                if len(doc.text) > 1:
                    s = rng.randrange(len(doc.text) - 1)
                    project.codings.add(doc, s, rng.randint(s + 1, len(doc.text)), "X", "ann")
            for _ in range(rounds + 1):
                before = {c.id: c for c in project.codings.values()}
                new_text = random_texts.edit(rng, doc.text)
                if new_text == doc.text:
                    continue
                report = project.documents.edit_text(doc, new_text)
                doc = project.documents.named("d")
                after = set(project.codings)
                reported = report.kept + report.changed + report.reanchored
                assert {c.id for c in reported} == after
                assert set(before) - after == {c.id for c in report.lost + report.merged}
                keys = [(c.code, c.start, c.end, c.coder) for c in project.codings.of_document(doc)]
                assert len(keys) == len(set(keys)), "two identical codings"
                for coding in report.kept + report.reanchored:
                    assert coding.text == before[coding.id].text
                    assert project.codings[coding.id] == coding
                sound(project)
        finally:
            project.lock.release()


# ----------------------------------------------------------------------------- index upkeep


def test_indexes_match_a_full_scan_after_random_operations(tmp_path, sound, apply_random_op):
    for seed in range(25):
        rng = random.Random(seed)
        project = Project.create(tmp_path / f"p{seed}.json")
        try:
            for _ in range(60):
                apply_random_op(project, rng)
                sound(project)
        finally:
            project.lock.release()


@given(rng=st.randoms(use_true_random=False), steps=st.integers(1, 50))
@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
def test_indexes_match_a_full_scan_hypothesis(rng, steps, sound, apply_random_op):
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "p.json")
        try:
            for _ in range(steps):
                apply_random_op(project, rng)
                sound(project)
            # and a project read back from its file has the same records and sound indexes
            project.save()
            again = Project.open(project.path)
            sound(again)
            assert {t: set(r) for t, r in again.state.tables.items()} == {
                t: set(r) for t, r in project.state.tables.items()
            }
        finally:
            project.lock.release()


# ----------------------------------------------------------------------------- stale records


def test_operations_use_the_current_record_not_a_stale_copy(project, sound):
    """A TUI holds record objects across edits and undo; passing an old copy must not revert."""
    doc = project.documents.add("r3", TEXT)
    code = project.codebook.ensure("Motivation/Anger")
    project.documents.edit_text(doc, "Preface.\n" + TEXT)  # `doc` is now an old copy
    coding = project.codings.add(doc, 9, 21, code, "ann")
    assert coding.text == project.documents.named("r3").text[9:21] == "Interviewer:"
    project.documents.set_case(doc, "Respondent 3")
    assert project.documents.named("r3").text.startswith("Preface.")  # not reverted by the old copy
    project.documents.edit_text(doc, "Preface!\n" + TEXT)
    assert project.documents.named("r3").text == "Preface!\n" + TEXT
    assert project.cases.of(project.documents.named("r3")).name == "Respondent 3"
    sound(project)

    renamed = project.codebook.rename(code, "Rage")  # `code` is now an old copy
    project.codebook.set_theme(code, True)
    assert project.codebook.path(project.codebook.find(renamed.id)) == "Motivation/Rage"
    project.codebook.describe(code, description="d")
    project.codebook.color(code, "#123456")
    current = project.codebook.find(renamed.id)
    assert (current.name, current.is_theme, current.description) == ("Rage", True, "d")
    sound(project)

    gone = project.codebook.ensure("Gone")
    project.codebook.delete(gone)
    for attempt in (
        lambda: project.codings.add(project.documents.named("r3"), 0, 5, gone, "ann"),
        lambda: project.codebook.move(code, gone),
        lambda: project.codebook.merge(code, gone),
        lambda: project.codebook.rename(gone, "Back"),
    ):
        with pytest.raises(WorkbenchError, match="no longer exists"):
            attempt()
    project.codings.remove(coding)
    with pytest.raises(WorkbenchError, match="no longer exists"):
        project.codings.remove(coding)
    memo = project.memos.add("project", None, "m", "ann")
    project.undo()
    with pytest.raises(WorkbenchError, match="no longer exists"):
        project.memos.edit(memo, "again")
    sound(project)


def test_an_edit_never_leaves_two_identical_codings(project, sound):
    doc = project.documents.add("d", "Respondent 1: anger, then more anger.\n")
    first = project.codings.add(doc, 14, 19, "Anger", "ann")
    second = project.codings.add(doc, 31, 36, "Anger", "ann")
    other = project.codings.add(doc, 14, 19, "Anger", "bob")  # another coder's: not a duplicate
    project.memos.add("coding", first.id, "the first time", "ann")
    report = project.documents.edit_text(doc, "Respondent 1: then more anger.\n")
    # the first "anger" is gone; its coding would land on the second, already coded the same way
    assert [c.id for c in report.merged] == [first.id]
    assert [c.id for c in report.kept] == [second.id]
    assert [c.id for c in report.reanchored] == [other.id]
    assert set(project.codings) == {second.id, other.id}
    assert [m.text for m in project.memos.about("coding", second.id)] == ["the first time"]
    sound(project)
    project.codings.remove(project.codings.find(second.id))
    sound(project)
    assert project.codings.add(project.documents.named("d"), 24, 29, "Anger", "bob").id == other.id
    project.undo()
    project.undo()
    assert set(project.codings) == {first.id, second.id, other.id}
    sound(project)


def test_parse_attributes() -> None:
    from workbench.core.cases import parse_attributes, split_attribute

    assert parse_attributes("a: 1\n\n# note\nb = two: three\n") == {"a": "1", "b": "two: three"}
    with pytest.raises(WorkbenchError, match="line 1"):
        parse_attributes("no separator here")
    with pytest.raises(WorkbenchError, match="line 2"):
        parse_attributes("a: 1\n: no key")
    with pytest.raises(WorkbenchError, match="line 2: “a” is given twice"):
        parse_attributes("a: 1\na: 2")
    with pytest.raises(WorkbenchError, match="line 1: “a” has no value"):
        parse_attributes("a:")
    assert split_attribute(" city = Almaty ") == ("city", "Almaty")
    assert split_attribute("a:b=c", "=") == ("a:b", "c")  # the command line's KEY=VALUE
    assert split_attribute("=x", "=") is None
    assert split_attribute("k=", "=") == ("k", "")


def test_in_vivo_name() -> None:
    from workbench.core.codebook import IN_VIVO_LENGTH, in_vivo_name

    assert in_vivo_name(" “I felt\n  angry/sad,” ") == "I felt angry-sad"
    assert in_vivo_name("... !") == ""
    long = in_vivo_name("word " * 30)
    assert long.endswith("…") and len(long) <= IN_VIVO_LENGTH + 1
    assert long[:-1] == long[:-1].strip() and "word wo…" not in long
    assert len(in_vivo_name("x" * 100)) == IN_VIVO_LENGTH + 1


def test_edit_case_moves_renames_and_sets_attributes_in_one_step(project, sound) -> None:
    doc1 = project.documents.add("Interview 1", "Text one.\n", case="R1",
                                 attributes={"city": "Almaty", "age": "34"})
    doc2 = project.documents.add("Interview 2", "Text two.\n", case="R1")
    steps = len(project.history.done)
    case = project.documents.edit_case(doc1, "Aigerim", {"city": "Almaty"}, rename=True)
    assert case.name == "Aigerim" and case.attributes == {"city": "Almaty"}
    assert [d.name for d in project.documents.of_case(case)] == ["Interview 1", "Interview 2"]
    assert len(project.history.done) == steps + 1
    project.undo()
    assert project.cases.named("R1").attributes == {"city": "Almaty", "age": "34"}
    moved = project.documents.edit_case(doc2, "R2", {"city": "Astana"})
    assert moved.name == "R2" and project.cases.of(project.documents.named("Interview 2")) == moved
    assert project.cases.named("R1").attributes == {"city": "Almaty", "age": "34"}
    assert project.documents.edit_case(doc2, "", {}) is None
    assert project.cases.of(project.documents.named("Interview 2")) is None
    with pytest.raises(WorkbenchError, match="attributes belong to a case"):
        project.documents.edit_case(doc2, " ", {"city": "x"})
    with pytest.raises(WorkbenchError, match="already in the project"):
        project.documents.edit_case(doc1, "R2", {}, rename=True)
    sound(project)


def test_removal_names_what_remove_takes(project) -> None:
    doc = project.documents.add("Interview 1", "Anger, honestly. And more.\n", case="R1")
    coding = project.codings.add(doc, 0, 5, "Anger", "ann")
    project.memos.add("coding", coding.id, "on the coding", "ann")
    project.memos.add("document", doc.id, "on the document", "ann")
    project.memos.add("case", project.cases.named("R1").id, "on the case: stays", "ann")
    going = project.documents.removal(doc)
    assert (going.codings, going.memos) == (1, 2)
    assert len(project.memos) == 3  # nothing changed yet
    removed = project.documents.remove(doc)
    assert (removed.codings, removed.memos) == (going.codings, going.memos)
    assert [m.text for m in project.memos.all()] == ["on the case: stays"]
