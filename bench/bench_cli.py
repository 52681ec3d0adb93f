"""Time whole `workbench` commands as a user runs them: median wall time and peak memory.

    python bench/bench_cli.py [--runs 5] [--large bench/data/large]

Measures, on the bundled sample project and (when it exists) the large generated study
(`python bench/generate_study.py bench/data/large --project`): `quotes --json`, `quotes --code`,
`report frequencies --json`, `docs --json`, `check`, and importing the 200 generated transcripts
into a new project. Each figure is the median of --runs runs of a fresh process; memory is the
peak resident set size of that process (from wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def workbench_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m workbench``."""
    script = Path(sys.executable).with_name("workbench")
    return [str(script)] if script.exists() else [sys.executable, "-m", "workbench"]


def run_once(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run of ``argv``, output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_maxrss / 1024


def measure(label: str, argv: list[str], runs: int, setup=None) -> dict:
    """Median of ``runs`` runs (``setup`` runs before each, untimed)."""
    times, peaks = [], []
    for _ in range(runs):
        if setup is not None:
            setup()
        elapsed, peak = run_once(argv)
        times.append(elapsed)
        peaks.append(peak)
    row = {"what": label, "median_s": statistics.median(times), "peak_mb": max(peaks)}
    print(f"{label:<58} {row['median_s'] * 1000:8.0f} ms {row['peak_mb']:7.0f} MB", flush=True)
    return row


def main() -> None:
    """Run the measurements and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--large", type=Path, default=ROOT / "bench" / "data" / "large")
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    args = parser.parse_args()
    wb = workbench_command()
    python = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {python}")
    sample = ROOT / "sample_project"
    rows = [
        measure("sample: quotes --json", [*wb, "quotes", str(sample), "--json"], args.runs),
        measure(
            "sample: report frequencies --json",
            [*wb, "report", str(sample), "frequencies", "--json"],
            args.runs,
        ),
        measure("sample: check", [*wb, "check", str(sample)], args.runs),
    ]
    project = args.large / "project.json"
    if project.exists():
        first_code = "Theme 01/Code 001"
        rows += [
            measure("large: quotes --json", [*wb, "quotes", str(project), "--json"], args.runs),
            measure(
                "large: quotes --code (one code's segments)",
                [*wb, "quotes", str(project), "--code", first_code, "--json"],
                args.runs,
            ),
            measure(
                "large: report frequencies --json",
                [*wb, "report", str(project), "frequencies", "--json"],
                args.runs,
            ),
            measure("large: docs --json", [*wb, "docs", str(project), "--json"], args.runs),
        ]
    transcripts = sorted((args.large / "transcripts").glob("*.txt"))
    if transcripts:
        with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
            target = Path(tmp) / "import"

            def fresh() -> None:
                shutil.rmtree(target, ignore_errors=True)
                subprocess.run([*wb, "init", str(target)], check=True, capture_output=True)

            rows.append(
                measure(
                    f"import {len(transcripts)} transcripts into a new project",
                    [*wb, "import", str(target), *map(str, transcripts)],
                    args.runs,
                    setup=fresh,
                )
            )

    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
