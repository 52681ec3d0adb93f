"""Read a ``.qdpx`` archive, a ``.qdc`` codebook (or a bare ``.qde``) into plain records.

Lenient as real files need: exactly one ``*.qde`` at the root of the archive, in any
case; ``sources/`` in any case; any ``urn:QDA-XML:`` namespace (elements matched by local name);
BOMs; texts inline (``PlainTextContent``) or in files named ``internal://X``, bare ``X`` (qc), or
``relative://X`` when X is inside the archive. Everything is read into memory here, before the
project is touched. A file that cannot be read at all raises :class:`WorkbenchError`; a part of
it that cannot be read is recorded on the record (``problem``) for the import summary.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from workbench.core.text import decode, looks_binary
from workbench.errors import WorkbenchError
from workbench.io.refi.names import QDA_PREFIX, clean_name, guid_key
from workbench.io.refi.records import (
    RCase,
    RCode,
    RCoding,
    RFile,
    RLink,
    RNote,
    ROther,
    RSelection,
    RSet,
    RText,
)
from workbench.io.refi.xmlin import Kids, attr, children, elements, local, ref_key, to_int
from workbench.io.transcript import ImportBudget

#: the largest .qde read, and the largest text file read from an archive
MAX_QDE = 256 * 1024 * 1024
MAX_TEXT = 50 * 1024 * 1024


# --------------------------------------------------------------------------- entry point


def read_refi(path: Path) -> RFile:
    """Read ``path`` (.qdpx archive, .qdc or .qde XML); raises WorkbenchError when unreadable."""
    label = path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except FileNotFoundError:
        raise WorkbenchError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise WorkbenchError(f"{path} is a folder, not a .qdpx or .qdc file") from None
    except OSError as exc:
        raise WorkbenchError(f"cannot read {path}: {exc.strerror or exc}") from None
    if head.startswith(b"PK"):
        return _read_archive(path, label)
    if path.suffix.lower() == ".qdpx":
        raise WorkbenchError(f"{label} is not a .qdpx file: it is not a ZIP archive")
    try:
        if path.stat().st_size > MAX_QDE:
            raise WorkbenchError(f"{label} is larger than {MAX_QDE // 2**20} MB; not imported")
        data = path.read_bytes()
    except OSError as exc:
        raise WorkbenchError(f"cannot read {path}: {exc.strerror or exc}") from None
    return _Parser(label, _parse_xml(data, label), None).run()


def _read_archive(path: Path, label: str) -> RFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbenchError(
            f"{label} is not a readable .qdpx archive (the ZIP is damaged or cut short: {exc})"
        ) from None
    with archive:
        members = _Members(archive, label)
        qdes = [i for i in archive.infolist() if "/" not in i.filename.strip("/")
                and i.filename.lower().endswith(".qde") and not i.is_dir()]
        if not qdes:
            raise WorkbenchError(f"{label} holds no project.qde: it is not a REFI-QDA project")
        if len(qdes) > 1:
            names = ", ".join(i.filename for i in qdes)
            raise WorkbenchError(f"{label} holds several .qde files ({names}); expected one")
        data = members.read(qdes[0], MAX_QDE)
        root = _parse_xml(data, f"{label}: {qdes[0].filename}")
        return _Parser(label, root, members).run()


def _parse_xml(data: bytes, label: str) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True,
        load_dtd=False, huge_tree=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        why = re.sub(r",? line \d+, column \d+$", "", (exc.msg or "unreadable").strip())
        raise WorkbenchError(
            f"{label} is not well-formed XML (line {line}, column {column}: {why})"
        ) from None
    except ValueError as exc:
        raise WorkbenchError(f"{label} cannot be read as XML ({exc})") from None
    if root is None:
        raise WorkbenchError(f"{label} is empty")
    return root


class _Members:
    """The files of an archive, found by name in any case; each is unpacked once, however
    many entries refer to it."""

    def __init__(self, archive: zipfile.ZipFile, label: str) -> None:
        self.archive = archive
        self.label = label
        self.unpacked: dict[str, bytes] = {}
        self.by_name = {
            i.filename.replace("\\", "/").lower(): i for i in archive.infolist() if not i.is_dir()
        }

    def find(self, name: str) -> zipfile.ZipInfo | None:
        name = name.replace("\\", "/").lstrip("/")
        for candidate in (name, unquote(name)):
            info = self.by_name.get(posixpath.normpath(candidate).lower())
            if info is not None:
                return info
        return None

    def read(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        data = self.unpacked.get(info.filename)
        if data is None:
            data = self.unpacked[info.filename] = self._unpack(info, limit)
        return data

    def _unpack(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        too_big = f"{self.label}: {info.filename} is larger than {limit // 2**20} MB"
        if info.file_size > limit:
            raise WorkbenchError(too_big)
        try:
            with self.archive.open(info) as handle:
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError) as exc:
            raise WorkbenchError(
                f"{self.label} is damaged: {info.filename} cannot be unpacked ({exc})"
            ) from None
        if len(data) > limit:
            raise WorkbenchError(too_big)
        return data


# --------------------------------------------------------------------------- the parser


class _Parser:
    def __init__(self, label: str, root: etree._Element, members: _Members | None) -> None:
        self.label = label
        self.root = root
        self.members = members
        self.budget = ImportBudget()  # every text and note counts, however often it is shared
        self.decoded: dict[str, tuple[str | None, str, bool]] = {}

    def run(self) -> RFile:
        root = self.root
        kind = local(root)
        if kind not in ("Project", "CodeBook"):
            raise WorkbenchError(
                f"{self.label} is not a REFI-QDA project or codebook (its root element is "
                f"<{kind or '?'}>)"
            )
        namespace = etree.QName(root).namespace or ""
        out = RFile(
            label=self.label, kind="project" if kind == "Project" else "codebook",
            name=attr(root, "name"), origin=attr(root, "origin"), namespace=namespace,
        )
        self.base_path = attr(root, "basePath")
        kids = Kids(root)
        if kind == "CodeBook":
            out.codes = [self._code(c) for c in children(kids.first("Codes"), "Code")]
            out.sets = [self._set(s) for s in children(kids.first("Sets"), "Set")]
            return out
        for user in children(kids.first("Users"), "User"):
            out.users[guid_key(attr(user, "guid"))] = attr(user, "name") or attr(user, "id")
        codes = Kids(kids.first("CodeBook")).first("Codes")
        out.codes = [self._code(c) for c in children(codes, "Code")]
        for var in children(kids.first("Variables"), "Variable"):
            out.variables[guid_key(attr(var, "guid"))] = (
                attr(var, "name"), attr(var, "typeOfVariable") or "Text")
        out.cases = [self._case(c) for c in children(kids.first("Cases"), "Case")]
        for source in elements(kids.first("Sources")):
            self._source(source, out)
        out.notes = [self._note(n) for n in children(kids.first("Notes"), "Note")]
        for link in children(kids.first("Links"), "Link"):
            out.links.append(RLink(
                guid_key(attr(link, "guid")), clean_name(attr(link, "name")),
                guid_key(attr(link, "originGUID")), guid_key(attr(link, "targetGUID")),
                Kids(link).refs("NoteRef")))
        out.sets = [self._set(s) for s in children(kids.first("Sets"), "Set")]
        out.graphs = [clean_name(attr(g, "name")) or "(unnamed)"
                      for g in children(kids.first("Graphs"), "Graph")]
        out.description = kids.text("Description")
        out.note_refs = kids.refs("NoteRef")
        return out

    # -- codebook ------------------------------------------------------------------------
    def _code(self, el: etree._Element) -> RCode:
        kids = Kids(el)
        codable = attr(el, "isCodable").strip().lower() not in ("false", "0")
        return RCode(
            guid=guid_key(attr(el, "guid")), name=attr(el, "name"), codable=codable,
            color=attr(el, "color") or None, description=kids.text("Description"),
            note_refs=kids.refs("NoteRef"), children=[self._code(c) for c in kids.all("Code")],
        )

    def _set(self, el: etree._Element) -> RSet:
        kids = Kids(el)
        return RSet(
            guid_key(attr(el, "guid")), clean_name(attr(el, "name")), kids.refs("MemberCode"),
            kids.count("MemberSource"), kids.count("MemberNote"),
        )

    def _case(self, el: etree._Element) -> RCase:
        kids = Kids(el)
        return RCase(
            guid=guid_key(attr(el, "guid")), name=attr(el, "name"),
            description=kids.text("Description"), values=_values(kids),
            sources=kids.refs("SourceRef"), code_refs=kids.count("CodeRef"),
            selection_refs=kids.count("SelectionRef"),
        )

    # -- sources -------------------------------------------------------------------------
    def _source(self, el: etree._Element, out: RFile) -> None:
        kind = local(el)
        name = clean_name(attr(el, "name"))
        if kind == "TextSource":
            out.texts.append(self._text_source(el, kind, name))
            return
        if kind == "PDFSource":
            kids = Kids(el)
            rep = kids.first("Representation")
            regions = kids.all("PDFSelection")
            if rep is not None:
                text = self._text_source(rep, kind, name or clean_name(attr(rep, "name")))
                text.guid = guid_key(attr(el, "guid"))
                text.codings = [*_codings(kids), *text.codings]
                text.note_refs = [*kids.refs("NoteRef"), *text.note_refs]
                text.values = [*_values(kids), *text.values]
                text.created = text.created or attr(el, "creationDateTime")
                if regions:
                    text.lost = f"{len(regions)} PDF region selection(s) (the text is imported)"
                if text.raw is not None:
                    out.texts.append(text)
                    return
                why = ("PDF files are not supported, and its plain-text representation cannot be "
                       f"read ({text.problem})")
            else:
                why = "PDF files are not supported (and it has no plain-text representation)"
        elif kind == "PictureSource":
            why = "pictures are not supported"
        elif kind in ("AudioSource", "VideoSource"):
            why = f"{kind[:-6].lower()} is not supported (transcripts of media are not read)"
        else:
            why = f"<{kind}> sources are not supported"
        selections = [s for s in el.iter() if isinstance(s.tag, str)
                      and local(s).endswith("Selection")]
        codings = [c for c in el.iter() if isinstance(c.tag, str) and local(c) == "Coding"]
        refs = [guid_key(attr(r, "targetGUID")) for r in el.iter()
                if isinstance(r.tag, str) and local(r) == "NoteRef"]
        out.others.append(ROther(
            guid_key(attr(el, "guid")), kind, name or "(unnamed)", len(selections),
            len(codings), why, refs))

    def _text_source(self, el: etree._Element, kind: str, name: str) -> RText:
        kids = Kids(el)
        text = RText(
            guid=guid_key(attr(el, "guid")), name=name, kind=kind, raw=None, problem="",
            created=attr(el, "creationDateTime"), modified=attr(el, "modifiedDateTime"),
            description=kids.text("Description"),
            selections=[_selection(s) for s in kids.all("PlainTextSelection")],
            codings=_codings(kids), note_refs=kids.refs("NoteRef"), values=_values(kids),
        )
        text.raw, text.problem, text.docx = self._content(el, kids)
        return text

    def _note(self, el: etree._Element) -> RNote:
        kids = Kids(el)
        raw, problem, _ = self._content(el, kids)
        return RNote(
            guid=guid_key(attr(el, "guid")), name=clean_name(attr(el, "name")),
            description=kids.text("Description"), text=raw, problem=problem,
            user=guid_key(attr(el, "creatingUser")), created=attr(el, "creationDateTime"),
            modified=attr(el, "modifiedDateTime"),
        )

    # -- texts ---------------------------------------------------------------------------
    def _content(self, el: etree._Element, kids: Kids) -> tuple[str | None, str, bool]:
        """(text, problem, from_docx) of a TextSource-like element, counted against the
        import's budget of decoded text."""
        inline = kids.first("PlainTextContent")
        if inline is not None:
            found: tuple[str | None, str, bool] = ("".join(inline.itertext()), "", False)
        else:
            key = f"{attr(el, 'plainTextPath').strip()}\n{attr(el, 'richTextPath').strip()}"
            if key not in self.decoded:
                self.decoded[key] = self._file_content(el)
            found = self.decoded[key]
        if found[0] is not None:
            name = clean_name(attr(el, "name")) or local(el)
            self.budget.take(len(found[0]), f"{self.label}: {name}")
        return found

    def _file_content(self, el: etree._Element) -> tuple[str | None, str, bool]:
        """(text, problem, from_docx) of an element whose text is in a file of the archive."""
        plain = attr(el, "plainTextPath").strip()
        rich = attr(el, "richTextPath").strip()
        if plain:
            data, problem = self._file(plain)
            if data is None:
                return None, problem, False
            return _decode(data, plain)
        if rich:
            data, problem = self._file(rich)
            if data is None:
                return None, problem, False
            if rich.lower().endswith(".docx"):
                from workbench.io.formats import office

                try:
                    return office.read_docx(data, rich)[0], "", True
                except WorkbenchError as exc:
                    return None, str(exc), False
            if rich.lower().endswith(".txt"):
                return _decode(data, rich)
            return None, f"its only text is {rich}, which is not .docx or .txt", False
        return None, "it has neither PlainTextContent nor plainTextPath", False

    def _file(self, ref: str) -> tuple[bytes | None, str]:
        """The bytes of a file an element refers to, or (None, why not)."""
        scheme, sep, rest = ref.partition("://")
        if not sep:
            scheme, rest = "", ref
        scheme = scheme.lower()
        if scheme in ("absolute", "file", "http", "https"):
            return None, f"{ref} is outside the archive"
        rest = rest.lstrip("/")
        candidates = [f"sources/{rest}", rest]
        if scheme == "relative" and self.base_path and not _is_absolute(self.base_path):
            candidates.insert(0, posixpath.join(self.base_path.replace("\\", "/"), rest))
        if self.members is None:
            return None, f"{ref} is not available (a bare .qde or .qdc has no files)"
        for candidate in candidates:
            info = self.members.find(candidate)
            if info is not None:
                try:
                    return self.members.read(info, MAX_TEXT), ""
                except WorkbenchError as exc:
                    return None, str(exc)
        if scheme == "relative":
            return None, f"{ref} is outside the archive (relative to the original project folder)"
        return None, f"{ref} is missing from the archive"


