"""Key latency: every key of the main screen against a minimal Textual app, side by side.

    python bench/bench_keys.py [--reps 10] [--rounds 2] [--quick] [--pty] [--json OUT.json]
        [--cases sample:80x24,sample:120x40,large:120x40]

For each project and terminal size, the real app (``WorkbenchApp.open`` on a copy of the
project, toasts on as in the real app) and the floor (``bench/floor_app.py``: a Line-API
view, a Tree and a TextArea, a status line and toasts) are run headless (``run_test``),
alternating: ``--rounds`` sessions of each, one after the other, each pressing every key
``--reps`` times. A key is posted as the terminal driver posts it; a hook on the app's frame
writer stamps every frame written. For each key:

result
    from the key until the first frame written at which its result holds (the cursor moved,
    the focus moved, the picker is open and filled, the project changed, ...);
settled
    until the last frame written before the app stayed quiet for 150 ms (status line, memo
    pane, footer, toasts: everything the key caused);
work
    the layout passes, restyled nodes, mounted widgets and frames Textual did for the key
    (``textual_compat.count_work``), in the last repetition.

Each real key has a floor key doing the same kind of thing (a cursor move for movement,
selection and changes; a focus move for Tab; showing a list for the pickers); the ratios are
real ÷ floor, medians of all repetitions. With ``--pty``, the real ``workbench PROJECT`` and
``python bench/floor_app.py PROJECT`` also run in a pseudo-terminal: start-up until ready
to type, and a few keys from the byte written until the first byte of output and until the
output stopped for 150 ms.

Keys that change the project wait for the save to finish before the next key; "a key during
a save" is ``down`` pressed while the save of a coding runs on its thread.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_app import isolated_environment
from floor_app import floor_app
from harness import (
    DATA,
    LARGE,
    ROOT,
    describe_machine,
    format_load,
    load_average,
    machine,
    markdown_table,
)

SAMPLE = ROOT / "sample_project" / "project.json"
QUIET = 0.15  # seconds without a frame: the key's frames have settled


# --------------------------------------------------------------------------- frames
class FrameLog:
    """Stamps of every frame the app writes; wakes a waiter at the first frame at which its
    condition holds."""

    def __init__(self, app: Any) -> None:
        from workbench.tui.textual_compat import on_frame

        self.stamps: list[float] = []
        self.waiting: tuple[Callable[[], bool], asyncio.Future[float]] | None = None
        on_frame(app, self._frame)

    def _frame(self) -> None:
        stamp = time.perf_counter()
        self.stamps.append(stamp)
        if self.waiting is not None:
            condition, future = self.waiting
            if not future.done() and condition():
                future.set_result(stamp)
                self.waiting = None

    async def quiet(self, since: float, timeout: float = 3.0) -> float:
        """Wait until no frame came for :data:`QUIET` s; the stamp of the last one (or
        ``since`` if none came)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            last = self.stamps[-1] if self.stamps and self.stamps[-1] > since else since
            if time.perf_counter() - last >= QUIET:
                return last
            await asyncio.sleep(0.01)
        return self.stamps[-1] if self.stamps else since


@dataclass
class Timing:
    """One key's samples on one app."""

    result: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    work: dict[str, int] = field(default_factory=dict)

    def medians(self) -> tuple[float | None, float | None]:
        if not self.result:
            return None, None
        return statistics.median(self.result) * 1000, statistics.median(self.settled) * 1000


def post_key(app: Any, key: str) -> float:
    """Post a key as the terminal driver does; the moment it was posted."""
    from textual import events

    from workbench.tui.textual_compat import send_event

    character = key if len(key) == 1 else None
    event = events.Key(key, character)
    event.set_sender(app)
    stamp = time.perf_counter()
    send_event(app, event)
    return stamp


#: The names of the keys to profile (``--profile``), and the profiles' text.
PROFILE: dict[str, Any] = {"keys": (), "texts": []}


