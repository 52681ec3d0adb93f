"""Bring a Taguette project export, highlights CSV or codebook CSV into a Workbench project.

Everything is read first (:mod:`workbench.io.taguette.reader`); the records are then made
inside one ``project.change()`` step, so one undo takes the import back and a failure half-way
leaves the project as it was.

- **Project export** (``.sqlite3``): each document with the text Taguette shows (its HTML as
  lines, :mod:`workbench.io.taguette.html`), its description as a memo; each tag as a code
  (its path split at ``tag_separator``), its description read for criteria; each highlight
  as one coding per tag on exactly the characters Taguette highlights; the project's
  description as a project memo. Taguette's export names every action's user "admin", so the
  codings get the ``coder`` given.
- **Highlights CSV**: the CSV holds each highlight's text but not where it is, so the documents
  must already be in the project (imported from the files given to Taguette): each highlight is
  found in the document of its name, after the one before it (the CSV is in document order).
- **Codebook CSV** (Taguette's or our ``codebook-csv``): the codes, descriptions and criteria.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from workbench.clock import now
from workbench.core.collector import collector_paused
from workbench.core.model import Code, Coding, Document, new_id
from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.io.criteria import read_description
from workbench.io.refi.names import clean_name, parse_color
from workbench.io.refi.summary import ImportSummary
from workbench.io.taguette.html import HtmlText
from workbench.io.taguette.reader import (
    MAX_DOCUMENT,
    CsvCode,
    CsvHighlight,
    TProject,
    codebook_from,
    highlights_from,
    is_highlights,
    read_csv,
    read_project,
)

#: file name endings of a Taguette project export
PROJECT_SUFFIXES = (".sqlite3", ".sqlite", ".db")
#: the separator of tag paths when none is given: the one of our code paths
DEFAULT_SEPARATOR = "/"
ORIGIN = "Taguette"


def import_taguette(project: Project, path: Path, *, coder: str,
                    tag_separator: str | None = DEFAULT_SEPARATOR) -> ImportSummary:
    """Import a Taguette ``.sqlite3`` export or a highlights/codebook ``.csv`` as one step.

    ``tag_separator`` splits tag paths into code paths (``None`` or ``""``: each tag is one
    code); ``coder`` is who the codings are attributed to.
    """
    path = Path(path)
    with collector_paused():
        if path.suffix.lower() in PROJECT_SUFFIXES:
            tproject = read_project(path)
            summary = ImportSummary(source=path.name, kind="taguette", origin=ORIGIN)
            with project.change(f"import {path.name}"):
                _Import(project, summary, coder, tag_separator).project(tproject, path.name)
            return summary
        header, rows = read_csv(path)
        if is_highlights(header):
            highlights = highlights_from(path.name, header, rows)
            summary = ImportSummary(source=path.name, kind="highlights", origin=ORIGIN)
            with project.change(f"import {path.name}"):
                _Import(project, summary, coder, tag_separator).highlights(highlights)
            return summary
        codes = codebook_from(path.name, header, rows)
        summary = ImportSummary(source=path.name, kind="codebook", origin="")
        with project.change(f"import {path.name}"):
            _Import(project, summary, coder, tag_separator).codebook(codes)
        return summary


class _Import:
    def __init__(self, project: Project, summary: ImportSummary, coder: str,
                 separator: str | None) -> None:
        self.p = project
        self.s = summary
        self.coder = coder.strip()
        if not self.coder:
            raise WorkbenchError("the codings need a coder name (--coder NAME)")
        self.separator = separator or None
        self.codes: dict[str, Code] = {}  # tag path -> code
        self.new_codes: set[str] = set()  # ids of the codes this import made
        self.doc_names = {d.name for d in project.documents.all()}
        #: document id -> the (code, start, end, coder) of its codings, made before or now
        self.spans: dict[str, set[tuple[str, int, int, str]]] = {}

    # ------------------------------------------------------------------ codes
    def code_path(self, tag: str) -> str:
        """A Taguette tag path as a code path (split at the separator; '/' kept in names)."""
        parts = tag.split(self.separator) if self.separator else [tag]
        names = [n for n in (clean_name(part) for part in parts) if n]
        if any("/" in n for n in names):
            self.s.changed.append(f"tag {tag!r}: '/' separates code paths here, so it became '∕'")
            names = [n.replace("/", "∕") for n in names]
        return "/".join(names) or "(unnamed tag)"

    def code(self, tag: str, description: str = "", *, fields: dict | None = None,
             theme: bool = False, color: str = "") -> Code:
        """The code of a tag, made (with its description and criteria) when new."""
        found = self.codes.get(tag)
        if found is not None:
            return found
        path = self.code_path(tag)
        code = self.p.codebook.at_path(path)
        if code is not None and code.id not in self.new_codes:
            self.s.codes_merged += 1
            self.s.changed.append(f"code {path!r} was already in the project: "
                                  + ("its codings are added to it" if self.s.kind != "codebook"
                                     else "kept as it is"))
            self.codes[tag] = code
            return code
        if code is None:
            parts = path.split("/")
            missing = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)
                       if self.p.codebook.at_path("/".join(parts[:n])) is None]
            code = self.p.codebook.ensure(path)
            self.new_codes.update(self.p.codebook.at_path(p).id for p in missing)
            self.s.codes += len(missing)
        values = fields if fields is not None else read_description(description.strip())
        values = {k: v for k, v in values.items() if v}
        if values:
            code = self.p.codebook.describe(code, **values)
        if theme:
            code = self.p.codebook.set_theme(code, True)
        if color:
            parsed = parse_color(color)
            if parsed is None:
                self.s.changed.append(f"code {path!r}: colour {color!r} not understood; "
                                      "given one of ours")
            else:
                code = self.p.codebook.color(code, parsed)
        self.codes[tag] = code
        return code

    # ------------------------------------------------------------------ documents
    def unique_name(self, name: str) -> str:
        name = clean_name(name) or "Imported document"
        if name not in self.doc_names:
            self.doc_names.add(name)
            return name
        n = 2
        while f"{name} ({n})" in self.doc_names:
            n += 1
        self.s.changed.append(f"a document named {name!r} exists: imported as '{name} ({n})'")
        self.doc_names.add(f"{name} ({n})")
        return f"{name} ({n})"

    def memo(self, kind: str, target: str | None, text: str) -> None:
        if text.strip():
            self.p.memos.add(kind, target, text.strip(), "")
            self.s.memos += 1

    def coding(self, doc: Document, start: int, end: int, code: Code) -> None:
        """One highlight as one coding, exactly as Taguette has it: two highlights that touch
        stay two segments (coding by hand would join them); the same span twice is one."""
        spans = self.spans.get(doc.id)
        if spans is None:
            spans = self.spans[doc.id] = {
                (c.code, c.start, c.end, c.coder) for c in self.p.codings.in_document(doc.id)
            }
        key = (code.id, start, end, self.coder)
        if key in spans:
            return
        spans.add(key)
        self.p.codings.put(Coding(
            id=new_id(), document=doc.id, code=code.id, start=start, end=end,
            text=doc.text[start:end], coder=self.coder, created=now(),
        ))
        self.s.codings += 1

    # ------------------------------------------------------------------ project export
    def project(self, tp: TProject, label: str) -> None:
        self.memo("project", None, tp.description)
        tags = {t.id: t for t in tp.tags}
        for tag in tp.tags:
            self.code(tag.path, tag.description)
        by_doc: dict[int, list] = {}
        for h in tp.highlights:
            by_doc.setdefault(h.document, []).append(h)
        for td in tp.documents:
            where = f"document {td.name or td.id!r}"
            highlights = by_doc.get(td.id, [])
            lost = f" ({_count(len(highlights), 'highlight')})" if highlights else ""
            if td.html is None:
                self.s.skipped.append(f"{where}{lost}: {td.problem}")
                continue
            if len(td.html) > MAX_DOCUMENT:
                self.s.skipped.append(f"{where}{lost}: larger than "
                                      f"{MAX_DOCUMENT // 2**20} MB")
                continue
            shown = HtmlText(td.html)
            if not shown.text.strip():
                self.s.skipped.append(f"{where}{lost}: it has no text")
                continue
            doc = self.p.documents.add(self.unique_name(td.name), shown.text,
                                      source=clean_name(td.filename) or label)
            self.s.documents += 1
            self.memo("document", doc.id, td.description)
            spans = shown.spans([(h.start, h.end) for h in highlights])
            for h, (start, end, clamped) in zip(highlights, spans, strict=True):
                at = f"highlight {h.id} in {doc.name!r}"
                if not h.tags:
                    self.s.skipped.append(f"{at}: it has no tag")
                    continue
                if clamped:
                    self.s.changed.append(f"{at} reaches outside the text (bytes {h.start}–"
                                          f"{h.end} of {shown.size}): cut to the text")
                if start >= end:
                    self.s.skipped.append(f"{at} covers no text")
                    continue
                for tag_id in h.tags:
                    tag = tags.get(tag_id)
                    if tag is None:
                        self.s.skipped.append(f"{at}: a tag that is not in the project "
                                              f"({tag_id})")
                        continue
                    self.coding(doc, start, end, self.code(tag.path, tag.description))
        if tp.highlights:
            self.s.changed.append(self.unknown_coder("Taguette's export"))

    def unknown_coder(self, what: str) -> str:
        return (f"{what} does not say who made each highlight: the codings are attributed to "
                f"{self.coder!r} (--coder NAME names another)")

    # ------------------------------------------------------------------ highlights CSV
    def highlights(self, rows: list[CsvHighlight]) -> None:
        docs = {d.name: d for d in self.p.documents.all()}
        folded = {name.casefold(): d for name, d in docs.items()}
        after: dict[str, int] = {}  # document id -> where the last highlight started
        missing: dict[str, int] = {}
        for row in rows:
            doc = (docs.get(row.document) or folded.get(row.document.casefold())
                   or folded.get(Path(row.document).stem.casefold()))
            if doc is None:
                missing[row.document] = missing.get(row.document, 0) + 1
                continue
            at = f"highlight {row.id} (line {row.line}) in {doc.name!r}"
            if not row.tags:
                self.s.skipped.append(f"{at}: it has no tag")
                continue
            found = _locate(doc.text, row.content, after.get(doc.id, 0))
            if found is None:
                self.s.skipped.append(f"{at}: its text is not in the document "
                                      f"({_clip(row.content)!r})")
                continue
            start, end, ahead = found
            if not ahead:
                self.s.changed.append(f"{at}: found before the highlight listed above it")
            after[doc.id] = start
            for tag in row.tags:
                self.coding(doc, start, end, self.code(tag))
        for name, n in missing.items():
            self.s.skipped.append(f"{_count(n, 'highlight')} of document {name!r}: no document "
                                  "of that name in the project (import its transcript first)")
        self.s.changed.append(self.unknown_coder("a highlights CSV"))

    # ------------------------------------------------------------------ codebook CSV
    def codebook(self, rows: list[CsvCode]) -> None:
        for n, row in enumerate(rows, 2):
            if not row.path:
                self.s.skipped.append(f"line {n}: no code name")
                continue
            fields = read_description(row.description)
            for key in ("inclusion", "exclusion", "example"):
                if getattr(row, key):
                    fields[key] = getattr(row, key)
            self.code(row.path, fields=fields, theme=row.theme, color=row.color)


_SPACE = re.compile(r"\s+")


def _locate(text: str, content: str, start: int) -> tuple[int, int, bool] | None:
    """Where ``content`` (a highlight's text, white space loosened: Taguette joins the text of
    its HTML nodes with a space) is in ``text``: first at or after ``start``, else anywhere.
    Returns (start, end, found at or after ``start``) or ``None``."""
    words = _SPACE.split(unicodedata.normalize("NFC", content).strip())
    words = [w for w in words if w]
    if not words:
        return None
    pattern = re.compile(r"\s*".join(re.escape(w) for w in words))
    match = pattern.search(text, start)
    if match is not None:
        return match.start(), match.end(), True
    match = pattern.search(text)
    if match is not None:
        return match.start(), match.end(), False
    return None


def _clip(text: str, size: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
