"""Write a project as a REFI-QDA project (.qdpx) or codebook (.qdc).

What goes where (every file validates against the REFI-QDA 1.0 schemas):

- ``project.qde`` plus ``sources/<GUID>.txt`` (UTF-8, LF, no BOM) per document; GUIDs are our
  record ids, so exporting, importing and exporting again writes the same GUIDs.
- Codes nest as the codebook does; the description, then the inclusion/exclusion criteria and
  example as ``Inclusion: ...`` lines, go in ``Description``. Themes stay codable and are the
  members of a project-level Set named "Themes" (in a .qdc: a Set of the CodeBook).
- Cases carry one ``VariableValue`` (Text) per attribute and a ``SourceRef`` per document.
- Every coding is a ``Coding`` in a ``PlainTextSelection`` (code points, half-open); codings of
  the same span share one selection, whose ``name`` shows the text.
- Memos are ``Notes/Note``. The project, a code, a document and a coding take a ``NoteRef``; a
  Case cannot hold one in the schema, so a case memo is a Note with a ``Link`` named
  "Memo on case" from the Note to the Case (our importer reads it back as a case memo; other
  tools show a free memo linked to the case).
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from workbench.core.errors import WorkbenchError
from workbench.core.model import Code, Coding, Memo
from workbench.core.project import Project
from workbench.io.refi.names import (
    CASE_MEMO_LINK,
    CODEBOOK_NS,
    CODEBOOK_SCHEMA,
    ORIGIN,
    PROJECT_NS,
    PROJECT_SCHEMA,
    THEMES_SET,
    THEMES_SET_DESCRIPTION,
    XSI_NS,
    compose_description,
    has_xml_unsafe,
    parse_color,
    parse_description,
    record_guid,
    selection_name,
    stable_guid,
    user_guid,
    xml_safe,
    xsd_datetime,
)
from workbench.io.refi.summary import ExportSummary
from workbench.store.atomic import write_private


def export_qdpx(project: Project, out: Path) -> ExportSummary:
    """Write ``project`` as a REFI-QDA project archive at ``out``."""
    out = Path(out)
    summary = ExportSummary(path=out, format="qdpx")
    writer = _Writer(project, PROJECT_NS, summary)
    root, texts = writer.project()
    qde = _serialise(root)
    write_private(out, lambda handle: _zip(handle, qde, texts))
    return summary


def export_qdc(project: Project, out: Path) -> ExportSummary:
    """Write ``project``'s codebook as a REFI-QDA codebook at ``out``."""
    out = Path(out)
    summary = ExportSummary(path=out, format="qdc")
    if not project.codes():
        raise WorkbenchError("the codebook is empty: a .qdc needs at least one code")
    root = _Writer(project, CODEBOOK_NS, summary).codebook()
    data = _serialise(root)
    write_private(out, data)
    return summary


