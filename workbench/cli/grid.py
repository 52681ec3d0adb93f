"""Tables for the terminal, drawn in one pass.

Rich's ``Table`` measures and wraps every cell several times; for a codebook of 500 codes
that took seconds. A command's table is simpler: a header, rows of short cells, columns two
spaces apart, numbers on the right. This draws that directly, line by line, measuring each
cell once. When the table is wider than the terminal, the widest left-aligned column is
narrowed and its long cells wrap onto the next lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from workbench.cli.output import text_cell

GAP = "  "
#: A narrowed column keeps at least this many cells.
MIN_WIDTH = 12


def print_grid(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    right: Sequence[str] = (),
    title: str | None = None,
    console: Console | None = None,
) -> None:
    """Print a table: ``columns`` are the headings, cells are values or ``rich`` Texts;
    ``right`` columns are aligned right."""
    console = console or Console(highlight=False)
    cells = [[c if isinstance(c, Text) else text_cell(c) for c in row] for row in rows]
    widths = column_widths(columns, cells)
    aligned_right = [name in right for name in columns]
    narrow(widths, aligned_right, console.width)
    lines: list[Text] = []
    if title:
        lines.append(text_cell(title, "italic"))
    header = [text_cell(name, "bold") for name in columns]
    for row in [header, *cells]:
        lines.extend(_row_lines(console, row, widths, aligned_right))
    console.print(Text("\n").join(lines), soft_wrap=True)


def column_widths(columns: Sequence[str], cells: Iterable[Sequence[Any]]) -> list[int]:
    """The width each column needs: its widest cell (a value or a Text) or heading."""
    widths = [cell_len(name) for name in columns]
    for row in cells:
        for n, cell in enumerate(row):
            width = cell_len(cell.plain if isinstance(cell, Text) else str(cell))
            if width > widths[n]:
                widths[n] = width
    return widths


def narrow(widths: list[int], aligned_right: list[bool], room: int) -> None:
    """Narrow the widest left-aligned columns (never below MIN_WIDTH) until the table fits."""
    while sum(widths) + len(GAP) * (len(widths) - 1) > room:
        over = sum(widths) + len(GAP) * (len(widths) - 1) - room
        left = [n for n, r in enumerate(aligned_right) if not r and widths[n] > MIN_WIDTH]
        if not left:
            return
        widest = max(left, key=lambda n: widths[n])
        others = [widths[n] for n in left if n != widest]
        floor = max([MIN_WIDTH, *others])
        widths[widest] = max(floor, widths[widest] - over) if floor < widths[widest] else (
            max(MIN_WIDTH, widths[widest] - over)
        )


def _row_lines(
    console: Console, row: list[Text], widths: list[int], aligned_right: list[bool]
) -> list[Text]:
    """One row as one line, or several when a cell is wider than its column (it wraps)."""
    pieces: list[list[Text]] = []
    for n, width in enumerate(widths):
        cell = row[n] if n < len(row) else Text("")
        if cell_len(cell.plain) > width:
            pieces.append(list(cell.wrap(console, width, overflow="fold")))
        else:
            pieces.append([cell])
    height = max(len(p) for p in pieces)
    return [
        _grid_row([p[k] if k < len(p) else Text("") for p in pieces], widths, aligned_right)
        for k in range(height)
    ]


def _grid_row(pieces: list[Text], widths: list[int], right: list[bool]) -> Text:
    line = Text()
    last = len(widths) - 1
    for n, (cell, width) in enumerate(zip(pieces, widths, strict=True)):
        pad = " " * max(0, width - cell_len(cell.plain))
        if right[n]:
            line.append(pad)
            line.append_text(cell)
        else:
            line.append_text(cell)
            if n < last:
                line.append(pad)
        if n < last:
            line.append(GAP)
    line.rstrip()
    return line
