"""Whole `workbench` commands as a user runs them, side by side with the peer `qc`.

    python bench/bench_cli.py [--runs 5] [--peer-runs 5] [--slow-peer-runs 1]
        [--skip-peer | --skip-slow-peer] [--qc PATH] [--quick] [--json OUT.json]

(``python bench/run_all.py`` runs it with the other benchmarks.)

Every figure is the median of ``--runs`` fresh processes (the peer: ``--peer-runs``), with the
highest peak resident set size of those runs (``ru_maxrss`` from ``os.wait4``); the work a run
needs first (a new empty project, a fresh copy) is done before it, untimed.

On the bundled sample project: ``quotes --json``, ``report frequencies --json``, ``check``.
On the large study (``python bench/generate_study.py bench/data/large --project``), and with
the peer ``qualitative-coding`` 1.7.8 doing the same work in the same run (see
``bench/peer.py``: installed into ``bench/.peer-venv/`` when missing; its copy of the study is
imported once into ``bench/data/peer/``):

========================================  ==============================  =======================
work                                      workbench                       qc
========================================  ==============================  =======================
import the 200 transcripts (new project)  ``import NEW transcripts/*``    ``qc corpus import -r``
a code's segments                         ``quotes --code PATH``          ``qc codes find CODE``
code statistics                           ``report frequencies``          ``qc codes stats``
export the study to REFI-QDA              ``export --format qdpx``        ``qc export F.qdpx``
import the study from REFI-QDA            ``import NEW F.qdpx``           ``qc init --import``
========================================  ==============================  =======================

plus start-up alone (``--version`` against ``qc version``), ``quotes --json`` (all 50,000
segments), ``docs --json`` and ``undo`` (qc has no undo).
qc's ``init --import`` of the study takes minutes (about 5 minutes of CPU here), so it runs
``--slow-peer-runs`` times (1; the import that builds ``bench/data/peer/`` counts when it
happens in this run); ``--skip-slow-peer`` leaves it out. ``--quick`` is ``--runs 2
--peer-runs 2``.

qc runs in its project folder with ``c`` lines on its standard input (``yes c |``: its
REFI-QDA importer stops at a leftover ``breakpoint()`` once per source; the other commands
never read it). ``qc corpus import`` is given ``-i verbatim``: the .txt files as they are
(its default importer, pandoc, needs the pandoc program and rewraps the text at 80 columns).
The table printed at the end is markdown for ``bench/RESULTS.md``; ``--json`` writes the rows.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import (
    DATA,
    LARGE,
    ROOT,
    Timing,
    child_environment,
    describe_machine,
    format_load,
    load_average,
    machine,
    markdown_table,
    mb,
    measure,
    secs_or_ms,
    workbench_command,
)
from peer import CODE_PATH, QC_CODE, answers, exchange_file, find_qc, peer_project, qc_version

SAMPLE = ROOT / "sample_project"


@dataclass
class Row:
    """One piece of work: our command and, when the peer does the same, qc's."""

    work: str
    ours: str
    ours_timing: Timing | None = None
    peer: str | None = None
    peer_timing: Timing | None = None
    target_s: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """qc's median over ours (above 1: workbench is faster)."""
        if self.ours_timing is None or self.peer_timing is None:
            return None
        return self.peer_timing.median_s / self.ours_timing.median_s

    def as_dict(self) -> dict[str, Any]:
        return {
            "work": self.work,
            "workbench": self.ours,
            "workbench_timing": self.ours_timing.as_dict() if self.ours_timing else None,
            "qc": self.peer,
            "qc_timing": self.peer_timing.as_dict() if self.peer_timing else None,
            "qc_over_workbench": self.ratio,
            "target_s": self.target_s,
            "notes": self.notes,
        }

    def print_line(self) -> None:
        """A progress line as soon as the row is measured."""
        ours = self.ours_timing
        peer = self.peer_timing
        text = f"{self.work:<46} {secs_or_ms(ours.median_s if ours else None):>10} " \
               f"{mb(ours.peak_mb if ours else None):>7}"
        if peer is not None:
            text += f" | qc {secs_or_ms(peer.median_s):>10} {mb(peer.peak_mb):>7}" \
                    f"  x{self.ratio:.2f}"
        print(text, flush=True)


