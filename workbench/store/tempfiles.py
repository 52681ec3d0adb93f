"""The temporary files Workbench makes beside a project while it works, and their cleaning.

Each holds confidential text (perhaps from before a pseudonymisation), so a crash must not leave
them lying about:

- ``.NAME.<16 hex digits>.tmp``: the temporary file of an atomic write of NAME (the project, a
  backup being sealed, an export); ``.NAME.<pid>.tmp`` from older versions;
- ``.PROJECT.edit.DOC.<random>.txt``: a document's text while ``workbench edit`` has it in the
  editor (``.DOC.<random>.txt`` from older versions, found by the document's name).

The holder of the project's write lock cleans them (no writer of the project can be using them
then). An export's temporary file is covered by no lock, so it counts as stale only once it has
not been written for :data:`EXPORT_TEMP_AGE` seconds. Only regular files of the user are
removed, and links (a link is removed, never followed); anything else is left alone.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from workbench.store import platform

#: An export's temporary file untouched this long (seconds) was left by a killed export.
EXPORT_TEMP_AGE = 600.0

_TOKEN = r"[0-9a-f]{16}"
_ANY_TEMP = re.compile(rf"^\..+\.{_TOKEN}\.tmp$", re.DOTALL)
_MKSTEMP = r"[a-z0-9_]{8}"  # the random part tempfile.mkstemp puts in a name


def temp_path(target: Path) -> Path:
    """A fresh, unpredictable temporary name beside ``target``."""
    # os.urandom is what secrets.token_hex uses (importing secrets costs every start ~7 ms)
    return target.with_name(f".{target.name}.{os.urandom(8).hex()}.tmp")


def edit_stem(document: str) -> str:
    """A document's name as it may appear in a file name."""
    return re.sub(r"[^\w.-]+", "_", document)[:60] or "document"


def edit_prefix(project: Path, document: str) -> str:
    """The start of the name of the file ``workbench edit`` hands the editor."""
    return f".{project.name}.edit.{edit_stem(document)}."


def stale(project: Path, documents: Iterable[str] = ()) -> list[Path]:
    """The stale temporary files beside the project file ``project`` (see the module's list).

    ``documents`` are the names of the project's documents, to find the editor copies older
    versions named after them.
    """
    name = re.escape(project.name)
    ours = re.compile(rf"^\.{name}\.(?:\d+|{_TOKEN})\.tmp$|^\.{name}\.edit\..+\.txt$", re.DOTALL)
    stems = "|".join(re.escape(edit_stem(d)) for d in documents)
    legacy = re.compile(rf"^\.(?:{stems})\.{_MKSTEMP}\.txt$", re.DOTALL) if stems else None
    found = []
    try:
        entries = list(os.scandir(project.parent))
    except OSError:
        return []
    now = time.time()
    for entry in entries:
        if not entry.name.startswith("."):
            continue
        if ours.match(entry.name) or (legacy is not None and legacy.match(entry.name)):
            if _removable(entry):
                found.append(Path(entry.path))
        elif _ANY_TEMP.match(entry.name) and _removable(entry, older_than=now - EXPORT_TEMP_AGE):
            found.append(Path(entry.path))
    return sorted(found)


def remove(project: Path, documents: Iterable[str] = ()) -> list[Path]:
    """Delete the stale temporary files beside ``project`` (see :func:`stale`); returns them.

    Only the holder of the project's write lock may call this. A file that cannot be removed
    (a read-only folder) stays: saving will say what is wrong; reading still works.
    """
    return _unlink_all(stale(project, documents))


def remove_export_temps(target: Path) -> list[Path]:
    """Delete the temporary files a killed export of ``target`` left beside it."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.{_TOKEN}\.tmp$", re.DOTALL)
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return []
    limit = time.time() - EXPORT_TEMP_AGE
    return _unlink_all(
        Path(e.path) for e in entries if pattern.match(e.name) and _removable(e, older_than=limit)
    )


def _removable(entry: os.DirEntry, *, older_than: float | None = None) -> bool:
    """A link, or a regular file of ours (last written before ``older_than``)."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    if stat.S_ISLNK(info.st_mode):
        return True
    if not (platform.is_regular(info) and platform.owned_by_me(info)):
        return False
    return older_than is None or info.st_mtime < older_than


def _unlink_all(paths: Iterable[Path]) -> list[Path]:
    removed = []
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            continue
        removed.append(path)
    return removed
