"""Codings: a code applied to a span ``[start, end)`` of a document's text by one coder."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.clock import now
from workbench.core.model import Code, Coding, Document, new_id
from workbench.core.records import RecordTable
from workbench.core.turns import Segment, segment_of
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

    def segment(self, coding: Coding) -> Segment:
        """The coding as it is quoted: its text without a speaker label at the edges, with the
        speaker, role and time of the turn it begins in (what every export shows)."""
        return segment_of(self._documents[coding.document], coding.start, coding.end)

    def touching(
        self, document_id: str, code_id: str, coder: str, start: int, end: int
    ) -> list[Coding]:
        """The codings of one code by one coder in a document that overlap or touch
        ``[start, end)``, by position."""
        by_document = self._state.codings_by_document.get(document_id, {})
        by_code = self._state.codings_by_code.get(code_id, {})
        pool = by_code if len(by_code) <= len(by_document) else by_document
        found = [
            c
            for c in pool.values()
            if c.document == document_id
            and c.code == code_id
            and c.coder == coder
            and c.start <= end
            and start <= c.end
        ]
        return sorted(found, key=lambda c: (c.start, c.end, c.created, c.id))

    # ------------------------------------------------------------------ changes
    def add(
        self, document: Document, start: int, end: int, code_ref: str | Code, coder: str
    ) -> Coding:
        """Apply a code to ``document.text[start:end]``; see :meth:`apply`, which also says
        whether a coding was added or extended. Returns the coding that holds the span."""
        return self.apply(document, start, end, code_ref, coder).coding

    def apply(
        self, document: Document, start: int, end: int, code_ref: str | Code, coder: str
    ) -> Applied:
        """Apply a code (created with its parents when new) to ``document.text[start:end]``.

        No double counting: a span that overlaps or touches codings of the same code by the
        same coder extends the first of them to cover it all (the others are merged into it,
        their memos with them), so the text stays one segment. A span already inside such a
        coding changes nothing (``"unchanged"``).
        """
        document = self._documents.current(document)
        if isinstance(code_ref, Code):
            code_ref = self._codebook.current(code_ref)
        _check_span(document, start, end)
        coder = coder.strip()
        if not coder:
            raise WorkbenchError("a coding needs a coder name")
        with self.change("code") as step:
            code = code_ref if isinstance(code_ref, Code) else self._codebook.ensure(code_ref)
            path = self._codebook.path(code)
            step.label = f"code {path}"
            touching = self.touching(document.id, code.id, coder, start, end)
            if not touching:
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
                return Applied(coding, "added")
            keep, others = touching[0], touching[1:]
            new_start = min(start, keep.start)
            new_end = max([end, *(c.end for c in touching)])
            if not others and (new_start, new_end) == (keep.start, keep.end):
                return Applied(keep, "unchanged")
            step.label = f"extend a coding of {path}"
            extended = self._absorb(keep, document, new_start, new_end, code, others)
        return Applied(extended, "extended", tuple(others))

    def recode(
        self,
        coding: Coding,
        *,
        start: int | None = None,
        end: int | None = None,
        code: str | Code | None = None,
    ) -> Applied:
        """Move a coding's bounds and/or give it another code (created when new), as one
        undoable step. Codings of that code by the same coder that it then overlaps or touches
        are merged into it (their memos with them), as :meth:`apply` does."""
        coding = self.current(coding)
        document = self._documents.current(self._documents[coding.document])
        new_start = coding.start if start is None else start
        new_end = coding.end if end is None else end
        _check_span(document, new_start, new_end)
        if isinstance(code, Code):
            code = self._codebook.current(code)
        with self.change("recode") as step:
            if code is None:
                target = self._codebook[coding.code]
            else:
                target = code if isinstance(code, Code) else self._codebook.ensure(code)
            was = self._codebook.path(self._codebook[coding.code])
            path = self._codebook.path(target)
            step.label = f"recode a coding of {was}" + (f" as {path}" if path != was else "")
            others = [
                c
                for c in self.touching(document.id, target.id, coding.coder, new_start, new_end)
                if c.id != coding.id
            ]
            if not others and (new_start, new_end, target.id) == (
                coding.start, coding.end, coding.code
            ):
                return Applied(coding, "unchanged")
            new_start = min([new_start, *(c.start for c in others)])
            new_end = max([new_end, *(c.end for c in others)])
            recoded = self._absorb(coding, document, new_start, new_end, target, others)
        return Applied(recoded, "recoded", tuple(others))

    def _absorb(
        self,
        keep: Coding,
        document: Document,
        start: int,
        end: int,
        code: Code,
        others: list[Coding],
    ) -> Coding:
        """``keep`` set to ``[start, end)`` of ``code``, the ``others`` merged into it."""
        for other in others:
            for memo in list(self._state.memos_by_target.get(("coding", other.id), {}).values()):
                self._state.put("memos", dataclasses.replace(memo, target_id=keep.id))
            self.drop(other.id)
        updated = dataclasses.replace(
            keep, code=code.id, start=start, end=end, text=document.text[start:end]
        )
        self.put(updated)
        return updated

    def remove(self, coding: Coding) -> None:
        """Remove a coding (its memos go with it and come back on undo)."""
        coding = self.current(coding)
        with self.change(f"uncode {self._codebook.path(self._codebook[coding.code])}"):
            for memo in list(self._state.memos_by_target.get(("coding", coding.id), {}).values()):
                self._state.remove("memos", memo.id)
            self.drop(coding.id)


@dataclass(frozen=True, slots=True)
class Applied:
    """What coding a span did: the coding that now holds it, and ``outcome``: ``"added"`` (a new
    coding), ``"extended"`` (an existing coding grew to cover it), ``"unchanged"`` (it was
    already coded) or ``"recoded"``; ``absorbed`` are codings merged into it."""

    coding: Coding
    outcome: str
    absorbed: tuple[Coding, ...] = ()

    @property
    def extended(self) -> bool:
        """True when an existing coding grew (or others were merged into it)."""
        return self.outcome == "extended"


def _check_span(document: Document, start: int, end: int) -> None:
    if not 0 <= start < end <= len(document.text):
        raise WorkbenchError(
            f"span {start}:{end} is not inside {document.name!r} (0 to {len(document.text)}; "
            "START must be less than END)"
        )
