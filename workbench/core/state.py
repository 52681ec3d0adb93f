"""The in-memory records of a project and the indexes that keep every lookup cheap.

Every change of a record goes through :meth:`ProjectState.put` or :meth:`ProjectState.remove`,
which keep the indexes and the cache of serialised lines in step and tell the history what the
record was before.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from workbench.core.model import (
    OPTIONAL_TABLES,
    RECORD_TYPES,
    Case,
    Code,
    Coding,
    DeferredDocument,
    Document,
    Memo,
    RecordProblem,
    from_record,
    record_label,
    record_problem,
    table_problem,
    to_record,
    unknown_fields,
)
from workbench.errors import ProjectUnreadable
from workbench.store import reader
from workbench.store.fileformat import dump_entry
from workbench.store.reader import FileLines

Record = Document | Case | Code | Coding | Memo
#: Tables of a project file that are Workbench's own but hold no records of RECORD_TYPES.
OWN_TABLES = frozenset({"meta", "history"})
#: A coding record's fields in the order of Coding's constructor.
_CODING_FIELDS = operator.itemgetter(*(f.name for f in dataclasses.fields(Coding)))
#: Called with (table, record_id, record_before_or_None) before each change.
ChangeListener = Callable[[str, str, dict[str, Any] | None], None]


class ProjectState:
    """Records by table and id, plus indexes by document, code, parent, target and name."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Any]] = {name: {} for name in RECORD_TYPES}
        self.meta: dict[str, Any] = {}
        self.codings_by_document: dict[str, dict[str, Coding]] = defaultdict(dict)
        self.codings_by_code: dict[str, dict[str, Coding]] = defaultdict(dict)
        self.children: dict[str | None, dict[str, Code]] = defaultdict(dict)
        #: codes by (parent id, name): a sibling found by name in one step
        self.code_by_name: dict[tuple[str | None, str], dict[str, Code]] = defaultdict(dict)
        #: the highest ``order`` among each parent's children (dropped when it may be stale)
        self._top_order: dict[str | None, int] = {}
        self.memos_by_target: dict[tuple[str, str | None], dict[str, Memo]] = defaultdict(dict)
        self.documents_by_case: dict[str | None, dict[str, Document]] = defaultdict(dict)
        self.document_by_name: dict[str, Document] = {}
        self.case_by_name: dict[str, Case] = {}
        self._lines: dict[str, dict[str, bytes]] = {name: {} for name in RECORD_TYPES}
        #: codes whose codings (or which themselves) changed since take_touched_codes()
        self.touched_codes: set[str] = set()
        self.listener: ChangeListener | None = None
        #: what a newer Workbench (or another tool) wrote that this one does not know: whole
        #: tables, other entries of ``meta``, and fields of known records (table -> id ->
        #: fields). All are written back on save, never dropped.
        self.other_tables: dict[str, dict[str, Any]] = {}
        self.other_meta: dict[str, Any] = {}
        self.other_fields: dict[str, dict[str, dict[str, Any]]] = {n: {} for n in RECORD_TYPES}

    # -- loading ----------------------------------------------------------------------------
    def load(self, data: dict[str, dict[str, dict[str, Any]]]) -> None:
        """Fill the state from a file's tables (no history is recorded).

        Raises :class:`RecordProblem` naming the first record whose fields have the wrong
        types. Tables, meta entries and fields this version does not know are kept aside.
        """
        meta = data.get("meta", {})
        self.meta = dict(meta.get("project", {}))
        self.other_meta = {k: v for k, v in meta.items() if k != "project"}
        self.other_tables = {
            name: dict(records) for name, records in data.items()
            if name not in RECORD_TYPES and name not in OWN_TABLES and isinstance(records, dict)
        }
        for table in RECORD_TYPES:
            records = data.get(table, {})
            if not isinstance(records, dict):
                raise RecordProblem(f"the table {table!r} is not an object of records")
            for rec in records.values():
                _check(table, rec)
                extra = unknown_fields(table, rec)
                if extra:
                    self.other_fields[table][rec["id"]] = extra
            if table == "codings":
                self._load_codings(records.values())
                continue
            for rec in records.values():
                self._add(table, from_record(table, rec))

    def load_lines(self, file: FileLines) -> bool:
        """Fill the state from a file read line by line (:func:`reader.split_file`).

        Each record's line is kept, so a record that does not change is written back as it
        was, and documents read their text only when it is first used. Returns False, with the
        state half-filled, when a table cannot be read this way: the caller then starts again
        from a fresh state and reads the file whole, which also explains what is wrong.
        """
        self.meta = dict(file.meta.get("project", {}))
        self.other_meta = {k: v for k, v in file.meta.items() if k != "project"}
        try:
            for name, lines in file.tables.items():
                if name not in RECORD_TYPES and name not in OWN_TABLES:
                    parsed = lines.parse()
                    if parsed is None:
                        return False
                    self.other_tables[name] = dict(zip(*parsed, strict=True))
            for table in RECORD_TYPES:
                lines = file.tables.get(table)
                if lines is None:
                    continue
                if table == "documents":
                    ids = lines.ids()
                    if ids is None:
                        return False
                    for doc in self._deferred_documents(ids, lines.lines):
                        self._add(table, doc)
                else:
                    parsed = lines.parse()
                    if parsed is None:
                        return False
                    ids, records = parsed
                    if table == "codings":
                        self._load_codings(records)
                        if table_problem(table, list(self.tables[table].values())):
                            return False  # the whole read names the record
                        self._keep_other_fields(table, records, 8)
                    else:
                        objs = [from_record(table, rec) for rec in records]
                        if table_problem(table, objs):
                            return False  # the whole read names the record
                        for obj in objs:
                            self._add(table, obj)
                        self._keep_other_fields(table, records, 0)
                loaded = self.tables[table]
                if len(loaded) != len(ids) or loaded.keys() != set(ids):
                    return False  # a record filed under another id than its own
                if lines.lines is not None:
                    self._lines[table].update(zip(ids, lines.lines, strict=True))
        except (KeyError, TypeError, ValueError, AttributeError):
            return False
        return True

    def _keep_other_fields(self, table: str, records: list[Any], size: int) -> None:
        """Keep the fields records carry that this version does not know; ``size``: records of
        exactly that many fields have none (0: look at each)."""
        for rec in records:
            if size and len(rec) == size:
                continue
            extra = unknown_fields(table, rec)
            if extra:
                self.other_fields[table][rec["id"]] = extra

    def _load_codings(self, records: Collection[dict[str, Any]]) -> None:
        """:meth:`_add` for every coding, unrolled: codings are most of a large project."""
        try:  # every field in the file, as we write them: build positionally (twice as fast)
            codings = [Coding(*_CODING_FIELDS(rec)) for rec in records]
        except KeyError:  # a field left out (an older or hand-made file): defaults apply
            codings = [from_record("codings", rec) for rec in records]
        table = self.tables["codings"]
        by_document, by_code = self.codings_by_document, self.codings_by_code
        for coding in codings:
            cid = coding.id
            table[cid] = coding
            by_document[coding.document][cid] = coding
            by_code[coding.code][cid] = coding

    # -- reading ----------------------------------------------------------------------------
    def get(self, table: str, record_id: str) -> Any | None:
        """The record ``record_id`` of ``table``, or ``None``."""
        return self.tables[table].get(record_id)

    def child_named(self, parent: str | None, name: str) -> Code | None:
        """The code named ``name`` under the code ``parent`` (``None``: the top level)."""
        found = self.code_by_name.get((parent, name))
        return next(iter(found.values())) if found else None

    def next_order(self, parent: str | None) -> int:
        """An ``order`` after every child of ``parent`` (``None``: the top level)."""
        top = self._top_order.get(parent)
        if top is None:
            siblings = self.children.get(parent, {}).values()
            top = self._top_order[parent] = max((c.order for c in siblings), default=0)
        return top + 1

    def take_touched_codes(self) -> set[str]:
        """The ids of codes changed, or whose codings changed, since the last call.

        A view that shows counts per code (the TUI's codebook) recounts only these.
        """
        touched, self.touched_codes = self.touched_codes, set()
        return touched

    def lines(self) -> dict[str, dict[str, bytes]]:
        """Every record serialised as a line, per table (cached; shallow copies)."""
        out: dict[str, dict[str, bytes]] = {}
        for table, records in self.tables.items():
            if not records and table in OPTIONAL_TABLES:
                continue
            cache = self._lines[table]
            if len(cache) != len(records):
                other = self.other_fields[table]
                for rid, obj in records.items():
                    if rid not in cache:
                        rec = to_record(obj)
                        if rid in other:
                            rec = {**other[rid], **rec}
                        cache[rid] = dump_entry(rid, rec)
            out[table] = dict(cache)
        for name, records in self.other_tables.items():
            out[name] = {rid: dump_entry(rid, rec) for rid, rec in records.items()}
        return out

    # -- changing ---------------------------------------------------------------------------
    def put(self, table: str, obj: Record) -> None:
        """Insert or replace a record.

        Records are never changed in place: pass a new object (``dataclasses.replace``), so the
        history can keep what the record was before.
        """
        before = self.tables[table].get(obj.id)
        if before is obj:
            raise ValueError("records are replaced, never changed in place")
        if self.listener is not None:
            self.listener(table, obj.id, None if before is None else to_record(before))
        if before is not None:
            self._drop(table, before)
        self._add(table, obj)

    def remove(self, table: str, record_id: str) -> None:
        """Delete a record (a missing one is ignored)."""
        before = self.tables[table].get(record_id)
        if before is None:
            return
        if self.listener is not None:
            self.listener(table, record_id, to_record(before))
        self._drop(table, before)

    def restore(self, table: str, record_id: str, rec: dict[str, Any] | None) -> None:
        """Set a record to a stored dictionary, or delete it when ``rec`` is ``None``."""
        if rec is None:
            self.remove(table, record_id)
        else:
            self.put(table, from_record(table, rec))

    def restore_many(self, changes: Iterable[tuple[str, str, dict[str, Any] | None]]) -> None:
        """:meth:`restore` for each (table, id, record)."""
        for table, record_id, rec in changes:
            self.restore(table, record_id, rec)

    # -- indexes ----------------------------------------------------------------------------
    def _add(self, table: str, obj: Any) -> None:
        self.tables[table][obj.id] = obj
        if table == "codings":
            self.codings_by_document[obj.document][obj.id] = obj
            self.codings_by_code[obj.code][obj.id] = obj
            self.touched_codes.add(obj.code)
        elif table == "codes":
            self.children[obj.parent][obj.id] = obj
            self.code_by_name[(obj.parent, obj.name)][obj.id] = obj
            top = self._top_order.get(obj.parent)
            if top is not None and obj.order > top:
                self._top_order[obj.parent] = obj.order
            self.touched_codes.add(obj.id)
        elif table == "memos":
            self.memos_by_target[(obj.target_kind, obj.target_id)][obj.id] = obj
        elif table == "documents":
            self.document_by_name[obj.name] = obj
            self.documents_by_case[obj.case][obj.id] = obj
        elif table == "cases":
            self.case_by_name[obj.name] = obj

    def _drop(self, table: str, obj: Any) -> None:
        del self.tables[table][obj.id]
        self._lines[table].pop(obj.id, None)
        if table == "codings":
            _discard(self.codings_by_document, obj.document, obj.id)
            _discard(self.codings_by_code, obj.code, obj.id)
            self.touched_codes.add(obj.code)
        elif table == "codes":
            _discard(self.children, obj.parent, obj.id)
            _discard(self.code_by_name, (obj.parent, obj.name), obj.id)
            if self._top_order.get(obj.parent, obj.order) <= obj.order:
                self._top_order.pop(obj.parent, None)
        elif table == "memos":
            _discard(self.memos_by_target, (obj.target_kind, obj.target_id), obj.id)
        elif table == "documents":
            if self.document_by_name.get(obj.name) is obj:
                del self.document_by_name[obj.name]
            _discard(self.documents_by_case, obj.case, obj.id)
        elif table == "cases":
            if self.case_by_name.get(obj.name) is obj:
                del self.case_by_name[obj.name]


    def _deferred_documents(self, ids: list[str], lines: list[bytes]) -> Iterator[Document]:
        """The documents of a table's lines, each reading its text only when first used.

        A head whose fields have the wrong types raises ValueError (the whole read then names
        the record); the rest of a record is checked when it is read.
        """
        for rid, line in zip(ids, lines, strict=True):
            head = reader.document_head(line)
            if head is None or head.get("id") != rid or "name" not in head:
                rec = reader.document_body(line)
                _check("documents", rec)
                self._keep_other_fields("documents", [rec], 0)
                yield from_record("documents", rec)
            else:
                if record_problem("documents", head, partial=True) is not None:
                    raise ValueError("a document's fields have the wrong types")
                yield DeferredDocument.from_head(head, functools.partial(self._read_document, line))

    def _read_document(self, line: bytes) -> dict[str, Any]:
        """The record of a document's line, read (and checked) when its text is first used."""
        try:
            rec = reader.document_body(line)
            _check("documents", rec)
        except ValueError as exc:
            name = (reader.document_head(line) or {}).get("name", "?")
            raise ProjectUnreadable(
                f"the document {name!r} in the project file is damaged ({exc}); fix it by hand "
                "or `workbench restore` brings back the newest backup"
            ) from None
        self._keep_other_fields("documents", [rec], 0)
        return rec


def _check(table: str, rec: Any) -> None:
    """Raise :class:`RecordProblem` naming ``rec`` when its fields have the wrong types."""
    problem = record_problem(table, rec)
    if problem is not None:
        raise RecordProblem(
            f"{record_label(table, rec)} (table {table!r}) has a field of the wrong type: "
            f"{problem}"
        )


def coding_key(coding: Coding) -> tuple[str, str, int, int, str]:
    """What makes two codings the same: document, code, span and coder."""
    return (coding.document, coding.code, coding.start, coding.end, coding.coder)


def _discard(index: dict, key: Any, record_id: str) -> None:
    bucket = index.get(key)
    if bucket is not None:
        bucket.pop(record_id, None)
        if not bucket:
            del index[key]
