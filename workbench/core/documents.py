"""Documents of a project: import, removal, renames, text edits, and their speakers.

Every change is one undoable step. Text edits, pseudonymisation and redaction all move codings
through one routine, :meth:`Documents._apply_text_edits`, which also carries the speaker turns
and the role of each label over to the new text. A document's turns (labels, utterances, times)
and spans as quoted come from :mod:`workbench.core.turns`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from workbench.clock import now
from workbench.core.model import Case, Coding, Document, Memo, Paragraph, new_id
from workbench.core.records import RecordTable
from workbench.core.text import Edit, apply_edits, diff_edits, map_offset, move_span
from workbench.core.turns import (
    Segment,
    Turns,
    check_roles,
    detect_roles,
    label_of,
    paragraphs_of,
    relabel,
    segment_of,
    speakers_of,
    turns_of,
)
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.cases import Cases
    from workbench.core.recorder import ChangeRecorder
    from workbench.core.state import ProjectState


@dataclasses.dataclass(frozen=True, slots=True)
class Removed:
    """A document taken out of the project, with how many codings and memos went with it."""

    document: Document
    codings: int
    memos: int


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
        interviewers: Collection[str] = (),
    ) -> Document:
        """Add an imported, normalised text as a new document (optionally of a case).

        The role of each speaker label is detected; the labels in ``interviewers`` are the
        interviewer's (a label named there is taken as one even where the text rules would
        not, say for a name that starts only one line).
        """
        if not name.strip():
            raise WorkbenchError("a document needs a name")
        if name in self._state.document_by_name:
            raise WorkbenchError(f"a document named {name!r} is already in the project")
        paragraphs = list(paragraphs) if paragraphs is not None else paragraphs_of(text)
        given = [label.strip() for label in interviewers if label.strip()]
        if any(label not in {p.speaker for p in paragraphs} for label in given):
            paragraphs = relabel(text, paragraphs, given)
        roles = detect_roles(text, paragraphs, given)
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
                paragraphs=paragraphs,
                created=stamp,
                modified=stamp,
                roles=roles,
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

    def edit_case(
        self,
        document: Document,
        name: str,
        attributes: Mapping[str, str],
        *,
        rename: bool = False,
    ) -> Case | None:
        """Put a document in the case named ``name`` (created if new; empty: no case) and give
        that case exactly ``attributes``, as one undoable step; with ``rename`` the document's
        case takes the name instead (with all its documents). Returns the document's case."""
        document = self.current(document)
        name = name.strip()
        if attributes and not name:
            raise WorkbenchError("attributes belong to a case: give the case a name")
        current = self._cases.of(document)
        with self.change(f"case of {document.name}"):
            if rename and current is not None and name:
                self._cases.rename(current, name)
            elif (current.name if current else "") != name:
                self.set_case(document, name or None)
            if not name:
                return None
            case = self._cases.named(name)
            changes = {k: "" for k in case.attributes if k not in attributes}
            changes.update({k: v for k, v in attributes.items() if case.attributes.get(k) != v})
            if changes:
                self._cases.set(name, changes)
        return self._cases.named(name)

    def remove(self, document: Document) -> Removed:
        """Take a document out of the project with its codings and the memos on it and on its
        codings (one undoable step; its case stays)."""
        document = self.current(document)
        codings, memos = self._going_with(document)
        with self.change(f"remove document {document.name}"):
            for memo in memos:
                self._state.remove("memos", memo.id)
            for coding in codings:
                self._state.remove("codings", coding.id)
            self.drop(document.id)
        return Removed(document, len(codings), len(memos))

    def removal(self, document: Document) -> Removed:
        """What :meth:`remove` would take out with the document (nothing changes): for a
        question that names it."""
        document = self.current(document)
        codings, memos = self._going_with(document)
        return Removed(document, len(codings), len(memos))

    def _going_with(self, document: Document) -> tuple[list[Coding], list[Memo]]:
        """The codings of a document, and the memos on them and on the document."""
        by_target = self._state.memos_by_target
        codings = list(self._state.codings_by_document.get(document.id, {}).values())
        memos = [memo for coding in codings
                 for memo in by_target.get(("coding", coding.id), {}).values()]
        memos += by_target.get(("document", document.id), {}).values()
        return codings, memos

    # ------------------------------------------------------------------ speakers
    def turns(self, document: Document) -> Turns:
        """The speaker turns of a document (labels, utterances, times), built once per text."""
        return turns_of(document)

    def segment(self, document: Document, start: int, end: int) -> Segment:
        """``text[start:end]`` as it is quoted: without a speaker label at its edges, with the
        speaker, role and time of the turn it begins in."""
        return segment_of(document, start, end)

    def speakers(self, document: Document) -> list[tuple[str, str, int]]:
        """``(label, role, turns)`` for each speaker label, in order of first appearance."""
        roles = document.roles
        return [(label, roles.get(label, "other"), n) for label, n in speakers_of(document)]

    def set_roles(self, document: Document, roles: Mapping[str, str]) -> Document:
        """Set the role (interviewer, respondent, other) of speaker labels of a document, as
        one undoable step. A label the text rules did not take (a name starting one line) is
        taken as a label when its lines begin with it."""
        document = self.current(document)
        problem = check_roles(roles)
        if problem:
            raise WorkbenchError(problem)
        paragraphs = document.paragraphs
        present = {p.speaker for p in paragraphs if p.speaker}
        if any(label not in present for label in roles):
            paragraphs = relabel(document.text, paragraphs, {*present, *roles})
            present = {p.speaker for p in paragraphs if p.speaker}
        missing = [label for label in roles if label not in present]
        if missing:
            known = ", ".join(label for label, _ in speakers_of(document)) or "none"
            raise WorkbenchError(
                f"{document.name!r} has no speaker label {missing[0]!r} (its labels: {known})"
            )
        merged = {**document.roles, **roles}
        if merged == document.roles and paragraphs is document.paragraphs:
            return document
        with self.change(f"speaker roles of {document.name}"):
            document = dataclasses.replace(document, paragraphs=paragraphs, roles=merged)
            self.put(document)
        return document

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
            paragraphs, roles = _carry_turns(document, new_text, edits)
            self._state.put(
                "documents",
                dataclasses.replace(
                    document,
                    text=new_text,
                    paragraphs=paragraphs,
                    roles=roles,
                    modified=now(),
                ),
            )
        return report


