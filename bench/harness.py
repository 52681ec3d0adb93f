"""Shared helpers of the benchmark scripts: fresh-process timing, the machine, tables.

Not a benchmark itself; imported by the scripts beside it (``bench_cli.py``, ``bench_app.py``,
``bench_tui_startup.py``, ``peer.py``, ``run_all.py``), which run as scripts, so ``bench/`` is
on ``sys.path``. ``python bench/run_all.py`` runs every benchmark.

* :func:`run_once` runs a command in a fresh process and returns its wall time and peak
  resident set size (``os.wait4``'s ``ru_maxrss``, the child's own peak, not the parent's);
* :func:`measure` is the median of several such runs (an untimed ``setup`` before each);
* :func:`machine` and :func:`load_average` describe where the figures were taken;
* :func:`markdown_table` renders rows for ``bench/RESULTS.md``.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DATA = BENCH / "data"
LARGE = DATA / "large"


def child_environment() -> dict[str, str]:
    """The environment of measured commands: ours, without ``PYTHONDONTWRITEBYTECODE``
    (a user's Python caches compiled modules; without the cache every run compiles again)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def workbench_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m workbench``."""
    script = Path(sys.executable).with_name("workbench")
    return [str(script)] if script.exists() else [sys.executable, "-m", "workbench"]


class CommandFailed(RuntimeError):
    """A measured command exited with an unexpected status."""


def run_once(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    stdin: IO[bytes] | None = None,
    ok: tuple[int, ...] = (0,),
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run of ``argv``, its output discarded.

    ``stdin`` is given to the child (default: no input). An exit status outside ``ok``
    raises :class:`CommandFailed` with the end of the child's error output.
    """
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: it never fills up
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=child_environment(),
        )
        # wait4 (not proc.wait) for the child's own resource usage (its peak RSS)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            errors.seek(0)
            err = errors.read().decode(errors="replace")
            raise CommandFailed(f"{' '.join(argv)} failed ({proc.returncode}): {err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


@dataclass
class Timing:
    """The median wall time and the highest peak RSS of several runs of one command."""

    median_s: float
    peak_mb: float | None
    runs: int
    times_s: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def measure(
    argv: Sequence[str],
    runs: int,
    *,
    setup: Callable[[], None] | None = None,
    cwd: Callable[[], Path] | Path | None = None,
    stdin: Callable[[], IO[bytes]] | None = None,
    ok: tuple[int, ...] = (0,),
) -> Timing:
    """Median of ``runs`` fresh-process runs of ``argv``.

    ``setup`` runs before each run, untimed. ``cwd`` and ``stdin`` may be callables, asked
    again before each run (a fresh folder, a fresh input stream).
    """
    times: list[float] = []
    peaks: list[float] = []
    for _ in range(runs):
        if setup is not None:
            setup()
        folder = cwd() if callable(cwd) else cwd
        stream = stdin() if stdin is not None else None
        try:
            elapsed, peak = run_once(argv, cwd=folder, stdin=stream, ok=ok)
        finally:
            if stream is not None:
                stream.close()
        times.append(elapsed)
        peaks.append(peak)
    return Timing(statistics.median(times), max(peaks), runs, times)


# --------------------------------------------------------------------------- the machine
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, kernel {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages (zeros where the system has none)."""
    try:
        return os.getloadavg()
    except OSError:
        return (0.0, 0.0, 0.0)


def format_load(load: Sequence[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, OS, Python and the versions of the libraries that matter."""
    memory = _memory_gib()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": round(memory, 1) if memory else None,
        "os": _os_name(),
        "python": platform.python_version(),
        "textual": _version("textual"),
        "tinydb": _version("tinydb"),
        "workbench": _version("workbench"),
    }


def describe_machine(info: dict[str, Any]) -> str:
    """One line: ``AMD EPYC ..., 2 cores, 24.0 GiB, Ubuntu ...; Python 3.11.7, Textual 8.2.8``."""
    return (
        f"{info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, {info['os']}; "
        f"Python {info['python']}, Textual {info['textual']}, TinyDB {info['tinydb']}"
    )


# --------------------------------------------------------------------------- tables
def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], right: Collection[int] = ()
) -> str:
    """A markdown table; the columns whose index is in ``right`` align right. A ``|`` in a
    cell is escaped (GitHub's tables split cells at it even inside code spans)."""
    align = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |"
              for row in rows]
    return "\n".join(lines)


def ms(seconds: float | None, digits: int = 0) -> str:
    """``1,234 ms`` (``–`` for None)."""
    if seconds is None:
        return "–"
    return f"{seconds * 1000:,.{digits}f} ms"


def secs_or_ms(seconds: float | None) -> str:
    """Milliseconds below ten seconds, else seconds (``–`` for None)."""
    if seconds is None:
        return "–"
    return ms(seconds) if seconds < 10 else f"{seconds:,.1f} s"


def mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} MB"
