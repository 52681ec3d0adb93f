"""The project: the one API through which every change goes.

A :class:`Project` opens and saves the file and owns the records in memory, the undo history
and the lock. What a researcher works with are its components, each in its own module:
``project.documents``, ``project.cases``, ``project.codebook``, ``project.codings``,
``project.memos`` and ``project.conflicts``. They share one :class:`ChangeRecorder`, so every
change, whichever component makes it, is one undoable step, and :meth:`Project.on_change`
hears of each. Open a project for writing with
``Project.open(path, write=True)``, which takes the lock; read-only opens take no lock.

The lock keeps other Workbench writers out, not ``git pull`` or a sync tool: a save never
writes over a file that changed on disk since it was read or last saved. What came in is first
merged into memory by :attr:`Project.disk_merger` (three-way, the file as last seen being the
base; the team layer provides it), as one undoable step, then written.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.clock import now
from workbench.core.cases import Cases
from workbench.core.codebook import Codebook
from workbench.core.codings import Codings
from workbench.core.collector import collector_paused
from workbench.core.documents import Documents
from workbench.core.history import History, HistoryEntry
from workbench.core.memos import Memos
from workbench.core.model import Conflict, RecordProblem, new_id
from workbench.core.recorder import ChangeRecorder, Step
from workbench.core.records import RecordTable
from workbench.core.state import ProjectState
from workbench.errors import ProjectUnreadable, WorkbenchError
from workbench.store import fileformat, migrations, platform, reader
from workbench.store.atomic import through_link
from workbench.store.lock import ProjectLock
from workbench.store.migrations import migrate
from workbench.store.seen import ChangedOnDisk, DiskChange, FileStamp
from workbench.store.storage import (
    AtomicJSONStorage,
    parse,
    remove_stale_temps,
    unreadable_message,
)

PROJECT_FILE = "project.json"
#: Merges of changes found on disk one save may take in before giving up (the file keeps
#: changing while it is saved).
DISK_MERGE_TRIES = 3


@dataclass(frozen=True, slots=True)
class TakenFromDisk:
    """What a save found changed on disk and took in before writing: a message for a person
    and the number of conflicts the merge kept."""

    message: str
    conflicts: int = 0


#: ``merger(project, base, theirs)`` merges the file on disk (``theirs``, plaintext) into the
#: project in memory, ``base`` being the file as last read or saved; raises WorkbenchError
#: when it cannot.
DiskMerger = Callable[["Project", bytes, bytes], TakenFromDisk]


def resolve_path(arg: str | Path, *, for_create: bool = False) -> Path:
    """The project file an argument names: a folder means ``folder/project.json``.

    For ``init``, a path that does not exist and does not end in ``.json`` is a folder to make.
    A project file that is a symbolic link of the user's means the file it points to: it is
    written there, with its lock and backups beside it.
    """
    path = Path(arg).expanduser()
    if path.is_dir():
        return through_link(path / PROJECT_FILE)
    if for_create and not path.exists() and path.suffix.lower() != ".json":
        return path / PROJECT_FILE
    return through_link(path)


class Conflicts(RecordTable[Conflict]):
    """What a merge could not settle: both sides of each clash, until someone resolves it."""

    table = "conflicts"


class Project:
    """An open project: the file, the lock, the history, and the components holding records."""

    def __init__(self, path: Path, *, lock: ProjectLock | None = None) -> None:
        self.path = path
        self.storage = AtomicJSONStorage(path)
        self.lock = lock
        self.saved_revision = 0
        self._history_lines: dict[str, bytes] = {}
        #: merges what changed on disk before a save; ``None`` refuses to save over it
        self.disk_merger: DiskMerger | None = None
        #: a file on disk the merger could not take in, and why (not tried again unchanged)
        self._refused: tuple[FileStamp | None, str] | None = None
        self._build(ProjectState())

    def _build(self, state: ProjectState) -> None:
        """Compose the components over one state and one recorder."""
        self.state = state
        before = getattr(self, "recorder", None)
        self.recorder = ChangeRecorder(state, self._why_read_only)
        for callback in before.listeners() if before is not None else ():
            self.recorder.listen(callback)
        self.cases = Cases(state, self.recorder)
        self.documents = Documents(state, self.recorder, self.cases)
        self.codebook = Codebook(state, self.recorder)
        self.codings = Codings(state, self.recorder, self.documents, self.codebook)
        self.memos = Memos(
            state,
            self.recorder,
            documents=self.documents,
            cases=self.cases,
            codebook=self.codebook,
            codings=self.codings,
        )
        self.conflicts = Conflicts(state, self.recorder)
        self._tables: dict[str, RecordTable[Any]] = {
            t.table: t
            for t in (
                self.documents,
                self.cases,
                self.codebook,
                self.codings,
                self.memos,
                self.conflicts,
            )
        }

    def _why_read_only(self) -> str | None:
        return f"{self.path} is open read-only" if self.read_only else None

    # ------------------------------------------------------------------ opening and saving
    @classmethod
    def create(cls, path: str | Path, name: str | None = None) -> Project:
        """Make a new empty project file (mode 0600) and return it open for writing."""
        path = resolve_path(path, for_create=True)
        if path.exists():
            raise WorkbenchError(f"{path} already exists")
        try:
            platform.make_private_folder(path.parent)  # 0700 whatever the umask
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
            raw = project.storage.read_raw(remember=write)
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
            self.recorder.history = History([HistoryEntry.from_record(r) for r in parsed[1]])
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
            self.recorder.history = History(
                [HistoryEntry.from_record(r) for r in data.get("history", {}).values()]
            )
        except RecordProblem as exc:
            raise ProjectUnreadable(unreadable_message(self.path, f"damaged: {exc}")) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            why = f"damaged (a record cannot be read: {type(exc).__name__} {exc})"
            raise ProjectUnreadable(unreadable_message(self.path, why)) from None
        if migrated and write:  # the file as it was stays among the backups
            self.write_rendered(self.render(), backup="always")

    def _reset_state(self) -> None:
        self._build(ProjectState())
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
        for key, value in self.state.other_meta.items():  # a newer version's: kept
            tables["meta"][key] = fileformat.dump_entry(key, value)
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

    def save_snapshot(
        self,
        snapshot: dict[str, dict[str, bytes]],
        revision: int,
        *,
        backup: str = "when due",
        between: Callable[[], object] | None = None,
    ) -> None:
        """Render and write a snapshot taken at ``revision`` (callable from a worker thread).

        ``between`` is called between pieces of the rendering (a TUI's save thread waits
        there while a key is answered); the file is the same with it or without it.
        """
        if self.read_only:
            raise WorkbenchError(f"{self.path} is open read-only; the change was not saved")
        self.write_rendered(fileformat.render_parts(snapshot, between), backup=backup,
                            between=between)
        self.saved_revision = max(self.saved_revision, revision)

    def save(self, *, backup: str = "when due") -> list[TakenFromDisk]:
        """Write the project to disk now (atomically). Needs the write lock.

        ``backup="never"`` replaces the file without keeping it as a backup (purging history,
        encrypting: the old file must not survive as a copy). A file changed on disk since it
        was read or saved is first taken in (:meth:`take_disk_change`); returns what was.
        """
        if self.read_only:
            raise WorkbenchError(f"{self.path} is open read-only; the change was not saved")
        taken: list[TakenFromDisk] = []
        for _ in range(DISK_MERGE_TRIES):
            try:
                self.save_snapshot(self.snapshot(), self.revision, backup=backup)
                return taken
            except ChangedOnDisk as changed:
                taken.append(self.take_disk_change(changed.change))
        raise WorkbenchError(
            f"{self.path} keeps changing on disk while it is saved; it was not saved over: "
            "your changes stay in memory"
        )

    def take_disk_change(self, change: DiskChange) -> TakenFromDisk:
        """Take in what changed on disk (from :class:`ChangedOnDisk`) so the next save may write.

        A removed file is simply written again. A changed one is merged into memory by
        :attr:`disk_merger`; without one, or when it cannot (a damaged file, another project's),
        ChangedOnDisk or the merger's WorkbenchError is raised and nothing may be saved over it.
        A file refused once is refused again at once until it changes.
        """
        if change.theirs is None:
            self.storage.took_in(change)
            return TakenFromDisk(
                f"{self.path.name} was removed from disk while it was open; it is written "
                "again from memory"
            )
        if self.disk_merger is None:
            raise ChangedOnDisk(change)
        if self._refused is not None and self._refused[0] == change.stamp:
            raise WorkbenchError(self._refused[1])
        try:
            taken = self.disk_merger(self, change.base, change.theirs)
        except WorkbenchError as exc:
            self._refused = (change.stamp, str(exc))
            raise
        except Exception as exc:  # a fault of the merge must not end a session holding work
            why = (f"{self.path.name} changed on disk and could not be merged (internal error: "
                   f"{type(exc).__name__}); it was not saved over: your changes stay in memory")
            self._refused = (change.stamp, why)
            raise WorkbenchError(why) from exc
        self._refused = None
        self.storage.took_in(change)
        return taken

    def save_copy(self, path: Path) -> int:
        """Write the project as it is in memory (unsaved changes and history included) to
        ``path``, sealed again when the project is encrypted; returns the bytes written."""
        from workbench.store.atomic import write_private

        payload = self.render()
        if self.storage.sealer is not None:
            payload = self.storage.sealer.seal(payload)
        write_private(path, payload)
        return len(payload)

    @property
    def encrypted(self) -> bool:
        """True when the file is sealed with a passphrase."""
        return self.storage.encrypted

    def reseal(self, sealer: Any) -> None:
        """Write the project again sealed with ``sealer`` (plain with ``None``), keeping no
        backup of the file it replaces."""
        before = self.storage.sealer
        self.storage.sealer = sealer
        try:
            self.save(backup="never")
        except BaseException:
            self.storage.sealer = before
            raise

    def write_rendered(self, payload: bytes | list[bytes], *, backup: str = "when due",
                       between: Callable[[], object] | None = None) -> None:
        """Write the file's bytes from :meth:`render` (or its pieces, in order; ``between``
        is called between pieces of the sealing of an encrypted file)."""
        try:
            self.storage.write_bytes(payload, backup=backup, between=between)
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

    # ------------------------------------------------------------------ changes
    def change(self, label: str, *, joins: Hashable | None = None) -> AbstractContextManager[Step]:
        """Group record changes into one undoable step; nested calls join the outer one.

        The block may rename the step (``step.label``). Steps made one after the other with the
        same ``joins`` key are one step to undo (the drafts of a memo being written). If the
        block raises, every record it touched is put back as it was.
        """
        return self.recorder.step(label, joins=joins)

    def undo(self) -> HistoryEntry | None:
        """Undo the newest done step; returns it, or ``None`` when there is nothing to undo."""
        return self.recorder.undo()

    def redo(self) -> HistoryEntry | None:
        """Redo the oldest undone step; returns it, or ``None`` when there is nothing to redo."""
        return self.recorder.redo()

    def on_change(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(revision)`` after every change of the project: each undoable step,
        undo and redo, and each change of its own fields (:meth:`update_meta`)."""
        self.recorder.listen(callback)

    @property
    def history(self) -> History:
        """The undo history (kept in the file)."""
        return self.recorder.history

    @property
    def revision(self) -> int:
        """Counts every change, undo and redo; compare with :attr:`saved_revision`."""
        return self.recorder.revision

    # ------------------------------------------------------------------ the project
    @property
    def name(self) -> str:
        """The project's name."""
        return str(self.state.meta.get("name", self.path.stem))

    @property
    def id(self) -> str:
        """The project's stable id (the same in every copy of it)."""
        return str(self.state.meta.get("id") or "")

    @property
    def meta(self) -> dict[str, Any]:
        """The project's own fields (schema, id, name, created): a copy."""
        return dict(self.state.meta)

    def rename(self, name: str) -> None:
        """Give the project a new name.

        The name is not a record, so this is not an undoable step (pseudonymisation relies on
        that: undo must not bring an original back); it is saved with the next save.
        """
        self.update_meta({"name": name})

    def update_meta(self, fields: dict[str, Any]) -> None:
        """Set (or with ``None`` remove) fields of the project's own record; not undoable."""
        meta = dict(self.state.meta)
        for key, value in fields.items():
            if value is None:
                meta.pop(key, None)
            else:
                meta[key] = value
        self.state.meta = meta
        self.recorder.bump()

    def table(self, name: str) -> RecordTable[Any]:
        """The component holding the records of the table ``name`` (for merges and restores
        that work table by table)."""
        return self._tables[name]

    def to_data(self) -> dict[str, dict[str, Any]]:
        """Every table in its stored form, ``{table: {id: record}}``, with ``meta``."""
        data: dict[str, dict[str, Any]] = {name: t.as_data() for name, t in self._tables.items()}
        data["meta"] = {"project": dict(self.state.meta)}
        return data

    def take_touched_codes(self) -> set[str]:
        """Ids of codes changed, or whose codings changed, since the last call (for views that
        recount only those)."""
        return self.state.take_touched_codes()


def _acquire(lock: ProjectLock, path: Path) -> None:
    try:
        lock.acquire()
    except PermissionError:
        raise WorkbenchError(f"cannot write beside {path} (permission denied)") from None
    except OSError as exc:
        raise WorkbenchError(f"cannot lock {path}: {exc.strerror or exc}") from None
    remove_stale_temps(path)  # left by a writer killed mid-save; ours to clean now
