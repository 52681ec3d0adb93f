"""Codings: a code applied to a span ``[start, end)`` of a document's text by one coder."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from workbench.clock import now
from workbench.core.model import Code, Coding, Document, new_id
from workbench.core.records import RecordTable
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.codebook import Codebook
    from workbench.core.documents import Documents
    from workbench.core.recorder import ChangeRecorder
    from workbench.core.state import ProjectState


class Codings(RecordTable[Coding]):
    """The codings of a project by id, with the indexes by document and by code."""

    table = "codings"

    def __init__(
        self,
        state: ProjectState,
        recorder: ChangeRecorder,
        documents: Documents,
        codebook: Codebook,
    ) -> None:
        super().__init__(state, recorder)
        self._documents = documents
        self._codebook = codebook

    # ------------------------------------------------------------------ queries
    def of_document(self, document: Document) -> list[Coding]:
        """The codings of a document, by position."""
        found = self._state.codings_by_document.get(document.id, {}).values()
        return sorted(found, key=lambda c: (c.start, c.end, c.id))

    def in_document(self, document_id: str) -> Collection[Coding]:
        """The codings of a document, in no order (cheap: a view of the index)."""
        return self._state.codings_by_document.get(document_id, {}).values()

    def of_code(self, code: Code) -> list[Coding]:
        """The codings of one code (not its children)."""
        return list(self.with_code(code.id))

    def with_code(self, code_id: str) -> Collection[Coding]:
        """The codings of one code, in no order (cheap: a view of the index)."""
        return self._state.codings_by_code.get(code_id, {}).values()

    def find(self, coding_id: str) -> Coding:
        """A coding by id (or a unique prefix of at least 6 characters)."""
        found = self._records.get(coding_id)
        if found is None and len(coding_id) >= 6:
            hits = [c for cid, c in self._records.items() if cid.startswith(coding_id)]
            found = hits[0] if len(hits) == 1 else None
        if found is None:
            raise WorkbenchError(f"no coding with id {coding_id!r}")
        return found

    # ------------------------------------------------------------------ changes
    def add(
        self, document: Document, start: int, end: int, code_ref: str | Code, coder: str
    ) -> Coding:
        """Apply a code (created with its parents when new) to ``document.text[start:end]``.

        Applying the same code to the same span by the same coder again changes nothing.
        """
        document = self._documents.current(document)
        if isinstance(code_ref, Code):
            code_ref = self._codebook.current(code_ref)
        if not 0 <= start < end <= len(document.text):
            raise WorkbenchError(
                f"span {start}:{end} is not inside {document.name!r} (0 to {len(document.text)}; "
                "START must be less than END)"
            )
        coder = coder.strip()
        if not coder:
            raise WorkbenchError("a coding needs a coder name")
        with self.change("code") as step:
            code = code_ref if isinstance(code_ref, Code) else self._codebook.ensure(code_ref)
            step.label = f"code {self._codebook.path(code)}"
            twin = self._state.same_coding((document.id, code.id, start, end, coder))
            if twin is not None:
                return twin
            coding = Coding(
                id=new_id(),
                document=document.id,
                code=code.id,
                start=start,
                end=end,
                text=document.text[start:end],
                coder=coder,
                created=now(),
            )
            self.put(coding)
        return coding

    def remove(self, coding: Coding) -> None:
        """Remove a coding (its memos go with it and come back on undo)."""
        coding = self.current(coding)
        with self.change(f"uncode {self._codebook.path(self._codebook[coding.code])}"):
            for memo in list(self._state.memos_by_target.get(("coding", coding.id), {}).values()):
                self._state.remove("memos", memo.id)
            self.drop(coding.id)
