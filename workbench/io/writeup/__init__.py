"""Write-up exports: the document a researcher pastes into a thesis (md, docx, html), the coded
segments as a table (csv) and as a workbook with the frequencies and the matrix (xlsx).

    export_writeup(project, "docx", "findings.docx", attrs=["pronouns", "city"],
                   themes=["Motivations"], memos="code,theme,coding", paper="letter")

Every format comes from the same content (:mod:`workbench.io.writeup.content`). Files are
written with mode 0600 through a temporary file beside the target and ``os.replace``; they hold
no file paths of the user's machine and no names beyond the case labels (and, in the CSV and
the workbook, the coder names already in the codings). Markdown and HTML show control characters
as U+FFFD (a write-up printed with ``cat`` sends the terminal nothing); spreadsheet cells never
start a formula (:mod:`workbench.io.cells`).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.text import visible
from workbench.errors import WorkbenchError
from workbench.io.cells import spreadsheet_row
from workbench.io.writeup import content
from workbench.io.writeup.blocks import Quote
from workbench.store.atomic import Target, write_private

if TYPE_CHECKING:
    from workbench.core.project import Project

#: The formats this package writes (REFI-QDA formats live elsewhere).
FORMATS = ("md", "docx", "html", "csv", "xlsx")
PAPERS = ("a4", "letter")
#: Which formats each write-up option shapes (any other format given one is an error).
OPTION_FORMATS = {
    "title": ("md", "docx", "html", "xlsx"),
    "paper": ("docx", "html"),
    "memos": ("md", "docx", "html"),
    "empty": ("md", "docx", "html"),
    "times": ("md", "docx", "html"),
    "excel": ("csv",),
}


@dataclass(slots=True)
class ExportResult:
    """What was written."""

    path: Path
    format: str
    codes: int  # codes covered
    quotes: int  # coded segments included
    notes: list[str] = field(default_factory=list)  # what the reader should know (a cut text)


def render_csv(project: Project, selection: content.Selection,
               excel: bool = False) -> tuple[bytes, int]:
    """One row per coding (UTF-8, RFC 4180 line ends; ``excel``: with a byte order mark, so
    Excel reads it as UTF-8); returns (bytes, rows).

    Every cell, the header's attribute names too, goes through :func:`spreadsheet_cell`, so
    no name or quote is read as a formula.
    """
    columns, rows = content.coding_rows(project, selection)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spreadsheet_row(columns))
    writer.writerows(spreadsheet_row(row.get(c, "") for c in columns) for row in rows)
    payload = buffer.getvalue().encode("utf-8")
    return (codecs.BOM_UTF8 + payload if excel else payload), len(rows)


def render(project: Project, fmt: str, **options: Any) -> bytes:
    """The bytes of the write-up in ``fmt`` (see :data:`FORMATS` and :func:`export_writeup`)."""
    return _write_payload(project, fmt, **options)[0]


def _check(fmt: str, options: dict[str, Any]) -> None:
    """Options that do not shape ``fmt`` are errors (they would be silently ignored)."""
    for name, formats in OPTION_FORMATS.items():
        if options.get(name) not in (None, False, "") and fmt not in formats:
            flag = f"--{name}"
            raise WorkbenchError(f"{flag} goes with {', '.join(formats)}, not {fmt}")
    paper = options.get("paper")
    if paper is not None and paper.lower() not in PAPERS:
        raise WorkbenchError(f"paper {paper!r} is not one of {', '.join(PAPERS)}")


def _write_payload(
    project: Project,
    fmt: str,
    *,
    attrs: Iterable[str] = (),
    themes: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    title: str | None = None,
    paper: str | None = None,
    memos: str | Iterable[str] | None = None,
    empty: bool = False,
    times: bool = False,
    excel: bool = False,
) -> tuple[bytes, content.Selection, int, list[str]]:
    """The write-up in ``fmt`` as bytes, with what it selected, its quote count and notes."""
    fmt = (fmt or "").lower().lstrip(".")
    if fmt not in FORMATS:
        raise WorkbenchError(f"unknown write-up format {fmt!r} (formats: {', '.join(FORMATS)})")
    _check(fmt, {"title": title, "paper": paper, "memos": memos, "empty": empty,
                 "times": times, "excel": excel})
    paper = (paper or "a4").lower()
    selection = content.select(project, attrs=attrs, themes=themes, codes=codes, memos=memos,
                               empty=empty, title=title, times=times)
    if fmt == "csv":
        payload, rows = render_csv(project, selection, excel)
        return payload, selection, rows, []
    if fmt == "xlsx":
        from workbench.io.writeup import render_xlsx

        payload, rows, notes = render_xlsx.render(project, selection)
        return payload, selection, rows, notes
    blocks = content.build(project, selection)
    quotes = sum(isinstance(b, Quote) for b in blocks)
    heading = selection.title or project.name
    if fmt == "md":
        from workbench.io.writeup import render_md

        return visible(render_md.render(blocks)).encode("utf-8"), selection, quotes, []
    if fmt == "html":
        from workbench.io.writeup import render_html

        page = visible(render_html.render(blocks, heading, paper))
        return page.encode("utf-8"), selection, quotes, []
    from workbench.io.writeup import render_docx

    return render_docx.render(blocks, heading, paper), selection, quotes, []


def export_writeup(
    project: Project,
    fmt: str,
    out_path: Target,
    **options: Any,
) -> ExportResult:
    """Write the write-up of ``project`` as ``fmt`` to ``out_path`` (mode 0600, atomically), or
    to the binary stream given.

    Options: ``attrs``: case attributes shown with each quote's case label (and the CSV's and
    workbook's attribute columns; all attributes when empty). ``themes`` / ``codes``: paths
    that limit the content to those codes and their descendants (``None``: everything).
    ``title`` (md, docx, html, xlsx; default: the project's name); ``paper``: ``a4`` (the
    default) or ``letter`` (docx, html); ``memos``: the memo kinds to include, e.g.
    ``"code,theme,coding"`` (md, docx, html; default code and theme memos); ``empty``: show
    codes with nothing coded too (md, docx, html); ``times``: the time of its turn
    after each quote's label (md, docx, html); ``excel``: a CSV with a byte order mark.
    """
    payload, selection, quotes, notes = _write_payload(project, fmt, **options)
    path = write_private(out_path, payload)
    covered = sum(1 for c in project.codebook.all() if selection.has(c))
    return ExportResult(path=path, format=fmt.lower().lstrip("."), codes=covered, quotes=quotes,
                        notes=notes)


__all__ = ["FORMATS", "OPTION_FORMATS", "PAPERS", "ExportResult", "export_writeup", "render"]
