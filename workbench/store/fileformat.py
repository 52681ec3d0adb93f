"""The on-disk layout of a project file.

A TinyDB database: ``{table: {record_id: record}}``. Tables and record ids are sorted and each
record sits on one line of sorted-key JSON, so ``git diff`` shows one changed line per changed
record and git merges two coders' work record by record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: The current schema version, stored in ``meta.project.schema``.
SCHEMA_VERSION = 1


def dump_entry(record_id: str, record: Mapping[str, Any]) -> str:
    """One record as its line of the file: ``    "id": {compact, sorted-key JSON}``."""
    key = json.dumps(record_id, ensure_ascii=False)
    body = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    return f"    {key}: {body}"


def render(tables: Mapping[str, Mapping[str, str]]) -> str:
    """The whole file from entry lines (:func:`dump_entry`): ``tables[table][record_id]``.

    Only sorting and joining happen here, so a TUI can render a large project on a worker
    thread without holding the interpreter for long.
    """
    parts = ["{\n"]
    names = sorted(tables)
    for n, table in enumerate(names):
        entries = tables[table]
        comma = ",\n" if n < len(names) - 1 else "\n"
        if not entries:
            parts.append(f"  {json.dumps(table)}: {{}}{comma}")
            continue
        parts.append(f"  {json.dumps(table)}: {{\n")
        parts.append(",\n".join([entries[rid] for rid in sorted(entries)]))
        parts.append("\n  }" + comma)
    parts.append("}\n")
    return "".join(parts)


def render_data(data: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> str:
    """The whole file from record dictionaries."""
    return render(
        {
            table: {rid: dump_entry(rid, rec) for rid, rec in records.items()}
            for table, records in data.items()
        }
    )
