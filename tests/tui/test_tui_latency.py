"""Interactive latency, checked without timing: the work Textual does for each key.

Timing a key in a test would be flaky; what makes a key slow is deterministic under Pilot and
is counted here (``textual_compat.count_work``): layout passes (each one lays out and repaints
the whole screen), restyled nodes, mounted widgets (a toast, a screen of widgets, a footer
rebuilt) and frames. Each key has a budget a little above what it needs now, far below what
the slow versions needed (a Tab restyled ~300 nodes, the footer mounted ~16 widgets per
focus move, the picker mounted its screen at each ``c``, a confirmation mounted a toast).
A loose ratio of CPU time to a minimal three-pane Textual app (``bench/floor_app.py``) catches
a gross regression that the counts miss. ``bench/bench_keys.py`` has the timed figures.
"""

from __future__ import annotations

import asyncio
import importlib.util
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tui_support import Terminal, code_picker_of, drawn_afresh, screen_text, until

from workbench.tui.textual_compat import Work, count_work

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Budget:
    """The most work one key may cause."""

    layouts: int
    restyles: int
    mounts: int
    frames: int
    contents: int = 0  # widgets repainted through Textual's content pipeline (count_work)

    def check(self, name: str, work: Work) -> list[str]:
        over = []
        for field in ("layouts", "restyles", "mounts", "frames", "contents"):
            done, allowed = getattr(work, field), getattr(self, field)
            if done > allowed:
                over.append(f"{name}: {done} {field} (budget {allowed})")
        return over


def run_app(study: Path, size: tuple[int, int],
            scenario: Callable[..., Awaitable[None]],
            attach: Callable[[Any], object] | None = None) -> None:
    """The app on the study with toasts on (as in the real app), counting its work;
    ``attach(app)`` is called before it starts (to watch what it writes from the start)."""
    from workbench.tui.app import WorkbenchApp

    app = WorkbenchApp.open(study)
    if attach is not None:
        attach(app)

    async def main() -> None:
        async with app.run_test(size=size, notifications=True) as pilot:
            await pilot.pause()
            await _warm(pilot, app)
            with count_work(app) as work:
                await scenario(pilot, app, work)
            await pilot.press("q")
            await pilot.pause()

    try:
        asyncio.run(main())
    finally:
        app.finish()


async def _warm(pilot, app) -> None:
    """Everything that happens once per session (first styles of scrollbars, the kept
    pickers made) is done before counting."""
    await pilot.press("tab", "tab", "tab", "c", "escape", "g", "escape")
    await pilot.pause()


async def measured(pilot, work: Work, *keys: str) -> Work:
    before = work.copy()
    await pilot.press(*keys)
    await pilot.pause()
    await pilot.pause()
    return work.since(before)


#: The narrow layout (below 100 columns) shows one pane at a time: a Tab there shows and hides
#: panes, which lays the screen out (the memo pane's text wraps to its new width: once more),
#: but restyles only the two pane titles (a class of the screen restyled ~140 nodes); the
#: containers and scrollbars of the panes it shows are drawn again.
NARROW_TAB = Budget(3, 3, 0, 4, 4)

