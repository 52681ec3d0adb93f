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

History: the merged file keeps OURS' undo history only. Undo across a merge is not meaningful
(an entry would restore records as they were before the other coder's work arrived), so the
history of THEIRS is left out.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError
from workbench.core.model import RECORD_TYPES, Conflict, from_record, new_id, now, to_record
from workbench.store import fileformat

Data = dict[str, dict[str, Any]]
Record = dict[str, Any]

#: Record tables merged by the rules above (``conflicts`` is merged record by record).
RECORD_TABLES = tuple(t for t in RECORD_TYPES if t != "conflicts")
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
ATTR = "attributes."


@dataclass(slots=True)
class MergeResult:
    """The merged tables, the conflicts found by this merge, and notes on what was joined."""

    data: Data
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- reading and writing
def read_data(path: Path, *, allow_empty: bool = False) -> Data:
    """A project file's tables, migrated to the current schema (any file name will do)."""
    return _read(path, allow_empty=allow_empty)[0]


def _read(path: Path, *, allow_empty: bool = False) -> tuple[Data, Any]:
    """The tables and the storage that read them (which knows whether the file was sealed)."""
    from workbench.store.migrations import migrate
    from workbench.store.storage import AtomicJSONStorage

    storage = AtomicJSONStorage(path)
    if not path.exists():
        if allow_empty:
            return {}, storage
        raise WorkbenchError(f"no project at {path}")
    if allow_empty and path.is_file() and path.stat().st_size == 0:
        return {}, storage  # git passes an empty base when the sides have no common ancestor
    data = storage.read()
    if data is None:
        raise WorkbenchError(f"no project at {path}")
    data, _ = migrate(data, path)
    return data, storage


def merge_files(base: Path, ours: Path, theirs: Path) -> MergeResult:
    """Merge THEIRS into OURS with BASE as the common ancestor and write the result to OURS.

    The git merge driver (``%O %A %B``): no lock is taken (git runs it on temporary files), the
    file is written atomically with mode 0600 in the project file format (encrypted again when
    OURS was encrypted).
    """
    from workbench.store.atomic import atomic_write

    ours_data, storage = _read(ours)
    result = merge_data(
        read_data(base, allow_empty=True), ours_data, read_data(theirs), origin="merge"
    )
    payload = fileformat.render_data(result.data).encode("utf-8")
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
    sides = _Sides(base, ours, theirs)
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


def settle(merged: Data, sides: _Sides, result: MergeResult, origin: str) -> None:
    """Make merged tables whole: unify same-named records, keep what is still referred to,
    re-anchor codings, and turn what :func:`check_data` still finds into conflicts."""
    from workbench.core.integrity import check_data

    for table in RECORD_TABLES:
        merged.setdefault(table, {})
    for _ in range(10):  # a record brought back may meet another of its name, and so on
        joined = _unify(merged, sides, result)
        if not _keep_referred(merged, sides, result) and not joined:
            break
    _reanchor(merged, sides, result)
    _drop_duplicate_codings(merged, sides, result)
    for problem in check_data(merged):
        result.conflicts.append(
            _conflict("integrity", message=f"after merging: {problem}", origin=origin)
        )


class _Sides:
    """The three inputs, with the helpers that tell which side a record came from."""

    def __init__(self, base: Data, ours: Data, theirs: Data) -> None:
        self.base, self.ours, self.theirs = base, ours, theirs

    @staticmethod
    def table(data: Data, table: str) -> dict[str, Record]:
        found = data.get(table)
        return found if isinstance(found, dict) else {}

    def get(self, data: Data, table: str, rid: str | None) -> Record | None:
        return self.table(data, table).get(rid) if rid is not None else None

    def new_in_theirs(self, table: str, rid: str) -> bool:
        """True for a record THEIRS added (neither OURS nor BASE has it)."""
        return rid not in self.table(self.ours, table) and rid not in self.table(self.base, table)


def _merge_record(
    table: str,
    rid: str,
    b: Record | None,
    o: Record | None,
    t: Record | None,
    sides: _Sides,
    result: MergeResult,
) -> Record | None:
    if o == t:
        return o
    if o == b:
        return t
    if t == b:
        return o
    what = _label(table, b or o or t or {}, sides)
    if o is None or t is None:
        deleted, changed = ("ours", "theirs") if o is None else ("theirs", "ours")
        result.conflicts.append(
            _conflict(
                "record", table, rid, None, b, o, t,
                f"{what} was deleted in {deleted} and changed in {changed}; the changed one was "
                "kept",
            )
        )
        return copy.deepcopy(o if o is not None else t)
    if b is None or table not in FIELD_TABLES:
        result.conflicts.append(
            _conflict(
                "record", table, rid, None, b, o, t,
                f"{what} differs in the two copies; ours was kept",
            )
        )
        return copy.deepcopy(o)
    merged, clashes = _merge_fields(table, b, o, t)
    if clashes:
        names = sorted(clashes)
        result.conflicts.append(
            _conflict(
                "field", table, rid, names,
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
            _conflict(
                "field", "meta", "project", clashes,
                {k: b.get(k) for k in clashes}, {k: o.get(k) for k in clashes},
                {k: t.get(k) for k in clashes},
                f"the project's {', '.join(clashes)} changed on both sides; ours was kept",
            )
        )
    meta["project"] = merged
    return meta


# --------------------------------------------------------------------------- making it whole
def _unify(merged: Data, sides: _Sides, result: MergeResult) -> bool:
    """Join records that both sides made under the same name: codes, cases, documents.

    Returns whether anything changed.
    """
    before = len(result.notes) + len(result.conflicts)
    case_map = _unify_table(merged, sides, result, "cases", lambda r: r.get("name"))
    if case_map:
        for doc in list(merged["documents"].values()):
            if doc.get("case") in case_map:
                merged["documents"][doc["id"]] = {**doc, "case": _follow(case_map, doc["case"])}
        _retarget_memos(merged, "case", case_map)
    doc_map = _unify_table(merged, sides, result, "documents", lambda r: r.get("name"))
    if doc_map:
        for coding in list(merged["codings"].values()):
            if coding.get("document") in doc_map:
                merged["codings"][coding["id"]] = {
                    **coding, "document": _follow(doc_map, coding["document"])
                }
        _retarget_memos(merged, "document", doc_map)
    code_map: dict[str, str] = {}
    while True:  # parents first: unifying parents can make their children siblings
        found = _unify_table(
            merged, sides, result, "codes", lambda r: (r.get("parent"), r.get("name"))
        )
        if not found:
            break
        code_map.update(found)
        for code in list(merged["codes"].values()):
            if code.get("parent") in found:
                merged["codes"][code["id"]] = {**code, "parent": _follow(found, code["parent"])}
    if code_map:
        for coding in list(merged["codings"].values()):
            if coding.get("code") in code_map:
                merged["codings"][coding["id"]] = {
                    **coding, "code": _follow(code_map, coding["code"])
                }
        _retarget_memos(merged, "code", code_map)
    return len(result.notes) + len(result.conflicts) != before


def _unify_table(
    merged: Data, sides: _Sides, result: MergeResult, table: str, key: Callable[[Record], Any]
) -> dict[str, str]:
    """Remove THEIRS' new records that clash by ``key`` with another record; returns old -> new.

    A clash that is not a new record of THEIRS (both sides renamed something to one name) is
    settled by renaming THEIRS' record, and kept as a conflict.
    """
    records = merged[table]
    groups: dict[Any, list[str]] = defaultdict(list)
    for rid, rec in records.items():
        groups[key(rec)].append(rid)
    remap: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        # the keeper: a record OURS has under this name, else one that is not new in THEIRS
        ours_t = sides.table(sides.ours, table)
        group.sort(
            key=lambda rid: (
                not (rid in ours_t and key(ours_t[rid]) == key(records[rid])),
                sides.new_in_theirs(table, rid),
                rid,
            )
        )
        keeper = group[0]
        for other in group[1:]:
            rec, kept = records[other], records[keeper]
            same_text = table != "documents" or rec.get("text") == kept.get("text")
            if sides.new_in_theirs(table, other) and same_text:
                remap[other] = keeper
                records[keeper] = _absorb(table, kept, rec, result, sides)
                del records[other]
                result.notes.append(f"{_label(table, kept, sides, merged)} was made on both sides: "
                                    "joined into one")
            else:
                new_name = _free_name(records, key, rec)
                records[other] = {**rec, "name": new_name}
                result.conflicts.append(
                    _conflict(
                        "name", table, other, ["name"], None, {"name": new_name},
                        {"name": rec["name"]},
                        f"two different {table} named {rec['name']!r} met in the merge; one "
                        f"was renamed {new_name!r} (rename or merge it)",
                    )
                )
    return remap


def _absorb(table: str, kept: Record, other: Record, result: MergeResult, sides: _Sides) -> Record:
    """OURS' record of a joined pair, with what only THEIRS' said filled in."""
    out = dict(kept)
    if table == "codes":
        for name in ("description", "inclusion", "exclusion", "example"):
            if not out.get(name) and other.get(name):
                out[name] = other[name]
        out["is_theme"] = bool(out.get("is_theme") or other.get("is_theme"))
    elif table == "cases":
        attrs = dict(out.get("attributes") or {})
        clashes = {}
        for name, value in (other.get("attributes") or {}).items():
            if name not in attrs:
                attrs[name] = value
            elif attrs[name] != value:
                clashes[ATTR + name] = (attrs[name], value)
        out["attributes"] = attrs
        if clashes:
            names = sorted(clashes)
            result.conflicts.append(
                _conflict(
                    "field", "cases", kept["id"], names, None,
                    {k: clashes[k][0] for k in names}, {k: clashes[k][1] for k in names},
                    f"case {kept['name']!r} was made on both sides with different "
                    f"{', '.join(n[len(ATTR):] for n in names)}; ours was kept",
                )
            )
    elif table == "documents" and not out.get("case") and other.get("case"):
        out["case"] = other["case"]
    return out


def _free_name(records: dict[str, Record], key: Callable[[Record], Any], rec: Record) -> str:
    taken = {key(r) for r in records.values()}
    n = 1
    while True:
        name = f"{rec['name']} (theirs{'' if n == 1 else f' {n}'})"
        if key({**rec, "name": name}) not in taken:
            return name
        n += 1


def _follow(remap: dict[str, str], rid: str) -> str:
    seen = set()
    while rid in remap and rid not in seen:
        seen.add(rid)
        rid = remap[rid]
    return rid


def _retarget_memos(merged: Data, kind: str, remap: dict[str, str]) -> None:
    for memo in list(merged["memos"].values()):
        if memo.get("target_kind") == kind and memo.get("target_id") in remap:
            merged["memos"][memo["id"]] = {**memo, "target_id": _follow(remap, memo["target_id"])}


_TARGETS = {"document": "documents", "case": "cases", "code": "codes", "coding": "codings"}


def _keep_referred(merged: Data, sides: _Sides, result: MergeResult) -> bool:
    """Bring back records one side deleted while the other still refers to them.

    Returns whether any record was brought back.
    """

    def wanted() -> list[tuple[str, str, str]]:
        need: list[tuple[str, str, str]] = []
        for coding in merged["codings"].values():
            need.append(("documents", coding.get("document"), f"coding {coding['id'][:8]}"))
            need.append(("codes", coding.get("code"), f"coding {coding['id'][:8]}"))
        for code in merged["codes"].values():
            if code.get("parent") is not None:
                need.append(("codes", code["parent"], f"code {code.get('name')!r}"))
        for doc in merged["documents"].values():
            if doc.get("case") is not None:
                need.append(("cases", doc["case"], f"document {doc.get('name')!r}"))
        for memo in merged["memos"].values():
            table = _TARGETS.get(memo.get("target_kind"))
            if table and memo.get("target_id") is not None:
                need.append((table, memo["target_id"], f"a memo ({memo['id'][:8]})"))
        return need

    any_brought = False
    for _ in range(50):  # each round brings back one level (a parent's parent...)
        brought = False
        for table, rid, user in wanted():
            if not isinstance(rid, str) or rid in merged[table]:
                continue
            o, t, b = (sides.get(d, table, rid) for d in (sides.ours, sides.theirs, sides.base))
            rec = o or t or b
            if rec is None:
                continue  # nowhere to be found: check_data reports it
            merged[table][rid] = copy.deepcopy(rec)
            brought = True
            result.conflicts.append(
                _conflict(
                    "record", table, rid, None, b, o, t,
                    f"{_label(table, rec, sides)} was deleted on one side but {user} still "
                    "refers to it; it was kept",
                )
            )
        if not brought:
            break
        any_brought = True
    return any_brought


def _reanchor(merged: Data, sides: _Sides, result: MergeResult) -> None:
    """Move codings made on one side's text of a document that the merge changed."""
    from workbench.core.text import diff_edits, move_span

    edits: dict[tuple[str, int], list] = {}
    moved = 0
    for cid, coding in list(merged["codings"].items()):
        doc = merged["documents"].get(coding.get("document"))
        start, end, covered = coding.get("start"), coding.get("end"), coding.get("text")
        if doc is None or not isinstance(start, int) or not isinstance(end, int):
            continue
        text = doc.get("text", "")
        if text[start:end] == covered and 0 <= start < end <= len(text):
            continue
        for n, data in enumerate((sides.theirs, sides.ours, sides.base)):
            old = (sides.get(data, "documents", doc["id"]) or {}).get("text")
            if old is None or old == text or old[start:end] != covered:
                continue
            key = (doc["id"], n)
            if key not in edits:
                edits[key] = diff_edits(old, text)
            span = move_span(start, end, covered, edits[key], text)
            if span.start is not None and span.end is not None and span.start < span.end:
                merged["codings"][cid] = {
                    **coding, "start": span.start, "end": span.end,
                    "text": text[span.start : span.end],
                }
                moved += 1
            break
        if merged["codings"][cid] is coding:
            _set_aside(merged, sides, result, coding, doc)
    if moved:
        result.notes.append(
            f"{moved} coding{'s' if moved != 1 else ''} made on another version of a text "
            "moved with it"
        )


def _set_aside(
    merged: Data, sides: _Sides, result: MergeResult, coding: Record, doc: Record
) -> None:
    """A coding whose words the merged text no longer has: out of the codings, into a conflict.

    Its memos move to the document (as when an edit loses a coding), so nothing dangles and
    nothing is lost; the conflict keeps the coding as it was.
    """
    cid = coding["id"]
    del merged["codings"][cid]
    for memo in list(merged["memos"].values()):
        if memo.get("target_kind") == "coding" and memo.get("target_id") == cid:
            merged["memos"][memo["id"]] = {
                **memo, "target_kind": "document", "target_id": doc["id"]
            }
    result.conflicts.append(
        _conflict(
            "lost", "codings", cid, None, sides.get(sides.base, "codings", cid), None, coding,
            f"{_label('codings', coding, sides, merged)} covered {_short(coding.get('text'))}, "
            f"which the merged text of {doc.get('name')!r} no longer has; it was taken out and "
            "is kept here (its memos moved to the document): code the passage again, then "
            "resolve with --take ours",
        )
    )


def _drop_duplicate_codings(merged: Data, sides: _Sides, result: MergeResult) -> None:
    """Codings that became the same (document, code, span, coder): keep one, move memos."""
    seen: dict[tuple, str] = {}
    codings = merged["codings"]
    order = sorted(codings, key=lambda rid: (sides.new_in_theirs("codings", rid), rid))
    dropped: dict[str, str] = {}
    for rid in order:
        c = codings[rid]
        key = (c.get("document"), c.get("code"), c.get("start"), c.get("end"), c.get("coder"))
        if key in seen:
            dropped[rid] = seen[key]
        else:
            seen[key] = rid
    for rid in dropped:
        del codings[rid]
    if dropped:
        _retarget_memos(merged, "coding", dropped)
        result.notes.append(
            f"{len(dropped)} coding{'s' if len(dropped) != 1 else ''} that came to repeat "
            "another (same code, coder and span) kept once"
        )


# --------------------------------------------------------------------------- describing
def _conflict(
    kind: str,
    table: str = "",
    record: str | None = None,
    fields: list[str] | None = None,
    base: Any = None,
    ours: Any = None,
    theirs: Any = None,
    message: str = "",
    origin: str = "",
) -> Conflict:
    return Conflict(
        id=new_id(), kind=kind, table=table, record=record, fields=fields,
        base=copy.deepcopy(base), ours=copy.deepcopy(ours), theirs=copy.deepcopy(theirs),
        message=message, origin=origin, created=now(),
    )


def _label(table: str, rec: Record, sides: _Sides, merged: Data | None = None) -> str:
    """``code 'Anger'``, ``document 'r1'``, ``coding 1a2b3c4d (Anger in r1)``..."""
    if table in ("codes", "cases", "documents"):
        return f"{table[:-1]} {rec.get('name')!r}"
    if table == "codings":
        def name_of(t: str, rid: Any) -> str:
            for data in (merged or {}, sides.ours, sides.theirs, sides.base):
                found = _Sides.table(data, t).get(rid)
                if found:
                    return str(found.get("name"))
            return "?"

        code, doc = name_of("codes", rec.get("code")), name_of("documents", rec.get("document"))
        return f"coding {str(rec.get('id'))[:8]} ({code} in {doc})"
    if table == "memos":
        return f"memo {str(rec.get('id'))[:8]}"
    return f"{table} record {str(rec.get('id'))[:8]}"


def _describe_fields(names: list[str], o: Record, t: Record) -> str:
    parts = []
    for name in names:
        shown = name[len(ATTR) :] if name.startswith(ATTR) else name
        if name in ("paragraphs",):
            continue
        parts.append(f"{shown} (ours {_short(_field(o, name))}, theirs {_short(_field(t, name))})")
    return "; ".join(parts) or ", ".join(names)


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(conflict: Conflict) -> str:
    """One line for a person."""
    return conflict.message or f"{conflict.kind} conflict on {conflict.table} {conflict.record}"


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
    state = project.state
    ours: Data = {
        table: {rid: to_record(obj) for rid, obj in records.items()}
        for table, records in state.tables.items()
    }
    ours["meta"] = {"project": dict(state.meta)}
    result = merge_data({}, ours, theirs, origin="merge-in")
    added: dict[str, int] = {}
    with project.change(f"merge in {other.name}"):
        for table in RECORD_TYPES:
            current = state.tables[table]
            new = result.data.get(table, {})
            for rid in [r for r in current if r not in new]:
                state.remove(table, rid)
            for rid, rec in new.items():
                obj = current.get(rid)
                if obj is None:
                    if table != "conflicts":
                        added[table] = added.get(table, 0) + 1
                    state.put(table, from_record(table, rec))
                elif to_record(obj) != rec:
                    state.put(table, from_record(table, rec))
    return MergeInReport(added, result.conflicts, result.notes)


# --------------------------------------------------------------------------- resolving
def find_conflict(project: Any, ref: str) -> Conflict:
    """A kept conflict by id or a unique prefix (at least 4 characters)."""
    table = project.state.tables["conflicts"]
    found = table.get(ref)
    if found is None and len(ref) >= 4:
        hits = [c for cid, c in table.items() if cid.startswith(ref)]
        found = hits[0] if len(hits) == 1 else None
    if found is None:
        known = ", ".join(sorted(cid[:8] for cid in table)) or "none"
        raise WorkbenchError(f"no conflict with id {ref!r} (conflicts: {known})")
    return found


def resolve(project: Any, conflict: Conflict, take: str) -> str:
    """Settle a conflict with OURS' or THEIRS' value, as one undoable step; returns a summary.

    Refused when the choice would leave the project unsound (for example taking a deletion
    while codings still refer to the record).
    """
    from workbench.core.integrity import check_project

    if take not in ("ours", "theirs"):
        raise WorkbenchError("--take is ours or theirs")
    if conflict.kind == "integrity" and take == "theirs":
        raise WorkbenchError(
            "an integrity problem has no sides: fix it, then dismiss it with --take ours"
        )
    value = conflict.ours if take == "ours" else conflict.theirs
    state = project.state
    before = set(check_project(project))
    meta = dict(state.meta)
    try:
        with project.change(f"resolve conflict {conflict.id[:8]} ({take})"):
            _apply(project, conflict, value)
            state.remove("conflicts", conflict.id)
            worse = sorted(set(check_project(project)) - before)
            if worse:
                more = f" and {len(worse) - 1} more" if len(worse) > 1 else ""
                raise WorkbenchError(
                    f"taking {take} would leave the project unsound ({worse[0]}{more}); "
                    "nothing changed"
                )
    except BaseException:
        state.meta = meta  # the meta record is outside the undo history
        raise
    if conflict.kind == "integrity":
        return f"dismissed: {describe(conflict)}"
    return f"took {take}: {describe(conflict)}"


def _apply(project: Any, conflict: Conflict, value: Any) -> None:
    state = project.state
    if conflict.kind == "integrity":
        return
    if conflict.table == "meta":
        for name in conflict.fields or []:
            new = (value or {}).get(name)
            if new is None:
                state.meta.pop(name, None)
            else:
                state.meta[name] = new
        return
    if conflict.table not in RECORD_TYPES or not conflict.record:
        return
    if conflict.fields is None:
        state.restore(conflict.table, conflict.record, value)
    else:
        obj = state.get(conflict.table, conflict.record)
        if obj is None:
            raise WorkbenchError(f"the {conflict.table[:-1]} of this conflict no longer exists")
        rec = to_record(obj)
        for name in conflict.fields:
            new = (value or {}).get(name)
            if name.startswith(ATTR):
                attrs = dict(rec.get("attributes") or {})
                if new is None:
                    attrs.pop(name[len(ATTR) :], None)
                else:
                    attrs[name[len(ATTR) :]] = new
                rec["attributes"] = attrs
            else:
                rec[name] = new
        updated = from_record(conflict.table, rec)
        if to_record(updated) != to_record(obj):
            state.put(conflict.table, updated)


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    """A kept conflict as JSON (every field of the record)."""
    return to_record(conflict)
