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
    doc = project.add_document("r3", TEXT, case="Respondent 3", attributes={"pronouns": "she/her"})
    project.add_document("r1", "Interviewer: hi\n", case="Respondent 1")
    assert [d.name for d in project.documents()] == ["r3", "r1"]  # import order
    assert project.document("r3") is doc
    assert project.document(doc.id) is doc
    assert project.document("R3") is doc  # a unique case-insensitive name
    with pytest.raises(WorkbenchError, match="no document named 'r9'"):
        project.document("r9")
    with pytest.raises(WorkbenchError, match="already in the project"):
        project.add_document("r3", "x")
    with pytest.raises(WorkbenchError, match="needs a name"):
        project.add_document("  ", "x")

    case = project.case("Respondent 3")
    assert case.attributes == {"pronouns": "she/her"}
    assert project.case_of(doc) is case
    assert project.documents_of_case(case) == [doc]
    project.set_case("Respondent 3", {"city": "Almaty", "pronouns": ""})  # "" removes
    assert project.case("Respondent 3").attributes == {"city": "Almaty"}
    with pytest.raises(WorkbenchError, match="attribute needs a name"):
        project.set_case("Respondent 3", {" ": "x"})
    project.set_case("Respondent 10", {})
    assert [c.name for c in project.cases()] == ["Respondent 1", "Respondent 3", "Respondent 10"]

    project.assign_case(doc, "Respondent 10")
    doc = project.document("r3")
    assert project.case_of(doc).name == "Respondent 10"
    assert project.documents_of_case(case) == []
    project.assign_case(doc, None)
    assert project.case_of(project.document("r3")) is None
    with pytest.raises(WorkbenchError, match="no case named"):
        project.case("Respondent 7")
    # paragraphs are speaker turns
    speakers = [p.speaker for p in project.document("r3").paragraphs]
    assert speakers == ["Interviewer", "Respondent 3", "Interviewer", "Respondent 3"]
    sound(project)


# ----------------------------------------------------------------------------- codebook


def test_code_paths_and_lookup(project, sound):
    motivation = project.add_code("Motivation", is_theme=True)
    anger = project.ensure_code("Motivation/Anger")
    network_anger = project.ensure_code("Networks/Anger")
    assert project.code_path(anger) == "Motivation/Anger"
    assert project.depth(anger) == 1 and project.depth(motivation) == 0
    assert [project.code_path(c) for c in project.codes()] == [
        "Motivation",
        "Motivation/Anger",
        "Networks",
        "Networks/Anger",
    ]
    assert project.ensure_code("Motivation / Anger ") is anger  # parts are stripped
    assert project.find_code("Networks/Anger") is network_anger
    assert project.find_code(anger.id) is anger
    assert project.find_code("networks/anger") is network_anger  # case-insensitive path
    assert project.find_code("Motivation") is motivation
    with pytest.raises(WorkbenchError, match="several codes") as err:
        project.find_code("Anger")
    assert "Motivation/Anger" in str(err.value) and "Networks/Anger" in str(err.value)
    with pytest.raises(WorkbenchError, match="no code 'Joy'"):
        project.find_code("Joy")
    with pytest.raises(WorkbenchError, match="already exists"):
        project.add_code("Motivation/Anger")
    with pytest.raises(WorkbenchError, match="empty name"):
        project.ensure_code("Motivation//Anger")

    # an exact name wins over a case-insensitive one; two case-insensitive hits are ambiguous
    project.ensure_code("Rage")
    project.ensure_code("Other/rage")
    assert project.code_path(project.find_code("Rage")) == "Rage"
    with pytest.raises(WorkbenchError, match="several codes"):
        project.find_code("RAGE")
    sound(project)


