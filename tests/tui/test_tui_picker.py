"""The picker, key by key: the main screen's overlay (``c``, ``g``) and the same widget in a
picker screen (asked from elsewhere)."""

from __future__ import annotations

import tui_support
from tui_support import code_picker_of, paths_of, picker_of, quit_app, reopen, screen_text, until

from workbench.core.project import Project
from workbench.tui.screens.dialogs import NewName, PickerScreen
from workbench.tui.widgets.picker import ROWS, Choice, PickerList


def add_codes(study, count: int) -> None:
    with Project.open(study, write=True) as project:
        for n in range(count):
            project.codebook.add(f"Extra/Code {n:02d}")
        project.save()


def listed(picker) -> PickerList:
    return picker.query_one(PickerList)


def test_c_opens_the_overlay_on_the_main_screen_with_the_focus_in_the_filter(drive):
    async def scenario(pilot, app):
        main = app.main_screen
        await pilot.press("j", "c")
        picker = code_picker_of(app)
        assert picker is main.picker and app.screen is main  # no screen pushed
        assert app.focused is picker.query_one("#picker-input")
        assert sorted(c.label for c in picker.shown) == [
            "Motivation", "Motivation/Anger", "Motivation/Calling", "Networks"]
        await pilot.pause()
        region = picker.region  # centred on the screen, over the panes
        assert (region.x, region.right) == (12, 108) and region.y >= 0 and region.bottom <= 38
        text = screen_text(app)
        assert "Code “" in text and "enter apply · ↑↓ choose · esc cancel" in text
        assert "Motivation/Calling" in text
        assert "esc Cancel" in text.splitlines()[-1]  # the footer shows the picker's keys
        assert "Go to doc" not in text.splitlines()[-1]  # not the main screen's

    drive(scenario)


def test_letters_typed_right_after_c_filter_and_repaint_the_list(drive):
    async def scenario(pilot, app):
        await pilot.press("j", "c", *"calL")  # pressed at once: none is lost
        picker = code_picker_of(app)
        assert picker.query_one("#picker-input").value == "calL"
        assert picker.query_text == "calL"
        assert picker.shown[0].label == "Motivation/Calling"
        assert isinstance(picker.shown[-1], NewName)
        lines = listed(picker)
        assert not any("Networks" in lines.line(n).plain for n in range(lines.option_count))
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        assert len(picker.shown) == 4
        assert any("Networks" in lines.line(n).plain for n in range(lines.option_count))

    drive(scenario)


def test_up_down_pageup_pagedown_move_and_the_list_scrolls(drive, study):
    add_codes(study, 30)

    async def scenario(pilot, app):
        await pilot.press("j", "c")
        picker = code_picker_of(app)
        lines = listed(picker)
        last = len(picker.shown) - 1
        assert last == 34 and lines.size.height == ROWS  # Extra, its 30 codes and 4 more
        await pilot.press("up")  # at the top already
        assert lines.highlighted == 0
        await pilot.press("down", "down")
        assert lines.highlighted == 2 and lines.top == 0
        await pilot.press("pagedown", "pagedown")
        assert lines.highlighted == 22 and lines.top == 22 - ROWS + 1  # scrolled to it
        await pilot.pause()
        assert picker.shown[22].label in screen_text(app)  # the 23rd choice is shown
        assert picker.shown[0].label not in screen_text(app)  # the first scrolled away
        await pilot.press(*["pagedown"] * 5)
        assert lines.highlighted == last
        await pilot.press("pageup")
        assert lines.highlighted == last - 10
        await pilot.press(*["pageup"] * 4)
        assert lines.highlighted == 0 and lines.top == 0
        await pilot.press("down", "down", "down")
        chosen.append(picker.shown[3].label)
        await pilot.press("enter")
        await pilot.pause()
        assert picker_of(app) is None

    chosen: list[str] = []
    app = drive(scenario)
    assert any(n.startswith(f"Coded {chosen[0]}: ") for n in app.notices), app.notices