def _decode(data: bytes, ref: str) -> tuple[str | None, str, bool]:
    if looks_binary(data):
        return None, f"{ref} is not a text file", False
    try:
        return decode(data, source=ref), "", False
    except WorkbenchError as exc:
        return None, str(exc), False


def _selection(el: etree._Element) -> RSelection:
    """A PlainTextSelection.

    A large file holds tens of thousands of these, so this and :func:`_coding` look at their
    children in one pass of their own (cheaper than :class:`Kids` for so few children).
    """
    description, codings, note_refs = None, [], []
    for child in el:
        name = local(child)
        if name == "Coding":
            codings.append(_coding(child))
        elif name == "NoteRef":
            note_refs.append(ref_key(child))
        elif name == "Description" and description is None:
            description = "".join(child.itertext())
    return RSelection(
        guid=guid_key(attr(el, "guid")), name=attr(el, "name"),
        start=to_int(attr(el, "startPosition")), end=to_int(attr(el, "endPosition")),
        user=guid_key(attr(el, "creatingUser")), created=attr(el, "creationDateTime"),
        description=description or "", codings=codings, note_refs=note_refs,
    )


def _coding(el: etree._Element) -> RCoding:
    code_ref, note_refs = None, []
    for child in el:
        name = local(child)
        if name == "CodeRef":
            if code_ref is None:  # the first one counts
                code_ref = guid_key(attr(child, "targetGUID"))
        elif name == "NoteRef":
            note_refs.append(ref_key(child))
    return RCoding(
        guid=guid_key(attr(el, "guid")), code_ref=code_ref or "",
        user=guid_key(attr(el, "creatingUser")), created=attr(el, "creationDateTime"),
        note_refs=note_refs,
    )


def _codings(kids: Kids) -> list[RCoding]:
    return [_coding(c) for c in kids.all("Coding")]


def _values(kids: Kids) -> list[tuple[str, str]]:
    out = []
    for vv in kids.all("VariableValue"):
        ref = Kids(vv).first("VariableRef")
        value = ""
        for child in elements(vv):
            if local(child).endswith("Value"):
                value = "".join(child.itertext()).strip()
        out.append((guid_key(attr(ref, "targetGUID")) if ref is not None else "", value))
    return out


def _is_absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":")


def is_qda_namespace(namespace: str) -> bool:
    """True for any REFI-QDA namespace (``urn:QDA-XML:...``)."""
    return namespace.lower().startswith(QDA_PREFIX)
