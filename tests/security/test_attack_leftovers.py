"""Copies of the originals left by a crash: ``workbench edit`` killed while the editor is open
leaves the document's text beside the project. The next writer removes it, and so do
``pseudonymize``, ``purge-history`` and ``encrypt`` (also as older versions named it).
"""

from __future__ import annotations

import csv
import os
import signal
from pathlib import Path

import pytest
from security_support import run_workbench

pytestmark = pytest.mark.timeout(90)

ORIGINAL = "Dana Sultanova"


def holding_original(folder: Path) -> list[str]:
    """Every file beside the project, other than the project and its backups, holding the
    original name."""
    found = []
    for path in folder.iterdir():
        if path.name == "project.json" or path.name.startswith("project.json.bak-"):
            continue
        if path.is_file() and ORIGINAL.encode() in path.read_bytes():
            found.append(path.name)
    return found


def crash_in_the_editor(project_file: Path, tmp_path: Path) -> None:
    """Run the real ``workbench edit`` with an editor that kills it (as a crash or a closed
    terminal would), leaving its copy of the text behind."""
    editor = tmp_path / "crashing-editor"
    editor.write_text("#!/bin/sh\nkill -9 $PPID\n", encoding="utf-8")
    editor.chmod(0o700)
    done = run_workbench("edit", project_file, "r1", env={"EDITOR": str(editor)})
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert holding_original(project_file.parent), "the crash left no copy: nothing is tested"


def legacy_copy(project_file: Path) -> Path:
    """A copy as older versions named it: ``.DOC.<mkstemp random>.txt``."""
    path = project_file.with_name(".r1.k2j4h5g6.txt")
    path.write_text(f"Respondent 3: said {ORIGINAL}.\n", encoding="utf-8")
    return path


def test_the_next_writer_removes_the_copy_a_crashed_edit_left(project_file, tmp_path):
    crash_in_the_editor(project_file, tmp_path)
    done = run_workbench("memo", project_file, "--on", "project", "--text", "next day")
    assert done.returncode == 0, done.stderr
    assert holding_original(project_file.parent) == []


def test_purge_history_removes_edit_copies(project_file, tmp_path):
    crash_in_the_editor(project_file, tmp_path)
    legacy_copy(project_file)
    done = run_workbench("purge-history", project_file, "--yes")
    assert done.returncode == 0, done.stderr
    assert holding_original(project_file.parent) == []


def test_pseudonymize_removes_edit_copies_before_they_lose_their_names(project_file, tmp_path):
    legacy_copy(project_file)
    names = tmp_path / "map.csv"
    with names.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("original", "replacement"), (ORIGINAL, "Respondent 9")])
    done = run_workbench("pseudonymize", project_file, "--map", names, "--yes")
    assert done.returncode == 0, done.stderr
    assert holding_original(project_file.parent) == []


def test_encrypt_removes_edit_copies(project_file, tmp_path):
    copy = legacy_copy(project_file)
    done = run_workbench("encrypt", project_file,
                         env={"WORKBENCH_PASSPHRASE": "correct horse battery"})
    assert done.returncode == 0, done.stderr
    assert not copy.exists() and holding_original(project_file.parent) == []


def test_a_users_own_hidden_text_file_is_left_alone(project_file):
    mine = project_file.with_name(".reading-notes.txt")
    mine.write_text(ORIGINAL, encoding="utf-8")
    other = project_file.with_name(".r2.abcdefgh.txt")  # no document is called r2
    other.write_text(ORIGINAL, encoding="utf-8")
    done = run_workbench("purge-history", project_file, "--yes")
    assert done.returncode == 0, done.stderr
    assert mine.exists() and other.exists()
    assert os.stat(project_file).st_mode & 0o777 == 0o600