def test_a_long_list_shows_a_thumb_that_follows_the_highlight(drive, study):
    """More choices than rows: the last column carries a thumb, at the top first, at the
    bottom once the last choice is highlighted; a list that fits has none."""
    add_codes(study, 30)

    def thumb_rows(app, picker) -> list[int]:
        lines = listed(picker)
        region = lines.content_region
        rows = screen_text(app).splitlines()[region.y:region.bottom]
        return [y for y, row in enumerate(rows) if row[region.right - 1] == "▐"]

    async def scenario(pilot, app):
        await pilot.press("j", "c")
        picker = code_picker_of(app)
        await pilot.pause()
        size = max(1, ROWS * ROWS // len(picker.shown))
        assert thumb_rows(app, picker) == list(range(size))
        await pilot.press(*["pagedown"] * 5)
        await pilot.pause()
        assert thumb_rows(app, picker) == list(range(ROWS - size, ROWS))
        await pilot.press(*"Networks")
        await pilot.pause()
        assert len(picker.shown) < ROWS and thumb_rows(app, picker) == []

    drive(scenario)


def test_the_document_list_works_out_only_the_details_it_shows(drive, study):
    """g with more documents than rows: each shown document's case and codings are looked
    up, not every document's."""
    with Project.open(study, write=True) as project:
        for n in range(40):
            project.documents.add(f"Extra {n:02d}", "Some words.")
        project.save()
    looked_up: list[str] = []

    async def scenario(pilot, app):
        codings = app.project.codings
        stock = codings.in_document

        def counted(doc_id):
            looked_up.append(doc_id)
            return stock(doc_id)

        codings.in_document = counted
        await pilot.press("g")
        picker = picker_of(app, "Go to document")
        await pilot.pause()
        assert len(picker.shown) == 43
        assert 0 < len(set(looked_up)) <= ROWS
        assert "Interview 1" in screen_text(app) and "Respondent 1 · 2 codings" in screen_text(app)

    drive(scenario)


def test_enter_takes_the_best_match_and_the_focus_goes_back(drive, study):
    async def scenario(pilot, app):
        main = app.main_screen
        await pilot.press("j", "c", *"netw", "enter")
        await pilot.pause()
        assert picker_of(app) is None and main.picker.region.bottom <= 0  # above the screen
        assert app.focused is main.transcript
        assert any("Networks" in n for n in app.notices)  # coded (extending ann's coding)
        await quit_app(pilot, app)

    drive(scenario)
    assert any(path == "Networks" and doc == "Interview 1"
               for doc, path, _ in paths_of(reopen(study)))


def test_escape_cancels_and_gives_the_focus_back(drive, study):
    async def scenario(pilot, app):
        main = app.main_screen
        main.focus_pane("codebook")
        await pilot.pause()
        await pilot.press("g", *"field")
        assert picker_of(app, "Go to document") is not None
        await pilot.press("escape")
        await pilot.pause()
        assert picker_of(app) is None and app.focused is main.codebook.tree
        assert main.document.name == "Interview 1"  # nothing opened
        revision = app.project.revision
        main.focus_pane("transcript")
        await pilot.press("j", "c", *"netw", "escape")
        await pilot.pause()
        assert app.focused is main.transcript and app.project.revision == revision

    drive(scenario)


def test_a_new_name_is_offered_below_the_matches_and_taken_on_purpose(drive, study):
    async def scenario(pilot, app):
        await pilot.press("j", "c", *"Solidarity")  # nothing matches: only the new name
        picker = code_picker_of(app)
        assert [type(s) for s in picker.shown] == [NewName]
        await pilot.pause()
        assert "+ New code “Solidarity”" in screen_text(app)
        await pilot.press("enter")  # under which theme? (a picker screen) "none" first
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert app.screen.picker.shown[0].label == "none (top level)"
        await pilot.press("enter")
        await until(pilot, lambda: picker_of(app) is None)
        await pilot.press("c", *"call")  # a match and a new name: enter takes the match
        assert code_picker_of(app).shown[0].label == "Motivation/Calling"
        await pilot.press("down", "enter")  # the new name, chosen on purpose
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"Motiv", "enter")
        await until(pilot, lambda: picker_of(app) is None)
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    assert {project.codebook.path(c) for c in project.codebook.values()} >= {
        "Solidarity", "Motivation/call"}


