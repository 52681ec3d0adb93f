"""Pilot tests of the codebook pane and the retrieval screen, checked on the saved project."""

from __future__ import annotations

from tui_support import INTERVIEW_1, INTERVIEW_2, paths_of, quit_app, reopen, screen_text, until

from workbench.core.project import Project
from workbench.tui.screens.dialogs import ConfirmScreen, FormScreen, PickerScreen, PromptScreen
from workbench.tui.screens.retrieval import RetrievalScreen


async def to_code(pilot, app, path: str) -> None:
    """Focus the codebook with the cursor on a code."""
    screen = app.main_screen
    if not screen.codebook.tree.has_focus:
        await pilot.press("tab")
    screen.codebook.highlight(app.project.codebook.find(path).id)
    await pilot.pause()
    assert screen.codebook.code_id == app.project.codebook.find(path).id


def test_keyboard_moves_through_the_tree(drive):
    async def scenario(pilot, app):
        await pilot.press("tab")
        codebook = app.main_screen.codebook
        assert codebook.tree.has_focus
        names = []
        for _ in range(4):
            names.append(app.project.codebook[codebook.code_id].name)
            await pilot.press("down")
        assert names == ["Motivation", "Anger", "Calling", "Networks"]
        text = screen_text(app)
        assert "◆ Motivation  2·2" in text and "■ Networks  1·1" in text

    drive(scenario)


def test_add_code_at_top_level_and_inside_a_theme(drive, study):
    async def scenario(pilot, app):
        await to_code(pilot, app, "Networks")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"Risk", "enter")
        await until(pilot, lambda: "Risk" in [c.name for c in app.project.codebook.all()])
        await to_code(pilot, app, "Motivation")
        await pilot.press("a", *"Guilt", "enter")
        await until(pilot, lambda: "Guilt" in [c.name for c in app.project.codebook.all()])
        assert app.main_screen.codebook.code_id == app.project.codebook.find("Motivation/Guilt").id
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    assert project.codebook.find("Risk").parent is None
    assert project.codebook.path(project.codebook.find("Guilt")) == "Motivation/Guilt"


def test_rename(drive, study):
    async def scenario(pilot, app):
        await to_code(pilot, app, "Networks")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("ctrl+u", *"Social networks", "enter")
        await quit_app(pilot, app)

    drive(scenario)
    assert ("Interview 1", "Social networks", "Through friends") in paths_of(reopen(study))


def test_delete_asks_with_counts_and_undo_brings_it_back(drive, study):
    async def scenario(pilot, app):
        await to_code(pilot, app, "Motivation")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "2 codes below it with 2 codings" in screen_text(app)
        await pilot.press("n")
        await to_code(pilot, app, "Networks")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: "Networks" not in [c.name for c in app.project.codebook.all()])
        assert not app.main_screen.transcript.codings_at(INTERVIEW_1.index("Through friends"))
        await pilot.press("u")
        assert app.notices[-1] == "Undone: delete Networks"
        await pilot.press("u")  # and the memo-less codebook is as built; redo the delete
        await pilot.press("ctrl+r", "ctrl+r")
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    assert "Motivation" in [c.name for c in project.codebook.all()]
    assert "Networks" not in [c.name for c in project.codebook.all()]


def test_merge_into_another_code(drive, study):
    with Project.open(study, write=True) as project:
        doc = project.documents.named("Interview 1")
        start = INTERVIEW_1.index("my calling")
        project.codings.add(doc, start, start + len("my calling"), "Motivation/Calling", "ann")

    async def scenario(pilot, app):
        await to_code(pilot, app, "Motivation/Calling")
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"anger", "enter")
        await until(pilot, lambda: "Calling" not in [c.name for c in app.project.codebook.all()])
        assert "1 coding moved" in app.notices[-1]
        await quit_app(pilot, app)

    drive(scenario)
    assert ("Interview 1", "Motivation/Anger", "my calling") in paths_of(reopen(study))


