"""``report``, ``search`` and ``export`` on the command line.

Reports and exports open the project read-only; ``search --code`` opens it for writing, codes
every hit as one undoable step and saves.
"""

from __future__ import annotations

import argparse
import csv
import sys
from typing import TYPE_CHECKING, Any

from workbench.analysis.search import WIDEN
from workbench.cli import output as out
from workbench.cli.commands import coder_of, plural, reading, writing
from workbench.cli.registrar import CODER, JSON, PROJECT, Arg, OneOf, command
from workbench.core.turns import ROLES
from workbench.errors import WorkbenchError
from workbench.io.export import FORMATS as EXPORT_FORMATS

if TYPE_CHECKING:
    from workbench.analysis.search import Hit
    from workbench.core.project import Project

Args = argparse.Namespace
REPORT_KINDS = ("frequencies", "matrix", "cooccurrence", "saturation")

BAR_WIDTH = 30
SHOW_HITS = 500


# --------------------------------------------------------------------------- report
@command(
    "report",
    PROJECT,
    Arg("kind", metavar="KIND", choices=REPORT_KINDS, help=" | ".join(REPORT_KINDS)),
    Arg("--by", metavar="ATTR", help="matrix columns: `case` (the default) or a case attribute"),
    OneOf(JSON, Arg("--csv", action="store_true", help="print CSV")),
    description="Reports over the whole project. Counts are for each code itself, not the "
    "codes below it.",
)
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
    from workbench.io.cells import spreadsheet_row

    writer = csv.writer(sys.stdout, lineterminator="\n")
    if kind == "matrix":
        writer.writerow(spreadsheet_row(["code", *data["columns"]]))
        for path, row in zip(data["rows"], data["cells"], strict=True):
            writer.writerow(spreadsheet_row([path, *row]))
        return
    columns = {
        "frequencies": ["code", "segments", "documents", "cases", "chars"],
        "cooccurrence": ["a", "b", "count"],
        "saturation": ["document", "new_codes", "cumulative"],
    }[kind]
    writer.writerow(columns)
    for row in data:
        writer.writerow(spreadsheet_row(row[c] for c in columns))


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

    from workbench.cli.grid import GAP, column_widths, print_grid

    if not rows:
        out.say("the codebook is empty: no frequencies to show")
        return
    colours = {project.codebook.path(c): c.color for c in project.codebook.all()}
    top = max(r["segments"] for r in rows)
    numbers = ("segments", "docs", "cases", "chars")
    lines = [
        [
            out.text_cell("  " * r["code"].count("/") + r["code"].rsplit("/", 1)[-1]),
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
                 title=out.clean(f"coded segments: code x {by}"), title_justify="left")
    grid.add_column("code", overflow="fold")
    for column in data["columns"]:
        grid.add_column(out.text_cell(column), justify="right")
    for path, row in zip(data["rows"], data["cells"], strict=True):
        cells = [Text(f" {v} " if v else " · ", style=_heat_style(v, top)) for v in row]
        grid.add_row(out.text_cell(path), *cells)
    _console().print(grid)


def _print_cooccurrence(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

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
        grid.add_row(out.text_cell(r["a"]), out.text_cell(r["b"]), str(r["count"]),
                     _bar(r["count"], top, "cyan"))
    _console().print(grid)


def _print_saturation(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

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
        grid.add_row(out.text_cell(r["document"]), str(r["new_codes"]), str(r["cumulative"]),
                     _bar(r["new_codes"], top, "green"))
    _console().print(grid)


# --------------------------------------------------------------------------- search
@command(
    "search",
    PROJECT,
    Arg("pattern", metavar="PATTERN", help="text to find (a regular expression with --regex)"),
    Arg("--regex", action="store_true", help="PATTERN is a Python regular expression"),
    Arg("--case-sensitive", action="store_true", help="match upper/lower case exactly"),
    JSON.but(help="print JSON (every hit)"),
    Arg("--limit", type=int, default=SHOW_HITS, metavar="N",
        help=f"show at most N hits on screen (default {SHOW_HITS}; 0: all)"),
    Arg("--role", choices=ROLES, metavar="ROLE",
        help="only hits in turns of this role: respondent, interviewer or other"),
    Arg("--code", metavar="PATH", help="code every hit with this code (created if new)"),
    Arg("--widen", choices=WIDEN, metavar="UNIT",
        help="with --code: code each hit's word, sentence, turn or paragraph"),
    Arg("--paragraph", action="store_true",
        help="with --code: code the paragraph around each hit (--widen paragraph)"),
    CODER.but(help="with --code: coder name (default: from the config)"),
    description="Search every document for a word, phrase or regular expression and show each "
    "hit in context, with its speaker and their role (a speaker label itself is never a hit). "
    "With --code, code every hit (or its word, sentence, turn or paragraph) in one undoable "
    "step; a hit inside a coding of that code adds nothing, one touching it extends it.",
)
def cmd_search(args: Args) -> int:
    from workbench.analysis.search import code_every_hit, search

    if not args.code and (args.paragraph or args.coder or args.widen):
        raise WorkbenchError("--widen, --paragraph and --coder go with --code PATH")
    if args.paragraph and args.widen not in (None, "paragraph"):
        raise WorkbenchError("--paragraph is --widen paragraph: give one of them")
    widen = "paragraph" if args.paragraph else args.widen
    options = {
        "regex": args.regex,
        "case_sensitive": args.case_sensitive,
        "roles": None if args.role is None else {args.role},
    }
    if not args.code:
        project = reading(args)
        hits = search(project, args.pattern, **options)
        if args.json:
            out.print_json([h.to_json() for h in hits])
        else:
            _print_hits(hits, args.limit)
        return 0
    coder = coder_of(args)
    with writing(args) as project:
        hits = search(project, args.pattern, **options)
        coded = code_every_hit(project, hits, args.code, coder, widen=widen)
    if args.json:
        out.print_json({**coded.to_json(), "hits": [h.to_json() for h in hits]})
        return 0
    if not hits:
        out.say(f"no matches for {args.pattern!r}; nothing was coded")
        return 0
    what = (widen or "segment") + ("" if coded.added == 1 else "s")
    rest = []
    if coded.extended:
        rest.append(f"{plural(coded.extended, 'coding')} of that code extended to take hits in")
    if coded.unchanged:
        rest.append(f"{coded.unchanged} already coded")
    more = f" ({'; '.join(rest)})" if rest else ""
    out.say(
        f"coded {coded.added} new {what} with {coded.code} from {_matches(len(hits))}{more}; "
        "`workbench undo` takes them all back"
    )
    return 0


def _print_hits(hits: list[Hit], limit: int = SHOW_HITS) -> None:
    """One line per hit, grep-like: ``document:line (case)``, then the hit in its context
    (the words before right-aligned so the hits line up, the hit highlighted).
    """

    if not hits:
        out.say("no matches")
        return
    console = _console()
    shown = hits[:limit] if limit and limit > 0 else hits
    wheres = [f"{h.document}:{h.line}" + (f" ({h.case})" if h.case else "")
              + (f" {h.speaker}" if h.speaker and h.role != "respondent" else "") for h in shown]
    width = min(max(len(w) for w in wheres), 36)
    side = max(12, min(40, (console.width - width - 4 - 20) // 2))
    for hit, where in zip(shown, wheres, strict=True):
        line = out.text_cell(out.clip(where, width).ljust(width), "cyan")
        line.append("  ")
        line.append(out.clean(hit.before[-side:].rjust(side)), style="dim")
        line.append(out.clean(out.clip(hit.text, 60)), style="bold reverse")
        line.append(out.clean(hit.after[:side]), style="dim")
        console.print(line, no_wrap=True, overflow="ellipsis", crop=True)
    documents = len({h.document_id for h in hits})
    more = len(hits) - len(shown)
    rest = f"; the first {len(shown)} shown (--limit 0 shows all, --json lists all)" if more else ""
    out.say(f"{_matches(len(hits))} in {plural(documents, 'document')}{rest}")


def _matches(n: int) -> str:
    return f"{n} match{'' if n == 1 else 'es'}"


# --------------------------------------------------------------------------- export
@command(
    "export",
    PROJECT,
    Arg("--format", required=True, choices=EXPORT_FORMATS, metavar="FMT",
        help=", ".join(EXPORT_FORMATS)),
    Arg("-o", "--output", required=True, metavar="OUT",
        help="the file to write (`-`: standard output; docx and qdpx only when it "
        "is not a terminal)"),
    Arg("--attrs", metavar="A,B",
        help="write-ups: case attributes shown with each quote, e.g. pronouns,city"),
    Arg("--theme", action="append", metavar="PATH",
        help="only this theme and its codes (repeat for more)"),
    Arg("--code", action="append", metavar="PATH",
        help="only this code and the codes below it (repeat for more)"),
    JSON.but(help="print what was written as JSON"),
    description="Write the project for another QDA tool (qdpx: the whole project, qdc: the "
    "codebook; REFI-QDA), a write-up to paste into a thesis (md, docx, html: codebook, themes "
    "with memos and quotes, summary tables) or every coding as a table (csv). The file is "
    "readable only by you (mode 0600).",
)
def cmd_export(args: Args) -> int:
    from workbench.io.export import export

    attrs = [a.strip() for a in (args.attrs or "").split(",") if a.strip()]
    target = _export_target(args)
    project = reading(args)
    exported = export(
        project, args.format, target, attrs=attrs, themes=args.theme, codes=args.code
    )
    for warning in exported.warnings:
        out.note(f"warning: {warning}")
    if args.json:
        out.print_json(exported.to_json())
    else:
        _report(args)(exported.headline)
    return 0


#: Formats whose bytes would garble a terminal.
BINARY_FORMATS = ("docx", "qdpx")


def _export_target(args: Args) -> Any:
    """Where an export goes: the file ``-o`` names, or standard output for ``-o -``."""
    if args.output != "-":
        return args.output
    if args.json:
        raise WorkbenchError(
            "-o - writes the export to standard output, so --json cannot print there too; "
            "name a file with -o"
        )
    if args.format in BINARY_FORMATS and sys.stdout.isatty():
        raise WorkbenchError(
            f"a {args.format} file is binary and standard output is a terminal: redirect it "
            f"(`-o - > FILE.{args.format}`) or name a file with -o"
        )
    sys.stdout.flush()
    return sys.stdout.buffer


def _report(args: Args):
    """Where the lines about an export go: stderr when the export itself is on stdout."""
    return out.note if args.output == "-" else out.say
