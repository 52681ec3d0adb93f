"""Benchmark of the transcript view on a long, densely coded transcript.

    python bench/bench_transcript.py [--lines 20000] [--codings 5000] [--codes 200]
        [--presses 200] [--width 120] [--height 40] [--seed 7] [--json OUT.json]

(``python bench/run_all.py`` runs it with the other benchmarks.)

Generates a transcript of ``--lines`` lines (English and Russian speaker turns, some long enough to
wrap over several rows, a blank line now and then) with ``--codings`` codings of ``--codes``
codes, mounts a :class:`TranscriptView` in a headless Textual app (``run_test``) and measures,
as the median (and 95th percentile) of ``--presses`` repetitions:

widget
    The view's own work, timed synchronously with ``perf_counter``: the action method the key
    is bound to (``action_cursor_down`` ...; ``add_coding`` for the coding), followed by
    ``render_line`` for *every* visible row, i.e. what Textual asks of the widget when the whole
    screen is repainted (rows that did not change come from the strip cache; rows that did are
    painted again). This is the upper bound of the widget's part of a key press.

end to end
    A key event posted to the app as the terminal driver posts it, timed until Textual has
    composed the screen update it causes (the moment it is handed to the driver; the headless
    driver then writes nothing, so the terminal's own drawing is not included). This includes
    Textual's key dispatch, the binding, the widget, the styles cache, the compositor and the
    wait for the next frame (Textual paints at most 60 times a second, so the wall-clock time
    contains up to 16.7 ms of waiting for the frame timer); the CPU column is the work done.
    Between presses the app is left to settle (not timed).

ref
    The same end-to-end measurement for a trivial Line-API widget of the same size that
    returns one prebuilt strip per row: the floor set by Textual itself for a full repaint
    (scrolling by one row repaints every row) and for repainting one row.

It also times ``show()`` followed by painting the first screen (the time until the first
screen is ready, from the document and codings in memory) and reports the peak memory traced
while showing (``tracemalloc``; the layout, the coding index and the first strips) and the
process's peak resident size.
"""

from __future__ import annotations

import argparse
import asyncio
import colorsys
import json
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.segment import Segment  # noqa: E402
from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.binding import Binding  # noqa: E402
from textual.geometry import Size  # noqa: E402
from textual.scroll_view import ScrollView  # noqa: E402
from textual.strip import Strip  # noqa: E402

from workbench.core.model import Coding, Document  # noqa: E402
from workbench.core.turns import paragraphs_of  # noqa: E402
from workbench.tui.textual_compat import on_frame, send_event  # noqa: E402
from workbench.tui.widgets.transcript import TranscriptView  # noqa: E402

EN = (
    "I we they activism community friends people city police family work grant burnout group "
    "meeting online chat safe space solidarity anger struggle privilege visible risk language "
    "identity class ethnicity coming out mother father organisation volunteer paid tired calling "
    "remember think maybe really then because when after before with about the a and but so"
).split()
RU = (
    "я мы они активизм сообщество друзья люди город полиция семья работа грант выгорание группа "
    "встреча онлайн чат безопасность солидарность злость борьба привилегия видимость риск язык "
    "идентичность класс мама папа организация волонтёр устала призвание помню думаю может "
    "потом потому когда после до с про и но так просто как апа ұят рахмет қарындас"
).split()


