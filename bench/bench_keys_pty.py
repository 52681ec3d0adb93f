"""Key latency and start-up through a pseudo-terminal, real app beside the floor app.

Used by ``bench_keys.py --pty``; runs on its own too::

    python bench/bench_keys_pty.py [--project sample_project/project.json] [--size 120x40]
        [--runs 5]

Each run starts ``workbench PROJECT`` (a copy) and ``python bench/floor_app.py PROJECT`` in
a pseudo-terminal of the given size, alternating, and measures the start-up until the screen
shows "saved" (both status lines say it in their first frame; wall time, and the CPU time
the child used until then, which other work on the machine does not stretch), then, for a
few keys, the time
from writing the key's bytes until the first byte of output and until the output stopped for
150 ms (the terminal's side of a key: everything the app wrote for it). Medians of the runs.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

from harness import markdown_table, workbench_command

HERE = Path(__file__).resolve().parent
READY = b"saved"
QUIET = 0.15
#: (name, bytes, bytes that undo it afterwards, untimed)
KEYS = (
    ("j", b"j", b""),
    ("tab", b"\t", b""),
    ("tab", b"\t", b""),
    ("tab", b"\t", b""),
    ("c", b"c", b"\x1b"),
)


class Terminal:
    """A child process in a pseudo-terminal, and what it writes."""

    def __init__(self, command: list[str], width: int, height: int, env: dict[str, str]):
        self.start = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ,
                        struct.pack("HHHH", height, width, 0, 0))
            os.execve(command[0], command, env)
        self.pid, self.fd = pid, fd
        self.buffer = b""

    def read(self, timeout: float) -> tuple[bytes, float] | None:
        readable, _, _ = select.select([self.fd], [], [], timeout)
        if not readable:
            return None
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return None
        return chunk, time.perf_counter()

    def until(self, marker: bytes, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            got = self.read(0.05)
            if got is not None:
                self.buffer = (self.buffer + got[0])[-8192:]
                if marker in self.buffer:
                    return got[1] - self.start
        raise RuntimeError(f"no {marker!r} within {timeout:.0f} s")

    def cpu(self) -> float | None:
        """The CPU time the child used so far, in seconds, every thread (Linux only): other
        work on the machine stretches the wall time, not this."""
        total = 0
        try:
            for task in Path(f"/proc/{self.pid}/task").iterdir():
                total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return total / 1e9

    def drain(self) -> None:
        while self.read(QUIET) is not None:
            pass

    def key(self, data: bytes) -> tuple[float | None, float | None]:
        """Write a key; seconds to the first output and to the last before quiet."""
        self.drain()
        sent = time.perf_counter()
        os.write(self.fd, data)
        first = last = None
        deadline = sent + 3.0
        while time.perf_counter() < deadline:
            got = self.read(QUIET)
            if got is None:
                break
            first = first if first is not None else got[1]
            last = got[1]
        return (None if first is None else first - sent), (None if last is None else last - sent)

    def close(self, quit_keys: bytes) -> None:
        os.write(self.fd, quit_keys)
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            self.read(0.05)
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    config = folder / "config.toml"
    config.write_text('coder = "bench"\n', encoding="utf-8")
    env.update(TERM="xterm-256color", XDG_STATE_HOME=str(folder / "state"),
               WORKBENCH_CONFIG=str(config))
    for name in ("TMUX", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    return env


def one_run(command: list[str], width: int, height: int, env: dict[str, str]
            ) -> dict[str, Any]:
    terminal = Terminal(command, width, height, env)
    found: dict[str, Any] = {"start": terminal.until(READY), "start_cpu": terminal.cpu()}
    keys: dict[str, list[tuple[float | None, float | None]]] = {}
    for name, data, undo in KEYS:
        keys.setdefault(name, []).append(terminal.key(data))
        if undo:
            terminal.key(undo)
    found["keys"] = keys
    terminal.close(b"q")
    return found


def measure(project: Path, size: tuple[int, int], runs: int) -> dict[str, Any]:
    """Alternating runs of the floor and the real app on a copy of ``project``."""
    results: dict[str, list[dict[str, Any]]] = {"real": [], "floor": []}
    with tempfile.TemporaryDirectory(prefix="keys-pty-") as tmp:
        folder = Path(tmp)
        env = environment(folder)
        copy = folder / "project.json"
        shutil.copy2(project, copy)
        commands = {
            "floor": [sys.executable, str(HERE / "floor_app.py"), str(copy)],
            "real": [*workbench_command(), str(copy)],
        }
        for _ in range(runs):
            for side in ("floor", "real"):
                results[side].append(one_run(commands[side], *size, env))
    return summarise(results)


def summarise(results: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for side, runs in results.items():
        starts = [r["start"] for r in runs]
        cpus = [r["start_cpu"] for r in runs if r["start_cpu"] is not None]
        keys: dict[str, tuple[float | None, float | None]] = {}
        for name in dict.fromkeys(name for name, _, _ in KEYS):
            samples = [s for r in runs for s in r["keys"][name]]
            firsts = [f for f, _ in samples if f is not None]
            lasts = [last for _, last in samples if last is not None]
            keys[name] = (statistics.median(firsts) * 1000 if firsts else None,
                          statistics.median(lasts) * 1000 if lasts else None)
        out[side] = {"start_s": statistics.median(starts), "keys_ms": keys,
                     "start_cpu_s": statistics.median(cpus) if cpus else None}
    return out


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def pty_report(cases: list[tuple[str, Path, tuple[int, int]]], runs: int
               ) -> tuple[str, dict[str, Any]]:
    """A markdown table for each case (start-up and keys), and the figures."""
    rows = []
    raw: dict[str, Any] = {}
    for name, path, size in cases:
        label = f"{name} {size[0]}x{size[1]}"
        found = measure(path, size, runs)
        raw[label] = found
        real, floor = found["real"], found["floor"]
        rows.append([label, "start-up to ready", f"{real['start_s'] * 1000:,.0f}", "",
                     f"{floor['start_s'] * 1000:,.0f}", "",
                     f"{real['start_s'] / floor['start_s']:.2f}"])
        if real["start_cpu_s"] and floor["start_cpu_s"]:
            rows.append([label, "start-up to ready, CPU time",
                         f"{real['start_cpu_s'] * 1000:,.0f}", "",
                         f"{floor['start_cpu_s'] * 1000:,.0f}", "",
                         f"{real['start_cpu_s'] / floor['start_cpu_s']:.2f}"])
        for key, (first, last) in real["keys_ms"].items():
            f_first, f_last = floor["keys_ms"][key]
            rows.append([label, key, _ms(first), _ms(last), _ms(f_first), _ms(f_last),
                         "–" if not (first and f_first) else f"{first / f_first:.1f}"])
    table = markdown_table(["study, size", "what", "real: first output ms",
                            "real: output settled ms", "floor: first output ms",
                            "floor: settled ms", "real ÷ floor"], rows,
                           right={2, 3, 4, 5, 6})
    head = (f"Through a pseudo-terminal, {runs} alternating runs of each app; start-up until "
            "the screen says \"saved\", keys from the bytes written until the first output and "
            "until the output stopped for 150 ms; medians.")
    return f"{head}\n\n{table}", raw


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, default=HERE.parent / "sample_project"
                        / "project.json")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    text, _ = pty_report([(args.project.parent.name, args.project, (width, height))],
                         args.runs)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