def _carry_turns(
    document: Document, new_text: str, edits: list[Edit]
) -> tuple[list[Paragraph], dict[str, str]]:
    """Paragraphs and speaker roles of an edited text, keeping what the turns that survived had:
    cue times, speakers and roles.

    An old turn lives on in the new paragraph that holds where its start moved to, so words
    typed at the start of a turn do not cut it from its cue; a new paragraph that begins exactly
    there wins over one the moved start merely falls inside (a deleted turn before it). A label
    that was renamed (pseudonymised) keeps its role; labels no longer in the text lose theirs.
    """
    import bisect

    old = document.paragraphs
    moved = sorted(
        ((map_offset(p.start, edits, side="start"), n) for n, p in enumerate(old)),
        key=lambda item: item[0],
    )
    starts = [m for m, _ in moved]
    fresh = paragraphs_of(new_text, {p.speaker for p in old if p.speaker})
    renamed: dict[str, str] = {}
    for p in fresh:
        lo, hi = bisect.bisect_left(starts, p.start), bisect.bisect_left(starts, p.end)
        if lo == hi:
            continue
        exact = [n for m, n in moved[lo:hi] if m == p.start]
        source = old[exact[-1] if exact else moved[lo][1]]
        p.begin_time, p.end_time = source.begin_time, source.end_time
        if p.speaker is None and source.speaker and exact:
            label = label_of(new_text[p.start:p.end])
            p.speaker = label.name if label is not None else None  # a renamed label
        if p.speaker and source.speaker and p.speaker != source.speaker:
            renamed.setdefault(p.speaker, source.speaker)
    roles: dict[str, str] = {}
    for label in dict.fromkeys(p.speaker for p in fresh if p.speaker):
        role = document.roles.get(label) or document.roles.get(renamed.get(label, ""))
        if role:
            roles[label] = role
    missing = {p.speaker for p in fresh if p.speaker and p.speaker not in roles}
    if missing:
        asked = [label for label, role in roles.items() if role == "interviewer"]
        detected = detect_roles(new_text, fresh, asked)
        roles.update((label, detected[label]) for label in missing if label in detected)
    return fresh, roles
