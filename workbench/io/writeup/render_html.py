"""The write-up as ONE self-contained HTML file: inline CSS and inline SVG charts.

No scripts, no fonts or images from elsewhere, no URLs at all (inline SVG in HTML needs no
namespace URL), so the file opens offline and sends nothing anywhere.

The page's ``lang`` is the language most of its quotes are in; a quote, heading or paragraph in
another language says its own (so a screen reader and the hyphenation follow the text).
"""

from __future__ import annotations

import re
from html import escape

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
from workbench.io.writeup.language import language_of, main_language

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#4363d8"

CSS = """
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.5; color: #1d1d1d;
  background: #fff; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3, h4 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.25; }
h1.title { font-size: 2rem; margin-bottom: .25rem; }
p.subtitle { color: #555; margin-top: 0; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2.5rem; }
p.note { color: #555; }
ul.criteria { margin: .2rem 0 1rem; }
aside.memo { border-left: 4px solid #c9a227; background: #fbf7e9; padding: .4rem .9rem;
  margin: 1rem 0; }
aside.memo p { margin: .4rem 0; }
blockquote { margin: 1rem 0 1rem 1.5rem; padding-left: 1rem; border-left: 3px solid #bbb; }
blockquote p { margin: 0; white-space: pre-wrap; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .9rem;
  font-family: "Helvetica Neue", Arial, sans-serif; }
caption { text-align: left; font-style: italic; padding-bottom: .3rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; }
th { background: #f3f3f3; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
div.wide { overflow-x: auto; }
figure { margin: 1rem 0; overflow-x: auto; }
figcaption { font-style: italic; color: #555; }
svg text { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 12px; fill: #1d1d1d; }
blockquote strong { font-weight: bold; }
@media print { body { max-width: none; } h2 { page-break-after: avoid; } }
"""
#: CSS page sizes for printing.
PAGES = {"a4": "A4", "letter": "letter"}


def colour(value: str) -> str:
    """A ``#rrggbb`` colour safe to put in CSS or SVG (anything else becomes the default)."""
    return value if _HEX.match(value or "") else DEFAULT_COLOUR


def _text(text: str) -> str:
    """Element content: only ``&``, ``<`` and ``>`` need escaping."""
    return escape(text, quote=False)


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _runs(paragraph: Paragraph) -> str:
    out = []
    for text, style in paragraph.runs:
        text = _text(text).replace("\n", "<br>")
        if style == "b":
            text = f"<strong>{text}</strong>"
        elif style == "i":
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out)


def bar_chart(chart: BarChart) -> str:
    """A horizontal bar chart as inline SVG (drawn here: no library, no script)."""
    bars = chart.bars
    if not bars:
        return ""
    top = max(value for _, value, _ in bars) or 1
    row, label_w, bar_w, pad = 20, 260, 360, 6
    height = row * len(bars) + pad * 2
    width = label_w + bar_w + 60
    parts = [
        f'<svg role="img" aria-label="{_attr(chart.caption)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">'
    ]
    for i, (label, value, fill) in enumerate(bars):
        y = pad + i * row
        shown = label if len(label) <= 38 else "…" + label[-37:]
        length = round(bar_w * value / top, 1)
        parts.append(
            f'<g><title>{_text(label)}: {value}</title>'
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_text(shown)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{length}" height="{row - 6}" '
            f'fill="{colour(fill)}"></rect>'
            f'<text x="{label_w + length + 4}" y="{y + 14}">{value}</text></g>'
        )
    parts.append("</svg>")
    return (
        f"<figure>{''.join(parts)}<figcaption>{_text(chart.caption)}</figcaption></figure>"
    )


def _heat(value: int, top: int) -> str:
    if not value or not top:
        return ""
    alpha = 0.12 + 0.68 * value / top
    ink = "#fff" if alpha > 0.55 else "#1d1d1d"
    return f' style="background: rgba(67, 99, 216, {alpha:.2f}); color: {ink}"'


def table(block: Table) -> str:
    """A table; the matrix is shaded as a heat map."""
    if not block.rows:
        return ""
    numbers = [v for row in block.rows for v in row[1:] if isinstance(v, int)]
    top = max(numbers, default=0)
    head = "".join(f'<th scope="col">{_text(str(c))}</th>' for c in block.columns)
    body = []
    for row in block.rows:
        cells = [f'<th scope="row">{_text(str(row[0]))}</th>']
        for value in row[1:]:
            shade = _heat(value, top) if block.heat and isinstance(value, int) else ""
            cells.append(f'<td class="n"{shade}>{_text(str(value))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="wide"><table><caption>{_text(block.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


class _Languages:
    """The ``lang`` attribute of an element whose text is not in the page's language."""

    def __init__(self, page: str) -> None:
        self.page = page

    def attr(self, text: str, known: str | None = None) -> str:
        language = known or language_of(text)
        return f' lang="{language}"' if language and language != self.page else ""


def _quote(quote: Quote, langs: _Languages) -> str:
    pieces = []
    for piece, coded in quote.parts():
        piece = _text(piece)
        pieces.append(f"<strong>{piece}</strong>" if coded else piece)
    text = "".join(pieces).strip("\n")
    lang = langs.attr(quote.text, quote.language)
    return (f"<blockquote><p><span{lang}>{quote.opening}{text}{quote.closing}</span> "
            f"({_text(quote.label)})</p></blockquote>")


def render(blocks: list[Block], title: str = "", paper: str = "a4") -> str:
    """The HTML page of the blocks (printed on ``paper``: ``a4`` or ``letter``)."""
    page = main_language([b.text for b in blocks if isinstance(b, Quote)])
    langs = _Languages(page)
    out: list[str] = []
    in_list = False
    for block in blocks:
        bullet = isinstance(block, Paragraph) and block.kind == "bullet"
        if in_list and not bullet:
            out.append("</ul>")
            in_list = False
        if isinstance(block, Title):
            out.append(f'<h1 class="title"{langs.attr(block.text)}>{_text(block.text)}</h1>')
            if block.subtitle:
                out.append(f'<p class="subtitle"{langs.attr(block.subtitle)}>'
                           f"{_text(block.subtitle)}</p>")
        elif isinstance(block, Heading):
            level = block.level + 1
            out.append(f"<h{level}{langs.attr(block.text)}>{_text(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            lang = langs.attr("".join(text for text, _ in block.runs))
            if bullet:
                if not in_list:
                    out.append('<ul class="criteria">')
                    in_list = True
                out.append(f"<li{lang}>{_runs(block)}</li>")
            else:
                cls = ' class="note"' if block.kind == "note" else ""
                out.append(f"<p{cls}{lang}>{_runs(block)}</p>")
        elif isinstance(block, Memo):
            paras = "".join(
                f"<p{langs.attr(p)}>{_text(p).replace(chr(10), '<br>')}</p>"
                for p in block.paragraphs
            )
            out.append(f'<aside class="memo"><p{langs.attr(block.title)}><strong>'
                       f"{_text(block.title)}</strong></p>{paras}</aside>")
        elif isinstance(block, Quote):
            out.append(_quote(block, langs))
        elif isinstance(block, Table):
            out.append(table(block))
        elif isinstance(block, BarChart):
            out.append(bar_chart(block))
    if in_list:
        out.append("</ul>")
    body = "\n".join(part for part in out if part)
    css = CSS + f"@page {{ size: {PAGES.get(paper, PAGES['a4'])}; margin: 2.5cm; }}\n"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{page}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )
