"""Textual's private parts: each one still exists, and only textual_compat uses them."""

from __future__ import annotations

import ast
import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from tui_support import lines_drawn

from workbench.tui import textual_compat

ROOT = Path(__file__).resolve().parents[2]
COMPAT = ROOT / "workbench" / "tui" / "textual_compat.py"
PRIVATE_MODULE = re.compile(r"^textual(\.\w+)*\._\w+")


def test_every_private_part_still_exists() -> None:
    """After a Textual upgrade, this is the test that says what moved."""
    assert textual_compat.missing() == []


def test_a_private_part_that_went_away_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Tree

    monkeypatch.setattr(textual_compat, "PRIVATE", (
        *textual_compat.PRIVATE,
        ("a hook that never was", lambda: Tree, "_no_such_hook", ("self",)),
        ("a hook whose parameters changed", lambda: Tree, "_invalidate", ("self", "node")),
    ))
    assert textual_compat.missing() == [
        "a hook that never was (_no_such_hook)",
        "a hook whose parameters changed (_invalidate('self',), expected ('self', 'node'))",
    ]


def test_nothing_else_touches_textual_private_parts() -> None:
    names = {name for _, _, name, _ in textual_compat.PRIVATE if name.startswith("_")}
    offenders = []
    for folder in ("workbench", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            hidden = any(part.startswith(".") for part in path.relative_to(ROOT).parts)
            if path == COMPAT or hidden or "data" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    module = node.module
                elif isinstance(node, ast.Import):
                    module = next((a.name for a in node.names
                                   if PRIVATE_MODULE.match(a.name)), "")
                else:
                    module = ""
                private_import = bool(PRIVATE_MODULE.match(module))
                private_use = (
                    (isinstance(node, ast.Attribute) and node.attr in names)
                    or (isinstance(node, ast.FunctionDef) and node.name in names)
                )
                if private_import or private_use:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def run_clock(interval: float, scenario: Callable[..., Awaitable[Any]]) -> Any:
    """Run ``scenario(timer, ticked)`` in an app with a :class:`FrameTimer` of ``interval``
    that pauses after each tick, as a screen's does; ``await ticked(n)`` waits for the n-th
    tick and returns its time."""
    ticks: list[float] = []

    class Clocked(App):
        async def on_mount(self) -> None:
            def tick() -> None:
                ticks.append(time.perf_counter())
                timer.pause()  # as a screen does after each frame

            timer = textual_compat.FrameTimer.started(self, interval, tick, name="clock")
            self.timer = timer

    async def ticked(count: int) -> float:
        deadline = time.perf_counter() + 2
        while len(ticks) < count and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        assert len(ticks) == count
        return ticks[-1]

    async def main() -> Any:
        app = Clocked()
        async with app.run_test():
            result = await scenario(app.timer, ticked)
            app.timer.stop()
        return result

    return asyncio.run(main())


def test_the_frame_clock_is_due_at_the_next_grid_point_after_an_idle_spell() -> None:
    """A frame asked for just after a frame that ended an idle spell comes at the next tick of
    the clock's grid, not the one after (the stock clock waited up to two intervals)."""
    interval = 0.1  # long enough that the scheduling, not the machine's speed, decides

    async def scenario(timer, ticked) -> float:
        timer.resume()
        await ticked(1)
        await asyncio.sleep(0.35)  # idle: grid points go by without a frame
        timer.resume()
        await ticked(2)  # at once: the grid point passed during the pause
        asked = time.perf_counter()
        timer.resume()  # a frame asked for just after it
        return await ticked(3) - asked

    gap = run_clock(interval, scenario)
    assert gap <= interval + 0.03, f"{gap * 1000:.0f} ms to the next frame"


def test_a_key_s_frame_is_written_at_once_after_another_frame() -> None:
    """A frame asked for within an interval of the last one waits for the next tick; the
    frame answering a key does not (once per key: the frame after it waits again)."""
    interval = 0.2  # long enough that the scheduling, not the machine's speed, decides

    async def scenario(timer, ticked) -> tuple[float, float, float]:
        timer.resume()
        first = await ticked(1)
        await asyncio.sleep(0.02)
        asked = time.perf_counter()
        timer.answer_next()  # a key came in
        timer.resume()  # and asks for its frame within the interval
        keyed = await ticked(2) - asked
        asked_again = time.perf_counter()
        timer.resume()  # the frame after it: no key
        return asked - first, keyed, await ticked(3) - asked_again

    since_first, keyed, again = run_clock(interval, scenario)
    assert since_first < interval / 2
    assert keyed < interval / 4, f"{keyed * 1000:.0f} ms to the key's frame"
    assert again > interval / 2, f"{again * 1000:.0f} ms: the next frame did not wait"


def test_a_layout_pass_that_resizes_nothing_leaves_the_scrollbars_alone() -> None:
    """The stock scroll view set and repainted its scrollbars at every layout pass of the
    screen (it compares the compositor's size of its children with its own scrollable size);
    ours only when its size or its scrollable size changed, and then they are right."""
    import asyncio

    from textual.app import App, ComposeResult
    from textual.geometry import Size
    from textual.strip import Strip
    from textual.widgets import Static

    class Lines(textual_compat.ScrollViewSizedInPlace):
        def render_line(self, y: int) -> Strip:
            return Strip.blank(self.size.width)

    class Sized(textual_compat.SizedInLayoutScrollView):
        def render_line(self, y: int) -> Strip:
            return Strip.blank(self.size.width)

    class Views(App):
        CSS = "Lines, Sized { height: 10; }"

        def compose(self) -> ComposeResult:
            yield Lines()
            yield Sized()
            yield Static("above", id="moving")

    async def scenario() -> None:
        app = Views()
        async with app.run_test(size=(40, 30)) as pilot:
            lines, sized = app.query_one(Lines), app.query_one(Sized)
            lines.virtual_size = Size(30, 100)
            sized.virtual_size = Size(30, 50)  # a layout pass, as the stock widget asks
            await pilot.pause()
            assert sized.vertical_scrollbar.window_virtual_size == 50
            assert lines.vertical_scrollbar.window_virtual_size == 100

            updates: list[str] = []  # the scrollbars repainted
            for view in (lines, sized):
                bar = view.vertical_scrollbar
                stock = bar.refresh

                def counted(*args, view=view, stock=stock, **kwargs):
                    updates.append(type(view).__name__)
                    return stock(*args, **kwargs)

                bar.refresh = counted
            moving = app.query_one("#moving")
            for y in (3, 0, 5):  # a widget moved: a layout pass of the screen, nothing resized
                moving.styles.offset = (0, y)
                await pilot.pause()
            assert updates == []

            sized.virtual_size = Size(30, 70)  # its scrollable size changed: updated
            await pilot.pause()
            assert set(updates) == {"Sized"}
            assert sized.vertical_scrollbar.window_virtual_size == 70
            updates.clear()
            await pilot.resize_terminal(50, 30)  # a new size: both updated
            await pilot.pause()
            assert set(updates) == {"Lines", "Sized"}

    asyncio.run(scenario())


def test_a_new_label_repaints_only_its_own_line() -> None:
    """The stock ``set_label`` repainted the lines of every node below the relabelled one (a
    theme's count changed: the lines of all its codes); ``relabel`` repaints its line only,
    and the tree then shows the new label (and the same lines as the stock tree would)."""
    import asyncio

    from textual.app import App, ComposeResult

    class Codes(App):
        def compose(self) -> ComposeResult:
            tree: textual_compat.BatchTree[str] = textual_compat.BatchTree("root")
            tree.show_root = False
            yield tree

    async def scenario() -> None:
        app = Codes()
        async with app.run_test(size=(40, 12)) as pilot:
            tree = app.query_one(textual_compat.BatchTree)
            theme = tree.root.add("Theme 1·1", expand=True)
            for n in range(6):
                theme.add_leaf(f"Code {n}")
            second = tree.root.add_leaf("Other 0·0")
            await pilot.pause()
            drawn = lines_drawn(tree)
            tree.relabel(theme, "Theme 2·2")
            await pilot.pause()
            assert drawn == [0]  # the theme's line, not its six codes'
            drawn.clear()
            tree.relabel(second, "Other 5·5")
            await pilot.pause()
            assert drawn == [7]
            text = [strip.text.rstrip() for strip in textual_compat.screen_lines(app.screen)]
            assert "Theme 2·2" in text[0] and "Other 5·5" in text[7]
            assert [line.strip(" ├└─│▼▶") for line in text[1:7]] == [
                f"Code {n}" for n in range(6)]

            theme.collapse()  # a node hidden in a collapsed theme: nothing to repaint
            await pilot.pause()
            drawn.clear()
            tree.relabel(theme.children[0], "Code 9")
            await pilot.pause()
            assert drawn == []
            theme.expand()
            await pilot.pause()
            assert "Code 9" in textual_compat.screen_lines(app.screen)[1].text

            # a wider label: the tree's scrollable width grows with it (a count that gains a
            # digit, in a pane too narrow for it, can be scrolled to)
            wide = tree.virtual_size.width
            tree.relabel(second, "Other 5·5 and a much longer name than the pane")
            await pilot.pause()
            assert tree.virtual_size.width > max(wide, 40)

    asyncio.run(scenario())


def test_a_resized_tree_keeps_its_lines_and_asks_for_no_layout_pass() -> None:
    """The stock tree built its lines again and asked for a layout pass of the screen at
    every resize, so the frame after the first one drew the whole codebook again (the first
    resize comes after the first frame); the lines drawn are kept by width, so a new size
    needs neither. A new width still draws them anew, and they are right."""
    import asyncio

    from textual import events
    from textual.app import App, ComposeResult

    class Codes(App):
        def compose(self) -> ComposeResult:
            tree: textual_compat.BatchTree[str] = textual_compat.BatchTree("root")
            tree.show_root = False
            for n in range(5):
                tree.root.add_leaf(f"Code {n}")
            yield tree

    async def scenario() -> None:
        app = Codes()
        async with app.run_test(size=(40, 12)) as pilot:
            tree = app.query_one(textual_compat.BatchTree)
            await pilot.pause()
            drawn = lines_drawn(tree)
            with textual_compat.count_work(app) as work:
                tree.post_message(events.Resize(tree.size, tree.virtual_size))
                await pilot.pause()
                await pilot.pause()
            assert work.layouts == 0 and drawn == []
            await pilot.resize_terminal(30, 12)  # a new width: drawn again, at that width
            await pilot.pause()
            assert drawn and max(drawn) >= 4
            lines = [s.text for s in textual_compat.screen_lines(app.screen)]
            assert [line.strip() for line in lines[:5]] == [f"Code {n}" for n in range(5)]
            assert all(len(line) == 30 for line in lines)

            tree.clear()  # an empty tree is as wide as itself, at every size
            await pilot.pause()
            await pilot.resize_terminal(20, 12)
            await pilot.pause()
            assert tree.virtual_size.width == 20

    asyncio.run(scenario())


def test_a_widget_moved_by_its_offset_is_not_drawn_again() -> None:
    """Setting ``styles.offset`` repaints the whole widget with the layout pass (Textual's
    inline styles drop ``repaint=False``); ``move_without_repaint`` lays it out at the new
    place without drawing its lines again, and the screen shows it there, the cells it left
    showing what lies beneath."""
    import asyncio

    from rich.segment import Segment
    from textual.app import App, ComposeResult
    from textual.geometry import Offset
    from textual.strip import Strip
    from textual.widget import Widget

    drawn: list[int] = []

    class Box(Widget):
        DEFAULT_CSS = "Box { width: 10; height: 3; }"

        def render_line(self, y: int) -> Strip:
            drawn.append(y)
            return Strip([Segment(f"BOX{y}".ljust(10))], 10)

    class Moved(App):
        def compose(self) -> ComposeResult:
            yield Box()

    async def scenario() -> None:
        app = Moved()
        async with app.run_test(size=(30, 10)) as pilot:
            box = app.query_one(Box)
            await pilot.pause()
            assert textual_compat.screen_lines(app.screen)[0].text.startswith("BOX0")
            drawn.clear()
            with textual_compat.count_work(app) as work:
                textual_compat.move_without_repaint(box, Offset(5, 4))
                await pilot.pause()
            assert work.layouts == 1 and drawn == []  # moved, not drawn again
            lines = [strip.text for strip in textual_compat.screen_lines(app.screen)]
            assert lines[0].strip() == "" and lines[3].strip() == ""  # the cells it left
            assert [line[5:9] for line in lines[4:7]] == ["BOX0", "BOX1", "BOX2"]

            with textual_compat.count_work(app) as work:  # the same place: nothing to do
                textual_compat.move_without_repaint(box, Offset(5, 4))
                await pilot.pause()
            assert work.layouts == 0

    asyncio.run(scenario())
