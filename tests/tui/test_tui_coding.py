"""Pilot tests of the coding keys: each asserts what the project holds afterwards."""

from __future__ import annotations

import tui_support
from tui_support import INTERVIEW_1, code_picker_of, paths_of, picker_of, quit_app, reopen

from workbench.tui.screens.dialogs import PickerScreen


def para(line_no: int) -> tuple[int, int]:
    """Offsets of a line of INTERVIEW_1 (1-based)."""
    lines = INTERVIEW_1.split("\n")
    start = sum(len(line) + 1 for line in lines[: line_no - 1])
    return start, start + len(lines[line_no - 1])


def words(line_no: int) -> tuple[int, int]:
    """Offsets of the words of a line of INTERVIEW_1 (1-based), after its speaker label."""
    start, end = para(line_no)
    return INTERVIEW_1.index(": ", start) + 2, end


def test_code_paragraph_with_new_code_via_picker(drive, study):
    async def scenario(pilot, app):
        await pilot.press("j")  # line 2: the first answer
        await pilot.press("c")
        assert code_picker_of(app) is not None
        await pilot.press(*"Belonging", "enter")
        assert isinstance(app.screen, PickerScreen)  # under which theme? "none" first
        await pilot.press("enter")
        await pilot.pause()
        assert picker_of(app) is None
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    start, end = words(2)  # the words of the turn, never its label
    assert ("Interview 1", "Belonging", INTERVIEW_1[start:end]) in paths_of(project)
    belonging = project.codebook.find("Belonging").id
    coding = next(c for c in project.codings.values() if c.code == belonging)
    assert coding.start == start
    assert (coding.end, coding.coder) == (end, "ann")


def test_new_code_under_a_theme(drive, study):
    async def scenario(pilot, app):
        await pilot.press("j", "c", *"Fear", "enter")
        await pilot.press(*"Motiv", "enter")  # the theme picker, filtered
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    start, end = words(2)
    assert ("Interview 1", "Motivation/Fear", INTERVIEW_1[start:end]) in paths_of(reopen(study))


def test_picker_applies_existing_code_and_escape_cancels(drive, study):
    async def scenario(pilot, app):
        await pilot.press("c", "escape")
        assert picker_of(app) is None
        # from the first turn's label: the words of turns 2, 4, 5 (line 3 is blank)
        await pilot.press(*["right_square_bracket"] * 3)
        await pilot.press("c", *"call", "enter")
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    start, end = words(5)
    assert ("Interview 1", "Motivation/Calling", INTERVIEW_1[start:end]) in paths_of(reopen(study))


