"""The peer tool, ``qualitative-coding`` (``qc``), in the benchmark's own environment.

    python bench/peer.py [--qc PATH] [--rebuild]    # install qc if missing, build its project

:func:`find_qc` returns a ``qc`` executable: the one given with ``--qc``, else the one in
``bench/.peer-venv/`` (gitignored), which it creates with ``python -m venv`` and
``pip install qualitative-coding==1.7.8`` when missing (it pulls spaCy: a few minutes, once).
When that fails (offline, no wheels), it says why and returns ``None``; the benchmarks then
leave the peer's columns empty.

:func:`peer_project` builds qc's copy of the large study once, in ``bench/data/peer/``, from
the same REFI-QDA file workbench imports (:func:`exchange_file`): our
``workbench export bench/data/large --format qdpx`` with each ``PlainTextSelection`` named
``line:N`` (as qc's own exporter names them). Without these names qc 1.7.8 puts every imported
coding on line 0 of its document (``REFIQDAReader.line_positions`` walks the text character by
character and ``get_line_for_position`` returns 0 for every position), so its project would
not hold the study's codings where they are. The names change nothing for workbench.

qc 1.7.8's REFI-QDA importer stops at a leftover ``breakpoint()`` once per source;
:func:`answers` is the ``yes c |`` that continues it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from bisect import bisect_right
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from harness import BENCH, DATA, LARGE, workbench_command

PEER_PACKAGE = "qualitative-coding"
PEER_VERSION = "1.7.8"
PEER_VENV = BENCH / ".peer-venv"
PEER_PROJECT = DATA / "peer"
EXCHANGE = DATA / "large.qdpx"
BUILT = "BUILT.json"  # written into PEER_PROJECT when qc's import finished
#: The code compared on both sides: workbench's path and qc's name (qc names codes by their
#: own name; the tree lives in codebook.yaml).
CODE_PATH = "Theme 01/Code 001"
QC_CODE = "Code 001"


# --------------------------------------------------------------------------- installing qc
def qc_version(qc: Path) -> str | None:
    """``qc version``'s version number, or None when it does not run."""
    try:
        done = subprocess.run([str(qc), "version"], capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip().rsplit(" ", 1)[-1] or None


def install_qc(venv: Path) -> Path | None:
    """``python -m venv VENV`` and ``pip install qualitative-coding==1.7.8``; qc or None."""
    log = venv.parent / f"{venv.name}-install.log"
    print(f"installing {PEER_PACKAGE}=={PEER_VERSION} into {venv} (once; it pulls spaCy, "
          f"this takes a few minutes; log: {log})", flush=True)
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
         f"{PEER_PACKAGE}=={PEER_VERSION}"],
    ]
    with log.open("w", encoding="utf-8") as out:
        for step in steps:
            out.write(f"$ {' '.join(step)}\n")
            out.flush()
            try:
                done = subprocess.run(step, stdout=out, stderr=subprocess.STDOUT, timeout=3600,
                                      stdin=subprocess.DEVNULL)
            except (OSError, subprocess.TimeoutExpired) as exc:
                print(f"could not install the peer: {exc}", flush=True)
                return None
            if done.returncode != 0:
                tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-5:]
                print("could not install the peer (offline?):\n  " + "\n  ".join(tail),
                      flush=True)
                shutil.rmtree(venv, ignore_errors=True)
                return None
    qc = venv / "bin" / "qc"
    return qc if qc_version(qc) else None


def find_qc(given: Path | None = None, *, install: bool = True) -> Path | None:
    """The qc to measure: ``given``, else bench/.peer-venv's (installed when missing)."""
    if given is not None:
        version = qc_version(given)
        if version is None:
            print(f"peer: {given} does not run; the peer's columns are left empty", flush=True)
            return None
        if version != PEER_VERSION:
            print(f"peer: {given} is qc {version}, not {PEER_VERSION}", flush=True)
        return given
    qc = PEER_VENV / "bin" / "qc"
    if qc_version(qc):
        return qc
    if not install:
        print(f"peer: no qc in {PEER_VENV}; the peer's columns are left empty", flush=True)
        return None
    installed = install_qc(PEER_VENV)
    if installed is None:
        print("peer: qc is not available; the peer's columns are left empty", flush=True)
    return installed


def answers() -> IO[bytes]:
    """Standard input for qc: ``c`` lines, as ``yes c |`` gives (qc 1.7.8 stops at a
    ``breakpoint()`` once per imported source; ``c`` continues)."""
    stream = tempfile.TemporaryFile()
    stream.write(b"c\n" * 20_000)
    stream.seek(0)
    return stream


