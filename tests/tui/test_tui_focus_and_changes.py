"""Where the focus is stays visible without restyling the panes, and after every change the
panes show what a fresh drawing of the project would (they are updated, not redrawn)."""

from __future__ import annotations

import random

from rich.text import Text
from tui_support import screen_text

from workbench.tui.coders import counted_coder
from workbench.tui.textual_compat import screen_lines
from workbench.tui.widgets.codebook import code_label
from workbench.tui.widgets.codebook_counts import CodeCounts
from workbench.tui.widgets.header import DocumentHeader
from workbench.tui.widgets.memo_pane import TextLines


def _focused_titles(screen) -> list[str]:
    titles = [screen.query_one(DocumentHeader), *screen.query(".pane-title")]
    return [title.id or title.text.plain for title in titles if title.has_class("-focused")]


def _tree_row(app, tree, line: int) -> list:
    """The segments of the tree's ``line`` as the last frame drew them."""
    region = tree.content_region
    row = region.y + line - round(tree.scroll_offset.y)
    strip = screen_lines(app.screen)[row]
    return list(strip.crop(region.x, region.right))


def _background(segments: list) -> set:
    return {seg.style.bgcolor for seg in segments if seg.text.strip() and seg.style}


def test_the_focused_pane_shows_by_its_title_and_the_tree_cursor(drive):
    async def scenario(pilot, app):
        screen = app.main_screen
        tree = screen.codebook.tree
        tree.cursor_line = 1
        await pilot.pause()
        assert _focused_titles(screen) == ["doc-header"]
        blurred = _background(_tree_row(app, tree, 1))
        plain = _background(_tree_row(app, tree, 2))

        await pilot.press("tab")
        assert tree.has_focus and _focused_titles(screen) == ["Codebook  segments·respondents"]
        focused = _background(_tree_row(app, tree, 1))
        assert focused != blurred and focused != plain  # the cursor is strong, and there
        assert _background(_tree_row(app, tree, 2)) == plain  # no tint of the whole tree
        code = screen.project.codebook[tree.cursor_node.data]
        swatch = next(seg for seg in _tree_row(app, tree, 1) if seg.text.strip() in "■◆")
        assert swatch.style.color.triplet.hex == code.color.lower()  # the code's own colour

        await pilot.press("tab")
        assert screen.memo_pane.text_area.has_focus
        assert _focused_titles(screen) == ["memo-title"]
        assert _background(_tree_row(app, tree, 1)) == blurred

        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()  # a restyle of everything while the memo has the focus
        await pilot.press("tab")
        assert screen.transcript.has_focus and _focused_titles(screen) == ["doc-header"]
        dim_again = _background(_tree_row(app, tree, 1))
        await pilot.press("tab")
        assert _background(_tree_row(app, tree, 1)) != dim_again
        await pilot.press("tab", "tab")
        assert _background(_tree_row(app, tree, 1)) == dim_again

    drive(scenario)


def test_narrow_tab_shows_one_pane_without_restyling_the_screen(drive):
    from workbench.tui.textual_compat import count_work

    async def scenario(pilot, app):
        screen = app.main_screen
        await pilot.press("tab", "tab", "tab")
        await pilot.pause()
        for pane, shown, hidden in (
            ("codebook", "Codebook", "Interview 1"),
            ("memo", "Memo on", "Codebook"),
            ("transcript", "Interview 1", "Memo on"),
        ):
            with count_work(app) as work:
                await pilot.press("tab")
                await pilot.pause()
            text = screen_text(app)
            assert screen.active_pane == pane and shown in text and hidden not in text
            assert work.restyles <= 2, pane  # the two titles

    drive(scenario, size=(80, 24))


def _panes_as_drawn_afresh(app) -> None:
    """Assert that the codebook's labels, the transcript's codings, the status line and the
    other memos are what drawing them from the project would show."""
    screen = app.main_screen
    project = screen.project
    counts = CodeCounts(project, coder=counted_coder(app))
    for code_id, node in screen.codebook.nodes.items():
        expected = code_label(project.codebook[code_id], counts.totals.get(code_id, (0, 0)))
        assert node.label.plain == expected.plain, project.codebook[code_id].name
    view, doc = screen.transcript, screen.document
    shown = {c.id for offset in range(len(doc.text) + 1) for c in view.codings_at(offset)}
    assert shown == {c.id for c in screen.shown_codings(doc)[0]}
    names = {project.codebook[c.code].name for c in view.codings_at()}
    status = screen_text(app).splitlines()[-2]
    assert all(name in status for name in names)
    others = screen.query_one("#memo-others", TextLines)
    fresh = screen.memos.others(screen.memo_pane.memo_id) or [("none", "")]
    assert [t.plain.split("\n")[0] for t in others.texts] == [t for t, _ in fresh]


def test_after_each_change_the_panes_match_a_fresh_drawing(drive):
    async def scenario(pilot, app):
        rng = random.Random(15)
        screen = app.main_screen
        text = screen.document.text
        for _ in range(24):
            key = rng.choice(["1", "2", "x", "u", "ctrl+r", "j", "w", "v w w"])
            if key == "x" and not screen.transcript.codings_at():
                continue
            if key in ("1", "2"):
                screen.transcript.move_cursor(rng.randrange(len(text)))
                await pilot.pause()
            await pilot.press(*key.split())
            await pilot.pause()
            while app.screen is not screen:  # "which coding?" when several are there
                await pilot.press("enter")
                await pilot.pause()
            if screen.transcript.selecting:
                await pilot.press("escape")
                await pilot.pause()
            _panes_as_drawn_afresh(app)

    drive(scenario)


def test_the_other_memos_wrap_as_the_whole_list_wrapped_at_once(drive):
    """Each memo in the list is wrapped once and kept: any sequence of lists shows the same
    lines as wrapping the list from nothing."""

    async def scenario(pilot, app):
        rng = random.Random(7)
        lines = app.main_screen.query_one("#memo-others", TextLines)
        words = ["anger", "calling", "a longer sentence about the group chat", "𝄞", "—"]
        pool = [Text(" ".join(rng.choices(words, k=rng.randrange(1, 30)))) for _ in range(8)]
        width = lines.scrollable_content_region.width
        options = app.console.options.update_width(width)
        for _ in range(30):
            texts = rng.sample(pool, rng.randrange(1, len(pool)))
            lines.show(texts)
            await pilot.pause()
            whole = Text("\n\n").join(texts)
            expected = [
                "".join(seg.text for seg in line).rstrip()
                for line in app.console.render_lines(whole, options, pad=True)
            ]
            shown = [lines.render_line(y).text.rstrip() for y in range(lines.size.height)]
            assert lines.virtual_size.height == len(expected)
            assert shown == (expected + [""] * lines.size.height)[: lines.size.height]

    drive(scenario)


def test_the_lines_that_draw_themselves_copy_their_text(drive):
    """Copying a mouse selection over the header, a pane title and the status line gives
    their words (Textual's own copy of a widget drawing its own lines gave its name)."""
    from textual.selection import Selection

    async def scenario(pilot, app):
        screen = app.main_screen
        header = screen.query_one(DocumentHeader)
        title = screen.query_one("#memo-title")
        left, saved = screen.query_one("#status-left"), screen.query_one("#status-saved")
        screen.selections = {widget: Selection(None, None)
                             for widget in (header, title, left, saved)}
        copied = screen.get_selected_text().splitlines()
        assert copied == [header.plain, title.plain, left.plain, "saved"]
        assert screen.document.name in copied[0] and copied[2].startswith("line ")

    drive(scenario)