#: (name, keys pressed before, keys measured, budget, budget in the narrow layout if other).
#: The pickers (c, g) are the main screen's overlay: one layout pass to move it onto the
#: screen (or away), which paints only its cells; a letter repaints its lines, no layout.
#: A change may come in up to four frames (the panes, the status line's confirmation and
#: save state, and the memo pane, drawn after the key's own frame): which frame each lands
#: in depends on the event loop's order and the clock.
#: Titles, the header, the status line and the footer draw their own lines: no key makes
#: content through Textual's content pipeline (~0.5-1.5 ms a widget: a Tab made two, the
#: status line's container one at each cursor move), but the memo list's scrollbar after
#: a change (the list moved on to the memos of another coding) and the picker's container
#: as it comes onto the screen for g.
KEYS: list[tuple[str, tuple[str, ...], tuple[str, ...], Budget, Budget | None]] = [
    ("j", (), ("j",), Budget(0, 0, 0, 3), None),
    ("]", (), ("right_square_bracket",), Budget(0, 0, 0, 3), None),
    ("pagedown", (), ("pagedown",), Budget(0, 0, 0, 3), None),
    ("v", (), ("v",), Budget(0, 0, 0, 3), None),
    ("escape (selection)", ("v",), ("escape",), Budget(0, 0, 0, 3), None),
    ("n", (), ("n",), Budget(1, 4, 0, 4, 1), None),
    ("tab to codebook", (), ("tab",), Budget(0, 3, 0, 2), NARROW_TAB),
    ("tab to memo", ("tab",), ("tab",), Budget(0, 3, 0, 2), NARROW_TAB),
    ("tab to transcript", ("tab", "tab"), ("tab",), Budget(0, 3, 0, 2), NARROW_TAB),
    ("c (picker)", (), ("c",), Budget(1, 0, 0, 3), None),
    ("a letter in the picker", ("c",), ("a",), Budget(0, 0, 0, 1), None),
    ("enter in the picker", ("c",), ("enter",), Budget(1, 0, 0, 4, 1), None),
    ("1 (recent code)", (), ("1",), Budget(0, 1, 0, 4), None),
    ("x (uncode)", ("1",), ("x",), Budget(0, 1, 0, 4, 1), None),
    ("u (undo)", ("1", "x"), ("u",), Budget(0, 1, 0, 4, 1), None),
    ("g (document list)", (), ("g",), Budget(1, 0, 0, 3, 1), None),
]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_every_key_within_its_work_budget(study: Path, size: tuple[int, int]) -> None:
    found: dict[str, Work] = {}

    async def scenario(pilot, app, work: Work) -> None:
        main = app.main_screen
        for name, before, keys, _, _ in KEYS:
            main.focus_pane("transcript")
            main.transcript.move_cursor(0)
            await pilot.press("j", "j")  # the first answer
            await pilot.pause()
            if before:
                await pilot.press(*before)
                await pilot.pause()
            found[name] = await measured(pilot, work, *keys)
            while app.screen is not main or main.picker.is_open:  # a picker left open
                await pilot.press("escape")
                await pilot.pause()
            if main.transcript.selecting:
                await pilot.press("escape")
                await pilot.pause()

    run_app(study, size, scenario)
    narrow = size[0] < 100
    over = [
        problem
        for name, _, _, budget, narrow_budget in KEYS
        for problem in ((narrow and narrow_budget) or budget).check(name, found[name])
    ]
    assert not over, "\n".join(over)


def test_the_memo_list_following_a_change_lays_nothing_out(tmp_path: Path, tui_env) -> None:
    """On the sample project at 120x40 coding a paragraph moves the memo pane onto the new
    coding, and the list of other memos goes from fitting to overflowing: its scrollbar
    appearing and going asked for a layout pass of the screen at each such change (the list
    keeps its scrollbar now)."""
    import shutil

    sample = tmp_path / "sample"
    shutil.copytree(ROOT / "sample_project", sample)

    async def scenario(pilot, app, work: Work) -> None:
        main = app.main_screen
        leaf = next(c for c in app.project.codebook.all() if not c.is_theme)
        app.ui_state.use_code(leaf.id)
        doc = main.document
        covered = [(c.start, c.end) for c in app.project.codings.of_document(doc)]
        free = next(p for p in doc.paragraphs if p.end - p.start > 30
                    and not any(s <= p.end and e >= p.start for s, e in covered))
        main.transcript.move_cursor(free.start + 10)
        await pilot.pause()
        for key in ("1", "u", "1", "u"):
            before = work.copy()
            await pilot.press(key)
            await pilot.pause()
            assert work.since(before).layouts == 0, key

    run_app(sample, (120, 40), scenario)


def test_a_waiting_picker_or_memo_writes_no_frames(study: Path) -> None:
    """The picker's filter line and the memo's text have steady cursors: while the user
    reads, no frame is written (a blinking cursor wrote two a second, and a key pressed just
    after one waited for the next frame)."""
    async def waits_quietly(pilot, work: Work) -> int:
        await pilot.pause(0.3)
        before = work.copy()
        await asyncio.sleep(1.2)
        return work.since(before).frames

    async def scenario(pilot, app, work: Work) -> None:
        await pilot.press("c")
        assert code_picker_of(app) is not None
        assert await waits_quietly(pilot, work) == 0
        await pilot.press("escape", "m")
        assert app.main_screen.memo_pane.text_area.has_focus
        assert await waits_quietly(pilot, work) == 0

    run_app(study, (120, 40), scenario)