def test_move_theme_describe_recolour(drive, study):
    async def scenario(pilot, app):
        await to_code(pilot, app, "Networks")
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"Motivation", "enter")
        await until(pilot, lambda: app.project.codebook.find("Networks").parent is not None)
        await to_code(pilot, app, "Motivation/Networks")
        await pilot.press("t")  # a theme now, and the status line says so
        await pilot.pause()
        assert "Motivation/Networks is now a theme" in screen_text(app).splitlines()[-2]
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press(*"Who", "tab", *"names", "ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"#123ABC", "enter")
        await until(pilot, lambda: app.project.codebook.find("Networks").color == "#123abc")
        await to_code(pilot, app, "Motivation/Calling")
        await pilot.press("C", "down", "enter")  # the second colour of the palette
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    networks = project.codebook.find("Networks")
    assert project.codebook.path(networks) == "Motivation/Networks"
    assert networks.is_theme
    assert networks.description == "Who"
    assert networks.inclusion == "names"
    assert networks.color == "#123abc"
    assert project.codebook.find("Calling").color == "#3cb44b"
    labels = [e.label for e in project.history.done[-5:]]
    assert labels[0].startswith("move Networks under Motivation")


def test_memo_on_a_code(drive, study):
    async def scenario(pilot, app):
        await to_code(pilot, app, "Motivation/Anger")
        pane = app.main_screen.memo_pane
        assert pane.text_area.text == "Anger is a motor, not only a feeling."
        await pilot.press("m")
        assert pane.text_area.has_focus
        await pilot.press("enter", *"See R2 too.", "escape")
        await pilot.pause()
        await to_code(pilot, app, "Networks")
        await pilot.press("m", *"Friends and chats", "ctrl+s", "escape")
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    anger, networks = project.codebook.find("Anger"), project.codebook.find("Networks")
    assert [m.text for m in project.memos.about("code", anger.id)] == [
        "Anger is a motor, not only a feeling.\nSee R2 too."
    ]
    assert [m.text for m in project.memos.about("code", networks.id)] == ["Friends and chats"]


def test_filter_the_codebook(drive):
    async def scenario(pilot, app):
        codebook = app.main_screen.codebook
        await pilot.press("tab", "slash", *"call")
        await pilot.pause()
        assert set(codebook.nodes) == {
            app.project.codebook.find("Motivation").id, app.project.codebook.find("Calling").id
        }
        await pilot.press("enter")
        assert codebook.tree.has_focus
        await pilot.press("escape")
        assert len(codebook.nodes) == 4

    drive(scenario)


def test_retrieval_lists_segments_copies_and_jumps(drive, monkeypatch):
    copied: list[str] = []

    async def scenario(pilot, app):
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await to_code(pilot, app, "Motivation")  # a theme: its codes' segments too
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RetrievalScreen))
        text = screen_text(app)
        assert "2 segments · 2 respondents" in text
        assert "Respondent 1 · Interview 1 · line 5 · Motivation/Anger" in text
        assert "Злость" in text
        await pilot.press("down", "y")
        assert copied == ["«Злость» (Respondent 2)"]
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, RetrievalScreen))
        screen = app.main_screen
        assert screen.document.name == "Interview 2"
        assert screen.transcript.cursor == INTERVIEW_2.index("Злость")
        assert screen.transcript.has_focus

    drive(scenario)


def test_read_only_codebook_refuses_changes(drive, study, tmp_path):
    """Another process holds the lock: changing keys only say so."""
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from workbench.core.project import Project; "
         f"p = Project.open({str(study)!r}, write=True); print('ready', flush=True); "
         "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"

        async def scenario(pilot, app):
            assert app.project.read_only
            assert "READ-ONLY: project.json is open for writing" in screen_text(app)
            await to_code(pilot, app, "Networks")
            await pilot.press("d", "r", "a", "t", "M")
            await pilot.press("tab", "tab", "c", "x", "u", "1", "m", "q")
            await until(pilot, lambda: app.return_code is not None)
            refusals = [n for n in app.notices if "read-only" in n]
            assert len(refusals) >= 9
            assert isinstance(app.screen, type(app.main_screen))

        drive(scenario)
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    project = reopen(study)
    names = [c.name for c in project.codebook.all()]
    assert names == ["Motivation", "Anger", "Calling", "Networks"]
    assert len(project.codings) == 3
