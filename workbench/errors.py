"""Errors the user can do something about.

Each one becomes a single ``error: ...`` line and exit status 2 on the command line.
"""


class WorkbenchError(Exception):
    """A user-facing error: bad input, unknown name, a project that cannot be opened."""


class ProjectLocked(WorkbenchError):
    """Another live process holds the project's write lock."""


class ProjectUnreadable(WorkbenchError):
    """The project file is not a valid project (cut short, garbage, newer schema)."""
