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

BAR_WIDTH = 30
SHOW_HITS = 500


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Register ``report``, ``search`` and ``export``."""
    p = subparsers.add_parser(
        "report",
        help="reports: frequencies, matrix, cooccurrence, saturation",
        description="Reports over the whole project (SPEC §5). Counts are for each code "
        "itself, not the codes below it.",
    )
    p.add_argument("project", metavar="PROJECT", help="project file or folder")
    p.add_argument("kind", metavar="KIND", choices=REPORT_KINDS, help=" | ".join(REPORT_KINDS))
    p.add_argument("--by", metavar="ATTR",
                   help="matrix columns: `case` (the default) or a case attribute")
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
        "codebook-csv",
        description="Write the project for another QDA tool (qdpx: the whole project, qdc: the "
        "codebook; REFI-QDA), a write-up to paste into a thesis (md, docx, html: codebook, "
        "themes with memos and quotes, summary tables), every coding as a table (csv) or the "
        "codebook as a table that Taguette and spreadsheets read (codebook-csv: path, "
        "description, inclusion, exclusion, example, theme, color). The file is readable only "
        "by you (mode 0600).",
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
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(run=cmd_export, handler=cmd_export)


# --------------------------------------------------------------------------- report
def cmd_report(args: Args) -> int:
    from workbench.analysis import reports

    if args.by is not None and args.kind != "matrix":
        raise WorkbenchError("--by goes with the matrix report (`report PROJECT matrix --by ATTR`)")
    project = reading(args)
    by = (args.by or "case").strip() or "case"
    data = reports.run(project, args.kind, by=by)
    if args.json:
        out.print_json(data)
    elif args.csv:
        _print_csv(args.kind, data)
    elif args.kind == "frequencies":
        _print_frequencies(project, data)
    elif args.kind == "matrix":
        _print_matrix(data, by)
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
    from rich.text import Text

    from workbench.cli.grid import GAP, column_widths, print_grid

    if not rows:
        out.say("the codebook is empty: no frequencies to show")
        return
    colours = {project.codebook.path(c): c.color for c in project.codebook.all()}
    top = max(r["segments"] for r in rows)
    numbers = ("segments", "docs", "cases", "chars")
    lines = [
        [
            Text("  " * r["code"].count("/") + r["code"].rsplit("/", 1)[-1]),
            r["segments"],
            r["documents"],
            r["cases"],
            r["chars"],
        ]
        for r in rows
    ]
    console = _console()
    # the bars get the room the numbers leave, so they keep their proportions
    used = sum(column_widths(("code", *numbers), lines)) + len(GAP) * len(numbers)
    room = max(0, min(BAR_WIDTH, console.width - used - len(GAP)))
    for line, r in zip(lines, rows, strict=True):
        line.append(_bar(r["segments"], top, _safe_colour(colours.get(r["code"], "")), room))
    print_grid(("code", *numbers, ""), lines, right=numbers, console=console)


def _heat_style(value: int, top: int) -> str:
    if not value or not top:
        return "dim"
    share = value / top
    light, dark = (222, 235, 247), (8, 69, 148)  # pale to deep blue
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in zip(light, dark, strict=True))
    ink = "white" if share > 0.5 else "black"
    return f"{ink} on #{r:02x}{g:02x}{b:02x}"


def _print_matrix(data: dict[str, Any], by: str) -> None:
    from rich.table import Table
    from rich.text import Text

    if not data["rows"]:
        out.say("the codebook is empty: no matrix to show")
        return
    if not data["columns"]:
        out.say(f"no {'cases' if by == 'case' else by + ' values'} and no coded segments yet")
        return
    top = max((v for row in data["cells"] for v in row), default=0)
    grid = Table(box=None, header_style="bold", pad_edge=False,
                 title=f"coded segments: code x {by}", title_justify="left")
    grid.add_column("code", overflow="fold")
    for column in data["columns"]:
        grid.add_column(Text(str(column)), justify="right")
    for path, row in zip(data["rows"], data["cells"], strict=True):
        cells = [Text(f" {v} " if v else " · ", style=_heat_style(v, top)) for v in row]
        grid.add_row(Text(path), *cells)
    _console().print(grid)


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
        project, args.format, args.output, attrs=attrs, themes=args.theme, codes=args.code
    )
    for warning in exported.warnings:
        out.note(f"warning: {warning}")
    if args.json:
        out.print_json(exported.to_json())
    else:
        out.say(exported.headline)
    return 0
