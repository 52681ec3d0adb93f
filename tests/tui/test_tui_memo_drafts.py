"""Nothing typed is lost: memo drafts saved when typing stops, "saved" only when true, and
everything written when the app must stop at once (SIGHUP, SIGTERM)."""

from __future__ import annotations

import signal

from textual import events
from tui_support import quit_app, reopen, screen_text, until

from workbench.tui.saver import SaveState
from workbench.tui.screens import memos as memos_module
from workbench.tui.widgets.memo_pane import MemoPane
from workbench.tui.widgets.text_line import TextLine

#: The memo the study has on Interview 1 (the document shown first).
MEMO = "Long pauses before the answers."



def document_memos(project) -> list[str]:
    doc = project.documents.named("Interview 1")
    return [m.text for m in project.memos.about("document", doc.id)]


def status_word(app) -> str:
    return app.main_screen.query_one("#status-saved").plain


def test_a_draft_is_saved_when_typing_stops(drive, study):
    async def scenario(pilot, app):
        steps = len(app.project.history.done)
        await pilot.press("m")
        assert app.main_screen.memo_pane.text_area.has_focus
        await pilot.press(*" Then", "space", *"silence.")
        # typed, not yet in the project: the status line must not say saved
        assert app.save_state is SaveState.UNSAVED and status_word(app) == "unsaved"
        assert document_memos(app.project) == [MEMO]
        await until(pilot, lambda: document_memos(reopen(study)) == [MEMO + " Then silence."],
                    timeout=2.5)  # on disk within the 2 s promised, and a margin for the CI
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        assert status_word(app) == "saved"
        assert app.main_screen.memo_pane.text_area.has_focus  # the writing goes on
        await pilot.press(*" More.")
        await until(pilot, lambda: document_memos(app.project) == [MEMO + " Then silence. More."],
                    timeout=2.5)
        await pilot.press("escape")  # done: the drafts and the final save are one step
        assert [e.label for e in app.project.history.done[steps:]] == [
            "memo on doc:Interview 1"
        ]
        assert not any("saved" in notice and "Memo" in notice for notice in app.notices[:-1])
        await pilot.press("u")
        assert document_memos(app.project) == [MEMO]
        assert app.main_screen.memo_pane.text_area.text == MEMO
        await quit_app(pilot, app)

    drive(scenario)
    assert document_memos(reopen(study)) == [MEMO]


def test_a_new_writing_session_is_a_new_step(drive, study, monkeypatch):
    monkeypatch.setattr(memos_module, "DRAFT_DELAY", 0.05)

    async def scenario(pilot, app):
        project = app.project
        await pilot.press("m", *" One.")
        await until(pilot, lambda: document_memos(project) == [MEMO + " One."])
        await pilot.press("ctrl+s")  # ends the session
        await pilot.press(*" Two.")
        await until(pilot, lambda: document_memos(project) == [MEMO + " One. Two."])
        await pilot.press("escape")
        labels = [e.label for e in project.history.done]
        assert labels[-2:] == ["memo on doc:Interview 1"] * 2
        await pilot.press("u")
        assert document_memos(project) == [MEMO + " One."]

    drive(scenario)


def test_typing_on_while_a_draft_is_saved_loses_nothing(drive, monkeypatch):
    """The redraw after a draft's save must not put back the text as it was saved."""
    monkeypatch.setattr(memos_module, "DRAFT_DELAY", 0.05)

    async def scenario(pilot, app):
        pane = app.main_screen.memo_pane
        await pilot.press("m")
        for word in (" a", " b", " c", " d"):
            await pilot.press(*word)
            await pilot.pause(0.06)  # a draft is saved between the words
        assert pane.text_area.text == MEMO + " a b c d"
        assert pane.text_area.cursor_location == (0, len(MEMO + " a b c d"))
        await until(pilot, lambda: document_memos(app.project) == [MEMO + " a b c d"])

    drive(scenario)


def test_a_new_memo_by_drafts_is_one_memo(drive, study, monkeypatch):
    monkeypatch.setattr(memos_module, "DRAFT_DELAY", 0.05)

    async def scenario(pilot, app):
        await pilot.press("g", *"notes", "enter")
        await until(pilot, lambda: app.main_screen.document.name == "Field notes")
        await pilot.press("m", *"First")
        await pilot.pause(0.1)
        await pilot.press(*" words")
        await pilot.pause(0.1)
        await pilot.press("escape")
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    doc = project.documents.named("Field notes")
    assert [m.text for m in project.memos.about("document", doc.id)] == ["First words"]


def test_stop_now_writes_the_memo_being_typed(drive, study):
    """What SIGHUP and SIGTERM run: before any draft, the memo typed is written, then exit."""

    async def scenario(pilot, app):
        await pilot.press("m", *" Cut off")
        assert document_memos(app.project) == [MEMO]  # no draft yet
        app.stop_now(signal.SIGTERM)
        await until(pilot, lambda: app.return_code is not None)
        assert document_memos(reopen(study)) == [MEMO + " Cut off"]

    app = drive(scenario)
    assert app.return_code == 128 + signal.SIGTERM


def test_stop_now_writes_every_pending_change(drive, study):
    async def scenario(pilot, app):
        await pilot.press("right_square_bracket", "1")  # a coding with the newest code
        await pilot.press("m", *" And after")
        app.stop_now(signal.SIGHUP)
        await until(pilot, lambda: app.return_code is not None)

    drive(scenario)
    project = reopen(study)
    assert len(project.codings) == 4
    coded = [m.text for m in project.memos.all() if m.target_kind == "coding"]
    assert coded == [" And after"]  # on the new coding, the cursor is on it
    assert not project.dirty


