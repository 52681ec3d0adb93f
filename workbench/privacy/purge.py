"""Removing the copies that keep what a project no longer says: undo history, backups,
broken files kept aside by ``restore``, temporary files of killed writers and editors; and
sealing those copies when a project is encrypted.

Deleting a file frees its blocks; it does not overwrite them. On journalling file systems and
SSDs no program can promise more, so full-disk encryption is what protects the disk itself.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.store import tempfiles
from workbench.store.atomic import atomic_write
from workbench.store.crypto import Sealer, is_sealed
from workbench.store.platform import fsync_folder


def leftovers(path: Path) -> list[Path]:
    """Backups (``NAME.bak-*``) and files kept aside (``NAME.broken-*``) beside ``path``."""
    name = glob.escape(path.name)
    found = [*path.parent.glob(f"{name}.bak-*"), *path.parent.glob(f"{name}.broken-*")]
    return sorted(p for p in found if p.is_file() and not p.is_symlink())


def stale_temps(project: Project) -> list[Path]:
    """Temporary files beside the project left by killed writers, editors and exports."""
    return tempfiles.stale(project.path, _document_names(project))


def remove_stale_temps(project: Project) -> list[Path]:
    """Delete :func:`stale_temps` (needs the write lock); returns those removed."""
    return tempfiles.remove(project.path, _document_names(project))


def _document_names(project: Project) -> list[str]:
    return [doc.name for doc in project.documents.all()]


@dataclass
class PurgeResult:
    """What a purge removed."""

    history_entries: int = 0
    files: list[Path] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"history_entries": self.history_entries, "files": [p.name for p in self.files]}


def purge_history(project: Project) -> PurgeResult:
    """Forget the undo history, save, and delete every other copy of the project beside it.

    Needs the write lock (so no other writer can be using a temporary file).
    """
    result = PurgeResult(history_entries=len(project.history.entries))
    project.history.clear()
    # written without taking a backup: the file being replaced still holds the history
    project.save(backup="never")
    for path in leftovers(project.path):
        path.unlink(missing_ok=True)
        result.files.append(path)
    result.files.extend(remove_stale_temps(project))
    fsync_folder(project.path.parent)
    return result


def seal_leftovers(path: Path, sealer: Sealer) -> list[Path]:
    """Encrypt in place every backup and broken copy of ``path`` that is still plain text.

    Each keeps its modification time (the backup rotation reads it). A copy that cannot be
    sealed raises WorkbenchError naming it; those sealed before it stay sealed.
    """
    sealed = []
    for copy in leftovers(path):
        try:
            raw = copy.read_bytes()
            if is_sealed(raw):
                continue
            stat = copy.stat()
            atomic_write(copy, sealer.seal(raw))
            os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        except OSError as exc:
            raise WorkbenchError(
                f"could not encrypt {copy}: {exc.strerror or exc}; it is still plain text "
                f"(run the command again, or delete it)"
            ) from None
        sealed.append(copy)
    return sealed


def in_git(path: Path) -> Path | None:
    """The git work tree holding ``path``, if any (its history may hold old versions)."""
    for folder in [path.parent, *path.parent.resolve().parents]:
        if (folder / ".git").exists():
            return folder
    return None