class _Writer:
    def __init__(self, project: Project, ns: str, summary: ExportSummary) -> None:
        self.p = project
        self.ns = ns
        self.summary = summary
        self.memos: dict[tuple[str, str | None], list[Memo]] = defaultdict(list)
        for memo in sorted(project.state.tables["memos"].values(), key=lambda m: (m.created, m.id)):
            self.memos[(memo.target_kind, memo.target_id)].append(memo)
        self.notes: dict[str, Memo] = {}  # memos written as Notes, in the order referred to

    # ------------------------------------------------------------------ element helpers
    def el(self, parent: etree._Element | None, tag: str, **attrs: str | None) -> etree._Element:
        clean = {k: xml_safe(v) for k, v in attrs.items() if v is not None and v != ""}
        name = f"{{{self.ns}}}{tag}"
        if parent is None:
            return etree.Element(name, clean, nsmap={None: self.ns, "xsi": XSI_NS})
        return etree.SubElement(parent, name, clean)

    def text_el(self, parent: etree._Element, tag: str, text: str) -> None:
        if has_xml_unsafe(text):
            self.summary.warnings.append(
                f"control characters in {text[:30]!r}... were replaced by U+FFFD")
        self.el(parent, tag).text = xml_safe(text)

    def note_refs(self, parent: etree._Element, kind: str, target: str | None) -> None:
        for memo in self.memos.get((kind, target), []):
            self.el(parent, "NoteRef", targetGUID=record_guid(memo.id))
            self.notes[memo.id] = memo

    # ------------------------------------------------------------------ codebook
    def codebook(self) -> etree._Element:
        root = self.el(None, "CodeBook", origin=ORIGIN)
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{CODEBOOK_NS} {CODEBOOK_SCHEMA}")
        self.codes(self.el(root, "Codes"), None, with_notes=False)
        themes = [c for c in self.p.codes() if c.is_theme]
        if themes:
            sets = self.el(root, "Sets")
            the_set = self.el(sets, "Set", guid=stable_guid("set", THEMES_SET), name=THEMES_SET)
            self.text_el(the_set, "Description", THEMES_SET_DESCRIPTION)
            for code in themes:
                self.el(the_set, "MemberCode", guid=record_guid(code.id))
        return root

    def codes(self, parent: etree._Element, of: Code | None, *, with_notes: bool) -> None:
        for code in self.p.children_of(of):
            self.summary.codes += 1
            node = self.el(parent, "Code", guid=record_guid(code.id), name=code.name,
                           isCodable="true", color=parse_color(code.color))
            fields = dict(description=code.description, inclusion=code.inclusion,
                          exclusion=code.exclusion, example=code.example)
            text = compose_description(**fields)
            if parse_description(text) != fields and any(fields.values()):
                self.summary.warnings.append(
                    f"the description of {self.p.code_path(code)!r} ends with lines that look "
                    "like criteria; they may be read back as criteria")
            if text:
                self.text_el(node, "Description", text)
            if with_notes:
                self.note_refs(node, "code", code.id)
            self.codes(node, code, with_notes=with_notes)

    # ------------------------------------------------------------------ project
    def project(self) -> tuple[etree._Element, dict[str, str]]:
        p, state = self.p, self.p.state
        root = self.el(None, "Project", name=p.name or "Workbench project", origin=ORIGIN,
                       creationDateTime=xsd_datetime(state.meta.get("created")))
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{PROJECT_NS} {PROJECT_SCHEMA}")
        documents = p.documents()
        codings = sorted(state.tables["codings"].values(), key=lambda c: (c.start, c.end, c.id))
        names = {c.coder for c in codings if c.coder.strip()}
        names |= {m.author for m in state.tables["memos"].values() if m.author.strip()}
        if names:
            users = self.el(root, "Users")
            for name in sorted(names):
                self.el(users, "User", guid=user_guid(name), name=name)
            self.summary.users = len(names)
        if p.codes():
            self.codes(self.el(self.el(root, "CodeBook"), "Codes"), None, with_notes=True)
        cases = p.cases()
        keys = sorted({k for case in cases for k in case.attributes})
        if keys:
            variables = self.el(root, "Variables")
            for key in keys:
                self.el(variables, "Variable", guid=stable_guid("variable", key), name=key,
                        typeOfVariable="Text")
        if cases:
            node = self.el(root, "Cases")
            for case in cases:
                self.summary.cases += 1
                one = self.el(node, "Case", guid=record_guid(case.id), name=case.name)
                for key in sorted(case.attributes):
                    value = self.el(one, "VariableValue")
                    self.el(value, "VariableRef", targetGUID=stable_guid("variable", key))
                    self.text_el(value, "TextValue", case.attributes[key])
                for doc in p.documents_of_case(case):
                    self.el(one, "SourceRef", targetGUID=record_guid(doc.id))
        by_doc: dict[str, list[Coding]] = defaultdict(list)
        for coding in codings:
            by_doc[coding.document].append(coding)
        texts: dict[str, str] = {}
        if documents:
            sources = self.el(root, "Sources")
            for doc in documents:
                self.summary.documents += 1
                guid = record_guid(doc.id)
                texts[guid] = doc.text
                source = self.el(sources, "TextSource", guid=guid, name=doc.name,
                                 plainTextPath=f"internal://{guid}.txt",
                                 creationDateTime=xsd_datetime(doc.created),
                                 modifiedDateTime=xsd_datetime(doc.modified))
                self.selections(source, doc.id, doc.text, by_doc.get(doc.id, []))
                self.note_refs(source, "document", doc.id)
        project_memos = self.memos.get(("project", None), [])
        self.notes.update((m.id, m) for m in project_memos)
        case_memos = [m for c in cases for m in self.memos.get(("case", c.id), [])]
        self.notes.update((m.id, m) for m in case_memos)
        self.dropped_memos()
        if self.notes:
            notes = self.el(root, "Notes")
            for memo in self.notes.values():
                self.note(notes, memo)
        if case_memos:
            links = self.el(root, "Links")
            for memo in case_memos:
                self.el(links, "Link", guid=stable_guid("case-memo", memo.id),
                        name=CASE_MEMO_LINK, direction="OneWay",
                        originGUID=record_guid(memo.id), targetGUID=record_guid(memo.target_id))
        themes = [c for c in p.codes() if c.is_theme]
        if themes:
            the_set = self.el(self.el(root, "Sets"), "Set", guid=stable_guid("set", THEMES_SET),
                              name=THEMES_SET)
            self.text_el(the_set, "Description", THEMES_SET_DESCRIPTION)
            for code in themes:
                self.el(the_set, "MemberCode", targetGUID=record_guid(code.id))
        for memo in project_memos:  # the Project's own NoteRefs come last (XSD order)
            self.el(root, "NoteRef", targetGUID=record_guid(memo.id))
        self.summary.memos = len(self.notes)
        self.warnings(documents)
        return root, texts

    def selections(self, source: etree._Element, doc_id: str, text: str,
                   codings: list[Coding]) -> None:
        spans: dict[tuple[int, int], list[Coding]] = defaultdict(list)
        for coding in codings:
            spans[(coding.start, coding.end)].append(coding)
        for (start, end), group in spans.items():
            group.sort(key=lambda c: (c.created, c.coder, c.id))
            first = group[0]
            sel = self.el(source, "PlainTextSelection",
                          guid=stable_guid("selection", doc_id, str(start), str(end)),
                          name=selection_name(text[start:end]), startPosition=str(start),
                          endPosition=str(end),
                          creatingUser=_user(first.coder),
                          creationDateTime=xsd_datetime(first.created))
            for coding in group:
                self.summary.codings += 1
                node = self.el(sel, "Coding", guid=record_guid(coding.id),
                               creatingUser=_user(coding.coder),
                               creationDateTime=xsd_datetime(coding.created))
                self.el(node, "CodeRef", targetGUID=record_guid(coding.code))
                self.note_refs(node, "coding", coding.id)

    def note(self, parent: etree._Element, memo: Memo) -> None:
        first_line = memo.text.strip().split("\n", 1)[0]
        node = self.el(parent, "Note", guid=record_guid(memo.id), name=selection_name(first_line),
                       creatingUser=_user(memo.author),
                       creationDateTime=xsd_datetime(memo.created),
                       modifiedDateTime=xsd_datetime(memo.modified or memo.created))
        self.text_el(node, "PlainTextContent", memo.text)

    def dropped_memos(self) -> None:
        for memo in self.p.state.tables["memos"].values():
            if memo.id not in self.notes:
                self.summary.warnings.append(
                    f"memo {memo.id} is on a {memo.target_kind} that does not exist; not exported")

    def warnings(self, documents: list) -> None:
        astral = [d.name for d in documents if any(ord(ch) > 0xFFFF for ch in d.text)]
        if astral:
            self.summary.warnings.append(
                f"{len(astral)} document(s) contain characters outside the Basic Multilingual "
                f"Plane (emoji and the like: {', '.join(astral[:3])}"
                f"{', ...' if len(astral) > 3 else ''}); positions are written in code points as "
                "the standard says, but NVivo and QualCoder count each such character as two "
                "units, so codings after one may land shifted there")
        timed = [d.name for d in documents if any(p.begin_time or p.end_time for p in d.paragraphs)]
        if timed:
            self.summary.warnings.append(
                f"cue times of {len(timed)} subtitle document(s) are not exported (REFI-QDA text "
                "sources have no place for them)")


def _user(name: str) -> str | None:
    return user_guid(name) if name.strip() else None


# --------------------------------------------------------------------------- files


def _serialise(root: etree._Element) -> bytes:
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _zip(handle, qde: bytes, texts: dict[str, str]) -> None:
    stamp = datetime.now(UTC).timetuple()[:6]
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("project.qde", qde),
                           *((f"sources/{g}.txt", t.encode("utf-8")) for g, t in texts.items())]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)