def test_rename_move_merge_delete(project, sound):
    doc = project.add_document("r3", TEXT)
    a = project.ensure_code("Motivation/Anger")
    b = project.ensure_code("Feelings/Rage")
    sub = project.ensure_code("Feelings/Rage/At the state")
    s, e = span(doc, "Anger at the state")
    c1 = project.code_text(doc, s, e, a, "ann")
    c2 = project.code_text(doc, s, e, b, "ann")  # the same span: a duplicate after the merge
    c3 = project.code_text(doc, *span(doc, "friends"), b, "ann")
    c4 = project.code_text(doc, *span(doc, "state"), sub, "ann")
    project.add_memo("code", b.id, "rage memo", "ann")
    project.add_memo("coding", c2.id, "on the duplicate", "ann")

    with pytest.raises(WorkbenchError, match="not a code name"):
        project.rename_code(b, "a/b")
    project.ensure_code("Feelings/Fury")
    with pytest.raises(WorkbenchError, match="already exists"):
        project.rename_code(b, "Fury")
    b = project.rename_code(b, "Ire")
    assert project.find_code("Feelings/Ire/At the state") == sub

    with pytest.raises(WorkbenchError, match="under itself"):
        project.move_code(b, project.find_code("Feelings/Ire/At the state"))
    b = project.move_code(b, project.find_code("Motivation"))
    assert project.code_path(b) == "Motivation/Ire"
    assert project.code_path(project.state.tables["codes"][sub.id]) == "Motivation/Ire/At the state"

    with pytest.raises(WorkbenchError, match="into itself"):
        project.merge_codes(b, b)
    with pytest.raises(WorkbenchError, match="own children"):
        project.merge_codes(b, project.find_code("Motivation/Ire/At the state"))
    moved = project.merge_codes(b, project.find_code("Motivation/Anger"))
    assert moved == 1  # c3; c2 duplicated c1 and was dropped
    anger = project.find_code("Motivation/Anger")
    assert {c.id for c in project.codings_of_code(anger)} == {c1.id, c3.id}
    assert project.find_code("Motivation/Anger/At the state").id == sub.id
    assert [m.text for m in project.memos_of("code", anger.id)] == ["rage memo"]
    # the memo on the dropped duplicate is not left pointing at nothing
    assert [m.text for m in project.memos_of("coding", c1.id)] == ["on the duplicate"]
    sound(project)

    codes, codings = project.delete_code(project.find_code("Motivation"))
    assert (codes, codings) == (3, 3)
    assert project.state.tables["codings"] == {}
    assert project.memos() == []
    assert c4.id not in project.state.tables["codings"]
    sound(project)
    project.undo()
    assert len(project.state.tables["codings"]) == 3
    sound(project)


def test_theme_description_colour(project):
    code = project.ensure_code("Calling")
    code = project.set_theme(code)
    assert code.is_theme
    code = project.describe_code(code, description="activism as a calling", example="“It is…”")
    assert (code.description, code.example, code.inclusion) == (
        "activism as a calling",
        "“It is…”",
        "",
    )
    assert project.color_code(code, "#ABC").color == "#aabbcc"
    with pytest.raises(WorkbenchError, match="#RRGGBB"):
        project.color_code(code, "red")
    entries = len(project.history.entries)
    project.set_theme(project.find_code("Calling"), True)  # no change, no history
    assert len(project.history.entries) == entries


# ----------------------------------------------------------------------------- codings


def test_code_text_bounds_and_duplicates(project, sound):
    doc = project.add_document("r3", TEXT)
    n = len(doc.text)
    for start, end in [(-1, 3), (5, 5), (6, 5), (0, n + 1), (n, n + 1)]:
        with pytest.raises(WorkbenchError, match=f"span {start}:{end} is not inside 'r3'"):
            project.code_text(doc, start, end, "Anger", "ann")
    with pytest.raises(WorkbenchError, match="coder"):
        project.code_text(doc, 0, 3, "Anger", "  ")
    assert project.state.tables["codes"] == {}  # a refused coding created no code
    whole = project.code_text(doc, 0, n, "All", "ann")
    assert whole.text == doc.text

    s, e = span(doc, "friends 😀, a network")
    coding = project.code_text(doc, s, e, "Networks/Friends", "ann")
    assert coding.text == "friends 😀, a network" == doc.text[coding.start : coding.end]
    entries, revision = len(project.history.entries), project.revision
    again = project.code_text(doc, s, e, project.find_code("Friends"), "ann")
    assert again is coding
    assert (len(project.history.entries), project.revision) == (entries, revision)
    other = project.code_text(doc, s, e, "Networks/Friends", "bob")  # another coder: a new coding
    assert other.id != coding.id
    assert project.codings_of_document(doc)[0] is whole
    assert project.coding(coding.id[:8]) is coding
    with pytest.raises(WorkbenchError, match="no coding"):
        project.coding("nope")
    sound(project)


def test_uncode_takes_its_memos_and_undo_brings_them_back(project, sound):
    doc = project.add_document("r3", TEXT)
    coding = project.code_text(doc, *span(doc, "calling"), "Calling", "ann")
    project.add_memo("coding", coding.id, "strong word", "ann")
    project.uncode(coding)
    assert project.state.tables["codings"] == {} and project.memos() == []
    sound(project)
    project.undo()
    assert project.memos_of("coding", coding.id)[0].text == "strong word"
    sound(project)


# ----------------------------------------------------------------------------- memos


