"""Reading a project file quickly, line by line, as :func:`fileformat.render` writes it.

A project file holds one record per line, grouped by table (see :mod:`fileformat`). Reading it
as that layout, rather than as one JSON document, lets a large project open fast:

- each table is parsed in one call, straight from the file's bytes (with ``orjson``);
- a writer keeps each record's line as written, so its first save does not serialise every
  record again (a record that has not changed is written back byte for byte);
- a document's text, paragraphs and source file name are parsed only when first used: its
  line is cut at its ``"paragraphs"`` key and only the part before it is read at once.

A file that does not have the layout (edited by hand, from another tool, cut short, damaged)
gives ``None`` here; the caller then reads it as one JSON document, which also gives the
precise error for a damaged file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

try:  # a C parser, two to three times faster than json on a large project
    import orjson

    _loads = orjson.loads
except ImportError:  # pragma: no cover - orjson is a dependency, but not required to work
    _loads = json.loads


def loads(raw: bytes | memoryview) -> Any:
    """Parse JSON bytes (``ValueError`` on bad input, from either parser)."""
    return _loads(raw if _loads is not json.loads else bytes(raw))


#: Where a document's line is split: everything before this key is read when the file opens.
DOCUMENT_BODY_KEY = b', "paragraphs": ['


@dataclass(slots=True)
class TableLines:
    """One table of a file: its JSON text as it is in the file and, when kept, the line of each
    record (without the ending comma)."""

    text: bytes | memoryview
    lines: list[bytes] | None

    def parse(self) -> tuple[list[str], list[dict[str, Any]]] | None:
        """The ids and records of the table, parsed in one call; ``None`` when it is damaged or
        its lines are not exactly one record each, in order (the caller then reads the file
        whole)."""
        try:
            parsed = loads(self.text)
        except ValueError:
            return None
        if not isinstance(parsed, dict):
            return None
        ids = list(parsed)
        if self.lines is not None:
            if len(ids) != len(self.lines):
                return None  # a repeated id, or a record over several lines
            prefixes = [b'    "' + rid.encode() + b'": {' for rid in ids]
            if not all(map(bytes.startswith, self.lines, prefixes)):
                return None
        return ids, list(parsed.values())  # a record that is not an object fails as it is built

    def ids(self) -> list[str] | None:
        """The record ids, read off the lines without parsing the records."""
        if self.lines is None:
            return None
        ids = [record_id(line) for line in self.lines]
        return None if None in ids else ids  # type: ignore[return-value]


@dataclass(slots=True)
class FileLines:
    """A project file split into its tables (see :func:`split_file`)."""

    meta: dict[str, Any]
    tables: dict[str, TableLines]


#: Tables whose lines are always kept: a document's line is where its text is read from later.
LINES_ALWAYS = frozenset({"documents"})


def split_file(raw: bytes, *, keep_lines: bool = True) -> FileLines | None:
    """The tables of a file with the written layout, else ``None``.

    Tables start at a line ``  "name": {`` and end at ``  }``; between them each line is one
    record ending in ``,`` (the last without). A JSON string cannot hold a raw line break, so
    ``,\\n`` only ever ends a record. ``keep_lines`` keeps every record's line (to write
    unchanged records back as they were); without it only documents keep theirs.
    """
    if not raw.startswith(b"{\n") or not raw.endswith(b"\n}\n"):
        return None
    view = memoryview(raw)
    tables: dict[str, TableLines] = {}
    pos, end = 2, len(raw) - 2
    while pos < end:
        eol = raw.find(b"\n", pos)
        if eol < 0:
            return None
        name, is_empty = _table_header(raw[pos:eol])
        if name is None or name in tables:
            return None
        if is_empty:
            tables[name] = TableLines(b"{}", [])
            pos = eol + 1
            continue
        close = raw.find(b"\n  }", eol)
        if close < 0:
            return None
        lines = None
        if keep_lines or name in LINES_ALWAYS:
            block = raw[eol + 1 : close]
            lines = block.split(b",\n") if block else []
        tables[name] = TableLines(view[eol - 1 : close + 4], lines)  # from "{" to "}"
        after = raw.find(b"\n", close + 1)
        if raw[close + 4 : after] not in (b"", b","):
            return None
        pos = after + 1
    meta_lines = tables.pop("meta", None)
    meta = None if meta_lines is None else meta_lines.parse()
    if meta is None:
        return None
    return FileLines(meta=dict(zip(*meta, strict=True)), tables=tables)


def record_id(line: bytes) -> str | None:
    """The id of a record line ``    "id": {...}``; ``None`` for anything else.

    Ids are UUIDs; one with a JSON escape in it is left to the full reader.
    """
    if not line.startswith(b'    "'):
        return None
    end = line.find(b'": {', 5)
    key = line[5:end]
    if end < 0 or b"\\" in key or b"\n" in line:
        return None
    try:
        return key.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _table_header(line: bytes) -> tuple[str | None, bool]:
    """``  "name": {`` (a table follows) or ``  "name": {}`` / ``{},`` (an empty table)."""
    stripped = line.strip()
    for suffix, empty in ((b": {", False), (b": {}", True), (b": {},", True)):
        if stripped.endswith(suffix):
            try:
                name = loads(stripped[: -len(suffix)])
            except ValueError:
                return None, False
            return (name, empty) if isinstance(name, str) else (None, False)
    return None, False


def document_head(line: bytes) -> dict[str, Any] | None:
    """The fields of a document line that come before its paragraphs (id, name, case, ...).

    Inside a JSON string every ``"`` is escaped, so the first ``, "paragraphs": [`` of a line
    is the record's own key. ``None`` when the line does not have it.
    """
    cut = line.find(DOCUMENT_BODY_KEY)
    if cut < 0:
        return None
    start = line.find(b'": {', 5)
    try:
        head = loads(line[start + 3 : cut] + b"}")
    except ValueError:
        return None
    return head if isinstance(head, dict) else None


def document_body(line: bytes) -> dict[str, Any]:
    """The whole record of a document line (``ValueError`` when it is damaged)."""
    start = line.find(b'": {', 5)
    record = loads(line[start + 3 :])
    if not isinstance(record, dict):
        raise ValueError("a document record is not an object")
    return record
