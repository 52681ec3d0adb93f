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
