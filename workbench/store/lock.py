"""One writer at a time: an advisory lock file beside the project.

The lock is an exclusive lock (``flock``; ``msvcrt.locking`` on Windows, see :mod:`platform`)
on ``PROJECT.lock``; the system drops it when its process dies, so a lock left by a dead
process is simply taken over. The file holds the holder's pid, host and start time only to
name it in the message a second writer sees.

The lock file is never followed or written into unless Workbench made it: it is opened with
``O_NOFOLLOW``; a link, a folder, a pipe or a file of another user in its place is refused with
a clear error; a stale lock file left by a dead holder is removed and a new one made, never
truncated (where the folder does not allow that, it is held as it is, unchanged).
"""

from __future__ import annotations

import errno
import json
import os
import socket
import stat
from pathlib import Path

from workbench.clock import now
from workbench.errors import ProjectLocked, WorkbenchError
from workbench.store import platform

#: Rounds of "open, lock, check it is still the file at the path" before giving up.
ATTEMPTS = 20
#: A lock file's text is at most this long (pid, host, time).
HOLDER_LIMIT = 4096


def lock_path(project_path: Path) -> Path:
    """Where the lock of ``project_path`` lives."""
    return project_path.with_name(project_path.name + ".lock")


def folder_warning(project_path: Path) -> str | None:
    """A ``warning: ...`` line when other users can create and remove files beside the project
    (they cannot read a 0600 file, but they can delete, replace or plant names)."""
    folder = project_path.parent
    try:
        info = os.stat(folder)
    except OSError:
        return None
    if not platform.open_to_others(info):
        return None
    return (
        f"warning: {folder} can be changed by other users (mode {stat.S_IMODE(info.st_mode):o}): "
        f"they can delete or replace files in it; make it private (`chmod 700 {folder}`) "
        "unless it is a shared project folder"
    )


