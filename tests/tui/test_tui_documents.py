"""The document list (open, remove with a question naming what goes) and the case dialog
(no renaming or moving by accident, attribute lines checked)."""

from __future__ import annotations

from tui_support import picker_of, quit_app, reopen, screen_text, until

from workbench.core.project import Project
from workbench.tui.screens.dialogs import ChoiceScreen, ConfirmScreen
from workbench.tui.screens.documents import CaseScreen


async def open_list(pilot, app):
    await pilot.press("g")
    await until(pilot, lambda: picker_of(app, "Go to document") is not None)
    return picker_of(app)


def test_remove_a_document_from_the_list_asks_naming_what_goes(drive, study):
    async def scenario(pilot, app):
        project = app.project
        await open_list(pilot, app)
        assert "ctrl+d remove" in screen_text(app).replace("^d", "ctrl+d")
        await pilot.press(*"Interview 1")
        await pilot.press("ctrl+d")  # not a deletion in the filter line: the question
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.question
        assert "Remove the document “Interview 1” with its 2 codings and 1 memo?" in question
        assert "The case Respondent 1 stays." in question
        await pilot.press("n")  # no: nothing changes
        await until(pilot, lambda: picker_of(app, "Go to document") is not None)
        assert "Interview 1" in project.documents.by_name("Interview 1").name
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: picker_of(app, "Go to document") is not None)
        assert project.documents.by_name("Interview 1") is None
        assert any("Removed “Interview 1” with 2 codings and 1 memo (u undoes it)" in n
                   for n in app.notices)
        assert [c.label for c in picker_of(app).choices] == ["Interview 2", "Field notes"]
        await pilot.press("escape")
        await until(pilot, lambda: picker_of(app, "Go to document") is None)
        assert app.main_screen.document.name == "Interview 2"  # the open one went
        await pilot.press("u")
        assert project.documents.by_name("Interview 1") is not None
        assert len(project.codings) == 3
        await pilot.press("ctrl+r")
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    assert [d.name for d in project.documents.all()] == ["Interview 2", "Field notes"]
    assert project.cases.by_name("Respondent 1") is not None  # its case stays


def test_remove_key_is_remappable(drive, tui_env):
    tui_env.write_text('coder = "ann"\n[keys]\nremove_document = "ctrl+o"\n', encoding="utf-8")

    async def scenario(pilot, app):
        await open_list(pilot, app)
        assert "^o remove" in screen_text(app)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Interview 1" in screen_text(app)

    drive(scenario)


def test_removal_is_refused_on_a_read_only_project(drive, study):
    holder = Project.open(study, write=True)
    try:
        async def scenario(pilot, app):
            await open_list(pilot, app)
            await pilot.press("ctrl+d")
            await pilot.pause()
            assert picker_of(app, "Go to document") is not None
            assert any("read-only" in n for n in app.notices)

        drive(scenario)
    finally:
        holder.close()


async def open_case(pilot, app) -> CaseScreen:
    await pilot.press("A")
    await until(pilot, lambda: isinstance(app.screen, CaseScreen))
    return app.screen


def test_the_case_name_is_no_tab_stop(drive):
    async def scenario(pilot, app):
        screen = await open_case(pilot, app)
        assert screen.attributes_field.has_focus
        await pilot.press("tab", "tab", "shift+tab")
        assert not screen.name_field.has_focus
        await pilot.press(*"X")  # typed where the focus is: never into the name
        assert screen.name_field.value == "Respondent 1"
        assert "X" in screen.attributes_field.text
        await pilot.press("ctrl+n")
        assert screen.name_field.has_focus
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CaseScreen))

    drive(scenario)


