"""Documents and cases of a project: import, case attributes, renames and text edits.

:class:`DocumentOperations` is mixed into :class:`workbench.core.project.Project`; every change
goes through ``Project.change()`` so it is undoable. Text edits, pseudonymisation and redaction
all move codings through one routine, :meth:`DocumentOperations._apply_text_edits`.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from workbench.clock import now
from workbench.core.model import Case, Coding, Document, Paragraph, new_id
from workbench.core.text import Edit, apply_edits, diff_edits, map_offset, move_span
from workbench.core.turns import paragraphs_of
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
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


class DocumentOperations:
    """Document and case queries and changes; needs ``self.state`` and ``self.change``."""

    state: ProjectState

    def documents(self) -> list[Document]:
        """Every document in import order."""
        return sorted(self.state.tables["documents"].values(), key=lambda d: (d.order, d.name))

    def document(self, ref: str) -> Document:
        """A document by name or id (or a unique case-insensitive name)."""
        state = self.state
        found = state.document_by_name.get(ref) or state.tables["documents"].get(ref)
        if found is None:
            folded = [
                d for d in state.tables["documents"].values() if d.name.casefold() == ref.casefold()
            ]
            if len(folded) == 1:
                found = folded[0]
        if found is None:
            names = ", ".join(d.name for d in self.documents()[:10]) or "none yet"
            raise WorkbenchError(f"no document named {ref!r} (documents: {names})")
        return found

    def cases(self) -> list[Case]:
        """Every case, by name."""
        return sorted(self.state.tables["cases"].values(), key=lambda c: _natural(c.name))

    def case(self, name: str) -> Case:
        """A case by name or id."""
        found = self.state.case_by_name.get(name) or self.state.tables["cases"].get(name)
        if found is None:
            raise WorkbenchError(f"no case named {name!r}")
        return found

    def case_of(self, document: Document) -> Case | None:
        """The case a document belongs to, if any."""
        return self.state.tables["cases"].get(document.case) if document.case else None

    def documents_of_case(self, case: Case) -> list[Document]:
        """The documents of a case, in import order."""
        return sorted(self.state.documents_by_case.get(case.id, {}).values(), key=lambda d: d.order)

    def add_document(
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
        if name in self.state.document_by_name:
            raise WorkbenchError(f"a document named {name!r} is already in the project")
        with self.change(f"import {name}"):
            case_id = self.set_case(case, attributes or {}).id if case else None
            order = max((d.order for d in self.state.tables["documents"].values()), default=0) + 1
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
            self.state.put("documents", doc)
        return doc

    def set_case(self, name: str, attributes: dict[str, str]) -> Case:
        """Create the case if new and set its attributes (an empty value removes one)."""
        name = name.strip()
        if not name:
            raise WorkbenchError("a case needs a name")
        with self.change(f"case {name}"):
            case = self.state.case_by_name.get(name) or Case(new_id(), name, {}, now())
            merged = dict(case.attributes)
            for key, value in attributes.items():
                key = key.strip()
                if not key:
                    raise WorkbenchError("an attribute needs a name (KEY=VALUE)")
                if value == "":
                    merged.pop(key, None)
                else:
                    merged[key] = value
            if merged != case.attributes or case.id not in self.state.tables["cases"]:
                self.state.put("cases", dataclasses.replace(case, attributes=merged))
        return self.state.case_by_name[name]

    def assign_case(self, document: Document, case_name: str | None) -> None:
        """Attach a document to a case (created if new), or detach it with ``None``."""
        document = self._current("documents", document)
        with self.change(f"case of {document.name}"):
            case_id = self.set_case(case_name, {}).id if case_name else None
            if case_id != document.case:
                self.state.put("documents", dataclasses.replace(document, case=case_id))

    def rename_document(self, document: Document, new_name: str) -> Document:
        """Give a document a new (unique) name."""
        document = self._current("documents", document)
        new_name = new_name.strip()
        if not new_name:
            raise WorkbenchError("a document needs a name")
        clash = self.state.document_by_name.get(new_name)
        if clash is not None and clash.id != document.id:
            raise WorkbenchError(f"a document named {new_name!r} is already in the project")
        with self.change(f"rename document {document.name} to {new_name}"):
            document = dataclasses.replace(document, name=new_name)
            self.state.put("documents", document)
        return document

    def delete_document(self, document: Document) -> int:
        """Remove a document with its codings and their memos; returns the codings removed."""
        codings = list(self.state.codings_by_document.get(document.id, {}).values())
        with self.change(f"delete document {document.name}"):
            for memo in self.memos_of("document", document.id):
                self.state.remove("memos", memo.id)
            for coding in codings:
                for memo in self.memos_of("coding", coding.id):
                    self.state.remove("memos", memo.id)
                self.state.remove("codings", coding.id)
            self.state.remove("documents", document.id)
        return len(codings)

    def edit_document_text(self, document: Document, new_text: str) -> EditReport:
        """Replace a document's text, moving every coding with the shared span routine.

        Codings whose words were deleted are removed and listed in the report's ``lost`` (their
        memos move to the document); one that would duplicate another is removed and listed in
        ``merged``. The whole edit is one undoable step.
        """
        document = self._current("documents", document)
        if new_text == document.text:
            return EditReport()
        edits = diff_edits(document.text, new_text)
        return self._apply_text_edits(document, edits, new_text, f"edit {document.name}")

    def edit_document_spans(
        self, document: Document, edits: list[Edit], *, label: str | None = None
    ) -> EditReport:
        """Apply exact edits (sorted, not overlapping, offsets in the current text) to a
        document, moving its codings as :meth:`edit_document_text` does; one undoable step."""
        document = self._current("documents", document)
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
        document = self._current("documents", document)
        if not 0 <= start < end <= len(document.text):
            raise WorkbenchError(
                f"span {start}:{end} is not inside {document.name!r} (0 to {len(document.text)}; "
                "START must be less than END)"
            )
        return self.edit_document_spans(
            document, [Edit(start, end, replacement)], label=f"redact in {document.name}"
        )

    def _apply_text_edits(
        self, document: Document, edits: list[Edit], new_text: str, label: str
    ) -> EditReport:
        """Give ``document`` the text ``new_text`` made by ``edits``, moving every coding."""
        report = EditReport()
        codings = list(self.state.codings_by_document.get(document.id, {}).values())
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
                    for memo in self.memos_of("coding", coding.id):
                        self.state.put("memos", dataclasses.replace(memo, target_id=placed[key]))
                    self.state.remove("codings", coding.id)
                    continue
                placed[key] = coding.id
                if moved.start is None or moved.end is None:
                    report.lost.append(coding)
                    # the analysis in its memos stays, on the document, rather than dangling
                    for memo in self.memos_of("coding", coding.id):
                        self.state.put(
                            "memos",
                            dataclasses.replace(
                                memo, target_kind="document", target_id=document.id
                            ),
                        )
                    self.state.remove("codings", coding.id)
                    continue
                updated = dataclasses.replace(
                    coding, start=moved.start, end=moved.end, text=new_text[moved.start : moved.end]
                )
                getattr(report, moved.status).append(updated)
                if updated != coding:
                    self.state.put("codings", updated)
            self.state.put(
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


def _natural(name: str) -> tuple:
    """Sort key that puts "Respondent 2" before "Respondent 10"."""

    return tuple(int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", name))
