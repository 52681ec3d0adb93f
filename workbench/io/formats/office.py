"""Word (.docx) and OpenDocument (.odt) transcripts as plain text, one paragraph per line.

Body paragraphs and headings come in document order; a table row becomes one line with its
cells joined by `` | ``. Comments, footnotes, deleted tracked changes, field codes and drawings
are left out. Runs of blank lines collapse to one blank line.

The caps of :mod:`workbench.io.transcript` hold while reading: a Word file's paragraphs are
counted in one streaming pass before the document is parsed, and an OpenDocument's runs of
spaces count against the character cap as they are expanded.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import Any

from workbench.core.model import Paragraph
from workbench.core.text import count_controls, normalise
from workbench.core.turns import paragraphs_of
from workbench.errors import WorkbenchError
from workbench.io.transcript import (
    MAX_DOCUMENT_CHARS,
    MAX_PARAGRAPHS,
    check_document,
    too_many_paragraphs,
)

#: refuse archives that would unpack to more than this (a "zip bomb")
MAX_UNPACKED = 512 * 1024 * 1024


def read_docx(data: bytes, source: str) -> tuple[str, list[Paragraph], int]:
    """Text and paragraphs of a Word document, and how many control characters were dropped."""
    _check_zip(data, source, ".docx")
    _count_docx_paragraphs(data, source)
    try:
        import docx

        body = docx.Document(io.BytesIO(data)).element.body
        lines = _docx_blocks(body)
    except Exception:  # BadZipFile, KeyError, lxml errors, ValueError (not a Word file), ...
        raise WorkbenchError(f"{source} is not a readable .docx file") from None
    return _finish(lines, source)


def read_odt(data: bytes, source: str) -> tuple[str, list[Paragraph], int]:
    """Text and paragraphs of an OpenDocument text, and how many control characters were
    dropped."""
    _check_zip(data, source, ".odt")
    try:
        from odf.opendocument import load

        doc = load(io.BytesIO(data))
        body = doc.text if str(doc.mimetype).startswith(_ODT_MIME) else None
    except Exception:  # BadZipFile, KeyError, SAX errors, IndexError (no body), ...
        raise WorkbenchError(f"{source} is not a readable .odt file") from None
    if body is None:
        raise WorkbenchError(
            f"{source} is not a readable .odt file (it is an OpenDocument of another kind)"
        )
    try:
        lines = _odt_blocks(body, _Room(source))
    except WorkbenchError:
        raise
    except Exception:
        raise WorkbenchError(f"{source} is not a readable .odt file") from None
    return _finish(lines, source)


# --------------------------------------------------------------------------- shared


def _check_zip(data: bytes, source: str, kind: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:  # BadZipFile, truncated central directory, bad sizes, ...
        raise WorkbenchError(f"{source} is not a readable {kind} file") from None
    if unpacked > MAX_UNPACKED:
        raise WorkbenchError(
            f"{source} would unpack to {unpacked // (1024 * 1024)} MB; "
            f"{kind} files over {MAX_UNPACKED // (1024 * 1024)} MB unpacked are not imported"
        )


def _count_docx_paragraphs(data: bytes, source: str) -> None:
    """Refuse a Word file of more than MAX_PARAGRAPHS paragraphs, counted while streaming its
    main part (before python-docx builds the whole tree, which such a file would not fit)."""
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(_DOCX_MAIN) as part:
            count = 0
            events = etree.iterparse(part, events=("end",), tag=_W_P, resolve_entities=False,
                                     no_network=True, load_dtd=False)
            for _, element in events:
                count += 1
                if count > MAX_PARAGRAPHS:
                    too_many_paragraphs(source)
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except WorkbenchError:
        raise
    except Exception:  # no such part (python-docx then says what is wrong), bad XML, ...
        return


class _Room:
    """The characters a document may still take while its text is gathered."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.left = MAX_DOCUMENT_CHARS

    def take(self, chars: int) -> None:
        self.left -= chars
        if self.left < 0:
            raise WorkbenchError(
                f"{self.source} holds more than {MAX_DOCUMENT_CHARS:,} characters, the "
                "per-document cap: not imported"
            )


def _finish(lines: Iterable[str], source: str) -> tuple[str, list[Paragraph], int]:
    """Join lines, collapse runs of blank lines, drop blank lines at both ends, normalise."""
    kept: list[str] = []
    controls = 0
    room = _Room(source)
    for line in lines:
        room.take(len(line) + 1)
        controls += count_controls(line)
        line = normalise(line)
        if line.strip():
            kept.append(line)
        elif kept and kept[-1]:
            kept.append("")
    while kept and not kept[-1]:
        kept.pop()
    if not kept:
        raise WorkbenchError(f"{source} has no text")
    text = normalise("\n".join(kept) + "\n")
    check_document(text, source)
    return text, paragraphs_of(text), controls


