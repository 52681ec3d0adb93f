"""The large study inside the app: coding, saving, undo, retrieval and reports, in one process.

    python bench/bench_app.py [--reps 10] [--core-reps 20] [--screen-reps 5] [--quick]
        [--project bench/data/large/project.json] [--size 120x40] [--json OUT.json]

(``python bench/run_all.py`` runs it with the other benchmarks.)

Copies the project to a temporary folder (the app saves into it), opens it as ``workbench
PROJECT`` does (:meth:`WorkbenchApp.open`) in a headless Textual app (``run_test``) with its own
config and UI state, waits for the first frame and for the background warm-up of the save
cache, then measures, as medians of several repetitions (retrieval and reports run first,
so that they see the study as it was generated; the coding runs last):

coding shown / removal shown / undo shown
    A key (``1``: apply recent code 1 to the paragraph under the cursor; ``x``: remove the
    coding under the cursor; ``u``: undo the removal) sent as the terminal driver sends it,
    until Textual has composed the first frame after the main screen's ``refresh_panes`` (the
    redraw of every pane on ``ProjectChanged``). As in ``bench_transcript.py`` the frame is
    "composed" when Textual hands it to the driver (``textual_compat.on_frame``); the headless
    driver then writes nothing, so the terminal's own drawing is not included, and the wall
    time includes the wait for Textual's frame timer (at most 60 frames a second). Target:
    under 16 ms.

on disk
    The same key until the project file on disk has been replaced (its inode, size or mtime
    changed: the saver writes a temporary file and renames it) and until the status line
    says "saved". The saver waits 0.3–1 s for more changes before writing. Target: within
    1 s, without freezing the UI.

key during a save
    While the save of the coding is running on its worker thread, ``down`` (cursor down)
    until its frame; counted only when the save was still running when the frame came.
    "longest event-loop stall" is, for each change, the longest a 1 ms ticker in the app's
    event loop was kept waiting between the frame showing the change and the status line
    saying "saved": the longest the UI could not react to a key while saving (a frame is
    16.7 ms; much longer is a visible freeze). "key handled" is the key's dispatch and the
    action and the ``ProjectChanged`` message, until the screen's ``refresh_panes`` returned
    (the rest until "frame shows it" is Textual's layout and compositing).

a code's segments
    The core call the retrieval screen makes (``segments_of(project, code)``) for a code
    (about 80 segments) and for a theme with its codes (about 1,250), and ``enter`` on the
    code in the codebook until the retrieval screen's first frame with its list filled.
    Target: under 50 ms.

reports
    ``reports.run(project, kind, by="case")`` as the reports screen calls it, for each of
    frequencies, matrix, co-occurrence and saturation; and the reports screen's keys
    (``ctrl+t`` opens it on frequencies, ``2``/``3``/``4`` show the other tabs, each computed
    on first show) until the frame showing the filled table. Target: under 300 ms.

CPU time (this process, every thread: for the on-disk rows it includes the save thread) is
given beside the wall time: other work on the machine inflates the wall time but not the CPU
time. Memory: the process's peak resident set size after each
phase (it only grows; the study itself is most of it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app_probes import (
    Change,
    Clock,
    Frames,
    Result,
    Sample,
    StallProbe,
    file_state,
    peak_rss_mb,
    send_key,
)
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

from workbench.tui.saver import SaveState


# --------------------------------------------------------------------------- the session
class Session:
    """One app on the copied project, and the measurements made on it."""

    def __init__(self, app: Any, pilot: Any, frames: Frames, path: Path,
                 args: argparse.Namespace) -> None:
        self.app = app
        self.pilot = pilot
        self.path = path
        self.args = args
        self.frames = frames
        self.results: list[Result] = []
        self.memory: list[tuple[str, float]] = []
        self.changed: Clock | None = None
        self.saved_states: list[tuple[str, Clock]] = []
        self.probe = StallProbe()

    @property
    def main(self) -> Any:
        return self.app.main_screen

    @property
    def project(self) -> Any:
        return self.app.project

    def result(self, name: str, measured: str, target_ms: float | None = None) -> Result:
        found = Result(name, measured, target_ms=target_ms)
        self.results.append(found)
        return found

    def change(self, name: str) -> Change:
        """The results of a key that changes the project (see :class:`Change`)."""
        return Change(
            self.result(name, "key handled (panes refreshed)"),
            self.result(name, "frame shows it", target_ms=16),
            self.result(name, "file on disk replaced", target_ms=1000),
            self.result(name, 'status line says "saved"', target_ms=1000),
            self.result(name, "longest event-loop stall, shown → saved"),
        )

    def phase_done(self, name: str) -> None:
        self.memory.append((name, peak_rss_mb()))

    # ------------------------------------------------------------------ hooks
    def install_hooks(self) -> None:
        """Note when the main screen has refreshed its panes after a change, and every
        saved-state the saver reports."""
        main = self.main
        original_refresh = main.refresh_panes

        def refresh_panes(*args: Any, **kwargs: Any) -> None:
            original_refresh(*args, **kwargs)
            self.changed = Clock()

        main.refresh_panes = refresh_panes
        saver = self.app.saver
        original_state = saver.on_state

        def on_state(state: SaveState) -> None:
            original_state(state)
            self.saved_states.append((state.label, Clock()))

        saver.on_state = on_state

    async def settle(self, timeout: float = 30.0) -> None:
        """Until nothing is waiting to be saved, then a moment for the frames to finish."""
        saver = self.app.saver
        deadline = time.monotonic() + timeout
        while self.project.dirty or saver.state is not SaveState.SAVED:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not save within {timeout:.0f} s "
                                   f"(state {saver.state.label!r})")
            await asyncio.sleep(0.01)
        await self.pilot.pause(0.05)

    # ------------------------------------------------------------------ coding
    def free_offsets(self, count: int) -> list[int]:
        """Offsets in the open document that no coding covers, one in each of ``count``
        paragraphs spread over its first half (so ``x`` finds only our coding there), in a
        turn's words (``1`` codes the words, never the speaker label)."""
        doc = self.main.document
        covered = sorted((c.start, c.end) for c in self.project.codings.of_document(doc))
        turns = self.project.documents.turns(doc)
        found: list[int] = []
        paragraphs = [p for p in doc.paragraphs if p.end - p.start > 20]
        step = max(1, len(paragraphs) // 2 // max(count, 1))
        for paragraph in paragraphs[::step]:
            offset = _uncovered(covered, paragraph.start + 1, paragraph.end - 1,
                                skip=lambda at: turns.label_at(at) is not None
                                or doc.text[at].isspace())
            if offset is not None:
                found.append(offset)
            if len(found) == count:
                break
        if len(found) < count:
            raise RuntimeError(f"only {len(found)} paragraphs with uncovered text")
        return found

    async def timed_change(self, key: str, results: Change, during_save: Result | None = None
                           ) -> None:
        """One key that changes the project: until shown, then until on disk and "saved"."""
        before_disk = file_state(self.path)
        self.changed = None
        self.saved_states.clear()
        frame = self.frames.wait_for(lambda: self.changed is not None)
        start = send_key(self.app, key)
        stamp = await asyncio.wait_for(frame, 10)
        self.probe.open_window()  # from the frame showing the change until it is saved
        assert self.changed is not None
        results.action.samples.append(self.changed.since(start))
        results.shown.samples.append(stamp.since(start))
        if during_save is not None:
            await self.key_during_save(during_save)
        results.disk.samples.append(await self.until_on_disk(before_disk, start))
        await self.settle()
        results.stall.samples.append((self.probe.close_window(), 0.0))
        saved = [clock for state, clock in self.saved_states if state == "saved"]
        if saved:
            results.saved.samples.append(saved[0].since(start))

    async def until_on_disk(self, before: tuple[int, int, int], start: Clock,
                            timeout: float = 30.0) -> Sample:
        """Poll the file every 2 ms until the saver has replaced it."""
        deadline = time.monotonic() + timeout
        while file_state(self.path) == before:
            if time.monotonic() > deadline:
                raise RuntimeError("the change did not reach the disk")
            await asyncio.sleep(0.002)
        return Clock().since(start)

    async def key_during_save(self, result: Result) -> None:
        """Wait for the save to start, then time ``down`` until its frame (if still saving)."""
        saver = self.app.saver
        deadline = time.monotonic() + 5
        while saver.state is not SaveState.SAVING and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        if saver.state is not SaveState.SAVING:
            return
        view = self.main.transcript
        cursor = view.cursor
        frame = self.frames.wait_for(lambda: view.cursor != cursor)
        start = send_key(self.app, "down")
        stamp = await asyncio.wait_for(frame, 10)
        if saver.state is SaveState.SAVING:
            result.samples.append(stamp.since(start))

    async def coding(self) -> None:
        """Apply, remove and undo a coding ``reps`` times, each on a fresh paragraph."""
        app, main = self.app, self.main
        code = self.project.codebook.find(self.args.code)
        app.ui_state.use_code(code.id)  # recent code 1
        main.focus_pane("transcript")
        applied = self.change("apply a coding (key 1)")
        during = self.result("cursor down while the save runs", "frame shows it",
                             target_ms=16)
        removed = self.change("remove a coding (key x)")
        undone = self.change("undo the removal (key u)")
        count = len(self.project.codings)
        for offset in self.free_offsets(self.args.reps):
            await self.settle()
            main.transcript.move_cursor(offset)
            await self.pilot.pause(0.05)
            await self.timed_change("1", applied, during_save=during)
            self._expect_codings(count + 1, "after key 1")
            await self.settle()
            main.transcript.move_cursor(offset)
            await self.pilot.pause(0.05)
            await self.timed_change("x", removed)
            self._expect_codings(count, "after key x")
            await self.settle()
            await self.timed_change("u", undone)
            self._expect_codings(count + 1, "after key u")
            count += 1
        await self.settle()
        if not during.samples:
            during.note = "every save ended before the key's frame"
        self.phase_done("coding, removing, undoing (with saves)")

    def _expect_codings(self, count: int, when: str) -> None:
        found = len(self.project.codings)
        if found != count:
            raise RuntimeError(f"{when}: {found} codings, expected {count}")

    # ------------------------------------------------------------------ retrieval
    async def retrieval(self) -> None:
        """The core call and the retrieval screen, for a code and for a theme."""
        from workbench.tui.screens.retrieval import RetrievalScreen, segments_of

        for label, path in (("a code", self.args.code), ("a theme", self.args.theme)):
            code = self.project.codebook.find(path)
            found = len(segments_of(self.project, code))
            name = f"segments of {label} ({found:,}): {path}"
            core = self.result(name, "core call segments_of()", target_ms=50)
            for _ in range(self.args.core_reps):
                clock = Clock()
                segments_of(self.project, code)
                core.samples.append(clock.elapsed())
            screen = self.result(name, "enter → retrieval screen drawn", target_ms=50)
            for _ in range(self.args.screen_reps):
                await self.open_retrieval(code, screen, RetrievalScreen)
        self.phase_done("retrieval")

    async def open_retrieval(self, code: Any, result: Result, screen_type: type) -> None:
        from textual.widgets import OptionList

        main, app = self.main, self.app
        main.focus_pane("codebook")
        main.codebook.highlight(code.id)
        await self.pilot.pause(0.05)

        def drawn() -> bool:
            screen = app.screen
            if not isinstance(screen, screen_type):
                return False
            options = screen.query(OptionList)
            return bool(options) and options.first().option_count > 0

        frame = self.frames.wait_for(drawn)
        start = send_key(app, "enter")
        stamp = await asyncio.wait_for(frame, 30)
        result.samples.append(stamp.since(start))
        await self.pilot.press("escape")
        await self.pilot.pause(0.05)
        if app.screen is not main:
            raise RuntimeError("escape did not close the retrieval screen")

    # ------------------------------------------------------------------ reports
    async def reports(self) -> None:
        """Each report's core call, and the reports screen's keys."""
        from workbench.analysis import reports
        from workbench.tui.screens.reports import KINDS, ReportsScreen

        for kind in KINDS:
            core = self.result(f"report: {kind}", 'core call reports.run(kind, by="case")',
                               target_ms=300)
            for _ in range(self.args.core_reps):
                clock = Clock()
                reports.run(self.project, kind, by="case")
                core.samples.append(clock.elapsed())
        keys = {"frequencies": "ctrl+t", "matrix": "2", "cooccurrence": "3", "saturation": "4"}
        screens = {
            kind: self.result(f"report: {kind}",
                              f"key {key} → report drawn" + (" (opens the screen)"
                                                            if kind == "frequencies" else ""),
                              target_ms=300)
            for kind, key in keys.items()
        }
        for _ in range(self.args.screen_reps):
            self.main.focus_pane("transcript")
            await self.pilot.pause(0.05)
            for kind in KINDS:
                await self.open_report(kind, keys[kind], screens[kind], ReportsScreen)
            await self.pilot.press("escape")
            await self.pilot.pause(0.05)
            if self.app.screen is not self.main:
                raise RuntimeError("escape did not close the reports screen")
        self.phase_done("reports")

    async def open_report(self, kind: str, key: str, result: Result, screen_type: type) -> None:
        app = self.app

        def drawn() -> bool:
            screen = app.screen
            return (isinstance(screen, screen_type) and kind in screen.built
                    and screen.kind == kind)

        frame = self.frames.wait_for(drawn)
        start = send_key(app, key)
        stamp = await asyncio.wait_for(frame, 60)
        result.samples.append(stamp.since(start))
        await self.pilot.pause(0.05)


def _uncovered(spans: list[tuple[int, int]], start: int, end: int,
               skip: Callable[[int], bool] = lambda at: False) -> int | None:
    """The first offset in [start, end) that no span covers (and ``skip`` does not refuse)."""
    for offset in range(start, end):
        if skip(offset):
            continue
        if not any(s <= offset < e for s, e in spans if s <= offset):
            return offset
    return None


# --------------------------------------------------------------------------- running
async def run(args: argparse.Namespace, path: Path) -> tuple[list[Result], dict[str, Any]]:
    """Open the copy, wait until it can take changes, run every measurement."""
    from workbench.tui.app import WorkbenchApp

    info: dict[str, Any] = {}
    started = Clock()
    app = WorkbenchApp.open(path)
    info["open_s"] = started.elapsed()[0]
    frames = Frames(app)
    first = frames.wait_for(lambda: app.main_screen is not None)
    width, height = args.size
    async with app.run_test(size=(width, height)) as pilot:
        info["first_frame_s"] = (await asyncio.wait_for(first, 60)).since(started)[0]
        info["rss_after_first_frame_mb"] = peak_rss_mb()
        warmed = await wait_for_warm_up(app)
        info["changes_possible_s"] = warmed.since(started)[0]
        session = Session(app, pilot, frames, path, args)
        session.phase_done("open + first frame + warm-up")
        session.install_hooks()
        await session.retrieval()  # the read-only phases first: the study as generated
        await session.reports()
        await session.coding()
        info["memory"] = session.memory
        await pilot.press("q")
        deadline = time.monotonic() + 60
        while app.return_code is None and time.monotonic() < deadline:
            await pilot.pause(0.05)
    app.finish()
    info["peak_rss_mb"] = peak_rss_mb()
    return session.results, info


async def wait_for_warm_up(app: Any) -> Clock:
    """When the saver's warm-up (serialising every record once, on a thread, after the
    first frame) has finished: before that, the first change waits for it."""
    saver = app.saver
    deadline = time.monotonic() + 60
    while getattr(saver, "_warming", None) is None and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    warming = getattr(saver, "_warming", None)
    while warming is not None and warming.is_alive():
        await asyncio.sleep(0.005)
    return Clock()


def isolated_environment(folder: Path) -> None:
    """UI state and config in ``folder`` (coder "bench"), no clipboard or tmux."""
    config = folder / "config.toml"
    config.write_text('coder = "bench"\n', encoding="utf-8")
    os.environ["XDG_STATE_HOME"] = str(folder / "state")
    os.environ["WORKBENCH_CONFIG"] = str(config)
    for name in ("TMUX", "DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_TTY"):
        os.environ.pop(name, None)


# --------------------------------------------------------------------------- output
def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def results_table(results: list[Result]) -> str:
    rows = []
    for result in results:
        s = result.summary()
        if not s["n"]:
            rows.append([result.name, result.measured, "–", "–", "–", "–", result.note])
            continue
        target = s["target_ms"]
        verdict = "" if target is None else (
            f"< {target:g} ms: {'met' if s['met'] else '**missed**'}")
        cpu = "–" if "stall" in result.measured else fmt(s["cpu_median_ms"])
        rows.append([result.name, result.measured, fmt(s["median_ms"]), fmt(s["p95_ms"]),
                     cpu, verdict, f"n={s['n']}" + (f"; {result.note}" if result.note else "")])
    return markdown_table(
        ["operation", "until", "median ms", "p95 ms", "CPU ms", "target", "note"],
        rows, right={2, 3, 4},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, default=LARGE / "project.json")
    parser.add_argument("--reps", type=int, default=10, help="apply/remove/undo repetitions")
    parser.add_argument("--core-reps", type=int, default=20, help="repetitions of core calls")
    parser.add_argument("--screen-reps", type=int, default=5,
                        help="openings of the retrieval and reports screens")
    parser.add_argument("--code", default="Theme 01/Code 001")
    parser.add_argument("--theme", default="Theme 01")
    parser.add_argument("--size", default="120x40", help="terminal WIDTHxHEIGHT")
    parser.add_argument("--quick", action="store_true", help="--reps 3 --core-reps 5 "
                        "--screen-reps 2")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--encrypted", action="store_true",
                        help="seal the copy with a passphrase first (as `workbench encrypt`)")
    args = parser.parse_args()
    args.size = tuple(int(n) for n in args.size.lower().split("x"))
    if args.quick:
        args.reps, args.core_reps, args.screen_reps = 3, 5, 2
    if not args.project.exists():
        raise SystemExit(f"no project at {args.project}: make the large study with "
                         "`python bench/generate_study.py bench/data/large --project`")
    info = machine()
    start_load = load_average()
    print(f"machine: {describe_machine(info)}")
    print(f"load average at start: {format_load(start_load)}", flush=True)
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="app-", dir=DATA) as tmp:
        folder = Path(tmp)
        isolated_environment(folder)
        copy = folder / "study" / "project.json"
        copy.parent.mkdir()
        shutil.copy2(args.project, copy)
        if args.encrypted:
            seal(copy)
        results, opened = asyncio.run(run(args, copy))
    end_load = load_average()
    text = describe_run(args, opened)
    print(f"\n{text}\nload average at end: {format_load(end_load)}\n")
    print(results_table(results))
    if args.json:
        args.json.write_text(json.dumps({
            "machine": info, "load_start": start_load, "load_end": end_load,
            "project": str(args.project), "size": args.size, "open": opened,
            "results": [r.summary() for r in results],
            "markdown": f"{text}\n\n{results_table(results)}",
        }, indent=2), encoding="utf-8")


