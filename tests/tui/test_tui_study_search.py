"""The study-wide search: whose hits (respondents, interviewers, all), code every hit (the
respondents' only unless another role is asked for), widened to a word, sentence or turn."""

from __future__ import annotations

from tui_support import INTERVIEW_1, code_picker_of, screen_text, until

from workbench.tui.screens.study_search import StudySearchScreen


async def search_for(pilot, app, *keys: str) -> StudySearchScreen:
    await pilot.press("ctrl+f")
    await until(pilot, lambda: isinstance(app.screen, StudySearchScreen))
    screen = app.screen
    await pilot.press(*keys, "enter")
    await until(pilot, lambda: screen.searched is not None)
    return screen


async def code_with(pilot, app, name: str) -> None:
    await pilot.press("c")
    await until(pilot, lambda: code_picker_of(app) is not None)
    await pilot.press(*name, "enter")
    await until(pilot, lambda: isinstance(app.screen, StudySearchScreen))


def coded(project, name: str) -> list[str]:
    code = project.codebook.find(name)
    return sorted(c.text for c in project.codings.of_code(code))


def test_the_role_filter_lists_one_role_or_all(drive):
    async def scenario(pilot, app):
        screen = await search_for(pilot, app, *"you")  # the interviewer asks "you"
        assert [h.role for h in screen.hits] == ["interviewer", "interviewer"]
        assert "^o all speakers" in screen_text(app)
        assert "Interview 1 · Interviewer" in screen_text(app)  # whose words, not the case
        await pilot.press("ctrl+o")
        assert screen.role == "respondent" and screen.hits == []
        assert "No match for 'you' in respondents' turns" in screen_text(app)
        await pilot.press("ctrl+o")
        assert screen.role == "interviewer" and len(screen.hits) == 2
        await pilot.press("ctrl+o", "ctrl+o")
        assert screen.role is None and len(screen.hits) == 2

    drive(scenario)


def test_code_every_hit_codes_respondents_hits_unless_asked(drive):
    async def scenario(pilot, app):
        project = app.project
        screen = await search_for(pilot, app, *"going")  # asked, and answered
        assert sorted(h.role for h in screen.hits) == ["interviewer", "respondent"]
        await pilot.press("c")
        await until(pilot, lambda: code_picker_of(app) is not None)
        assert ("Code the 1 respondent hit of “going” (1 other speaker’s hit left out) with"
                in code_picker_of(app).title_text)
        await pilot.press(*"Persistence", "enter")
        await until(pilot, lambda: isinstance(app.screen, StudySearchScreen))
        assert coded(project, "Persistence") == ["going"]
        only = next(c for c in project.codings.of_code(project.codebook.find("Persistence")))
        assert only.start == INTERVIEW_1.index("going.")  # the respondent's, not the question
        await pilot.press("ctrl+o", "ctrl+o")  # interviewers' hits, asked for: coded too
        assert [h.role for h in screen.hits] == ["interviewer"]
        await code_with(pilot, app, "Persistence")
        assert coded(project, "Persistence") == ["going", "going"]

    drive(scenario)


def test_interviewer_hits_alone_are_not_coded_without_asking(drive):
    async def scenario(pilot, app):
        await search_for(pilot, app, *"you")
        await pilot.press("c")
        await pilot.pause()
        assert code_picker_of(app) is None
        assert "None of these 2 hits is a respondent's" in app.notices[-1]

    drive(scenario)


def test_widen_each_hit_to_its_sentence_or_turn(drive):
    async def scenario(pilot, app):
        project = app.project
        screen = await search_for(pilot, app, *"honestly")
        await pilot.press("ctrl+g", "ctrl+g")
        assert screen.widen == "sentence"
        assert "code each sentence" in screen_text(app)
        await code_with(pilot, app, "Candour")
        assert coded(project, "Candour") == ["Anger, honestly."]
        assert "Added 1 coding with Candour (sentences of “honestly”" in app.notices[-1]
        await pilot.press("ctrl+g")
        assert screen.widen == "turn"
        await code_with(pilot, app, "Candour")  # the turn takes the sentence in: extended
        turn = "Anger, honestly. Anger at how we are treated keeps me going."
        assert coded(project, "Candour") == [turn]
        assert "Extended 1 coding with Candour" in app.notices[-1]
        await code_with(pilot, app, "Candour")  # again: nothing to add
        assert "Nothing added: every turn is already coded with Candour" in app.notices[-1]
        await pilot.press("ctrl+g")
        assert screen.widen == "paragraph"
        await pilot.press("ctrl+g")
        assert screen.widen is None

    drive(scenario)


def test_search_keys_are_remappable_and_the_old_id_still_works(drive, tui_env):
    tui_env.write_text('coder = "ann"\n[keys]\nsearch_role = "ctrl+y"\n'
                       'search_paragraphs = "ctrl+t"\n', encoding="utf-8")

    async def scenario(pilot, app):
        assert not app.keymap_problems
        screen = await search_for(pilot, app, *"you")
        assert "^y all speakers" in screen_text(app) and "^t code each hit" in screen_text(app)
        await pilot.press("ctrl+y")
        assert screen.role == "respondent"
        await pilot.press("ctrl+t")
        assert screen.widen == "word"

    drive(scenario)