def test_a_layout_pass_after_a_scroll_arranges_the_screen_once(study: Path) -> None:
    """The picker opened after the transcript scrolled: its layout pass arranges every widget
    once (Textual's own screen arranged them all again for the first widget drawn, because
    the scroll had marked its full map stale)."""
    async def scenario(pilot, app, work: Work) -> None:
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        before = work.copy()
        await pilot.press("c")
        await pilot.pause()
        assert code_picker_of(app) is not None
        done = work.since(before)
        assert done.layouts == 1 and done.arrangements == 1

    run_app(study, (120, 40), scenario)


def test_a_confirmation_is_said_in_the_status_line_not_a_toast(study: Path) -> None:
    async def scenario(pilot, app, work: Work) -> None:
        await pilot.press("j", "j", "1")
        await pilot.pause()
        assert any(n.startswith("Coded ") for n in app.notices)
        assert not app.screen.query("Toast")  # no toast
        assert "▸ Coded " in screen_text(app).splitlines()[-2]  # the status line

    run_app(study, (120, 40), scenario)


def test_why_nothing_changed_is_said_in_the_status_line_in_the_warning_colour(
    study: Path,
) -> None:
    """A change that changes nothing (every key's change goes through ``app.apply``) says
    why in the status line, in the theme's warning colour: no toast to lay out twice."""
    from workbench.tui.changes import NotChanged
    from workbench.tui.widgets.header import StatusLine

    def refused(project) -> None:
        raise NotChanged("That is a speaker label: code the words after it")

    async def scenario(pilot, app, work: Work) -> None:
        before = work.copy()
        app.apply(refused)
        await pilot.pause()
        done = work.since(before)
        assert app.notices[-1] == "That is a speaker label: code the words after it"
        assert not app.screen.query("Toast")
        status = app.screen.query_one(StatusLine)
        assert status.said_warning
        assert "▸ That is a speaker label" in screen_text(app).splitlines()[-2]
        assert (done.layouts, done.mounts) == (0, 0)
        await pilot.press("j", "j", "1")  # a confirmation after it: no warning
        await pilot.pause()
        assert app.notices[-1].startswith("Coded ") and not status.said_warning

    run_app(study, (120, 40), scenario)


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light", "textual-dark"])
def test_a_warning_is_drawn_in_every_theme_s_warning_colour(study: Path, theme: str) -> None:
    """The ANSI themes name their warning colour ``ansi_yellow``, which is no Rich style: the
    warning is drawn in that colour all the same (it raised on the first refused key)."""
    from textual.color import Color

    from workbench.tui.changes import NotChanged
    from workbench.tui.textual_compat import screen_lines

    def refused(project) -> None:
        raise NotChanged("Nothing to undo")

    async def scenario(pilot, app, work: Work) -> None:
        app.theme = theme
        await pilot.pause()
        app.apply(refused)
        await pilot.pause()
        status = screen_lines(app.screen)[-2]
        said = [segment for segment in status if "Nothing to undo" in segment.text]
        assert said and said[0].style.bold
        expected = Color.parse(app.current_theme.warning)
        assert said[0].style.color.get_truecolor() == expected.rich_color.get_truecolor()

    run_app(study, (120, 40), scenario)


def test_at_80x24_the_confirmation_keeps_the_code_s_own_name(study: Path) -> None:
    from workbench.core.project import Project

    with Project.open(study, write=True) as project:
        project.codebook.ensure("Social networks as an entryway/Friends and acquaintances")
        project.save()

    async def scenario(pilot, app, work: Work) -> None:
        await pilot.press("j", "j", "c", *"acquaint", "enter")
        await until(pilot, lambda: any(n.startswith("Coded ") for n in app.notices))
        await pilot.pause()
        status = screen_text(app).splitlines()[-2]
        assert "▸ Coded …/Friends and acquaintances: “" in status, status
        assert status.lstrip().startswith("line "), status  # the position gives way

    run_app(study, (80, 24), scenario)


def test_a_toast_stands_above_the_status_line(study: Path) -> None:
    async def scenario(pilot, app, work: Work) -> None:
        app.notify("A warning about something", severity="warning")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert "saved" in lines[-2]  # the status line is still there, uncovered
        assert "A warning about something" in "\n".join(lines[:-2])

    run_app(study, (80, 24), scenario)


