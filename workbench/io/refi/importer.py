"""Bring a REFI-QDA project (.qdpx) or codebook (.qdc) into a Workbench project.

The file is read completely first (:mod:`workbench.io.refi.reader`); then every record is made
inside one ``project.change()`` step, so one undo takes the whole import back, and a failure
half-way leaves the project as it was. GUIDs become record ids where they are free, so a file we
exported comes back with the same ids.

Mapping: codes keep their tree (a non-codable folder with children becomes a theme; a Set named
"Themes" marks themes too); a code already at the same path is reused; documents get their
text normalised and every selection's positions read in the unit detected for that source
(:mod:`workbench.io.refi.positions`); cases take their variable values as text attributes;
users become coder names; notes become memos on what their NoteRef sits in (a case memo is a
Note linked to the case, see :mod:`workbench.io.refi.export`). Whatever has no place in a
Workbench project is listed in the summary.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from workbench.clock import now
from workbench.core.codebook import PALETTE
from workbench.core.collector import collector_paused
from workbench.core.model import RECORD_TYPES, Case, Code, Coding, Document, Memo, new_id
from workbench.core.project import Project
from workbench.core.text import count_controls
from workbench.core.turns import detect_roles, paragraphs_of
from workbench.io.refi.names import (
    CASE_MEMO_LINK,
    THEMES_SET,
    UNKNOWN_CODER,
    clean_name,
    is_ours,
    our_datetime,
    parse_color,
    parse_description,
    parse_guid,
    read_description,
    squash,
)
from workbench.io.refi.positions import (
    CODE_POINTS,
    Reading,
    Selection,
    TextMap,
    choose_reading,
)
from workbench.io.refi.reader import is_qda_namespace, read_refi
from workbench.io.refi.records import RCode, RCoding, RFile, RNote, RText
from workbench.io.refi.summary import ImportSummary
from workbench.io.transcript import check_document

Target = tuple[str, str | None]


def import_refi(project: Project, path: Path) -> ImportSummary:
    """Import ``path`` (.qdpx or .qdc) into ``project`` as one undoable step."""
    path = Path(path)
    with collector_paused():
        rfile = read_refi(path)
        summary = ImportSummary(source=path.name, kind=rfile.kind, origin=rfile.origin)
        if rfile.namespace and not is_qda_namespace(rfile.namespace):
            summary.changed.append(f"the file's namespace {rfile.namespace!r} is not REFI-QDA's; "
                                   "read it as REFI-QDA anyway")
        with project.change(f"import {path.name}"):
            _Import(project, rfile, summary).run()
    return summary


class _Import:
    def __init__(self, project: Project, rfile: RFile, summary: ImportSummary) -> None:
        self.p = project
        self.f = rfile
        self.s = summary
        self.ours = is_ours(rfile.origin)
        self.stamp = now()
        self.taken: set[str] = set()
        self.code_ids: dict[str, str] = {}  # GUID -> code id
        self.new_codes: set[str] = set()
        self.doc_ids: dict[str, str] = {}  # source GUID -> document id
        # new documents by id, stored once their cases are known (storing one twice would
        # copy its whole record, text and paragraphs, into the undo step)
        self.docs: dict[str, Document] = {}
        self.doc_names: set[str] = set()
        self.next_order = max((d.order for d in project.documents.values()),
                              default=0) + 1
        self.user_names: dict[str, str] = {}  # user GUID -> name, cleaned once
        self.case_ids: dict[str, str] = {}
        self.coding_ids: dict[str, str] = {}  # Coding GUID -> coding id
        self.existing: dict[str, dict[tuple, Coding]] = {}  # doc id -> (code, span, coder) -> it
        self.selections: dict[str, Target] = {}  # selection GUID -> where its notes go
        self.targets: dict[str, list[Target]] = {}  # note GUID -> memo targets
        # memos from the Description of an element, kept until the Notes are in: a Description
        # that repeats the Notes on the same target is not taken again
        self.descriptions: list[tuple[Target, str, str, str]] = []
        # target -> the texts of the Notes on it: (the memo made of the Note, the Note's text)
        self.noted: dict[Target, list[tuple[str, str]]] = {}
        self.themes = {g for st in rfile.sets if st.name.strip().casefold() == THEMES_SET.casefold()
                       for g in st.codes}

    def run(self) -> None:
        self.codes(self.f.codes, None)
        if self.f.kind == "project":
            self.project()
        for st in self.f.sets:
            if st.name.strip().casefold() == THEMES_SET.casefold():
                continue
            what = ", ".join(x for x in (
                _count(len(st.codes), "code"), _count(st.sources, "source"),
                _count(st.notes, "note")) if x) or "empty"
            self.s.skipped.append(f"set {st.name!r} ({what}): Workbench has no sets")

    def project(self) -> None:
        for text in self.f.texts:
            self.document(text)
        for other in self.f.others:
            parts = ", ".join(x for x in (_count(other.selections, "selection"),
                                          _count(other.codings, "coding")) if x)
            self.s.skipped.append(f"{other.kind} {other.name!r}" + (f" ({parts})" if parts else "")
                                  + f": {other.why}")
            for ref in other.note_refs:
                self.attach(ref, ("project", None),
                            f"a note on {other.kind} {other.name!r} became a project memo")
        self.cases()
        for doc in self.docs.values():  # each stored once, with its case
            self.p.documents.put(doc)
        self.notes()
        for graph in self.f.graphs:
            self.s.skipped.append(f"graph {graph!r}: Workbench has no network views")
        if self.f.description.strip():
            self.describe(("project", None), self.f.description, "", "")
        self.described()

    # ------------------------------------------------------------------ helpers
    def fresh(self, guid: str) -> str:
        """``guid`` as a record id when it is a UUID no record uses yet; else a new id."""
        if not guid or guid in self.taken or parse_guid(guid) != guid:
            return new_id()
        if any(guid in self.p.table(table) for table in RECORD_TYPES):
            return new_id()
        self.taken.add(guid)
        return guid

    def user(self, key: str, default: str) -> str:
        name = self.user_names.get(key)
        if name is None:
            name = self.user_names[key] = clean_name(self.f.users.get(key, ""))
        return name or default

    def attach(self, note: str, target: Target, remark: str = "") -> None:
        self.targets.setdefault(note, []).append(target)
        if remark:
            self.s.changed.append(remark)

    def describe(self, target: Target, text: str, author: str, created: str) -> None:
        """A memo from an element's Description (see :meth:`described`)."""
        self.descriptions.append((target, text.strip(), author, created))

    def described(self) -> None:
        """The memos from Descriptions, but for those that repeat the target's Notes (we write
        a memo both as a Note and in its element's Description, joined by blank lines)."""
        for target, text, author, created in self.descriptions:
            if not _repeats(squash(text), self.noted.get(target, [])):
                self.memo(None, target, text, author, created, created)

    def memo(self, guid: str | None, target: Target, text: str, author: str, created: str,
             modified: str) -> None:
        made = our_datetime(created) or self.stamp
        memo = Memo(self.fresh(guid or ""), target[0], target[1], text, author, made,
                    our_datetime(modified) or made)
        self.p.memos.put(memo)
        self.s.memos += 1

    # ------------------------------------------------------------------ codes
    def codes(self, codes: list[RCode], parent: Code | None) -> None:
        for rc in codes:
            name = clean_name(rc.name) or "(unnamed code)"
            if "/" in name:
                self.s.changed.append(f"code {name!r}: '/' separates code paths here, so it "
                                      "became '∕'")
                name = name.replace("/", "∕")
            where = f"{self.p.codebook.path(parent)}/{name}" if parent else name
            code = self.p.codebook.child_named(parent, name)
            if code is not None:
                self.s.codes_merged += 1
                self.s.changed.append(
                    f"code {where!r} is in the file twice: merged into one" if code.id in
                    self.new_codes else f"code {where!r} was already in the project: its "
                    "codings are added to it")
            else:
                code = self.new_code(rc, name, parent, where)
            if rc.guid:
                self.code_ids.setdefault(rc.guid, code.id)
            for ref in rc.note_refs:
                self.attach(ref, ("code", code.id))
            self.codes(rc.children, code)

    def new_code(self, rc: RCode, name: str, parent: Code | None, where: str) -> Code:
        if self.ours:
            fields = parse_description(rc.description)
        else:
            fields = read_description(rc.description.strip())
        color = parse_color(rc.color)
        if color is None:
            total = len(self.p.codebook)
            if rc.color:
                self.s.changed.append(f"code {where!r}: colour {rc.color!r} not understood; "
                                      "given one of ours")
            color = PALETTE[total % len(PALETTE)]
        folder = not rc.codable and bool(rc.children)
        if folder:
            self.s.changed.append(f"code folder {where!r} became a theme")
        code = Code(
            id=self.fresh(rc.guid), name=name, parent=parent.id if parent else None,
            is_theme=folder or rc.guid in self.themes, color=color,
            order=self.p.codebook.next_order(parent), created=self.stamp,
            **fields,
        )
        self.p.codebook.put(code)
        self.new_codes.add(code.id)
        self.s.codes += 1
        return code

    # ------------------------------------------------------------------ documents and codings
    def document(self, rt: RText) -> None:
        label = rt.name or rt.guid
        if rt.raw is None:
            lost = ", ".join(x for x in (_count(len(rt.selections), "selection"),
                                         _count(len(rt.codings), "whole-source coding")) if x)
            self.s.skipped.append(f"text source {label!r}" + (f" ({lost})" if lost else "")
                                  + f": {rt.problem}")
            return
        tmap = TextMap(rt.raw)
        check_document(tmap.text, f"{self.f.label}: {label!r}")
        name = self.unique_name(clean_name(rt.name) or "Imported document")
        made = our_datetime(rt.created) or self.stamp
        paragraphs = paragraphs_of(tmap.text)
        doc = Document(
            id=self.fresh(rt.guid), name=name, text=tmap.text, source=self.f.label,
            order=self.next_order, paragraphs=paragraphs, created=made,
            modified=our_datetime(rt.modified) or made,
            roles=detect_roles(tmap.text, paragraphs),
        )
        self.next_order += 1
        self.docs[doc.id] = doc
        self.doc_names.add(name)
        self.s.documents += 1
        self.doc_ids[rt.guid] = doc.id
        controls = count_controls(rt.raw)
        if controls:
            self.s.changed.append(f"document {name!r}: {_count(controls, 'control character')} "
                                  "removed from its text (positions follow)")
        if rt.docx:
            self.s.changed.append(f"document {name!r}: text read from its .docx (no plain text "
                                  "in the file); check where its codings landed")
        if rt.lost:
            self.s.skipped.append(f"{rt.kind} {name!r}: {rt.lost}")
        for ref in rt.note_refs:
            self.attach(ref, ("document", doc.id))
        if rt.description.strip():
            self.describe(("document", doc.id), rt.description, "", "")
        self.codings(rt, tmap, doc)

    def unique_name(self, name: str) -> str:
        def taken(candidate: str) -> bool:
            return self.p.documents.by_name(candidate) is not None or candidate in self.doc_names

        if not taken(name):
            return name
        n = 2
        while taken(f"{name} ({n})"):
            n += 1
        self.s.changed.append(f"a document named {name!r} exists: imported as '{name} ({n})'")
        return f"{name} ({n})"

    def reading(self, rt: RText, tmap: TextMap, doc: Document) -> Reading:
        """The unit the positions of ``rt`` count in (ours always count code points)."""
        if self.ours:
            return CODE_POINTS
        sels = [Selection(s.start, s.end, s.name) for s in rt.selections
                if s.start is not None and s.end is not None]
        choice = choose_reading(tmap, sels, self.f.origin)
        if choice.mattered:
            self.s.changed.append(f"positions in {doc.name!r} read as "
                                  f"{choice.reading.label(crlf=tmap.has_crlf)} "
                                  f"({choice.reason})")
        return choice.reading

    def codings(self, rt: RText, tmap: TextMap, doc: Document) -> None:
        reading = self.reading(rt, tmap, doc)
        spans = iter(tmap.spans(reading, [
            (min(s.start, s.end), max(s.start, s.end)) for s in rt.selections
            if s.start is not None and s.end is not None]))
        in_doc = f" in {doc.name!r}"
        for sel in rt.selections:
            where = f"selection {sel.start}–{sel.end}{in_doc}"
            if sel.start is None or sel.end is None:
                self.s.skipped.append(f"a selection in {doc.name!r} has no numeric positions "
                                      f"({_count(len(sel.codings), 'coding')})")
                continue
            start, end, clamped = next(spans)
            if clamped:
                self.s.changed.append(f"{where} falls outside the text (length "
                                      f"{tmap.size(reading)}): clamped to {start}–{end}")
            target: Target = ("document", doc.id)
            if start >= end:
                if sel.codings:
                    self.s.skipped.append(f"{where} is empty: its "
                                          f"{_count(len(sel.codings), 'coding')} cannot be kept")
            else:
                for rc in sel.codings:
                    coding = self.coding(doc, rc, start, end, where, sel.user)
                    if coding is not None and target[0] == "document":
                        target = ("coding", coding.id)
            remark = "" if target[0] == "coding" else (
                f"a note on {where} (no coding) became a memo on the document")
            for ref in sel.note_refs:
                self.attach(ref, target, remark)
            if sel.guid:
                self.selections[sel.guid] = target
            if sel.description.strip():
                if remark:
                    self.s.changed.append(remark.replace("a note", "the comment"))
                self.describe(target, sel.description, self.user(sel.user, ""), sel.created)
        if rt.codings and tmap.text:
            verb = "covers" if len(rt.codings) == 1 else "cover"
            self.s.changed.append(f"{_count(len(rt.codings), 'coding')} of the whole source "
                                  f"{doc.name!r} {verb} its whole text")
            for rc in rt.codings:
                self.coding(doc, rc, 0, len(tmap.text), f"whole source {doc.name!r}")

    def coding(self, doc: Document, rc: RCoding, start: int, end: int, where: str,
               selected_by: str = "") -> Coding | None:
        code_id = self.code_ids.get(rc.code_ref)
        if code_id is None:
            self.s.skipped.append(f"a coding of {where} refers to an unknown code "
                                  f"({rc.code_ref or 'no CodeRef'})")
            return None
        coder = self.user(rc.user or selected_by, UNKNOWN_CODER)
        have = self.existing.get(doc.id)
        if have is None:  # what the document holds already (empty for a new one)
            have = self.existing[doc.id] = {
                (c.code, c.start, c.end, c.coder): c
                for c in self.p.codings.in_document(doc.id)
            }
        coding = have.get((code_id, start, end, coder))
        if coding is None:
            coding = Coding(
                id=self.fresh(rc.guid), document=doc.id, code=code_id, start=start, end=end,
                text=doc.text[start:end], coder=coder,
                created=our_datetime(rc.created) or self.stamp,
            )
            self.p.codings.put(coding)
            have[(code_id, start, end, coder)] = coding
            self.s.codings += 1
        if rc.guid:
            self.coding_ids[rc.guid] = coding.id
        for ref in rc.note_refs:
            self.attach(ref, ("coding", coding.id))
        return coding

    # ------------------------------------------------------------------ cases
    def cases(self) -> None:
        variables = self.f.variables
        owner: dict[str, str] = {}  # document id -> name of the case that got it
        for n, rc in enumerate(self.f.cases, 1):
            name = clean_name(rc.name) or f"Case {n}"
            attrs = self.attributes(rc.values, variables, f"case {name!r}")
            case = self.set_case(name, attrs, rc.guid)
            self.case_ids[rc.guid] = case.id
            for src in rc.sources:
                doc_id = self.doc_ids.get(src)
                if doc_id is None:
                    continue  # a source not brought over is reported on its own
                doc = self.docs[doc_id]
                if doc_id in owner:
                    self.s.changed.append(f"document {doc.name!r} is in several cases; it stays "
                                          f"in {owner[doc_id]!r}, not {name!r}")
                    continue
                owner[doc_id] = name
                self.docs[doc_id] = dataclasses.replace(doc, case=case.id)
            if rc.code_refs or rc.selection_refs:
                what = ", ".join(x for x in (_count(rc.code_refs, "code reference"),
                                             _count(rc.selection_refs, "selection reference"))
                                 if x)
                self.s.skipped.append(f"case {name!r}: {what} (cases hold documents here)")
            if rc.description.strip():
                self.describe(("case", case.id), rc.description, "", "")
        for rt in self.f.texts:  # variables on a source (MAXQDA): attributes of its case
            doc_id = self.doc_ids.get(rt.guid)
            if doc_id is None or not rt.values:
                continue
            doc = self.docs[doc_id]
            attrs = self.attributes(rt.values, variables, f"document {doc.name!r}")
            if not attrs:
                continue
            if doc.case:
                case = self.p.cases[doc.case]
                extra = {k: v for k, v in attrs.items() if k not in case.attributes}
                for key in attrs.keys() - extra.keys():
                    if attrs[key] != case.attributes[key]:
                        self.s.skipped.append(
                            f"document {doc.name!r}: {key}={attrs[key]} (its case {case.name!r} "
                            f"has {case.attributes[key]}, which is kept)")
                if extra:
                    self.set_case(case.name, extra, "")
                    self.s.changed.append(f"variables of document {doc.name!r} became attributes"
                                          f" of its case {case.name!r}")
            else:
                case = self.set_case(doc.name, attrs, "")
                self.docs[doc_id] = dataclasses.replace(doc, case=case.id)
                self.s.changed.append(f"variables of document {doc.name!r} became attributes of "
                                      f"a case of the same name")

    def attributes(self, values, variables, where: str) -> dict[str, str]:
        attrs: dict[str, str] = {}
        for var, value in values:
            if var not in variables:
                self.s.skipped.append(f"{where}: a value of an unknown variable ({var or '?'})")
                continue
            key = clean_name(variables[var][0])
            if key and value:
                attrs[key] = value
        return attrs

    def set_case(self, name: str, attrs: dict[str, str], guid: str) -> Case:
        existing = self.p.cases.by_name(name)
        if existing is None:
            case = Case(self.fresh(guid), name, dict(attrs), self.stamp)
            self.s.cases += 1
        else:
            if existing.id not in self.taken:
                self.s.changed.append(f"case {name!r} was already in the project: attributes "
                                      "merged (the file's values win)")
                self.taken.add(existing.id)
            case = dataclasses.replace(existing, attributes={**existing.attributes, **attrs})
        self.s.attributes += len(attrs)
        if case != existing:
            self.p.cases.put(case)
        return case

    # ------------------------------------------------------------------ notes
    def notes(self) -> None:
        for ref in self.f.note_refs:
            self.attach(ref, ("project", None))
        notes = {note.guid: note for note in self.f.notes}
        ends: dict[str, Target] = {}
        ends.update({k: ("case", v) for k, v in self.case_ids.items()})
        ends.update({k: ("code", v) for k, v in self.code_ids.items()})
        ends.update({k: ("document", v) for k, v in self.doc_ids.items()})
        ends.update(self.selections)
        ends.update({k: ("coding", v) for k, v in self.coding_ids.items()})
        for link in self.f.links:
            pair = [(link.origin, link.target), (link.target, link.origin)]
            hit = next(((n, ends[o]) for n, o in pair if n in notes and o in ends), None)
            if hit is not None and (hit[0] not in self.targets or link.name == CASE_MEMO_LINK):
                self.attach(*hit)
            elif link.name != CASE_MEMO_LINK:
                self.s.skipped.append(f"link {link.name or link.guid!r}: Workbench has no links")
        for key in self.targets:
            if key not in notes:
                self.s.skipped.append(f"a note reference points at no note ({key})")
        for note in self.f.notes:
            self.note(note)

    def note(self, note: RNote) -> None:
        title = note.name or note.guid
        if note.text is None and not note.description.strip():
            self.s.skipped.append(f"note {title!r}: {note.problem}")
            return
        if self.ours:
            text = note.text or ""
        else:
            parts = [note.name.strip(), note.description.strip(), (note.text or "").strip()]
            if parts[0] and parts[2].startswith(parts[0]):
                parts[0] = ""
            text = "\n\n".join(p for p in parts if p)
        if not text.strip():
            self.s.skipped.append(f"note {title!r} is empty")
            return
        targets = list(dict.fromkeys(self.targets.get(note.guid, [])))
        if not targets:
            targets = [("project", None)]
            self.s.changed.append(f"note {title!r} is attached to nothing here: it became a "
                                  "project memo")
        author = self.user(note.user, "")
        for n, target in enumerate(targets):
            self.memo(note.guid if n == 0 else None, target, text, author, note.created,
                      note.modified)
            self.noted.setdefault(target, []).append((text, note.text or ""))


def _repeats(flat: str, noted: list[tuple[str, str]]) -> bool:
    """True when a Description (white space squashed) is the text of one of the Notes on its
    target, or all of them joined, as we write them."""
    for variant in range(2):
        texts = [squash(pair[variant]) for pair in noted]
        texts = [t for t in texts if t]
        if not texts:
            continue
        if flat in texts or (all(t in flat for t in texts)
                             and sum(map(len, texts)) + len(texts) - 1 == len(flat)):
            return True
    return False


def _count(n: int, word: str) -> str:
    return "" if not n else f"{n} {word}{'' if n == 1 else 's'}"