def test_the_keys_of_the_screen_beneath_do_not_apply_while_it_is_open(drive, study):
    async def scenario(pilot, app):
        main = app.main_screen
        await pilot.press("j", "c")
        field = code_picker_of(app).query_one("#picker-input")
        await pilot.press("tab", "shift+tab", "ctrl+r")  # next pane, previous pane, redo
        await pilot.pause()
        assert app.focused is field and main.active_pane == "transcript"
        await pilot.press("g", "q")  # letters: the filter's
        assert field.value == "gq" and code_picker_of(app) is not None

    drive(scenario)


def test_a_click_on_a_line_takes_it(drive, study):
    async def scenario(pilot, app):
        await pilot.press("j", "c")
        await pilot.pause()
        chosen.append(code_picker_of(app).shown[3].label)
        await pilot.click("#picker-list", offset=(2, 3))  # the fourth line
        await pilot.pause()
        assert picker_of(app) is None

    chosen: list[str] = []
    app = drive(scenario)
    assert any(n.startswith(f"Coded {chosen[0]}: ") for n in app.notices), app.notices



def test_the_same_widget_in_a_picker_screen_answers_and_cancels(drive, study):
    async def scenario(pilot, app):
        answers = []
        screen = PickerScreen("Which?", [])
        screen.picker.load("Which?", [], new_label="New “{}”")
        app.push_screen(screen, answers.append)
        await until(pilot, lambda: picker_of(app, "Which?") is not None)
        await pilot.press(*"abc", "enter")
        await until(pilot, lambda: app.screen is app.main_screen)
        assert answers == [NewName("abc")]
        app.push_screen(PickerScreen("Which?", []), answers.append)
        await until(pilot, lambda: picker_of(app, "Which?") is not None)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        assert answers == [NewName("abc"), None]
        assert app.focused is app.main_screen.transcript

    drive(scenario)


def test_it_stays_centred_when_the_terminal_is_resized(drive):
    async def scenario(pilot, app):
        await pilot.press("j", "c")
        picker = code_picker_of(app)
        await pilot.resize_terminal(100, 30)
        await until(pilot, lambda: app.screen.size == (100, 30))
        await pilot.pause()
        region = picker.region
        assert (region.x, region.right) == (10, 90) and 0 <= region.y and region.bottom <= 30
        assert picker.is_open

    drive(scenario)


def test_the_focus_taken_beneath_cancels_it(drive, study):
    async def scenario(pilot, app):
        await pilot.press("j", "c", *"Net")
        picker = code_picker_of(app)
        codebook = app.main_screen.codebook
        await pilot.click(codebook, offset=(codebook.size.width - 4, 3))  # beside the picker
        await until(pilot, lambda: not picker.is_open)
        assert picker.region.bottom <= 0  # moved away above the screen
        assert codebook in app.focused.ancestors_with_self
        app.main_screen.transcript.focus()
        await pilot.press("c")  # it opens again as usual
        await until(pilot, lambda: picker.is_open)
        await pilot.press("escape")

    before = len(reopen(study).codings)
    drive(scenario)
    assert len(reopen(study).codings) == before  # nothing coded


