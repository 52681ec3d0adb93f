"""Making merged tables whole again after the record-by-record merge.

:func:`settle` runs after :func:`workbench.team.merge.merge_data` has merged each table: codes,
cases and documents created on both sides under the same name become one (THEIRS' ids are
remapped to OURS' in every record that refers to them); records one side deleted but the other
still refers to are brought back; codings made on one side's version of a text that the merge
changed are re-anchored (or set aside as conflicts when their words are gone); codings that came
to repeat one another are kept once; and whatever :func:`workbench.core.integrity.check_data`
still finds becomes a conflict.

It also holds the state the whole merge shares: :class:`MergeResult` and :class:`Sides`.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.core.model import RECORD_TYPES, TARGET_TABLES, Conflict
from workbench.team.conflicts import ATTR, new_conflict, short

Data = dict[str, dict[str, Any]]
Record = dict[str, Any]

#: Record tables merged record by record (``conflicts`` is merged apart: see ``merge_data``).
RECORD_TABLES = tuple(t for t in RECORD_TYPES if t != "conflicts")


@dataclass(slots=True)
class MergeResult:
    """The merged tables, the conflicts found by this merge, and notes on what was joined."""

    data: Data
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Sides:
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


def label(table: str, rec: Record, sides: Sides, merged: Data | None = None) -> str:
    """``code 'Anger'``, ``document 'r1'``, ``coding 1a2b3c4d (Anger in r1)``..."""
    if table in ("codes", "cases", "documents"):
        return f"{table[:-1]} {rec.get('name')!r}"
    if table == "codings":

        def name_of(t: str, rid: Any) -> str:
            for data in (merged or {}, sides.ours, sides.theirs, sides.base):
                found = Sides.table(data, t).get(rid)
                if found:
                    return str(found.get("name"))
            return "?"

        code, doc = name_of("codes", rec.get("code")), name_of("documents", rec.get("document"))
        return f"coding {str(rec.get('id'))[:8]} ({code} in {doc})"
    if table == "memos":
        return f"memo {str(rec.get('id'))[:8]}"
    return f"{table} record {str(rec.get('id'))[:8]}"


def settle(merged: Data, sides: Sides, result: MergeResult, origin: str) -> None:
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
            new_conflict("integrity", message=f"after merging: {problem}", origin=origin)
        )


# --------------------------------------------------------------------------- making it whole
def _unify(merged: Data, sides: Sides, result: MergeResult) -> bool:
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
                    **coding,
                    "document": _follow(doc_map, coding["document"]),
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
                    **coding,
                    "code": _follow(code_map, coding["code"]),
                }
        _retarget_memos(merged, "code", code_map)
    return len(result.notes) + len(result.conflicts) != before


def _unify_table(
    merged: Data, sides: Sides, result: MergeResult, table: str, key: Callable[[Record], Any]
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
                result.notes.append(
                    f"{label(table, kept, sides, merged)} was made on both sides: joined into one"
                )
            else:
                new_name = _free_name(records, key, rec)
                records[other] = {**rec, "name": new_name}
                result.conflicts.append(
                    new_conflict(
                        "name",
                        table,
                        other,
                        ["name"],
                        None,
                        {"name": new_name},
                        {"name": rec["name"]},
                        f"two different {table} named {rec['name']!r} met in the merge; one "
                        f"was renamed {new_name!r} (rename or merge it)",
                    )
                )
    return remap


def _absorb(table: str, kept: Record, other: Record, result: MergeResult, sides: Sides) -> Record:
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
                new_conflict(
                    "field",
                    "cases",
                    kept["id"],
                    names,
                    None,
                    {k: clashes[k][0] for k in names},
                    {k: clashes[k][1] for k in names},
                    f"case {kept['name']!r} was made on both sides with different "
                    f"{', '.join(n[len(ATTR) :] for n in names)}; ours was kept",
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




def _keep_referred(merged: Data, sides: Sides, result: MergeResult) -> bool:
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
            table = TARGET_TABLES.get(memo.get("target_kind"))
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
                new_conflict(
                    "record",
                    table,
                    rid,
                    None,
                    b,
                    o,
                    t,
                    f"{label(table, rec, sides)} was deleted on one side but {user} still "
                    "refers to it; it was kept",
                )
            )
        if not brought:
            break
        any_brought = True
    return any_brought


def _reanchor(merged: Data, sides: Sides, result: MergeResult) -> None:
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
                    **coding,
                    "start": span.start,
                    "end": span.end,
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
    merged: Data, sides: Sides, result: MergeResult, coding: Record, doc: Record
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
                **memo,
                "target_kind": "document",
                "target_id": doc["id"],
            }
    result.conflicts.append(
        new_conflict(
            "lost",
            "codings",
            cid,
            None,
            sides.get(sides.base, "codings", cid),
            None,
            coding,
            f"{label('codings', coding, sides, merged)} covered {short(coding.get('text'))}, "
            f"which the merged text of {doc.get('name')!r} no longer has; it was taken out and "
            "is kept here (its memos moved to the document): code the passage again, then "
            "resolve with --take ours",
        )
    )


def _drop_duplicate_codings(merged: Data, sides: Sides, result: MergeResult) -> None:
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
