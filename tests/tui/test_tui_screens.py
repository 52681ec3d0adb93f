"""Pilot tests of documents, cases, memo review, help, palette, keymap, restart and saving."""

from __future__ import annotations

import json
import os

from hypothesis import given
from hypothesis import strategies as st
from tui_support import (
    INTERVIEW_1,
    INTERVIEW_2,
    code_picker_of,
    paths_of,
    picker_of,
    quit_app,
    reopen,
    screen_text,
    until,
)

from workbench.core.project import Project
from workbench.tui import saver as saver_module
from workbench.tui.clipboard import copy_text, has_local_display
from workbench.tui.keymap import known_ids
from workbench.tui.saver import SaveState
from workbench.tui.screens.dialogs import ConfirmScreen, rank
from workbench.tui.screens.documents import CaseScreen
from workbench.tui.screens.help import HelpScreen, help_rows
from workbench.tui.screens.memo_review import MemoReviewScreen
from workbench.tui.uistate import UIState


def test_switch_document_with_g(drive):
    async def scenario(pilot, app):
        await pilot.press("g")
        await until(pilot, lambda: picker_of(app, "Go to document") is not None)
        text = screen_text(app)
        assert "Interview 2" in text and "Respondent 2 · 1 coding " in text
        assert "no case · 0 codings" in text
        await pilot.press(*"notes", "enter")
        await until(pilot, lambda: app.main_screen.document.name == "Field notes")
        assert "no case (A to assign one)" in screen_text(app)

    drive(scenario)


def test_state_restored_on_restart(drive, study, tmp_path):
    offset = INTERVIEW_2.index("Злость")

    async def first(pilot, app):
        app.main_screen.go_to(app.project.documents.named("Interview 2").id, offset)
        await pilot.press("j", "k")  # move away and back: the cursor is kept by line moves
        app.main_screen.transcript.move_cursor(offset)
        await quit_app(pilot, app)

    drive(first)
    state_files = list((tmp_path / "state" / "workbench").glob("*.json"))
    assert len(state_files) == 1
    assert oct(state_files[0].stat().st_mode & 0o777) == "0o600"
    saved = json.loads(state_files[0].read_text())
    assert saved["document"] == reopen(study).documents.named("Interview 2").id

    async def second(pilot, app):
        screen = app.main_screen
        assert screen.document.name == "Interview 2"
        assert screen.transcript.cursor == offset
        assert screen.transcript.has_focus

    drive(second)


def test_case_attributes_edit_and_assign(drive, study):
    async def scenario(pilot, app):
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        area = app.screen.query_one("#case-attributes")
        assert area.text == "age: 34\ncity: Almaty\npronouns: she/her\n"  # and a line to add
        area.text = "city: Shymkent\npronouns: she/her\nlanguage: Kazakh, Russian\n"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, CaseScreen))
        # the header shortens the values that do not fit, and drops none of them
        header = screen_text(app).splitlines()[0]
        assert "city: Sh" in header and "language: Ka" in header and "pronouns: sh" in header
        await pilot.press("g", *"field", "enter")
        await until(pilot, lambda: app.main_screen.document.name == "Field notes")
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        app.screen.query_one("#case-name").value = "Respondent 2"
        app.screen.query_one("#case-attributes").text = "pronouns: he/him\ncity: Astana\nrole: x"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Move “Field notes” to the case Respondent 2? Its attributes become" in (
            screen_text(app))
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (CaseScreen, ConfirmScreen)))
        await pilot.press("u")  # one undo step takes both the assignment and the attribute
        await pilot.press("ctrl+r")
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    assert project.cases.named("Respondent 1").attributes == {
        "city": "Shymkent", "pronouns": "she/her", "language": "Kazakh, Russian",
    }
    assert project.cases.of(project.documents.named("Field notes")).name == "Respondent 2"
    assert project.cases.named("Respondent 2").attributes["role"] == "x"


