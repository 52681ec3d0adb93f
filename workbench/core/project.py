"""The project: the one API through which every change goes.

A :class:`Project` holds the records in memory (with indexes), records every change in its
history so it can be undone, and saves through the atomic storage. Open it for writing with
``Project.open(path, write=True)``, which takes the lock; read-only opens take no lock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.core.codebook import CodebookOperations
from workbench.core.errors import ProjectUnreadable, WorkbenchError
from workbench.core.history import History, HistoryEntry, RecordState
from workbench.core.model import (
    TARGET_KINDS,
    Case,
    Code,
    Coding,
    Document,
    Memo,
    Paragraph,
    new_id,
    now,
)
from workbench.core.text import Edit, apply_edits, diff_edits, move_span
from workbench.core.turns import paragraphs_of
from workbench.store import fileformat
from workbench.store.lock import ProjectLock
from workbench.store.migrations import migrate
from workbench.store.storage import AtomicJSONStorage, remove_stale_temps, unreadable_message

PROJECT_FILE = "project.json"


def resolve_path(arg: str | Path, *, for_create: bool = False) -> Path:
    """The project file an argument names: a folder means ``folder/project.json``.

    For ``init``, a path that does not exist and does not end in ``.json`` is a folder to make.
    """
    path = Path(arg).expanduser()
    if path.is_dir():
        return path / PROJECT_FILE
    if for_create and not path.exists() and path.suffix.lower() != ".json":
        return path / PROJECT_FILE
    return path


@dataclasses.dataclass(slots=True)
class Step:
    """The undoable step being built inside ``Project.change()``."""

    label: str


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


class Project(CodebookOperations):
    """An open project. Queries read the in-memory state; changes go through ``change()``."""

    def __init__(self, path: Path, *, lock: ProjectLock | None = None) -> None:
        from workbench.core.state import ProjectState

        self.path = path
        self.state = ProjectState()
        self.history = History()
        self.storage = AtomicJSONStorage(path)
        self.lock = lock
        self.revision = 0  # bumped by every change, undo and redo
        self.saved_revision = 0
        self._pending: list[RecordState] | None = None
        self._history_lines: dict[str, str] = {}
        self.state.listener = self._on_record_change

    # ------------------------------------------------------------------ opening and saving
    @classmethod
    def create(cls, path: str | Path, name: str | None = None) -> Project:
        """Make a new empty project file (mode 0600) and return it open for writing."""
        path = resolve_path(path, for_create=True)
        if path.exists():
            raise WorkbenchError(f"{path} already exists")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkbenchError(f"cannot create {path.parent}: {exc.strerror}") from None
        lock = ProjectLock(path)
        _acquire(lock, path)
        project = cls(path, lock=lock)
        project.state.meta = {
            "schema": fileformat.SCHEMA_VERSION,
            "id": new_id(),
            "name": name or (path.parent.name if path.name == PROJECT_FILE else path.stem),
            "created": now(),
        }
        try:
            project.save()
        except BaseException:
            lock.release()
            raise
        return project

    @classmethod
    def open(cls, path: str | Path, *, write: bool = False) -> Project:
        """Open an existing project; ``write`` takes the lock (or raises ProjectLocked)."""
        path = resolve_path(path)
        if not path.exists():
            raise WorkbenchError(f"no project at {path} (create one with `workbench init {path}`)")
        lock = ProjectLock(path) if write else None
        if lock is not None:
            _acquire(lock, path)
        try:
            project = cls(path, lock=lock)
            data = project.storage.read()
            if data is None:
                raise WorkbenchError(f"no project at {path}")
            data, migrated = migrate(data, path)
            try:
                project.state.load(data)
                project.history = History(
                    [HistoryEntry.from_record(r) for r in data.get("history", {}).values()]
                )
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                why = f"damaged (a record cannot be read: {type(exc).__name__} {exc})"
                raise ProjectUnreadable(unreadable_message(path, why)) from None
            if migrated and write:  # the file as it was stays among the backups
                project.write_rendered(project.render(), backup="always")
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return project

    @property
    def read_only(self) -> bool:
        """True when this process does not hold the write lock."""
        return self.lock is None or not self.lock.held

    @property
    def dirty(self) -> bool:
        """True when there are changes not yet on disk."""
        return self.revision != self.saved_revision

    def snapshot(self) -> dict[str, dict[str, str]]:
        """Every record as a serialised line, per table: cheap to take, safe to render elsewhere.

        A TUI takes the snapshot on its UI thread and renders and writes it on a worker thread.
        """
        tables = self.state.lines()
        tables["meta"] = {"project": fileformat.dump_entry("project", self.state.meta)}
        history = self.history
        for entry in history.entries:
            if entry.id in history.dirty_ids or entry.id not in self._history_lines:
                self._history_lines[entry.id] = fileformat.dump_entry(entry.id, entry.to_record())
        history.dirty_ids.clear()
        for entry_id in history.dropped_ids:
            self._history_lines.pop(entry_id, None)
        history.dropped_ids.clear()
        tables["history"] = dict(self._history_lines)
        return tables

    def render(self) -> str:
        """The project file's text as it would be saved now."""
        return fileformat.render(self.snapshot())

    def save_snapshot(self, snapshot: dict[str, dict[str, str]], revision: int) -> None:
        """Render and write a snapshot taken at ``revision`` (callable from a worker thread)."""
        if self.read_only:
            raise WorkbenchError(f"{self.path} is open read-only; the change was not saved")
        self.write_rendered(fileformat.render(snapshot))
        self.saved_revision = max(self.saved_revision, revision)

    def save(self) -> None:
        """Write the project to disk now (atomically). Needs the write lock."""
        if self.read_only:
            raise WorkbenchError(f"{self.path} is open read-only; the change was not saved")
        self.save_snapshot(self.snapshot(), self.revision)

    def write_rendered(self, text: str, *, backup: str = "when due") -> None:
        """Write a text from :meth:`render` (split so a TUI can write off its UI thread)."""
        try:
            self.storage.write_text(text, backup=backup)
        except OSError as exc:
            raise WorkbenchError(
                f"could not save {self.path}: {exc.strerror or exc}; the file on disk is the "
                "previous version and the changes are still in memory"
            ) from None

    def close(self) -> None:
        """Release the lock (saving first if anything is unsaved)."""
        try:
            if self.dirty and not self.read_only:
                self.save()
        finally:
            if self.lock is not None:
                self.lock.release()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.close()
        elif self.lock is not None:
            self.lock.release()  # a failed command saves nothing

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def change(self, label: str) -> Iterator[Step]:
        """Group record changes into one undoable step; nested calls join the outer one.

        The block may rename the step (``step.label``). If the block raises, every record it
        touched is put back as it was.
        """
        step = Step(label)
        if self._pending is not None:
            yield step
            return
        if self.read_only:
            raise WorkbenchError(f"{self.path} is open read-only")
        self._pending = []
        try:
            yield step
        except BaseException:
            pending, self._pending = self._pending, None
            self.state.listener = None
            try:
                self.state.restore_many(reversed(pending))
            finally:
                self.state.listener = self._on_record_change
            raise
        pending, self._pending = self._pending, None
        if pending:
            self.history.record(step.label, _first_states(pending))
            self.revision += 1

    def _on_record_change(self, table: str, record_id: str, before: dict[str, Any] | None) -> None:
        if self._pending is None:
            raise RuntimeError("records change only inside Project.change()")
        self._pending.append((table, record_id, before))

    def undo(self) -> HistoryEntry | None:
        """Undo the newest done step; returns it, or ``None`` when there is nothing to undo."""
        return self._swap(self.history.next_undo(), done=False)

    def redo(self) -> HistoryEntry | None:
        """Redo the oldest undone step; returns it, or ``None`` when there is nothing to redo."""
        return self._swap(self.history.next_redo(), done=True)

    def _swap(self, entry: HistoryEntry | None, *, done: bool) -> HistoryEntry | None:
        if entry is None:
            return None
        if self.read_only:
            raise WorkbenchError(f"{self.path} is open read-only")
        if self._pending is not None:
            raise RuntimeError("undo and redo cannot run inside Project.change()")
        reverse: list[RecordState] = []
        self.state.listener = lambda table, rid, before: reverse.append((table, rid, before))
        try:
            self.state.restore_many(reversed(entry.records))
        finally:
            self.state.listener = self._on_record_change
        self.history.mark(entry, done, _first_states(reverse))
        self.revision += 1
        return entry

    # ------------------------------------------------------------------ documents and cases
    @property
    def name(self) -> str:
        """The project's name."""
        return str(self.state.meta.get("name", self.path.stem))

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

    # ------------------------------------------------------------------ codings
    def codings_of_document(self, document: Document) -> list[Coding]:
        """The codings of a document, by position."""
        found = self.state.codings_by_document.get(document.id, {}).values()
        return sorted(found, key=lambda c: (c.start, c.end, c.id))

    def codings_of_code(self, code: Code) -> list[Coding]:
        """The codings of one code (not its children)."""
        return list(self.state.codings_by_code.get(code.id, {}).values())

    def coding(self, coding_id: str) -> Coding:
        """A coding by id (or a unique prefix of at least 6 characters)."""
        found = self.state.tables["codings"].get(coding_id)
        if found is None and len(coding_id) >= 6:
            hits = [
                c for cid, c in self.state.tables["codings"].items() if cid.startswith(coding_id)
            ]
            found = hits[0] if len(hits) == 1 else None
        if found is None:
            raise WorkbenchError(f"no coding with id {coding_id!r}")
        return found

    def code_text(
        self, document: Document, start: int, end: int, code_ref: str | Code, coder: str
    ) -> Coding:
        """Apply a code (created with its parents when new) to ``document.text[start:end]``.

        Applying the same code to the same span by the same coder again changes nothing.
        """
        document = self._current("documents", document)
        if isinstance(code_ref, Code):
            code_ref = self._current("codes", code_ref)
        if not 0 <= start < end <= len(document.text):
            raise WorkbenchError(
                f"span {start}:{end} is not inside {document.name!r} (0 to {len(document.text)}; "
                "START must be less than END)"
            )
        coder = coder.strip()
        if not coder:
            raise WorkbenchError("a coding needs a coder name")
        with self.change("code") as step:
            code = code_ref if isinstance(code_ref, Code) else self.ensure_code(code_ref)
            step.label = f"code {self.code_path(code)}"
            twins = self.state.codings_by_key.get((document.id, code.id, start, end, coder))
            if twins:
                return next(iter(twins.values()))
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
            self.state.put("codings", coding)
        return coding

    def uncode(self, coding: Coding) -> None:
        """Remove a coding (its memos go with it and come back on undo)."""
        coding = self._current("codings", coding)
        with self.change(f"uncode {self.code_path(self.state.tables['codes'][coding.code])}"):
            for memo in list(self.state.memos_by_target.get(("coding", coding.id), {}).values()):
                self.state.remove("memos", memo.id)
            self.state.remove("codings", coding.id)

    # ------------------------------------------------------------------ memos
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


