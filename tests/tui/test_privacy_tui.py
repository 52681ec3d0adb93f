"""Pilot tests of redaction in the transcript (ctrl+x), and the TUI on an encrypted project."""

from __future__ import annotations

from tui_support import INTERVIEW_1, paths_of, quit_app, reopen

from workbench.store import crypto
from workbench.tui.screens.dialogs import PromptScreen


def test_ctrl_x_redacts_the_selection_after_asking(drive, study):
    start = INTERVIEW_1.index("in Almaty")
    words = "in Almaty"

    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(start + 3)
        await pilot.press("v", *["right"] * len("Almaty"))
        assert view.selection == (start + 3, start + len(words))
        await pilot.press("ctrl+x")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape")  # cancelled: nothing changes
        await pilot.pause()
        assert "Almaty" in app.project.documents.named("Interview 1").text
        await pilot.press("ctrl+x")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")  # the default: [redacted]
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
        assert view.selection is None
        assert app.project.history.done[-1].label == "redact in Interview 1"
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(study)
    text = project.documents.named("Interview 1").text
    assert text == INTERVIEW_1.replace("in Almaty", "in [redacted]")
    # the coding before it kept its words; every coding covers its text
    assert ("Interview 1", "Networks", "Through friends") in paths_of(project)
    for coding in project.codings.values():
        doc = project.documents[coding.document]
        assert doc.text[coding.start : coding.end] == coding.text


def test_redact_without_a_selection_says_so(drive, study):
    async def scenario(pilot, app):
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
        await quit_app(pilot, app)

    drive(scenario)
    assert reopen(study).documents.named("Interview 1").text == INTERVIEW_1


def test_the_tui_opens_and_saves_an_encrypted_project(drive, study, monkeypatch):
    monkeypatch.setenv(crypto.PASSPHRASE_ENV, "a long enough passphrase")
    crypto.forget_keys()
    from workbench.core.project import Project
    from workbench.privacy.purge import seal_leftovers

    with Project.open(study, write=True) as project:
        sealer = crypto.Sealer.create("a long enough passphrase")
        project.storage.sealer = sealer
        project.write_rendered(project.render(), backup="never")
        seal_leftovers(project.path, sealer)
    start = INTERVIEW_1.index("my calling")

    async def scenario(pilot, app):
        view = app.main_screen.transcript
        view.move_cursor(start)
        await pilot.press("v", *["right"] * len("my calling"), "ctrl+x")
        await pilot.press("ctrl+u", *"R-calling", "enter")
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    for path in study.parent.iterdir():
        if path.name.startswith("project.json") and not path.name.endswith(".lock"):
            raw = path.read_bytes()
            assert raw.startswith(crypto.MAGIC), path.name
            assert b"Almaty" not in raw and b"calling" not in raw
    assert "R-calling, not a job" in reopen(study).documents.named("Interview 1").text
    crypto.forget_keys()
