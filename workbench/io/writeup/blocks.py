"""The pieces a write-up is made of; each file format (Markdown, Word, HTML) renders them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.io.writeup.quotes import Quote

#: Headings go four levels deep (a theme, its codes, their sub-codes and theirs).
MAX_LEVEL = 4


@dataclass(slots=True)
class Title:
    text: str
    subtitle: str = ""


@dataclass(slots=True)
class Heading:
    level: int  # 1 to MAX_LEVEL
    text: str


@dataclass(slots=True)
class Paragraph:
    """Runs of text: ``(text, style)`` with style "" (plain), "b" (bold) or "i" (italic)."""

    runs: list[tuple[str, str]]
    kind: str = "text"  # "text" | "bullet" | "note"


@dataclass(slots=True)
class Memo:
    """An analytic memo: paragraphs separated by blank lines, under a short title."""

    paragraphs: list[str]
    title: str = "Memo"


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

__all__ = ["MAX_LEVEL", "BarChart", "Block", "Heading", "Memo", "Paragraph", "Quote", "Table",
           "Title"]
