"""The kill test: a writer SIGKILLed at any moment never leaves a broken or older-than-acked file.

A child process codes, memos and uncodes in a loop, saving after each change and printing an
acknowledgement once ``save()`` has returned. The parent kills it at a random moment, then checks
that the file loads, is sound, and holds every acknowledged change.

``WORKBENCH_KILL_TRIALS`` sets the number of trials (default 20; the torture suite runs 100+).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from workbench.core.integrity import check_project
from workbench.core.project import Project

TRIALS = int(os.environ.get("WORKBENCH_KILL_TRIALS", "20"))
STEPS = 300

WRITER = textwrap.dedent(
    """
    import random, sys
    from workbench.core.project import Project

    def say(*words):  # one write per line, even with PYTHONUNBUFFERED=1
        sys.stdout.write(" ".join(words) + "\\n")
        sys.stdout.flush()

    path, seed, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    project = Project.open(path, write=True)
    doc = project.document("r1")
    live = []
    for _ in range(steps):
        roll = rng.random()
        if roll < 0.1 and live:
            coding = live.pop(rng.randrange(len(live)))
            say("uncoding", coding)
            project.uncode(project.coding(coding))
            project.save()
            say("uncoded", coding)
            continue
        start = rng.randrange(len(doc.text) - 1)
        end = rng.randint(start + 1, min(len(doc.text), start + 40))
        code = rng.choice(["Anger", "Motivation/Calling", "Networks", "Networks/Friends"])
        coding = project.code_text(doc, start, end, code, "ann")
        if roll > 0.85:
            project.add_memo("coding", coding.id, "why this matters", "ann")
        project.save()
        if coding.id not in live:
            live.append(coding.id)
        say("ack", coding.id)
    say("done")
    project.close()
    """
)

TEXT = "\n".join(
    f"Respondent {i % 7 + 1}: строка {i}, 😀 anger at the state, q\u0307 and friends ({i})."
    for i in range(300)
)


def run_trial(folder: Path, seed: int) -> str:
    rng = random.Random(seed)
    folder.mkdir()
    path = folder / "project.json"
    project = Project.create(path)
    project.add_document("r1", TEXT)
    project.close()

    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(seed), str(STEPS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    first = threading.Event()

    def read() -> None:
        for line in child.stdout:
            lines.append(line.split() if line.endswith("\n") else ["partial", line])
            first.set()
        first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    first.wait(timeout=60)  # the writer is in its loop
    time.sleep(rng.uniform(0.0, 1.2))
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    reader.join(timeout=60)
    stderr = child.stderr.read()
    child.stderr.close()
    assert child.returncode in (-signal.SIGKILL, 0), stderr
    assert lines, f"the writer acknowledged nothing: {stderr}"

    must_have, must_not_have = set(), set()
    for word, *rest in lines:
        if word == "ack":
            must_have.add(rest[0])
        elif word == "uncoding":  # the uncode may or may not have reached the disk
            must_have.discard(rest[0])
        elif word == "partial":
            raise AssertionError(f"a partial line {rest!r} after {lines[-3:-1]}")
        elif word == "uncoded":
            must_not_have.add(rest[0])

    # the only litter a killed writer may leave: its lock file and its own temporary file
    names = {p.name for p in folder.iterdir()}
    allowed = {"project.json", "project.json.lock", f".project.json.{child.pid}.tmp"}
    allowed |= {f"project.json.bak-{n}" for n in range(1, 4)}
    assert names <= allowed, names - allowed

    project = Project.open(path)
    assert check_project(project) == []
    codings = project.state.tables["codings"]
    for coding in codings.values():
        assert project.document("r1").text[coding.start : coding.end] == coding.text
    assert must_have <= set(codings), "an acknowledged coding is missing"
    assert not must_not_have & set(codings), "an acknowledged uncode came back"

    # the next writer takes the lock over and clears the dead writer's temporary file
    project = Project.open(path, write=True)
    project.close()
    assert {p.name for p in folder.iterdir()} <= {"project.json"} | {
        f"project.json.bak-{n}" for n in range(1, 4)
    }
    return any(name.endswith(".tmp") for name in names)


def trial(folder: Path, seed: int) -> bool:
    """:func:`run_trial`, naming the seed that reproduces a failure."""
    try:
        return run_trial(folder, seed)
    except AssertionError as exc:
        raise AssertionError(f"kill trial with seed {seed}: {exc}") from exc


def test_sigkill_at_random_moments_never_loses_acknowledged_work(tmp_path, sound):
    base = random.randrange(1_000_000)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(trial, tmp_path / f"trial{n}", base + n) for n in range(TRIALS)]
        temp_left = [f.result() for f in futures]  # re-raises the first failure
    print(f"{TRIALS} kills, {sum(temp_left)} left a temporary file (then cleared)")
    for n in range(TRIALS):
        sound(Project.open(tmp_path / f"trial{n}" / "project.json"))
