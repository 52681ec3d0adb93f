"""Every benchmark in one command, with the machine described and every table in markdown.

    python bench/run_all.py [--quick] [--qc PATH] [--skip-peer] [--skip-slow-peer]
        [--out bench/data/results/DATE]

1. makes the large study when it is missing (``bench/generate_study.py bench/data/large
   --project``, about 20 s);
2. whole commands against the peer qc (``bench_cli.py``; installs qc into
   ``bench/.peer-venv/`` and imports the study into ``bench/data/peer/`` the first time);
3. the large study inside the app (``bench_app.py``);
4. the transcript view on a 20,000-line transcript (``bench_transcript.py``);
5. start-up to the first frame in a pseudo-terminal, sample project and large study
   (``bench_tui_startup.py``);
6. key latency, the real app beside a minimal Textual app, headless and in a
   pseudo-terminal (``bench_keys.py --pty``).

Each script's own output streams by as it runs; at the end the machine (CPU model, cores,
RAM, OS, Python, Textual), the load average at start and end and every table are printed as
markdown to paste into ``bench/RESULTS.md``, and saved with the raw JSON in ``--out``.
``--quick`` runs each measurement fewer times (and skips qc's minutes-long import of the
study): for checking that everything works, not for the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from harness import (
    BENCH,
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


def script(name: str, *args: str) -> list[str]:
    return [sys.executable, str(BENCH / name), *args]


def run_step(title: str, argv: list[str], *, capture: bool = False) -> str:
    """Run one benchmark script, its output streaming by (or captured and returned)."""
    print(f"\n=== {title}\n$ {' '.join(argv)}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, text=True,
                          stdout=subprocess.PIPE if capture else None)
    print(f"=== {title}: {time.perf_counter() - started:.0f} s", flush=True)
    if done.returncode != 0:
        raise SystemExit(f"{title} failed (exit {done.returncode})")
    return done.stdout or ""


def ensure_large_study() -> None:
    if (LARGE / "project.json").exists():
        return
    run_step("generate the large study", script("generate_study.py", str(LARGE), "--project"))


# --------------------------------------------------------------------------- tables
def transcript_markdown(data: dict[str, Any]) -> str:
    """bench_transcript.py's rows: widget and end-to-end medians side by side."""
    by_name: dict[str, dict[str, dict[str, float]]] = {}
    for row in data["rows"]:
        by_name.setdefault(row["operation"], {})[row["measured"]] = row
    lines = []
    for name, kinds in by_name.items():
        widget, e2e = kinds.get("widget"), kinds.get("end to end")
        lines.append([
            name,
            f"{widget['median_ms']:.2f} ms" if widget else "–",
            f"{e2e['median_ms']:.2f} ms ({e2e['p95_ms']:.2f})" if e2e else "–",
            f"{e2e['cpu_ms']:.2f} ms" if e2e else "–",
        ])
    memory = data["memory"]
    head = (f"{data['lines']:,}-line transcript ({memory['characters']:,} characters, "
            f"{memory['visual_rows']:,} rows), {data['codings']:,} codings of {data['codes']} "
            f"codes, {data['size'][0]}x{data['size'][1]}, {data['presses']} presses; peak "
            f"traced during show(): {memory['show_traced_peak_mib']:.1f} MiB, process peak "
            f"{memory['process_peak_rss_mib']:.0f} MiB.")
    table = markdown_table(["operation", "widget median", "end to end median (p95)",
                            "end to end CPU"], lines, right={1, 2, 3})
    return f"{head}\n\n{table}"


def startup_markdown(results: list[tuple[str, dict[str, Any]]]) -> str:
    lines = [
        [label, f"{r['ready_median_s']:.2f} s ({r['ready_min_s']:.2f}–{r['ready_max_s']:.2f})",
         f"{r['peak_rss_median_mib']:.0f} MB", str(r["runs"]), target]
        for label, r, target in ((label, r, _target(label)) for label, r in results)
    ]
    return markdown_table(["project", "ready to type: median (min–max)", "peak", "runs",
                           "target"], lines, right={1, 2, 3})


