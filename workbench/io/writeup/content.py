"""What a write-up says, independent of its file format.

:func:`build` turns a project into a list of blocks (:mod:`workbench.io.writeup.blocks`): the
title, then one section per theme (its codes under it by name, each with a line in plain words
saying how much was coded and by how many respondents, its memos and its quotes), then the
memos asked for, the codebook and the summary tables. Each format (Markdown, Word, HTML) only
renders blocks. The CSV and the spreadsheet use :func:`coding_rows` instead.

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
from workbench.analysis.search import RESPONDENT_WORDS
from workbench.errors import WorkbenchError
from workbench.io.writeup.blocks import (
    MAX_LEVEL,
    BarChart,
    Block,
    Heading,
    Memo,
    Paragraph,
    Table,
    Title,
)
from workbench.io.writeup.quotes import quote_of
from workbench.wording import plural

if TYPE_CHECKING:
    from workbench.core.model import Code, Coding
    from workbench.core.project import Project

TITLE = "Thematic analysis write-up"
UNTHEMED = "Codes not in a theme"
#: A bar chart shows at most this many codes (the most used ones).
MAX_BARS = 60
#: What a memo can be written on, as ``--memos`` names it: a code, a theme, a coding (shown
#: under its quote), a document, a case (a respondent) or the project.
MEMO_KINDS = ("code", "theme", "coding", "document", "case", "project")
#: The memos a write-up includes unless told otherwise.
DEFAULT_MEMOS = frozenset({"code", "theme"})
ALL = "(all)"


# --------------------------------------------------------------------------- selection
@dataclass(slots=True)
class Selection:
    """What a write-up covers: the codes (``None``: all), the case attributes quoted with a
    case, the memos, whether codes with nothing coded are shown, the title, and whether a
    quote gives the time of its turn."""

    code_ids: set[str] | None = None
    attrs: list[str] = field(default_factory=list)
    memos: frozenset[str] = DEFAULT_MEMOS
    empty: bool = False
    title: str | None = None
    times: bool = False

    def has(self, code: Code) -> bool:
        return self.code_ids is None or code.id in self.code_ids


def parse_memos(value: str | Iterable[str] | None) -> frozenset[str]:
    """The memo kinds of ``--memos code,document,...`` (``all``, ``none``; ``None``: the
    default, code and theme memos)."""
    if value is None:
        return DEFAULT_MEMOS
    words = value.split(",") if isinstance(value, str) else list(value)
    kinds = {w.strip().casefold() for w in words if w and w.strip()}
    if kinds == {"none"}:
        return frozenset()
    if "all" in kinds:
        return frozenset(MEMO_KINDS)
    kinds = {"document" if k in ("doc", "documents") else k.rstrip("s") for k in kinds}
    unknown = sorted(kinds - set(MEMO_KINDS))
    if unknown:
        raise WorkbenchError(
            f"no memos of kind {unknown[0]!r} (kinds: {', '.join(MEMO_KINDS)}, all or none)"
        )
    return frozenset(kinds)


def select(
    project: Project,
    *,
    attrs: Iterable[str] = (),
    themes: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    memos: str | Iterable[str] | None = None,
    empty: bool = False,
    title: str | None = None,
    times: bool = False,
) -> Selection:
    """Resolve ``themes`` / ``codes`` paths (each with its descendants) and the attributes;
    unknown ones are errors."""
    attrs = [a.strip() for a in attrs if a and a.strip()]
    known = reports.attribute_names(project)
    unknown = [a for a in attrs if a not in known]
    if unknown:
        raise WorkbenchError(
            f"no case attribute {unknown[0]!r} (attributes: {', '.join(known) or 'none yet'})"
        )
    shape = {"attrs": attrs, "memos": parse_memos(memos), "empty": empty,
             "title": " ".join(title.split()) if title and title.strip() else None,
             "times": times}
    refs = [*(themes or ()), *(codes or ())]
    if themes is None and codes is None or not refs:
        return Selection(None, **shape)
    ids: set[str] = set()
    for ref in refs:
        code = project.codebook.find(ref)
        ids.add(code.id)
        ids.update(c.id for c in project.codebook.descendants(code))
    return Selection(ids, **shape)


# --------------------------------------------------------------------------- counting
@dataclass(slots=True)
class Tally:
    """How much was coded: distinct segments, the respondents (cases) whose own words they
    are, the documents without a case among their sources (field notes, say), and how many
    segments are in another speaker's words (an interviewer's question coded too)."""

    segments: int = 0
    respondents: int = 0
    other_documents: int = 0
    not_respondents_words: int = 0


def tally(project: Project, codings: Iterable[Coding]) -> Tally:
    """The :class:`Tally` of some codings; a span coded by two coders is one segment.

    A segment counts toward its respondent (the document's case) only when it is in the
    respondent's words: a turn of a speaker with the respondent's role, or text without
    speakers. A coded interviewer's question is a segment, but from no respondent.
    """
    documents = project.documents
    spans = {(c.code, c.document, c.start, c.end) for c in codings if c.document in documents}
    cases: set[str] = set()
    caseless: set[str] = set()
    others = 0
    for _, doc, start, end in spans:
        document = documents[doc]
        if project.documents.segment(document, start, end).role not in RESPONDENT_WORDS:
            others += 1
        elif document.case is None:
            caseless.add(doc)
        else:
            cases.add(document.case)
    return Tally(len(spans), len(cases), len(caseless), others)


def tally_text(total: Tally, own: Tally | None = None, *, itself: str = "the code") -> str:
    """``12 segments from 6 respondents.``; with ``own`` (a code with codes below it), how
    many of them were coded at the code itself; and how many are not respondents' words."""
    sources = []
    if total.respondents or not total.other_documents:
        sources.append(plural(total.respondents, "respondent"))
    if total.other_documents:
        other = "other document" if total.respondents else "document"
        sources.append(plural(total.other_documents, other))
    text = f"{plural(total.segments, 'segment')} from {' and '.join(sources)}"
    if own is not None and own.segments != total.segments:
        if not own.segments:
            text += ", all in the codes below it"
        else:
            text += f", {own.segments} of them at {itself} itself"
    if total.not_respondents_words:
        text += (f"; {total.not_respondents_words} of them "
                 f"{'is' if total.not_respondents_words == 1 else 'are'} "
                 "in an interviewer's or another speaker's words")
    return text + "."


# --------------------------------------------------------------------------- the tree
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


class Outline:
    """The codes a write-up shows, grouped by theme, with their counts and heading levels.

    A code is shown when it is selected and something is coded at it or below it (or always,
    with ``selection.empty``).
    """

    def __init__(self, project: Project, selection: Selection) -> None:
        self.project = project
        self.selection = selection
        codebook = project.codebook
        self.codes = [c for c in codebook.all() if selection.has(c)]
        chosen = {c.id for c in self.codes}
        self._below: dict[str, list[Code]] = {}  # code id -> the chosen codes at or below it
        for code in self.codes:
            node: Code | None = code
            guard = 0
            while node is not None and guard < 1000:
                if node.id in chosen:
                    self._below.setdefault(node.id, []).append(code)
                node = codebook.get(node.parent) if node.parent else None
                guard += 1
        self.own = {c.id: tally(project, project.codings.with_code(c.id)) for c in self.codes}
        self.total = {
            c.id: tally(project, (k for d in self._below[c.id]
                                  for k in project.codings.with_code(d.id)))
            for c in self.codes
        }
        self.shown = [c for c in self.codes if selection.empty or self.total[c.id].segments]
        self.theme = {c.id: theme_of(project, c) for c in self.shown}

    def sections(self) -> list[tuple[Code | None, list[Code]]]:
        """``(theme, codes)`` in codebook order: each top-most theme with the shown codes in it
        (the theme itself first when shown), then ``(None, codes not under a theme)``."""
        by_theme: dict[str | None, list[Code]] = {}
        themes: list[Code] = []
        for code in self.shown:
            theme = self.theme[code.id]
            key = theme.id if theme else None
            if key not in by_theme:
                by_theme[key] = []
                if theme is not None:
                    themes.append(theme)
            by_theme[key].append(code)
        out: list[tuple[Code | None, list[Code]]] = [(t, by_theme[t.id]) for t in themes]
        if None in by_theme:
            out.append((None, by_theme[None]))
        return out

    def levels(self, theme: Code | None, codes: list[Code], base: int) -> dict[str, int]:
        """Heading level of each code of a section: one below its nearest shown ancestor
        in the section (``base`` for the codes at its top), never deeper than MAX_LEVEL."""
        level: dict[str, int] = {}
        if theme is not None:
            level[theme.id] = base - 1
        codebook = self.project.codebook
        for code in codes:
            if theme is not None and code.id == theme.id:
                continue
            parent = codebook.get(code.parent) if code.parent else None
            while parent is not None and parent.id not in level:
                parent = codebook.get(parent.parent) if parent.parent else None
            level[code.id] = min(MAX_LEVEL, level[parent.id] + 1 if parent else base)
        return level

    def tally_text(self, code: Code) -> str:
        """The plain-words line of a code: its segments and respondents, with the codes below
        it when it has any."""
        nested = len(self._below[code.id]) > 1
        itself = "the theme" if code.is_theme else "the code"
        return tally_text(self.total[code.id], self.own[code.id] if nested else None,
                          itself=itself)


# --------------------------------------------------------------------------- helpers
def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a memo or description (blank lines separate them)."""
    parts = (p.strip() for p in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")))
    return [p for p in parts if p]


def paragraphs(text: str) -> list[Paragraph]:
    """A description as paragraph blocks."""
    return [Paragraph([(p, "")]) for p in split_paragraphs(text)]


def memo_blocks(project: Project, kind: str, target_id: str | None,
                title: str = "Memo") -> list[Memo]:
    """The memos on one target, oldest first (their text only: no author)."""
    out = []
    for memo in project.memos.about(kind, target_id):
        parts = split_paragraphs(memo.text)
        if parts:
            out.append(Memo(parts, title))
    return out


def quotes_of(project: Project, code: Code) -> list[list[Coding]]:
    """The codings of ``code`` itself in reading order, grouped by span (two coders, one
    quote)."""
    documents = project.documents
    groups: dict[tuple[str, int, int], list[Coding]] = {}
    codings = [c for c in project.codings.of_code(code) if c.document in documents]
    codings.sort(key=lambda c: (documents[c.document].order, c.start, c.end, c.id))
    for coding in codings:
        groups.setdefault((coding.document, coding.start, coding.end), []).append(coding)
    return list(groups.values())


# --------------------------------------------------------------------------- the write-up
def build(project: Project, selection: Selection) -> list[Block]:
    """The blocks of a write-up: title, the memos on the project (when asked), one section per
    theme, the memos on documents and cases (when asked), the codebook, summary tables."""
    outline = Outline(project, selection)
    parts = outline.sections()
    n_docs, n_cases = len(project.documents), len(project.cases)
    n_segments = sum(outline.own[c.id].segments for c in outline.shown)
    blocks: list[Block] = [
        Title(
            selection.title or project.name,
            f"{TITLE}: {plural(n_docs, 'document')}, {plural(n_cases, 'respondent')}, "
            f"{plural(n_segments, 'coded segment')}",
        )
    ]
    if "project" in selection.memos:
        memos = memo_blocks(project, "project", None)
        if memos:
            blocks.append(Heading(1, "Memos on the project"))
            blocks.extend(memos)
    if not parts:
        blocks.append(Paragraph([("No coded segments to report yet.", "")], "note"))
    for theme, codes in parts:
        blocks.extend(_section(outline, theme, codes))
    if "document" in selection.memos:
        blocks.extend(_document_memos(project))
    if "case" in selection.memos:
        blocks.extend(_case_memos(project))
    if parts:
        blocks.extend(_codebook(outline, parts))
        blocks.extend(summary(outline))
    return blocks


def _section(outline: Outline, theme: Code | None, codes: list[Code]) -> list[Block]:
    """A theme (or the codes not in a theme) with its codes under it, by name."""
    project, selection = outline.project, outline.selection
    out: list[Block] = []
    if theme is None:
        out.append(Heading(1, UNTHEMED))
    else:
        out.append(Heading(1, theme.name))
        if selection.has(theme):
            if theme.description.strip():
                out.extend(paragraphs(theme.description))
            out.append(Paragraph([(outline.tally_text(theme), "i")], "note"))
            if "theme" in selection.memos:
                out.extend(memo_blocks(project, "code", theme.id))
            groups = quotes_of(project, theme)
            if groups:
                out.append(Paragraph([("Coded at the theme itself:", "i")], "note"))
                out.extend(_quotes(project, groups, selection))
    levels = outline.levels(theme, codes, 2)
    for code in codes:
        if theme is not None and code.id == theme.id:
            continue
        out.append(Heading(levels[code.id], code.name))
        if code.description.strip():
            out.append(Paragraph([("Definition: ", "b"), (code.description.strip(), "")]))
        out.append(Paragraph([(outline.tally_text(code), "i")], "note"))
        if "code" in selection.memos:
            out.extend(memo_blocks(project, "code", code.id))
        out.extend(_quotes(project, quotes_of(project, code), selection))
    return out


def _quotes(project: Project, groups: list[list[Coding]], selection: Selection) -> list[Block]:
    """Each span's quote, and under it the memos on its codings (when asked)."""
    out: list[Block] = []
    for group in groups:
        out.append(quote_of(project, group[0], selection.attrs, with_time=selection.times))
        if "coding" in selection.memos:
            for coding in group:
                out.extend(memo_blocks(project, "coding", coding.id, "Memo on this passage"))
    return out


def _document_memos(project: Project) -> list[Block]:
    out: list[Block] = []
    for doc in project.documents.all():
        memos = memo_blocks(project, "document", doc.id)
        if memos:
            case = project.cases.of(doc)
            out.append(Heading(2, f"{doc.name} ({case.name})" if case else doc.name))
            out.extend(memos)
    return [Heading(1, "Memos on documents"), *out] if out else []


def _case_memos(project: Project) -> list[Block]:
    out: list[Block] = []
    for case in project.cases.all():
        memos = memo_blocks(project, "case", case.id)
        if memos:
            out.append(Heading(2, case.name))
            out.extend(memos)
    return [Heading(1, "Memos on respondents"), *out] if out else []


def _codebook(outline: Outline, parts: list[tuple[Code | None, list[Code]]]) -> list[Block]:
    """The codebook of the codes shown: each theme and code with its definition, criteria and
    counts."""
    out: list[Block] = [Heading(1, "Codebook")]
    for theme, codes in parts:
        out.append(Heading(2, f"{theme.name} (theme)" if theme else UNTHEMED))
        levels = outline.levels(theme, codes, 3)
        for code in codes:
            if theme is None or code.id != theme.id:
                out.append(Heading(levels[code.id], code.name))
            out.append(Paragraph([(outline.tally_text(code), "")], "note"))
            for label, value in (
                ("Description", code.description),
                ("Include", code.inclusion),
                ("Exclude", code.exclusion),
                ("Example", code.example),
            ):
                if value.strip():
                    out.append(Paragraph([(f"{label}: ", "b"), (value.strip(), "")], "bullet"))
    return out


def summary(outline: Outline) -> list[Block]:
    """Frequencies (a bar chart and a table, each code itself and with the codes below it)
    and the code x case matrix (each code with the codes below it), for the codes shown."""
    project = outline.project
    shown = {project.codebook.path(c): c for c in outline.shown}
    freq = [row for row in reports.frequencies(project) if row["code"] in shown]
    blocks: list[Block] = [Heading(1, "Summary tables"), Heading(2, "Frequencies")]
    bars = [(row["code"], row["segments"], shown[row["code"]].color) for row in freq]
    caption = "Coded segments per code"
    if len(bars) > MAX_BARS:
        top = sorted(range(len(bars)), key=lambda i: -bars[i][1])[:MAX_BARS]
        bars = [bars[i] for i in sorted(top)]
        caption = f"Coded segments of the {MAX_BARS} most used codes (of {len(freq)})"
    blocks.append(BarChart(caption, bars))
    nested = any(row["with_children"] != {k: row[k] for k in row["with_children"]}
                 for row in freq)
    columns = ["Code", "Segments", "Documents", "Respondents", "Characters"]
    if nested:
        columns += [f"Segments {ALL}", f"Respondents {ALL}"]
    rows = []
    for r in freq:
        # respondents as the text counts them: those whose own words were coded (a coded
        # interviewer's question is a segment from no respondent)
        code_id = shown[r["code"]].id
        row = [r["code"], r["segments"], r["documents"], outline.own[code_id].respondents,
               r["chars"]]
        if nested:
            row += [r["with_children"]["segments"], outline.total[code_id].respondents]
        rows.append(row)
    caption = ("Segments, documents, respondents (whose own words were coded) and characters "
               "coded with each code itself")
    if nested:
        caption += f"; {ALL}: with every code below it"
    blocks.append(Table(caption, columns, rows))
    grid = reports.matrix(project, by="case", rollup=True)
    keep = [i for i, path in enumerate(grid["rows"]) if path in shown]
    rows = [[grid["rows"][i], *grid["cells"][i]] for i in keep]
    columns = list(grid["columns"])
    if columns and columns[-1] == reports.NONE_COLUMN and not any(r[-1] for r in rows):
        columns = columns[:-1]
        rows = [r[:-1] for r in rows]
    if columns and rows:
        caption = "Coded segments of each code per respondent"
        if nested:
            caption += ", each code with the codes below it"
        blocks.append(Heading(2, "Codes by respondent"))
        blocks.append(Table(caption, ["Code", *columns], rows, heat=True))
    return blocks


# --------------------------------------------------------------------------- table rows
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
