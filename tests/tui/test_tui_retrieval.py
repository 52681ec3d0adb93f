"""The retrieval list: each segment in full, wrapped, with who said it; on many segments,
entries made only when shown."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.visual import Visual
from textual.widgets import OptionList
from tui_support import INTERVIEW_1, screen_text, until

from workbench.core.project import Project
from workbench.tui.screens.retrieval import RetrievalScreen, segment_prompt, segments_of
from workbench.tui.widgets.retrieval_entries import (
    MAX_LINES,
    SegmentPrompt,
    count_lines,
    entry_height,
    wrap,
)

#: The lines of an entry of a one-line segment: heading, text, the empty line after it.
ENTRY_HEIGHT = 3

DOCUMENTS = 40
PER_DOCUMENT = 5  # codings of "Networks" in each added document
SEGMENTS = DOCUMENTS * PER_DOCUMENT + 1  # and the study's own one


@pytest.fixture
def many(study):
    """The study with 40 more interviews, each with five segments coded "Networks"."""
    project = Project.open(study, write=True)
    try:
        for number in range(1, DOCUMENTS + 1):
            lines = [f"Respondent {number + 2}: answer {line} about the chat group {number}."
                     for line in range(1, 11)]
            text = "\n".join(lines) + "\n"
            doc = project.documents.add(f"Interview {number + 2:02d}", text,
                                       case=f"Respondent {number + 2}")
            for line in range(1, PER_DOCUMENT + 1):
                start = text.index(f"answer {line} ")
                project.codings.add(doc, start, start + len(f"answer {line}"), "Networks", "ann")
        project.save()
    finally:
        project.close()
    return study


async def open_retrieval(pilot, app, path: str) -> RetrievalScreen:
    screen = app.main_screen
    if not screen.codebook.tree.has_focus:
        await pilot.press("tab")
    screen.codebook.highlight(app.project.codebook.find(path).id)
    await pilot.pause()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, RetrievalScreen))
    await pilot.pause()
    return app.screen


def built(screen: RetrievalScreen) -> int:
    """How many entries have made their text so far."""
    option_list = screen.query_one("#segments", OptionList)
    return sum(option.prompt.made for option in option_list.options)


def test_many_segments_draw_only_the_entries_shown(drive, many, monkeypatch):
    copied: list[str] = []

    async def scenario(pilot, app):
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        screen = await open_retrieval(pilot, app, "Networks")
        option_list = screen.query_one("#segments", OptionList)
        assert option_list.option_count == SEGMENTS
        assert f"{SEGMENTS} segments · {DOCUMENTS + 1} respondents" in screen_text(app)
        height = option_list.scrollable_content_region.height
        shown = -(-height // ENTRY_HEIGHT)
        assert 0 < built(screen) <= shown  # only what is on screen was made
        assert sum(s.known_line > 0 for s in screen.segments) <= shown  # and lines counted
        rows = screen_text(app).splitlines()
        heads = [i for i, row in enumerate(rows) if " · line " in row]
        assert len(heads) >= shown - 1
        assert {b - a for a, b in zip(heads, heads[1:], strict=False)} == {ENTRY_HEIGHT}

        await pilot.press("pagedown")
        assert option_list.highlighted == height // ENTRY_HEIGHT
        await pilot.press("end")
        assert option_list.highlighted == SEGMENTS - 1
        last = screen.segments[-1]
        assert f"{last.label} · {last.document.name} · line 5 · Networks" in screen_text(app)
        assert built(screen) <= 3 * shown  # three screens seen, of ten
        await pilot.press("y")
        assert copied[-1] == f"“answer 5” ({last.label})"

        await pilot.resize_terminal(80, 16)  # smaller: the highlighted entry stays in view
        await pilot.pause()
        await pilot.pause()
        assert f"{last.label} · {last.document.name} · line 5 · Netw" in screen_text(app)
        await pilot.press("home", "down", "down")
        second = screen.segments[2]
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, RetrievalScreen))
        assert app.main_screen.document.id == second.document.id
        assert app.main_screen.transcript.cursor == second.coding.start

    drive(scenario)


def test_entries_draw_as_textual_draws_their_text(drive):
    """The entries' own drawing gives the cells and styles Textual's text would give."""

    async def scenario(pilot, app):
        screen = await open_retrieval(pilot, app, "Motivation")
        option_list = screen.query_one("#segments", OptionList)
        states = ["option-list--option-highlighted", "option-list--option-hover",
                  "option-list--option-disabled"]
        styles = [option_list.get_visual_style("option-list--option"),
                  *(option_list.get_visual_style("option-list--option", s) for s in states)]
        for segment in segments_of(app.project, app.project.codebook.find("Motivation")):
            for width in (1, 6, 30, 77, 140):
                for style in styles:
                    want = Visual.to_strips(option_list, Content.from_rich_text(
                        segment_prompt(segment, width)), width, None, style)
                    got = Visual.to_strips(option_list, SegmentPrompt(segment), width, None,
                                           style)
                    assert len(got) == entry_height(segment, width, False)
                    assert cells(got, width, style) == cells(want, width, style)
                    with_context = Visual.to_strips(
                        option_list, SegmentPrompt(segment, context=True), width, None, style)
                    assert len(with_context) == entry_height(segment, width, True)
                    assert cells(with_context, width, style) == cells(Visual.to_strips(
                        option_list, Content.from_rich_text(segment_prompt(
                            segment, width, context=True)), width, None, style), width, style)

    drive(scenario)


def cells(strips, width: int, style) -> list[list[tuple[str, object]]]:
    """Each strip as (character, style without meta) cells, padded to ``width``."""
    rows = []
    for strip in strips:
        strip = strip.extend_cell_length(width, style.rich_style)
        rows.append([(ch, seg.style.clear_meta_and_links() if seg.style else None)
                     for seg in strip for ch in seg.text])
    return rows


@pytest.fixture
def project(study):
    """The study open for writing (nothing is saved)."""
    opened = Project.open(study, write=True)
    yield opened
    opened.lock.release()


def test_segment_prompt_shows_the_whole_segment_wrapped(project):
    doc = project.documents.named("Interview 1")
    start = INTERVIEW_1.index("Anger at how")
    end = INTERVIEW_1.index("not a job.") + len("not a job.")
    project.codings.add(doc, start, end, "Motivation/Calling", "ann")  # over two turns
    for segment in segments_of(project, project.codebook.find("Motivation")):
        for width in (1, 10, 40, 80, 200):
            for context in (False, True):
                text = segment_prompt(segment, width, context)
                assert isinstance(text, Text)
                lines = text.plain.split("\n")
                assert len(lines) == entry_height(segment, width, context)
                assert all(Text(line).cell_len <= width for line in lines)
                if width >= 40:
                    body = lines[1 + context:len(lines) - 1 - context]
                    said = " ".join(line.removeprefix("▌").strip() for line in body)
                    assert said == " ".join(segment.spoken.text.split())


@given(st.text(alphabet=st.sampled_from("ab cжз\n团😀—"), max_size=300),
       st.integers(min_value=1, max_value=90))
def test_wrap_keeps_every_word_within_the_width(text, width):
    lines = wrap(text, width)
    assert all(0 < cell_len(line) <= max(width, 2) for line in lines)  # 团 takes 2 cells
    assert "".join("".join(lines).split()) == "".join(text.split())
    assert count_lines(text, width) == len(lines)


def test_a_very_long_segment_says_how_much_more_there_is(project):
    text = "".join(f"Line {n} of a long answer.\n" for n in range(1, 101))
    doc = project.documents.add("Long", text)
    project.codings.add(doc, 0, len(text) - 1, "Networks", "ann")
    segment = next(s for s in segments_of(project, project.codebook.find("Networks"))
                   if s.document.name == "Long")
    lines = segment_prompt(segment, 80).plain.split("\n")
    assert len(lines) == MAX_LINES + 2 == entry_height(segment, 80, False)
    assert lines[MAX_LINES - 1] == "▌ Line 39 of a long answer."
    assert lines[MAX_LINES] == "▌ … 61 more lines: enter opens it"


def test_x_shows_a_line_of_context_around_each_segment(drive):
    async def scenario(pilot, app):
        screen = await open_retrieval(pilot, app, "Motivation")
        option_list = screen.query_one("#segments", OptionList)
        await pilot.press("down")
        assert "in Almaty pulled me in" not in screen_text(app)
        await pilot.press("x")
        await pilot.pause()
        text = screen_text(app)
        assert "Almaty pulled me in. Interviewer: What keeps you going? Respondent 1:" in text
        assert "и солидарность. 团结 — это важно." in text  # after "Злость"
        assert option_list.highlighted == 1  # the same segment stays highlighted
        assert all(option.prompt.context for option in option_list.options)
        await pilot.press("x")
        await pilot.pause()
        assert "in Almaty pulled me in" not in screen_text(app)

    drive(scenario)
