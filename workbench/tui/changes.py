"""The words of the change pipeline: the message every change of the project becomes, and the
exception a change raises to say, without an error, that there is nothing to change.

The pipeline itself: screens change the project only through ``WorkbenchApp.apply`` (or
``WorkbenchApp.ask`` when they must ask first); the app listens to the project, and each new
revision is told to the app's saver, which writes it to disk, and posted as
:class:`ProjectChanged` to the main screen, which redraws its panes.
"""

from __future__ import annotations

from textual.message import Message


class ProjectChanged(Message):
    """The project has a new revision: a change, an undo or a redo (possibly several in a row:
    the handlers look at the project as it is now, not at the message)."""

    def __init__(self, revision: int) -> None:
        super().__init__()
        self.revision = revision


class NotChanged(Exception):
    """Raised inside a change to refuse it with a warning (``Nothing to undo``; none for a bare
    ``NotChanged()``): no error, nothing changed."""
