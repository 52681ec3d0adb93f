"""The file-system calls that differ between POSIX systems and Windows, in one place.

Everything else in Workbench is written against the functions here, so the package imports and
works wherever Python runs:

- **POSIX** (Linux, macOS, BSD): ``flock`` locks, ``fchmod`` to 0600, ``O_NOFOLLOW`` on every
  file we create or open for writing, a folder fsync after each rename, owners from ``st_uid``.
- **Windows**: ``msvcrt.locking`` on one byte far past the end of the lock file (so the holder's
  name stays readable), ``O_BINARY``, no ``fchmod`` or folder fsync (Windows has neither; files
  in the user's profile are private by its ACLs), and ``os.replace`` retried for a moment when
  another process (a virus scanner, a backup tool, a second reader) briefly holds the file.

The implementation is chosen once, at import: the POSIX one when ``fcntl`` can be imported, else
the Windows one.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: On Windows, how often and how long ``os.replace`` is retried while another process holds
#: the file (seconds between tries, doubling).
REPLACE_TRIES = 6
REPLACE_FIRST_WAIT = 0.05


class Posix:
    """Linux, macOS and the BSDs."""

    name = "posix"
    #: a file that is open can be removed (its name goes; the open file lives on)
    removes_open_files = True

    def __init__(self) -> None:
        import fcntl

        self._fcntl = fcntl
        self.extra = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)  # on every open we make
        self.nonblock = os.O_NONBLOCK

    def try_lock(self, fd: int) -> bool:
        try:
            self._fcntl.flock(fd, self._fcntl.LOCK_EX | self._fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(self, fd: int) -> None:
        self._fcntl.flock(fd, self._fcntl.LOCK_UN)

    def restrict(self, fd: int) -> None:
        os.fchmod(fd, 0o600)  # an umask cannot widen it

    def owned_by_me(self, info: os.stat_result) -> bool:
        return info.st_uid == os.geteuid()

    def open_to_others(self, info: os.stat_result) -> bool:
        return bool(info.st_mode & 0o022)

    def fsync_folder(self, folder: Path) -> None:
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

    def retry_busy(self, call: Callable[[], T]) -> T:
        return call()


class Windows:
    """Windows: ``msvcrt`` locks, no POSIX permissions."""

    name = "windows"
    removes_open_files = False
    #: the byte that is locked: far past any holder text, so reading the holder never blocks
    LOCK_OFFSET = 1 << 30

    def __init__(self) -> None:
        import msvcrt

        self._msvcrt = msvcrt
        # no O_NOFOLLOW on Windows: O_EXCL (CREATE_NEW) still refuses a planted link
        self.extra = getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)
        self.nonblock = 0

    def try_lock(self, fd: int) -> bool:
        os.lseek(fd, self.LOCK_OFFSET, os.SEEK_SET)
        try:
            self._msvcrt.locking(fd, self._msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True

    def unlock(self, fd: int) -> None:
        os.lseek(fd, self.LOCK_OFFSET, os.SEEK_SET)
        try:
            self._msvcrt.locking(fd, self._msvcrt.LK_UNLCK, 1)
        finally:
            os.lseek(fd, 0, os.SEEK_SET)

    def restrict(self, fd: int) -> None:
        pass  # no POSIX modes: the folder's ACL decides

    def owned_by_me(self, info: os.stat_result) -> bool:
        return True  # st_uid is always 0 on Windows

    def open_to_others(self, info: os.stat_result) -> bool:
        return False  # ACLs cannot be read from a stat

    def fsync_folder(self, folder: Path) -> None:
        pass  # folders cannot be opened (NTFS journals the rename itself)

    def retry_busy(self, call: Callable[[], T]) -> T:
        wait = REPLACE_FIRST_WAIT
        for _ in range(REPLACE_TRIES - 1):
            try:
                return call()
            except PermissionError:  # a sharing violation: another process has the file open
                time.sleep(wait)
            wait *= 2
        return call()


def _select() -> Posix | Windows:
    try:
        return Posix()
    except ImportError:  # no fcntl
        return Windows()


#: The implementation in use.
current: Posix | Windows = _select()


# --------------------------------------------------------------------------- flags
def new_file_flags(*, read: bool = False) -> int:
    """``os.open`` flags for a file that must not exist yet (never through a link)."""
    access = os.O_RDWR if read else os.O_WRONLY
    return access | os.O_CREAT | os.O_EXCL | current.extra


def existing_file_flags() -> int:
    """``os.open`` flags to open an existing file read-write without following a link (and
    without blocking on a pipe planted in its place)."""
    return os.O_RDWR | current.extra | current.nonblock


def read_flags() -> int:
    """``os.open`` flags to read a file whose own name must not be a link."""
    return os.O_RDONLY | current.extra | current.nonblock


# --------------------------------------------------------------------------- calls
def try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False when another holds it."""
    return current.try_lock(fd)


def unlock(fd: int) -> None:
    """Give up the lock taken by :func:`try_lock`."""
    current.unlock(fd)


def restrict(fd: int) -> None:
    """Make an open file readable and writable by its owner only (where modes exist)."""
    current.restrict(fd)


def owned_by_me(info: os.stat_result) -> bool:
    """True when a stat result belongs to the user running Workbench."""
    return current.owned_by_me(info)


def open_to_others(info: os.stat_result) -> bool:
    """True when a folder's mode lets its group or everyone create and remove files in it."""
    return current.open_to_others(info)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (nothing where folders cannot be fsynced)."""
    current.fsync_folder(folder)


def retry_busy(call: Callable[[], T]) -> T:
    """``call()``, retried for a moment on Windows while another process holds the file."""
    return current.retry_busy(call)


def has_modes() -> bool:
    """True where files have POSIX permission bits (not on Windows)."""
    return current.name == "posix"


def removes_open_files() -> bool:
    """True when a file can be removed while it is open (POSIX), False on Windows."""
    return current.removes_open_files


def is_regular(info: os.stat_result) -> bool:
    """True for a regular file (not a link, folder, pipe, device or socket)."""
    return stat.S_ISREG(info.st_mode)


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents with mode 0700, whatever the umask.

    A folder that exists already is left as it is (see :func:`open_to_others`).
    """
    missing = []
    here = folder
    while not here.exists():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)  # mode & ~umask: never wider than 0700
        except FileExistsError:
            continue