# --------------------------------------------------------------------------- against the floor
def _floor_module():
    spec = importlib.util.spec_from_file_location("floor_app", ROOT / "bench" / "floor_app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _cpu_of(pilot, keys: tuple[str, ...], times: int) -> float:
    """The median CPU time of pressing ``keys`` until the app is idle again."""
    samples = []
    for _ in range(times):
        before = time.process_time()
        await pilot.press(*keys)
        await pilot.pause()
        samples.append(time.process_time() - before)
    return statistics.median(samples)


def test_keys_cost_a_small_multiple_of_a_minimal_textual_app(study: Path) -> None:
    """Tab and cursor moves on the real app against the floor app, CPU time; a loose bound
    (the real app draws more), which a return of the whole-screen restyles would break."""
    floor_app = _floor_module().floor_app
    keys = {"tab": ("tab",), "down": ("down",)}
    figures: dict[str, dict[str, float]] = {"floor": {}, "real": {}}

    async def floor_main() -> None:
        app = floor_app(study)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await pilot.pause()
            for name, pressed in keys.items():
                figures["floor"][name] = await _cpu_of(pilot, pressed, 9)

    asyncio.run(floor_main())

    async def scenario(pilot, app, work: Work) -> None:
        for name, pressed in keys.items():
            app.main_screen.focus_pane("transcript")
            await pilot.pause()
            figures["real"][name] = await _cpu_of(pilot, pressed, 9)

    run_app(study, (120, 40), scenario)
    for name in keys:
        ratio = figures["real"][name] / max(figures["floor"][name], 1e-4)
        assert ratio < 6, f"{name}: {ratio:.1f} times the floor's CPU time ({figures})"


# --------------------------------------------------------------------------- what the fixes keep
def test_picker_offers_matches_before_a_new_code(study: Path) -> None:
    """Enter takes the best existing code, even a fuzzy match; `+ New code` is below every
    match and taken only when chosen (or when nothing matches at all)."""
    from workbench.tui.screens.dialogs import NewName

    async def scenario(pilot, app, work: Work) -> None:
        await pilot.press("j", "j", "c", *"mtvn")  # fuzzy for Motivation only
        await pilot.pause()
        picker = code_picker_of(app)
        assert picker is app.main_screen.picker  # the main screen's overlay
        best = picker.shown[0]
        assert not isinstance(best, NewName) and best.label.startswith("Motivation")
        assert isinstance(picker.shown[-1], NewName)
        codes = len(app.project.codebook)
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.project.codebook) == codes  # no code "mtvn"
        assert any(n.startswith(f"Coded {best.label}: “") for n in app.notices)
        await pilot.press("right_square_bracket", "c", *"Solidarity")  # nothing matches
        await pilot.pause()
        assert isinstance(picker.shown[0], NewName) and len(picker.shown) == 1
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c", *"anger")  # a match and a new name: the match comes first
        await pilot.pause()
        shown = picker.shown
        assert getattr(shown[0], "label", "") == "Motivation/Anger"
        assert isinstance(shown[-1], NewName)
        await pilot.press("escape")

    run_app(study, (120, 40), scenario)


def test_picker_is_kept_and_lists_at_most_sixty(study: Path) -> None:
    from workbench.core.project import Project
    from workbench.tui.screens.dialogs import SHOWN, NewName

    with Project.open(study, write=True) as project:
        for n in range(80):
            project.codebook.add(f"Extra/Code {n:02d}")
        project.save()

    async def scenario(pilot, app, work: Work) -> None:
        await pilot.press("c")
        await pilot.pause()
        first = code_picker_of(app)
        assert len(first.shown) == SHOWN
        await pilot.press("escape", "c")
        await pilot.pause()
        assert code_picker_of(app) is first  # the same picker, not new widgets
        await pilot.press(*"code 7")
        await pilot.pause()
        *matches, new = first.shown
        assert isinstance(new, NewName) and new.text == "code 7"
        assert len(matches) == 17  # Code 07, 17, ... 67 and 70 to 79
        assert all("code" in c.label.casefold() and "7" in c.label for c in matches)
        await pilot.press("escape")

    run_app(study, (120, 40), scenario)


def test_footer_shows_the_codebook_keys_first_at_80x24(study: Path) -> None:
    async def scenario(pilot, app, work: Work) -> None:
        app.main_screen.focus_pane("codebook")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        # the pane's keys first, as many as fit, then help, undo and quit (always shown)
        words = ["Add", "Rename", "Delete", "Merge", "Move", "Theme", "Undo", "Help", "Quit"]
        positions = [footer.find(f" {word} ") for word in words]
        assert all(p >= 0 for p in positions), footer
        assert positions == sorted(positions), footer

    run_app(study, (80, 24), scenario)