def test_memos_and_targets(project, sound):
    doc = project.add_document("r3", TEXT, case="Respondent 3")
    coding = project.code_text(doc, *span(doc, "anger"), "Motivation/Anger", "ann")
    assert project.resolve_target("project") == ("project", None)
    assert project.resolve_target("doc:r3") == ("document", doc.id)
    assert project.resolve_target("case:Respondent 3")[0] == "case"
    assert project.resolve_target("code:Motivation/Anger") == ("code", coding.code)
    assert project.resolve_target(f"coding:{coding.id}") == ("coding", coding.id)
    for bad, message in [
        ("doc", "must be project"),
        ("doc:", "must be project"),
        ("nope:x", "unknown memo target kind"),
        ("doc:zz", "no document"),
        ("code:Joy", "no code"),
    ]:
        with pytest.raises(WorkbenchError, match=message):
            project.resolve_target(bad)
    for target in ["project", "doc:r3", "case:Respondent 3", "code:Motivation/Anger"]:
        kind, tid = project.resolve_target(target)
        assert project.describe_target(kind, tid) == target
        project.add_memo(kind, tid, f"on {target}", "ann")
    with pytest.raises(WorkbenchError, match="needs some text"):
        project.add_memo("project", None, "  ", "ann")
    with pytest.raises(WorkbenchError, match="unknown memo target kind"):
        project.add_memo("paragraph", None, "x", "ann")
    memo = project.memos_of("document", doc.id)[0]
    memo = project.edit_memo(memo, "on doc, revised")
    assert project.memos_of("document", doc.id)[0].text == "on doc, revised"
    project.edit_memo(memo, "")  # an empty text deletes
    assert project.memos_of("document", doc.id) == []
    assert len(project.memos()) == 3
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
    doc = project.add_document("r3", old, paragraphs=paragraphs)
    kept = project.code_text(doc, *span(doc, "my friend"), "Networks", "ann")
    changed = project.code_text(doc, *span(doc, "Because of Ivan Petrov"), "Names", "ann")
    moved = project.code_text(doc, *span(doc, "We met at the march"), "Protest", "ann")
    lost = project.code_text(doc, *span(doc, "Anger 😀 drove"), "Anger", "ann")
    project.add_memo("coding", lost.id, "key quote", "ann")
    new = (
        "R3: We met at the march in Almaty.\n"  # moved to the top
        "Interviewer: Why?\n"
        "R3: Because of ***, my friend.\n"  # pseudonymised
        "R3: 👍🏽 yes.\n"  # the coded words are gone
    )
    entries = len(project.history.entries)
    report = project.edit_document_text(project.document("r3"), new)
    assert len(project.history.entries) == entries + 1  # one undoable step
    doc = project.document("r3")
    assert doc.text == new
    codings = project.state.tables["codings"]
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
    assert [m.text for m in project.memos_of("document", doc.id)] == ["key quote"]
    sound(project)

    # paragraphs follow the new text; cue times stay with the turns that survived
    assert [(p.start, p.end) for p in doc.paragraphs] == [
        (p.start, p.end) for p in _paragraphs(new)
    ]
    times = {new[p.start : p.end]: p.begin_time for p in doc.paragraphs}
    assert times["Interviewer: Why?"] == "00:00:00.000"
    assert times["R3: Because of ***, my friend."] == "00:00:01.000"

    project.undo()
    assert project.document("r3").text == old
    assert project.state.tables["codings"][lost.id].text == "Anger 😀 drove"
    assert project.memos_of("coding", lost.id)[0].text == "key quote"
    assert project.document("r3").paragraphs == paragraphs
    sound(project)
    project.redo()
    assert project.document("r3").text == new
    sound(project)
    assert project.edit_document_text(project.document("r3"), new).kept == []  # no change


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
    doc = project.add_document("d", old, paragraphs=cues)
    project.edit_document_text(doc, new)
    paragraphs = project.document("d").paragraphs
    assert [(p.start, p.end) for p in paragraphs] == [(p.start, p.end) for p in _paragraphs(new)]
    assert [p.begin_time and p.begin_time[1] for p in paragraphs] == expected
    assert all(p.end_time == (p.begin_time and p.begin_time + ".9") for p in paragraphs)