def _acquire(lock: ProjectLock, path: Path) -> None:
    try:
        lock.acquire()
    except PermissionError:
        raise WorkbenchError(f"cannot write beside {path} (permission denied)") from None
    except OSError as exc:
        raise WorkbenchError(f"cannot lock {path}: {exc.strerror or exc}") from None
    remove_stale_temps(path)  # left by a writer killed mid-save; ours to clean now


def _first_states(changes: list[RecordState]) -> list[RecordState]:
    """Keep, for each record, only its state before the first change (in change order)."""
    seen: set[tuple[str, str]] = set()
    out: list[RecordState] = []
    for table, record_id, rec in changes:
        if (table, record_id) not in seen:
            seen.add((table, record_id))
            out.append((table, record_id, rec))
    return out


def _carry_paragraphs(old: list[Paragraph], new_text: str, edits: list) -> list[Paragraph]:
    """Paragraphs of an edited text, keeping cue times (and speakers) of turns that survived.

    An old turn lives on in the new paragraph that holds where its start moved to, so words
    typed at the start of a turn do not cut it from its cue; a new paragraph that begins exactly
    there wins over one the moved start merely falls inside (a deleted turn before it).
    """
    import bisect

    from workbench.core.text import map_offset

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
    import re

    return tuple(int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", name))