async def timed_key(app: Any, log: FrameLog, work: Any, key: str,
                    condition: Callable[[], bool], timing: Timing, name: str = "") -> None:
    """Press ``key``; note the frame at which ``condition()`` holds and the settled one."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[float] = loop.create_future()
    log.waiting = (condition, future)
    before = work.copy()
    profiler = None
    if name and name.startswith(PROFILE["keys"] or ("\0",)):
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
    start = post_key(app, key)
    shown = await asyncio.wait_for(future, 20)
    settled = await log.quiet(shown)
    if profiler is not None:
        profiler.stop()
        PROFILE["texts"].append(f"--- {name}: result {1000 * (shown - start):.1f} ms, settled "
                                f"{1000 * (settled - start):.1f} ms\n"
                                + profiler.output_text(unicode=True, show_all=False))
    timing.result.append(shown - start)
    timing.settled.append(settled - start)
    done = work.since(before)
    timing.work = {"layouts": done.layouts, "restyles": done.restyles,
                   "mounts": done.mounts, "frames": done.frames}


async def quiet(app: Any, log: FrameLog) -> None:
    await log.quiet(time.perf_counter())


# --------------------------------------------------------------------------- the real app
@dataclass
class KeyCase:
    """A key of the benchmark: its name, the floor key it is compared with."""

    name: str
    floor: str


REAL_KEYS = [
    KeyCase("j", "j"), KeyCase("down", "down"), KeyCase("]", "]"),
    KeyCase("pagedown", "pagedown"), KeyCase("v", "v"), KeyCase("n", "down"),
    KeyCase("c (picker open and filled)", "c"), KeyCase("a letter in the picker", "letter"),
    KeyCase("enter in the picker (coded)", "down"), KeyCase("1 (recent code)", "down"),
    KeyCase("x (uncode)", "x"), KeyCase("u (undo)", "x"),
    KeyCase("tab to codebook", "tab"), KeyCase("tab to memo", "tab"),
    KeyCase("tab to transcript", "tab"), KeyCase("g (document list)", "c"),
    KeyCase("down during a save", "down"),
]


def picker_open(app: Any) -> bool:
    """The picker (or document list) shows its filter line with the focus and its options."""
    focused = app.focused
    if focused is None or focused.id != "picker-input":
        return False
    found = app.screen.query("#picker-list")
    return bool(found) and _option_count(found.first()) > 0


def _option_count(widget: Any) -> int:
    return int(getattr(widget, "option_count", 0))


def picker_of(app: Any) -> Any:
    """The picker whose filter line has the focus (a dialog's screen, or the widget holding
    the filter line), else ``None``."""
    focused = app.focused
    for node in focused.ancestors_with_self if focused is not None else ():
        if hasattr(node, "query_text"):
            return node
    return None


def picker_closed(app: Any) -> bool:
    focused = app.focused
    return focused is None or focused.id != "picker-input"


class RealKeys:
    """Presses each key of :data:`REAL_KEYS` on the real app."""

    def __init__(self, app: Any, pilot: Any, log: FrameLog, work: Any) -> None:
        self.app, self.pilot, self.log, self.work = app, pilot, log, work
        self.offsets: list[int] = []

    @property
    def main(self) -> Any:
        return self.app.main_screen

    async def settle_saved(self) -> None:
        from workbench.tui.saver import SaveState

        deadline = time.monotonic() + 30
        while (self.app.project.dirty or self.app.saver.state is not SaveState.SAVED) \
                and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await quiet(self.app, self.log)

    async def press(self, key: str) -> None:
        await self.pilot.press(key)
        await quiet(self.app, self.log)

    async def key(self, case: KeyCase, timing: Timing) -> None:
        app, main = self.app, self.main
        view = main.transcript

        def moved(before: int) -> Callable[[], bool]:
            return lambda: view.cursor != before

        def revised(before: int) -> Callable[[], bool]:
            return lambda: app.project.revision != before

        async def timed(key: str, condition: Callable[[], bool]) -> None:
            await timed_key(app, self.log, self.work, key, condition, timing, case.name)

        name = case.name
        if name in ("j", "down", "]", "pagedown", "n"):
            main.focus_pane("transcript")
            if name == "pagedown" and view.cursor > len(main.document.text) * 0.8:
                view.move_cursor(0)
            if name == "n" and not any(c.start > view.cursor
                                       for c in app.project.codings.of_document(main.document)):
                view.move_cursor(0)  # no coding after the caret: n would not move
            await quiet(app, self.log)
            key = {"]": "right_square_bracket"}.get(name, name)
            await timed(key, moved(view.cursor))
        elif name == "v":
            main.focus_pane("transcript")
            await quiet(app, self.log)
            await timed("v", lambda: view.selecting)
            await self.press("escape")
        elif name.startswith("c "):
            await self._at_free_offset()
            await timed("c", lambda: picker_open(app))
            await self.press("escape")
        elif name.startswith("a letter"):
            await self._at_free_offset()
            await self.press("c")
            picker = picker_of(app)  # the letter shown and the list filtered by it
            await timed("e", lambda: getattr(picker, "query_text", None) == "e")
            await self.press("escape")
        elif name.startswith("enter in the picker"):
            await self._at_free_offset()
            await self.press("c")
            await timed("enter", revised(app.project.revision))
            await self.settle_saved()
            await self._undo()
        elif name.startswith("1 "):
            await self._at_free_offset()
            await timed("1", revised(app.project.revision))
            await self.settle_saved()
            await self._undo()
        elif name.startswith("x "):
            await self._at_free_offset()
            await self.press("1")
            await self.settle_saved()
            await timed("x", revised(app.project.revision))
            await self.settle_saved()
            await self._undo()  # the coding is back
            await self.press("x")
            await self.settle_saved()
        elif name.startswith("u "):
            await self._at_free_offset()
            await self.press("1")
            await self.settle_saved()
            await timed("u", revised(app.project.revision))
            await self.settle_saved()
        elif name.startswith("tab to "):
            pane = name.removeprefix("tab to ")
            before = {"codebook": "transcript", "memo": "codebook", "transcript": "memo"}[pane]
            main.focus_pane(before)
            await quiet(app, self.log)
            await timed("tab", lambda: main._pane_of(app.focused) == pane
                        if app.focused else False)
        elif name.startswith("g "):
            main.focus_pane("transcript")
            await quiet(app, self.log)
            await timed("g", lambda: picker_open(app))
            await self.press("escape")
        elif name == "down during a save":
            await self._at_free_offset()
            await self.pilot.press("1")
            from workbench.tui.saver import SaveState

            deadline = time.monotonic() + 5
            while app.saver.state is not SaveState.SAVING and time.monotonic() < deadline:
                await asyncio.sleep(0.001)
            if app.saver.state is SaveState.SAVING:
                await timed("down", moved(view.cursor))
            await self.settle_saved()
            await self._undo()
        else:
            raise ValueError(name)

    async def _at_free_offset(self) -> None:
        """The cursor at the start of a paragraph no coding covers (so ``x`` finds ours)."""
        main = self.main
        main.focus_pane("transcript")
        if not self.offsets:
            self.offsets = free_offsets(self.app.project, main.document, 40)
        offset = self.offsets.pop()
        self.offsets.insert(0, offset)
        main.transcript.move_cursor(offset)
        await quiet(self.app, self.log)

    async def _undo(self) -> None:
        await self.press("u")
        await self.settle_saved()


def free_offsets(project: Any, doc: Any, count: int) -> list[int]:
    """Offsets inside paragraphs of ``doc`` that no coding touches."""
    covered = [(c.start, c.end) for c in project.codings.of_document(doc)]
    found: list[int] = []
    for paragraph in doc.paragraphs:
        start, end = paragraph.start, paragraph.end
        if end - start < 30:
            continue
        if any(s <= end and e >= start for s, e in covered):
            continue
        found.append(start + (end - start) // 2)
        if len(found) == count:
            break
    if not found:
        raise RuntimeError("no uncoded paragraph to code in the benchmark")
    return found


# --------------------------------------------------------------------------- the floor
class FloorKeys:
    """The floor app's keys: a cursor move, ``]``, a page, a focus move, the list, a toast."""

    def __init__(self, app: Any, pilot: Any, log: FrameLog, work: Any) -> None:
        self.app, self.pilot, self.log, self.work = app, pilot, log, work

    async def key(self, name: str, timing: Timing) -> None:
        app = self.app
        view = app.query_one("#view")

        async def timed(key: str, condition: Callable[[], bool]) -> None:
            await timed_key(app, self.log, self.work, key, condition, timing)

        if name in ("j", "down", "]", "pagedown", "v"):
            app.screen.set_focus(view)
            if view.cursor > len(view.lines) * 0.8:
                view.cursor = 0
            await quiet(app, self.log)
            before = view.cursor
            key = {"]": "right_square_bracket"}.get(name, name)
            if name == "v":
                await timed(key, lambda: True)
            else:
                await timed(key, lambda: view.cursor != before)
        elif name == "tab":
            before = app.focused
            await timed("tab", lambda: app.focused is not before)
            await quiet(app, self.log)
        elif name == "c":
            app.screen.set_focus(view)
            await quiet(app, self.log)
            await timed("c", lambda: picker_open(app))
            await self.pilot.press("escape")
            await quiet(app, self.log)
        elif name == "letter":
            await self.pilot.press("c")
            await quiet(app, self.log)
            field_ = app.query_one("#picker-input")
            field_.value = ""
            await timed("e", lambda: field_.value == "e")
            await self.pilot.press("escape")
            await quiet(app, self.log)
        elif name == "x":
            app.screen.set_focus(view)
            await quiet(app, self.log)
            count = len(app.screen.query("Toast"))
            await timed("x", lambda: len(app.screen.query("Toast")) > count)
        else:
            raise ValueError(name)


