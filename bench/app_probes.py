"""Probes for bench_app.py: clocks, results, and hooks that watch a running Textual app
(every frame it composes, how long its event loop stalls, keys sent as the terminal sends them).
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Sample = tuple[float, float]  # wall seconds, CPU seconds


class Clock:
    """Wall-clock and CPU time from its creation."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def since(self, start: Clock) -> Sample:
        return self.wall - start.wall, self.cpu - start.cpu

    def elapsed(self) -> Sample:
        return Clock().since(self)


@dataclass
class Result:
    """The samples of one operation, summarised as median and 95th percentile."""

    name: str
    measured: str  # what the time runs until
    samples: list[Sample] = field(default_factory=list)
    target_ms: float | None = None
    note: str = ""

    def summary(self) -> dict[str, Any]:
        walls = sorted(w for w, _ in self.samples)
        cpus = sorted(c for _, c in self.samples)
        if not walls:
            return {"name": self.name, "measured": self.measured, "n": 0, "note": self.note}
        p95 = walls[min(len(walls) - 1, int(len(walls) * 0.95))]
        median = statistics.median(walls) * 1000
        return {
            "name": self.name, "measured": self.measured, "n": len(walls),
            "median_ms": median, "p95_ms": p95 * 1000, "max_ms": walls[-1] * 1000,
            "cpu_median_ms": statistics.median(cpus) * 1000,
            "target_ms": self.target_ms,
            "met": None if self.target_ms is None else median < self.target_ms,
            "note": self.note,
        }


@dataclass
class Change:
    """A change's results: handled, shown on screen, on disk, reported saved, and the
    longest the event loop stalled from the frame showing it until saved (a frozen UI)."""

    action: Result
    shown: Result
    disk: Result
    saved: Result
    stall: Result


# --------------------------------------------------------------------------- watching the app
class Frames:
    """Notes every frame Textual composes and wakes whoever waits for a frame at which their
    condition holds."""

    def __init__(self, app: Any) -> None:
        from workbench.tui.textual_compat import on_frame

        self.waiters: list[tuple[Callable[[], bool], asyncio.Future[Clock]]] = []
        self.count = 0
        on_frame(app, self._frame)

    def _frame(self) -> None:
        self.count += 1
        stamp = Clock()
        for waiter in list(self.waiters):
            condition, future = waiter
            if not future.done() and condition():
                future.set_result(stamp)
                self.waiters.remove(waiter)

    def wait_for(self, condition: Callable[[], bool]) -> asyncio.Future[Clock]:
        """A future: the stamp of the first frame composed when ``condition()`` holds."""
        future: asyncio.Future[Clock] = asyncio.get_running_loop().create_future()
        self.waiters.append((condition, future))
        return future


class StallProbe:
    """While a window is open, a task sleeps 1 ms at a time and notes the longest the event
    loop kept it waiting beyond that: the longest the UI could not react to a key."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.task: asyncio.Task[None] | None = None

    async def _tick_until_closed(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            self.longest = max(self.longest, time.perf_counter() - before - 0.001)

    def open_window(self) -> None:
        self.longest = 0.0
        self.task = asyncio.get_running_loop().create_task(self._tick_until_closed())

    def close_window(self) -> float:
        """The longest stall since :meth:`open_window`, in seconds."""
        if self.task is not None:
            self.task.cancel()
            self.task = None
        return self.longest


def send_key(app: Any, key: str) -> Clock:
    """Post a key event as the terminal driver (and Pilot) does; the moment it was posted."""
    from textual import events

    from workbench.tui.textual_compat import send_event

    character = key if len(key) == 1 else None
    event = events.Key(key, character)
    event.set_sender(app)
    clock = Clock()
    send_event(app, event)
    return clock


def file_state(path: Path) -> tuple[int, int, int]:
    """What changes when the saver replaces the file."""
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
