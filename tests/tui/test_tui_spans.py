"""Pilot tests of precise spans in the transcript: word, sentence, turn, line and document
motions, snapped selections, coding a turn's words, quotes attributed by role, the gutter's
times, and fixing a coding (its edges, its code, removing it) - each asserting what the view
or the project holds afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import (
    INTERVIEW_1,
    NOTES,
    TIMED,
    code_picker_of,
    paths_of,
    picker_of,
    quit_app,
    reopen,
    screen_text,
    until,
)

from workbench.tui.keymap import RENAMED, known_ids, load_keymap
from workbench.tui.screens.dialogs import PickerScreen, PromptScreen
from workbench.tui.screens.help import help_rows
from workbench.tui.widgets.header import StatusLine
from workbench.tui.widgets.transcript_render import gutter_width


def span_of(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


# --------------------------------------------------------------------------- motions
def test_word_motions_and_shift_variants(drive, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        first = INTERVIEW_1.index("How did")
        view.move_cursor(first)
        await pilot.press("w")
        assert view.cursor == INTERVIEW_1.index("did you")
        await pilot.press("ctrl+right", "ctrl+right")
        assert view.cursor == INTERVIEW_1.index("come to")
        await pilot.press("b")
        assert view.cursor == INTERVIEW_1.index("you come")
        await pilot.press("ctrl+left")
        assert view.cursor == INTERVIEW_1.index("did you")
        await pilot.press("e")  # onto the last letter of "did"
        assert view.cursor == INTERVIEW_1.index("did you") + 2
        await pilot.press("e")
        assert view.cursor == INTERVIEW_1.index("you come") + 2
        assert view.selection is None
        view.move_cursor(first)
        await pilot.press("ctrl+shift+right", "ctrl+shift+right")
        assert view.selection == span_of(INTERVIEW_1, "How did")  # not the space after it
        await pilot.press("W")
        assert view.selection == span_of(INTERVIEW_1, "How did you")
        await pilot.press("ctrl+shift+left")
        assert view.selection == span_of(INTERVIEW_1, "How did")
        await pilot.press("E")  # the end of the next word, within the selection
        assert view.selection == span_of(INTERVIEW_1, "How did you")
        await pilot.press("escape")
        assert view.selection is None

    drive(scenario)


def test_v_then_w_three_times_selects_three_words_and_codes_them(drive, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(INTERVIEW_1.index("A chat group"))
        await pilot.press("v", "w", "w", "w")
        assert view.selection == span_of(INTERVIEW_1, "A chat group")
        assert "12 selected" in app.main_screen.query_one(StatusLine).position
        await pilot.press("c", *"Networks", "enter")
        await pilot.pause()
        assert view.selection is None
        await quit_app(pilot, app)

    drive(scenario)
    assert ("Interview 1", "Networks", "A chat group") in paths_of(reopen(study))


def test_sentence_line_and_document_motions(drive, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(INTERVIEW_1.index("friends. A chat"))
        await pilot.press("right_parenthesis")
        assert view.cursor == INTERVIEW_1.index("A chat")
        await pilot.press("right_parenthesis")  # the next line's first sentence
        assert view.cursor == INTERVIEW_1.index("Interviewer: What")
        await pilot.press("left_parenthesis", "left_parenthesis")
        assert view.cursor == INTERVIEW_1.index("Respondent 1: Through")
        await pilot.press("end")
        assert INTERVIEW_1[view.cursor] == "\n"
        await pilot.press("shift+home")
        assert view.selection == span_of(INTERVIEW_1, INTERVIEW_1.split("\n")[1])
        await pilot.press("G")
        assert view.cursor == len(INTERVIEW_1) and view.selection is None
        await pilot.press("ctrl+home")
        assert view.cursor == 0
        await pilot.press("ctrl+end")
        assert view.cursor == len(INTERVIEW_1)
        await pilot.press("ctrl+shift+home")  # the whole document, trimmed
        assert view.selection == (0, len(INTERVIEW_1.rstrip()))

    drive(scenario)


def test_go_to_line_by_colon_and_by_the_palette(drive, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        assert "1–7" in screen_text(app)
        await pilot.press("4", "enter")
        await until(pilot, lambda: not isinstance(app.screen, PromptScreen))
        assert view.cursor == INTERVIEW_1.index("Interviewer: What")
        assert view.has_focus
        await pilot.press("colon", *"four", "enter")
        await pilot.pause()
        assert "'four' is not a line number" in app.notices[-1]
        await pilot.press("colon", "9", "9", "enter")  # past the end: the last line
        await pilot.pause()
        assert view.line_number(view.cursor) == 7
        await pilot.press("ctrl+p", *":5")
        await until(pilot, lambda: "Go to line 5" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: view.cursor == INTERVIEW_1.index("Respondent 1: Anger"))
        await pilot.press("ctrl+p", *"go to line")  # the palette's own entry asks
        await until(pilot, lambda: "Type a line number" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("2", "enter")
        await until(pilot, lambda: view.line_number(view.cursor) == 2)

    drive(scenario)


# --------------------------------------------------------------------------- selections
def test_selection_snaps_to_whole_words_and_never_ends_in_whitespace(drive, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(INTERVIEW_1.index("hrough friends"))  # inside "Through"
        await pilot.press("v", "right", "right", "right", "right", "right", "right", "right",
                          "right", "right")  # "hrough fr"
        assert view.selection == span_of(INTERVIEW_1, "Through friends")
        await pilot.press("escape")
        view.move_cursor(INTERVIEW_1.index(" A chat"))
        await pilot.press("v", "right", "right")  # " A": the word without the space
        assert view.selection == span_of(INTERVIEW_1, "A")
        await pilot.press("escape", "v", "right")  # only a space: nothing selected
        assert view.selection is None
        await pilot.press("c")  # a sweep of only whitespace is not the turn
        assert any("holds no words" in n for n in app.notices)
        assert code_picker_of(app) is None

    drive(scenario)


def test_a_setting_turns_snapping_off(drive, study, tui_env):
    tui_env.write_text('coder = "ann"\nsnap_to_words = false\n', encoding="utf-8")

    async def scenario(pilot, app):
        view = app.main_screen.transcript
        start = INTERVIEW_1.index("hrough friends")
        view.move_cursor(start)
        await pilot.press("v", *["right"] * 9)
        assert view.selection == (start, start + len("hrough fr"))
        await pilot.press("right")  # "hrough fri": no whitespace at the edges either way
        await pilot.press("shift+left", "shift+left", "shift+left", "shift+left")
        assert view.selection == (start, start + len("hrough"))

    drive(scenario)


def test_snap_setting_must_be_a_boolean(tui_env):
    from workbench.core.config import load_config
    from workbench.errors import WorkbenchError

    tui_env.write_text('snap_to_words = "no"\n', encoding="utf-8")
    with pytest.raises(WorkbenchError, match="snap_to_words .* must be true or false"):
        load_config()
    tui_env.write_text("snap_to_words = false\n", encoding="utf-8")
    assert load_config().snap_to_words is False


# --------------------------------------------------------------------------- turns
def test_turn_keys_stop_at_the_words_of_each_turn(drive, turns_study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        stops = [TIMED.index("Date"), TIMED.index("Tell me"), TIMED.index("I was"),
                 TIMED.index("Why did"), TIMED.index("Because my")]
        view.move_cursor(0)
        for stop in stops[1:]:  # the two paragraphs of Respondent 3 are one turn
            await pilot.press("right_square_bracket")
            assert view.cursor == stop
        await pilot.press("right_square_bracket")  # no turn after the last
        assert view.cursor == stops[-1]
        view.move_cursor(TIMED.index("hours"))
        await pilot.press("left_square_bracket")  # to the start of this turn's words
        assert view.cursor == stops[2]
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert view.cursor == stops[0]  # the header line is a paragraph without a speaker
        await pilot.press("g")  # in field notes, paragraph by paragraph
        await pilot.press(*"Notes", "enter")
        await until(pilot, lambda: app.main_screen.document.name == "Notes")
        await pilot.press("right_square_bracket")
        assert view.cursor == NOTES.index("A second")

    drive(scenario, path=turns_study)


def test_c_codes_all_paragraphs_of_the_turn_without_its_label(drive, turns_study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(TIMED.index("hours"))
        await pilot.press("c", *"Staying", "enter")
        await pilot.pause()
        # a selection starting inside a label is trimmed to the words after it
        start = TIMED.index("Interviewer: Why")
        view.move_cursor(start + 3)
        await pilot.press("v", *["w"] * 4)
        assert view.selection == (start, TIMED.index(" stay?"))
        await pilot.press("c", *"Staying", "enter")
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario, path=turns_study)
    found = paths_of(reopen(turns_study))
    turn = TIMED[TIMED.index("I was"):TIMED.index("Nobody left.") + len("Nobody left.")]
    assert ("Interview 3", "Staying", turn) in found
    assert ("Interview 3", "Staying", "Why did you") in found


def test_coding_that_touches_my_coding_says_extended(drive, turns_study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(TIMED.index("square. It"))
        await pilot.press("v", "w", "w")  # "square. It" touches "the square"
        await pilot.press("c", *"Place", "enter")
        await pilot.pause()
        assert app.notices[-1] == "Extended Place to “the square. It”"
        view.move_cursor(TIMED.index("square"))
        await pilot.press("v", "e")
        await pilot.press("c", *"Place", "enter")
        await pilot.pause()
        assert app.notices[-1] == "Already coded with Place: nothing changed"
        await quit_app(pilot, app)

    drive(scenario, path=turns_study)
    found = paths_of(reopen(turns_study))
    assert [f for f in found if f[1] == "Place"] == [("Interview 3", "Place", "the square. It")]


def test_y_copies_the_words_attributed_by_role_never_the_label(drive, turns_study,
                                                               monkeypatch):
    copied: list[str] = []

    async def scenario(pilot, app):
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        view = app.main_screen.transcript
        view.move_cursor(TIMED.index("[00:00:05]"))  # on the interviewer's label
        await pilot.press("y")
        view.move_cursor(TIMED.index("hours"))  # the whole turn, both paragraphs
        await pilot.press("y")
        start = TIMED.index("Respondent 3: Because")
        view.move_cursor(start)
        await pilot.press("v", "w", "w", "w", "w", "y")  # from inside the label
        await pilot.press("escape", "g", *"Интервью", "enter")
        await until(pilot, lambda: app.main_screen.document.name == "Интервью 4")
        await pilot.press("j", "y")

    drive(scenario, path=turns_study)
    assert copied == [
        "“Tell me about the protest. Where were you?” (Interviewer, interview with "
        "Respondent 3)",
        "“I was at the square. It was cold. We stood there for hours. Nobody left.” "
        "(Respondent 3)",
        "“Because my” (Respondent 3)",
        "«Потому что там были друзья.» (Respondent 4)",
    ]


def test_the_gutter_shows_the_time_of_each_turn(drive, turns_study, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        rows = [view.render_line(y).text for y in range(view.scrollable_content_region.height)]
        gutter = gutter_width(view.line_count, len("00:05"))
        times = [row[:gutter].split()[1] for row in rows if len(row[:gutter].split()) > 1
                 and ":" in row[:gutter]]
        assert times == ["00:05", "00:12", "01:40", "01:45"]  # no hours under an hour
        assert rows[0][:gutter].strip() == "1"  # the header line has no time

    drive(scenario, path=turns_study)

    async def untimed(pilot, app):
        assert ":" not in app.main_screen.transcript.render_line(0).text.split("Interviewer")[0]

    drive(untimed, path=study)


# --------------------------------------------------------------------------- fixing a coding
def _footer_ids(app) -> set[str]:
    return {b.binding.id for b in app.main_screen.active_bindings.values() if b.binding.show}


def test_fix_keys_show_only_on_a_coding(drive, study):
    fix = {"recode", "coding_start_earlier", "coding_start_later", "coding_end_earlier",
           "coding_end_later", "uncode"}

    async def scenario(pilot, app):
        assert not fix & _footer_ids(app)
        await pilot.press("x")  # not on a coding: the key does nothing
        assert picker_of(app) is None
        await pilot.press("n")
        await pilot.pause()
        assert fix <= _footer_ids(app)
        await pilot.press("j")
        await pilot.pause()
        assert not fix & _footer_ids(app)

    drive(scenario)


def test_edges_of_a_coding_move_by_a_word_each_step_undoable(drive, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        await pilot.press("n")  # on "Through friends"
        await pilot.press("greater_than_sign")  # the end a word later: "Through friends. A"
        await pilot.pause()
        assert app.notices[-1] == "Networks now “…Through friends. A”"
        assert INTERVIEW_1[view.cursor] == "A"  # the caret follows the edge
        await pilot.press("greater_than_sign", "less_than_sign", "less_than_sign")
        await pilot.pause()
        assert app.project.codings.in_document(app.main_screen.document.id)
        await pilot.press("right_curly_bracket")  # the start a word later
        await pilot.pause()
        assert view.cursor == INTERVIEW_1.index("friends")
        await pilot.press("right_curly_bracket")  # one word left: it stays
        await pilot.pause()
        assert app.notices[-1] == "The coding holds one word: x removes it"
        history = [e.label for e in app.project.history.done]
        assert history[-5:] == ["recode a coding of Networks"] * 5
        await pilot.press("u")  # one step back: "Through friends"
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    found = [f for f in paths_of(reopen(study)) if f[1] == "Networks"]
    assert found == [("Interview 1", "Networks", "Through friends")]


def test_growing_across_a_label_takes_the_words_of_the_turn_before(drive, study):
    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(INTERVIEW_1.index("Anger, honestly"))
        await pilot.press("left_curly_bracket")  # not "1" of the label: "going" before it
        await pilot.pause()
        assert view.cursor == INTERVIEW_1.index("going?")
        await pilot.press("right_curly_bracket")  # and back over the label
        await pilot.pause()
        assert view.cursor == INTERVIEW_1.index("Anger, honestly")
        view.move_cursor(INTERVIEW_1.index("How"))
        await pilot.press("v", "e", "c", *"Networks", "enter")
        await pilot.pause()
        await pilot.press("left_curly_bracket")  # only a label before "How"
        await pilot.pause()
        assert app.notices[-1] == "No word before the coding"
        await pilot.press("left_curly_bracket", "left_curly_bracket")
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    found = paths_of(reopen(study))
    assert ("Interview 1", "Motivation/Anger", "Anger, honestly") in found
    assert ("Interview 1", "Networks", "How") in found


def test_recode_changes_the_code_and_remove_asks_which_of_several(drive, study):
    anger = INTERVIEW_1.index("Anger, honestly")

    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(anger + 1)
        await pilot.press("r")
        await until(pilot, lambda: code_picker_of(app) is not None)
        assert "Recode “Anger, honestly” (now Motivation/Anger)" in screen_text(app)
        await pilot.press(*"Calling", "enter")
        await pilot.pause()
        assert app.notices[-1] == "Recoded Motivation/Anger → Motivation/Calling: " \
                                  "“Anger, honestly”"
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("c", *"Networks", "enter")  # line 5's words: two codings here now
        await pilot.pause()
        view.move_cursor(anger + 1)
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        shown = screen_text(app)
        assert "Move the end of which coding?" in shown
        assert "Motivation/Anger  “Anger, honestly” · ann" in shown
        assert "Networks  “Anger, honestly. Anger at" in shown
        await pilot.press("enter")  # the innermost: Anger
        await pilot.pause()
        await pilot.press("greater_than_sign")  # the same coding again, without asking
        await pilot.pause()
        assert picker_of(app) is None
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert "Remove which coding?" in screen_text(app)
        await pilot.press("down", "enter")  # Networks
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    found = [f for f in paths_of(reopen(study)) if f[0] == "Interview 1"]
    assert found == [
        ("Interview 1", "Motivation/Anger", "Anger, honestly. Anger at"),
        ("Interview 1", "Networks", "Through friends"),
    ]


# --------------------------------------------------------------------------- the keymap
def test_every_new_key_is_in_the_registry_and_remappable(drive, tui_env):
    new = {"next_word", "previous_word", "word_end", "next_sentence", "previous_sentence",
           "next_turn", "previous_turn", "document_start", "document_end", "select_next_word",
           "select_previous_word", "select_word_end", "select_line_start", "select_line_end",
           "select_document_start", "select_document_end", "go_to_line", "recode",
           "coding_start_earlier", "coding_start_later", "coding_end_earlier",
           "coding_end_later"}
    assert new <= known_ids()
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "snap_to_words" in readme and "`{` / `}`" in readme
    tui_env.write_text('coder = "ann"\n[keys]\nnext_word = "f"\nnext_paragraph = "t"\n',
                       encoding="utf-8")

    async def scenario(pilot, app):
        assert RENAMED["next_paragraph"] == "next_turn"
        assert not app.keymap_problems  # the old id of ] still remaps it
        rows = {row[2]: row[0] for _, rows in help_rows(app, app.user_keymap) for row in rows}
        assert rows["next_word"] == "f" and rows["next_turn"] == "t"
        assert rows["coding_end_later"] == ">" and rows["go_to_line"] == ":"
        view = app.main_screen.transcript
        await pilot.press("f")
        assert view.cursor == INTERVIEW_1.index("How")
        await pilot.press("t")
        assert view.cursor == INTERVIEW_1.index("Through")

    drive(scenario)


def test_load_keymap_reports_an_unknown_id(tui_env):
    from workbench.core.config import load_config

    tui_env.write_text('[keys]\nnext_wrd = "f"\n', encoding="utf-8")
    keymap, problems = load_keymap(load_config())
    assert keymap == {} and "unknown action 'next_wrd'" in problems[0]