def test_memo_review_filters_and_opens_targets(drive, study):
    with Project.open(study, write=True) as project:
        coding = next(c for c in project.codings.values() if c.text == "Злость")
        project.memos.add("coding", coding.id, "Anger said in Russian, with a laugh.", "bob")

    async def scenario(pilot, app):
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, MemoReviewScreen))
        screen = app.screen
        assert len(screen.shown) == 3
        assert screen.shown[0].author == "bob"  # newest first
        # a coding memo shows the passage coded, with who said it; its words filter too
        assert "«Злость» (Respondent 2)" in screen_text(app)
        await pilot.press(*"злость")
        assert [m.author for m in screen.shown] == ["bob"]
        await pilot.press(*["backspace"] * 6)
        await pilot.press("ctrl+t", "ctrl+t")  # kind: project, then document
        assert [m.target_kind for m in screen.shown] == ["document"]
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t", "ctrl+t")  # back to all
        await pilot.press(*"laugh", "enter")
        await until(pilot, lambda: not isinstance(app.screen, MemoReviewScreen))
        main = app.main_screen
        assert main.document.name == "Interview 2"
        assert main.transcript.cursor == INTERVIEW_2.index("Злость")
        assert main.memo_pane.text_area.text == "Anger said in Russian, with a laugh."
        await pilot.press("R", *"motor", "enter")
        await until(pilot, lambda: main.codebook.tree.has_focus)
        assert main.codebook.code_id == app.project.codebook.find("Motivation/Anger").id
        assert main.memo_pane.text_area.text == "Anger is a motor, not only a feeling."

    drive(scenario)


def test_help_lists_every_binding_with_remapped_keys(drive, tui_env):
    tui_env.write_text(
        'coder = "ann"\n[keys]\ncode = "s"\nundo = "z,u"\nnext_coding = "f"\nbogus = "b"\n',
        encoding="utf-8",
    )

    async def scenario(pilot, app):
        assert any("unknown action 'bogus'" in n for n in app.notices)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await until(pilot, lambda: "Main screen" in screen_text(app))
        text = screen_text(app)
        for binding_id in ("command_palette", "go_to_document", "undo", "memo_review"):
            assert binding_id in text
        keys = {row[2]: row[0] for _, rows in help_rows(app, app.user_keymap) for row in rows}
        assert keys["code"] == "s"
        assert keys["undo"] == "z u"
        assert keys["next_coding"] == "f"
        assert keys["help"] == "?"
        await pilot.press("escape")
        # the remapped keys work: s codes, z undoes, f goes to the next coded segment
        await pilot.press("f")
        assert app.main_screen.transcript.cursor == INTERVIEW_1.index("Through friends")
        await pilot.press("s")
        await until(pilot, lambda: code_picker_of(app) is not None)
        await pilot.press(*"Friends", "enter", "enter")
        await until(pilot, lambda: "Friends" in [c.name for c in app.project.codebook.all()])
        await pilot.press("c")  # the old key does nothing now
        assert picker_of(app) is None
        await pilot.press("z")
        assert "Friends" not in [c.name for c in app.project.codebook.all()]

    drive(scenario)


def test_known_ids_cover_the_transcript_bindings():
    ids = known_ids()
    assert {"code", "undo", "quit", "next_coding", "cursor_down", "toggle_selection"} <= ids


def test_palette_apply_code_go_to_document_and_undo_history(drive, study):
    async def scenario(pilot, app):
        await pilot.press("right_square_bracket")  # line 2
        await pilot.press("ctrl+p")
        await pilot.press(*"apply calling")
        await until(pilot, lambda: "Apply code: Motivation/Calling" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: len(app.project.codings) == 4)
        await pilot.press("ctrl+p", *"document: field")
        await until(pilot, lambda: "Go to document: Field notes" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: app.main_screen.document.name == "Field notes")
        await pilot.press("ctrl+p", *"go to code netw")
        await until(pilot, lambda: "Go to code: Networks" in screen_text(app))
        await pilot.press("enter")
        networks = app.project.codebook.find("Networks").id
        await until(pilot, lambda: app.main_screen.codebook.code_id == networks)
        assert app.main_screen.codebook.tree.has_focus
        await pilot.press("ctrl+p", *"undo back calling")
        await until(pilot, lambda: "Undo back to: code Motivation/Calling" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: len(app.project.codings) == 3)
        assert "Undone 1 step" in app.notices[-1]
        await quit_app(pilot, app)

    drive(scenario)
    assert len(paths_of(reopen(study))) == 3


def test_saves_in_the_background_within_a_second(drive, study):
    async def scenario(pilot, app):
        await pilot.press("right_square_bracket", "1")
        await until(pilot, lambda: len(reopen(study).state.tables["codings"]) == 4, timeout=5)
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        assert "saved" in screen_text(app).splitlines()[-2]

    drive(scenario)


