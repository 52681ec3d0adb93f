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


def dump_record(record: Mapping[str, Any]) -> str:
    """One record as a line of compact, sorted-key JSON (non-ASCII kept readable)."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def render(tables: Mapping[str, Mapping[str, str]]) -> str:
    """The whole file from already dumped records: ``tables[table][record_id] = line``."""
    out = ["{"]
    table_names = sorted(tables)
    for t_index, table in enumerate(table_names):
        records = tables[table]
        out.append(f"  {json.dumps(table)}: {{")
        ids = sorted(records)
        last = len(ids) - 1
        for r_index, record_id in enumerate(ids):
            comma = "," if r_index < last else ""
            out.append(
                f"    {json.dumps(record_id, ensure_ascii=False)}: {records[record_id]}{comma}"
            )
        out.append("  }" + ("," if t_index < len(table_names) - 1 else ""))
    out.append("}")
    return "\n".join(out) + "\n"


def render_data(data: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> str:
    """The whole file from record dictionaries."""
    return render(
        {
            table: {rid: dump_record(rec) for rid, rec in records.items()}
            for table, records in data.items()
        }
    )
