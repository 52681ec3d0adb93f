"""What a write-up says, independent of its file format.

:func:`build` turns a project into a list of blocks (title, headings, paragraphs, quotes,
tables, a bar chart); each format (Markdown, Word, HTML) only renders blocks. The CSV export
uses :func:`coding_rows` instead.

Confidentiality: nothing here reads file paths (project path, source file names) or memo
authors; a quote is labelled with its case name and the attributes the user chose, and an
interviewer's words are never labelled as the respondent's (see
:mod:`workbench.analysis.attribution`). Quotes never include a speaker label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.analysis import reports
from workbench.analysis.attribution import attribution
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.model import Code, Coding
    from workbench.core.project import Project

TITLE = "Thematic analysis write-up"
UNTHEMED = "Codes not in a theme"
#: A bar chart shows at most this many codes (the most used ones).
MAX_BARS = 60


# --------------------------------------------------------------------------- blocks
@dataclass(slots=True)
class Title:
    text: str
    subtitle: str = ""


@dataclass(slots=True)
class Heading:
    level: int  # 1, 2 or 3
    text: str


@dataclass(slots=True)
class Paragraph:
    """Runs of text: ``(text, style)`` with style "" (plain), "b" (bold) or "i" (italic)."""

    runs: list[tuple[str, str]]
    kind: str = "text"  # "text" | "bullet" | "note"


@dataclass(slots=True)
class Memo:
    """An analytic memo (on a theme or a code): paragraphs separated by blank lines."""

    paragraphs: list[str]


@dataclass(slots=True)
class Quote:
    text: str  # exactly the coded text (line breaks kept)
    label: str  # "Respondent 5 (she/her, Almaty)"


@dataclass(slots=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Any]]  # the first cell is a label, the rest numbers
    heat: bool = False  # shade numbers by size (the code x case matrix)


@dataclass(slots=True)
class BarChart:
    caption: str
    bars: list[tuple[str, int, str]]  # (label, value, colour #rrggbb)


Block = Title | Heading | Paragraph | Memo | Quote | Table | BarChart


# --------------------------------------------------------------------------- selection
@dataclass(slots=True)
class Selection:
    """The codes a write-up covers (``None``: all) and the attributes quoted with cases."""

    code_ids: set[str] | None = None
    attrs: list[str] = field(default_factory=list)

    def has(self, code: Code) -> bool:
        return self.code_ids is None or code.id in self.code_ids


def select(
    project: Project,
    *,
    attrs: Iterable[str] = (),
    themes: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
) -> Selection:
    """Resolve ``themes`` / ``codes`` paths (each with its descendants); unknown ones are errors."""
    attrs = [a.strip() for a in attrs if a and a.strip()]
    known = reports.attribute_names(project)
    unknown = [a for a in attrs if a not in known]
    if unknown:
        raise WorkbenchError(
            f"no case attribute {unknown[0]!r} (attributes: {', '.join(known) or 'none yet'})"
        )
    refs = [*(themes or ()), *(codes or ())]
    if themes is None and codes is None or not refs:
        return Selection(None, attrs)
    ids: set[str] = set()
    for ref in refs:
        code = project.codebook.find(ref)
        ids.add(code.id)
        ids.update(c.id for c in project.codebook.descendants(code))
    return Selection(ids, attrs)


# --------------------------------------------------------------------------- helpers
def counts_text(segments: int, documents: int, cases: int) -> str:
    """``5 segments · 3 documents · 2 cases``."""
    return " · ".join(
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in ((segments, "segment"), (documents, "document"), (cases, "case"))
    )


def theme_of(project: Project, code: Code) -> Code | None:
    """The top-most theme at or above ``code`` (``None`` when no theme is above it)."""
    codes = project.codebook
    found = None
    node: Code | None = code
    guard = 0
    while node is not None and guard < 1000:
        if node.is_theme:
            found = node
        node = codes.get(node.parent) if node.parent else None
        guard += 1
    return found


def relative_path(project: Project, code: Code, theme: Code | None) -> str:
    """The path of ``code`` below ``theme`` (its full path without a theme)."""
    path = project.codebook.path(code)
    if theme is not None and code.id != theme.id:
        prefix = project.codebook.path(theme) + "/"
        if path.startswith(prefix):
            return path[len(prefix):]
    return path


def sections(project: Project, selection: Selection) -> list[tuple[Code | None, list[Code]]]:
    """``(theme, codes)`` in codebook order: each top-most theme with the selected codes in it
    (the theme itself first when selected), then ``(None, codes not under a theme)``.
    """
    by_theme: dict[str, list[Code]] = {}
    themes: list[Code] = []
    unthemed: list[Code] = []
    for code in project.codebook.all():
        theme = theme_of(project, code)
        if theme is not None and theme.id == code.id:
            themes.append(code)
            by_theme[code.id] = []
        if not selection.has(code):
            continue
        if theme is None:
            unthemed.append(code)
        else:
            by_theme[theme.id].append(code)
    out: list[tuple[Code | None, list[Code]]] = [
        (t, by_theme[t.id]) for t in themes if by_theme[t.id]
    ]
    if unthemed:
        out.append((None, unthemed))
    return out


def quotes_of(project: Project, code: Code) -> list[Coding]:
    """The codings of ``code`` itself in reading order, one per span (two coders, one quote)."""
    documents = project.documents
    seen: set[tuple[str, int, int]] = set()
    out = []
    codings = [c for c in project.codings.of_code(code) if c.document in documents]
    codings.sort(key=lambda c: (documents[c.document].order, c.start, c.end, c.id))
    for coding in codings:
        key = (coding.document, coding.start, coding.end)
        if key not in seen:
            seen.add(key)
            out.append(coding)
    return out


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a memo or description (blank lines separate them)."""
    parts = (p.strip() for p in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")))
    return [p for p in parts if p]


def paragraphs(text: str) -> list[Paragraph]:
    """A description as paragraph blocks."""
    return [Paragraph([(p, "")]) for p in split_paragraphs(text)]


def memo_blocks(project: Project, code: Code) -> list[Memo]:
    """The memos on a code or theme, oldest first (their text only: no author)."""
    out = []
    for memo in project.memos.about("code", code.id):
        parts = split_paragraphs(memo.text)
        if parts:
            out.append(Memo(parts))
    return out


# --------------------------------------------------------------------------- the write-up
def build(project: Project, selection: Selection) -> list[Block]:
    """The blocks of a write-up: title, codebook, one section per theme, summary tables."""
    parts = sections(project, selection)
    documents = project.documents
    blocks: list[Block] = []
    n_docs, n_cases = len(documents), len(project.cases)
    n_segments = sum(
        len(project.codings.with_code(code.id))
        for _, codes in parts
        for code in codes
    )
    blocks.append(
        Title(
            project.name,
            f"{TITLE}: {n_docs} document{'s' if n_docs != 1 else ''}, "
            f"{n_cases} case{'s' if n_cases != 1 else ''}, "
            f"{n_segments} coded segment{'s' if n_segments != 1 else ''}",
        )
    )
    if not parts:
        blocks.append(Paragraph([("The codebook has no codes to report yet.", "")], "note"))
        return blocks

    # -- the codebook
    blocks.append(Heading(1, "Codebook"))
    for theme, codes in parts:
        blocks.append(Heading(2, f"Theme: {project.codebook.path(theme)}" if theme else UNTHEMED))
        for code in codes:
            if theme is None or code.id != theme.id:
                blocks.append(Heading(3, relative_path(project, code, theme)))
            blocks.extend(_codebook_entry(project, code))

    # -- the themes with their quotes
    for theme, codes in parts:
        if theme is not None:
            blocks.append(Heading(1, f"Theme: {project.codebook.path(theme)}"))
            if theme.description and selection.has(theme):
                blocks.extend(paragraphs(theme.description))
            if selection.has(theme):
                blocks.extend(memo_blocks(project, theme))
        else:
            blocks.append(Heading(1, UNTHEMED))
        for code in codes:
            if theme is not None and code.id == theme.id:
                quotes = quotes_of(project, code)
                if quotes:
                    blocks.append(Paragraph([("Coded at the theme itself:", "i")], "note"))
                    blocks.extend(_quote_blocks(project, quotes, selection))
                continue
            blocks.extend(_code_section(project, code, theme, selection))

    # -- summary tables
    blocks.extend(summary(project, selection))
    return blocks


def subtree_counts(project: Project, code: Code) -> tuple[int, int, int]:
    """(segments, documents, cases) of a code together with every code below it."""
    documents = project.documents
    segments = 0
    docs: set[str] = set()
    for node in (code, *project.codebook.descendants(code)):
        codings = project.codings.with_code(node.id)
        segments += len(codings)
        docs.update(c.document for c in codings)
    cases = {documents[d].case for d in docs if d in documents and documents[d].case}
    return segments, len(docs), len(cases)


def _codebook_entry(project: Project, code: Code) -> list[Block]:
    counts = counts_text(*project.codebook.counts(code))
    if code.is_theme and project.codebook.descendants(code):
        total = counts_text(*subtree_counts(project, code))
        counts = f"With its codes: {total}. At the theme itself: {counts}."
    out: list[Block] = [Paragraph([(counts, "")], "note")]
    for label, value in (
        ("Description", code.description),
        ("Include", code.inclusion),
        ("Exclude", code.exclusion),
        ("Example", code.example),
    ):
        if value.strip():
            out.append(Paragraph([(f"{label}: ", "b"), (value.strip(), "")], "bullet"))
    return out


def _code_section(
    project: Project, code: Code, theme: Code | None, selection: Selection
) -> list[Block]:
    out: list[Block] = [Heading(2, relative_path(project, code, theme))]
    if code.description.strip():
        out.append(Paragraph([("Definition: ", "b"), (code.description.strip(), "")]))
    segments, _, cases = project.codebook.counts(code)
    out.append(
        Paragraph(
            [(f"{segments} segment{'s' if segments != 1 else ''} from "
              f"{cases} case{'s' if cases != 1 else ''}.", "i")],
            "note",
        )
    )
    out.extend(memo_blocks(project, code))
    quotes = quotes_of(project, code)
    out.extend(_quote_blocks(project, quotes, selection))
    return out


def _quote_blocks(project: Project, codings: list[Coding], selection: Selection) -> list[Block]:
    documents = project.documents
    out: list[Block] = []
    for coding in codings:
        doc = documents[coding.document]
        segment = project.codings.segment(coding)  # never the speaker label
        out.append(Quote(segment.text, attribution(project, doc, segment, attrs=selection.attrs)))
    return out


def summary(project: Project, selection: Selection) -> list[Block]:
    """Frequencies (a bar chart and a table) and the code x case matrix, for the chosen codes."""
    chosen = [c for c in project.codebook.all() if selection.has(c)]
    ids = {c.id for c in chosen}
    paths = {project.codebook.path(c) for c in chosen}
    colours = {project.codebook.path(c): c.color for c in chosen}
    freq = [row for row in reports.frequencies(project) if row["code"] in paths]
    blocks: list[Block] = [Heading(1, "Summary tables")]
    blocks.append(Heading(2, "Frequencies"))
    bars = [(row["code"], row["segments"], colours.get(row["code"], "")) for row in freq]
    caption = "Coded segments per code"
    if len(bars) > MAX_BARS:
        top = sorted(range(len(bars)), key=lambda i: -bars[i][1])[:MAX_BARS]
        bars = [bars[i] for i in sorted(top)]
        caption = f"Coded segments of the {MAX_BARS} most used codes (of {len(freq)})"
    blocks.append(BarChart(caption, bars))
    blocks.append(
        Table(
            "Segments, documents, cases and characters coded with each code itself",
            ["Code", "Segments", "Documents", "Cases", "Characters"],
            [[r["code"], r["segments"], r["documents"], r["cases"], r["chars"]] for r in freq],
        )
    )
    grid = reports.matrix(project, by="case")
    keep = [i for i, path in enumerate(grid["rows"]) if path in paths]
    rows = [[grid["rows"][i], *grid["cells"][i]] for i in keep]
    columns = list(grid["columns"])
    if columns and columns[-1] == reports.NONE_COLUMN and not any(r[-1] for r in rows):
        columns = columns[:-1]
        rows = [r[:-1] for r in rows]
    if columns and ids:
        blocks.append(Heading(2, "Codes by case"))
        blocks.append(
            Table("Coded segments of each code per case", ["Code", *columns], rows, heat=True)
        )
    return blocks


# --------------------------------------------------------------------------- CSV rows
def coding_rows(project: Project, selection: Selection) -> tuple[list[str], list[dict[str, Any]]]:
    """The CSV columns and one row per coding of the chosen codes, in reading order.

    Columns: id, document, case, code (path), coder, start, end, text (as quoted: without a
    speaker label, ``start``/``end`` being where that text is), speaker, role, time, then one per
    case attribute (the chosen ones, else all).
    """
    base = ["id", "document", "case", "code", "coder", "start", "end", "text", "speaker", "role",
            "time"]
    attrs = selection.attrs or reports.attribute_names(project)
    attr_columns = [a if a not in base else f"attribute:{a}" for a in attrs]
    documents = project.documents
    codes = project.codebook
    paths = {c.id: project.codebook.path(c) for c in codes.values()}
    rows: list[dict[str, Any]] = []
    for doc in project.documents.all():
        case = project.cases.of(doc)
        for coding in project.codings.of_document(doc):
            code = codes.get(coding.code)
            if code is None or not selection.has(code) or coding.document not in documents:
                continue
            segment = project.codings.segment(coding)
            row = {
                "id": coding.id,
                "document": doc.name,
                "case": case.name if case else "",
                "code": paths[code.id],
                "coder": coding.coder,
                "start": segment.start,
                "end": segment.end,
                "text": segment.text,
                "speaker": segment.speaker or "",
                "role": segment.role or "",
                "time": segment.time or "",
            }
            for attr, column in zip(attrs, attr_columns, strict=True):
                row[column] = case.attributes.get(attr, "") if case else ""
            rows.append(row)
    return base + attr_columns, rows
