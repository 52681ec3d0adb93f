"""Consent withdrawal: a participant's case and everything of theirs leaves the project for good.

The case with its attributes, its documents, their codings, the memos on any of these, and the
merge conflicts that kept copies of them are removed in one step; then the undo history and
every backup beside the file are purged (:func:`workbench.privacy.purge.purge_history`), so
nothing of theirs survives in the project's files. It cannot be undone.

What the researcher wrote elsewhere may still quote or name the participant (a code memo, a
code's example, an in-vivo code name): :func:`withdraw` lists those places to review by hand,
and the codes left without codings, rather than guessing what to delete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.privacy.purge import PurgeResult, purge_history

if TYPE_CHECKING:
    from workbench.core.model import Case
    from workbench.core.project import Project

#: Coded passages at least this long are looked for, word for word, in what is left.
QUOTE_MIN = 25
_CODE_FIELDS = ("name", "description", "inclusion", "exclusion", "example")


@dataclass
class Withdrawal:
    """What a withdrawal removes (or removed) and what still mentions the participant."""

    case: str
    documents: list[str] = field(default_factory=list)
    codings: int = 0
    memos: int = 0
    attributes: int = 0
    conflicts: int = 0
    purged: PurgeResult | None = None
    #: places that still name the case or quote its documents ("memo on code:Anger", ...)
    still_mentioned: list[str] = field(default_factory=list)
    #: codes that had codings only in the withdrawn documents
    codes_left_empty: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The counts and names as JSON-ready data."""
        return {
            "case": self.case,
            "documents": list(self.documents),
            "codings": self.codings,
            "memos": self.memos,
            "attributes": self.attributes,
            "conflicts": self.conflicts,
            "history_entries": self.purged.history_entries if self.purged else 0,
            "files": [p.name for p in self.purged.files] if self.purged else [],
            "still_mentioned": list(self.still_mentioned),
            "codes_left_empty": list(self.codes_left_empty),
        }


def plan(project: Project, case: Case) -> Withdrawal:
    """What withdrawing ``case`` would remove (nothing changes)."""
    found = Withdrawal(case.name, attributes=len(case.attributes))
    ids = _record_ids(project, case)
    found.documents = [d.name for d in project.documents.of_case(case)]
    found.codings = len(ids["codings"])
    found.memos = len(ids["memos"])
    found.conflicts = len(_conflicts_on(project, ids))
    return found


def withdraw(project: Project, case: Case) -> Withdrawal:
    """Remove ``case`` and everything of it, then purge the history and backups. Needs the
    write lock; cannot be undone."""
    case = project.cases.current(case)
    done = plan(project, case)
    ids = _record_ids(project, case)
    quotes = {c.text.strip() for c in map(project.codings.get, ids["codings"]) if c}
    codes_before = {c.code for c in map(project.codings.get, ids["codings"]) if c}
    with project.change(f"withdraw {case.name}"):
        for conflict_id in _conflicts_on(project, ids):
            project.conflicts.drop(conflict_id)
        for doc in project.documents.of_case(case):
            project.documents.remove(doc)
        project.cases.remove(case)
    done.purged = purge_history(project)
    done.still_mentioned = _mentions(project, case.name, quotes)
    done.codes_left_empty = sorted(
        project.codebook.path(project.codebook[code_id])
        for code_id in codes_before
        if code_id in project.codebook and not project.codings.with_code(code_id)
    )
    return done


def _record_ids(project: Project, case: Case) -> dict[str, set[str]]:
    """The ids of the case's records, by table."""
    documents = {d.id for d in project.documents.of_case(case)}
    codings = {c.id for d in documents for c in project.codings.in_document(d)}
    targets = {("case", case.id)} | {("document", d) for d in documents} | {
        ("coding", c) for c in codings
    }
    memos = {m.id for m in project.memos.values() if (m.target_kind, m.target_id) in targets}
    return {"cases": {case.id}, "documents": documents, "codings": codings, "memos": memos}


def _conflicts_on(project: Project, ids: dict[str, set[str]]) -> list[str]:
    """Kept merge conflicts about any of those records (they hold copies of them)."""
    return [c.id for c in project.conflicts.values() if c.record in ids.get(c.table, set())]


def _mentions(project: Project, case_name: str, quotes: set[str]) -> list[str]:
    """Where what is left names the case or quotes a withdrawn passage word for word."""
    name = re.compile(rf"(?<!\w){re.escape(case_name)}(?!\w)", re.IGNORECASE)
    long_quotes = [q for q in quotes if len(q) >= QUOTE_MIN]

    def mentions(text: str) -> bool:
        return bool(name.search(text)) or any(q in text for q in long_quotes)

    found = []
    for memo in project.memos.all():
        if mentions(memo.text):
            target = project.memos.describe_target(memo.target_kind, memo.target_id)
            found.append(f"memo on {target}")
    for code in project.codebook.all():
        fields = [f for f in _CODE_FIELDS if mentions(getattr(code, f))]
        if fields:
            found.append(f"code {project.codebook.path(code)} ({', '.join(fields)})")
    if mentions(project.name):
        found.append("the project's name")
    return found
