"""Write a project as a REFI-QDA project (.qdpx) or codebook (.qdc).

What goes where (every file validates against the REFI-QDA 1.0 schemas):

- ``project.qde`` plus ``sources/<GUID>.txt`` (UTF-8, LF, no BOM) per document; GUIDs are our
  record ids, so exporting, importing and exporting again writes the same GUIDs.
- Codes nest as the codebook does; the description, then the inclusion/exclusion criteria and
  example as ``Inclusion: ...`` lines, go in ``Description``. Themes stay codable and are the
  members of a project-level Set named "Themes" (in a .qdc: a Set of the CodeBook).
- Cases carry one ``VariableValue`` (Text) per attribute and a ``SourceRef`` per document.
- Every coding is a ``Coding`` in a ``PlainTextSelection`` (code points, half-open). The codings
  of one span by one coder share a selection, whose ``name`` shows the text and whose
  ``creatingUser`` is that coder (QualCoder takes the coder from the selection, not the Coding);
  a coding with a memo has a selection of its own, whose ``Description`` holds the memo (where
  QualCoder, MAXQDA and ATLAS.ti read a coding's comment).
- Memos are ``Notes/Note``. The project, a code, a document and a coding take a ``NoteRef``; a
  Case cannot hold one in the schema, so a case memo is a Note with a ``Link`` named
  "Memo on case" from the Note to the Case (our importer reads it back as a case memo; other
  tools show a free memo linked to the case). The memos of the project, a document and a case
  are also the ``Description`` of their element (the place other tools read), joined by a blank
  line; our importer takes a Description that repeats the element's Notes only once.
"""

from __future__ import annotations

import functools
import zipfile
from collections import defaultdict
from datetime import UTC, datetime

from workbench.core.model import Code, Coding, Document, Memo
from workbench.core.project import Project
from workbench.errors import WorkbenchError
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
    has_astral,
    has_xml_unsafe,
    parse_color,
    parse_description,
    record_guid,
    selection_name,
    stable_guid,
    user_guid,
    xsd_datetime,
)
from workbench.io.refi.summary import ExportSummary
from workbench.io.refi.xmlout import XmlOut, attr_value, attributes, made_attributes
from workbench.store.atomic import Target, shown, write_private

#: deflate level of the archive. On a 60 MB study (mostly transcripts) level 2 packs to 12.7 MB
#: in 0.6 s; zlib's default 6 to 10.6 MB in 2.2 s; level 1 is as fast for 13.2 MB
COMPRESS_LEVEL = 2


def export_qdpx(project: Project, out: Target) -> ExportSummary:
    """Write ``project`` as a REFI-QDA project archive at ``out`` (a path, or a binary stream)."""
    summary = ExportSummary(path=shown(out), format="qdpx")
    qde, texts = _Writer(project, PROJECT_NS, summary).project()
    write_private(out, lambda handle: _zip(handle, qde, texts))
    return summary


def export_qdc(project: Project, out: Target) -> ExportSummary:
    """Write ``project``'s codebook as a REFI-QDA codebook at ``out`` (a path, or a stream)."""
    summary = ExportSummary(path=shown(out), format="qdc")
    if not project.codebook.all():
        raise WorkbenchError("the codebook is empty: a .qdc needs at least one code")
    write_private(out, _Writer(project, CODEBOOK_NS, summary).codebook())
    return summary


