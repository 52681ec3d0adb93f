"""Undoable steps: every record change inside one ``step()`` becomes one entry of the history.

The :class:`ChangeRecorder` is the one transaction object the project's components share. It
listens to the records' state, keeps what each record was before the step's first change, and
on undo or redo puts those states back (recording the reverse so the step can be swapped again).
Whoever shows the project (the terminal workbench) subscribes with :meth:`ChangeRecorder.listen`
and hears of every new revision: a step, an undo, a redo or a change that is not a record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from workbench.core.history import History, HistoryEntry, RecordState
from workbench.core.model import RECORD_TYPES, record_problem
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.state import ProjectState


@dataclasses.dataclass(slots=True)
class Step:
    """The undoable step being built inside :meth:`ChangeRecorder.step`; its label may change."""

    label: str


class ChangeRecorder:
    """Groups record changes into undoable steps and counts every change as a revision."""

    def __init__(self, state: ProjectState, refuse: Callable[[], str | None]) -> None:
        #: returns why nothing may change now (a read-only project), or ``None``
        self._refuse = refuse
        self.history = History()
        self.revision = 0  # bumped by every step, undo and redo
        self._pending: list[RecordState] | None = None
        self._listeners: list[Callable[[int], None]] = []
        #: the newest entry and the ``joins`` key it was made with (see :meth:`step`)
        self._joinable: tuple[Hashable, HistoryEntry] | None = None
        self.state = state
        state.listener = self._on_record_change

    @contextmanager
    def step(self, label: str, *, joins: Hashable | None = None) -> Iterator[Step]:
        """One undoable step; nested steps join the outer one.

        A step made with a ``joins`` key becomes part of the newest entry of the history when
        that entry was made with the same key and nothing came after it (no other step, undo
        or redo): the drafts of one memo written in one go are one step to undo. If the block
        raises, every record it touched is put back as it was.
        """
        step = Step(label)
        if self._pending is not None:
            yield step
            return
        why = self._refuse()
        if why:
            raise WorkbenchError(why)
        self._pending = []
        try:
            yield step
        except BaseException:
            pending, self._pending = self._pending, None
            with self.unrecorded():
                self.state.restore_many(reversed(pending))
            raise
        pending, self._pending = self._pending, None
        if pending:
            states = _first_states(pending)
            entry = self._joined(joins)
            if entry is not None:
                self.history.extend(entry, states)
            else:
                entry = self.history.record(step.label, states)
            self._joinable = (joins, entry) if joins is not None else None
            self._new_revision()

    def _joined(self, joins: Hashable | None) -> HistoryEntry | None:
        """The newest entry, if a step with the key ``joins`` becomes part of it."""
        if joins is None or self._joinable is None:
            return None
        key, entry = self._joinable
        entries = self.history.entries
        if key != joins or not entries or entries[-1] is not entry or not entry.done:
            return None
        return entry

    @property
    def in_step(self) -> bool:
        """True inside :meth:`step`."""
        return self._pending is not None

    def undo(self) -> HistoryEntry | None:
        """Undo the newest done step; returns it, or ``None`` when there is nothing to undo."""
        return self._swap(self.history.next_undo(), done=False)

    def redo(self) -> HistoryEntry | None:
        """Redo the oldest undone step; returns it, or ``None`` when there is nothing to redo."""
        return self._swap(self.history.next_redo(), done=True)

    def bump(self) -> None:
        """Count a change that is not a record (the project's name): it must be saved too."""
        self._new_revision()

    def listen(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(revision)`` after every change: each step, undo, redo and bump."""
        self._listeners.append(callback)

    def listeners(self) -> list[Callable[[int], None]]:
        """The callbacks given to :meth:`listen` (for a recorder taking this one's place)."""
        return list(self._listeners)

    def _new_revision(self) -> None:
        self.revision += 1
        for callback in list(self._listeners):
            callback(self.revision)

    def _swap(self, entry: HistoryEntry | None, *, done: bool) -> HistoryEntry | None:
        if entry is None:
            return None
        why = self._refuse()
        if why:
            raise WorkbenchError(why)
        if self._pending is not None:
            raise RuntimeError("undo and redo cannot run inside a step")
        self._joinable = None
        for table, _rid, rec in entry.records:  # a hand-edited history must not get in
            problem = (f"it names the unknown table {table!r}" if table not in RECORD_TYPES
                       else None if rec is None else record_problem(table, rec))
            if problem:
                raise WorkbenchError(
                    f"the history step {entry.label!r} is damaged ({problem}); nothing was "
                    "changed (`workbench purge-history` clears the history)"
                )
        reverse: list[RecordState] = []
        self.state.listener = lambda table, rid, before: reverse.append((table, rid, before))
        try:
            self.state.restore_many(reversed(entry.records))
        finally:
            self.state.listener = self._on_record_change
        self.history.mark(entry, done, _first_states(reverse))
        self._new_revision()
        return entry

    @contextmanager
    def unrecorded(self) -> Iterator[None]:
        """Record changes made in the block nowhere: for putting records back as they were,
        and for test fixtures."""
        self.state.listener = None
        try:
            yield
        finally:
            self.state.listener = self._on_record_change

    def _on_record_change(self, table: str, record_id: str, before: dict[str, Any] | None) -> None:
        if self._pending is None:
            raise RuntimeError("records change only inside a step (Project.change())")
        self._pending.append((table, record_id, before))


def _first_states(changes: list[RecordState]) -> list[RecordState]:
    """Keep, for each record, only its state before the first change (in change order)."""
    seen: set[tuple[str, str]] = set()
    out: list[RecordState] = []
    for table, record_id, rec in changes:
        if (table, record_id) not in seen:
            seen.add((table, record_id))
            out.append((table, record_id, rec))
    return out
