"""Merging two copies of a project record by record: the git merge driver and ``merge-in``.

A project is one JSON file whose records carry stable UUIDs, so two coders' copies merge by
record id, table by table:

- a record unchanged on one side takes the other side's version (added, changed or deleted);
- changed on both sides identically: that version;
- changed on both sides differently: documents, cases, codes, memos and codings merge field by
  field (a document's text and paragraphs move together, as do a coding's start, end and text;
  a case's attributes merge key by key; ``modified`` stamps take the later one); a field both
  sides changed differently keeps OURS and becomes a **conflict**;
- deleted on one side and changed on the other: the changed record is kept (nothing is ever
  dropped) and the choice is a conflict.

Then the merged records are made whole again: codes created on both sides under the same path
(same parent, same name, different ids) become one code (THEIRS' id is remapped to OURS' in
codings, child codes and memos), and likewise documents of the same name and text and cases of
the same name; a record one side deleted but the other still refers to is kept; codings made on
one side's version of a text that the merge changed are re-anchored; whatever
:func:`workbench.core.integrity.check_data` still finds becomes a conflict too.

Conflicts are never lost: they are kept in the file's ``conflicts`` table with the base, ours
and theirs values, and ``workbench conflicts`` lists and resolves them.

The making-whole step lives in :mod:`workbench.team.settle`, and conflict records, their
description and their resolution in :mod:`workbench.team.conflicts`.

History: the merged file keeps OURS' undo history only. Undo across a merge is not meaningful
(an entry would restore records as they were before the other coder's work arrived), so the
history of THEIRS is left out.
"""

from __future__ import annotations

import copy
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.model import RECORD_TYPES, Conflict, record_label, record_problem, to_record
from workbench.errors import WorkbenchError
from workbench.store import fileformat
from workbench.team.conflicts import ATTR, new_conflict, short
from workbench.team.settle import RECORD_TABLES, Data, MergeResult, Record, Sides, label, settle

#: Tables whose records merge field by field when both sides changed them.
FIELD_TABLES = frozenset({"documents", "cases", "codes", "memos", "codings"})
#: Fields that only make sense together: they merge as one.
GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "documents": (("text", "paragraphs"),),
    "codings": (("start", "end", "text"),),
}
#: Time stamps: when both sides changed them, the later one wins without a conflict.
LATEST: dict[str, frozenset[str]] = {
    "documents": frozenset({"modified"}),
    "memos": frozenset({"modified"}),
}


# --------------------------------------------------------------------------- reading and writing
def read_data(path: Path, *, allow_empty: bool = False) -> Data:
    """A project file's tables, migrated to the current schema (any file name will do)."""
    return _read(path, allow_empty=allow_empty)[0]


