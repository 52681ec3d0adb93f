"""Errors the user can do something about.

Each one becomes a single ``error: ...`` line and exit status 2 on the command line.
"""

from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """A user-facing error: bad input, unknown name, a project that cannot be opened."""


class ProjectLocked(WorkbenchError):
    """Another live process holds the project's write lock.

    ``path`` is the project file; ``holder`` is what the lock file says of the process holding
    it (``pid``, ``host``, ``since``), or ``None`` when that could not be read.
    """

    def __init__(
        self, message: str, *, path: Path | None = None, holder: dict | None = None
    ) -> None:
        super().__init__(message)
        self.path = path
        self.holder = holder

    @property
    def holder_text(self) -> str:
        """``process 4242 on laptop since 2024-05-01T10:00:00``, or ``""`` when unknown."""
        if not self.holder:
            return ""
        holder = self.holder
        return f"process {holder.get('pid')} on {holder.get('host')} since {holder.get('since')}"


class ProjectUnreadable(WorkbenchError):
    """The project file is not a valid project (cut short, garbage, newer schema)."""