class ProjectLock:
    """The write lock of one project file. Use :meth:`acquire` and :meth:`release`."""

    def __init__(self, project_path: Path) -> None:
        self.path = lock_path(project_path)
        self._fd: int | None = None
        self._made = False  # the lock file is ours to write into and to empty
        self.took_over_from: dict | None = None
        #: ``warning: ...`` lines for the user, found while taking the lock
        self.warnings: list[str] = []

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise :class:`ProjectLocked` naming the live holder.

        A lock file that is not a regular file of the user's raises WorkbenchError.
        """
        for attempt in range(ATTEMPTS):
            fd, made = self._open()
            if not platform.try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise self._locked(holder)
            if not self._still_here(fd):  # removed or replaced between our open and our lock
                _close(fd)
                continue
            if made:
                info = {"pid": os.getpid(), "host": socket.gethostname(), "since": now()}
                os.write(fd, json.dumps(info).encode())
                os.fsync(fd)
                self._took(fd, made=True)
                return
            previous = _read_holder(fd)
            if previous:
                self.took_over_from = previous  # a holder that died without releasing
            if attempt < ATTEMPTS - 1 and self._remove_stale(fd):
                continue  # a fresh lock file of our own next time round
            self._took(fd, made=False)  # it cannot be removed (a read-only folder): held as is
            return
        raise WorkbenchError(f"cannot take the lock {self.path}: it keeps changing")

    def _locked(self, holder: dict | None) -> ProjectLocked:
        return ProjectLocked(
            _locked_message(self.path, holder),
            path=self.path.with_name(self.path.name.removesuffix(".lock")),
            holder=holder,
        )

    def _took(self, fd: int, *, made: bool) -> None:
        self._fd, self._made = fd, made
        warning = folder_warning(self.path)
        if warning:
            self.warnings.append(warning)

    def _open(self) -> tuple[int, bool]:
        """An open handle on the lock file: ``(fd, True)`` for a new file made now, else
        ``(fd, False)`` for an existing regular file of ours."""
        while True:
            try:
                return os.open(self.path, platform.new_file_flags(read=True), 0o600), True
            except FileExistsError:
                pass
            try:
                info = os.lstat(self.path)
            except FileNotFoundError:
                continue  # its holder just removed it
            self._refuse_unless_lock_file(info)
            try:
                fd = os.open(self.path, platform.existing_file_flags())
            except FileNotFoundError:
                continue
            except OSError as exc:
                if exc.errno == errno.ELOOP:  # made a link since the lstat
                    self._refuse_unless_lock_file(os.lstat(self.path))
                raise
            try:
                self._refuse_unless_lock_file(os.fstat(fd))  # what was opened, not its name
            except BaseException:
                os.close(fd)
                raise
            return fd, False

    def _refuse_unless_lock_file(self, info: os.stat_result) -> None:
        """Raise WorkbenchError unless ``info`` is a regular lock file of the user's."""
        if stat.S_ISLNK(info.st_mode):
            why = "is a symbolic link"
        elif not platform.is_regular(info):
            why = "is not a regular file"
        elif info.st_nlink != 1:
            why = "is a hard link to another file"
        elif not platform.owned_by_me(info):
            holder = self._live_holder()
            if holder is not None:
                raise self._locked(holder or None)
            why = f"belongs to another user (uid {info.st_uid})"
        else:
            return
        raise WorkbenchError(
            f"{self.path} {why}, not a lock file Workbench made; it was not followed or "
            "changed: look at it and remove it, then try again"
        )

    def _live_holder(self) -> dict | None:
        """The holder named in another user's lock file while its process holds it, ``{}``
        when it is held by one that names nobody, ``None`` when nobody holds it."""
        try:
            fd = os.open(self.path, platform.read_flags())
        except OSError:
            return None
        try:
            if platform.try_lock(fd):
                platform.unlock(fd)
                return None
            return _read_holder(fd) or {}
        except OSError:
            return None
        finally:
            os.close(fd)

    def _still_here(self, fd: int) -> bool:
        try:
            return os.fstat(fd).st_ino == os.lstat(self.path).st_ino
        except FileNotFoundError:
            return False

    def _remove_stale(self, fd: int) -> bool:
        """Remove a dead holder's lock file we now hold; True when it is gone (``fd`` closed)."""
        if platform.removes_open_files():
            try:
                os.unlink(self.path)  # while we hold it: nobody can take it meanwhile
            except OSError:
                return False
            _close(fd)
            return True
        _close(fd)  # Windows: an open file cannot be removed; one opened by another stays
        try:
            os.unlink(self.path)
        except OSError:
            pass
        return True

    def release(self) -> None:
        """Give the lock up and remove the lock file."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if not platform.removes_open_files():
                self._empty(fd)  # removed after closing, unless someone opened it meanwhile
            else:
                try:
                    os.unlink(self.path)
                except FileNotFoundError:
                    pass
                except OSError:  # a folder that turned read-only: the file stays, the lock goes
                    self._empty(fd)
            platform.unlock(fd)
        finally:
            os.close(fd)
        if not platform.removes_open_files():
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def _empty(self, fd: int) -> None:
        """So the next writer sees no holder to take over from (only a file we made)."""
        if self._made:
            try:
                os.ftruncate(fd, 0)
            except OSError:
                pass

    def __enter__(self) -> ProjectLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _close(fd: int) -> None:
    try:
        platform.unlock(fd)
    except OSError:
        pass
    os.close(fd)


def _read_holder(fd: int) -> dict | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, HOLDER_LIMIT)
        holder = json.loads(raw) if raw.strip() else None
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def _locked_message(path: Path, holder: dict | None) -> str:
    who = ""
    if holder:
        who = f" (process {holder.get('pid')} on {holder.get('host')} since {holder.get('since')})"
    project = path.name[: -len(".lock")]
    return (
        f"{project} is open for writing by another Workbench{who}; close it there first. "
        "Commands that only read still work"
    )