def _row_line(cells: Iterable[list[str]]) -> str:
    texts = (" ".join(" ".join(line.split()) for line in cell if line.strip()) for cell in cells)
    return " | ".join(t for t in texts if t)


# --------------------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W_P, _W_TBL, _W_TR, _W_TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
#: The main part of a Word file, where its paragraphs are.
_DOCX_MAIN = "word/document.xml"
_W_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag"}
_W_TEXT = {_W + "t": None, _W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n",
           _W + "cr": "\n", _W + "noBreakHyphen": "-"}
# run/paragraph properties (their w:tab are tab stops), deleted or moved-away text, drawings
_W_SKIP = {_W + "pPr", _W + "rPr", _W + "sdtPr", _W + "del", _W + "moveFrom", _W + "drawing",
           _W + "pict", _W + "object", _MC + "AlternateContent"}


def _docx_blocks(element: Any) -> list[str]:
    lines: list[str] = []
    for child in element:
        tag = child.tag
        if tag == _W_P:
            lines.extend(_docx_paragraph(child).split("\n"))
        elif tag == _W_TBL:
            for row in _docx_children(child, _W_TR):
                lines.append(_row_line(_docx_blocks(cell) for cell in _docx_children(row, _W_TC)))
        elif tag in _W_WRAPPERS:
            lines.extend(_docx_blocks(child))
    return lines


def _docx_children(element: Any, tag: str) -> list[Any]:
    """Children with ``tag``, looking through content controls and custom XML wrappers."""
    found: list[Any] = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _W_WRAPPERS:
            found.extend(_docx_children(child, tag))
    return found


def _docx_paragraph(p: Any) -> str:
    out: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _W_SKIP:
                continue  # XML comments and processing instructions have no str tag
            if tag in _W_TEXT:
                fixed = _W_TEXT[tag]
                out.append((child.text or "") if fixed is None else fixed)
            else:
                walk(child)

    walk(p)
    return "".join(out)


# --------------------------------------------------------------------------- odt

_ODT_MIME = "application/vnd.oasis.opendocument.text"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DRAW_NS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_O_PARA = {(_TEXT_NS, "p"), (_TEXT_NS, "h")}
_O_TABLE, _O_ROW = (_TABLE_NS, "table"), (_TABLE_NS, "table-row")
_O_CELL = (_TABLE_NS, "table-cell")
# never text of the transcript: change records (deleted text), comments, notes, frames
_O_SKIP = {(_TEXT_NS, "tracked-changes"), (_OFFICE_NS, "annotation"),
           (_OFFICE_NS, "annotation-end"), (_TEXT_NS, "note"), (_DRAW_NS, "frame")}


def _odt_elements(element: Any) -> list[Any]:
    return [c for c in element.childNodes if c.nodeType == c.ELEMENT_NODE]


def _odt_blocks(element: Any, room: _Room) -> list[str]:
    lines: list[str] = []
    for child in _odt_elements(element):
        qname = child.qname
        if qname in _O_PARA:
            lines.extend(_odt_text(child, room).split("\n"))
        elif qname == _O_TABLE:
            for row in _odt_find(child, _O_ROW):
                cells = _odt_find(row, _O_CELL)
                lines.append(_row_line(_odt_blocks(cell, room) for cell in cells))
        elif qname not in _O_SKIP:
            lines.extend(_odt_blocks(child, room))  # lists, sections, ...
    return lines


def _odt_find(element: Any, qname: tuple[str, str]) -> list[Any]:
    """Descendants named ``qname`` (rows sit in header-rows or row-groups), not in nested ones."""
    found: list[Any] = []
    for child in _odt_elements(element):
        if child.qname == qname:
            found.append(child)
        elif child.qname not in (_O_TABLE, _O_CELL, _O_ROW):
            found.extend(_odt_find(child, qname))
    return found


def _odt_text(element: Any, room: _Room) -> str:
    """The text of a paragraph, with ``text:s``, ``text:tab`` and ``text:line-break`` expanded
    (each counted against the room the document has left)."""
    out: list[str] = []
    for child in element.childNodes:
        if child.nodeType == child.TEXT_NODE:
            room.take(len(child.data))
            out.append(child.data)
        elif child.nodeType == child.ELEMENT_NODE and child.qname not in _O_SKIP:
            namespace, local = child.qname
            if namespace == _TEXT_NS and local == "line-break":
                out.append("\n")
            elif namespace == _TEXT_NS and local == "tab":
                out.append("\t")
            elif namespace == _TEXT_NS and local == "s":
                spaces = _space_count(child)
                room.take(spaces)
                out.append(" " * spaces)
            else:
                out.append(_odt_text(child, room))
    return "".join(out)


def _space_count(element: Any) -> int:
    try:
        count = int(element.getAttrNS(_TEXT_NS, "c") or 1)
    except (TypeError, ValueError):
        count = 1
    return min(max(count, 1), 1000)
