"""The on-disk layout of a project file.

A TinyDB database: ``{table: {record_id: record}}``. Tables and record ids are sorted and each
record sits on one line of sorted-key JSON, so ``git diff`` shows one changed line per changed
record and git merges two coders' work record by record.
"""

from __future__ import annotations

import bisect
import heapq
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from json.encoder import encode_basestring
from typing import Any

#: The current schema version, stored in ``meta.project.schema``.
SCHEMA_VERSION = 2


def dump_entry(record_id: str, record: Mapping[str, Any]) -> bytes:
    """One record as its line of the file: ``    "id": {compact, sorted-key JSON}`` (UTF-8)."""
    body = _flat_body(record)
    if body is None:
        body = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    return f"    {_string(record_id)}: {body}".encode()


_string = encode_basestring  # a JSON string, non-ASCII kept (as json.dumps(ensure_ascii=False))
_SCALARS = {True: "true", False: "false", None: "null"}


def _flat_body(record: Mapping[str, Any]) -> str | None:
    """What ``json.dumps`` writes for a record of strings, integers, booleans and nulls, made
    twice as fast; ``None`` for any other record (nested values, numbers with a point)."""
    parts = []
    for key in sorted(record):
        value = record[key]
        kind = type(value)
        if kind is str:
            parts.append(f"{_string(key)}: {_string(value)}")
        elif kind is int:
            parts.append(f"{_string(key)}: {int.__repr__(value)}")
        elif kind is bool or value is None:
            parts.append(f"{_string(key)}: {_SCALARS[value]}")
        else:
            return None
    return "{" + ", ".join(parts) + "}"


#: Entries joined into one piece of :func:`render_parts` (each join holds the interpreter).
PART_SIZE = 2000


def render_parts(tables: Mapping[str, Mapping[str, bytes]]) -> list[bytes]:
    """The whole file from entry lines (:func:`dump_entry`), ``tables[table][record_id]``, as
    pieces to write one after the other.

    Only sorting and joining happen here, in pieces of PART_SIZE entries, so a TUI can render
    and write a large project on a worker thread without holding the interpreter (and its
    keys) for more than a moment at a time.
    """
    parts = [b"{\n"]
    names = sorted(tables)
    for n, table in enumerate(names):
        entries = tables[table]
        comma = b",\n" if n < len(names) - 1 else b"\n"
        header = json.dumps(table).encode()
        if not entries:
            parts.append(b"  " + header + b": {}" + comma)
            continue
        parts.append(b"  " + header + b": {\n")
        ids = iter(_SORTED.of(table, entries))
        first = True
        while piece_ids := list(islice(ids, PART_SIZE)):
            piece = b",\n".join([entries[rid] for rid in piece_ids])
            parts.append(piece if first else b",\n" + piece)
            first = False
        parts.append(b"\n  }" + comma)
    parts.append(b"}\n")
    return parts


def _sorted_in_pieces(keys: Iterable[str]) -> Iterator[str]:
    """``sorted(keys)``, made of sorted pieces of PART_SIZE merged: one ``sorted()`` of 50,000
    ids holds the interpreter for ~16 ms (a key pressed meanwhile waits), a piece for well
    under a millisecond, and the merge lets other threads run as it goes."""
    everything = list(keys)
    pieces = [sorted(everything[start : start + PART_SIZE])
              for start in range(0, len(everything), PART_SIZE)]
    return iter(pieces[0]) if len(pieces) == 1 else heapq.merge(*pieces)


class _SortedIds:
    """The ids of each table in order, as last rendered, brought up to date by the ids added
    and removed since (a save after a change sorts nothing: one coding is put in its place).

    Any table is checked against what it holds now, so a cache from another project (or a
    stale one) is never used as it is; a lock keeps two renders on two threads apart.
    """

    #: More ids added or removed than this: sort them all again (in pieces).
    FEW = 256

    def __init__(self) -> None:
        self._tables: dict[str, tuple[set[str], list[str]]] = {}
        self._lock = threading.Lock()

    def of(self, table: str, entries: Mapping[str, bytes]) -> list[str]:
        """The ids of ``entries`` in order (a copy: the caller may keep it)."""
        with self._lock:
            cached = self._tables.get(table)
            if cached is not None:
                known, order = cached
                added, gone = entries.keys() - known, known - entries.keys()
                if len(added) + len(gone) <= self.FEW:
                    for rid in gone:
                        del order[bisect.bisect_left(order, rid)]
                    for rid in added:
                        bisect.insort(order, rid)
                    known -= gone
                    known |= added
                    return list(order)
            order = list(_sorted_in_pieces(entries))
            self._tables[table] = (set(entries), order)
            return list(order)


_SORTED = _SortedIds()


def render(tables: Mapping[str, Mapping[str, bytes]]) -> bytes:
    """The whole file from entry lines, as one byte string (see :func:`render_parts`)."""
    return b"".join(render_parts(tables))


def render_data(data: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> bytes:
    """The whole file from record dictionaries."""
    return render(
        {
            table: {rid: dump_entry(rid, rec) for rid, rec in records.items()}
            for table, records in data.items()
        }
    )
