"""Speaker turns as part of the text model: labels, header lines, roles, times, trimming,
attribution, and older project files gaining roles."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.analysis.attribution import attribution
from workbench.core.model import Paragraph
from workbench.core.project import Project
from workbench.core.turns import (
    Turns,
    detect_roles,
    paragraphs_of,
    role_of_label,
    segment_of,
)
from workbench.errors import WorkbenchError
from workbench.io.importers import read_transcript
from workbench.store import fileformat

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"


def speakers(text: str) -> list[str | None]:
    return [p.speaker for p in paragraphs_of(text)]


def roles_of(text: str, interviewers=()) -> dict[str, str]:
    return detect_roles(text, paragraphs_of(text, interviewers), interviewers)


# --------------------------------------------------------------------------- what a label is
def test_english_interview_with_header_lines() -> None:
    text = (
        "Interview 1. Respondent 1 (she/her), Almaty, in person.\n"
        "Date: 12 May 2024\n"
        "Duration: 52 minutes\n"
        "Place: a café near the Green Bazaar\n"
        "\n"
        "Interviewer: How did you first come to activism?\n"
        "Respondent 1: Through friends. My friend A. said: come with me.\n"
        "It was a film club, I thought.\n"
        "Interviewer: And then?\n"
        "Respondent 1: Then I stayed.\n"
    )
    assert speakers(text) == [
        None, None, None, None,
        "Interviewer", "Respondent 1", None, "Interviewer", "Respondent 1",
    ]
    assert roles_of(text) == {"Interviewer": "interviewer", "Respondent 1": "respondent"}
    turns = Turns(text, paragraphs_of(text))
    assert [t.speaker for t in turns] == [None, "Interviewer", "Respondent 1", "Interviewer",
                                          "Respondent 1"]
    second = turns[2]  # "a paragraph without a label continues the previous turn"
    assert text[second.utterance:second.end] == (
        "Through friends. My friend A. said: come with me.\nIt was a film club, I thought."
    )


def test_russian_with_kazakh_words() -> None:
    text = (
        "Интервью 5. Алматы, очно.\n"
        "Дата: 3 марта 2024\n"
        "Сұхбат алушы: Қалыңыз қалай? Как вы пришли в активизм?\n"
        "Респондент: Жақсы. Әже айтты: «қорықпа», и я пошла.\n"
        "Модератор: А потом?\n"
        "Респондентка 2: Потом — ұят, стыд.\n"
    )
    assert speakers(text) == [
        None, None, "Сұхбат алушы", "Респондент", "Модератор", "Респондентка 2",
    ]
    assert roles_of(text) == {
        "Сұхбат алушы": "interviewer",
        "Респондент": "respondent",
        "Модератор": "interviewer",
        "Респондентка 2": "respondent",
    }


def test_names_count_when_they_recur_and_the_asker_is_the_interviewer() -> None:
    text = (
        "Aigerim: Как ты пришла в активизм?\n"
        "Dana: Через друзей. Almaty: a city of apples, you know.\n"
        "Aigerim: А потом? Что было дальше?\n"
        "Dana: Осталась.\n"
        "Almaty: not a speaker, said once\n"
        "so I said: no\n"
    )
    assert speakers(text) == ["Aigerim", "Dana", "Aigerim", "Dana", None, None]
    assert roles_of(text) == {"Aigerim": "interviewer", "Dana": "respondent"}
    # the user knows better: the named label is the interviewer's, the other the respondent's
    assert roles_of(text, ["Dana"]) == {"Aigerim": "respondent", "Dana": "interviewer"}


def test_other_forms_of_labels() -> None:
    brackets = "[Aigerim] Hello?\n[Dana] Hi.\n[Aigerim]: And?\n[Dana] So.\n[Laughter] [laughs] ok\n"
    assert speakers(brackets) == ["Aigerim", "Dana", "Aigerim", "Dana", None]
    once = "[Aigerim] Hello?\n[Dana] Hi.\n[Aigerim]: And?\n"
    assert speakers(once) == ["Aigerim", None, "Aigerim"]  # a label is one that recurs
    markdown = "**Interviewer:** Why?\n**Respondent**: Because.\n"
    assert speakers(markdown) == ["Interviewer", "Respondent"]
    short = "I: Why?\nR: Because.\nQ: And?\nA: So.\n"
    assert roles_of(short) == {"I": "interviewer", "R": "respondent", "Q": "interviewer",
                               "A": "respondent"}
    timed = "[00:12:31] Interviewer: Why?\nSpeaker 2 (00:12:40): Because.\n"
    turns = Turns(timed, paragraphs_of(timed))
    assert [(t.speaker, t.time) for t in turns] == [
        ("Interviewer", "00:12:31"), ("Speaker 2", "00:12:40"),
    ]
    assert timed[turns[1].utterance:turns[1].end] == "Because."
    assert roles_of(timed) == {"Interviewer": "interviewer", "Speaker 2": "respondent"}


def test_otter_labels_on_a_line_of_their_own() -> None:
    text = "Speaker 1  0:03\nHello, how are you?\nSpeaker 2  0:07\nFine, thanks.\n"
    paragraphs = paragraphs_of(text)
    assert [p.speaker for p in paragraphs] == ["Speaker 1", None, "Speaker 2", None]
    turns = Turns(text, paragraphs)
    assert [text[t.utterance:t.end] for t in turns] == ["Hello, how are you?", "Fine, thanks."]
    assert [t.time for t in turns] == ["00:00:03", "00:00:07"]
    assert detect_roles(text, paragraphs) == {"Speaker 1": "interviewer",
                                              "Speaker 2": "respondent"}
    # a selection from the label line on codes the utterance
    assert Turns(text, paragraphs).trim(0, 35) == (16, 35)


def test_role_words() -> None:
    assert role_of_label("Interviewer 2") == "interviewer"
    assert role_of_label("R3") == "respondent"
    assert role_of_label("Translator") == "other"
    assert role_of_label("Интервьюер") == "interviewer"
    assert role_of_label("Сұхбат алушы") == "interviewer"
    assert role_of_label("Айгерим") is None


def test_vtt_voices_and_their_roles() -> None:
    teams = read_transcript(FIXTURES / "teams_meeting.vtt")
    roles = detect_roles(teams.text, teams.paragraphs)
    # nobody is called Interviewer: the one asking is
    assert roles == {"Aigerim Bekova": "interviewer", "Respondent 2": "respondent"}
    zoom = read_transcript(FIXTURES / "zoom_interview.vtt")
    turns = Turns(zoom.text, zoom.paragraphs)
    assert [t.time for t in turns] == ["00:00:02", "00:00:11", "00:00:20", "00:00:23"]
    assert all(zoom.text[t.start:t.utterance] == f"{t.speaker}: " for t in turns)


def test_a_lone_speaker_is_the_respondent_and_unsure_speakers_are_other() -> None:
    assert roles_of("Dana: one.\nDana: two.\n") == {"Dana": "respondent"}
    assert roles_of("Dana: one.\nAsel: two.\nDana: three.\nAsel: four.\n") == {
        "Dana": "other", "Asel": "other",
    }


# --------------------------------------------------------------------------- trimming and times
TEXT = (
    "Interviewer: Why activism? [00:01:05]\n"
    "Respondent: Anger, mostly.\n"
    "And privilege.\n"
    "Interviewer: [00:02:10] Who brought you in?\n"
    "Respondent: My sister.\n"
)


def test_trim_to_the_utterance_and_times() -> None:
    turns = Turns(TEXT, paragraphs_of(TEXT))
    anger = TEXT.index("Anger")
    label = TEXT.index("Respondent:")
    assert turns.trim(label + 3, anger + 5) == (anger, anger + 5)  # starts inside the label
    assert turns.trim(label, anger + 5) == (anger, anger + 5)
    privilege_end = TEXT.index("privilege.") + len("privilege.")
    # ends inside the next label: back before it and the line break
    assert turns.trim(anger, TEXT.index("Interviewer: [") + 5) == (anger, privilege_end)
    assert turns.trim(label, label + 5) == (label, label + 5)  # only a label: as it was
    seg = turns.segment(label, privilege_end, {"Respondent": "respondent"})
    assert (seg.text, seg.speaker, seg.role, seg.time) == (
        "Anger, mostly.\nAnd privilege.", "Respondent", "respondent", "00:01:05",
    )
    sister = TEXT.index("My sister")
    assert turns.segment(sister, sister + 2, {}).time == "00:02:10"
    assert turns.segment(0, 5, {}).time is None
    marked = "00:15:00\nRespondent: one\n01:02:03.5 two\n"
    turns = Turns(marked, paragraphs_of(marked))
    assert turns.time_at(0) == "00:15:00" and turns.time_at(marked.index("one")) == "00:15:00"
    assert turns.time_at(marked.index("two")) == "01:02:03"


LABELLED = st.sampled_from(
    ["", "", "", "Interviewer: ", "Respondent 3: ", "[Айгерим] ", "R2: ", "Date: ", "Q: "]
)
WORDS = st.sampled_from(["anger", "қыз", "😂", "e\u0301", "—", "so", "Why?", "да.", "  "])


@st.composite
def transcripts(draw):
    lines = draw(st.lists(st.tuples(LABELLED, st.lists(WORDS, max_size=6)), max_size=8))
    text = "\n".join(label + " ".join(words) for label, words in lines)
    text = unicodedata.normalize("NFC", text)
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, len(text)))
    return text, a, b


@given(transcripts())
def test_a_segment_never_begins_or_ends_in_a_label(case) -> None:
    text, a, b = case
    paragraphs = paragraphs_of(text)
    turns = Turns(text, paragraphs)
    covered = [i for t in turns for i in range(t.start, t.utterance)]
    for turn in turns:
        assert turn.start <= turn.utterance <= turn.end
    if a == b:
        return
    s, e = turns.trim(a, b)
    assert (s, e) == (a, b) or a <= s < e <= b
    if (s, e) != (a, b):
        assert s not in covered and e - 1 not in covered
        assert not text[s:e][-1:].isspace() or e == b
    segment = turns.segment(a, b, detect_roles(text, paragraphs))
    assert segment.text == text[segment.start:segment.end]
    assert segment.role is None or segment.speaker is not None


# --------------------------------------------------------------------------- the project API
def test_set_roles_is_undoable_and_checked(project: Project) -> None:
    doc = project.documents.add(
        "d", "Aigerim: Привет?\nDana: Привет.\nAigerim: Как ты?\nDana: Хорошо.\n"
    )
    assert doc.roles == {"Aigerim": "interviewer", "Dana": "respondent"}
    doc = project.documents.set_roles(doc, {"Aigerim": "other"})
    assert project.documents.named("d").roles["Aigerim"] == "other"
    project.undo()
    assert project.documents.named("d").roles["Aigerim"] == "interviewer"
    with pytest.raises(WorkbenchError, match="no speaker label 'Zhanar'.*Aigerim, Dana"):
        project.documents.set_roles(doc, {"Zhanar": "respondent"})
    with pytest.raises(WorkbenchError, match="interviewer, respondent or other"):
        project.documents.set_roles(doc, {"Dana": "boss"})
    assert project.documents.speakers(project.documents.named("d")) == [
        ("Aigerim", "interviewer", 2), ("Dana", "respondent", 2),
    ]


def test_a_label_named_by_the_user_becomes_one(project: Project) -> None:
    doc = project.documents.add("d", "Zhanar: Как ты?\nRespondent: Хорошо.\n")
    assert [p.speaker for p in doc.paragraphs] == [None, "Respondent"]  # said once: not a label
    doc = project.documents.set_roles(doc, {"Zhanar": "interviewer"})
    assert [p.speaker for p in doc.paragraphs] == ["Zhanar", "Respondent"]
    assert doc.roles == {"Respondent": "respondent", "Zhanar": "interviewer"}
    other = project.documents.add("e", "Zhanar: Как ты?\nRespondent: Хорошо.\n",
                                  interviewers=["Zhanar"])
    assert other.roles == {"Zhanar": "interviewer", "Respondent": "respondent"}


def test_a_renamed_label_keeps_its_role_and_the_old_name_goes(project: Project) -> None:
    text = "[Aigerim] Как ты пришла?\n[Dana] Через друзей.\n[Aigerim] А потом?\n[Dana] Всё.\n"
    doc = project.documents.add("d", text)
    project.documents.set_roles(doc, {"Dana": "other"})
    project.documents.edit_text(project.documents.named("d"), text.replace("Aigerim", "Person A"))
    doc = project.documents.named("d")
    assert doc.roles == {"Person A": "interviewer", "Dana": "other"}
    assert "Aigerim" not in json.dumps(project.to_data()["documents"], ensure_ascii=False)


def test_codings_segments_and_attribution(project: Project) -> None:
    doc = project.documents.add("r3", TEXT, case="Respondent 3", attributes={"city": "Almaty"})
    label = TEXT.index("Respondent:")
    said = project.codings.add(doc, label, TEXT.index("mostly") + 6, "Anger", "ann")
    asked = project.codings.add(doc, TEXT.index("Who"), TEXT.index("in?") + 3, "Q", "ann")
    seg = project.codings.segment(said)
    assert seg.text == "Anger, mostly" and said.start == label  # the coding stays as coded
    assert attribution(project, doc, seg) == "Respondent 3"
    assert attribution(project, doc, seg, attrs=["city"], with_time=True) == (
        "Respondent 3, Almaty, 00:01:05"
    )
    seg = project.codings.segment(asked)
    assert attribution(project, doc, seg) == "Interviewer, interview with Respondent 3"
    group = project.documents.add("fg", "Moderator: Why?\nR1: Anger.\nR2: Fear.\n",
                                  case="Focus group 1")
    r2 = group.text.index("Fear")
    seg = segment_of(group, r2, r2 + 4)
    assert attribution(project, group, seg) == "R2, Focus group 1"
    notes = project.documents.add("notes", "The meeting was tense.\n")
    assert attribution(project, notes, segment_of(notes, 4, 11)) == "notes"


def test_remove_a_document_and_undo(project: Project, sound) -> None:
    doc = project.documents.add("r3", TEXT, case="Respondent 3")
    coding = project.codings.add(doc, 13, 26, "Why", "ann")
    project.memos.add("coding", coding.id, "on the coding", "ann")
    project.memos.add("document", doc.id, "on the document", "ann")
    project.memos.add("case", doc.case, "on the case", "ann")
    removed = project.documents.remove(doc)
    assert (removed.codings, removed.memos) == (1, 2)
    assert not project.documents and not project.codings
    assert [m.text for m in project.memos.all()] == ["on the case"]  # the case stays
    assert project.cases.named("Respondent 3")
    sound(project)
    project.undo()
    assert len(project.codings) == 1 and len(project.memos) == 3
    sound(project)


# --------------------------------------------------------------------------- older files
def test_a_schema_1_project_gains_roles_and_keeps_its_codings(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    text = "Date: 12 May\nInterviewer: Why?\nRespondent: Anger, mostly.\n"
    with Project.create(path) as project:
        doc = project.documents.add("r1", text)
        project.codings.add(doc, text.index("Anger"), len(text) - 1, "Anger", "ann")
    data = json.loads(path.read_bytes())
    data["meta"]["project"]["schema"] = 1
    for rec in data["documents"].values():  # as schema 1 stored it, "Date" read as a label
        del rec["roles"]
        rec["paragraphs"][0]["speaker"] = "Date"
    path.write_bytes(fileformat.render_data(data))

    with Project.open(path, write=True) as project:
        doc = project.documents.named("r1")
        assert doc.roles == {"Interviewer": "interviewer", "Respondent": "respondent"}
        assert [p.speaker for p in doc.paragraphs] == [None, "Interviewer", "Respondent"]
        (coding,) = project.codings.values()
        assert coding.text == "Anger, mostly."
    saved = json.loads(path.read_bytes())
    assert saved["meta"]["project"]["schema"] == fileformat.SCHEMA_VERSION
    assert next(iter(saved["documents"].values()))["roles"]["Respondent"] == "respondent"


def test_damaged_roles_are_reported_by_check(tmp_path: Path) -> None:
    from workbench.core.integrity import check_data

    with Project.create(tmp_path / "p.json") as project:
        project.documents.add("r1", "Interviewer: Why?\nRespondent: Because.\n")
        data = project.to_data()
    rec = next(iter(data["documents"].values()))
    rec["roles"] = {"Interviewer": "boss"}
    assert any("speaker roles" in p for p in check_data(data))


def test_paragraph_lists_from_importers_are_kept(project: Project) -> None:
    # lower-case labels the text rules do not take, from an importer that knew them
    cues = [Paragraph(0, 16, "speaker 1", "00:00:01.000"), Paragraph(17, 30, "speaker 2")]
    doc = project.documents.add("d", "speaker 1: hello\nspeaker 2: hi\n", paragraphs=cues)
    assert [t.speaker for t in project.documents.turns(doc)] == ["speaker 1", "speaker 2"]
    assert project.documents.segment(doc, 0, 16).text == "hello"


def test_the_label_patterns_are_compiled_when_first_used() -> None:
    """Importing the module (every start of the interface) compiles none of them."""
    import subprocess
    import sys

    script = (
        "import workbench.core.turns as t\n"
        "lazy = (t._NUMBERED, t._COLON, t._BRACKET, t._ALONE, t._VALUE_REST, t._TIME_IN_LABEL)\n"
        "print(sum(p._compiled is None for p in lazy))\n"
        "print(t.speaker_of('Dana [00:01:02]: so, yes'), t.role_of_label('Interviewer 2'))\n"
        "print(t.label_of('Dana 0:03', ('Dana',)).time, t.speaker_of('Date: 12 May 2024'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["6", "Dana interviewer", "00:00:03 None"]