def test_the_picker_opened_again_after_a_coding_shows_the_new_count(drive):
    """The choices are kept from one `c` to the next while the codebook and the recent codes
    stay the same; the count beside a code is still the one of the project now."""
    async def scenario(pilot, app):
        project = app.project
        networks = next(c for c in project.codebook.values() if c.name == "Networks")

        def shown_and_true(picker) -> tuple[int, int]:
            lines = listed(picker)
            row = next(lines.line(n).plain for n in range(lines.option_count)
                       if lines.line(n).plain.split("  ")[0].endswith("Networks"))
            assert row in screen_text(app)  # painted as it reads
            return int(row.split("  ")[-1].split("·")[0]), project.codebook.counts(networks)[0]

        await pilot.press("c")
        picker = code_picker_of(app)
        await pilot.pause()
        first, _ = shown_and_true(picker)
        await pilot.press(*"Networks", "enter")  # Networks becomes the recent code 1
        await until(pilot, lambda: not picker.is_open)
        for moves in (("pagedown",), ("pagedown", "pagedown")):
            await pilot.press(*moves, "c")
            await pilot.pause()
            shown, true = shown_and_true(picker)
            assert shown == true
            choices = picker.choices
            await pilot.press("escape", "1")  # coded with it again: the recent codes the same
        await pilot.press("c")
        await pilot.pause()
        assert all(a is b for a, b in zip(picker.choices, choices, strict=True))  # kept
        shown, true = shown_and_true(picker)
        assert shown == true and true > first + 1

        await pilot.press("escape", "u", "c")  # undone: the count goes back
        await pilot.pause()
        shown, true_after = shown_and_true(picker)
        assert shown == true_after == true - 1

    drive(scenario)


def test_the_same_list_shown_again_is_not_drawn_again(drive):
    """Opening the picker again with nothing changed draws none of its listed lines again
    (they are kept, painted, from the last time); a count that changed draws its row."""
    async def scenario(pilot, app):
        await pilot.press("c")
        picker = code_picker_of(app)
        lines = listed(picker)
        await pilot.pause()
        drawn = tui_support.lines_drawn(lines)
        await pilot.press("escape", "c")
        await pilot.pause()
        assert picker.is_open and drawn == []
        await pilot.press("enter")  # the first code applied: its count changes
        await until(pilot, lambda: not picker.is_open)
        await pilot.press("pagedown", "c")
        await pilot.pause()
        assert 0 < len(drawn) < lines.size.height

    drive(scenario)


def test_the_title_and_hint_are_drawn_again_only_when_they_read_differently(drive):
    """The same title and hint shown again draw nothing; a new title draws its one line,
    cut with an ellipsis at the picker's width."""
    async def scenario(pilot, app):
        await pilot.press("c")
        picker = code_picker_of(app)
        title, hint = picker.query_one(".title"), picker.query_one(".hint")
        await pilot.pause()
        drawn_title, drawn_hint = tui_support.lines_drawn(title), tui_support.lines_drawn(hint)
        await pilot.press("escape", "c")  # the cursor did not move: the same title
        await pilot.pause()
        assert picker.is_open and drawn_title == drawn_hint == []
        await pilot.press("escape")
        long_title = "Code “" + "a very long passage " * 10 + "”"
        picker.load(long_title, picker.choices, hint=picker.hint).open(lambda answer: None)
        await pilot.pause()
        assert drawn_title == [0] and drawn_hint == []
        line = next(row for row in screen_text(app).splitlines() if "a very long" in row)
        assert "…" in line and "”" not in line

    drive(scenario)


def test_a_line_break_in_a_title_or_a_name_is_drawn_as_a_space(drive):
    """A name may hold a line break (a code's path in "Merge “…” into", a choice's label):
    the picker draws it on its one line as a space, never as a raw newline in the frame."""
    async def scenario(pilot, app):
        picker = app.main_screen.picker
        picker.load("Merge “Line one\nline two” into",
                    [Choice("x", "Row one\nrow two")]).open(lambda answer: None)
        await pilot.pause()
        text = screen_text(app)
        assert "Merge “Line one line two” into" in text
        assert "Row one row two" in text
        for widget in (picker.query_one(".title"), listed(picker)):
            strips = widget.render_lines(widget.size.region)
            assert not any("\n" in segment.text for strip in strips for segment in strip)

    drive(scenario)


