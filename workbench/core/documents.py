"""Documents of a project: import, renames and text edits.

Every change is one undoable step. Text edits, pseudonymisation and redaction all move codings
through one routine, :meth:`Documents._apply_text_edits`.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from workbench.clock import now
from workbench.core.model import Case, Coding, Document, Memo, Paragraph, new_id
from workbench.core.records import RecordTable
from workbench.core.text import Edit, apply_edits, diff_edits, map_offset, move_span
from workbench.core.turns import paragraphs_of
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.cases import Cases
    from workbench.core.recorder import ChangeRecorder
    from workbench.core.state import ProjectState


@dataclasses.dataclass(slots=True)
class EditReport:
    """What happened to the codings of a document whose text was edited."""

    kept: list[Coding] = dataclasses.field(default_factory=list)
    changed: list[Coding] = dataclasses.field(default_factory=list)
    reanchored: list[Coding] = dataclasses.field(default_factory=list)
    lost: list[Coding] = dataclasses.field(default_factory=list)
    #: codings that came to cover exactly what another coding of the same code and coder covers
    #: (a deleted repeat of a coded phrase): removed as the duplicates they are, memos moved over
    merged: list[Coding] = dataclasses.field(default_factory=list)


class Documents(RecordTable[Document]):
    """The documents of a project by id, with import, renames and text edits."""

    table = "documents"

    def __init__(self, state: ProjectState, recorder: ChangeRecorder, cases: Cases) -> None:
        super().__init__(state, recorder)
        self._cases = cases

    def all(self) -> list[Document]:
        """Every document in import order."""
        return sorted(self._records.values(), key=lambda d: (d.order, d.name))

    def named(self, ref: str) -> Document:
        """A document by name or id (or a unique case-insensitive name)."""
        found = self._state.document_by_name.get(ref) or self._records.get(ref)
        if found is None:
            folded = [d for d in self._records.values() if d.name.casefold() == ref.casefold()]
            if len(folded) == 1:
                found = folded[0]
        if found is None:
            names = ", ".join(d.name for d in self.all()[:10]) or "none yet"
            raise WorkbenchError(f"no document named {ref!r} (documents: {names})")
        return found

    def add(
        self,
        name: str,
        text: str,
        *,
        source: str = "",
        paragraphs: list[Paragraph] | None = None,
        case: str | None = None,
        attributes: dict[str, str] | None = None,
    ) -> Document:
        """Add an imported, normalised text as a new document (optionally of a case)."""
        if not name.strip():
            raise WorkbenchError("a document needs a name")
        if name in self._state.document_by_name:
            raise WorkbenchError(f"a document named {name!r} is already in the project")
        with self.change(f"import {name}"):
            case_id = self._cases.set(case, attributes or {}).id if case else None
            order = max((d.order for d in self._records.values()), default=0) + 1
            stamp = now()
            doc = Document(
                id=new_id(),
                name=name,
                text=text,
                case=case_id,
                source=source,
                order=order,
                paragraphs=paragraphs if paragraphs is not None else paragraphs_of(text),
                created=stamp,
                modified=stamp,
            )
            self._state.put("documents", doc)
        return doc

    def rename(self, document: Document, new_name: str) -> Document:
        """Give a document a new (unique) name."""
        document = self.current(document)
        new_name = new_name.strip()
        if not new_name:
            raise WorkbenchError("a document needs a name")
        clash = self._state.document_by_name.get(new_name)
        if clash is not None and clash.id != document.id:
            raise WorkbenchError(f"a document named {new_name!r} is already in the project")
        with self.change(f"rename document {document.name} to {new_name}"):
            document = dataclasses.replace(document, name=new_name)
            self._state.put("documents", document)
        return document

    def edit_text(self, document: Document, new_text: str) -> EditReport:
        """Replace a document's text, moving every coding with the shared span routine.

        Codings whose words were deleted are removed and listed in the report's ``lost`` (their
        memos move to the document); one that would duplicate another is removed and listed in
        ``merged``. The whole edit is one undoable step.
        """
        document = self.current(document)
        if new_text == document.text:
            return EditReport()
        edits = diff_edits(document.text, new_text)
        return self._apply_text_edits(document, edits, new_text, f"edit {document.name}")

    def edit_spans(
        self, document: Document, edits: list[Edit], *, label: str | None = None
    ) -> EditReport:
        """Apply exact edits (sorted, not overlapping, offsets in the current text) to a
        document, moving its codings as :meth:`edit_text` does; one undoable step."""
        document = self.current(document)
        try:
            new_text = apply_edits(document.text, edits)
        except ValueError as exc:
            raise WorkbenchError(f"cannot edit {document.name!r}: {exc}") from None
        if new_text == document.text:
            return EditReport()
        return self._apply_text_edits(document, edits, new_text, label or f"edit {document.name}")

    def redact(
        self, document: Document, start: int, end: int, replacement: str = "[redacted]"
    ) -> EditReport:
        """Replace ``text[start:end]`` with ``replacement``; codings over it are moved or shrunk
        by the shared span routine and those left with nothing are in the report's ``lost``."""
        document = self.current(document)
        if not 0 <= start < end <= len(document.text):
            raise WorkbenchError(
                f"span {start}:{end} is not inside {document.name!r} (0 to {len(document.text)}; "
                "START must be less than END)"
            )
        return self.edit_spans(
            document, [Edit(start, end, replacement)], label=f"redact in {document.name}"
        )

    def set_case(self, document: Document, case_name: str | None) -> None:
        """Attach a document to a case (created if new), or detach it with ``None``."""
        document = self.current(document)
        with self.change(f"case of {document.name}"):
            case_id = self._cases.set(case_name, {}).id if case_name else None
            if case_id != document.case:
                self.put(dataclasses.replace(document, case=case_id))

    def by_name(self, name: str) -> Document | None:
        """The document with exactly this name, or ``None``."""
        return self._state.document_by_name.get(name)

    def of_case(self, case: Case) -> list[Document]:
        """The documents of a case, in import order."""
        found = self._state.documents_by_case.get(case.id, {}).values()
        return sorted(found, key=lambda d: d.order)

    def _memos_on_coding(self, coding_id: str) -> list[Memo]:
        return list(self._state.memos_by_target.get(("coding", coding_id), {}).values())

    def _apply_text_edits(
        self, document: Document, edits: list[Edit], new_text: str, label: str
    ) -> EditReport:
        """Give ``document`` the text ``new_text`` made by ``edits``, moving every coding."""
        report = EditReport()
        codings = list(self._state.codings_by_document.get(document.id, {}).values())
        moves = {c.id: move_span(c.start, c.end, c.text, edits, new_text) for c in codings}
        rank = {"kept": 0, "changed": 1, "reanchored": 2, "lost": 3}
        codings.sort(key=lambda c: rank[moves[c.id].status])  # the surer place wins a clash
        placed: dict[tuple[str, int | None, int | None, str], str] = {}
        with self.change(label):
            for coding in codings:
                moved = moves[coding.id]
                key = (coding.code, moved.start, moved.end, coding.coder)
                if moved.start is not None and key in placed:
                    report.merged.append(coding)
                    for memo in self._memos_on_coding(coding.id):
                        self._state.put("memos", dataclasses.replace(memo, target_id=placed[key]))
                    self._state.remove("codings", coding.id)
                    continue
                placed[key] = coding.id
                if moved.start is None or moved.end is None:
                    report.lost.append(coding)
                    # the analysis in its memos stays, on the document, rather than dangling
                    for memo in self._memos_on_coding(coding.id):
                        self._state.put(
                            "memos",
                            dataclasses.replace(
                                memo, target_kind="document", target_id=document.id
                            ),
                        )
                    self._state.remove("codings", coding.id)
                    continue
                updated = dataclasses.replace(
                    coding, start=moved.start, end=moved.end, text=new_text[moved.start : moved.end]
                )
                getattr(report, moved.status).append(updated)
                if updated != coding:
                    self._state.put("codings", updated)
            self._state.put(
                "documents",
                dataclasses.replace(
                    document,
                    text=new_text,
                    paragraphs=_carry_paragraphs(document.paragraphs, new_text, edits),
                    modified=now(),
                ),
            )
        return report


def _carry_paragraphs(old: list[Paragraph], new_text: str, edits: list) -> list[Paragraph]:
    """Paragraphs of an edited text, keeping cue times (and speakers) of turns that survived.

    An old turn lives on in the new paragraph that holds where its start moved to, so words
    typed at the start of a turn do not cut it from its cue; a new paragraph that begins exactly
    there wins over one the moved start merely falls inside (a deleted turn before it).
    """
    import bisect

    moved = sorted(
        ((map_offset(p.start, edits, side="start"), n) for n, p in enumerate(old)),
        key=lambda item: item[0],
    )
    starts = [m for m, _ in moved]
    fresh = paragraphs_of(new_text)
    for p in fresh:
        lo, hi = bisect.bisect_left(starts, p.start), bisect.bisect_left(starts, p.end)
        if lo == hi:
            continue
        exact = [n for m, n in moved[lo:hi] if m == p.start]
        source = old[exact[-1] if exact else moved[lo][1]]
        p.begin_time, p.end_time = source.begin_time, source.end_time
        if p.speaker is None and source.speaker and new_text.startswith(source.speaker, p.start):
            p.speaker = source.speaker  # a label the importer knew but the text rules miss
    return fresh
