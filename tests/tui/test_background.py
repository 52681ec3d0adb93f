"""The end of a dialog's work on a thread."""

from __future__ import annotations

from types import SimpleNamespace

from textual.worker import WorkerState

from workbench.errors import WorkbenchError
from workbench.tui.background import when_finished


class Event(SimpleNamespace):
    stopped = False

    def stop(self) -> None:
        self.stopped = True


def finish(state: WorkerState, *, group: str = "mine", result=None, error=None):
    event = Event(worker=SimpleNamespace(group=group, state=state, result=result, error=error))
    seen: list[tuple[str, object]] = []
    when_finished(event, "mine", done=lambda r: seen.append(("done", r)),
                  failed=lambda m: seen.append(("failed", m)), doing="export")
    return event, seen


def test_a_result_and_each_failure_go_their_way() -> None:
    event, seen = finish(WorkerState.SUCCESS, result=42)
    assert seen == [("done", 42)] and event.stopped
    _, seen = finish(WorkerState.ERROR, error=WorkbenchError("no memos of kind 'x'"))
    assert seen == [("failed", "no memos of kind 'x'")]
    _, seen = finish(WorkerState.ERROR, error=OSError(28, "No space left on device"))
    assert seen == [("failed", "could not export: OSError(28, 'No space left on device')")]
    _, seen = finish(WorkerState.CANCELLED)
    assert seen == [("failed", "could not export: it was stopped")]


def test_other_workers_and_states_are_left_alone() -> None:
    event, seen = finish(WorkerState.SUCCESS, group="saver")
    assert seen == [] and not event.stopped
    event, seen = finish(WorkerState.RUNNING)
    assert seen == [] and event.stopped