# --------------------------------------------------------------------------- the exchange file
def exchange_file(large: Path = LARGE, target: Path = EXCHANGE, *, fresh: bool = False) -> Path:
    """The large study as a REFI-QDA project whose selections are named ``line:N`` (made
    once with ``workbench export``; again when the project is newer or ``fresh``)."""
    project = large / "project.json"
    if not fresh and target.exists() and target.stat().st_mtime >= project.stat().st_mtime:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        plain = Path(tmp) / "export.qdpx"
        started = time.perf_counter()
        subprocess.run([*workbench_command(), "export", str(large), "--format", "qdpx",
                        "-o", str(plain)], check=True, stdout=subprocess.DEVNULL)
        name_selections_by_line(plain, target)
        print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    return target


SOURCE = re.compile(r'<TextSource\b[^>]*?plainTextPath="internal://([^"]+)"')
SELECTION = re.compile(r"<PlainTextSelection\b[^>]*>")
START = re.compile(r'\bstartPosition="(\d+)"')
NAME = re.compile(r'\bname="[^"]*"')


def name_selections_by_line(source: Path, target: Path) -> None:
    """Copy a .qdpx, naming each PlainTextSelection ``line:N`` (N: 0-based line of its start
    in its source's text, as qc's exporter does); every other byte stays as it was."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        qde = zin.read("project.qde").decode("utf-8")
        out: list[str] = []
        pieces = re.split(r"(?=<TextSource\b)", qde)
        out.append(pieces[0])
        for piece in pieces[1:]:
            found = SOURCE.match(piece)
            if found is None:
                out.append(piece)
                continue
            text = zin.read(f"sources/{found.group(1)}").decode("utf-8")
            starts = [0] + [m.end() for m in re.finditer("\n", text)]

            def named(match: re.Match[str], starts: list[int] = starts) -> str:
                tag = match.group(0)
                start = START.search(tag)
                if start is None:
                    return tag
                name = f'name="line:{bisect_right(starts, int(start.group(1))) - 1}"'
                if NAME.search(tag):
                    return NAME.sub(name, tag, count=1)
                return tag.replace("<PlainTextSelection", f"<PlainTextSelection {name}", 1)

            out.append(SELECTION.sub(named, piece))
        for item in zin.infolist():
            if item.filename == "project.qde":
                zout.writestr(item, "".join(out).encode("utf-8"))
            else:
                zout.writestr(item, zin.read(item.filename))


# --------------------------------------------------------------------------- qc's project
def import_into(qc: Path, qdpx: Path, folder: Path) -> float:
    """``qc init --import QDPX`` in an empty ``folder``; its wall time in seconds."""
    from harness import run_once

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with answers() as stdin:
        elapsed, _ = run_once([str(qc), "init", "--import", str(qdpx.resolve())], cwd=folder,
                              stdin=stdin)
    return elapsed


def peer_project(qc: Path, qdpx: Path, folder: Path = PEER_PROJECT, *,
                 rebuild: bool = False) -> tuple[Path, float | None]:
    """qc's copy of the study (reused when built before from the same file); the folder and,
    when it was imported now, the seconds the import took."""
    marker = folder / BUILT
    if not rebuild and marker.exists():
        built = json.loads(marker.read_text(encoding="utf-8"))
        stat = qdpx.stat()
        if built.get("qdpx_size") == stat.st_size and built.get("qdpx_mtime") == stat.st_mtime:
            return folder, None
        print(f"peer: {folder} was built from another {qdpx.name}; importing again", flush=True)
    print(f"peer: qc init --import {qdpx.name} into {folder} (several minutes, once)",
          flush=True)
    elapsed = import_into(qc, qdpx, folder)
    stat = qdpx.stat()
    marker.write_text(json.dumps({
        "qdpx": str(qdpx), "qdpx_size": stat.st_size, "qdpx_mtime": stat.st_mtime,
        "import_s": elapsed, "qc": qc_version(qc),
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
    }, indent=2), encoding="utf-8")
    print(f"peer: imported in {elapsed:.1f} s", flush=True)
    return folder, elapsed


def main() -> None:
    """Install qc when missing and build its copy of the large study."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--qc", type=Path, help="use this qc executable instead of installing")
    parser.add_argument("--large", type=Path, default=LARGE)
    parser.add_argument("--rebuild", action="store_true", help="export and import again")
    args = parser.parse_args()
    qc = find_qc(args.qc)
    if qc is None:
        raise SystemExit(1)
    print(f"qc: {qc} (qualitative-coding {qc_version(qc)})")
    qdpx = exchange_file(args.large, fresh=args.rebuild)
    folder, _ = peer_project(qc, qdpx, rebuild=args.rebuild)
    print(f"qc's project: {folder}")


if __name__ == "__main__":
    main()
