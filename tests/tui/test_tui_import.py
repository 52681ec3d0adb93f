"""Importing from the TUI: path completion, case and attributes, the CLI's own import code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tui_support import quit_app, reopen, screen_text, until

from workbench.errors import WorkbenchError
from workbench.tui.screens import importing
from workbench.tui.screens.importing import (
    Entry,
    ImportScreen,
    complete,
    entries,
    files_of,
    split_typed,
)

INTERVIEW_3 = (
    "Interviewer: What brought you here?\n"
    "Respondent 3: My sister. She took me to the first meeting.\n"
    "Interviewer: And now?\n"
    "Respondent 3: Now I organise them myself.\n"
)



@pytest.fixture
def transcripts(tmp_path: Path) -> Path:
    folder = tmp_path / "transcripts"
    (folder / "pilot").mkdir(parents=True)
    (folder / "Interview 3.txt").write_text(INTERVIEW_3, encoding="utf-8")
    (folder / "Interview 4.txt").write_text("Interviewer: Why?\nR4: Because.\n",
                                            encoding="utf-8")
    (folder / "consent.pdf").write_bytes(b"%PDF-1.4")
    (folder / ".hidden.txt").write_text("x", encoding="utf-8")
    return folder


def test_the_folder_list_and_completion(transcripts: Path):
    assert entries(transcripts) == [Entry("pilot", True), Entry("Interview 3.txt", False),
                                    Entry("Interview 4.txt", False)]  # no pdf, no hidden
    assert entries(transcripts, ".") == [Entry(".hidden.txt", False)]
    assert entries(transcripts, "inter") == entries(transcripts)[1:]  # any case
    assert entries(transcripts, limit=1) == [Entry("pilot", True)]
    assert entries(transcripts / "nowhere") == []
    start = transcripts.parent
    assert split_typed("transcripts/Int", start) == (transcripts, "Int")
    assert split_typed("transcripts/", start) == (transcripts, "")
    assert complete("tr", start) == "transcripts" + os.sep
    assert complete("transcripts/I", start) == "transcripts/Interview "
    assert complete("transcripts/p", start) == "transcripts/pilot" + os.sep
    assert complete("transcripts/zzz", start) == "transcripts/zzz"
    assert files_of("transcripts/Interview*", start) == [transcripts / "Interview 3.txt",
                                                         transcripts / "Interview 4.txt"]
    assert files_of(str(transcripts / "Interview 3.txt"), Path("/")) == [
        transcripts / "Interview 3.txt"]
    assert files_of("  ", start) == []


def test_a_pattern_matching_too_many_files_is_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(importing, "MATCHED", 3)
    for n in range(4):
        (tmp_path / f"r{n}.txt").write_text("x", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="matches 4 files; import at most 3"):
        files_of("r*.txt", tmp_path)


async def open_import(pilot, app) -> ImportScreen:
    await pilot.press("ctrl+o")
    await until(pilot, lambda: isinstance(app.screen, ImportScreen)
                and bool(app.screen.query("#import-path")))
    await pilot.pause()
    return app.screen


def test_import_with_completion_case_and_attributes(drive, study, transcripts, monkeypatch):
    monkeypatch.chdir(transcripts.parent)  # the dialog starts where the workbench started

    async def scenario(pilot, app):
        screen = await open_import(pilot, app)
        field = screen.path_field
        assert field.value == str(transcripts.parent) + os.sep
        await pilot.press("ctrl+u", *"tr", "tab")  # completes the folder
        assert field.value == "transcripts" + os.sep
        assert "Interview 3.txt" in screen_text(app) and "consent.pdf" not in screen_text(app)
        await pilot.press("I", "tab")  # as far as the names agree
        assert field.value == "transcripts/Interview "
        await pilot.press("3", "tab")  # one name left: all of it
        assert field.value == "transcripts/Interview 3.txt"
        await pilot.press("tab")  # nothing more to complete: the next field
        assert screen.query_one("#import-case").has_focus
        await pilot.press(*"Respondent 3", "tab", *"city: Oral", "enter", *"age: 29")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        assert app.main_screen.document.name == "Interview 3"  # opened
        assert any(n.startswith("Imported 1 document") and "Respondent 3 (respondent)" in n
                   for n in app.notices)
        await pilot.press("u")  # one step: the document and its case go
        assert app.project.documents.by_name("Interview 3") is None
        await pilot.press("ctrl+r")
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    doc = project.documents.named("Interview 3")
    assert project.cases.of(doc).name == "Respondent 3"
    assert project.cases.of(doc).attributes == {"city": "Oral", "age": "29"}
    assert doc.roles == {"Interviewer": "interviewer", "Respondent 3": "respondent"}


def test_arrows_choose_and_enter_opens_a_folder(drive, transcripts):
    async def scenario(pilot, app):
        screen = await open_import(pilot, app)
        screen.path_field.value = str(transcripts) + os.sep
        await pilot.pause()
        await pilot.press("down")
        assert screen.path_field.value == str(transcripts / "pilot") + os.sep
        await pilot.press("down", "down")
        assert screen.path_field.value == str(transcripts / "Interview 4.txt")
        await pilot.press("up", "up", "enter")  # the folder: look inside, nothing imported
        assert isinstance(app.screen, ImportScreen)
        await pilot.pause()
        assert screen.shown == []
        assert "0 entries in pilot" in screen_text(app)

    drive(scenario)


def test_a_pattern_imports_every_file_it_matches(drive, study, transcripts):
    async def scenario(pilot, app):
        screen = await open_import(pilot, app)
        screen.path_field.value = str(transcripts / "Interview *.txt")
        await pilot.pause()
        assert "2 files match" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        assert "Imported 2 documents" in app.notices[-1]
        await quit_app(pilot, app)

    drive(scenario)
    names = [d.name for d in reopen(study).documents.all()]
    assert names[-2:] == ["Interview 3", "Interview 4"]


def test_a_bad_file_or_name_clash_is_said_in_the_dialog(drive, study, tmp_path):
    (tmp_path / "Interview 1.txt").write_text("Interviewer: again?\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")

    async def scenario(pilot, app):
        screen = await open_import(pilot, app)
        status = screen.query_one("#import-status")
        screen.path_field.value = str(tmp_path / "empty.txt")
        await pilot.press("enter")
        await until(pilot, lambda: "empty.txt is empty" in str(status.render()))
        screen.path_field.value = str(tmp_path / "Interview 1.txt")
        await pilot.press("enter")
        await until(pilot, lambda: "already in the project" in str(status.render()))
        assert isinstance(app.screen, ImportScreen)
        screen.query_one("#import-attributes").text = "city"
        await pilot.press("ctrl+s")
        assert "write each attribute as `key: value`" in str(status.render())
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ImportScreen))

    drive(scenario)
    assert len(reopen(study).documents) == 3


def test_the_tui_and_the_cli_import_alike(drive, study, transcripts, tmp_path):
    """Both go through workbench.io.importing: the same document, turns and roles."""
    twin = tmp_path / "twin"
    shutil.copytree(study.parent, twin)
    source = transcripts / "Interview 3.txt"
    done = subprocess.run(
        [str(Path(sys.executable).with_name("workbench")), "import", str(twin), str(source),
         "--case", "Respondent 3", "--attr", "city=Oral"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

    async def scenario(pilot, app):
        screen = await open_import(pilot, app)
        screen.path_field.value = str(source)
        screen.query_one("#import-case").value = "Respondent 3"
        screen.query_one("#import-attributes").text = "city: Oral"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        await quit_app(pilot, app)

    drive(scenario)
    by_tui = reopen(study).documents.named("Interview 3")
    cli_project = reopen(twin / study.name)
    by_cli = cli_project.documents.named("Interview 3")
    assert (by_tui.text, by_tui.paragraphs, by_tui.roles, by_tui.source) == (
        by_cli.text, by_cli.paragraphs, by_cli.roles, by_cli.source)
    assert cli_project.cases.of(by_cli).attributes == {"city": "Oral"}
    assert [e.label for e in reopen(study).history.done][-1] == "import Interview 3"