def seal(path: Path) -> None:
    """Encrypt the project at ``path`` with a bench passphrase (kept in the environment, where
    opening it finds it)."""
    from workbench.core.project import Project
    from workbench.store import crypto

    os.environ[crypto.PASSPHRASE_ENV] = "bench passphrase, not a secret"
    with Project.open(path, write=True) as project:
        project.reseal(crypto.Sealer.create(os.environ[crypto.PASSPHRASE_ENV]))


def describe_run(args: argparse.Namespace, opened: dict[str, Any]) -> str:
    """Opening times and memory, as lines of markdown."""
    memory = "; ".join(f"{name}: {value:,.0f} MB" for name, value in opened["memory"])
    return "\n".join([
        f"`{shown_path(args.project)}`{' (encrypted)' if args.encrypted else ''} in a "
        f"headless app at {args.size[0]}x{args.size[1]}: "
        f"`WorkbenchApp.open` (Project.open with the write lock) {opened['open_s']:.2f} s, "
        f"first frame at {opened['first_frame_s']:.2f} s, changes possible (save cache warm) "
        f"at {opened['changes_possible_s']:.2f} s.",
        f"Peak RSS after each phase: {memory}; process peak {opened['peak_rss_mb']:,.0f} MB.",
        f"Repetitions: {args.reps} of each change, {args.core_reps} of each core call, "
        f"{args.screen_reps} of each screen.",
    ])


def shown_path(path: Path) -> str:
    """A path as the results show it: from the repository root when inside it (no machine's
    folders in the figures)."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
