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
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from itertools import accumulate, filterfalse, islice
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


#: Most entries joined into one piece of :func:`render_parts`, and most bytes (a longer entry,
#: such as a transcript, is a piece of its own): each join holds the interpreter, a piece of
#: this size for well under a millisecond.
PART_SIZE = 2000
PART_BYTES = 1 << 18

_PIECE_SEPARATOR = b",\n"

#: A callable run between pieces of the work (see :func:`render_parts`).
Between = Callable[[], object]


def _carry_on() -> None:
    """No pause between pieces."""


def render_parts(
    tables: Mapping[str, Mapping[str, bytes]], between: Between | None = None
) -> list[bytes]:
    """The whole file from entry lines (:func:`dump_entry`), ``tables[table][record_id]``, as
    pieces to write one after the other.

    Only ordering and joining happen here, in pieces (:data:`PART_SIZE`, :data:`PART_BYTES`),
    so a TUI can render and write a large project on a worker thread without holding the
    interpreter (and its keys) for more than a moment at a time. ``between``, when given, is
    called after each piece of work: a save thread may wait there while a key is answered.
    The bytes are the same with it or without it.
    """
    pause = between if between is not None else _carry_on
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
        ids = _SORTED.of(table, entries, pause)
        pause()
        parts.extend(_joined(entries, ids, pause))
        parts.append(b"\n  }" + comma)
    parts.append(b"}\n")
    return parts


def _joined(entries: Mapping[str, bytes], ids: list[str], pause: Between) -> Iterator[bytes]:
    """The entries of ``ids`` in that order, separated by ``,\\n``: joined in pieces of at
    most :data:`PART_SIZE` entries and :data:`PART_BYTES` bytes (a longer entry is a piece of
    its own, not copied), ``pause()`` after each."""
    entry = entries.__getitem__
    start, count = 0, 16
    while start < len(ids):
        window = ids[start : start + min(PART_SIZE, count + count // 4 + 16)]
        ends = list(accumulate(map(len, map(entry, window))))  # measured a little ahead
        count = max(1, bisect.bisect_right(ends, PART_BYTES))
        if start:
            yield b",\n"  # a part of its own: a piece is never copied again to prefix it
        yield _PIECE_SEPARATOR.join(map(entry, window[:count]))
        start += count
        pause()


def _chunks(items: Iterable[str]) -> Iterator[list[str]]:
    """``items`` in lists of :data:`PART_SIZE`."""
    it = iter(items)
    while chunk := list(islice(it, PART_SIZE)):
        yield chunk


def _sorted_in_pieces(keys: Iterable[str], pause: Between) -> list[str]:
    """``sorted(keys)``, made of sorted pieces of PART_SIZE merged: one ``sorted()`` of 50,000
    ids holds the interpreter for ~16 ms (a key pressed meanwhile waits), a piece for well
    under a millisecond, and the merge lets other threads run as it goes."""
    pieces = []
    for chunk in _chunks(keys):
        chunk.sort()
        pieces.append(chunk)
        pause()
    if len(pieces) == 1:
        return pieces[0]
    merged: list[str] = []
    for chunk in _chunks(heapq.merge(*pieces)):
        merged.extend(chunk)
        pause()
    return merged


def _missing_from(keys: Iterable[str], among: Container[str], most: int,
                  pause: Between) -> set[str] | None:
    """The ``keys`` not in ``among``, looked up in pieces; ``None`` when more than ``most``."""
    found: set[str] = set()
    for chunk in _chunks(keys):
        found.update(filterfalse(among.__contains__, chunk))
        if len(found) > most:
            return None
        pause()
    return found


class _SortedIds:
    """The ids of each table in order, as last rendered, brought up to date by the ids added
    and removed since (a save after a change sorts nothing: one coding is put in its place).

    Any table is checked against what it holds now, so a cache from another project (or a
    stale one) is never used as it is; a lock keeps two renders on two threads apart. Every
    step over a whole table goes in pieces, ``pause()`` between them.
    """

    #: More ids added or removed than this: sort them all again (in pieces).
    FEW = 256

    def __init__(self) -> None:
        self._tables: dict[str, tuple[set[str], list[str]]] = {}
        self._lock = threading.Lock()

    def of(self, table: str, entries: Mapping[str, bytes], pause: Between) -> list[str]:
        """The ids of ``entries`` in order (a copy: the caller may keep it)."""
        with self._lock:
            cached = self._tables.get(table)
            if cached is not None:
                known, order = cached
                added = _missing_from(entries, known, self.FEW, pause)
                gone = None if added is None else _missing_from(
                    known, entries, self.FEW - len(added), pause)
                if added is not None and gone is not None:
                    for rid in gone:
                        del order[bisect.bisect_left(order, rid)]
                    for rid in added:
                        bisect.insort(order, rid)
                    known -= gone
                    known |= added
                    return list(order)
            order = _sorted_in_pieces(entries, pause)
            known = set()
            for chunk in _chunks(order):
                known.update(chunk)
                pause()
            self._tables[table] = (known, order)
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
