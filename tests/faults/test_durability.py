"""The kill test: a writer SIGKILLed at any moment never loses acknowledged work.

A writer process codes, memos and uncodes in a loop, saving after each change and acknowledging
each change once ``save()`` has returned. The test kills it with SIGKILL at a random moment: while
it opens the project and takes the lock, renders, writes, fsyncs, renames, or rotates the backups
(half the writers take a backup at every save, so kills land there too). Then it proves that:

- the project file loads and is sound (``check_project`` and the shared index checks);
- every acknowledged coding is in it, and no acknowledged removal came back;
- every backup beside it loads and is sound too (``workbench restore`` relies on them);
- the dead writer left nothing but its lock and its own temporary file, and the next writer
  takes the lock over and clears that temporary file.

Each writer is forked from one helper process that imported Workbench once, so a trial costs a
fork instead of a Python start-up (about 0.35 s here), and four trials run at a time: the 200
trials of the default take about 13 s on two cores. ``WORKBENCH_KILL_TRIALS`` sets another
number (e.g. 1000 for a long torture run); the time bound of the test grows with it.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from workbench.core.integrity import check_project
from workbench.core.project import Project

TRIALS = int(os.environ.get("WORKBENCH_KILL_TRIALS", "200"))
STEPS = 2000  # far more than a writer does before its kill
KILL_WITHIN = 0.25  # seconds after the fork: a writer opens in ~10 ms and saves in ~15 ms
PARALLEL = 4

#: The helper: imports Workbench once, then forks a writer per ``start`` request. Requests are
#: lines on its stdin, each answered by one line on its stdout:
#:   ``start PATH SEED STEPS ACKS`` -> the writer's pid (it appends its acknowledgements to ACKS)
#:   ``kill PID``                   -> the writer's exit status once it is dead and reaped
ZYGOTE = textwrap.dedent(
    """
    import os, random, signal, sys, traceback
    import workbench.store.storage as storage
    from workbench.core.project import Project

    def writer(path, seed, steps, acks):
        fd = os.open(acks, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

        def say(*words):  # one write() per line: a kill cannot split it
            os.write(fd, (" ".join(words) + "\\n").encode())

        rng = random.Random(seed)
        if rng.random() < 0.5:
            storage.BACKUP_INTERVAL = 0.0  # rotate the backups at every save
            say("backups", "every-save")
        project = Project.open(path, write=True)
        doc = project.documents.named("r1")
        live = []
        for _ in range(steps):
            roll = rng.random()
            if roll < 0.1 and live:
                coding = live.pop(rng.randrange(len(live)))
                say("uncoding", coding)
                project.codings.remove(project.codings.find(coding))
                project.save()
                say("uncoded", coding)
                continue
            start = rng.randrange(len(doc.text) - 1)
            end = rng.randint(start + 1, min(len(doc.text), start + 40))
            code = rng.choice(["Anger", "Motivation/Calling", "Networks", "Networks/Friends"])
            applied = project.codings.apply(doc, start, end, code, "ann")
            coding = applied.coding
            merged = [c.id for c in applied.absorbed]  # extended over: gone as if uncoded
            for gone in merged:
                say("uncoding", gone)
                if gone in live:
                    live.remove(gone)
            if roll > 0.85:
                project.memos.add("coding", coding.id, "why this matters", "ann")
            project.save()
            for gone in merged:
                say("uncoded", gone)
            if coding.id not in live:
                live.append(coding.id)
            say("ack", coding.id)
        say("done")
        project.close()

    def answer(text):
        sys.stdout.write(text + "\\n")
        sys.stdout.flush()

    for request in sys.stdin:
        command, *args = request.split()
        if command == "kill":
            pid = int(args[0])
            os.kill(pid, signal.SIGKILL)  # a writer that finished is a zombie until reaped here
            _, status = os.waitpid(pid, 0)
            answer(str(os.waitstatus_to_exitcode(status)))
            continue
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                null = os.open(os.devnull, os.O_RDWR)
                os.dup2(null, 0)
                os.dup2(null, 1)
                writer(args[0], int(args[1]), int(args[2]), args[3])
                status = 0
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(status)
        answer(str(pid))
    """
)

TEXT = "\n".join(
    f"Respondent {i % 7 + 1}: строка {i}, 😀 anger at the state, q\u0307 and friends ({i})."
    for i in range(300)
)
BACKUPS = {f"project.json.bak-{n}" for n in range(1, 4)}


class Zygote:
    """The helper process (its own process group, so every writer dies with it)."""

    def __init__(self, folder: Path) -> None:
        self.errors = folder / "writers.stderr"
        with self.errors.open("wb") as errors:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", ZYGOTE],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                start_new_session=True,
            )
        self._lock = threading.Lock()

    def ask(self, *words: object) -> int:
        with self._lock:
            self.proc.stdin.write(" ".join(map(str, words)) + "\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline()
        if not reply:
            raise AssertionError(f"the writers' helper died: {self.stderr()}")
        return int(reply)

    def stderr(self) -> str:
        return self.errors.read_text(errors="replace")[-3000:]

    def close(self) -> None:
        """End the helper and any writer still alive (the group is ours alone)."""
        if self.proc.returncode is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=30)
        with self._lock:  # a trial blocked on the helper has seen it die by now
            self.proc.stdin.close()
            self.proc.stdout.close()


def read_acks(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    lines = [line.split() for line in text.splitlines()]
    if text and not text.endswith("\n"):
        raise AssertionError(f"a partial acknowledgement {text.splitlines()[-1]!r}")
    return lines


def run_trial(zygote: Zygote, template: bytes, folder: Path, seed: int, sound) -> dict:
    rng = random.Random(seed)
    folder.mkdir()
    path = folder / "project.json"
    path.write_bytes(template)
    path.chmod(0o600)
    acks = folder.parent / f"{folder.name}.acks"

    pid = zygote.ask("start", path, seed, STEPS, acks)
    time.sleep(rng.uniform(0.0, KILL_WITHIN))
    status = zygote.ask("kill", pid)
    assert status in (-signal.SIGKILL, 0), f"the writer failed ({status}): {zygote.stderr()}"
    lines = read_acks(acks)

    must_have, must_not_have = set(), set()
    for word, *rest in lines:
        if word == "ack":
            must_have.add(rest[0])
        elif word == "uncoding":  # the uncode may or may not have reached the disk
            must_have.discard(rest[0])
        elif word == "uncoded":
            must_not_have.add(rest[0])

    # the only litter a killed writer may leave: its lock file and its own temporary file
    names = {p.name for p in folder.iterdir()}
    temps = {n for n in names if re.fullmatch(r"\.project\.json\.[0-9a-f]{16}\.tmp", n)}
    allowed = {"project.json", "project.json.lock"} | BACKUPS | temps
    assert names <= allowed and len(temps) <= 1, names - allowed

    project = Project.open(path)
    assert check_project(project) == []
    sound(project)
    codings = project.codings
    assert must_have <= set(codings), "an acknowledged coding is missing"
    assert not must_not_have & set(codings), "an acknowledged uncode came back"
    for name in sorted(names & BACKUPS):  # each backup is a whole, sound project too
        backup = Project.open(folder / name)
        assert check_project(backup) == [], name
        assert set(backup.state.tables["codings"]) <= set(codings) | must_not_have | {
            word[1] for word in lines if word[0] == "uncoding"
        }, f"{name} holds a coding that never existed"

    # the next writer takes the lock over and clears the dead writer's temporary file
    project = Project.open(path, write=True)
    project.close()
    assert {p.name for p in folder.iterdir()} <= {"project.json"} | BACKUPS
    return {
        "acknowledged": len(must_have),
        "temp left": bool(temps),
        "lock left": "project.json.lock" in names,
        "backup every save": ["backups", "every-save"] in lines,
        "finished": status == 0,
    }


def trial(*args) -> dict:
    """:func:`run_trial`, naming the seed that reproduces a failure."""
    try:
        return run_trial(*args)
    except AssertionError as exc:
        raise AssertionError(f"kill trial with seed {args[3]}: {exc}") from exc


@pytest.mark.timeout(60 + TRIALS)
def test_sigkill_at_random_moments_never_loses_acknowledged_work(tmp_path, sound):
    template_path = tmp_path / "template.json"
    template = Project.create(template_path)
    template.documents.add("r1", TEXT)
    template.close()
    template_bytes = template_path.read_bytes()

    base = random.randrange(1_000_000)
    started = time.monotonic()
    zygote = Zygote(tmp_path)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = [
            pool.submit(trial, zygote, template_bytes, tmp_path / f"trial{n}", base + n, sound)
            for n in range(TRIALS)
        ]
        try:
            results = [f.result() for f in futures]  # re-raises the first failure
        except BaseException:  # a failure or the time bound: stop, and unblock waiting trials
            for future in futures:
                future.cancel()
            raise
        finally:
            zygote.close()
    counts = {key: sum(r[key] for r in results) for key in results[0] if key != "acknowledged"}
    print(
        f"{TRIALS} kills in {time.monotonic() - started:.1f} s: "
        + ", ".join(f"{key} {n}" for key, n in counts.items())
        + f", {sum(r['acknowledged'] for r in results)} acknowledged codings checked"
    )
    # the kills did land mid-stream: most writers had acknowledged work, some died mid-save
    assert sum(r["acknowledged"] > 0 for r in results) >= TRIALS // 2
    if TRIALS >= 50:
        assert counts["temp left"] > 0 and counts["backup every save"] > 0
    assert counts["finished"] == 0, "a writer ran out of steps before its kill"
