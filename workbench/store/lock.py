"""One writer at a time: an advisory lock file beside the project.

The lock is an ``flock`` on ``PROJECT.lock``; the kernel drops it when its process dies, so a
lock left by a dead process is simply taken over. The file holds the holder's pid, host and
start time only to name it in the message a second writer sees.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from pathlib import Path

from workbench.clock import now
from workbench.errors import ProjectLocked


def lock_path(project_path: Path) -> Path:
    """Where the lock of ``project_path`` lives."""
    return project_path.with_name(project_path.name + ".lock")


class ProjectLock:
    """The write lock of one project file. Use :meth:`acquire` and :meth:`release`."""

    def __init__(self, project_path: Path) -> None:
        self.path = lock_path(project_path)
        self._fd: int | None = None
        self.took_over_from: dict | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise :class:`ProjectLocked` naming the live holder."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise ProjectLocked(
                    _locked_message(self.path, holder),
                    path=self.path.with_name(self.path.name.removesuffix(".lock")),
                    holder=holder,
                ) from None
            # The holder may have removed the file between our open and our flock: retry then.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        previous = _read_holder(fd)
        if previous:
            self.took_over_from = previous  # a holder that died without releasing
        info = {"pid": os.getpid(), "host": socket.gethostname(), "since": now()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        """Give the lock up and remove the lock file."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
            except OSError:  # a folder that turned read-only: the file stays, the lock goes
                try:
                    os.ftruncate(fd, 0)  # so the next writer sees no holder to take over from
                except OSError:
                    pass
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> ProjectLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(fd: int) -> dict | None:
    try:
        raw = os.pread(fd, 4096, 0)
        return json.loads(raw) if raw.strip() else None
    except (OSError, ValueError):
        return None


def _locked_message(path: Path, holder: dict | None) -> str:
    who = ""
    if holder:
        who = f" (process {holder.get('pid')} on {holder.get('host')} since {holder.get('since')})"
    project = path.name[: -len(".lock")]
    return (
        f"{project} is open for writing by another Workbench{who}; close it there first. "
        "Commands that only read still work"
    )