def _target(label: str) -> str:
    return "< 0.5 s" if label.startswith("sample") else "< 2 s, < 300 MB"


# --------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs: a check, not figures")
    parser.add_argument("--qc", type=Path, help="use this qc executable (default: install it "
                        "into bench/.peer-venv when missing)")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--skip-slow-peer", action="store_true",
                        help="leave out qc's minutes-long init --import of the study")
    parser.add_argument("--out", type=Path, help="folder for the JSON and the markdown "
                        "(default: bench/data/results/DATE)")
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user's Python: modules cached
    out = args.out or DATA / "results" / datetime.now().strftime("%Y-%m-%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)

    info = machine()
    start_load = load_average()
    started = time.perf_counter()
    print(f"machine: {describe_machine(info)}\nload average at start: {format_load(start_load)}",
          flush=True)
    ensure_large_study()

    quick = ["--quick"] if args.quick else []
    cli = ["--json", str(out / "cli.json"), *quick]
    if args.qc:
        cli += ["--qc", str(args.qc)]
    if args.skip_peer:
        cli.append("--skip-peer")
    if args.skip_slow_peer or args.quick:
        cli.append("--skip-slow-peer")
    run_step("whole commands, side by side with qc", script("bench_cli.py", *cli))
    run_step("the large study in the app",
             script("bench_app.py", "--json", str(out / "app.json"), *quick))
    run_step("the transcript view", script(
        "bench_transcript.py", "--json", str(out / "transcript.json"),
        *(["--presses", "30"] if args.quick else ["--presses", "100"])))
    startup = []
    for label, project, runs in (("sample project", SAMPLE, 2 if args.quick else 7),
                                 ("large study", LARGE / "project.json", 1 if args.quick else 3)):
        text = run_step(f"start-up: {label}", script(
            "bench_tui_startup.py", "--project", str(project), "--runs", str(runs), "--json"),
            capture=True)
        startup.append((label, json.loads(text)))
    (out / "startup.json").write_text(json.dumps(dict(startup), indent=2), encoding="utf-8")
    run_step("key latency beside a minimal Textual app", script(
        "bench_keys.py", "--json", str(out / "keys.json"), "--pty",
        *(["--quick", "--cases", "sample:80x24,large:120x40"] if args.quick else [])))

    end_load = load_average()
    report = markdown_report(out, info, start_load, end_load, startup,
                             time.perf_counter() - started, args.quick)
    (out / "RESULTS-run.md").write_text(report, encoding="utf-8")
    print("\n" + report)
    print(f"(saved in {out})")


def markdown_report(out: Path, info: dict[str, Any], start_load: tuple[float, ...],
                    end_load: tuple[float, ...], startup: list[tuple[str, dict[str, Any]]],
                    seconds: float, quick: bool) -> str:
    """Every table, under the headings of bench/RESULTS.md."""
    cli = json.loads((out / "cli.json").read_text(encoding="utf-8"))
    app = json.loads((out / "app.json").read_text(encoding="utf-8"))
    transcript = json.loads((out / "transcript.json").read_text(encoding="utf-8"))
    runs = f"{cli['runs']} runs of each workbench command, {cli['peer_runs']} of each qc " \
           f"command, {cli['slow_peer_runs']} of qc's slow ones"
    return "\n".join([
        f"Run of {datetime.now():%Y-%m-%d %H:%M} ({'--quick, ' if quick else ''}"
        f"{seconds / 60:.0f} min): {describe_machine(info)}.",
        f"Load average (1/5/15 min) at start {format_load(start_load)}, at end "
        f"{format_load(end_load)}.",
        "",
        f"## Whole commands, side by side with qc ({runs})",
        "",
        cli["markdown"],
        "",
        "## The large study in the app",
        "",
        app["markdown"],
        "",
        "## Transcript view",
        "",
        transcript_markdown(transcript),
        "",
        "## Start-up to the first frame (pseudo-terminal)",
        "",
        startup_markdown(startup),
        "",
        "## Key latency beside a minimal Textual app",
        "",
        json.loads((out / "keys.json").read_text(encoding="utf-8"))["markdown"],
        "",
    ])


if __name__ == "__main__":
    main()
