"""Write-up exports: the document a researcher pastes into a thesis (md, docx, html) and the
coded segments as a table (csv).

    export_writeup(project, "docx", "findings.docx", attrs=["pronouns", "city"],
                   themes=["Motivations"])

Every format comes from the same content (:mod:`workbench.io.writeup.content`). Files are
written with mode 0600 through a temporary file beside the target and ``os.replace``; they hold
no file paths of the user's machine and no names beyond the case labels (and, in the CSV, the
coder names already in the codings). Markdown and HTML show control characters as U+FFFD (a
write-up printed with ``cat`` sends the terminal nothing); CSV cells never start a formula
(:mod:`workbench.io.cells`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.text import visible
from workbench.errors import WorkbenchError
from workbench.io.cells import spreadsheet_row
from workbench.io.writeup import content
from workbench.store.atomic import Target, write_private

if TYPE_CHECKING:
    from workbench.core.project import Project

#: The formats this package writes (REFI-QDA formats live elsewhere).
FORMATS = ("md", "docx", "html", "csv")


@dataclass(slots=True)
class ExportResult:
    """What was written."""

    path: Path
    format: str
    codes: int  # codes covered
    quotes: int  # coded segments included


def render_csv(project: Project, selection: content.Selection) -> tuple[bytes, int]:
    """One row per coding (UTF-8, no BOM, RFC 4180 line ends); returns (bytes, rows).

    Every cell, the header's attribute names too, goes through :func:`spreadsheet_cell`, so
    no name or quote is read as a formula.
    """
    columns, rows = content.coding_rows(project, selection)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spreadsheet_row(columns))
    writer.writerows(spreadsheet_row(row.get(c, "") for c in columns) for row in rows)
    return buffer.getvalue().encode("utf-8"), len(rows)


def render(
    project: Project,
    fmt: str,
    *,
    attrs: Iterable[str] = (),
    themes: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
) -> bytes:
    """The bytes of the write-up in ``fmt`` (see :data:`FORMATS`)."""
    return _render(project, fmt, attrs=attrs, themes=themes, codes=codes)[0]


def _render(project, fmt, *, attrs, themes, codes) -> tuple[bytes, content.Selection, int]:
    fmt = (fmt or "").lower().lstrip(".")
    if fmt not in FORMATS:
        raise WorkbenchError(f"unknown write-up format {fmt!r} (formats: {', '.join(FORMATS)})")
    selection = content.select(project, attrs=attrs, themes=themes, codes=codes)
    if fmt == "csv":
        payload, rows = render_csv(project, selection)
        return payload, selection, rows
    blocks = content.build(project, selection)
    quotes = sum(isinstance(b, content.Quote) for b in blocks)
    if fmt == "md":
        from workbench.io.writeup import render_md

        return visible(render_md.render(blocks)).encode("utf-8"), selection, quotes
    if fmt == "html":
        from workbench.io.writeup import render_html

        page = visible(render_html.render(blocks, project.name))
        return page.encode("utf-8"), selection, quotes
    from workbench.io.writeup import render_docx

    return render_docx.render(blocks, project.name), selection, quotes


def export_writeup(
    project: Project,
    fmt: str,
    out_path: Target,
    *,
    attrs: Iterable[str] = (),
    themes: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
) -> ExportResult:
    """Write the write-up of ``project`` as ``fmt`` to ``out_path`` (mode 0600, atomically), or
    to the binary stream given.

    ``attrs``: case attributes shown with each quote's case label (and the CSV's attribute
    columns; all attributes when empty). ``themes`` / ``codes``: paths that limit the content
    to those codes and their descendants (``None``: everything).
    """
    payload, selection, quotes = _render(project, fmt, attrs=attrs, themes=themes, codes=codes)
    path = write_private(out_path, payload)
    covered = sum(1 for c in project.codebook.all() if selection.has(c))
    return ExportResult(path=path, format=fmt.lower().lstrip("."), codes=covered, quotes=quotes)


__all__ = ["FORMATS", "ExportResult", "export_writeup", "render"]
