"""Memos of a project: on the project, a document, a case, a code or a coding.

:class:`MemoOperations` is mixed into :class:`workbench.core.project.Project`; every change
goes through ``Project.change()`` so it is undoable.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from workbench.clock import now
from workbench.core.model import TARGET_KINDS, Memo, new_id
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.state import ProjectState


class MemoOperations:
    """Memo queries and changes; needs ``self.state``, ``self.change`` and the finders."""

    state: ProjectState

    def memos(self) -> list[Memo]:
        """Every memo, newest first."""
        return sorted(
            self.state.tables["memos"].values(),
            key=lambda m: (m.modified or m.created, m.id),
            reverse=True,
        )

    def memos_of(self, kind: str, target_id: str | None) -> list[Memo]:
        """The memos on one target, oldest first."""
        found = self.state.memos_by_target.get((kind, target_id), {}).values()
        return sorted(found, key=lambda m: (m.created, m.id))

    def resolve_target(self, target: str) -> tuple[str, str | None]:
        """A memo target (``project``, ``doc:NAME``, ``case:NAME``, ...) as (kind, id)."""
        if target == "project":
            return "project", None
        prefix, sep, rest = target.partition(":")
        if not sep or not rest:
            raise WorkbenchError(
                f"memo target {target!r} must be project, doc:NAME, case:NAME, "
                "code:PATH or coding:ID"
            )
        if prefix in ("doc", "document"):
            return "document", self.document(rest).id
        if prefix == "case":
            return "case", self.case(rest).id
        if prefix in ("code", "theme"):
            return "code", self.find_code(rest).id
        if prefix == "coding":
            return "coding", self.coding(rest).id
        raise WorkbenchError(
            f"unknown memo target kind {prefix!r} (project, doc, case, code, coding)"
        )

    def describe_target(self, kind: str, target_id: str | None) -> str:
        """A target in the form ``resolve_target`` reads (``doc:NAME``, ``code:PATH``...)."""
        if kind == "project":
            return "project"
        if kind == "document":
            doc = self.state.tables["documents"].get(target_id)
            return f"doc:{doc.name if doc else target_id}"
        if kind == "case":
            case = self.state.tables["cases"].get(target_id)
            return f"case:{case.name if case else target_id}"
        if kind == "code":
            code = self.state.tables["codes"].get(target_id)
            return f"code:{self.code_path(code) if code else target_id}"
        return f"coding:{target_id}"

    def add_memo(self, kind: str, target_id: str | None, text: str, author: str) -> Memo:
        """Write a new memo on a target."""
        if kind not in TARGET_KINDS:
            raise WorkbenchError(f"unknown memo target kind {kind!r}")
        if not text.strip():
            raise WorkbenchError("a memo needs some text")
        stamp = now()
        memo = Memo(new_id(), kind, target_id, text, author, stamp, stamp)
        with self.change(f"memo on {self.describe_target(kind, target_id)}"):
            self.state.put("memos", memo)
        return memo

    def edit_memo(self, memo: Memo, text: str) -> Memo:
        """Change a memo's text (an empty text deletes it)."""
        memo = self._current("memos", memo)
        if not text.strip():
            self.delete_memo(memo)
            return memo
        if text == memo.text:
            return memo
        updated = dataclasses.replace(memo, text=text, modified=now())
        with self.change(f"edit memo on {self.describe_target(memo.target_kind, memo.target_id)}"):
            self.state.put("memos", updated)
        return updated

    def delete_memo(self, memo: Memo) -> None:
        """Remove a memo."""
        memo = self._current("memos", memo)
        with self.change(
            f"delete memo on {self.describe_target(memo.target_kind, memo.target_id)}"
        ):
            self.state.remove("memos", memo.id)