def test_selection_then_code(drive, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        start = INTERVIEW_1.index("my calling")
        view.move_cursor(start)
        await pilot.press("v", *["right"] * len("my calling"))
        assert view.selection == (start, start + len("my calling"))
        await pilot.press("c", *"Calling", "enter")
        await pilot.pause()
        assert view.selection is None
        await quit_app(pilot, app)

    drive(scenario)
    assert ("Interview 1", "Motivation/Calling", "my calling") in paths_of(reopen(study))


def test_recent_code_with_1_and_2(drive, study):
    async def scenario(pilot, app):
        # recent codes come from ann's newest codings: Anger (newest), then Networks
        await pilot.press(*["right_square_bracket"] * 3, "1")  # line 5
        await pilot.pause()
        await pilot.press("right_square_bracket", "2")  # line 6
        await pilot.pause()
        await pilot.press("9")  # no ninth recent code: a notice, nothing changes
        await quit_app(pilot, app)
        assert any("No recent code 9" in n for n in app.notices)

    drive(scenario)
    found = paths_of(reopen(study))
    s5, e5 = words(5)
    s6, e6 = words(6)
    assert ("Interview 1", "Motivation/Anger", INTERVIEW_1[s5:e5]) in found
    assert ("Interview 1", "Networks", INTERVIEW_1[s6:e6]) in found
    # line 5 with Anger took in ann's "Anger, honestly" there: one segment, not two
    assert len(found) == 4


def test_in_vivo(drive, study):
    words = "queer people"
    start = INTERVIEW_1.index(words)

    async def scenario(pilot, app):
        await pilot.press("i")  # nothing selected: a notice
        assert any("Select the words" in n for n in app.notices)
        app.main_screen.transcript.move_cursor(start)
        await pilot.press("v", *["right"] * len(words), "i")
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    assert ("Interview 1", "queer people", "queer people") in paths_of(project)
    assert project.codebook.find("queer people").parent is None


def test_uncode_single_and_asks_which_of_several(drive, study):
    anger = INTERVIEW_1.index("Anger, honestly")

    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(anger + 2)
        await pilot.press("2")  # the whole of line 5 with Networks, the second recent code
        await pilot.pause()
        # two codings cover the cursor now: "Anger, honestly" (innermost) and the paragraph
        # (with Anger it would have extended "Anger, honestly": one coding, no question)
        view.move_cursor(anger + 2)
        await pilot.press("x")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        view.move_cursor(INTERVIEW_1.index("Through friends") + 1)
        await pilot.press("x")
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    found = [f for f in paths_of(reopen(study)) if f[0] == "Interview 1"]
    assert found == [("Interview 1", "Motivation/Anger", "Anger, honestly")]


def test_undo_and_redo_name_the_step(drive, study):
    async def scenario(pilot, app):
        await pilot.press("j", "c", *"Friends", "enter", "enter")
        await pilot.pause()
        assert "Friends" in [c.name for c in app.project.codebook.all()]
        await pilot.press("u")
        await pilot.pause()
        assert "Friends" not in [c.name for c in app.project.codebook.all()]
        assert app.notices[-1] == "Undone: code Friends"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.notices[-1] == "Redone: code Friends"
        assert app.main_screen.transcript.codings_at(words(2)[0] + 1)
        await quit_app(pilot, app)

    drive(scenario)
    assert ("Interview 1", "Friends", INTERVIEW_1[slice(*words(2))]) in paths_of(reopen(study))


def test_memo_on_coding_and_on_document(drive, study):
    async def scenario(pilot, app):
        screen = app.main_screen
        screen.transcript.move_cursor(INTERVIEW_1.index("Through friends") + 3)
        await pilot.press("m")
        assert screen.memo_pane.text_area.has_focus
        await pilot.press(*"Friends first", "ctrl+s")
        await pilot.pause()
        await pilot.press("escape")  # back to the transcript
        assert screen.transcript.has_focus
        screen.transcript.move_cursor(para(4)[0])  # no coding here: the document
        await pilot.press("m", "end", "enter", *"Tired voice", "tab")  # leaving saves
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    codings = project.codings.values()
    coding = next(c for c in codings if c.text == "Through friends")
    assert [m.text for m in project.memos.about("coding", coding.id)] == ["Friends first"]
    doc = project.documents.named("Interview 1")
    assert [m.text for m in project.memos.about("document", doc.id)] == [
        "Long pauses before the answers.\nTired voice"
    ]


def test_emptied_memo_is_deleted(drive, study):
    async def scenario(pilot, app):
        await pilot.press("m")
        app.main_screen.memo_pane.text_area.clear()
        await pilot.press("escape")
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    assert project.memos.about("document", project.documents.named("Interview 1").id) == []


def test_copy_quote_with_case_label(drive, study, monkeypatch):
    copied: list[str] = []

    async def scenario(pilot, app):
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        app.main_screen.transcript.move_cursor(INTERVIEW_1.index("Anger, honestly") + 1)
        await pilot.press("y")
        await pilot.pause()
        assert "▸ The quote “Anger, honestly”" in tui_support.screen_text(app)  # in the status line
        assert not app.screen.query("Toast")
        monkeypatch.setenv("TMUX", "/tmp/tmux-1/default,1,0")
        app.main_screen.transcript.move_cursor(para(6)[0])
        await pilot.press("y", "y")

    app = drive(scenario)
    assert copied == [
        "“Anger, honestly” (Respondent 1)",
        "“And a feeling that it is my calling, not a job.” (Respondent 1)",  # not the label
        "“And a feeling that it is my calling, not a job.” (Respondent 1)",
    ]
    said = [n for n in app.notices if "OSC 52" in n]
    assert len(said) == 3 and not any("set-clipboard" in n for n in said)
    hints = [n for n in app.notices if "set -g set-clipboard on" in n]
    assert len(hints) == 1  # the tmux hint once a session


def test_search_and_matches(drive, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(0)
        await pilot.press("slash", *"anger", "enter")
        await pilot.pause()
        assert view.match_count == 2
        assert view.has_focus
        first = view.cursor
        assert first == INTERVIEW_1.lower().index("anger")  # the first match, not the second
        await pilot.press("ctrl+n")
        assert view.cursor == INTERVIEW_1.lower().index("anger", first + 1)
        await pilot.press("slash", *"zzz", "escape")
        assert view.match_count == 0

    app = drive(scenario)
    assert any("2 matches" in n for n in app.notices)


def test_next_coded_segment_and_paragraph_keys(drive, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        await pilot.press("n")
        assert view.cursor == INTERVIEW_1.index("Through friends")
        await pilot.press("right_square_bracket")
        assert view.line_number(view.cursor) == 4


def test_recent_codes_of_a_fresh_ui_state_are_my_last_uses(drive, tmp_path):
    """With no recent codes kept, they come from my codings, the code I used last first:
    a code's newest use counts (not its first), and another coder's codings do not."""
    import dataclasses

    from workbench.core.project import Project

    text = "Interviewer: Why?\nR1: One.\nR1: Two.\nR1: Three.\nR1: Four.\nR1: Five.\n"
    folder = tmp_path / "recent"
    with Project.create(folder, name="recent") as project:
        doc = project.documents.add("r1", text, case="R1")
        uses = [("Alpha", "ann", "10"), ("Beta", "ann", "20"), ("Alpha", "ann", "30"),
                ("Gamma", "bob", "40")]
        for n, (code, coder, second) in enumerate(uses):
            start = text.index(["One", "Two", "Three", "Four"][n])
            coding = project.codings.add(doc, start, start + 3, code, coder)
            with project.recorder.unrecorded():
                project.codings.put(dataclasses.replace(
                    coding, created=f"2024-05-01T10:00:{second}Z"))
    path = folder / "project.json"

    async def scenario(pilot, app):
        recent = [code.name for code in app.main_screen.coding.recent_codes()]
        assert recent == ["Alpha", "Beta"]  # Alpha's last use is the newest; not bob's Gamma
        await quit_app(pilot, app)

    drive(scenario, path=path)
