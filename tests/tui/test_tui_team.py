"""Pilot tests of team coding in the TUI: whose codings are shown, blind mode, the review."""

from __future__ import annotations

import pytest
from tui_support import INTERVIEW_1, INTERVIEW_2, quit_app, reopen

from workbench.core.config import load_config
from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.tui.screens.dialogs import PromptScreen


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


NETWORKS = span(INTERVIEW_1, "Through friends")  # ann
ANGER_ANN = span(INTERVIEW_1, "Anger, honestly")  # ann
ANGER_BOB = span(INTERVIEW_1, "Anger, honestly. Anger at how we are treated")  # bob, wider
CALLING = span(INTERVIEW_1, "my calling")  # bob only
ANGER_2 = span(INTERVIEW_2, "Злость")  # ann only


@pytest.fixture
def team(study):
    """The study with a second coder, bob (ann, the configured coder, has 3 codings)."""
    project = Project.open(study, write=True)
    try:
        doc1 = project.documents.named("Interview 1")
        project.codings.add(doc1, *ANGER_BOB, "Motivation/Anger", "bob")
        project.codings.add(doc1, *CALLING, "Motivation/Calling", "bob")
        project.save()
    finally:
        project.close()
    return study


def shown(app) -> list[tuple[str, int, int]]:
    """(coder, start, end) of every coding the transcript shows, found through its API."""
    view = app.main_screen.transcript
    found = set()
    for offset in range(len(view.document.text)):
        for c in view.codings_at(offset):
            found.add((c.coder, c.start, c.end))
    return sorted(found)


def test_cycle_coders_shows_one_coder_at_a_time(drive, team):
    async def scenario(pilot, app):
        everyone = shown(app)
        assert {c for c, _, _ in everyone} == {"ann", "bob"}
        await pilot.press("ctrl+k")  # mine
        await pilot.pause()
        assert {c for c, _, _ in shown(app)} == {"ann"}
        assert "showing: ann" in app.main_screen.query_one("#status-left").plain
        await pilot.press("ctrl+k")  # bob
        await pilot.pause()
        assert shown(app) == [("bob", *ANGER_BOB), ("bob", *CALLING)]
        await pilot.press("n")  # next coding: bob's only
        await pilot.pause()
        assert app.main_screen.transcript.cursor == ANGER_BOB[0]
        await pilot.press("ctrl+k")  # all again
        await pilot.pause()
        assert shown(app) == everyone
        # colour by coder: the transcript gets a colour per coding
        from workbench.tui.coders import coder_color, coder_view, toggle_colour_by_coder

        toggle_colour_by_coder(app)
        assert coder_view(app).by_coder
        _, colors = app.main_screen.shown_codings(app.main_screen.document)
        bob = next(c for c in app.project.codings.values() if c.coder == "bob")
        assert colors[bob.id] == coder_color("bob")
        await quit_app(pilot, app)

    drive(scenario)


def test_blind_mode_shows_only_mine(drive, team, monkeypatch):
    monkeypatch.setenv("WORKBENCH_BLIND", "1")

    async def scenario(pilot, app):
        assert {c for c, _, _ in shown(app)} == {"ann"}
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert {c for c, _, _ in shown(app)} == {"ann"}
        assert any("Blind mode is on" in n for n in app.notices)
        # the codebook counts only my codings: Calling (bob's only) counts nothing
        calling = app.project.codebook.find("Motivation/Calling")
        node = app.main_screen.codebook.nodes[calling.id]
        assert "0·0" in str(node.label)
        await quit_app(pilot, app)

    drive(scenario)


def test_blind_in_config(tui_env):
    tui_env.write_text('coder = "ann"\nblind = true\n', encoding="utf-8")
    assert load_config().blind is True
    tui_env.write_text('blind = "yes"\n', encoding="utf-8")
    with pytest.raises(WorkbenchError, match="blind"):
        load_config()


def test_review_disagreements(drive, team):
    async def scenario(pilot, app):
        from workbench.tui.screens.review import ReviewScreen, ReviewSetup

        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, ReviewSetup)
        await pilot.press("enter")  # defaults: A ann, B bob, every code, "consensus"
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert (screen.setup.coder_a, screen.setup.coder_b) == ("ann", "bob")
        assert len(screen.items) == 4  # Networks, Anger (one item: two stretches), Calling, 2
        project = app.project

        def consensus():
            codes = project.codebook
            return sorted(
                (project.codebook.path(codes[c.code]), c.start, c.end)
                for c in project.codings.values() if c.coder == "consensus"
            )

        await pilot.press("a")  # Networks: keep ann's
        await pilot.press("b")  # Anger: keep bob's (wider)
        await pilot.press("n")  # Calling: neither
        await pilot.press("o")  # Interview 2: both (= ann's)
        await pilot.pause()
        assert screen.decided == 4
        assert consensus() == [
            ("Motivation/Anger", *ANGER_2),
            ("Motivation/Anger", *ANGER_BOB),
            ("Networks", *NETWORKS),
        ]
        await pilot.press("u")  # undo "both" on Interview 2
        await pilot.pause()
        assert screen.decided == 3 and screen.index == 3
        assert consensus() == [("Motivation/Anger", *ANGER_BOB), ("Networks", *NETWORKS)]
        await pilot.press("k", "k")  # the Anger item: a memo on the consensus coding
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"wider is right", "enter")
        await pilot.pause()
        await pilot.press("j", "m")  # Calling, neither: a memo on the document
        await pilot.pause()
        await pilot.press(*"not calling", "enter")
        await pilot.pause()
        anger = next(c for c in project.codings.values()
                     if c.coder == "consensus" and c.start == ANGER_BOB[0])
        assert [m.text for m in project.memos.about("coding", anger.id)] == ["wider is right"]
        doc1 = project.documents.named("Interview 1")
        assert any(m.text.endswith("not calling") for m in project.memos.about("document", doc1.id))
        await pilot.press("escape")
        await pilot.pause()
        await quit_app(pilot, app)

    drive(scenario)
    project = reopen(team)
    got = sorted((c.start, c.end) for c in project.codings.values()
                 if c.coder == "consensus")
    assert got == sorted([NETWORKS, ANGER_BOB])
