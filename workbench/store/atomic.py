"""Writing a file so that it is never half-written and only its owner can read it.

The one routine behind the project file, its restore, and every export: a temporary file
(mode 0600) in the target's own folder, written and fsynced, then ``os.replace`` and an fsync
of the folder. A process killed at any moment leaves the old file or the new one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from workbench.errors import WorkbenchError

Writer = Callable[[BinaryIO], object]


def atomic_write(
    path: Path,
    content: bytes | list[bytes] | Writer,
    *,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Replace ``path`` with ``content``: bytes, pieces of bytes written one after the other,
    or a function writing to a binary handle.

    ``before_replace`` runs after the new content is safely on disk and just before it takes
    the old file's place (the project file rotates its backups there). OSErrors propagate; the
    temporary file never stays behind.
    """
    folder = path.parent
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            os.fchmod(fd, 0o600)  # an old temp file or an umask cannot widen it
            if isinstance(content, bytes | bytearray | memoryview | list):
                for piece in [content] if not isinstance(content, list) else content:
                    view = memoryview(piece)
                    while view:  # each write lets other threads run (a TUI's keys)
                        view = view[os.write(fd, view) :]
            else:
                with open(fd, "wb", closefd=False) as handle:
                    content(handle)
            os.fsync(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_folder(folder)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (ignored where folders cannot be fsynced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_private(target: str | os.PathLike, content: bytes | Writer) -> Path:
    """Write an export atomically with mode 0600; user-fixable failures are WorkbenchErrors."""
    path = Path(target).expanduser()
    if path.is_dir():
        raise WorkbenchError(f"{path} is a folder; give a file name with -o")
    if not path.parent.is_dir():
        raise WorkbenchError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        atomic_write(path, content)
    except OSError as exc:
        raise WorkbenchError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
