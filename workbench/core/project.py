"""The project: the one API through which every change goes.

A :class:`Project` holds the records in memory (with indexes), records every change in its
history so it can be undone, and saves through the atomic storage. Open it for writing with
``Project.open(path, write=True)``, which takes the lock; read-only opens take no lock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.clock import now
from workbench.core.codebook import CodebookOperations
from workbench.core.collector import collector_paused
from workbench.core.documents import DocumentOperations
from workbench.core.history import History, HistoryEntry, RecordState
from workbench.core.memos import MemoOperations
from workbench.core.model import Code, Coding, Document, new_id
from workbench.errors import ProjectUnreadable, WorkbenchError
from workbench.store import fileformat, migrations, reader
from workbench.store.lock import ProjectLock
from workbench.store.migrations import migrate
from workbench.store.storage import (
    AtomicJSONStorage,
    parse,
    remove_stale_temps,
    unreadable_message,
)

PROJECT_FILE = "project.json"


def resolve_path(arg: str | Path, *, for_create: bool = False) -> Path:
    """The project file an argument names: a folder means ``folder/project.json``.

    For ``init``, a path that does not exist and does not end in ``.json`` is a folder to make.
    """
    path = Path(arg).expanduser()
    if path.is_dir():
        return path / PROJECT_FILE
    if for_create and not path.exists() and path.suffix.lower() != ".json":
        return path / PROJECT_FILE
    return path


@dataclasses.dataclass(slots=True)
class Step:
    """The undoable step being built inside ``Project.change()``."""

    label: str


class Project(DocumentOperations, MemoOperations, CodebookOperations):
    """An open project. Queries read the in-memory state; changes go through ``change()``."""

    def __init__(self, path: Path, *, lock: ProjectLock | None = None) -> None:
        from workbench.core.state import ProjectState

        self.path = path
        self.state = ProjectState()
        self.history = History()
        self.storage = AtomicJSONStorage(path)
        self.lock = lock
        self.revision = 0  # bumped by every change, undo and redo
        self.saved_revision = 0
        self._pending: list[RecordState] | None = None
        self._history_lines: dict[str, bytes] = {}
        self.state.listener = self._on_record_change

    # ------------------------------------------------------------------ opening and saving
    @classmethod
    def create(cls, path: str | Path, name: str | None = None) -> Project:
        """Make a new empty project file (mode 0600) and return it open for writing."""
        path = resolve_path(path, for_create=True)
        if path.exists():
            raise WorkbenchError(f"{path} already exists")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkbenchError(f"cannot create {path.parent}: {exc.strerror}") from None
        lock = ProjectLock(path)
        _acquire(lock, path)
        project = cls(path, lock=lock)
        project.state.meta = {
            "schema": fileformat.SCHEMA_VERSION,
            "id": new_id(),
            "name": name or (path.parent.name if path.name == PROJECT_FILE else path.stem),
            "created": now(),
        }
        try:
            project.save()
        except BaseException:
            lock.release()
            raise
        return project

    @classmethod
    def open(cls, path: str | Path, *, write: bool = False) -> Project:
        """Open an existing project; ``write`` takes the lock (or raises ProjectLocked)."""
        path = resolve_path(path)
        if not path.exists():
            raise WorkbenchError(f"no project at {path} (create one with `workbench init {path}`)")
        lock = ProjectLock(path) if write else None
        if lock is not None:
            _acquire(lock, path)
        try:
            project = cls(path, lock=lock)
            raw = project.storage.read_raw()
            if raw is None:
                raise WorkbenchError(f"no project at {path}")
            with collector_paused():  # tens of thousands of records: no cycles to look for
                if not project._load_lines(raw, write=write):
                    project._load_whole(raw, write=write)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return project

    def _load_lines(self, raw: bytes, *, write: bool) -> bool:
        """Read a file in the layout Workbench writes, by table (fast); False if it is not."""
        file = reader.split_file(raw, keep_lines=write)  # only a writer saves them back
        if file is None or not migrations.is_current(file.meta.get("project", {})):
            return False  # older or newer files go the whole way, through migrate()
        history = file.tables.get("history")
        parsed = ([], []) if history is None else history.parse()
        if parsed is None or not self.state.load_lines(file):
            self._reset_state()
            return False
        try:
            self.history = History([HistoryEntry.from_record(r) for r in parsed[1]])
        except (KeyError, TypeError, ValueError, AttributeError):
            self._reset_state()
            return False
        if history is not None and history.lines is not None:
            self._history_lines.update(zip(parsed[0], history.lines, strict=True))
        return True

    def _load_whole(self, raw: bytes, *, write: bool) -> None:
        """Read a file as one JSON document, migrating an older one; explains a damaged one."""
        data, migrated = migrate(parse(raw, self.path), self.path)
        try:
            self.state.load(data)
            self.history = History(
                [HistoryEntry.from_record(r) for r in data.get("history", {}).values()]
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            why = f"damaged (a record cannot be read: {type(exc).__name__} {exc})"
            raise ProjectUnreadable(unreadable_message(self.path, why)) from None
        if migrated and write:  # the file as it was stays among the backups
            self.write_rendered(self.render(), backup="always")

    def _reset_state(self) -> None:
        from workbench.core.state import ProjectState

        self.state = ProjectState()
        self.state.listener = self._on_record_change
        self.history = History()
        self._history_lines.clear()

    @property
    def read_only(self) -> bool:
        """True when this process does not hold the write lock."""
        return self.lock is None or not self.lock.held

    @property
    def dirty(self) -> bool:
        """True when there are changes not yet on disk."""
        return self.revision != self.saved_revision

    def snapshot(self) -> dict[str, dict[str, bytes]]:
        """Every record as a serialised line, per table: cheap to take, safe to render elsewhere.

        A TUI takes the snapshot on its UI thread and renders and writes it on a worker thread.
        """
        tables = self.state.lines()
        tables["meta"] = {"project": fileformat.dump_entry("project", self.state.meta)}
        history = self.history
        for entry in history.entries:
            if entry.id in history.dirty_ids or entry.id not in self._history_lines:
                self._history_lines[entry.id] = fileformat.dump_entry(entry.id, entry.to_record())
        history.dirty_ids.clear()
        for entry_id in history.dropped_ids:
            self._history_lines.pop(entry_id, None)
        history.dropped_ids.clear()
        tables["history"] = dict(self._history_lines)
        return tables

    def render(self) -> bytes:
        """The project file's bytes as they would be saved now."""
        return fileformat.render(self.snapshot())

    def save_snapshot(self, snapshot: dict[str, dict[str, bytes]], revision: int) -> None:
        """Render and write a snapshot taken at ``revision`` (callable from a worker thread)."""
        if self.read_only:
            raise WorkbenchError(f"{self.path} is open read-only; the change was not saved")
        self.write_rendered(fileformat.render_parts(snapshot))
        self.saved_revision = max(self.saved_revision, revision)

    def save(self) -> None:
        """Write the project to disk now (atomically). Needs the write lock."""
        if self.read_only:
            raise WorkbenchError(f"{self.path} is open read-only; the change was not saved")
        self.save_snapshot(self.snapshot(), self.revision)

    def write_rendered(self, payload: bytes | list[bytes], *, backup: str = "when due") -> None:
        """Write the file's bytes from :meth:`render` (or its pieces, in order)."""
        try:
            self.storage.write_bytes(payload, backup=backup)
        except OSError as exc:
            raise WorkbenchError(
                f"could not save {self.path}: {exc.strerror or exc}; the file on disk is the "
                "previous version"
            ) from None

    def close(self) -> None:
        """Release the lock (saving first if anything is unsaved)."""
        try:
            if self.dirty and not self.read_only:
                self.save()
        finally:
            if self.lock is not None:
                self.lock.release()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.close()
        elif self.lock is not None:
            self.lock.release()  # a failed command saves nothing

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def change(self, label: str) -> Iterator[Step]:
        """Group record changes into one undoable step; nested calls join the outer one.

        The block may rename the step (``step.label``). If the block raises, every record it
        touched is put back as it was.
        """
        step = Step(label)
        if self._pending is not None:
            yield step
            return
        if self.read_only:
            raise WorkbenchError(f"{self.path} is open read-only")
        self._pending = []
        try:
            yield step
        except BaseException:
            pending, self._pending = self._pending, None
            self.state.listener = None
            try:
                self.state.restore_many(reversed(pending))
            finally:
                self.state.listener = self._on_record_change
            raise
        pending, self._pending = self._pending, None
        if pending:
            self.history.record(step.label, _first_states(pending))
            self.revision += 1

    def _on_record_change(self, table: str, record_id: str, before: dict[str, Any] | None) -> None:
        if self._pending is None:
            raise RuntimeError("records change only inside Project.change()")
        self._pending.append((table, record_id, before))

    def undo(self) -> HistoryEntry | None:
        """Undo the newest done step; returns it, or ``None`` when there is nothing to undo."""
        return self._swap(self.history.next_undo(), done=False)

    def redo(self) -> HistoryEntry | None:
        """Redo the oldest undone step; returns it, or ``None`` when there is nothing to redo."""
        return self._swap(self.history.next_redo(), done=True)

    def _swap(self, entry: HistoryEntry | None, *, done: bool) -> HistoryEntry | None:
        if entry is None:
            return None
        if self.read_only:
            raise WorkbenchError(f"{self.path} is open read-only")
        if self._pending is not None:
            raise RuntimeError("undo and redo cannot run inside Project.change()")
        reverse: list[RecordState] = []
        self.state.listener = lambda table, rid, before: reverse.append((table, rid, before))
        try:
            self.state.restore_many(reversed(entry.records))
        finally:
            self.state.listener = self._on_record_change
        self.history.mark(entry, done, _first_states(reverse))
        self.revision += 1
        return entry

    # ------------------------------------------------------------------ the project
    @property
    def name(self) -> str:
        """The project's name."""
        return str(self.state.meta.get("name", self.path.stem))

    # ------------------------------------------------------------------ codings
    def codings_of_document(self, document: Document) -> list[Coding]:
        """The codings of a document, by position."""
        found = self.state.codings_by_document.get(document.id, {}).values()
        return sorted(found, key=lambda c: (c.start, c.end, c.id))

    def codings_of_code(self, code: Code) -> list[Coding]:
        """The codings of one code (not its children)."""
        return list(self.state.codings_by_code.get(code.id, {}).values())

    def coding(self, coding_id: str) -> Coding:
        """A coding by id (or a unique prefix of at least 6 characters)."""
        found = self.state.tables["codings"].get(coding_id)
        if found is None and len(coding_id) >= 6:
            hits = [
                c for cid, c in self.state.tables["codings"].items() if cid.startswith(coding_id)
            ]
            found = hits[0] if len(hits) == 1 else None
        if found is None:
            raise WorkbenchError(f"no coding with id {coding_id!r}")
        return found

    def code_text(
        self, document: Document, start: int, end: int, code_ref: str | Code, coder: str
    ) -> Coding:
        """Apply a code (created with its parents when new) to ``document.text[start:end]``.

        Applying the same code to the same span by the same coder again changes nothing.
        """
        document = self._current("documents", document)
        if isinstance(code_ref, Code):
            code_ref = self._current("codes", code_ref)
        if not 0 <= start < end <= len(document.text):
            raise WorkbenchError(
                f"span {start}:{end} is not inside {document.name!r} (0 to {len(document.text)}; "
                "START must be less than END)"
            )
        coder = coder.strip()
        if not coder:
            raise WorkbenchError("a coding needs a coder name")
        with self.change("code") as step:
            code = code_ref if isinstance(code_ref, Code) else self.ensure_code(code_ref)
            step.label = f"code {self.code_path(code)}"
            twin = self.state.same_coding((document.id, code.id, start, end, coder))
            if twin is not None:
                return twin
            coding = Coding(
                id=new_id(),
                document=document.id,
                code=code.id,
                start=start,
                end=end,
                text=document.text[start:end],
                coder=coder,
                created=now(),
            )
            self.state.put("codings", coding)
        return coding

    def uncode(self, coding: Coding) -> None:
        """Remove a coding (its memos go with it and come back on undo)."""
        coding = self._current("codings", coding)
        with self.change(f"uncode {self.code_path(self.state.tables['codes'][coding.code])}"):
            for memo in list(self.state.memos_by_target.get(("coding", coding.id), {}).values()):
                self.state.remove("memos", memo.id)
            self.state.remove("codings", coding.id)


def _acquire(lock: ProjectLock, path: Path) -> None:
    try:
        lock.acquire()
    except PermissionError:
        raise WorkbenchError(f"cannot write beside {path} (permission denied)") from None
    except OSError as exc:
        raise WorkbenchError(f"cannot lock {path}: {exc.strerror or exc}") from None
    remove_stale_temps(path)  # left by a writer killed mid-save; ours to clean now


def _first_states(changes: list[RecordState]) -> list[RecordState]:
    """Keep, for each record, only its state before the first change (in change order)."""
    seen: set[tuple[str, str]] = set()
    out: list[RecordState] = []
    for table, record_id, rec in changes:
        if (table, record_id) not in seen:
            seen.add((table, record_id))
            out.append((table, record_id, rec))
    return out