class Bench:
    """The measurements, with the commands, folders and run counts they share."""

    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.wb = workbench_command()
        self.workdir = workdir
        self.large = args.large
        self.project = args.large / "project.json"
        self.qc: Path | None = None
        self.peer_folder: Path | None = None
        self.peer_import_s: float | None = None  # when qc's copy was imported in this run
        self.exchange: Path | None = None
        self.no_peer = ""  # why qc was not measured

    # ------------------------------------------------------------------ helpers
    def ours(self, row: Row, argv: Sequence[str], **kwargs: Any) -> None:
        row.ours_timing = measure([*self.wb, *argv], self.args.runs, **kwargs)

    def theirs(self, row: Row, argv: Sequence[str], runs: int | None = None,
               **kwargs: Any) -> None:
        """Measure a qc command (its answers on stdin; run in its project unless ``cwd``)."""
        if self.qc is None:
            return
        kwargs.setdefault("cwd", self.peer_folder)
        try:
            row.peer_timing = measure([str(self.qc), *argv], runs or self.args.peer_runs,
                                      stdin=answers, **kwargs)
        except RuntimeError as exc:
            row.notes.append(f"qc failed: {exc}")
            print(f"qc failed: {exc}", flush=True)

    def fresh_folder(self, name: str) -> Callable[[], Path]:
        """A callable that empties ``workdir/name`` and returns it."""
        folder = self.workdir / name

        def make() -> Path:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            return folder

        return make

    def new_project(self, name: str) -> tuple[Path, Callable[[], None]]:
        """A project path and a setup that makes it new and empty before each run."""
        target = self.workdir / name

        def fresh() -> None:
            shutil.rmtree(target, ignore_errors=True)
            subprocess.run([*self.wb, "init", str(target)], check=True, capture_output=True,
                           env=child_environment())

        return target, fresh

    # ------------------------------------------------------------------ the peer
    def prepare_peer(self) -> None:
        """Make the exchange file; find (or install) qc and its copy of the study. Without
        them ``self.qc`` stays None and ``self.no_peer`` says why."""
        self.exchange = exchange_file(self.large)
        if self.args.skip_peer:
            self.no_peer = "--skip-peer"
            return
        self.qc = find_qc(self.args.qc)
        if self.qc is None:
            self.no_peer = "qc could not be installed or run (see the messages above)"
            return
        print(f"peer: {self.qc} (qualitative-coding {qc_version(self.qc)})", flush=True)
        try:
            self.peer_folder, self.peer_import_s = peer_project(
                self.qc, self.exchange, rebuild=self.args.rebuild_peer
            )
        except RuntimeError as exc:
            print(f"peer: could not import the study into qc ({exc}); peer columns left empty",
                  flush=True)
            self.qc = None
            self.no_peer = "qc could not import the study"

    # ------------------------------------------------------------------ the rows
    def start_up(self) -> Row:
        """The least a command costs: start, print the version, exit."""
        row = Row("start-up alone (print the version)", "--version", peer="qc version")
        self.ours(row, ["--version"])
        self.theirs(row, ["version"])
        return row

    def import_transcripts(self) -> Row:
        transcripts = sorted((self.large / "transcripts").glob("*.txt"))
        row = Row(f"import the {len(transcripts)} transcripts into a new project",
                  "import NEW transcripts/*.txt",
                  peer="yes c | qc corpus import -r -i verbatim transcripts/")
        target, fresh = self.new_project("import")
        self.ours(row, ["import", str(target), *map(str, transcripts)], setup=fresh)
        if self.qc is not None:
            folder = self.fresh_folder("qc-import")

            def qc_init() -> Path:
                made = folder()
                subprocess.run([str(self.qc), "init"], cwd=made, check=True,
                               capture_output=True, stdin=subprocess.DEVNULL,
                               env=child_environment())
                return made

            # -i verbatim: the .txt as it is (the default, pandoc, rewraps it at 80 columns
            # and needs the pandoc program)
            self.theirs(row, ["corpus", "import", "-r", "-i", "verbatim",
                              str(self.large / "transcripts")], cwd=qc_init)
        return row

    def code_segments(self) -> Row:
        row = Row("a code's segments", f'quotes --code "{CODE_PATH}"',
                  peer=f'qc codes find "{QC_CODE}"')
        self.ours(row, ["quotes", str(self.project), "--code", CODE_PATH])
        self.theirs(row, ["codes", "find", QC_CODE])
        return row

    def code_statistics(self) -> Row:
        row = Row("code statistics", "report frequencies", peer="qc codes stats")
        self.ours(row, ["report", str(self.project), "frequencies"])
        self.theirs(row, ["codes", "stats"])
        return row

    def all_segments(self) -> Row:
        row = Row("every segment (50,000)", "quotes --json")
        self.ours(row, ["quotes", str(self.project), "--json"])
        return row

    def documents(self) -> Row:
        row = Row("list the documents", "docs --json")
        self.ours(row, ["docs", str(self.project), "--json"])
        return row

    def export_qdpx(self) -> Row:
        row = Row("export the study to REFI-QDA (.qdpx)", "export --format qdpx -o F.qdpx",
                  peer="qc export F.qdpx")
        out = self.workdir / "export.qdpx"
        self.ours(row, ["export", str(self.project), "--format", "qdpx", "-o", str(out)])
        if self.qc is not None:
            peer_out = self.workdir / "qc-export.qdpx"
            self.theirs(row, ["export", str(peer_out)],
                        setup=lambda: peer_out.unlink(missing_ok=True))
        return row

    def undo(self) -> Row:
        """``workbench undo`` on a copy of the study; a ``redo`` (untimed) before each run
        after the first gives it the same change to undo again."""
        row = Row("undo the last change (a coding)", "undo", peer="(qc has no undo)")
        copy = self.workdir / "undo" / "project.json"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.project, copy)
        docs = json.loads(subprocess.run([*self.wb, "docs", str(copy), "--json"], check=True,
                                         capture_output=True, text=True).stdout)
        first = docs[0]
        subprocess.run([*self.wb, "code", str(copy), first["id"], "0", "40", "Bench/Undo"],
                       check=True, capture_output=True)
        runs = {"n": 0}

        def redo() -> None:
            if runs["n"]:
                subprocess.run([*self.wb, "redo", str(copy)], check=True, capture_output=True)
            runs["n"] += 1

        self.ours(row, ["undo", str(copy)], setup=redo)
        return row

    def import_qdpx(self) -> Row:
        assert self.exchange is not None
        row = Row("import the study from REFI-QDA (.qdpx) into a new project",
                  "import NEW F.qdpx", peer="yes c | qc init --import F.qdpx", target_s=5.0)
        target, fresh = self.new_project("qdpx-import")
        self.ours(row, ["import", str(target), str(self.exchange)], setup=fresh)
        if self.qc is not None and self.args.skip_slow_peer:
            row.notes.append("qc's import was left out (--skip-slow-peer)")
        if self.qc is None or self.args.skip_slow_peer:
            return row
        runs = self.args.slow_peer_runs
        earlier = [self.peer_import_s] if self.peer_import_s is not None else []
        if runs > len(earlier):
            self.theirs(row, ["init", "--import", str(self.exchange)], runs=runs - len(earlier),
                        cwd=self.fresh_folder("qc-qdpx"))
        if earlier:  # the import that built qc's copy in this run counts as one run
            measured = row.peer_timing
            times = earlier + (measured.times_s if measured else [])
            row.peer_timing = Timing(statistics.median(times),
                                     measured.peak_mb if measured else None, len(times), times)
            row.notes.append("one qc run is the import that built bench/data/peer in this run"
                             + ("" if measured else " (its peak memory was not measured)"))
        return row

    def large_rows(self) -> list[Row]:
        """Every row on the large study, the ones against the peer first."""
        self.prepare_peer()
        rows: list[Row] = []
        for measure_row in (self.start_up, self.import_transcripts, self.code_segments,
                            self.code_statistics,
                            self.import_qdpx, self.export_qdpx, self.undo,
                            self.all_segments, self.documents):
            row = measure_row()
            row.print_line()
            rows.append(row)
        return rows


