"""The package imports and its store works without the POSIX calls, as on Windows.

``store/lock.py`` did ``import fcntl`` at load, so nothing imported on Windows. Every platform
call now lives in ``workbench.store.platform``; here a process runs with ``fcntl`` (and
``termios``) unavailable and a stand-in for ``msvcrt`` (Windows' byte-range locks, kept in
that process's memory, per handle as Windows keeps them), and creates, saves, locks and reopens
a project, through the API and the command line, and imports every module of the package.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import workbench

pytestmark = pytest.mark.timeout(120)

PACKAGE = Path(workbench.__file__).parent

SCRIPT = textwrap.dedent(
    """
    import errno, os, subprocess, sys, types  # subprocess first: it takes msvcrt for Windows

    sys.modules["fcntl"] = None  # `import fcntl` raises ImportError, as on Windows
    sys.modules["termios"] = None
    held = {}  # (device, inode, offset) -> the handle holding that byte

    def locking(fd, mode, nbytes):
        info = os.fstat(fd)
        key = (info.st_dev, info.st_ino, os.lseek(fd, 0, os.SEEK_CUR))
        if mode == msvcrt.LK_NBLCK:
            if held.get(key, fd) != fd:
                raise OSError(errno.EACCES, "locked by another handle")
            held[key] = fd
        elif mode == msvcrt.LK_UNLCK:
            if held.get(key) != fd:
                raise OSError(errno.EACCES, "not locked by this handle")
            del held[key]

    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_NBLCK, msvcrt.LK_UNLCK, msvcrt.locking = 2, 0, locking
    sys.modules["msvcrt"] = msvcrt

    from workbench.store import platform
    assert platform.current.name == "windows", platform.current

    from workbench.core.project import Project
    from workbench.errors import ProjectLocked

    path = sys.argv[1]
    project = Project.create(path, name="portable")
    project.documents.add("r1", "Respondent 1: anger, and a calling.")
    project.save()
    try:
        Project.open(path, write=True)
    except ProjectLocked as exc:
        assert "open for writing by another Workbench" in str(exc), exc
        assert f"process {os.getpid()}" in str(exc), exc  # the holder stays readable
    else:
        raise AssertionError("a second writer got the lock")
    project.memos.add("project", None, "saved on the portable path", "ann")
    project.close()
    assert not held, held  # released

    again = Project.open(path, write=True)
    assert [m.text for m in again.memos.all()] == ["saved on the portable path"]
    again.memos.add("project", None, "saved again", "ann")
    again.close()
    assert len(Project.open(path).memos.all()) == 2

    from workbench.cli.main import main
    assert main(["memo", path, "--on", "project", "--text", "from the command line"]) == 0
    assert main(["check", path]) == 0

    import importlib, pkgutil, workbench
    for module in pkgutil.walk_packages(workbench.__path__, "workbench."):
        if not module.name.endswith("__main__"):  # (that one runs the command line)
            importlib.import_module(module.name)
    assert sys.modules["fcntl"] is None
    print("portable ok")
    """
)


def test_the_store_works_with_the_posix_calls_unavailable(tmp_path):
    study = tmp_path / "study" / "project.json"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(study)], capture_output=True, text=True,
        timeout=100, check=False, cwd=tmp_path,
    )
    assert done.returncode == 0 and "portable ok" in done.stdout, done.stderr + done.stdout
    assert sorted(p.name for p in study.parent.iterdir()) == ["project.json",
                                                              "project.json.bak-1"]


#: Modules and ``os`` functions that exist on POSIX systems only (or on Windows only).
PLATFORM_MODULES = {"fcntl", "msvcrt", "termios", "tty", "pwd", "grp", "resource"}
PLATFORM_CALLS = {"fchmod", "fchown", "chown", "lchown", "geteuid", "getuid", "pread",
                  "pwrite", "O_NOFOLLOW", "O_NONBLOCK", "O_BINARY", "mkfifo", "getpgid",
                  "killpg", "setsid"}


def test_platform_calls_live_in_one_module():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "store" / "platform.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module.split(".")[0]]
            if set(names) & PLATFORM_MODULES:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports {names}")
            if (isinstance(node, ast.Attribute) and node.attr in PLATFORM_CALLS
                    and isinstance(node.value, ast.Name) and node.value.id == "os"):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} os.{node.attr}")
    assert found == [], "platform calls outside workbench/store/platform.py: " + "; ".join(found)
