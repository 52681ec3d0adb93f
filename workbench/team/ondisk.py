"""Taking in what another program changed in the project file while it was open.

``git pull``, a sync tool or a colleague's copy may replace ``project.json`` under a workbench
that holds it open for hours (the lock keeps only other Workbench writers out). Before writing,
the project notices (see :mod:`workbench.store.seen`) and asks :func:`merge_from_disk`: the
file as last read or saved is the base, the project in memory is ours, the file on disk is
theirs. The merge is the one ``workbench merge`` does; its result becomes the project in memory
as one undoable step (``merge changes from disk``), and what could not be settled is kept in the
conflicts table that ``workbench conflicts`` lists. Undo stays honest: undo takes the newest step
first, so undoing past the merge first takes the merged-in changes out again, as a step of its
own that redo brings back; the steps before it undo as they always did.
"""

from __future__ import annotations

from typing import Any

from workbench.core.project import Project, TakenFromDisk
from workbench.errors import WorkbenchError
from workbench.team.merge import Taken, merge_data, parse_side, same_project, take_merged

#: The undo step a merge from disk becomes.
STEP = "merge changes from disk"


def merge_from_disk(project: Project, base: bytes, theirs: bytes) -> TakenFromDisk:
    """Merge the file on disk (``theirs``) into ``project`` with ``base`` as the common
    ancestor; returns what came in. A file that cannot be read as this project's raises
    WorkbenchError and nothing changes."""
    path = project.path
    try:
        theirs_data = parse_side(theirs, path)
        ours = project.to_data()
        same_project(ours, theirs_data, path)
    except WorkbenchError as exc:
        raise WorkbenchError(
            f"{path.name} changed on disk and cannot be merged: {exc}. It was not saved over: "
            "your changes stay in memory"
        ) from None
    base_data = parse_side(base, path, trusted=True)  # loaded (checked) or written by us
    result = merge_data(base_data, ours, theirs_data, origin="disk")
    taken = take_merged(project, result.data, STEP)
    meta = _take_meta(project, result.data)
    return TakenFromDisk(
        _message(path.name, taken, meta, len(result.conflicts), result.notes),
        len(result.conflicts),
    )


def _take_meta(project: Project, data: dict[str, Any]) -> list[str]:
    """The project's own fields as merged (not undoable, as a rename); returns those changed."""
    merged = (data.get("meta") or {}).get("project") or {}
    current = project.meta
    changed = {k: merged.get(k) for k in {*merged, *current} if merged.get(k) != current.get(k)}
    if changed:
        project.update_meta(changed)
    return sorted(changed)


def _message(
    name: str, taken: Taken, meta: list[str], conflicts: int, notes: list[str]
) -> str:
    """``merged 3 changes from disk: 2 codings added, 1 memo changed; 1 conflict, see ...``"""
    parts = []
    for kind, counts in (("added", taken.added), ("changed", taken.changed),
                         ("removed", taken.removed)):
        for table, n in counts.items():
            parts.append(f"{_things(n, table)} {kind}")
    parts += [f"the project's {field} changed" for field in meta]
    total = sum(taken.added.values()) + sum(taken.changed.values()) + sum(taken.removed.values())
    total += len(meta)
    if total:
        text = f"merged {_things(total, 'changes')} from disk into {name}: {', '.join(parts)}"
    else:
        text = f"{name} changed on disk; nothing in it was new here"
    if conflicts:
        text += f"; {_things(conflicts, 'conflicts')} kept, see `workbench conflicts`"
    if notes:
        text += f" ({'; '.join(notes[:3])}{'; …' if len(notes) > 3 else ''})"
    return text


def _things(n: int, plural: str) -> str:
    return f"{n} {plural if n != 1 else plural[:-1]}"