def test_failed_save_keeps_changes_and_says_so(drive, study, monkeypatch):
    def broken(*args, **kwargs) -> None:
        raise OSError(28, "No space left on device")

    async def scenario(pilot, app):
        monkeypatch.setattr(saver_module, "RETRY", 0.3)
        storage = app.project.storage
        storage.write_bytes = broken
        await pilot.press("right_square_bracket", "1")
        await until(pilot, lambda: app.save_state is SaveState.FAILED)
        assert any("No space left on device" in n for n in app.notices)
        shown = app.main_screen.query_one("#status-saved").plain
        assert shown in ("not saved", "saving…")
        assert app.project.dirty
        del storage.write_bytes  # the disk has room again: the retry saves
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        await quit_app(pilot, app)

    drive(scenario)
    assert len(reopen(study).state.tables["codings"]) == 4


def test_narrow_terminal_shows_one_pane_at_a_time(drive):
    async def scenario(pilot, app):
        screen = app.main_screen
        assert screen.has_class("-narrow")
        assert not screen.codebook.display or not screen.query_one("#side").display
        await pilot.press("tab")
        assert screen.codebook.tree.has_focus
        assert "Codebook" in screen_text(app) and "Interview 1" not in screen_text(app)
        await pilot.press("tab")
        text = screen_text(app)
        assert "Memo on" in text and "Interview 1" in text
        await pilot.press("escape")  # back where the memo pane was entered from
        assert screen.codebook.tree.has_focus
        await pilot.press("tab", "tab")
        assert screen.transcript.has_focus
        assert "Interview 1" in screen_text(app) and "Codebook" not in screen_text(app)

    drive(scenario, size=(80, 24))


def test_empty_project_opens(tmp_path, tui_env):
    import asyncio

    from workbench.tui.app import WorkbenchApp

    Project.create(tmp_path / "empty").close()
    app = WorkbenchApp.open(tmp_path / "empty" / "project.json")

    async def main():
        async with app.run_test() as pilot:
            await pilot.pause()
            assert "No documents yet" in screen_text(app)
            await pilot.press("c", "g", "escape", "m", "escape", "question_mark", "escape")
            await quit_app(pilot, app)

    try:
        asyncio.run(main())
    finally:
        app.finish()


def test_ui_state_file_is_private_and_survives_garbage(tmp_path, tui_env):
    state = UIState.load("abc")
    state.document, state.cursors, state.theme = "d1", {"d1": 5}, "textual-light"
    for code in ["a", "b", "a", "c"]:
        state.use_code(code)
    state.save()
    assert oct(os.stat(state.path).st_mode & 0o777) == "0o600"
    again = UIState.load("abc")
    assert (again.document, again.cursors, again.recent, again.theme) == (
        "d1", {"d1": 5}, ["c", "a", "b"], "textual-light"
    )
    state.path.write_text("{not json")
    assert UIState.load("abc").recent == []


@given(st.lists(st.tuples(st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
                          st.integers(0, 10**6)), max_size=80, unique_by=lambda use: use[1]))
def test_recent_codes_seeded_from_last_uses_are_those_of_using_each_in_turn(uses) -> None:
    """Seeding the recent codes from when each code was last used (one pass over the
    codings) gives the list that using every coding's code in time order gives."""
    in_turn = UIState()
    for code, _ in sorted(uses, key=lambda use: use[1]):
        in_turn.use_code(code)
    last: dict[str, int] = {}
    for code, when in uses:
        last[code] = max(when, last.get(code, when))
    seeded = UIState()
    seeded.seed_recent(last)
    assert seeded.recent == in_turn.recent


def test_clipboard_uses_osc52_and_pyperclip_only_locally(monkeypatch):
    class FakeApp:
        def __init__(self):
            self.sent: list[str] = []

        def copy_to_clipboard(self, text):
            self.sent.append(text)

    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = FakeApp()
    assert not has_local_display({"DISPLAY": ":0", "SSH_CONNECTION": "1 2 3 4"})
    assert has_local_display({"WAYLAND_DISPLAY": "wayland-0"})
    message = copy_text(app, "“x” (R1)", what="the quote “x” (R1)")
    assert app.sent == ["“x” (R1)"] and copied == [] and "OSC 52" in message.said
    assert message.said.startswith("The quote “x” (R1) sent to the terminal clipboard")
    assert message.hint == "" and str(message) == message.said
    monkeypatch.setenv("DISPLAY", ":0")
    message = copy_text(app, "y")
    assert copied == ["y"] and "system clipboard" in message.said

    def fails(text):
        raise pyperclip.PyperclipException("no xclip")

    monkeypatch.setattr(pyperclip, "copy", fails)
    monkeypatch.setenv("TMUX", "/tmp/t,1,0")
    message = copy_text(app, "z")
    assert "failed" in message.said and app.sent[-1] == "z"
    assert message.hint == "inside tmux this needs `set -g set-clipboard on`"
    assert str(message).endswith("; " + message.hint)


