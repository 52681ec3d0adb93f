"""The codebook as a CSV table that Taguette's "Import codebook" and spreadsheets read.

One row per code, in codebook order:

    path,description,inclusion,exclusion,example,theme,color
    Motivations,What moves respondents to act,,,,yes,#fffac8
    Motivations/Anger,Anger at injustice,Named anger or rage,Irritation,I was furious,,#800000

Taguette reads the ``path`` column as the tag and ``description`` as its description and leaves
the other columns; ``workbench import`` reads them all back. UTF-8 without a BOM and CRLF line
ends, like our other CSV export; written with mode 0600, atomically. A cell that a
spreadsheet would run as a formula is written with a leading ``'`` (:mod:`workbench.io.cells`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.io.cells import spreadsheet_row
from workbench.store.atomic import Target, write_private

if TYPE_CHECKING:
    from workbench.core.project import Project

COLUMNS = ("path", "description", "inclusion", "exclusion", "example", "theme", "color")


def render_codebook_csv(project: Project) -> tuple[bytes, int]:
    """The codebook as CSV bytes, and how many codes it has."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    codes = project.codebook.all()
    for code in codes:
        writer.writerow(spreadsheet_row([
            project.codebook.path(code), code.description, code.inclusion, code.exclusion,
            code.example, "yes" if code.is_theme else "", code.color,
        ]))
    return buffer.getvalue().encode("utf-8"), len(codes)


def export_codebook_csv(project: Project, out: Target) -> tuple[Path, int]:
    """Write the codebook CSV to ``out``; returns the path and the number of codes."""
    payload, count = render_codebook_csv(project)
    if not count:
        raise WorkbenchError("the codebook is empty: there is nothing to write")
    return write_private(out, payload), count
