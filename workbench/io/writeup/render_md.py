"""The write-up as plain CommonMark."""

from __future__ import annotations

import re

from workbench.io.writeup.blocks import (
    BarChart,
    Block,
    Heading,
    Memo,
    Paragraph,
    Quote,
    Table,
    Title,
)

_INLINE = re.compile(r"([\\`*_\[\]<>|]|&(?=#?\w+;))")
_LINE_START = re.compile(r"^([ \t]*)([#>+\-=~]|\d+[.)])")


def escape(text: str, *, first_line: bool = True) -> str:
    """Text that CommonMark shows as written (markup characters backslash-escaped).

    ``first_line=False``: the text follows other text on its first line, so a ``-`` or ``#``
    there cannot start a list or a heading.
    """
    out = []
    for i, line in enumerate(text.split("\n")):
        line = _INLINE.sub(r"\\\1", line)
        if i or first_line:
            line = _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), line)
        out.append(line)
    return "\n".join(out)


def _escape_marker(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def _runs(paragraph: Paragraph) -> str:
    out = []
    for text, style in paragraph.runs:
        text = escape(text)
        if style == "b" and text.strip():
            text = f"**{text.strip()}** " if text.endswith(" ") else f"**{text}**"
        elif style == "i" and text.strip():
            text = f"*{text}*"
        out.append(text)
    return "".join(out)


def _quote(quote: Quote) -> str:
    """``> «text» (label)``; the coded words of an in-vivo quote in bold; a quote over several
    lines keeps them (a trailing backslash is a hard line break)."""
    text = ""
    for piece, coded in quote.parts():
        piece = escape(piece, first_line=False)
        if coded and piece.strip():
            lead, core, trail = _around(piece)
            piece = f"{lead}**{core}**{trail}"
        text += piece
    lines = text.strip("\n").split("\n")
    lines[0] = quote.opening + lines[0]
    lines[-1] = lines[-1] + quote.closing + " (" + escape(quote.label) + ")"
    return "\n".join("> " + (line + "\\" if i < len(lines) - 1 else line)
                     for i, line in enumerate(lines))


def _around(text: str) -> tuple[str, str, str]:
    """Leading space, the rest, trailing space (emphasis marks must touch the words)."""
    core = text.strip()
    start = text.index(core)
    return text[:start], core, text[start + len(core):]


def _table(table: Table) -> str:
    def cell(value: object) -> str:
        return escape(str(value)).replace("\n", " ")

    head = "| " + " | ".join(cell(c) for c in table.columns) + " |"
    rule = "|" + "|".join(["---", *(["--:"] * (len(table.columns) - 1))]) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.rows]
    return "\n".join([head, rule, *body])


def render(blocks: list[Block]) -> str:
    """The Markdown text of the blocks."""
    out: list[str] = []
    for block in blocks:
        bullet = isinstance(block, Paragraph) and block.kind == "bullet"
        if bullet and out and out[-1].startswith("- "):
            out[-1] += "\n- " + _runs(block).replace("\n", "\n  ")  # one tight list
            continue
        if isinstance(block, Title):
            out.append(f"# {escape(block.text)}")
            if block.subtitle:
                out.append(escape(block.subtitle))
        elif isinstance(block, Heading):
            out.append("#" * (block.level + 1) + " " + escape(block.text))
        elif isinstance(block, Paragraph):
            text = _runs(block)
            if block.kind == "bullet":
                text = "- " + text.replace("\n", "\n  ")
            out.append(text)
        elif isinstance(block, Memo):
            first, *rest = [escape(p) for p in block.paragraphs]
            out.append(f"*{escape(block.title)}:* " + first)
            out.extend(rest)
        elif isinstance(block, Quote):
            out.append(_quote(block))
        elif isinstance(block, Table):
            if block.rows:
                out.append(f"*{escape(block.caption)}*\n\n{_table(block)}")
        elif isinstance(block, BarChart):
            continue  # the frequency table that follows carries the same numbers
    return "\n\n".join(out) + "\n"
