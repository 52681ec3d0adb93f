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
MATRIX_COUNTS = ("segments", "cases")

BAR_WIDTH = 30
BAR_MIN = 4
#: A code column narrower than this is not worth having: the table is let wrap instead.
CODE_MIN = 16
#: The matrix shortens code paths to this many cells to fit all its columns on one screen.
CODE_READABLE = 24
ALL = out.ALL
SHOW_HITS = 500
#: ``--role any``: hits in turns of every role (and text without speakers).
ANY_ROLE = "any"
#: A matrix column heading shows at most this many cells of the value.
HEADER_MAX = 18


# --------------------------------------------------------------------------- report
@command(
    "report",
    PROJECT,
    Arg("kind", metavar="KIND", choices=REPORT_KINDS, help=" | ".join(REPORT_KINDS)),
    Arg("--by", metavar="ATTR", help="matrix columns: `case` (the default) or a case attribute"),
    Arg("--count", choices=MATRIX_COUNTS, metavar="WHAT",
        help="matrix cells count coded segments (the default) or cases (respondents)"),
    Arg("--rollup", action="store_true", help="matrix: count each code with the codes below it"),
    OneOf(JSON, Arg("--csv", action="store_true", help="print CSV")),
    description="Reports over the whole project. Frequencies count each code itself and, under "
    "(all), with the codes below it; the matrix counts each code itself unless --rollup.",
)
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
    """Code paths (shortened in the middle to fit), own counts and, when some code has codes
    below it, the counts with them ("(all)"), then a bar of the own segments."""
    from rich.cells import cell_len

    from workbench.cli.grid import GAP, column_widths, print_grid
    from workbench.printable import shorten_path

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
        line = [out.text_cell(shorten_path(r["code"], code_width)), *numbers_of_row]
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

    from workbench.cli.grid import GAP, print_grid
    from workbench.printable import shorten, shorten_path

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
    codes = [out.text_cell(shorten_path(path, code_width)) for path in data["rows"]]
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
    Arg("--role", choices=(*ROLES, ANY_ROLE), metavar="ROLE",
        help="only hits in turns of this role: respondent, interviewer, other or any (with "
        "--code the default is the respondents' words and text without speakers)"),
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
    from workbench.analysis.search import code_every_hit, respondents_words, search

    if not args.code and (args.paragraph or args.coder or args.widen):
        raise WorkbenchError("--widen, --paragraph and --coder go with --code PATH")
    if args.paragraph and args.widen not in (None, "paragraph"):
        raise WorkbenchError("--paragraph is --widen paragraph: give one of them")
    widen = "paragraph" if args.paragraph else args.widen
    options = {
        "regex": args.regex,
        "case_sensitive": args.case_sensitive,
        "roles": None if args.role in (None, ANY_ROLE) else {args.role},
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
        left: list[Hit] = []
        if args.role is None:  # coding every hit codes what respondents said, unless asked
            left = [h for h in hits if not respondents_words(h)]
            hits = [h for h in hits if respondents_words(h)]
        coded = code_every_hit(project, hits, args.code, coder, widen=widen)
    if args.json:
        out.print_json({**coded.to_json(), "hits": [h.to_json() for h in hits],
                        "left": [h.to_json() for h in left]})
        return 0
    if left:
        roles = sorted({h.role or "speaker" for h in left})
        out.say(f"left {_matches(len(left))} in {' and '.join(roles)} turns uncoded "
                f"(--role {roles[0]} or --role any codes them)")
    if not hits:
        out.say(f"no matches for {args.pattern!r} in respondents' words; nothing was coded"
                if left else f"no matches for {args.pattern!r}; nothing was coded")
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
    Arg("--title", metavar="TEXT",
        help="md, docx, html, xlsx: the title (default: the project's name)"),
    Arg("--paper", choices=("a4", "letter"), type=str.lower, metavar="SIZE",
        help="docx, html: a4 (the default) or letter"),
    Arg("--memos", metavar="KINDS",
        help="md, docx, html: the memos to include, from code, theme, coding, document, case, "
        "project (or all, none; default: code,theme)"),
    Arg("--empty", action="store_true", help="md, docx, html: show codes with nothing coded too"),
    Arg("--times", action="store_true",
        help="md, docx, html: add the time of its turn to each quote (from VTT/SRT captions "
        "or [00:12:31] marks)"),
    Arg("--excel", action="store_true",
        help="csv: UTF-8 with a byte order mark, as Excel reads it"),
    JSON.but(help="print what was written as JSON"),
    description="Write the project for another QDA tool (qdpx: the whole project, qdc: the "
    "codebook; REFI-QDA), a write-up to paste into a thesis (md, docx, html: themes with their "
    "codes, memos and quotes, the codebook, summary tables), every coding as a table (csv), a "
    "workbook of the coded segments, frequencies and matrix (xlsx) or the codebook as a table "
    "that Taguette and spreadsheets read (codebook-csv: path, description, inclusion, "
    "exclusion, example, theme, color). The file is readable only by you (mode 0600).",
)
def cmd_export(args: Args) -> int:
    from workbench.io.export import export

    attrs = [a.strip() for a in (args.attrs or "").split(",") if a.strip()]
    target = _export_target(args)
    project = reading(args)
    exported = export(
        project, args.format, target, attrs=attrs, themes=args.theme, codes=args.code,
        title=args.title, paper=args.paper, memos=args.memos, empty=args.empty,
        times=args.times, excel=args.excel,
    )
    for warning in exported.warnings:
        out.note(f"warning: {warning}")
    if args.json:
        out.print_json(exported.to_json())
    else:
        _report(args)(exported.headline)
    return 0


#: Formats whose bytes would garble a terminal.
BINARY_FORMATS = ("docx", "qdpx", "xlsx")


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
