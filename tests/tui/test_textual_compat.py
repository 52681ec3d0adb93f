"""Textual's private parts: each one still exists, and only textual_compat uses them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

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


def test_the_frame_clock_is_due_at_the_next_grid_point_after_an_idle_spell() -> None:
    """A frame asked for just after a frame that ended an idle spell comes at the next tick of
    the clock's grid, not the one after (the stock clock waited up to two intervals)."""
    import asyncio
    import time

    from textual.app import App

    interval = 0.1  # long enough that the scheduling, not the machine's speed, decides
    ticks: list[float] = []

    class Clocked(App):
        async def on_mount(self) -> None:
            def tick() -> None:
                ticks.append(time.perf_counter())
                timer.pause()  # as a screen does after each frame

            timer = textual_compat.FrameTimer.started(self, interval, tick, name="clock")
            self.timer = timer

    async def scenario() -> None:
        app = Clocked()
        async with app.run_test():
            timer = app.timer

            async def ticked(count: int) -> None:
                deadline = time.perf_counter() + 2
                while len(ticks) < count and time.perf_counter() < deadline:
                    await asyncio.sleep(0.002)
                assert len(ticks) == count

            timer.resume()
            await ticked(1)
            await asyncio.sleep(0.35)  # idle: grid points go by without a frame
            timer.resume()
            await ticked(2)  # at once: the grid point passed during the pause
            asked = time.perf_counter()
            timer.resume()  # a frame asked for just after it
            await ticked(3)
            timer.stop()
        gap = ticks[2] - asked
        assert gap <= interval + 0.03, f"{gap * 1000:.0f} ms to the next frame"

    asyncio.run(scenario())