# --------------------------------------------------------------------------- sessions
SessionRun = Callable[[Any, Any, FrameLog, Any], Awaitable[None]]


async def run_session(app: Any, size: tuple[int, int], body: SessionRun) -> None:
    from workbench.tui.textual_compat import count_work

    log = FrameLog(app)
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause(0.3)
        saver = getattr(app, "saver", None)
        warming = None
        deadline = time.monotonic() + 60
        while saver is not None and time.monotonic() < deadline:
            warming = getattr(saver, "_warming", None)
            if warming is not None and not warming.is_alive():
                break
            await asyncio.sleep(0.01)
        await log.quiet(time.perf_counter())
        with count_work(app) as work:
            await body(app, pilot, log, work)
        if saver is not None:
            await pilot.press("q")
            deadline = time.monotonic() + 60
            while app.return_code is None and time.monotonic() < deadline:
                await pilot.pause(0.05)
    if saver is not None:
        app.finish()


async def measure_case(project: Path, size: tuple[int, int], reps: int, rounds: int,
                       keys: list[KeyCase]) -> dict[str, dict[str, Timing]]:
    """Alternating floor and real sessions; the timings of every key on both."""
    from workbench.tui.app import WorkbenchApp

    real: dict[str, Timing] = {case.name: Timing() for case in keys}
    floor: dict[str, Timing] = {}
    for case in keys:
        floor.setdefault(case.floor, Timing())

    for _ in range(rounds):
        async def floor_body(app: Any, pilot: Any, log: FrameLog, work: Any) -> None:
            driver = FloorKeys(app, pilot, log, work)
            for _ in range(reps):
                for name, timing in floor.items():
                    await driver.key(name, timing)

        await run_session(floor_app(project), size, floor_body)

        async def real_body(app: Any, pilot: Any, log: FrameLog, work: Any) -> None:
            driver = RealKeys(app, pilot, log, work)
            leaves = [c for c in app.project.codebook.all() if not c.is_theme]
            app.ui_state.use_code(leaves[0].id)  # a recent code for `1`
            for _ in range(reps):
                for case in keys:
                    await driver.key(case, real[case.name])

        await run_session(WorkbenchApp.open(project), size, real_body)
    return {"real": real, "floor": floor}


