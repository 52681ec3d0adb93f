"""The coded segments, the frequencies and the code x case matrix as an Excel workbook (openpyxl).

One sheet each: "Coded segments" (the CSV's rows), "Frequencies" (each code itself and with
the codes below it) and "Matrix by case", plus a matrix for each case attribute chosen with
``attrs``. Every text cell is written as text, never as a formula (a segment that begins with
``=`` stays words); characters a workbook cannot hold are dropped and a text longer than a cell
holds is cut, and the export says so.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from workbench.analysis import reports
from workbench.io.writeup.content import Selection, coding_rows

if TYPE_CHECKING:
    from workbench.core.project import Project

#: Excel holds at most this many characters in a cell.
CELL_MAX = 32767
#: Sheet names: at most 31 characters, none of these.
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
# XML 1.0 cannot hold most control characters
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WIDTHS = {"id": 12, "document": 20, "case": 16, "code": 32, "coder": 10, "start": 8, "end": 8,
          "text": 80}


class _Book:
    """A write-only workbook that writes every value safely and notes what it had to cut."""

    def __init__(self, title: str) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        self.book = Workbook(write_only=True)
        props = self.book.properties
        props.creator = ""
        props.lastModifiedBy = ""
        props.title = title
        self.cut = 0  # texts cut to fit a cell
        self._bold = Font(bold=True)
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self._names: set[str] = set()

    def sheet(self, name: str, widths: Sequence[float], freeze: str = "B2"):
        """A new sheet (its name made valid and unique) with column widths and frozen panes."""
        from openpyxl.utils import get_column_letter

        name = _SHEET_BAD.sub(" ", name).strip()[:31] or "Sheet"
        base, n = name, 2
        while name.casefold() in self._names:
            suffix = f" {n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        self._names.add(name.casefold())
        ws = self.book.create_sheet(name)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = freeze
        return ws

    def row(self, ws, values: Sequence[Any], *, bold: bool = False, wrap: int | None = None):
        """Append a row: text as text (never a formula), numbers as numbers."""
        from openpyxl.cell import WriteOnlyCell

        cells: list[Any] = []
        for i, value in enumerate(values):
            styled = bold or i == wrap
            if isinstance(value, str):
                value = _NOT_XML.sub("", value)
                if len(value) > CELL_MAX:
                    value = value[: CELL_MAX - 1] + "…"
                    self.cut += 1
                if value.startswith("=") or styled:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"  # openpyxl would take "=..." for a formula
                    value = cell
            elif styled:
                value = WriteOnlyCell(ws, value=value)
            if styled:
                if bold:
                    value.font = self._bold
                else:
                    value.alignment = self._wrap
            cells.append(value)
        ws.append(cells)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def render(project: Project, selection: Selection) -> tuple[bytes, int, list[str]]:
    """The .xlsx bytes, the number of coded segments in it, and notes on what was cut."""
    book = _Book(selection.title or project.name)
    rows = _segments(book, project, selection)
    paths = _frequencies(book, project, selection)
    for by in ("case", *selection.attrs):
        _matrix(book, project, by, paths)
    notes = []
    if book.cut:
        notes.append(
            f"{book.cut} text{'s' if book.cut != 1 else ''} longer than a spreadsheet cell "
            f"holds ({CELL_MAX:,} characters) were cut in the xlsx; the CSV has them whole"
        )
    return book.save(), rows, notes


def _segments(book: _Book, project: Project, selection: Selection) -> int:
    columns, rows = coding_rows(project, selection)
    ws = book.sheet("Coded segments", [WIDTHS.get(c, 14) for c in columns], freeze="A2")
    text_column = columns.index("text")
    book.row(ws, columns, bold=True)
    for row in rows:
        book.row(ws, [row[c] for c in columns], wrap=text_column)
    return len(rows)


def _frequencies(book: _Book, project: Project, selection: Selection) -> set[str]:
    """The frequencies sheet; returns the paths of the codes in it."""
    paths = {project.codebook.path(c) for c in project.codebook.all() if selection.has(c)}
    counts = ("segments", "documents", "cases", "chars")
    names = ("segments", "documents", "cases", "characters")
    columns = ["code", *names, *(f"{n} with the codes below" for n in names)]
    ws = book.sheet("Frequencies", [40, *[12] * 4, *[16] * 4])
    book.row(ws, columns, bold=True)
    for row in reports.frequencies(project):
        if row["code"] in paths:
            book.row(ws, [row["code"], *(row[k] for k in counts),
                          *(row["with_children"][k] for k in counts)])
    return paths


def _matrix(book: _Book, project: Project, by: str, paths: set[str]) -> None:
    """Coded segments of each code per case (or per value of a case attribute); the heading of
    an attribute's value says how many cases hold it (``woman (n=4)``)."""
    grid = reports.matrix(project, by=by)
    if by == "case":
        headers = list(grid["columns"])
    else:
        headers = [f"{value} (n={n})" for value, n in
                   zip(grid["columns"], grid["column_cases"], strict=True)]
    ws = book.sheet(f"Matrix by {by}", [40, *[max(10, min(24, len(h) + 2)) for h in headers]])
    book.row(ws, ["code", *headers], bold=True)
    for path, cells in zip(grid["rows"], grid["cells"], strict=True):
        if path in paths:
            book.row(ws, [path, *cells])