def test_picker_ranking():
    from workbench.tui.screens.dialogs import Choice

    choices = [Choice(1, "Motivation/Anger"), Choice(2, "Networks"), Choice(3, "Anger at police")]
    assert [c.value for c in rank("anger", choices)] == [1, 3]
    assert [c.value for c in rank("", choices)] == [1, 2, 3]
    assert [c.value for c in rank("nw", choices)] == [2]


def test_coded_passage_of_a_coding_memo_is_attributed_by_role(study, monkeypatch):
    from workbench.tui.screens import memo_review
    from workbench.tui.screens.memo_review import coded_passage

    monkeypatch.setattr(memo_review, "PASSAGE", 60)

    with Project.open(study, write=True) as project:
        doc = project.documents.named("Interview 1")
        start = INTERVIEW_1.index("What keeps you going?")
        question = project.codings.add(doc, start, start + 21, "Networks", "ann")
        asked = project.memos.add("coding", question.id, "a leading question?", "ann")
        whole = project.codings.add(doc, 0, len(INTERVIEW_1), "Motivation", "ann")
        long = project.memos.add("coding", whole.id, "all of it", "ann")
        on_document = project.memos.add("document", doc.id, "not on a coding", "ann")
        assert coded_passage(project, asked) == (
            "“What keeps you going?” (Interviewer, interview with Respondent 1)")
        passage = coded_passage(project, long)
        assert passage == ("“How did you come to activism? Respondent 1: Through…” "
                           "(Interviewer, interview with Respondent 1)")
        assert coded_passage(project, on_document) == ""


def test_counts_are_said_in_the_right_number(drive):
    """"1 segment", "2 segments": the retrieval title, the palette, the document list."""
    from workbench.tui.screens.retrieval import RetrievalScreen

    async def scenario(pilot, app):
        main = app.main_screen
        await pilot.press("tab")
        main.codebook.highlight(app.project.codebook.find("Networks").id)
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RetrievalScreen))
        await pilot.pause()
        assert "Networks  1 segment · 1 respondent" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("ctrl+p", *"go to code: networks")
        await until(pilot, lambda: "1 segment · 1 respondent" in screen_text(app))
        await pilot.press("escape", "escape")
        await pilot.press("g")
        await until(pilot, lambda: picker_of(app, "Go to document") is not None)
        assert "Respondent 2 · 1 coding " in screen_text(app)
        assert "no case · 0 codings" in screen_text(app)

    drive(scenario)


def test_no_tui_text_counts_with_a_bracketed_plural():
    """Counts go through workbench.wording.plural, never "coding(s)"."""
    import re
    from pathlib import Path

    import workbench.tui

    offenders = [
        f"{path.name}:{number}"
        for path in Path(workbench.tui.__file__).parent.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"[a-z]\(s\)", line) and not line.lstrip().startswith("#")
        and '"""' not in line
    ]
    assert offenders == []


def test_palette_sets_a_speakers_role_undoably(drive, study):
    """The open document's speaker roles are shown and changed from the palette."""
    async def scenario(pilot, app):
        doc = app.main_screen.document
        assert app.project.documents[doc.id].roles["Respondent 1"] == "respondent"
        await pilot.press("ctrl+p", *"speaker role: respondent 1 → other")
        await until(pilot, lambda: "now respondent" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: app.project.documents[doc.id].roles["Respondent 1"]
                    == "other")
        assert any("Respondent 1 is now another speaker" in n for n in app.notices)
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        await pilot.press("u")
        await until(pilot, lambda: app.project.documents[doc.id].roles["Respondent 1"]
                    == "respondent")
        await quit_app(pilot, app)

    drive(scenario)
    assert reopen(study).documents.all()[0].roles["Respondent 1"] == "respondent"


def test_a_long_code_path_is_shortened_to_its_own_name_in_a_confirmation():
    from workbench.tui.quoting import short_path

    assert short_path("Motivation/Anger") == "Motivation/Anger"
    assert short_path("Social networks as an entryway/Friends and acquaintances") == \
        "…/Friends and acquaintances"
    assert short_path("A/" + "x" * 40, 20) == "…/" + "x" * 17 + "…"
    assert short_path("y" * 40) == "y" * 40  # no parent: the name itself, whole
