"""How long ``workbench PROJECT`` takes to be ready to type, and how much memory it uses.

Runs the real command in a pseudo-terminal (120x40 by default), measures the time from the
process start to the first frame of the main screen (its status line says "saved"), then
presses ``q`` and reads the child's peak resident memory (``ru_maxrss``). Reports the median
of several runs. The project is copied to a temporary folder first, so nothing is changed::

    python bench/bench_tui_startup.py [--project sample_project/project.json] [--runs 5] [--json]

(``python bench/run_all.py`` runs it on the sample project and on the large study.)

Without a project (and without the sample project) a study of seven interviews is generated.
"""

from __future__ import annotations

import argparse
import fcntl
import json
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

from harness import workbench_command

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_project" / "project.json"
READY = b"saved"  # the status line of the main screen


def generated_study(folder: Path) -> Path:
    """Seven interviews of about 6,000 words with codes, codings and memos."""
    import random

    sys.path.insert(0, str(ROOT))
    from workbench.core.project import Project

    rng = random.Random(7)
    words = ("activism community friends anger calling grant burnout city police family "
             "solidarity privilege risk visible language identity volunteer tired").split()
    project = Project.create(folder / "study", name="generated")
    with project:
        codes = [f"Theme {t}/Code {t}.{c}" for t in range(1, 6) for c in range(1, 9)]
        for n in range(1, 8):
            lines = []
            for turn in range(300):
                speaker = "Interviewer" if turn % 2 == 0 else f"Respondent {n}"
                lines.append(f"{speaker}: " + " ".join(rng.choice(words) for _ in range(20)))
            text = "\n".join(lines) + "\n"
            doc = project.documents.add(f"Interview {n}", text, case=f"Respondent {n}",
                                       attributes={"city": rng.choice(["Almaty", "Astana"])})
            for _ in range(150):
                start = rng.randrange(len(text) - 200)
                project.codings.add(doc, start, start + rng.randint(20, 200), rng.choice(codes),
                                  "bench")
            project.memos.add("document", doc.id, "First impressions. " * 20, "bench")
    return project.path


def run_once(project: Path, width: int, height: int, timeout: float = 60.0) -> dict:
    """One start: seconds to ready, seconds to exit after q, peak RSS in MiB."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's Python caches compiled modules
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    env.update(TERM="xterm-256color", XDG_STATE_HOME=str(project.parent / "state"),
               WORKBENCH_CONFIG=str(project.parent / "no-config.toml"))
    command = [*workbench_command(), str(project)]
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of the given size, then the command
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ,
                    struct.pack("HHHH", height, width, 0, 0))
        os.execve(command[0], command, env)
    buffer = b""
    ready = None
    quit_sent = None
    deadline = start + timeout
    while time.perf_counter() < deadline:
        readable, _, _ = select.select([fd], [], [], 0.05)
        if readable:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break  # the child closed the terminal
            if not chunk:
                break
            buffer = (buffer + chunk)[-8192:]
            if ready is None and READY in buffer:
                ready = time.perf_counter() - start
                quit_sent = time.perf_counter()
                os.write(fd, b"q")
    _, status, usage = os.wait4(pid, 0)
    exited = time.perf_counter() - (quit_sent or start)
    os.close(fd)
    if ready is None:
        raise SystemExit(f"the app did not become ready within {timeout:.0f} s")
    return {"ready_s": ready, "quit_s": exited, "peak_rss_mib": usage.ru_maxrss / 1024,
            "status": os.waitstatus_to_exitcode(status)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, help="a project file (default: the sample)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="120x40", help="terminal WIDTHxHEIGHT")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        folder = Path(tmp)
        source = args.project or (SAMPLE if SAMPLE.exists() else None)
        if source is not None:
            project = folder / "project.json"
            shutil.copy2(source, project)
            label = str(source)
        else:
            project = generated_study(folder)
            label = "generated study (7 interviews)"
        runs = [run_once(project, width, height) for _ in range(args.runs)]
    ready = [r["ready_s"] for r in runs]
    rss = [r["peak_rss_mib"] for r in runs]
    quits = [r["quit_s"] for r in runs]
    result = {
        "project": label,
        "size": f"{width}x{height}",
        "runs": len(runs),
        "ready_median_s": round(statistics.median(ready), 3),
        "ready_min_s": round(min(ready), 3),
        "ready_max_s": round(max(ready), 3),
        "quit_median_s": round(statistics.median(quits), 3),
        "peak_rss_median_mib": round(statistics.median(rss), 1),
        "exit_status": sorted({r["status"] for r in runs}),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"project: {label} at {result['size']}, {len(runs)} runs")
        print(f"ready to type: median {result['ready_median_s']:.3f} s "
              f"(min {result['ready_min_s']:.3f}, max {result['ready_max_s']:.3f})")
        print(f"q to exit (final save, lock released): median {result['quit_median_s']:.3f} s")
        print(f"peak memory (ru_maxrss): median {result['peak_rss_median_mib']:.1f} MiB")
        print(f"exit status: {result['exit_status']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