def test_help_undo_and_quit_stay_in_the_footer_on_a_coding_at_80x24(study: Path) -> None:
    async def scenario(pilot, app, work: Work) -> None:
        await pilot.press("n")  # onto a coding: the keys that fix it come first
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert " Recode " in footer or "Recode" in footer, footer
        for word in ("Undo", "Help", "Quit"):
            assert f" {word} " in footer, footer

    run_app(study, (80, 24), scenario)


def test_header_shortens_values_instead_of_dropping_them(study: Path) -> None:
    from workbench.core.project import Project

    with Project.open(study, write=True) as project:
        project.cases.set("Respondent 1", {"occupation": "community organiser and translator"})
        project.save()

    async def scenario(pilot, app, work: Work) -> None:
        header = screen_text(app).splitlines()[0].split("▏")[0]
        assert header.count(" · ") == 4 and "…" in header, header  # four attributes
        assert "Respondent 1 · age: 34 · ci" in header and " · oc" in header, header

    run_app(study, (120, 40), scenario)


def test_a_coding_key_off_a_coding_says_why_it_does_nothing(study: Path) -> None:
    """x, r and { } < > work on a coded passage and are out of the footer elsewhere; pressed
    elsewhere they say so in the status line instead of nothing."""
    async def scenario(pilot, app, work: Work) -> None:
        main = app.main_screen
        doc = main.document
        free = doc.text.index("How did you") + 2  # the interviewer's words, not coded yet
        assert not any(c.start <= free < c.end for c in app.project.codings.of_document(doc))
        main.transcript.move_cursor(free)
        await pilot.pause()
        for key in ("x", "r", "left_curly_bracket"):
            app.notices.clear()
            await pilot.press(key)
            await pilot.pause()
            assert app.notices == ["No coding under the cursor: that key fixes or removes one"]
            assert not app.screen.query("Toast")
        before = len(app.project.codings)
        await pilot.press("1", "x")  # on a coding they work as before
        await pilot.pause()
        assert len(app.project.codings) == before
        assert app.notices[-1].startswith("Removed the coding")

    run_app(study, (120, 40), scenario)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_what_the_app_writes_shows_the_screen_as_drawn_afresh(study: Path, size) -> None:
    """Each key's frames, applied in turn as a terminal applies them, show what the screen
    drawn whole shows, cell by cell: what a frame leaves out (the widgets under the open
    picker) is never seen."""
    terminals: list[Terminal] = []
    steps = [("c",), ("a",), ("down",), ("escape",), ("g",), ("down",), ("escape",),
             ("j", "j", "c"), ("enter",), ("tab",), ("c",), ("escape",), ("tab",),
             ("tab",), ("x",), ("u",), ("g",), ("i",), ("escape",), ("question_mark",),
             ("escape",), ("pagedown",), ("v",), ("l", "l"), ("escape",), ("n",), ("m",),
             tuple("a memo"), ("escape",), ("1",), ("right_square_bracket",), ("k",)]

    async def scenario(pilot, app, work: Work) -> None:
        width, height = size
        for keys in steps:
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.pause()
            assert terminals[0].lines(width, height) == drawn_afresh(app), keys

    run_app(study, size, scenario, attach=lambda app: terminals.append(Terminal(app)))


def test_the_widgets_under_the_open_picker_are_not_drawn_for_it(study: Path) -> None:
    """Opening the picker repaints its box; the widgets wholly hidden there (the codebook, the
    memo pane) are not asked for their lines (each drew all its lines, to be cut and thrown
    away, at every repaint of the box); where a pane shows beside the box, it is."""
    async def scenario(pilot, app, work: Work) -> None:
        main = app.main_screen
        asked: list[str] = []
        for name, widget in (("codebook", main.codebook.tree),
                             ("memo", main.memo_pane.text_area)):
            stock = widget.render_lines

            def counted(crop, name=name, stock=stock):
                asked.append(name)
                return stock(crop)

            widget.render_lines = counted
        await pilot.press("c")
        await pilot.pause()
        assert code_picker_of(app) is not None
        assert asked == []
        await pilot.press("e")  # a letter: the list's lines only
        await pilot.pause()
        assert asked == []
        await pilot.press("escape")  # the box goes: what it hid is drawn again
        await pilot.pause()
        assert "codebook" in asked and "memo" in asked

    run_app(study, (120, 40), scenario)
