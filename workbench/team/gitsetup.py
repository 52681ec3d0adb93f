"""``workbench git-setup``: make git merge project files with ``workbench merge``.

Two things are needed in each clone: a ``.gitattributes`` line naming the merge driver for the
project file (committed, so it travels with the repository), and the driver's definition in the
clone's git config (``.git/config`` is never shared by git, so every coder runs ``git-setup``
once in their clone). Running it again adds nothing twice.

The pattern is ``project.json``, which matches a project file of that name in any folder. A
project saved under another name needs its own line in ``.gitattributes``, for example
``fieldwork.json merge=workbench``.

It also keeps the clone private: ``core.sharedRepository = 0600`` makes git write everything
under ``.git`` readable by its owner only (what is there already is made so too), and
``.gitignore`` keeps the lock, backups, broken copies, temporary files, editor copies and the
usual export files out of commits. Files git checks out in the work tree follow the user's umask,
so the folder itself must be private: it is named in a warning when it is not.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store import platform

ATTRIBUTES_LINE = "project.json merge=workbench"
DRIVER_NAME = "Workbench project merge"
DRIVER_COMMAND = "workbench merge %O %A %B"
#: Files beside the project that must never be committed: the lock, backups, copies kept aside
#: by ``restore``, temporary files, a document's text while ``workbench edit`` has it (all hold
#: confidential text, perhaps from before a pseudonymisation), and the files exports write by
#: default (plain text even when the project is encrypted; a pseudonym map is a .csv too).
IGNORE_LINES = (
    "project.json.lock",
    "project.json.bak-*",
    "project.json.broken-*",
    ".project.json.*.tmp",
    ".*.tmp",
    ".project.json.edit.*.txt",
    "*.qdpx",
    "*.qdc",
    "*.docx",
    "*.html",
    "*.csv",
    "* copy.json",
)
#: Git writes every file under .git with this mode (directories get the x bits too).
SHARED_REPOSITORY = "0600"


@dataclass(slots=True)
class SetupReport:
    """What ``git-setup`` did in a folder."""

    folder: Path
    added: list[str] = field(default_factory=list)  # "FILE: line" for each line written
    config: list[str] = field(default_factory=list)  # git config keys that were set or changed
    made_private: int = 0  # files and folders under .git that others could read before
    warnings: list[str] = field(default_factory=list)  # "warning: ..." lines


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("git") is None:
        raise WorkbenchError("git is not installed (or not on PATH)")
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
    )


def git_toplevel(folder: Path) -> Path:
    """The top folder of the git work tree holding ``folder``; an error outside one."""
    done = _git(folder, "rev-parse", "--show-toplevel")
    if done.returncode != 0 or not done.stdout.strip():
        raise WorkbenchError(
            f"{folder} is not in a git repository (make one with `git init`, or clone one)"
        )
    return Path(done.stdout.strip())


def _add_lines(path: Path, lines: tuple[str, ...], report: SetupReport) -> None:
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as exc:
        raise WorkbenchError(f"cannot read {path}: {exc.strerror or exc}") from None
    have = {" ".join(line.split()) for line in existing.splitlines()}
    missing = [line for line in lines if " ".join(line.split()) not in have]
    if not missing:
        return
    text = existing
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(line + "\n" for line in missing)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise WorkbenchError(f"cannot write {path}: {exc.strerror or exc}") from None
    report.added.extend(f"{path.name}: {line}" for line in missing)


def setup(folder: str | Path | None = None) -> SetupReport:
    """Write ``.gitattributes`` (and ``.gitignore`` lines) in ``folder`` and set the git config.

    ``folder`` defaults to the top of the git work tree the current folder is in.
    """
    if folder is None:
        target = git_toplevel(Path.cwd())
    else:
        target = Path(folder).expanduser()
        if not target.is_dir():
            raise WorkbenchError(f"{target} is not a folder")
        git_toplevel(target)  # must be inside a work tree: the config is the repository's
    report = SetupReport(target)
    _add_lines(target / ".gitattributes", (ATTRIBUTES_LINE,), report)
    _add_lines(target / ".gitignore", IGNORE_LINES, report)
    for key, value in (
        ("merge.workbench.name", DRIVER_NAME),
        ("merge.workbench.driver", DRIVER_COMMAND),
        ("core.sharedRepository", SHARED_REPOSITORY),
    ):
        current = _git(target, "config", "--local", "--get", key)
        if current.returncode == 0 and current.stdout.rstrip("\n") == value:
            continue
        done = _git(target, "config", "--local", key, value)
        if done.returncode != 0:
            why = done.stderr.strip() or "git config failed"
            raise WorkbenchError(f"cannot set {key} in {target}: {why}")
        report.config.append(key)
    report.made_private = _make_private(_git_dir(target))
    warning = _folder_warning(target)
    if warning:
        report.warnings.append(warning)
    return report


def _git_dir(folder: Path) -> Path:
    done = _git(folder, "rev-parse", "--absolute-git-dir")
    if done.returncode != 0 or not done.stdout.strip():
        raise WorkbenchError(f"cannot find the .git folder of {folder}")
    return Path(done.stdout.strip())


def _make_private(git_dir: Path) -> int:
    """Take every permission of group and others off what the user owns under ``git_dir``
    (objects written before ``core.sharedRepository`` was set); returns how many changed.

    Links are never followed or changed."""
    changed = 0
    for root, dirs, files in os.walk(git_dir):
        for name in [*dirs, *files, ""]:
            path = os.path.join(root, name) if name else root
            try:
                info = os.lstat(path)
                if stat.S_ISLNK(info.st_mode) or not platform.owned_by_me(info):
                    continue
                mode = stat.S_IMODE(info.st_mode)
                if mode & 0o077:
                    os.chmod(path, mode & 0o700)
                    changed += 1
            except OSError:
                continue
    return changed


def _folder_warning(folder: Path) -> str | None:
    """A warning when others can read the work tree: git writes checked-out files (a pulled
    project.json) with the user's umask, usually readable by everyone."""
    try:
        mode = stat.S_IMODE(os.stat(folder).st_mode)
    except OSError:
        return None
    if not platform.has_modes() or not mode & 0o077:
        return None
    return (
        f"warning: {folder} can be opened by other users (mode {mode:o}); git writes the files "
        f"it checks out (project.json after a pull) as your umask allows, often readable by "
        f"all: `chmod 700 {folder}` keeps them private"
    )
