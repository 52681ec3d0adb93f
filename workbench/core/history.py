"""Undo and redo of every change, kept in the project file so they work across sessions.

A change is a list of record states. An entry that is *done* holds each touched record as it
was before the change, which is what undo restores; undoing swaps in the records as they were
after, which is what redo restores. So every entry holds exactly one copy of what it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.clock import now
from workbench.core.model import new_id

#: Entries kept; the oldest are forgotten past this.
HISTORY_LIMIT = 500

RecordState = tuple[str, str, dict[str, Any] | None]  # (table, record id, record or None)


@dataclass(slots=True)
class HistoryEntry:
    """One undoable step: its label, when it happened, and the records to restore."""

    id: str
    seq: int
    label: str
    time: str
    done: bool
    records: list[RecordState] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        """The entry as stored in the ``history`` table."""
        return {
            "id": self.id,
            "seq": self.seq,
            "label": self.label,
            "time": self.time,
            "state": "done" if self.done else "undone",
            "records": [{"table": t, "id": i, "record": r} for t, i, r in self.records],
        }

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> HistoryEntry:
        """Rebuild an entry from the ``history`` table."""
        return cls(
            id=rec["id"],
            seq=int(rec["seq"]),
            label=rec.get("label", ""),
            time=rec.get("time", ""),
            done=rec.get("state", "done") == "done",
            records=[(r["table"], r["id"], r.get("record")) for r in rec.get("records", [])],
        )


class History:
    """Done entries (oldest first) followed by undone ones (the redo stack)."""

    def __init__(self, entries: list[HistoryEntry] | None = None) -> None:
        self.entries: list[HistoryEntry] = sorted(entries or [], key=lambda e: e.seq)
        self.dirty_ids: set[str] = set()
        self.dropped_ids: set[str] = set()

    @property
    def done(self) -> list[HistoryEntry]:
        """Entries that can be undone, oldest first."""
        return [e for e in self.entries if e.done]

    @property
    def undone(self) -> list[HistoryEntry]:
        """Entries that can be redone, the next one to redo first."""
        return [e for e in self.entries if not e.done]

    def next_undo(self) -> HistoryEntry | None:
        """The entry :meth:`Project.undo` would undo."""
        for entry in reversed(self.entries):
            if entry.done:
                return entry
        return None

    def next_redo(self) -> HistoryEntry | None:
        """The entry :meth:`Project.redo` would redo."""
        for entry in self.entries:
            if not entry.done:
                return entry
        return None

    def record(self, label: str, records: list[RecordState]) -> HistoryEntry:
        """Add a new done entry; it discards whatever could have been redone."""
        for entry in [e for e in self.entries if not e.done]:
            self._drop(entry)
        seq = self.entries[-1].seq + 1 if self.entries else 1
        entry = HistoryEntry(new_id(), seq, label, now(), True, records)
        self.entries.append(entry)
        self.dirty_ids.add(entry.id)
        while len(self.entries) > HISTORY_LIMIT:
            self._drop(self.entries[0])
        return entry

    def extend(self, entry: HistoryEntry, records: list[RecordState]) -> None:
        """Join later changes to ``entry``: it keeps each record as it was before its first
        change, and takes in the records it did not touch yet."""
        touched = {(table, record_id) for table, record_id, _ in entry.records}
        entry.records.extend(r for r in records if (r[0], r[1]) not in touched)
        entry.time = now()
        self.dirty_ids.add(entry.id)

    def mark(self, entry: HistoryEntry, done: bool, records: list[RecordState]) -> None:
        """Flip an entry after undo or redo, with the records that reverse it."""
        entry.done = done
        entry.records = records
        self.dirty_ids.add(entry.id)

    def clear(self) -> None:
        """Forget every entry (used when identifying text must leave the file)."""
        for entry in list(self.entries):
            self._drop(entry)

    def _drop(self, entry: HistoryEntry) -> None:
        self.entries.remove(entry)
        self.dirty_ids.discard(entry.id)
        self.dropped_ids.add(entry.id)
