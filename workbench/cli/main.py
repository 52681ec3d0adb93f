"""``workbench``: the command line (SPEC §4). Parsing, dispatch and the error contract.

User errors print one ``error: ...`` line on stderr and exit 2; an unexpected failure prints
``error: internal error: ...`` and exits 1 (with the traceback when ``WORKBENCH_DEBUG=1``).
Nothing here imports Textual: the TUI is loaded only by ``workbench PROJECT``/``open``.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from pathlib import Path
from typing import NoReturn

from workbench import __version__
from workbench.cli import (
    analysis_commands,
    codebook,
    commands,
    maintenance,
    privacy_commands,
    team_commands,
)
from workbench.errors import WorkbenchError

PROG = "workbench"


class UsageError(Exception):
    """A command line argparse could not make sense of."""


class Parser(argparse.ArgumentParser):
    """argparse with the error contract: one ``error:`` line, no usage dump, exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> Parser:
    parser = Parser(
        prog=PROG,
        description="Qualitative coding of interview transcripts, from the keyboard.",
        epilog="`workbench PROJECT` opens the full-screen interface. "
        "PROJECT is a project file or a folder holding project.json.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str, run, *, json: bool = False, **kw) -> Parser:
        p = sub.add_parser(name, help=help, description=help[:1].upper() + help[1:] + ".", **kw)
        p.add_argument("project", metavar="PROJECT", help="project file or folder")
        if json:
            p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(run=run)
        return p

    command("open", "open the full-screen interface (asks to create a missing project)",
            commands.cmd_open)
    p = command("init", "create a new empty project", commands.cmd_init)
    p.add_argument("--name", help="the project's name (default: the folder or file name)")

    p = command("import", "import transcripts (.txt .md .docx .odt .vtt .srt), REFI-QDA "
                "projects and codebooks (.qdpx .qdc) and Taguette files (.sqlite3 project "
                "export, .csv highlights or codebook) in one step", commands.cmd_import)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--case", metavar="NAME", help="attach the documents to this case")
    p.add_argument("--attr", action="append", metavar="KEY=VALUE", help="case attribute (repeat)")
    p.add_argument("--encoding", metavar="NAME", help="encoding of files not in UTF-8/UTF-16")
    p.add_argument("--tag-separator", metavar="SEP",
                   help="Taguette: what separates the parts of a tag path, e.g. '.' "
                   "(default '/', as in code paths; 'none' keeps each tag whole)")
    p.add_argument("--coder", metavar="NAME",
                   help="Taguette: the coder of the imported highlights (default: from the "
                   "config; Taguette's files do not say who made them)")

    command("docs", "list the documents", commands.cmd_docs, json=True)
    p = command("text", "print a document's normalised text", commands.cmd_text)
    p.add_argument("doc", metavar="DOC", help="document name or id")
    command("cases", "list the cases with their attributes", commands.cmd_cases, json=True)
    p = command("case", "create a case, set its attributes, attach documents", commands.cmd_case)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--attr", action="append", metavar="KEY=VALUE",
                   help="set an attribute (KEY= removes it; repeat)")
    p.add_argument("--doc", action="append", metavar="DOC", help="attach a document (repeat)")

    p = command("code", "apply a code (created if new) to text[START:END]", commands.cmd_code,
                json=True)
    p.add_argument("doc", metavar="DOC", help="document name or id")
    p.add_argument("start", metavar="START", type=int, help="first code point (from 0)")
    p.add_argument("end", metavar="END", type=int, help="code point after the last one")
    p.add_argument("code", metavar="CODE", help="code path, e.g. Motivations/Anger")
    p.add_argument("--coder", metavar="NAME", help="coder name (default: from the config)")
    p = command("uncode", "remove a coding", commands.cmd_uncode)
    p.add_argument("coding_id", metavar="CODING_ID")
    command("codes", "list the codebook with counts", commands.cmd_codes, json=True)
    p = command("quotes", "list coded segments", commands.cmd_quotes, json=True)
    p.add_argument("--code", metavar="PATH", help="only this code and the codes below it")
    p.add_argument("--case", metavar="NAME", help="only documents of this case")
    p.add_argument("--coder", metavar="NAME", help="only this coder's codings")

    p = command("memo", "write a memo", commands.cmd_memo)
    p.add_argument("--on", required=True, metavar="TARGET",
                   help="project, doc:NAME, case:NAME, code:PATH or coding:ID")
    p.add_argument("--text", required=True, help="the memo ('-' reads standard input)")
    p.add_argument("--author", metavar="NAME", help="author (default: the coder name)")
    command("memos", "list the memos, newest first", commands.cmd_memos, json=True)

    command("check", "check the project's integrity (exit 1 on problems)", commands.cmd_check)
    command("undo", "undo the last change", commands.cmd_undo)
    command("redo", "redo the last undone change", commands.cmd_redo)
    codebook.add_parser(sub)
    analysis_commands.add_parsers(sub)
    privacy_commands.add_parsers(sub)
    team_commands.add_parsers(sub)
    p = command("edit", "edit a document's text in $EDITOR; codings follow the text",
                maintenance.cmd_edit)
    p.add_argument("doc", metavar="DOC", help="document name or id")
    p = command("restore", "bring back the newest readable backup", maintenance.cmd_restore)
    p.add_argument("--yes", action="store_true", help="do not ask")
    return parser


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _with_open(argv: list[str], names: set[str]) -> list[str]:
    """``workbench PROJECT`` means ``workbench open PROJECT``; a near-miss is a typo."""
    first = argv[0]
    if first.startswith("-") or first in names:
        return argv
    if len(argv) > 1 and not Path(first).exists():
        close = difflib.get_close_matches(first, sorted(names), n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise UsageError(f"unknown command {first!r}{hint} (see `{PROG} --help`)")
    return ["open", *argv]


def run(argv: list[str]) -> int:
    parser = build_parser()
    if not argv:
        parser.print_help()
        return 0
    args = parser.parse_args(_with_open(argv, _command_names(parser)))
    return args.run(args)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return run(argv)
    except (WorkbenchError, UsageError) as exc:
        _error(str(exc))
        return 2
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except Exception as exc:  # the last line of defence
        if os.environ.get("WORKBENCH_DEBUG") == "1":
            import traceback

            traceback.print_exc()
        _error(f"internal error: {type(exc).__name__}: {exc}")
        return 1


def _error(message: str) -> None:
    one_line = " ".join(message.split()) or "unknown error"
    try:
        sys.stderr.write(f"error: {one_line}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
