"""What a writer last saw of its project file, and noticing that the file changed since.

A project stays open for hours in the workbench while ``git pull``, a sync tool or a colleague's
copy may replace the file under it. So a writer remembers, when it reads the file and after each
write, the file's identity (:class:`FileStamp`: device, inode, size, modification and change
times in nanoseconds) and its content (the plaintext bytes, which a three-way merge needs as
its base anyway). Before the next write it compares: the same stamp means the same file (a
``stat`` call, nothing read); a different stamp means the file is read (without following a
link, only a regular file, at most :data:`MAX_READ` bytes) and its content compared with what
was seen. A file that differs is a :class:`DiskChange`, and the write is refused with
:class:`ChangedOnDisk` until the caller has taken it in.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store import crypto, platform
from workbench.store.atomic import through_link

#: The largest file read to see what changed on disk (a large study's is some 60 MB).
MAX_READ = 1024 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileStamp:
    """The identity of a file as ``stat`` gives it. Any write changes the change time (which no
    tool can set), a replaced file has another inode: equal stamps mean an untouched file."""

    device: int
    inode: int
    size: int
    modified_ns: int
    changed_ns: int

    @classmethod
    def of(cls, info: os.stat_result) -> FileStamp:
        return cls(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)

    def same_content_as(self, info: os.stat_result) -> bool:
        """True when ``info`` is this file with the same data (its change time may differ:
        renaming a file changes it)."""
        return (self.device, self.inode, self.size, self.modified_ns) == (
            info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns
        )


@dataclass(frozen=True, slots=True)
class SeenFile:
    """The project file as a writer last read or wrote it."""

    #: the file itself (a link the user chose is already followed)
    path: Path
    stamp: FileStamp | None
    #: its plaintext, whole or in the pieces it was written in
    content: bytes | list[bytes]
    #: the sealer it was encrypted with, or ``None`` for a plain file
    sealer: crypto.Sealer | None

    def plaintext(self) -> bytes:
        content = self.content
        return content if isinstance(content, bytes) else b"".join(content)


@dataclass(frozen=True, slots=True)
class DiskChange:
    """The file changed on disk since it was seen: ``base`` is what was seen, ``theirs`` what
    is there now (plaintext; ``None`` when the file was removed)."""

    path: Path
    base: bytes
    theirs: bytes | None
    stamp: FileStamp | None
    sealer: crypto.Sealer | None

    @property
    def removed(self) -> bool:
        return self.theirs is None


class ChangedOnDisk(WorkbenchError):
    """A write refused because the file changed on disk since it was read or written; the
    change is in :attr:`change` for the caller to take in (merge) before writing again."""

    def __init__(self, change: DiskChange) -> None:
        how = "was removed" if change.removed else "was changed by another program"
        super().__init__(
            f"{change.path} {how} since it was opened; it was not saved over (open it again "
            "to work on the file as it is now)"
        )
        self.change = change


def look(seen: SeenFile) -> SeenFile | DiskChange:
    """What is at ``seen.path`` now: ``seen`` itself (with a fresh stamp when the file was only
    touched or copied back unchanged) or the :class:`DiskChange`.

    A link is followed only as the store follows links (one of the user's, see
    :func:`through_link`), and only to the file seen. A file that is now a link elsewhere, not
    a regular file, cannot be read, or is encrypted with another key (or newly encrypted) raises
    WorkbenchError: none of these may be written over.
    """
    path = seen.path
    unsaved = "it was not saved over: your changes stay in memory"
    if through_link(path) != path:
        raise WorkbenchError(
            f"{path} was replaced by a symbolic link (to {os.path.realpath(path)}) since it "
            f"was opened; Workbench does not follow a link it did not choose, and {unsaved}"
        )
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return DiskChange(path, seen.plaintext(), None, None, seen.sealer)
    except OSError as exc:
        raise WorkbenchError(f"cannot look at {path}: {exc.strerror or exc}; {unsaved}") from None
    if seen.stamp is not None and FileStamp.of(info) == seen.stamp:
        return seen
    raw, info = read_regular(path, unsaved)
    theirs = _plaintext(raw, seen, unsaved)
    base = seen.plaintext()
    if theirs == base:  # touched, or copied back as it was
        return SeenFile(path, FileStamp.of(info), seen.content, seen.sealer)
    return DiskChange(path, base, theirs, FileStamp.of(info), seen.sealer)


def read_regular(path: Path, unsaved: str) -> tuple[bytes, os.stat_result]:
    """The bytes of ``path`` and its stat, if it is a regular file (never through a link, never
    a pipe), of at most :data:`MAX_READ` bytes."""
    try:
        fd = os.open(path, platform.read_flags())
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise WorkbenchError(f"{path} became a symbolic link; {unsaved}") from None
        raise WorkbenchError(f"cannot read {path}: {exc.strerror or exc}; {unsaved}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise WorkbenchError(f"{path} is no longer a regular file; {unsaved}")
        if info.st_size > MAX_READ:
            raise WorkbenchError(
                f"{path} grew to {info.st_size // 2**20} MB on disk, over the "
                f"{MAX_READ // 2**20} MB a project file may have; {unsaved}"
            )
        chunks = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > MAX_READ:
                raise WorkbenchError(f"{path} keeps growing on disk; {unsaved}")
            chunks.append(chunk)
        return b"".join(chunks), info
    finally:
        os.close(fd)


def _plaintext(raw: bytes, seen: SeenFile, unsaved: str) -> bytes:
    """The disk's bytes opened with the key the file was seen with (never asking for a
    passphrase: a workbench may be running full-screen)."""
    if not crypto.is_sealed(raw):
        return raw
    if seen.sealer is None:
        raise WorkbenchError(
            f"{seen.path} was encrypted on disk since it was opened; {unsaved}. Save a copy, "
            "close the workbench and open the project again"
        )
    try:
        return crypto.unseal_with(raw, seen.sealer)
    except crypto.OtherKey:
        raise WorkbenchError(
            f"{seen.path} was encrypted again on disk, with another passphrase, since it was "
            f"opened; {unsaved}. Save a copy, close the workbench and open the project again"
        ) from None
    except crypto.SealDamaged as exc:
        raise WorkbenchError(f"{seen.path} on disk is now {exc}; {unsaved}") from None
