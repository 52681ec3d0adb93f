"""Schema versions and the path from older project files to the current one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.errors import ProjectUnreadable
from workbench.store.fileformat import SCHEMA_VERSION

Data = dict[str, Any]

#: MIGRATIONS[n] turns a schema-n file into a schema-(n+1) file, in memory.
MIGRATIONS: dict[int, Callable[[Data], Data]] = {}

#: How a schema-1 document record gains its speaker turns and roles. Reading turns is the
#: domain's work (``workbench.core.turns``, which sets this when imported): the store only
#: walks the records.
_document_reader: Callable[[Data], Data] | None = None


def read_turns_with(reader: Callable[[Data], Data]) -> None:
    """Set how schema 2 reads an older document record's speaker turns and roles."""
    global _document_reader
    _document_reader = reader


def _speaker_roles(data: Data) -> Data:
    """Schema 2: every document has the role of each speaker label (``roles``), and its
    paragraphs read by the rules that tell a speaker label from a header line."""
    if _document_reader is None:
        raise ProjectUnreadable("this Workbench cannot read the speaker turns of a schema-1 file")
    documents = data.get("documents")
    if isinstance(documents, dict):
        for key, record in documents.items():
            if isinstance(record, dict):
                documents[key] = _document_reader(record)
    return data


MIGRATIONS[1] = _speaker_roles


def schema_of(data: Data) -> int:
    """The schema version a project file says it has."""
    meta = data.get("meta", {}).get("project", {})
    version = meta.get("schema")
    if not isinstance(version, int):
        raise ProjectUnreadable("the project file has no schema version")
    return version


def is_current(meta: dict[str, Any]) -> bool:
    """True when a file's ``meta.project`` says it has the schema this version writes."""
    return meta.get("schema") == SCHEMA_VERSION


def migrate(data: Data, path: Path) -> tuple[Data, bool]:
    """Bring ``data`` up to :data:`SCHEMA_VERSION`; returns it and whether anything changed.

    A file from a newer Workbench is refused rather than guessed at, so it is never overwritten.
    """
    version = schema_of(data)
    if version > SCHEMA_VERSION:
        raise ProjectUnreadable(
            f"{path} was written by a newer Workbench (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}); it was left untouched: upgrade Workbench to open it"
        )
    changed = False
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ProjectUnreadable(f"{path} has schema {version}, which cannot be migrated")
        data = step(data)
        version += 1
        data["meta"]["project"]["schema"] = version
        changed = True
    return data, changed