def test_edited_paragraphs_keep_speakers_the_importer_knew(project):
    old = "speaker 1: hello\nspeaker 2: hi\n"  # lower case: the text rules do not see a label
    cues = [Paragraph(0, 16, "speaker 1", "00:01"), Paragraph(17, 30, "speaker 2", "00:02")]
    doc = project.add_document("d", old, paragraphs=cues)
    project.edit_document_text(doc, "speaker 1: hello there\nspeaker 2: hi\n")
    paragraphs = project.document("d").paragraphs
    assert [p.speaker for p in paragraphs] == ["speaker 1", "speaker 2"]
    project.edit_document_text(project.document("d"), "speaker 1: hello there\nhi\n")
    assert [p.speaker for p in project.document("d").paragraphs] == ["speaker 1", None]


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
            doc = project.add_document("d", random_texts.text(rng, 6))
            for _ in range(8):
                if len(doc.text) > 1:
                    s = rng.randrange(len(doc.text) - 1)
                    project.code_text(doc, s, rng.randint(s + 1, len(doc.text)), "X", "ann")
            for _ in range(rounds + 1):
                before = {c.id: c for c in project.state.tables["codings"].values()}
                new_text = random_texts.edit(rng, doc.text)
                if new_text == doc.text:
                    continue
                report = project.edit_document_text(doc, new_text)
                doc = project.document("d")
                after = set(project.state.tables["codings"])
                reported = report.kept + report.changed + report.reanchored
                assert {c.id for c in reported} == after
                assert set(before) - after == {c.id for c in report.lost + report.merged}
                keys = [(c.code, c.start, c.end, c.coder) for c in project.codings_of_document(doc)]
                assert len(keys) == len(set(keys)), "two identical codings"
                for coding in report.kept + report.reanchored:
                    assert coding.text == before[coding.id].text
                    assert project.state.tables["codings"][coding.id] == coding
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
    doc = project.add_document("r3", TEXT)
    code = project.ensure_code("Motivation/Anger")
    project.edit_document_text(doc, "Preface.\n" + TEXT)  # `doc` is now an old copy
    coding = project.code_text(doc, 9, 21, code, "ann")
    assert coding.text == project.document("r3").text[9:21] == "Interviewer:"
    project.assign_case(doc, "Respondent 3")
    assert project.document("r3").text.startswith("Preface.")  # not reverted by the old copy
    project.edit_document_text(doc, "Preface!\n" + TEXT)
    assert project.document("r3").text == "Preface!\n" + TEXT
    assert project.case_of(project.document("r3")).name == "Respondent 3"
    sound(project)

    renamed = project.rename_code(code, "Rage")  # `code` is now an old copy
    project.set_theme(code, True)
    assert project.code_path(project.find_code(renamed.id)) == "Motivation/Rage"
    project.describe_code(code, description="d")
    project.color_code(code, "#123456")
    current = project.find_code(renamed.id)
    assert (current.name, current.is_theme, current.description) == ("Rage", True, "d")
    sound(project)

    gone = project.ensure_code("Gone")
    project.delete_code(gone)
    for attempt in (
        lambda: project.code_text(project.document("r3"), 0, 5, gone, "ann"),
        lambda: project.move_code(code, gone),
        lambda: project.merge_codes(code, gone),
        lambda: project.rename_code(gone, "Back"),
    ):
        with pytest.raises(WorkbenchError, match="no longer exists"):
            attempt()
    project.uncode(coding)
    with pytest.raises(WorkbenchError, match="no longer exists"):
        project.uncode(coding)
    memo = project.add_memo("project", None, "m", "ann")
    project.undo()
    with pytest.raises(WorkbenchError, match="no longer exists"):
        project.edit_memo(memo, "again")
    sound(project)


def test_an_edit_never_leaves_two_identical_codings(project, sound):
    doc = project.add_document("d", "Respondent 1: anger, then more anger.\n")
    first = project.code_text(doc, 14, 19, "Anger", "ann")
    second = project.code_text(doc, 31, 36, "Anger", "ann")
    other = project.code_text(doc, 14, 19, "Anger", "bob")  # another coder's: not a duplicate
    project.add_memo("coding", first.id, "the first time", "ann")
    report = project.edit_document_text(doc, "Respondent 1: then more anger.\n")
    # the first "anger" is gone; its coding would land on the second, already coded the same way
    assert [c.id for c in report.merged] == [first.id]
    assert [c.id for c in report.kept] == [second.id]
    assert [c.id for c in report.reanchored] == [other.id]
    assert set(project.state.tables["codings"]) == {second.id, other.id}
    assert [m.text for m in project.memos_of("coding", second.id)] == ["the first time"]
    sound(project)
    project.uncode(project.coding(second.id))
    sound(project)
    assert project.code_text(project.document("d"), 24, 29, "Anger", "bob").id == other.id
    project.undo()
    project.undo()
    assert set(project.state.tables["codings"]) == {first.id, second.id, other.id}
    sound(project)
