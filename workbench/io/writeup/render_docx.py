"""The write-up as a Word document (python-docx): real headings, Quote paragraphs, styled tables,
on A4 (or US letter) paper. A quote's words carry their language, so Word checks a Russian
quote's spelling as Russian.

python-docx spends about a millisecond on each paragraph it adds (style lookups by name and
a search for the section properties on every insert), which is a minute for a study with tens
of thousands of quotes. So paragraphs are built here as plain WordprocessingML elements with
their style ids resolved once; python-docx makes the package, the styles and the tables.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from workbench.io.writeup.blocks import (
    BarChart,
    Block,
    Heading,
    Memo,
    Paragraph,
    Quote,
    Table,
    Title,
)

# XML 1.0 cannot hold most control characters; Word refuses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
QUOTE_STYLE = "Quote"
TABLE_STYLE = "Light Grid Accent 1"
#: A code x case matrix wider than this does not fit a page: the HTML and CSV carry it.
MAX_MATRIX_COLUMNS = 16
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def clean(text: str) -> str:
    """Text Word can store (control characters dropped)."""
    return _NOT_XML.sub("", text)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _PPR, _PSTYLE, _R, _RPR, _T, _BR, _VAL, _LANG = (
    _W + tag for tag in ("p", "pPr", "pStyle", "r", "rPr", "t", "br", "val", "lang")
)
_RUN_STYLE = {"b": _W + "b", "i": _W + "i"}
#: Word's language tags for the languages a quote is told to be in.
WORD_LANGUAGES = {"ru": "ru-RU", "kk": "kk-KZ", "en": "en-GB"}
#: Paper sizes (width, height) in millimetres.
PAPER = {"a4": (210, 297), "letter": (215.9, 279.4)}


class _Writer:
    """Appends paragraphs to the body of a python-docx document."""

    def __init__(self, document) -> None:
        self.document = document
        self.body = document.element.body
        self.anchor = self.body.sectPr  # the section properties stay the body's last child
        self._ids: dict[str, str | None] = {}

    def style_id(self, name: str) -> str | None:
        if name not in self._ids:
            try:
                self._ids[name] = self.document.styles[name].style_id
            except KeyError:
                self._ids[name] = None
        return self._ids[name]

    def paragraph(self, style: str | None, runs: list[tuple[str, str]],
                  languages: list[str | None] | None = None) -> None:
        """A paragraph of runs ``(text, "" | "b" | "i")``; line breaks become Word breaks.
        ``languages``: each run's language (``ru``, ``kk``, ``en`` or ``None``)."""
        from lxml.etree import SubElement

        p = self.body.makeelement(_P, {})
        if self.anchor is not None:
            self.anchor.addprevious(p)
        else:
            self.body.append(p)
        style_id = self.style_id(style) if style else None
        if style_id:
            SubElement(SubElement(p, _PPR), _PSTYLE).set(_VAL, style_id)
        for n, (text, kind) in enumerate(runs):
            r = SubElement(p, _R)
            tag = WORD_LANGUAGES.get(languages[n] or "") if languages else None
            if kind in _RUN_STYLE or tag:
                props = SubElement(r, _RPR)
                if kind in _RUN_STYLE:
                    SubElement(props, _RUN_STYLE[kind])
                if tag:
                    SubElement(props, _LANG).set(_VAL, tag)
            for i, line in enumerate(clean(text).split("\n")):
                if i:
                    SubElement(r, _BR)
                if line:
                    t = SubElement(r, _T)
                    t.text = line
                    if line[0].isspace() or line[-1].isspace():
                        t.set(_XML_SPACE, "preserve")

    def quote(self, quote: Quote) -> None:
        """``«text» (label)``: the words in their language, the coded words of an in-vivo
        quote in bold."""
        pieces = [(piece, "b" if coded else "") for piece, coded in quote.parts()]
        text, kind = pieces[0]
        pieces[0] = (quote.opening + text.lstrip("\n"), kind)
        text, kind = pieces[-1]
        pieces[-1] = (text.rstrip("\n") + quote.closing, kind)
        pieces.append((f" ({quote.label})", ""))
        self.paragraph(QUOTE_STYLE, pieces, [quote.language] * (len(pieces) - 1) + [None])

    def table(self, block: Table) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        self.paragraph("Caption", [(block.caption, "")])
        grid = self.document.add_table(rows=1 + len(block.rows), cols=len(block.columns))
        try:
            grid.style = self.document.styles[TABLE_STYLE]
        except KeyError:
            grid.style = self.document.styles["Table Grid"]
        rows = grid.rows
        for cell, name in zip(rows[0].cells, block.columns, strict=True):
            cell.text = clean(str(name))
        for row, values in zip(rows[1:], block.rows, strict=True):
            for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                cell.text = clean(str(value))
                if i:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def render(blocks: list[Block], title: str = "", paper: str = "a4") -> bytes:
    """The .docx file of the blocks, as bytes, on ``paper`` (``a4`` or ``letter``)."""
    import docx
    from docx.shared import Mm

    document = docx.Document()
    props = document.core_properties  # the template's author and comments would leak in
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.title = clean(title)
    props.subject = "Thematic analysis write-up"
    props.keywords = ""
    props.revision = 1
    stamp = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.created = stamp
    props.modified = stamp
    width, height = PAPER.get(paper, PAPER["a4"])
    for section in document.sections:
        section.page_width, section.page_height = Mm(width), Mm(height)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)

    writer = _Writer(document)
    for block in blocks:
        if isinstance(block, Title):
            writer.paragraph("Title", [(block.text, "")])
            if block.subtitle:
                writer.paragraph("Subtitle", [(block.subtitle, "")])
        elif isinstance(block, Heading):
            writer.paragraph(f"Heading {block.level}", [(block.text, "")])
        elif isinstance(block, Paragraph):
            writer.paragraph("List Bullet" if block.kind == "bullet" else None, block.runs)
        elif isinstance(block, Memo):
            for i, text in enumerate(block.paragraphs):
                writer.paragraph(None, ([(f"{block.title}: ", "b")] if i == 0 else [])
                                 + [(text, "")])
        elif isinstance(block, Quote):
            writer.quote(block)
        elif isinstance(block, Table):
            if not block.rows:
                continue
            if block.heat and len(block.columns) > MAX_MATRIX_COLUMNS:
                writer.paragraph(None, [(
                    f"{block.caption}: {len(block.columns) - 1} columns are too many for a page; "
                    "the HTML, CSV and xlsx exports and `workbench report PROJECT matrix` show "
                    "it.", "i"
                )])
                continue
            writer.table(block)
        elif isinstance(block, BarChart):
            continue  # the frequency table that follows carries the numbers
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