def sample_rows(runs: int) -> list[Row]:
    """The bundled sample project (7 interviews): read-only commands."""
    wb = workbench_command()
    rows = []
    for label, argv, ok in (
        ("quotes --json", ["quotes", str(SAMPLE), "--json"], (0,)),
        ("report frequencies --json", ["report", str(SAMPLE), "frequencies", "--json"], (0,)),
        ("check", ["check", str(SAMPLE)], (0, 1)),
    ):
        row = Row(f"sample project: `{label}`", label)
        row.ours_timing = measure([*wb, *argv], runs, ok=ok)
        row.print_line()
        rows.append(row)
    return rows


def table(rows: list[Row]) -> str:
    """The markdown table of ``bench/RESULTS.md``."""
    lines = []
    for row in rows:
        ours, peer = row.ours_timing, row.peer_timing
        work = row.work + (f" (target < {row.target_s:g} s)" if row.target_s else "")
        lines.append([
            work,
            f"`{row.ours}`",
            secs_or_ms(ours.median_s) if ours else "–",
            mb(ours.peak_mb) if ours else "–",
            f"`{row.peer}`" if row.peer and row.peer.startswith(("qc", "yes")) else
            (row.peer or ""),
            secs_or_ms(peer.median_s) if peer else "–",
            mb(peer.peak_mb) if peer else "–",
            f"{row.ratio:.2f}" if row.ratio is not None else "–",
        ])
    return markdown_table(
        ["work", "workbench", "median", "peak", "qc", "median", "peak", "qc ÷ workbench"],
        lines, right={2, 3, 5, 6, 7},
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each workbench command")
    parser.add_argument("--peer-runs", type=int, default=5, help="runs of each qc command")
    parser.add_argument("--slow-peer-runs", type=int, default=1,
                        help="runs of qc's minutes-long init --import")
    parser.add_argument("--quick", action="store_true", help="--runs 2 --peer-runs 2")
    parser.add_argument("--large", type=Path, default=LARGE)
    parser.add_argument("--qc", type=Path, help="use this qc executable (default: install it "
                        "into bench/.peer-venv when missing)")
    parser.add_argument("--skip-peer", action="store_true", help="measure workbench only")
    parser.add_argument("--skip-slow-peer", action="store_true",
                        help="leave out qc's minutes-long init --import")
    parser.add_argument("--rebuild-peer", action="store_true",
                        help="export the study and import it into qc again")
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.peer_runs = 2, 2
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Run the measurements and print a table."""
    args = parse_args(argv)
    info = machine()
    start_load = load_average()
    print(f"machine: {describe_machine(info)}")
    print(f"load average at start: {format_load(start_load)}", flush=True)
    rows = sample_rows(args.runs)
    no_peer = ""
    if (args.large / "project.json").exists():
        DATA.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="cli-", dir=DATA) as tmp:
            bench = Bench(args, Path(tmp))
            rows += bench.large_rows()
            no_peer = bench.no_peer
    else:
        no_peer = "no large study"
        print(f"no large study at {args.large}: make it with "
              "`python bench/generate_study.py bench/data/large --project`")
    end_load = load_average()
    text = report(rows, no_peer)
    print(f"\nload average at end: {format_load(end_load)}\n\n{text}")
    if args.json:
        args.json.write_text(json.dumps({
            "machine": info, "load_start": start_load, "load_end": end_load,
            "runs": args.runs, "peer_runs": args.peer_runs, "slow_peer_runs": args.slow_peer_runs,
            "qc_not_measured": no_peer, "rows": [row.as_dict() for row in rows],
            "markdown": text,
        }, indent=2), encoding="utf-8")


def report(rows: list[Row], no_peer: str) -> str:
    """The table, then the rows' notes and why qc is missing (if it is)."""
    lines = [table(rows)]
    notes = [f"- {row.work}: {note}" for row in rows for note in row.notes]
    if no_peer:
        notes.append(f"- qc was not measured: {no_peer}")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
