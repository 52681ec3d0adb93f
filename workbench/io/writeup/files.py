"""Writing an export so that only its owner can read it, and never half-written."""

from __future__ import annotations

import os
from pathlib import Path

from workbench.core.errors import WorkbenchError


def write_private(target: str | os.PathLike, payload: bytes) -> Path:
    """Write ``payload`` to ``target`` with mode 0600: a temporary file beside it, then
    ``os.replace``. Returns the path written. Failures a user can fix are WorkbenchErrors.
    """
    path = Path(target).expanduser()
    if path.is_dir():
        raise WorkbenchError(f"{path} is a folder; give a file name with -o")
    folder = path.parent
    if not folder.is_dir():
        raise WorkbenchError(f"cannot write {path}: the folder {folder} does not exist")
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise WorkbenchError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        try:
            os.fchmod(fd, 0o600)  # an old temp file, or an umask, cannot widen it
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise WorkbenchError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return path


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
