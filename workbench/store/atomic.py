"""Writing a file so that it is never half-written, only its owner can read it, and nobody else
can steer where it goes.

The one routine behind the project file, its restore, sealed backups and every export: a new
temporary file beside the target, with an unpredictable name, created with ``O_CREAT|O_EXCL|
O_NOFOLLOW`` (a name planted in a shared folder, or a link, is never opened) and checked to be a
regular file of the user's, mode 0600; written, fsynced, renamed over the target with
``os.replace``, and the folder fsynced. A process killed at any moment leaves the old file or
the new one.

A target that is a symbolic link the user made is written *through*: the file it points to is
replaced atomically in its own folder, so a project kept on an encrypted volume stays there and
the link stays a link. A link made by another user, and anything that is not a regular file (a
folder, a device such as ``/dev/stdout``, a pipe), is refused. An export may go to a stream the
user asked for (``-o -``, standard output) instead of a file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from workbench.errors import WorkbenchError
from workbench.store import platform, tempfiles

Writer = Callable[[BinaryIO], object]
#: A file name, or an open binary stream (standard output) for exports.
Target = str | os.PathLike | BinaryIO
#: How an export to a stream is named in messages.
STREAM_NAME = Path("standard output")
#: Fresh temporary names tried before giving up (a clash means someone plants names).
TEMP_TRIES = 16


def atomic_write(
    path: Path,
    content: bytes | list[bytes] | Writer,
    *,
    before_replace: Callable[[], None] | None = None,
) -> os.stat_result:
    """Replace ``path`` with ``content``: bytes, pieces of bytes written one after the other,
    or a function writing to a binary handle. Returns the new file's stat as it was written
    (before the rename, which changes its change time).

    ``before_replace`` runs after the new content is safely on disk and just before it takes
    the old file's place (the project file rotates its backups there). OSErrors propagate; the
    temporary file never stays behind. A target that may not be written (see the module's
    description) raises WorkbenchError.
    """
    path = write_target(Path(path))
    folder = path.parent
    fd, tmp = _new_temp(path)
    try:
        try:
            platform.restrict(fd)
            if isinstance(content, bytes | bytearray | memoryview | list):
                for piece in [content] if not isinstance(content, list) else content:
                    view = memoryview(piece)
                    while view:  # each write lets other threads run (a TUI's keys)
                        view = view[os.write(fd, view) :]
            else:
                with open(fd, "wb", closefd=False) as handle:
                    content(handle)
            os.fsync(fd)
            written = os.fstat(fd)
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        platform.retry_busy(lambda: os.replace(tmp, path))
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    platform.fsync_folder(folder)
    return written


def _new_temp(target: Path) -> tuple[int, Path]:
    """A new temporary file beside ``target``: ``(fd, path)``, never an existing file or link."""
    for _ in range(TEMP_TRIES):
        tmp = tempfiles.temp_path(target)
        try:
            fd = os.open(tmp, platform.new_file_flags(), 0o600)
        except FileExistsError:
            continue
        info = os.fstat(fd)
        if platform.is_regular(info) and platform.owned_by_me(info):
            return fd, tmp
        os.close(fd)
        raise OSError(errno.EPERM, "the temporary file made is not a regular file of yours", tmp)
    raise OSError(errno.EEXIST, "no free temporary file name (are names being planted?)", target)


def write_target(path: Path) -> Path:
    """The file that writing ``path`` replaces: ``path`` itself, or the file a symbolic link
    of the user's points to (:func:`through_link`). Raises WorkbenchError for anything that is
    not a regular file."""
    real = through_link(path)
    try:
        info = os.stat(path)  # through every link, /proc's too
    except FileNotFoundError:
        if real == path or real.parent.is_dir():
            return real  # a new file, or a link to one not made yet: it is made there
        raise WorkbenchError(f"{path} links to {real}, whose folder does not exist") from None
    except OSError:
        return real  # the write itself will say what is wrong
    if not platform.is_regular(info):
        shown_as = f"{path} is" if real == path else f"{path} links to"
        raise WorkbenchError(f"{shown_as} {_kind(info)}, not a regular file; {_ONLY_FILES}")
    return real


def through_link(path: Path) -> Path:
    """``path``, or the file it points to when it is a symbolic link the user made (written
    through, see the module's description). A link made by another user raises
    WorkbenchError: Workbench follows no link it did not choose."""
    try:
        info = os.lstat(path)
    except OSError:
        return path
    if not stat.S_ISLNK(info.st_mode):
        return path
    if not platform.owned_by_me(info):
        raise WorkbenchError(
            f"{path} is a symbolic link made by another user; Workbench does not follow it: "
            "remove it, or make the link yourself"
        )
    return Path(os.path.realpath(path))


_ONLY_FILES = "Workbench writes only regular files"


def _kind(info: os.stat_result) -> str:
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def is_stream(target: object) -> bool:
    """True when an export target is an open stream rather than a file name."""
    return hasattr(target, "write")


def shown(target: Target) -> Path:
    """How a target is named to the user: its path, or ``standard output``."""
    return STREAM_NAME if is_stream(target) else Path(target).expanduser()  # type: ignore[arg-type]


def write_private(target: Target, content: bytes | Writer) -> Path:
    """Write an export atomically with mode 0600 (or to the stream given); returns how it is
    named (:func:`shown`). User-fixable failures are WorkbenchErrors."""
    if is_stream(target):
        stream: BinaryIO = target  # type: ignore[assignment]
        try:
            if isinstance(content, bytes | bytearray | memoryview):
                stream.write(content)
            else:
                content(stream)
            stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise WorkbenchError(f"cannot write to {STREAM_NAME}: {exc.strerror or exc}") from None
        return STREAM_NAME
    path = Path(target).expanduser()  # type: ignore[arg-type]
    if path.is_dir():
        raise WorkbenchError(f"{path} is a folder; give a file name with -o")
    if not path.parent.is_dir():
        raise WorkbenchError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        real = write_target(path)
    except WorkbenchError as exc:
        raise WorkbenchError(f"{exc} (`-o -` writes to standard output)") from None
    tempfiles.remove_export_temps(real)
    try:
        atomic_write(real, content)
    except OSError as exc:
        raise WorkbenchError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
