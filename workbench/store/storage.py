"""A TinyDB storage that never leaves the project file half-written.

Each write goes to a temporary file in the project's own folder (mode 0600), is flushed and
fsynced, replaces the project with ``os.replace`` and then fsyncs the folder, so a reader or a
process killed at any moment sees either the old file or the new one (see :mod:`atomic`). Before
replacing, the old file is kept as a rotating backup (``PROJECT.bak-1`` is the newest). A
project file that is a symbolic link of the user's is written through: the file it points to
is replaced, and its backups are kept beside it.

A storage that has read or written its file remembers it (:mod:`seen`) and never writes over
a file that changed on disk since: the write raises :class:`ChangedOnDisk` until the caller has
merged what came in and called :meth:`AtomicJSONStorage.took_in`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from workbench.errors import ProjectUnreadable, WorkbenchError
from workbench.store import crypto, fileformat, platform, reader, tempfiles
from workbench.store.atomic import atomic_write, through_link, write_target
from workbench.store.seen import ChangedOnDisk, DiskChange, FileStamp, SeenFile, look

#: How many backups to keep beside the project.
BACKUP_COUNT = 3
#: A new backup is taken at the first save of a process, then at most this often (seconds).
BACKUP_INTERVAL = 600.0


def backup_path(path: Path, n: int) -> Path:
    """The ``n``-th newest backup of ``path`` (1 is the newest)."""
    return path.with_name(f"{path.name}.bak-{n}")


def backups(path: Path) -> list[Path]:
    """The backups of ``path`` that exist, newest first (regular files only: a link in a
    backup's place is never followed)."""
    return [p for n in range(1, BACKUP_COUNT + 1) if _is_file(p := backup_path(path, n))]


def _is_file(path: Path) -> bool:
    try:
        return platform.is_regular(os.lstat(path))
    except OSError:
        return False


class AtomicJSONStorage(Storage):
    """TinyDB storage: JSON read whole, written atomically with rotating backups."""

    def __init__(self, path: str | os.PathLike, **_: Any) -> None:
        """TinyDB's own options (such as ``create``) are ignored: the project decides when a
        file is made."""
        self.path = Path(path)
        #: set when the file read was encrypted: every write is then encrypted with it
        self.sealer: crypto.Sealer | None = None
        #: the file as last read (when asked to remember it) or written; ``None``: no check
        self.seen: SeenFile | None = None
        #: keep the file on disk as a backup at the next write (it held changes merged in)
        self._keep_next = False

    @property
    def encrypted(self) -> bool:
        """True when writes are encrypted (the file was, or was made so by ``encrypt``)."""
        return self.sealer is not None

    # -- TinyDB's Storage interface --------------------------------------------------------
    def read(self) -> dict[str, Any] | None:
        """The parsed file, or ``None`` when it does not exist yet."""
        raw = self.read_raw()
        return None if raw is None else parse(raw, self.path)

    def read_raw(self, *, remember: bool = False) -> bytes | None:
        """The file's bytes (decrypted when it is encrypted), or ``None`` when it does not exist.

        ``remember`` keeps what was read, so a later write notices a change on disk (writers
        only: it holds the file's bytes for as long as the storage lives).
        """
        try:
            with self.path.open("rb") as handle:
                info = os.fstat(handle.fileno())
                raw = handle.read()
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise WorkbenchError(f"{self.path} is a folder, not a project file") from None
        except PermissionError:
            raise WorkbenchError(f"{self.path} cannot be read (permission denied)") from None
        if crypto.is_sealed(raw):
            raw, self.sealer = unseal(raw, self.path)
        if remember:
            self.seen = SeenFile(through_link(self.path), FileStamp.of(info), raw, self.sealer)
        return raw

    def write(self, data: Mapping[str, Any]) -> None:
        """Write ``{table: {id: record}}`` atomically."""
        self.write_bytes(fileformat.render_data(data))

    def close(self) -> None:  # nothing stays open between writes
        pass

    # -- ours --------------------------------------------------------------------------------
    def write_bytes(self, payload: bytes | list[bytes], *, backup: str = "when due",
                    between: Callable[[], object] | None = None) -> None:
        """Replace the file with ``payload`` atomically, keeping the old file as a backup.

        ``backup`` is ``"when due"`` (see :meth:`_backup_due`), ``"always"`` (before a
        migration rewrites the file) or ``"never"`` (writing a backup back in place: the file
        being replaced is then not worth a place among the backups). ``between`` is called
        between pieces of the sealing of an encrypted file (see :meth:`Sealer.sealed_pieces`).
        """
        self._check_disk()
        plain = payload
        sealer = self.sealer
        if sealer is not None:  # sealed in memory: no plaintext reaches the disk
            payload = sealer.sealed_pieces(payload, between)
        path = write_target(self.path)
        rotate = path.exists() and (
            backup == "always"
            or (backup == "when due" and (self._keep_next or self._backup_due(path)))
        )

        def before_replace() -> None:
            self._check_disk()  # once more, as late as can be: a stat when nothing changed
            if rotate:
                _rotate_backups(path)

        written = atomic_write(path, payload, before_replace=before_replace)
        try:
            now = os.lstat(path)
        except OSError:
            now = written
        if not FileStamp.of(written).same_content_as(now):
            now = written  # replaced at once by someone else: the next write looks at it
        self.seen = SeenFile(path, FileStamp.of(now), plain, sealer)
        self._keep_next = False

    # -- changes on disk ----------------------------------------------------------------------
    def disk_change(self) -> DiskChange | None:
        """What changed in the file on disk since it was last read or written (``None``: nothing,
        or nothing was remembered). Raises WorkbenchError when the file may not be written
        over at all (see :func:`seen.look`)."""
        if self.seen is None:
            return None
        found = look(self.seen)
        if isinstance(found, SeenFile):
            self.seen = found
            return None
        return found

    def _check_disk(self) -> None:
        change = self.disk_change()
        if change is not None:
            raise ChangedOnDisk(change)

    def took_in(self, change: DiskChange) -> None:
        """``change`` was merged into what the next write writes: the file now on disk is the
        base from here on, and it is kept as a backup when it is replaced."""
        if change.theirs is None:  # removed: written again from memory, as a new file
            self.seen = None
            return
        self.seen = SeenFile(change.path, change.stamp, change.theirs, change.sealer)
        self._keep_next = True

    def _backup_due(self, path: Path) -> bool:
        """A backup is due when the file on disk is BACKUP_INTERVAL newer than the newest backup.

        So backups keep states at least that far apart, however many processes save in between
        (every CLI command is a process of its own).
        """
        try:
            current = path.stat().st_mtime
        except FileNotFoundError:
            return False
        try:
            newest = backup_path(path, 1).lstat().st_mtime  # a link planted there: its own time
        except FileNotFoundError:
            return True
        return current - newest >= BACKUP_INTERVAL


def _rotate_backups(path: Path) -> None:
    """Shift the backups of ``path`` one place older and keep the file as the newest.

    Names are renamed, never followed: a link planted in a backup's place moves along as a
    link, and the new backup is made with O_EXCL, so it is never written through one.
    """
    for n in range(BACKUP_COUNT - 1, 0, -1):
        older = backup_path(path, n)
        if os.path.lexists(older):
            os.replace(older, backup_path(path, n + 1))
    newest = backup_path(path, 1)
    try:
        os.link(path, newest)  # the old inode survives the replace: no copy needed
    except OSError:  # no hard links here: copy, keeping the time the copy was saved
        data = path.read_bytes()
        fd = os.open(newest, platform.new_file_flags(), 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except BaseException:  # the disk filled up: no partial copy among the backups
            newest.unlink(missing_ok=True)
            raise
        saved = path.stat()
        os.utime(newest, ns=(saved.st_atime_ns, saved.st_mtime_ns))


def parse(raw: bytes, path: Path) -> dict[str, Any]:
    """Parse a project file's bytes; anything that is not a project raises ProjectUnreadable.

    An encrypted file is decrypted first (asking for the passphrase).
    """
    if crypto.is_sealed(raw):
        raw, _ = unseal(raw, path)
    try:
        data = reader.loads(raw)
    except ValueError:
        data = None
    try:  # the standard parser's messages say where a broken file is broken
        data = json.loads(raw.decode("utf-8")) if data is None else data
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProjectUnreadable(
            unreadable_message(path, f"not valid JSON ({_short(exc)})")
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("meta"), dict):
        raise ProjectUnreadable(unreadable_message(path, "not a Workbench project"))
    for table, records in data.items():
        if not isinstance(records, dict) or not all(isinstance(r, dict) for r in records.values()):
            raise ProjectUnreadable(unreadable_message(path, f"table {table!r} is damaged"))
    if not isinstance(data["meta"].get("project", {}).get("schema"), int):
        raise ProjectUnreadable(unreadable_message(path, "not a Workbench project (no schema)"))
    return data


def unseal(raw: bytes, path: Path) -> tuple[bytes, crypto.Sealer]:
    """The plaintext of an encrypted file; a damaged or altered one raises ProjectUnreadable."""
    try:
        return crypto.unseal(raw, path)
    except crypto.SealDamaged as exc:
        raise ProjectUnreadable(unreadable_message(path, str(exc))) from None


def unreadable_message(path: Path, why: str) -> str:
    """``PATH is WHY; it was left untouched`` and where its newest backup is."""
    found = backups(path)
    if found:
        hint = f"; the newest backup is {found[0].name}: `workbench restore {path}` brings it back"
    else:
        hint = "; no backup was found beside it"
    return f"{path} is {why}; it was left untouched{hint}"


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete what writers killed mid-save (and editors, exports) left beside ``path``.

    Only the holder of the write lock may call this: no other writer can be using them then.
    They would otherwise pile up, each a copy of confidential data (perhaps from before a
    pseudonymisation). See :mod:`tempfiles` for what counts.
    """
    return tempfiles.remove(path)


def _short(exc: Exception) -> str:
    return str(exc).split("\n")[0][:120]


class RecordTable(Table):
    """A TinyDB table keyed by our record UUIDs instead of TinyDB's integers."""

    document_id_class = str

    def _get_next_id(self) -> str:  # records always carry their own id
        raise WorkbenchError("records are inserted with their own id")


def open_tinydb(path: str | os.PathLike) -> TinyDB:
    """A TinyDB handle on a project file, for scripts that want TinyDB's query API."""
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.table_class = RecordTable
    return db