def make_document(lines: int, rng: random.Random) -> Document:
    out: list[str] = []
    for n in range(lines):
        if n % 9 == 8:
            out.append("")
            continue
        russian = (n // 500) % 2 == 1
        pool = RU if russian else EN
        label = ("Интервьюер" if russian else "Interviewer") if n % 2 == 0 else (
            "Респондент 3" if russian else "Respondent 3"
        )
        words = rng.choice((6, 12, 20, 30, 45, 80))
        out.append(f"{label}: " + " ".join(rng.choice(pool) for _ in range(words)) + ".")
    text = "\n".join(out)
    return Document(id="doc", name="bench", text=text, paragraphs=paragraphs_of(text))


def make_codings(
    document: Document, count: int, codes: int, rng: random.Random
) -> tuple[list[Coding], dict[str, str]]:
    text = document.text
    colors = {}
    for n in range(codes):
        r, g, b = colorsys.hls_to_rgb(n / codes, 0.5, 0.7)
        colors[f"code{n}"] = f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
    codings = []
    for n in range(count):
        start = rng.randrange(0, len(text) - 500)
        end = start + rng.choice((8, 20, 40, 80, 150, 300, 500))
        codings.append(
            Coding(id=f"c{n}", document="doc", code=f"code{rng.randrange(codes)}", start=start,
                   end=end, text=text[start:end])
        )
    return codings, colors


class BenchApp(App):
    def compose(self) -> ComposeResult:
        yield TranscriptView()


class PlainLines(ScrollView, can_focus=True):
    """Reference: the least a Line-API widget can do (one prebuilt strip per row)."""

    BINDINGS = [Binding("down", "down"), Binding("right", "right")]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.strip: Strip | None = None
        self.cursor = 0

    def on_mount(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.rows)

    def render_line(self, y: int) -> Strip:
        if self.strip is None:
            self.strip = Strip([Segment("x" * self.scrollable_content_region.width)])
        return self.strip

    def action_down(self) -> None:
        self.scroll_to(y=self.scroll_offset.y + 1, animate=False)

    def action_right(self) -> None:
        self.refresh_lines(round(self.scroll_offset.y) + 5, 1)


class PlainApp(App):
    def compose(self) -> ComposeResult:
        yield PlainLines(100_000)


def paint(view: TranscriptView) -> None:
    for y in range(view.scrollable_content_region.height):
        view.render_line(y)


class Clock:
    """Wall-clock and CPU time of one measurement (CPU time is what this process spent, so
    it is not inflated when other processes share the machine)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def stop(self, samples: list[tuple[float, float]]) -> None:
        samples.append((time.perf_counter() - self.wall, time.process_time() - self.cpu))


Row = tuple[str, str, float, float, float]


def summary(name: str, kind: str, samples: list[tuple[float, float]]) -> Row:
    walls = sorted(w for w, _ in samples)
    cpus = sorted(c for _, c in samples)
    p95 = walls[min(len(walls) - 1, int(len(walls) * 0.95))]
    return (name, kind, statistics.median(walls) * 1000, p95 * 1000,
            statistics.median(cpus) * 1000)


async def run(args: argparse.Namespace) -> tuple[list[Row], dict[str, float]]:
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    document = make_document(args.lines, rng)
    codings, colors = make_codings(document, args.codings, args.codes, rng)
    made = time.perf_counter() - t0
    print(f"transcript: {args.lines} lines, {len(document.text):,} characters, "
          f"{len(codings)} codings of {args.codes} codes (generated in {made:.2f} s)")
    rows: list[Row] = []
    app = BenchApp()
    async with app.run_test(size=(args.width, args.height)) as pilot:
        view = app.query_one(TranscriptView)
        view.focus()
        await pilot.pause()

        displayed, stamps = watch_display(app)

        # ---- show + first screen
        samples: list[tuple[float, float]] = []
        for _ in range(5):
            clock = Clock()
            view.show(document, codings, colors)
            paint(view)
            clock.stop(samples)
            await pilot.pause()
        rows.append(summary("show() + first screen", "widget", samples))
        samples = []
        for _ in range(5):
            await pilot.pause()
            displayed.clear()
            clock = Clock()
            view.show(document, codings, colors)
            await asyncio.wait_for(displayed.wait(), 30)
            stamp = stamps[-1]
            samples.append((stamp.wall - clock.wall, stamp.cpu - clock.cpu))
        rows.append(summary("show() + first screen", "end to end", samples))
        print(f"layout: {view.layout.row_count:,} visual rows at {view.layout.width} cells")
        view_rows = view.layout.row_count

        # ---- widget-level timings
        def widget(name: str, action: Callable[[], None], reset: Callable[[], None]) -> None:
            reset()
            paint(view)
            samples: list[tuple[float, float]] = []
            for _ in range(args.presses):
                clock = Clock()
                action()
                paint(view)
                clock.stop(samples)
            rows.append(summary(name, "widget", samples))

        def home() -> None:
            view.move_cursor(len(document.text) // 3)

        def unselect_home() -> None:
            view.clear_selection()
            home()

        widget("cursor down", view.action_cursor_down, home)
        widget("cursor right", view.action_cursor_right, home)
        widget("shift+down (selection step)", view.action_select_down, unselect_home)
        widget("page down", view.action_page_down, home)

        # add_coding on lines that are on screen, each new
        home()
        paint(view)
        layout = view.layout
        top = round(view.scroll_offset.y)
        samples = []
        added = []
        text = document.text
        for n in range(args.presses):
            row = top + rng.randrange(view.scrollable_content_region.height)
            start_offset = layout.row_span(*_text_row(layout, row))[0]
            end = min(len(text), start_offset + rng.choice((10, 40, 120)))
            coding = Coding(id=f"new{n}", document="doc", code=f"code{n % args.codes}",
                            start=start_offset, end=end, text=text[start_offset:end])
            clock = Clock()
            view.add_coding(coding, colors[coding.code])
            paint(view)
            clock.stop(samples)
            added.append(coding.id)
        rows.append(summary("add_coding", "widget", samples))
        samples = []
        for coding_id in added:
            clock = Clock()
            view.remove_coding(coding_id)
            paint(view)
            clock.stop(samples)
        rows.append(summary("remove_coding", "widget", samples))
        await pilot.pause()

        # ---- end to end: a key event posted to the app until its screen update is composed
        async def keys(name: str, key: str, reset: Callable[[], None]) -> None:
            reset()
            await pilot.pause()
            samples = await press_and_wait(app, pilot, key, args.presses, displayed, stamps)
            rows.append(summary(name, "end to end", samples))

        await keys("cursor down", "down", home)
        await keys("cursor right", "right", home)
        await keys("shift+down (selection step)", "shift+down", unselect_home)
        await keys("page down", "pagedown", home)

        # ---- memory of show()
        view.show(Document(id="e", name="e", text=""), [], {})
        await pilot.pause()
        tracemalloc.start()
        view.show(document, codings, colors)
        paint(view)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory traced during show() + first screen: {peak / 2**20:.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident size of the process: {rss:.0f} MiB")
    memory = {"show_traced_peak_mib": peak / 2**20, "process_peak_rss_mib": rss,
              "characters": len(document.text), "visual_rows": view_rows}

    # ---- reference: Textual's own cost of repainting a pane of the same size
    plain = PlainApp()
    async with plain.run_test(size=(args.width, args.height)) as pilot:
        plain.query_one(PlainLines).focus()
        await pilot.pause()
        displayed, stamps = watch_display(plain)
        for name, key in (("scroll a row", "down"), ("repaint a row", "right")):
            samples = await press_and_wait(plain, pilot, key, args.presses, displayed, stamps)
            rows.append((f"ref: {name}", "end to end", *summary(name, "", samples)[2:]))
    return rows, memory


def watch_display(app: App) -> tuple[asyncio.Event, list[Clock]]:
    """Note when each screen update is composed (the headless driver then writes nothing),
    to time a key from being posted to its update being composed."""
    displayed = asyncio.Event()
    stamps: list[Clock] = []

    def frame() -> None:
        stamps.append(Clock())
        displayed.set()

    on_frame(app, frame)
    return displayed, stamps


async def press_and_wait(
    app: App, pilot, key: str, presses: int, displayed: asyncio.Event, stamps: list[Clock]  # noqa: ANN001
) -> list[tuple[float, float]]:
    samples: list[tuple[float, float]] = []
    for _ in range(presses):
        displayed.clear()
        clock = Clock()
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        send_event(app, event)  # as the terminal driver (and Pilot) does
        await asyncio.wait_for(displayed.wait(), 10)
        stamp = stamps[-1]
        samples.append((stamp.wall - clock.wall, stamp.cpu - clock.cpu))
        await pilot.pause(0.02)  # let anything the update scheduled finish
    return samples


def _text_row(layout, row: int) -> tuple[int, int]:  # noqa: ANN001
    line, k = layout.row_at(row)
    return line, max(k, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--codings", type=int, default=5_000)
    parser.add_argument("--codes", type=int, default=200)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    args = parser.parse_args()
    rows, memory = asyncio.run(run(args))
    print(f"\nterminal {args.width}x{args.height}, median and 95th percentile of "
          f"{args.presses} repetitions (5 for show)\n")
    print(f"{'operation':<30} {'measured':<11} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>8}")
    print("-" * 71)
    for name, kind, median, p95, cpu in rows:
        print(f"{name:<30} {kind:<11} {median:>10.2f} {p95:>8.2f} {cpu:>8.2f}")
    if args.json:
        keys = ("operation", "measured", "median_ms", "p95_ms", "cpu_ms")
        args.json.write_text(json.dumps({
            "lines": args.lines, "codings": args.codings, "codes": args.codes,
            "presses": args.presses, "size": [args.width, args.height], "memory": memory,
            "rows": [dict(zip(keys, row, strict=True)) for row in rows],
        }, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
