"""Cells of a spreadsheet export (csv now, xlsx alike), safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is read by
Excel, LibreOffice and Google Sheets as a formula, which can run commands or send the sheet's
data away. As OWASP recommends ("CSV Injection"), such a text cell is written with a leading
single quote, which shows the text as it is and is never evaluated. Numbers stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: What a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as it may go into a spreadsheet cell: text that would start a formula gets a
    leading ``'``; anything that is not text is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    """:func:`spreadsheet_cell` of every value of a row."""
    return [spreadsheet_cell(v) for v in values]

