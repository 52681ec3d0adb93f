"""Memos of a project: on the project, a document, a case, a code or a coding."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from workbench.clock import now
from workbench.core.model import TARGET_KINDS, Memo, new_id
from workbench.core.records import RecordTable
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.cases import Cases
    from workbench.core.codebook import Codebook
    from workbench.core.codings import Codings
    from workbench.core.documents import Documents
    from workbench.core.recorder import ChangeRecorder
    from workbench.core.state import ProjectState


class Memos(RecordTable[Memo]):
    """The memos of a project by id, and the targets they are written on."""

    table = "memos"

    def __init__(
        self,
        state: ProjectState,
        recorder: ChangeRecorder,
        *,
        documents: Documents,
        cases: Cases,
        codebook: Codebook,
        codings: Codings,
    ) -> None:
        super().__init__(state, recorder)
        self._documents = documents
        self._cases = cases
        self._codebook = codebook
        self._codings = codings

    def all(self) -> list[Memo]:
        """Every memo, newest first."""
        return sorted(
            self._records.values(),
            key=lambda m: (m.modified or m.created, m.id),
            reverse=True,
        )

    def about(self, kind: str, target_id: str | None) -> list[Memo]:
        """The memos on one target, oldest first."""
        found = self._state.memos_by_target.get((kind, target_id), {}).values()
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
            return "document", self._documents.named(rest).id
        if prefix == "case":
            return "case", self._cases.named(rest).id
        if prefix in ("code", "theme"):
            return "code", self._codebook.find(rest).id
        if prefix == "coding":
            return "coding", self._codings.find(rest).id
        raise WorkbenchError(
            f"unknown memo target kind {prefix!r} (project, doc, case, code, coding)"
        )

    def describe_target(self, kind: str, target_id: str | None) -> str:
        """A target in the form ``resolve_target`` reads (``doc:NAME``, ``code:PATH``...)."""
        if kind == "project":
            return "project"
        if kind == "document":
            doc = self._documents.get(target_id)
            return f"doc:{doc.name if doc else target_id}"
        if kind == "case":
            case = self._cases.get(target_id)
            return f"case:{case.name if case else target_id}"
        if kind == "code":
            code = self._codebook.get(target_id)
            return f"code:{self._codebook.path(code) if code else target_id}"
        return f"coding:{target_id}"

    def add(self, kind: str, target_id: str | None, text: str, author: str) -> Memo:
        """Write a new memo on a target."""
        if kind not in TARGET_KINDS:
            raise WorkbenchError(f"unknown memo target kind {kind!r}")
        if not text.strip():
            raise WorkbenchError("a memo needs some text")
        stamp = now()
        memo = Memo(new_id(), kind, target_id, text, author, stamp, stamp)
        with self.change(f"memo on {self.describe_target(kind, target_id)}"):
            self.put(memo)
        return memo

    def edit(self, memo: Memo, text: str) -> Memo:
        """Change a memo's text (an empty text deletes it)."""
        memo = self.current(memo)
        if not text.strip():
            self.delete(memo)
            return memo
        if text == memo.text:
            return memo
        updated = dataclasses.replace(memo, text=text, modified=now())
        with self.change(f"edit memo on {self.describe_target(memo.target_kind, memo.target_id)}"):
            self.put(updated)
        return updated

    def delete(self, memo: Memo) -> None:
        """Remove a memo."""
        memo = self.current(memo)
        with self.change(
            f"delete memo on {self.describe_target(memo.target_kind, memo.target_id)}"
        ):
            self.drop(memo.id)