def test_read_only_memo_pane_never_says_unsaved(drive, study):
    from workbench.core.project import Project

    holder = Project.open(study, write=True)
    try:
        async def scenario(pilot, app):
            await pilot.press("m")
            assert app.save_state is SaveState.READ_ONLY
            assert "read-only" in screen_text(app)

        drive(scenario)
    finally:
        holder.close()


def coding_memos(project, coding) -> list[str]:
    return [m.text for m in project.memos.about("coding", coding.id)]


def first_coding(app):
    main = app.main_screen
    return min(app.project.codings.of_document(main.document), key=lambda c: c.start)


def test_the_memo_pane_follows_after_the_frame_of_the_key(drive):
    """The cursor onto a coding: the transcript and status line show it at once, the memo
    pane (a view of what the cursor is on) is drawn after that frame, with the coding's
    memo: a key is not held up by the memo's text and list."""
    async def scenario(pilot, app):
        main = app.main_screen
        pane = main.memo_pane
        await pilot.pause()
        assert pane.target.kind == "document"
        main.transcript.move_cursor(first_coding(app).start)
        assert "Networks" in main.query_one("#status-left").plain
        assert pane.target.kind == "document"  # not drawn before the key's own frame
        await until(pilot, lambda: pane.target.kind == "coding")
        assert pane.text_area.text == ""
        assert "coding “Networks”" in main.query_one("#memo-title", TextLine).text.plain

    drive(scenario)


def test_m_straight_after_a_move_writes_on_what_the_cursor_is_on(drive, study):
    """`m` before the memo pane caught up with the cursor still writes on the coding under
    it, not on the memo the pane showed before."""
    async def scenario(pilot, app):
        main = app.main_screen
        pane = main.memo_pane
        await pilot.pause()
        coding = first_coding(app)
        main.transcript.move_cursor(coding.start)
        main.action_memo()  # in the same turn: no frame between
        assert pane.target.kind == "coding" and pane.text_area.text == ""
        await pilot.press(*"Why", "escape")
        await until(pilot, lambda: coding_memos(app.project, coding) == ["Why"])
        assert document_memos(app.project) == [MEMO]
        await quit_app(pilot, app)

    drive(scenario)
    assert document_memos(reopen(study)) == [MEMO]


def test_a_key_typed_as_the_focus_reaches_the_memo_pane_goes_into_the_right_memo(
        drive, monkeypatch):
    """Tab into the memo pane and a letter typed before the next frame (the pane had not
    caught up with the cursor yet): the letter is written on the coding under the cursor,
    because the pane catches up when its text takes the focus, before any key reaches it."""
    async def scenario(pilot, app):
        main = app.main_screen
        pane = main.memo_pane
        await pilot.pause()
        # from now on the keys come before the next frame
        monkeypatch.setattr(MemoPane, "call_after_refresh", lambda *args, **kwargs: True)
        coding = first_coding(app)
        main.transcript.move_cursor(coding.start)
        assert pane.target.kind == "document"  # no frame yet: not caught up
        await pilot.press("tab", "tab", "h")
        assert pane.text_area.has_focus and pane.text_area.text == "h"
        assert pane.target.kind == "coding" and pane.target.target_id == coding.id
        await pilot.press("escape")
        await until(pilot, lambda: coding_memos(app.project, coding) == ["h"])
        assert document_memos(app.project) == [MEMO]

    drive(scenario)


def test_memo_on_the_project_while_writing_keeps_what_was_typed(drive, monkeypatch):
    """Writing the document's memo, typed but not yet saved as a draft, then the palette's
    "Memo on the project": what was typed is saved on the document's memo first."""
    monkeypatch.setattr(memos_module, "DRAFT_DELAY", 30)  # no draft in between

    async def scenario(pilot, app):
        main = app.main_screen
        await pilot.press("m", *" Typed")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert main.memo_pane.text_area.has_focus  # the palette does not take it
        await pilot.press(*"Memo on the project")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is main)
        await pilot.pause()
        assert main.memo_pane.target.kind == "project"
        assert main.memo_pane.text_area.text == ""
        assert document_memos(app.project) == [MEMO + " Typed"]

    drive(scenario)


def test_the_terminal_window_away_and_back_keeps_the_memo_being_written(drive, monkeypatch):
    """Writing a code's memo, the terminal window loses the focus (the terminal reports it)
    and gets it back: the letters typed next still go into the code's memo, after what was
    typed before."""
    monkeypatch.setattr(memos_module, "DRAFT_DELAY", 30)

    async def scenario(pilot, app):
        main = app.main_screen
        pane = main.memo_pane
        await pilot.press("tab", "down")
        await pilot.pause()
        code_id = main.codebook.code_id
        await pilot.press("m", *"First")
        assert pane.target.kind == "code" and pane.text_area.has_focus
        app.post_message(events.AppBlur())
        await pilot.pause(0.3)
        app.post_message(events.AppFocus())
        await pilot.pause(0.3)
        assert pane.text_area.has_focus
        await pilot.press(*" second", "escape")
        await pilot.pause(0.3)
        assert (pane.target.kind, pane.target.target_id) == ("code", code_id)
        texts = [m.text for m in app.project.memos.about("code", code_id)]
        assert len(texts) == 1 and texts[0].endswith("First second")
        assert document_memos(app.project) == [MEMO]

    drive(scenario)