class _Writer:
    """Writes the elements of a .qde or .qdc in document order (see :mod:`.xmlout`)."""

    def __init__(self, project: Project, ns: str, summary: ExportSummary) -> None:
        self.p = project
        self.ns = ns
        self.summary = summary
        self.out = XmlOut()
        self.memos: dict[tuple[str, str | None], list[Memo]] = defaultdict(list)
        for memo in sorted(project.memos.values(), key=lambda m: (m.created, m.id)):
            self.memos[(memo.target_kind, memo.target_id)].append(memo)
        self.notes: dict[str, Memo] = {}  # memos written as Notes, in the order referred to

    # ------------------------------------------------------------------ element helpers
    def open(self, tag: str, **attrs: str | None) -> None:
        """Start an element (empty attributes are left out); :meth:`close` ends it."""
        self.out.start(tag, attributes(attrs))

    def close(self) -> None:
        self.out.end()

    def leaf(self, tag: str, **attrs: str | None) -> None:
        """An element without children."""
        self.out.leaf(tag, attributes(attrs))

    def root(self, tag: str, schema: str, **attrs: str | None) -> None:
        """Open the root element, with the namespaces and the schema's location."""
        names = {"xmlns": self.ns, "xmlns:xsi": XSI_NS, **attrs,
                 "xsi:schemaLocation": f"{self.ns} {schema}"}
        self.out.start(tag, attributes(names))

    def text_el(self, tag: str, text: str) -> None:
        if has_xml_unsafe(text):
            self.summary.warnings.append(
                f"control characters in {text[:30]!r}... were replaced by U+FFFD")
        self.out.text(tag, text)

    def described(self, kind: str, target: str | None) -> None:
        """The memos on a target as the ``Description`` of its element (when it has any)."""
        memos = self.memos.get((kind, target), [])
        text = "\n\n".join(m.text.strip() for m in memos if m.text.strip())
        if text:
            self.text_el("Description", text)

    def note_refs(self, kind: str, target: str | None) -> None:
        for memo in self.memos.get((kind, target), []):
            self.leaf("NoteRef", targetGUID=record_guid(memo.id))
            self.notes[memo.id] = memo

    # ------------------------------------------------------------------ codebook
    def codebook(self) -> bytes:
        self.root("CodeBook", CODEBOOK_SCHEMA, origin=ORIGIN)
        self.open("Codes")
        self.codes(None, with_notes=False)
        self.close()
        themes = [c for c in self.p.codebook.all() if c.is_theme]
        if themes:
            self.open("Sets")
            self.open("Set", guid=stable_guid("set", THEMES_SET), name=THEMES_SET)
            self.text_el("Description", THEMES_SET_DESCRIPTION)
            for code in themes:
                self.leaf("MemberCode", guid=record_guid(code.id))
            self.close()
            self.close()
        self.close()
        return self.out.data()

    def codes(self, of: Code | None, *, with_notes: bool) -> None:
        for code in self.p.codebook.children(of):
            self.summary.codes += 1
            self.open("Code", guid=record_guid(code.id), name=code.name, isCodable="true",
                      color=parse_color(code.color))
            fields = dict(description=code.description, inclusion=code.inclusion,
                          exclusion=code.exclusion, example=code.example)
            text = compose_description(**fields)
            if parse_description(text) != fields and any(fields.values()):
                self.summary.warnings.append(
                    f"the description of {self.p.codebook.path(code)!r} ends with lines that look "
                    "like criteria; they may be read back as criteria")
            if text:
                self.text_el("Description", text)
            if with_notes:
                self.note_refs("code", code.id)
            self.codes(code, with_notes=with_notes)
            self.close()

    # ------------------------------------------------------------------ project
    def project(self) -> tuple[bytes, dict[str, str]]:
        """The project.qde, and the text of each source by GUID."""
        p = self.p
        self.root("Project", PROJECT_SCHEMA, name=p.name or "Workbench project", origin=ORIGIN,
                  creationDateTime=xsd_datetime(p.meta.get("created")))
        documents = p.documents.all()
        self.users()
        if p.codebook.all():
            self.open("CodeBook")
            self.open("Codes")
            self.codes(None, with_notes=True)
            self.close()
            self.close()
        cases = p.cases.all()
        self.cases(cases)
        texts = self.sources(documents)
        project_memos = self.memos.get(("project", None), [])
        self.notes.update((m.id, m) for m in project_memos)
        case_memos = [m for c in cases for m in self.memos.get(("case", c.id), [])]
        self.notes.update((m.id, m) for m in case_memos)
        self.dropped_memos()
        if self.notes:
            self.open("Notes")
            for memo in self.notes.values():
                self.note(memo)
            self.close()
        if case_memos:
            self.open("Links")
            for memo in case_memos:
                self.leaf("Link", guid=stable_guid("case-memo", memo.id), name=CASE_MEMO_LINK,
                          direction="OneWay", originGUID=record_guid(memo.id),
                          targetGUID=record_guid(memo.target_id))
            self.close()
        themes = [c for c in p.codebook.all() if c.is_theme]
        if themes:
            self.open("Sets")
            self.open("Set", guid=stable_guid("set", THEMES_SET), name=THEMES_SET)
            self.text_el("Description", THEMES_SET_DESCRIPTION)
            for code in themes:
                self.leaf("MemberCode", targetGUID=record_guid(code.id))
            self.close()
            self.close()
        self.described("project", None)
        for memo in project_memos:  # the Project's own NoteRefs come last (XSD order)
            self.leaf("NoteRef", targetGUID=record_guid(memo.id))
        self.close()
        self.summary.memos = len(self.notes)
        self.warnings(documents)
        return self.out.data(), texts

    def users(self) -> None:
        """Every coder and memo author, as a User."""
        names = {c.coder for c in self.p.codings.values() if c.coder.strip()}
        names |= {m.author for m in self.p.memos.values() if m.author.strip()}
        if names:
            self.open("Users")
            for name in sorted(names):
                self.leaf("User", guid=user_guid(name), name=name)
            self.close()
            self.summary.users = len(names)

    def cases(self, cases: list) -> None:
        """The Variables (one per attribute name), then the Cases with values and sources."""
        keys = sorted({k for case in cases for k in case.attributes})
        if keys:
            self.open("Variables")
            for key in keys:
                self.leaf("Variable", guid=stable_guid("variable", key), name=key,
                          typeOfVariable="Text")
            self.close()
        if not cases:
            return
        self.open("Cases")
        for case in cases:
            self.summary.cases += 1
            self.open("Case", guid=record_guid(case.id), name=case.name)
            self.described("case", case.id)
            for key in sorted(case.attributes):
                self.open("VariableValue")
                self.leaf("VariableRef", targetGUID=stable_guid("variable", key))
                self.text_el("TextValue", case.attributes[key])
                self.close()
            for doc in self.p.documents.of_case(case):
                self.leaf("SourceRef", targetGUID=record_guid(doc.id))
            self.close()
        self.close()

    def sources(self, documents: list[Document]) -> dict[str, str]:
        """A TextSource per document with its selections; returns the texts by GUID."""
        by_doc: dict[str, list[Coding]] = defaultdict(list)
        for coding in sorted(self.p.codings.values(),
                             key=lambda c: (c.start, c.end, c.id)):
            by_doc[coding.document].append(coding)
        texts: dict[str, str] = {}
        if not documents:
            return texts
        self.open("Sources")
        for doc in documents:
            self.summary.documents += 1
            guid = record_guid(doc.id)
            texts[guid] = doc.text
            self.open("TextSource", guid=guid, name=doc.name,
                      plainTextPath=f"internal://{guid}.txt",
                      creationDateTime=xsd_datetime(doc.created),
                      modifiedDateTime=xsd_datetime(doc.modified))
            self.described("document", doc.id)
            self.selections(doc.id, doc.text, by_doc.get(doc.id, []))
            self.note_refs("document", doc.id)
            self.close()
        self.close()
        return texts

    def selections(self, doc_id: str, text: str, codings: list[Coding]) -> None:
        """One selection per coded span and coder, holding that coder's codings of the span;
        a coding with a memo gets a selection of its own, the memo as its ``Description``.

        The hot loop of a large export: all attributes but the name are values we made
        (GUIDs, numbers, our timestamps), so they go out without escaping.
        """
        groups: dict[tuple[int, int, str, str], list[Coding]] = defaultdict(list)
        for coding in codings:
            alone = coding.id if ("coding", coding.id) in self.memos else ""
            groups[(coding.start, coding.end, coding.coder, alone)].append(coding)
        out = self.out
        for (start, end, coder, alone), group in groups.items():
            if len(group) > 1:
                group.sort(key=lambda c: (c.created, c.id))
            first = group[0]
            guid = (stable_guid("coding-selection", alone) if alone else
                    stable_guid("selection", doc_id, str(start), str(end), coder))
            name = selection_name(text[start:end])
            out.start("PlainTextSelection", (
                f' guid="{guid}"' + (f' name="{attr_value(name)}"' if name else "")
                + f' startPosition="{start}" endPosition="{end}"'
                + _made_by(coder, first.created)))
            if alone:
                self.described("coding", alone)
            for coding in group:
                out.start("Coding", f' guid="{record_guid(coding.id)}"'
                          + _made_by(coding.coder, coding.created))
                out.leaf("CodeRef", f' targetGUID="{record_guid(coding.code)}"')
                self.note_refs("coding", coding.id)
                out.end()
            out.end()
            self.summary.codings += len(group)

    def note(self, memo: Memo) -> None:
        first_line = memo.text.strip().split("\n", 1)[0]
        self.open("Note", guid=record_guid(memo.id), name=selection_name(first_line),
                  creatingUser=_user(memo.author), creationDateTime=xsd_datetime(memo.created),
                  modifiedDateTime=xsd_datetime(memo.modified or memo.created))
        self.text_el("PlainTextContent", memo.text)
        self.close()

    def dropped_memos(self) -> None:
        for memo in self.p.memos.values():
            if memo.id not in self.notes:
                self.summary.warnings.append(
                    f"memo {memo.id} is on a {memo.target_kind} that does not exist; not exported")

    def warnings(self, documents: list[Document]) -> None:
        astral = [d.name for d in documents if has_astral(d.text)]
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


@functools.lru_cache(maxsize=4096)
def _made_by(coder: str, created: str) -> str:
    """The ``creatingUser`` and ``creationDateTime`` attributes of a selection or coding."""
    return made_attributes(creatingUser=_user(coder), creationDateTime=xsd_datetime(created))


# --------------------------------------------------------------------------- files


def _zip(handle, qde: bytes, texts: dict[str, str]) -> None:
    stamp = datetime.now(UTC).timetuple()[:6]
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=COMPRESS_LEVEL) as archive:
        for name, data in [("project.qde", qde),
                           *((f"sources/{g}.txt", t.encode("utf-8")) for g, t in texts.items())]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o600 << 16
            archive.writestr(info, data, zipfile.ZIP_DEFLATED, COMPRESS_LEVEL)


