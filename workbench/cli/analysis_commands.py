"""``report``, ``search`` and ``export`` (the write-up formats) on the command line.

:func:`add_parsers` registers the three commands on the main parser's subcommands; each sets
``run`` (the convention of :mod:`workbench.cli.main`; ``handler`` is the same function) to a
function ``(args) -> int``. Reports and exports open the project read-only; ``search --code``
opens it for writing, codes every hit as one undoable step and saves.
"""

from __future__ import annotations

import argparse
import csv
import sys
from typing import TYPE_CHECKING, Any

from workbench.cli import output as out
from workbench.cli.commands import coder_of, plural, reading, writing
from workbench.errors import WorkbenchError
from workbench.io.export import FORMATS as EXPORT_FORMATS

if TYPE_CHECKING:
    from workbench.analysis.search import Hit
    from workbench.core.project import Project

Args = argparse.Namespace
REPORT_KINDS = ("frequencies", "matrix", "cooccurrence", "saturation")
MATRIX_COUNTS = ("segments", "cases")

BAR_WIDTH = 30
BAR_MIN = 4
#: A code column narrower than this is not worth having: the table is let wrap instead.
CODE_MIN = 16
#: The matrix shortens code paths to this many cells to fit all its columns on one screen.
CODE_READABLE = 24
ALL = out.ALL
SHOW_HITS = 500
#: A matrix column heading shows at most this many cells of the value.
HEADER_MAX = 18


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Register ``report``, ``search`` and ``export``."""
    p = subparsers.add_parser(
        "report",
        help="reports: frequencies, matrix, cooccurrence, saturation",
        description="Reports over the whole project. Frequencies count each code itself "
        "and, under (all), with the codes below it; the matrix counts each code itself unless "
        "--rollup.",
    )
    p.add_argument("project", metavar="PROJECT", help="project file or folder")
    p.add_argument("kind", metavar="KIND", choices=REPORT_KINDS, help=" | ".join(REPORT_KINDS))
    p.add_argument("--by", metavar="ATTR",
                   help="matrix columns: `case` (the default) or a case attribute")
    p.add_argument("--count", choices=MATRIX_COUNTS, metavar="WHAT",
                   help="matrix cells count coded segments (the default) or cases "
                   "(respondents)")
    p.add_argument("--rollup", action="store_true",
                   help="matrix: count each code with the codes below it")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV")
    p.set_defaults(run=cmd_report, handler=cmd_report)

    p = subparsers.add_parser(
        "search",
        help="search every document (keyword in context); --code codes the hits",
        description="Search every document for a word, phrase or regular expression and show "
        "each hit in context. With --code, code every hit (or its paragraph) in one undoable "
        "step.",
    )
    p.add_argument("project", metavar="PROJECT", help="project file or folder")
    p.add_argument("pattern", metavar="PATTERN",
                   help="text to find (a regular expression with --regex)")
    p.add_argument("--regex", action="store_true", help="PATTERN is a Python regular expression")
    p.add_argument("--case-sensitive", action="store_true", help="match upper/lower case exactly")
    p.add_argument("--json", action="store_true", help="print JSON (every hit)")
    p.add_argument("--limit", type=int, default=SHOW_HITS, metavar="N",
                   help=f"show at most N hits on screen (default {SHOW_HITS}; 0: all)")
    p.add_argument("--code", metavar="PATH", help="code every hit with this code (created if new)")
    p.add_argument("--paragraph", action="store_true",
                   help="with --code: code the paragraph around each hit")
    p.add_argument("--coder", metavar="NAME",
                   help="with --code: coder name (default: from the config)")
    p.set_defaults(run=cmd_search, handler=cmd_search)

    p = subparsers.add_parser(
        "export",
        help="write the project out: qdpx, qdc (REFI-QDA), md, docx, html (a write-up), csv, "
        "xlsx",
        description="Write the project for another QDA tool (qdpx: the whole project, qdc: the "
        "codebook; REFI-QDA), a write-up to paste into a thesis (md, docx, html: themes with "
        "their codes, memos and quotes, the codebook, summary tables), every coding as a table "
        "(csv) or a workbook of the coded segments, frequencies and matrix (xlsx). The file is "
        "readable only by you (mode 0600).",
    )
    p.add_argument("project", metavar="PROJECT", help="project file or folder")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS, metavar="FMT",
                   help=", ".join(EXPORT_FORMATS))
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write")
    p.add_argument("--attrs", metavar="A,B",
                   help="write-ups: case attributes shown with each quote, e.g. pronouns,city")
    p.add_argument("--theme", action="append", metavar="PATH",
                   help="only this theme and its codes (repeat for more)")
    p.add_argument("--code", action="append", metavar="PATH",
                   help="only this code and the codes below it (repeat for more)")
    p.add_argument("--title", metavar="TEXT",
                   help="md, docx, html, xlsx: the title (default: the project's name)")
    p.add_argument("--paper", choices=("a4", "letter"), type=str.lower, metavar="SIZE",
                   help="docx, html: a4 (the default) or letter")
    p.add_argument("--memos", metavar="KINDS",
                   help="md, docx, html: the memos to include, from code, theme, coding, "
                   "document, case, project (or all, none; default: code,theme)")
    p.add_argument("--empty", action="store_true",
                   help="md, docx, html: show codes with nothing coded too")
    p.add_argument("--excel", action="store_true",
                   help="csv: UTF-8 with a byte order mark, as Excel reads it")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(run=cmd_export, handler=cmd_export)


# --------------------------------------------------------------------------- report
def cmd_report(args: Args) -> int:
    from workbench.analysis import reports

    if args.kind != "matrix":
        given = [flag for flag, value in (("--by", args.by), ("--count", args.count),
                                          ("--rollup", args.rollup)) if value]
        if given:
            raise WorkbenchError(
                f"{', '.join(given)} go{'es' if len(given) == 1 else ''} with the matrix report "
                "(`report PROJECT matrix --by ATTR --count cases --rollup`)"
            )
    project = reading(args)
    by = (args.by or "case").strip() or "case"
    count = args.count or "segments"
    data = reports.run(project, args.kind, by=by, count=count, rollup=args.rollup)
    if args.json:
        out.print_json(data)
    elif args.csv:
        _print_csv(args.kind, data)
    elif args.kind == "frequencies":
        _print_frequencies(project, data)
    elif args.kind == "matrix":
        _print_matrix(data, by, count, args.rollup)
    elif args.kind == "cooccurrence":
        _print_cooccurrence(data)
    else:
        _print_saturation(data)
    return 0


def _print_csv(kind: str, data: Any) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    if kind == "matrix":
        writer.writerow(["code", *data["columns"]])
        for path, row in zip(data["rows"], data["cells"], strict=True):
            writer.writerow([path, *row])
        return
    columns = {
        "frequencies": ["code", "segments", "documents", "cases", "chars"],
        "cooccurrence": ["a", "b", "count"],
        "saturation": ["document", "new_codes", "cumulative"],
    }[kind]
    writer.writerow(columns)
    for row in data:
        writer.writerow([row[c] for c in columns])


def _console():
    from rich.console import Console

    return Console(highlight=False)


def _bar(value: int, top: int, style: str = "", room: int = BAR_WIDTH) -> Any:
    from rich.text import Text

    width = 0 if not top or not room else max(1 if value else 0, round(room * value / top))
    return Text("█" * width, style=style)


def _safe_colour(value: str) -> str:
    from rich.color import Color, ColorParseError

    try:
        Color.parse(value)
    except ColorParseError:
        return ""
    return value


def _print_frequencies(project: Project, rows: list[dict[str, Any]]) -> None:
    """Code paths (shortened in the middle to fit), own counts and, when some code has codes
    below it, the counts with them ("(all)"), then a bar of the own segments."""
    from rich.cells import cell_len
    from rich.text import Text

    from workbench.cli.grid import GAP, column_widths, print_grid, shorten_path

    if not rows:
        out.say("the codebook is empty: no frequencies to show")
        return
    colours = {project.codebook.path(c): c.color for c in project.codebook.all()}
    top = max(r["segments"] for r in rows)
    nested = any(r["with_children"] != {k: r[k] for k in r["with_children"]} for r in rows)
    if nested:
        numbers = ("segments", ALL, "docs", ALL, "cases", ALL, "chars")
        keys = ("segments", "all:segments", "documents", "all:documents", "cases",
                "all:cases", "chars")
    else:
        numbers = ("segments", "docs", "cases", "chars")
        keys = ("segments", "documents", "cases", "chars")

    def value(row: dict[str, Any], key: str) -> int:
        return row["with_children"][key[4:]] if key.startswith("all:") else row[key]

    figures = [[value(r, k) for k in keys] for r in rows]
    console = _console()
    used = sum(column_widths(numbers, figures)) + len(GAP) * len(numbers)
    natural = max(cell_len(r["code"]) for r in rows)
    code_width = max(len("code"), min(natural, max(CODE_MIN, console.width - used)))
    # the bars get the room the numbers leave, so they keep their proportions
    room = min(BAR_WIDTH, console.width - used - code_width - len(GAP))
    lines = []
    for r, numbers_of_row in zip(rows, figures, strict=True):
        line = [Text(shorten_path(r["code"], code_width)), *numbers_of_row]
        if room >= BAR_MIN:
            line.append(_bar(r["segments"], top, _safe_colour(colours.get(r["code"], "")), room))
        lines.append(line)
    columns = ("code", *numbers, *([""] if room >= BAR_MIN else []))
    print_grid(columns, lines, right=numbers, console=console)
    if nested:
        out.say(f"{ALL}: the code with every code below it (each document and case once)")


def _heat_style(value: int, top: int) -> str:
    if not value or not top:
        return "dim"
    share = value / top
    light, dark = (222, 235, 247), (8, 69, 148)  # pale to deep blue
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in zip(light, dark, strict=True))
    ink = "white" if share > 0.5 else "black"
    return f"{ink} on #{r:02x}{g:02x}{b:02x}"


def _print_matrix(data: dict[str, Any], by: str, count: str = "segments",
                  rollup: bool = False) -> None:
    """The matrix in bands of columns that fit the terminal, each with the code column;
    column headings carry how many cases hold the value (``woman (n=4)``)."""
    from rich.cells import cell_len
    from rich.text import Text

    from workbench.cli.grid import GAP, print_grid, shorten, shorten_path

    if not data["rows"]:
        out.say("the codebook is empty: no matrix to show")
        return
    if not data["columns"]:
        out.say(f"no {'cases' if by == 'case' else by + ' values'} and no coded segments yet")
        return
    console = _console()
    top = max((v for row in data["cells"] for v in row), default=0)
    headers = [
        shorten(str(column), HEADER_MAX) + ("" if by == "case" else f" (n={n})")
        for column, n in zip(data["columns"], data["column_cases"], strict=True)
    ]
    digits = len(str(top)) + 2
    widths = [max(cell_len(h), digits) for h in headers]
    natural = max(cell_len(path) for path in data["rows"])
    left = console.width - sum(w + len(GAP) for w in widths)  # the room for the code column
    if left >= min(natural, CODE_READABLE):  # one band: the whole table fits
        code_width = max(len("code"), min(natural, left))
    else:
        code_width = max(CODE_MIN, min(natural, console.width * 2 // 5))
    bands: list[list[int]] = []
    used = code_width
    for i, width in enumerate(widths):
        if not bands or used + len(GAP) + width > console.width:
            bands.append([])
            used = code_width
        bands[-1].append(i)
        used += len(GAP) + width
    what = "cases" if count == "cases" else "coded segments"
    title = f"{what}: code x {by}" + (", with the codes below" if rollup else "")
    codes = [Text(shorten_path(path, code_width)) for path in data["rows"]]
    for n, band in enumerate(bands):
        rows = [
            [code, *(Text(f" {row[i]} " if row[i] else " · ", style=_heat_style(row[i], top))
                     for i in band)]
            for code, row in zip(codes, data["cells"], strict=True)
        ]
        columns = [headers[i] for i in band]
        if len(bands) > 1:
            part = f"{title} (columns {band[0] + 1}-{band[-1] + 1} of {len(headers)})"
        else:
            part = title
        if n:
            console.print()
        print_grid(["code", *columns], rows, right=columns, title=part, console=console)


def _print_cooccurrence(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table
    from rich.text import Text

    if not rows:
        out.say("no two codes overlap anywhere yet")
        return
    top = rows[0]["count"]
    grid = Table(box=None, header_style="bold", pad_edge=False)
    grid.add_column("code a", overflow="fold")
    grid.add_column("code b", overflow="fold")
    grid.add_column("overlaps", justify="right")
    grid.add_column("")
    for r in rows:
        grid.add_row(Text(r["a"]), Text(r["b"]), str(r["count"]), _bar(r["count"], top, "cyan"))
    _console().print(grid)


def _print_saturation(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table
    from rich.text import Text

    if not rows:
        out.say("no documents yet")
        return
    top = max((r["new_codes"] for r in rows), default=0)
    grid = Table(box=None, header_style="bold", pad_edge=False)
    grid.add_column("document", overflow="fold")
    grid.add_column("new codes", justify="right")
    grid.add_column("cumulative", justify="right")
    grid.add_column("")
    for r in rows:
        grid.add_row(Text(r["document"]), str(r["new_codes"]), str(r["cumulative"]),
                     _bar(r["new_codes"], top, "green"))
    _console().print(grid)


# --------------------------------------------------------------------------- search
def cmd_search(args: Args) -> int:
    from workbench.analysis.search import code_hits, search

    if not args.code and (args.paragraph or args.coder):
        raise WorkbenchError("--paragraph and --coder go with --code PATH")
    options = {"regex": args.regex, "case_sensitive": args.case_sensitive}
    if not args.code:
        project = reading(args)
        hits = search(project, args.pattern, **options)
        if args.json:
            out.print_json([h.to_json() for h in hits])
        else:
            _print_hits(hits, getattr(args, "limit", SHOW_HITS))
        return 0
    coder = coder_of(args)
    with writing(args) as project:
        hits = search(project, args.pattern, **options)
        added = code_hits(project, hits, args.code, coder, paragraph=args.paragraph)
        path = project.codebook.path(project.codebook.find(args.code)) if hits else args.code
    if args.json:
        out.print_json({"code": path, "added": added, "hits": [h.to_json() for h in hits]})
        return 0
    if not hits:
        out.say(f"no matches for {args.pattern!r}; nothing was coded")
        return 0
    what = ("paragraph" if args.paragraph else "segment") + ("" if added == 1 else "s")
    skipped = " (the rest were already coded)" if added < len(hits) and not args.paragraph else ""
    out.say(
        f"coded {added} new {what} with {path} from {_matches(len(hits))}{skipped}; "
        "`workbench undo` takes them all back"
    )
    return 0


def _print_hits(hits: list[Hit], limit: int = SHOW_HITS) -> None:
    """One line per hit, grep-like: ``document:line (case)``, then the hit in its context
    (the words before right-aligned so the hits line up, the hit highlighted).
    """
    from rich.text import Text

    if not hits:
        out.say("no matches")
        return
    console = _console()
    shown = hits[:limit] if limit and limit > 0 else hits
    wheres = [f"{h.document}:{h.line}" + (f" ({h.case})" if h.case else "") for h in shown]
    width = min(max(len(w) for w in wheres), 36)
    side = max(12, min(40, (console.width - width - 4 - 20) // 2))
    for hit, where in zip(shown, wheres, strict=True):
        line = Text(out.clip(where, width).ljust(width), style="cyan")
        line.append("  ")
        line.append(hit.before[-side:].rjust(side), style="dim")
        line.append(out.clip(hit.text, 60), style="bold reverse")
        line.append(hit.after[:side], style="dim")
        console.print(line, no_wrap=True, overflow="ellipsis", crop=True)
    documents = len({h.document_id for h in hits})
    more = len(hits) - len(shown)
    rest = f"; the first {len(shown)} shown (--limit 0 shows all, --json lists all)" if more else ""
    out.say(f"{_matches(len(hits))} in {plural(documents, 'document')}{rest}")


def _matches(n: int) -> str:
    return f"{n} match{'' if n == 1 else 'es'}"


# --------------------------------------------------------------------------- export
def cmd_export(args: Args) -> int:
    from workbench.io.export import export

    attrs = [a.strip() for a in (args.attrs or "").split(",") if a.strip()]
    project = reading(args)
    exported = export(
        project, args.format, args.output, attrs=attrs, themes=args.theme, codes=args.code,
        title=args.title, paper=args.paper, memos=args.memos, empty=args.empty,
        excel=args.excel,
    )
    for warning in exported.warnings:
        out.note(f"warning: {warning}")
    if args.json:
        out.print_json(exported.to_json())
    else:
        out.say(exported.headline)
    return 0