def test_a_changed_name_asks_rename_or_move(drive, study):
    async def scenario(pilot, app):
        project = app.project
        # Interview 2 joins Respondent 1 first, so the case has two documents
        doc2 = project.documents.named("Interview 2")
        project.documents.set_case(doc2, "Respondent 1")
        screen = await open_case(pilot, app)
        await pilot.press("ctrl+n", "ctrl+u", *"Aigerim", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert "The case name changed from Respondent 1 to Aigerim" in app.screen.question
        assert app.screen.answers[0][1] == (
            "Rename the case Respondent 1 to Aigerim (this document and its 1 other document "
            "stay in it)")
        await pilot.press("escape")  # back to the dialog, nothing changed
        await until(pilot, lambda: app.screen is screen)
        assert project.cases.by_name("Aigerim") is None
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("r")
        await until(pilot, lambda: not isinstance(app.screen, CaseScreen))
        assert "Renamed the case Respondent 1 to Aigerim" in app.notices[-1]
        case = project.cases.named("Aigerim")
        assert [d.name for d in project.documents.of_case(case)] == ["Interview 1",
                                                                     "Interview 2"]
        assert case.attributes["city"] == "Almaty"
        await pilot.press("u")
        assert project.cases.by_name("Aigerim") is None

        await open_case(pilot, app)
        await pilot.press("ctrl+n", "ctrl+u", *"Dana", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("m")
        await until(pilot, lambda: not isinstance(app.screen, CaseScreen))
        doc1 = project.documents.named("Interview 1")
        assert project.cases.of(doc1).name == "Dana"
        assert project.cases.of(project.documents.named("Interview 2")).name == "Respondent 1"
        assert project.cases.named("Dana").attributes == project.cases.named(
            "Respondent 1").attributes  # the attributes written in the dialog went with it

    drive(scenario)


def test_enter_on_an_existing_case_shows_its_attributes(drive):
    async def scenario(pilot, app):
        screen = await open_case(pilot, app)
        await pilot.press("ctrl+n", "ctrl+u", *"Respondent 2", "enter")
        assert screen.attributes_field.has_focus
        assert screen.attributes_field.text == "city: Astana\npronouns: he/him\n"  # a line to add
        assert "Attributes of Respondent 2" in screen_text(app)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        text = app.screen.question
        assert "Move “Interview 1” from Respondent 1 to the case Respondent 2?" in text
        assert "Its attributes become" not in text  # they stay as they are
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (CaseScreen, ConfirmScreen)))
        assert "Interview 1 belongs to Respondent 2" in app.notices[-1]

    drive(scenario)


def test_attribute_lines_are_checked_with_a_clear_message(drive, study):
    async def scenario(pilot, app):
        screen = await open_case(pilot, app)
        error = screen.query_one("#case-error")
        screen.attributes_field.text = "city: Almaty\nlives with her mother\n"
        await pilot.pause()
        assert ("line 2 (“lives with her mother”): write each attribute as `key: value`"
                in str(error.render()))
        await pilot.press("ctrl+s")  # refused: the dialog stays
        assert app.screen is screen
        screen.attributes_field.text = "city: Almaty\ncity: Astana\n"
        await pilot.pause()
        assert "line 2: “city” is given twice" in str(error.render())
        screen.attributes_field.text = "city:\n"
        await pilot.pause()
        assert "line 1: “city” has no value (delete the line to remove it)" in str(
            error.render())
        screen.attributes_field.text = "city: Shymkent\n"
        await pilot.pause()
        assert str(error.render()) == ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, CaseScreen))
        assert "Attributes of Respondent 1 saved" in app.notices[-1]
        await quit_app(pilot, app)

    drive(scenario)
    assert reopen(study).cases.named("Respondent 1").attributes == {"city": "Shymkent"}


def test_taking_a_document_out_of_its_case_asks(drive, study):
    async def scenario(pilot, app):
        screen = await open_case(pilot, app)
        screen.attributes_field.text = ""
        await pilot.press("ctrl+n", "ctrl+u", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Take “Interview 1” out of the case Respondent 1?" in app.screen.question
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (CaseScreen, ConfirmScreen)))
        assert app.notices[-1] == "Interview 1 has no case now"
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    assert project.cases.of(project.documents.named("Interview 1")) is None
    assert project.cases.named("Respondent 1").attributes["city"] == "Almaty"


def test_typing_at_once_adds_an_attribute_below_the_others(drive, study):
    """The caret starts on an empty line after the attributes: words typed at once are a
    new attribute, never run into the first (which a colon would have let through)."""
    before = dict(reopen(study).cases.named("Respondent 1").attributes)
    assert before  # the study's case has attributes to keep

    async def scenario(pilot, app):
        await open_case(pilot, app)
        await pilot.press(*"country: China", "ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, CaseScreen))
        await quit_app(pilot, app)

    drive(scenario)
    assert reopen(study).cases.named("Respondent 1").attributes == {**before,
                                                                    "country": "China"}


def test_a_document_opened_from_the_codebook_shows_its_transcript_at_80x24(drive):
    """In the narrow layout (one pane at a time) ``g`` from the codebook opens the chosen
    document in the transcript, with the focus there. The picker gives the focus back to the
    codebook before the document takes it to the transcript: the codebook's focus message,
    coming after, showed the codebook again and hid the focused transcript (the focus was
    lost, and no key answered until Tab)."""
    from textual.events import DescendantFocus

    async def scenario(pilot, app):
        main = app.main_screen
        main.focus_pane("codebook")
        await pilot.pause()
        await open_list(pilot, app)
        await pilot.press(*"Interview 2", "enter")
        await pilot.pause()
        await pilot.pause()
        assert main.document.name == "Interview 2"
        assert app.focused is main.transcript and main.active_pane == "transcript"
        # the codebook's message arriving last, as it may: the transcript stays
        main.post_message(DescendantFocus(main.codebook.tree))
        await pilot.pause()
        assert app.focused is main.transcript and main.active_pane == "transcript"
        assert main.query_one("#transcript-pane").display
        assert not main.codebook.display

    drive(scenario, size=(80, 24))