def test_the_picker_counts_a_theme_as_the_codebook_does(drive):
    """A theme's counts in the picker are the codebook pane's: with the codes below it."""
    async def scenario(pilot, app):
        project = app.project
        theme = next(c for c in project.codebook.values() if c.name == "Motivation")
        shown_in_tree = app.main_screen.codebook.totals(theme)
        own = project.codebook.counts(theme)[0]
        assert shown_in_tree[0] > own  # the codes below it count in the tree
        await pilot.press("c")
        picker = code_picker_of(app)
        row = next(choice for choice in picker.choices if choice.label == "Motivation")
        assert row.detail_text().startswith(f"{shown_in_tree[0]}·{shown_in_tree[1]}")
        tree_line = next(line for line in screen_text(app).splitlines() if "◆ Motivation" in line)
        assert f"{shown_in_tree[0]}·{shown_in_tree[1]}" in tree_line

    drive(scenario)


def test_a_new_code_path_with_an_empty_name_says_so_and_cannot_be_chosen(drive):
    async def scenario(pilot, app):
        await pilot.press("j", "c", *"Family/")
        picker = code_picker_of(app)
        await pilot.pause()
        new = picker.shown[-1]
        assert isinstance(new, NewName) and new.problem == "a name in the path is empty"
        assert "✗ New code “Family/”: a name in the path is empty" in screen_text(app)
        listed(picker).move_to(len(picker.shown) - 1)
        await pilot.press("enter")  # refused: the picker stays open, nothing is made
        assert picker.is_open and app.project.codebook.at_path("Family") is None
        await pilot.press("backspace", "/", *"Grandmother")
        await pilot.pause()
        assert picker.shown[-1] == NewName("Family/Grandmother")  # a good path again
        listed(picker).move_to(len(picker.shown) - 1)
        await pilot.press("enter")
        await until(pilot, lambda: not picker.is_open)
        await until(pilot, lambda: app.project.codebook.at_path("Family/Grandmother")
                    is not None)

    drive(scenario)


def code_networks(app):
    """Code "pulled me in" (not coded with Networks yet) with Networks through ``app.apply``:
    (the code, its counts in the codebook before, the coding's start, the coding)."""
    main = app.main_screen
    networks = next(c for c in app.project.codebook.values() if c.name == "Networks")
    doc = main.document
    start = doc.text.index("pulled me in")
    before = main.codebook.totals(networks)
    coding = app.apply(lambda p: p.codings.add(doc, start, start + 12, networks, "ann"))
    return networks, before, start, coding


def test_a_change_is_in_the_panes_when_apply_returns(drive):
    """A change made on the main screen is drawn whole in the frame of the key that made it:
    the transcript and the codebook show it as soon as ``app.apply`` returns, before any
    message is handled (a frame asked for in between showed it half drawn)."""
    async def scenario(pilot, app):
        main = app.main_screen
        await pilot.pause()
        networks, before, start, coding = code_networks(app)
        assert main.shown_revision == app.project.revision
        assert coding in main.transcript.codings_at(start)
        assert main.codebook.totals(networks)[0] == before[0] + 1

    drive(scenario)


def test_counts_are_current_when_c_comes_before_the_panes_caught_up(drive):
    """A key typed ahead: `c` handled before the change just made reached the panes still
    lists the counts after that change."""
    async def scenario(pilot, app):
        main = app.main_screen
        await pilot.pause()
        networks, before, _, _ = code_networks(app)
        choices = main.coding.code_choices()  # in the same turn: no message handled between
        row = next(choice for choice in choices if choice.label == "Networks")
        assert row.detail_text().startswith(f"{before[0] + 1}·")

    drive(scenario)
