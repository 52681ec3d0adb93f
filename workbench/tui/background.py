"""The end of a dialog's work on a thread (reading files to import, writing an export)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.worker import Worker, WorkerState

from workbench.errors import WorkbenchError


def when_finished(event: Worker.StateChanged, group: str, *, done: Callable[[Any], None],
                  failed: Callable[[str], None], doing: str) -> None:
    """Route the end of a worker of ``group``: ``done(result)`` when it succeeded,
    ``failed(message)`` when it raised or was cancelled (a :class:`WorkbenchError` says its
    own message; anything else ``could not {doing}: ...``). Other workers' events go on."""
    worker = event.worker
    if worker.group != group:
        return
    event.stop()
    if worker.state == WorkerState.SUCCESS:
        done(worker.result)
    elif worker.state in (WorkerState.ERROR, WorkerState.CANCELLED):
        error = worker.error
        if isinstance(error, WorkbenchError):
            failed(str(error))
        else:
            failed(f"could not {doing}: " + ("it was stopped" if error is None else repr(error)))