def _read(path: Path, *, allow_empty: bool = False) -> tuple[Data, Any]:
    """The tables and the storage that read them (which knows whether the file was sealed).

    Only a regular file of at most :data:`MAX_MERGE_BYTES` is read (a FIFO or a device would
    hang or flood the merge), and its records are checked as strictly as a load (see
    :func:`parse_side`).
    """
    from workbench.store.storage import AtomicJSONStorage

    storage = AtomicJSONStorage(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        if allow_empty:
            return {}, storage
        raise WorkbenchError(f"no project at {path}") from None
    except OSError as exc:
        raise WorkbenchError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise WorkbenchError(f"{path} is not a regular file; nothing was merged")
    if info.st_size > MAX_MERGE_BYTES:
        raise WorkbenchError(
            f"{path} is {info.st_size // 2**20} MB, over the {MAX_MERGE_BYTES // 2**20} MB a "
            "merged project file may have; nothing was merged"
        )
    if allow_empty and info.st_size == 0:
        return {}, storage  # git passes an empty base when the sides have no common ancestor
    raw = storage.read_raw()
    if raw is None:
        raise WorkbenchError(f"no project at {path}")
    return parse_side(raw, path), storage


def parse_side(raw: bytes, path: Path, *, trusted: bool = False) -> Data:
    """One side of a merge from a project file's plaintext bytes: parsed, migrated to the
    current schema, and its records checked as strictly as a load (a record with fields of the
    wrong types is refused, never merged into OURS); ``trusted`` bytes (a file this process
    loaded or wrote itself) skip that check."""
    from workbench.store.migrations import migrate
    from workbench.store.storage import parse

    data, _ = migrate(parse(raw, path), path)
    if not trusted:
        _check_records(data, path)
    return data


#: The largest project file a merge reads (a large study's is some 60 MB).
MAX_MERGE_BYTES = 1024 * 1024 * 1024


def _check_records(data: Data, path: Path) -> None:
    """Refuse a side whose records are not what a load accepts (see :func:`record_problem`)."""
    for table in RECORD_TYPES:
        records = data.get(table, {})
        if not isinstance(records, dict):
            raise WorkbenchError(f"{path}: the table {table!r} is damaged; nothing was merged")
        for rid, rec in records.items():
            problem = record_problem(table, rec)
            if problem is None and rec.get("id") != rid:
                problem = "it is filed under another id than its own"
            if problem is not None:
                raise WorkbenchError(
                    f"{path}: {record_label(table, rec)} is damaged ({problem}); nothing was "
                    "merged"
                )


def same_project(ours: Data, theirs: Data, where: Path) -> None:
    """Refuse to merge another project's file: both must carry the same project id."""
    mine, other = (str((d.get("meta") or {}).get("project", {}).get("id") or "")
                   for d in (ours, theirs))
    if mine and other and mine != other:
        raise WorkbenchError(
            f"{where} is another project's file (project id {other[:8]}, this one is "
            f"{mine[:8]}); nothing was merged"
        )


def merge_files(base: Path, ours: Path, theirs: Path) -> MergeResult:
    """Merge THEIRS into OURS with BASE as the common ancestor and write the result to OURS.

    The git merge driver (``%O %A %B``): no lock is taken (git runs it on temporary files), the
    file is written atomically with mode 0600 in the project file format (encrypted again when
    OURS was encrypted).
    """
    from workbench.store.atomic import atomic_write

    ours_data, storage = _read(ours)
    theirs_data = read_data(theirs)
    base_data = read_data(base, allow_empty=True)
    same_project(ours_data, theirs_data, theirs)
    if base_data:
        same_project(ours_data, base_data, base)
    result = merge_data(base_data, ours_data, theirs_data, origin="merge")
    payload = fileformat.render_data(result.data)
    sealer = getattr(storage, "sealer", None)
    if sealer is not None:  # an encrypted project stays encrypted
        payload = sealer.seal(payload)
    try:
        atomic_write(ours, payload)
    except OSError as exc:
        raise WorkbenchError(f"cannot write {ours}: {exc.strerror or exc}") from None
    return result


# --------------------------------------------------------------------------- the merge
def merge_data(base: Data, ours: Data, theirs: Data, *, origin: str = "merge") -> MergeResult:
    """The three-way merge of parsed project files (see the module docstring).

    An empty ``base`` merges two copies with no common ancestor: every record only one side has
    is taken, and records both have that differ keep OURS as conflicts.
    """
    result = MergeResult(data={})
    merged = result.data
    sides = Sides(base, ours, theirs)
    skip = {"meta", "history", "conflicts"}
    tables = [t for t in dict.fromkeys([*RECORD_TABLES, *ours, *theirs, *base]) if t not in skip]
    for table in tables:
        out: dict[str, Record] = {}
        b_t, o_t, t_t = (sides.table(d, table) for d in (base, ours, theirs))
        for rid in sorted({*b_t, *o_t, *t_t}):
            b, o, t = b_t.get(rid), o_t.get(rid), t_t.get(rid)
            rec = _merge_record(table, rid, b, o, t, sides, result)
            if rec is not None:
                out[rid] = rec
        merged[table] = out

    merged["meta"] = _merge_meta(base, ours, theirs, result)
    merged["history"] = copy.deepcopy(ours.get("history") or {})
    settle(merged, sides, result, origin)
    # kept conflicts: one resolved (deleted) on one side and untouched on the other goes
    kept = {}
    b_c, o_c, t_c = (sides.table(d, "conflicts") for d in (base, ours, theirs))
    for rid in sorted({*b_c, *o_c, *t_c}):
        b, o, t = b_c.get(rid), o_c.get(rid), t_c.get(rid)
        if o == b:
            rec = t
        elif t == b or o is not None:
            rec = o
        else:
            rec = t
        if rec is not None:
            kept[rid] = rec
    for conflict in result.conflicts:
        conflict.origin = conflict.origin or origin
        kept[conflict.id] = to_record(conflict)
    if kept:
        merged["conflicts"] = kept
    return result


def _merge_record(
    table: str,
    rid: str,
    b: Record | None,
    o: Record | None,
    t: Record | None,
    sides: Sides,
    result: MergeResult,
) -> Record | None:
    if o == t:
        return o
    if o == b:
        return t
    if t == b:
        return o
    what = label(table, b or o or t or {}, sides)
    if o is None or t is None:
        deleted, changed = ("ours", "theirs") if o is None else ("theirs", "ours")
        result.conflicts.append(
            new_conflict(
                "record",
                table,
                rid,
                None,
                b,
                o,
                t,
                f"{what} was deleted in {deleted} and changed in {changed}; the changed one was "
                "kept",
            )
        )
        return copy.deepcopy(o if o is not None else t)
    if b is None or table not in FIELD_TABLES:
        result.conflicts.append(
            new_conflict(
                "record",
                table,
                rid,
                None,
                b,
                o,
                t,
                f"{what} differs in the two copies; ours was kept",
            )
        )
        return copy.deepcopy(o)
    merged, clashes = _merge_fields(table, b, o, t)
    if clashes:
        names = sorted(clashes)
        result.conflicts.append(
            new_conflict(
                "field",
                table,
                rid,
                names,
                {k: _field(b, k) for k in names},
                {k: _field(o, k) for k in names},
                {k: _field(t, k) for k in names},
                f"{what}: both sides changed {_describe_fields(names, o, t)}; ours was kept",
            )
        )
    return merged


def _merge_fields(table: str, b: Record, o: Record, t: Record) -> tuple[Record, list[str]]:
    """Field-by-field merge of a record changed on both sides; returns it and the clashes."""
    bf, of, tf = _flat(table, b), _flat(table, o), _flat(table, t)
    groups = GROUPS.get(table, ())
    grouped = {name for group in groups for name in group}
    units: list[tuple[str, ...]] = [*groups]
    units += [(k,) for k in sorted({*bf, *of, *tf}) if k not in grouped]
    merged = dict(of)
    clashes: list[str] = []
    latest = LATEST.get(table, frozenset())
    for unit in units:
        bv, ov, tv = ([d.get(k) for k in unit] for d in (bf, of, tf))
        if ov == tv or tv == bv:
            pick = ov
        elif ov == bv:
            pick = tv
        elif len(unit) == 1 and unit[0] in latest:
            pick = [max(ov[0] or "", tv[0] or "")]
        else:
            pick = ov
            clashes.extend(unit)
        for k, v in zip(unit, pick, strict=True):
            if v is None and k not in of and k not in tf:
                merged.pop(k, None)
            else:
                merged[k] = v
    return _unflat(table, merged), clashes


def _flat(table: str, rec: Record) -> Record:
    """A case's attributes as fields of their own (``attributes.city``), so they merge apart."""
    if table != "cases":
        return rec
    flat = {k: v for k, v in rec.items() if k != "attributes"}
    for key, value in (rec.get("attributes") or {}).items():
        flat[ATTR + key] = value
    return flat


def _unflat(table: str, rec: Record) -> Record:
    if table != "cases":
        return rec
    out = {k: v for k, v in rec.items() if not k.startswith(ATTR)}
    out["attributes"] = {
        k[len(ATTR) :]: v for k, v in rec.items() if k.startswith(ATTR) and v is not None
    }
    return out


def _field(rec: Record | None, name: str) -> Any:
    if rec is None:
        return None
    if name.startswith(ATTR):
        return (rec.get("attributes") or {}).get(name[len(ATTR) :])
    return rec.get(name)


def _merge_meta(base: Data, ours: Data, theirs: Data, result: MergeResult) -> dict[str, Record]:
    b = (base.get("meta") or {}).get("project") or {}
    o = (ours.get("meta") or {}).get("project") or {}
    t = (theirs.get("meta") or {}).get("project") or {}
    meta = dict(ours.get("meta") or {})
    if not b:
        meta["project"] = copy.deepcopy(o)  # no common base (merge-in): ours stands
        return meta
    merged: Record = {}
    clashes = []
    for key in sorted({*b, *o, *t}):
        bv, ov, tv = b.get(key), o.get(key), t.get(key)
        pick = tv if (ov == bv and ov != tv) else ov
        if ov != tv and ov != bv and tv != bv:
            clashes.append(key)
        if pick is not None or key in o:
            merged[key] = pick
    if clashes:
        result.conflicts.append(
            new_conflict(
                "field",
                "meta",
                "project",
                clashes,
                {k: b.get(k) for k in clashes},
                {k: o.get(k) for k in clashes},
                {k: t.get(k) for k in clashes},
                f"the project's {', '.join(clashes)} changed on both sides; ours was kept",
            )
        )
    meta["project"] = merged
    return meta


def _describe_fields(names: list[str], o: Record, t: Record) -> str:
    parts = []
    for name in names:
        shown = name[len(ATTR) :] if name.startswith(ATTR) else name
        if name in ("paragraphs",):
            continue
        parts.append(f"{shown} (ours {short(_field(o, name))}, theirs {short(_field(t, name))})")
    return "; ".join(parts) or ", ".join(names)


# --------------------------------------------------------------------------- merge-in
@dataclass(slots=True)
class MergeInReport:
    """What ``merge-in`` brought: new records per table, conflicts kept, notes."""

    added: dict[str, int]
    conflicts: list[Conflict]
    notes: list[str]


def merge_in(project: Any, other: Path) -> MergeInReport:
    """Merge a colleague's copy with no common base into an open project, as one undoable step.

    Union by id: records only in ``other`` come in, records in both that differ keep the
    project's version and become conflicts; codes, cases and documents made on both sides under
    the same name become one. The project's meta and history stay as they are.
    """
    if other.resolve() == project.path.resolve():
        raise WorkbenchError("that is the project itself; give a colleague's copy")
    theirs = read_data(other)
    ours: Data = project.to_data()
    same_project(ours, theirs, other)
    result = merge_data({}, ours, theirs, origin="merge-in")
    taken = take_merged(project, result.data, f"merge in {other.name}")
    return MergeInReport(taken.added, result.conflicts, result.notes)


@dataclass(slots=True)
class Taken:
    """How many records a merge added, changed and removed in an open project, per table
    (conflicts left out: the merge result lists them)."""

    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def count(self, kind: dict[str, int], table: str) -> None:
        if table != "conflicts":
            kind[table] = kind.get(table, 0) + 1


def take_merged(project: Any, data: Data, label: str) -> Taken:
    """Make the records of an open project those of merged ``data``, as one undoable step
    named ``label``; returns what changed."""
    taken = Taken()
    with project.change(label):
        for table in RECORD_TYPES:
            current = project.table(table)
            new = data.get(table, {})
            for rid in [r for r in current if r not in new]:
                taken.count(taken.removed, table)
                current.drop(rid)
            for rid, rec in new.items():
                obj = current.get(rid)
                if obj is None:
                    taken.count(taken.added, table)
                    current.restore(rid, rec)
                elif to_record(obj) != rec:
                    taken.count(taken.changed, table)
                    current.restore(rid, rec)
    return taken