# --------------------------------------------------------------------------- output
def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def ratio(a: float | None, b: float | None) -> str:
    return "–" if a is None or not b else f"{a / b:.1f}"


def case_rows(label: str, keys: list[KeyCase], found: dict[str, dict[str, Timing]]
              ) -> list[list[str]]:
    rows = []
    for case in keys:
        real = found["real"][case.name]
        floor = found["floor"][case.floor]
        r_result, r_settled = real.medians()
        f_result, f_settled = floor.medians()
        work = real.work
        rows.append([
            label, case.name, fmt(r_result), fmt(r_settled), f"{case.floor}: {fmt(f_result)}",
            fmt(f_settled), ratio(r_result, f_result), ratio(r_settled, f_settled),
            "/".join(str(work.get(k, "–")) for k in ("layouts", "restyles", "mounts",
                                                      "frames")),
        ])
    return rows


HEADERS = ["study, size", "key", "result ms", "settled ms", "floor key: result ms",
           "floor settled ms", "÷ floor (result)", "÷ floor (settled)",
           "layouts/restyles/mounts/frames"]


def parse_cases(text: str) -> list[tuple[str, Path, tuple[int, int]]]:
    cases = []
    for item in text.split(","):
        name, _, size = item.partition(":")
        path = {"sample": SAMPLE, "large": LARGE / "project.json"}.get(name, Path(name))
        width, height = (int(n) for n in size.lower().split("x"))
        cases.append((name, path, (width, height)))
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", default="sample:80x24,sample:120x40,large:120x40")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keys", help="only the keys whose name starts with one of these "
                        "(comma-separated)")
    parser.add_argument("--quick", action="store_true", help="--reps 3 --rounds 1")
    parser.add_argument("--pty", action="store_true",
                        help="also run both apps in a pseudo-terminal")
    parser.add_argument("--profile", help="profile the real app's keys whose name starts with "
                        "one of these (comma-separated; needs pyinstrument), print the profiles")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.profile:
        PROFILE["keys"] = tuple(args.profile.split(","))
    if args.quick:
        args.reps, args.rounds = 3, 1
    keys = REAL_KEYS
    if args.keys:
        wanted = tuple(args.keys.split(","))
        keys = [k for k in REAL_KEYS if k.name.startswith(wanted)]
    info = machine()
    start_load = load_average()
    print(f"machine: {describe_machine(info)}\nload average at start: "
          f"{format_load(start_load)}", flush=True)
    rows: list[list[str]] = []
    raw: dict[str, Any] = {}
    DATA.mkdir(parents=True, exist_ok=True)
    for name, path, size in parse_cases(args.cases):
        if not path.exists():
            raise SystemExit(f"no project at {path} (make the large study with "
                             "`python bench/generate_study.py bench/data/large --project`)")
        with tempfile.TemporaryDirectory(prefix="keys-", dir=DATA) as tmp:
            folder = Path(tmp)
            isolated_environment(folder)
            copy = folder / "study" / "project.json"
            copy.parent.mkdir()
            shutil.copy2(path, copy)
            label = f"{name} {size[0]}x{size[1]}"
            print(f"=== {label}", flush=True)
            found = asyncio.run(measure_case(copy, size, args.reps, args.rounds, keys))
        rows += case_rows(label, keys, found)
        raw[label] = {side: {k: {"result": t.result, "settled": t.settled, "work": t.work}
                             for k, t in timings.items()} for side, timings in found.items()}
        print(markdown_table(HEADERS, rows[-len(keys):], right={2, 3, 4, 5, 6, 7}),
              flush=True)
    table = markdown_table(HEADERS, rows, right={2, 3, 4, 5, 6, 7})
    pty_text = ""
    if args.pty:
        from bench_keys_pty import pty_report

        pty_text, raw["pty"] = pty_report(parse_cases(args.cases), runs=max(3, args.rounds * 2))
    end_load = load_average()
    head = (f"{args.rounds} alternating sessions of each app, {args.reps} presses of each key "
            f"per session; medians. Load average at start {format_load(start_load)}, at end "
            f"{format_load(end_load)}.")
    markdown = f"{head}\n\n{table}" + (f"\n\n{pty_text}" if pty_text else "")
    print("\n" + markdown)
    for text in PROFILE["texts"]:
        print(text)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "raw": raw, "markdown": markdown},
                                        indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.exit(main())
