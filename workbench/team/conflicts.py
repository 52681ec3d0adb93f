"""Merge conflicts: making the records, describing them, and resolving the kept ones.

A merge (:mod:`workbench.team.merge`) never loses a disagreement: it keeps each one as a
:class:`~workbench.core.model.Conflict` record in the project's ``conflicts`` table, with the
base, ours and theirs values. This module makes those records, describes them for a person, and
settles a kept one (``workbench conflicts --take ours|theirs``) as one undoable step.
"""

from __future__ import annotations

import copy
from typing import Any

from workbench.clock import now
from workbench.core.model import RECORD_TYPES, Conflict, from_record, new_id, to_record
from workbench.errors import WorkbenchError

#: Prefix of a case attribute merged as a field of its own (``attributes.city``).
ATTR = "attributes."


# --------------------------------------------------------------------------- making and describing
def new_conflict(
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
    """A new conflict record (the values are copied, so later edits cannot change them)."""
    return Conflict(
        id=new_id(),
        kind=kind,
        table=table,
        record=record,
        fields=fields,
        base=copy.deepcopy(base),
        ours=copy.deepcopy(ours),
        theirs=copy.deepcopy(theirs),
        message=message,
        origin=origin,
        created=now(),
    )


def short(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters for a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(conflict: Conflict) -> str:
    """One line for a person."""
    return conflict.message or f"{conflict.kind} conflict on {conflict.table} {conflict.record}"


# --------------------------------------------------------------------------- resolving
def find_conflict(project: Any, ref: str) -> Conflict:
    """A kept conflict by id or a unique prefix (at least 4 characters)."""
    table = project.conflicts
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
    before = set(check_project(project))
    meta = project.meta
    try:
        with project.change(f"resolve conflict {conflict.id[:8]} ({take})"):
            _apply(project, conflict, value)
            project.conflicts.drop(conflict.id)
            worse = sorted(set(check_project(project)) - before)
            if worse:
                more = f" and {len(worse) - 1} more" if len(worse) > 1 else ""
                raise WorkbenchError(
                    f"taking {take} would leave the project unsound ({worse[0]}{more}); "
                    "nothing changed"
                )
    except BaseException:
        project.update_meta({k: meta.get(k) for k in {*meta, *project.meta}})  # not undoable
        raise
    if conflict.kind == "integrity":
        return f"dismissed: {describe(conflict)}"
    return f"took {take}: {describe(conflict)}"


def _apply(project: Any, conflict: Conflict, value: Any) -> None:
    if conflict.kind == "integrity":
        return
    if conflict.table == "meta":
        project.update_meta({name: (value or {}).get(name) for name in conflict.fields or []})
        return
    if conflict.table not in RECORD_TYPES or not conflict.record:
        return
    if conflict.fields is None:
        project.table(conflict.table).restore(conflict.record, value)
    else:
        obj = project.table(conflict.table).get(conflict.record)
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
            project.table(conflict.table).put(updated)
