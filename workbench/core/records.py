"""One table of a project's records, seen as a read-only mapping of id to record.

Every component of :class:`workbench.core.project.Project` (documents, cases, codebook,
codings, memos, conflicts) is a :class:`RecordTable`: callers read records by id with
``project.codebook[code_id]``, ``code_id in project.codebook``, ``project.codings.values()``,
and change them only through the component's own operations, each an undoable step.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from workbench.core.model import from_record, to_record
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.recorder import ChangeRecorder
    from workbench.core.state import ProjectState

R = TypeVar("R")


class RecordTable(Mapping[str, R], Generic[R]):
    """The records of one table by id, with the step object every change goes through."""

    #: the table's name in the project file
    table = ""

    def __init__(self, state: ProjectState, recorder: ChangeRecorder) -> None:
        self._state = state
        self._records: dict[str, R] = state.tables[self.table]
        self._recorder = recorder
        self.change = recorder.step

    def __getitem__(self, record_id: str) -> R:
        return self._records[record_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._records

    def holds(self, earlier: Mapping[str, R]) -> bool:
        """True when the table holds the very records of ``earlier`` (a ``dict`` copy of it
        taken before), and no others: records are replaced, never changed in place."""
        records = self._records
        return len(records) == len(earlier) and all(
            records.get(k) is v for k, v in earlier.items()
        )

    def current(self, record: R) -> R:
        """The record as it is now.

        Callers (a TUI) may hold a copy from before an edit or an undo; writing that copy back
        would silently revert those changes, so every operation starts from the current one.
        """
        found = self._records.get(record.id)  # type: ignore[attr-defined]
        if found is None:
            name = getattr(record, "name", "")
            raise WorkbenchError(
                f"that {self.table[:-1]}{f' ({name})' if name else ''} no longer exists "
                "(it was deleted, or its creation undone)"
            )
        return found

    def put(self, record: R) -> None:
        """Insert or replace a whole record, inside a step.

        For importers, merges and pseudonymisation, which build records whole; everything else
        uses the component's named operations.
        """
        self._state.put(self.table, record)  # type: ignore[arg-type]

    def drop(self, record_id: str) -> None:
        """Delete a record by id inside a step (a missing one is ignored)."""
        self._state.remove(self.table, record_id)

    def restore(self, record_id: str, record: dict[str, Any] | None) -> None:
        """Set a record to its stored form (a JSON dictionary), or delete it with ``None``."""
        if record is None:
            self.drop(record_id)
        else:
            self.put(from_record(self.table, record))

    def as_data(self) -> dict[str, dict[str, Any]]:
        """Every record in its stored form, by id (what a project file holds)."""
        return {rid: to_record(obj) for rid, obj in self._records.items()}
