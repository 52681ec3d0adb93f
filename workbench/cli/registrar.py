"""Every ``workbench`` command, the arguments they share, and the parser built from them.

:data:`COMMANDS` lists each command with its module and its one-line help, so
``workbench --help`` lists them all without importing any of them. A module declares each of
its commands with :func:`command`: the name and the arguments, in the order ``--help`` shows
them, shared ones (:data:`PROJECT`, :data:`JSON`, :data:`CODER`, ...) or its own (:class:`Arg`).
A command's module is imported only to build that command's parser and run it, so
``workbench PROJECT`` goes to the full-screen interface without loading the others.

Adding a command is one step in two places, side by side:

1. in the module it belongs to, the function that runs it (arguments in, exit status out;
   user errors raised as ``WorkbenchError``)::

       @command("speakers", PROJECT, DOC,
                Arg("--set", action="append", metavar="LABEL=ROLE", help="set a role (repeat)"),
                JSON)
       def cmd_speakers(args: Args) -> int: ...

2. its line in :data:`COMMANDS` (where it stands there is where ``--help`` lists it)::

       "speakers": ("commands", "a document's speaker labels and roles"),

A new flag on an existing command is one more :class:`Arg` in its ``@command``. A command
missing from COMMANDS, or declared twice, fails as soon as its module is imported.
"""

from __future__ import annotations

import argparse
import importlib

from workbench import __version__

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without loading typing: --help needs argparse
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn

    #: What adds arguments to a command's parser: an Arg, a OneOf, or a function.
    Part = Callable[[argparse.ArgumentParser], None]

PROG = "workbench"

#: name -> (module in workbench.cli, one-line help), in the order ``workbench --help`` lists them
COMMANDS: dict[str, tuple[str, str]] = {
    "open": ("opening", "open the full-screen interface (asks to create a missing project)"),
    "init": ("commands", "create a new empty project"),
    "import": ("commands", "import transcripts (.txt .md .docx .odt .vtt .srt), REFI-QDA "
               "projects and codebooks (.qdpx .qdc) and Taguette files (.sqlite3 project "
               "export, .csv highlights or codebook) in one step"),
    "docs": ("commands", "list the documents"),
    "text": ("commands", "print a document's normalised text"),
    "speakers": ("commands", "a document's speaker labels and roles; --set changes a role"),
    "remove": ("commands", "remove a document with its codings and memos (undoable)"),
    "cases": ("commands", "list the cases with their attributes"),
    "case": ("commands", "create a case, set its attributes, attach documents"),
    "code": ("commands", "apply a code (created if new) to text[START:END]"),
    "uncode": ("commands", "remove a coding"),
    "recode": ("commands", "move a coding's bounds or change its code (undoable)"),
    "codes": ("commands", "list the codebook with counts"),
    "quotes": ("commands", "list coded segments"),
    "memo": ("commands", "write a memo"),
    "memos": ("commands", "list the memos, newest first"),
    "check": ("commands", "check the project's integrity (exit 1 on problems)"),
    "undo": ("commands", "undo the last change"),
    "redo": ("commands", "redo the last undone change"),
    "codebook": ("codebook", "restructure the codebook: add, rename, move, merge, delete, "
                 "theme, describe, color"),
    "report": ("analysis_commands", "reports: frequencies, matrix, cooccurrence, saturation"),
    "search": ("analysis_commands",
               "search every document (keyword in context); --code codes the hits"),
    "export": ("analysis_commands", "write the project out: qdpx, qdc (REFI-QDA), md, docx, "
               "html (a write-up), csv, xlsx, codebook-csv"),
    "pseudonymize": ("privacy_commands",
                     "replace names by pseudonyms everywhere (one undoable step)"),
    "names": ("privacy_commands", "candidate names to review before pseudonymising"),
    "redact": ("privacy_commands", "replace text[START:END] of a document (codings over it "
               "are moved or shrunk)"),
    "purge-history": ("privacy_commands", "forget the undo history and delete backups, so "
                      "removed text is gone from the files"),
    "withdraw": ("privacy_commands",
                 "consent withdrawal: remove a case and all of it, history and backups included"),
    "encrypt": ("privacy_commands",
                "encrypt the project file at rest (AES-256-GCM, key from a passphrase)"),
    "decrypt": ("privacy_commands", "turn an encrypted project back into a plain project file"),
    "coders": ("team_commands", "list the coders with their coding counts"),
    "agree": ("team_commands",
              "agreement of two coders per code: percent agreement, kappa, alpha"),
    "disagreements": ("team_commands",
                      "the stretches of text one coder coded and the other did not"),
    "merge": ("team_commands",
              "three-way merge of project files (git's merge driver: %%O %%A %%B)"),
    "merge-in": ("team_commands",
                 "merge a colleague's copy of the project (no common base) as one step"),
    "conflicts": ("team_commands", "list the conflicts kept by a merge, or resolve one"),
    "git-setup": ("team_commands", "make git merge project files with `workbench merge`"),
    "edit": ("maintenance", "edit a document's text in $EDITOR; codings follow the text"),
    "restore": ("maintenance", "bring back the newest readable backup"),
}


# --------------------------------------------------------------------------- arguments
class Arg:
    """One argument of a command: what ``add_argument`` takes, kept until a parser needs it."""

    __slots__ = ("flags", "settings")

    def __init__(self, *flags: str, **settings: Any) -> None:
        self.flags = flags
        self.settings = settings

    def but(self, **changes: Any) -> Arg:
        """The same argument with some settings changed (most often its help)."""
        return Arg(*self.flags, **{**self.settings, **changes})

    def __call__(self, parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
        parser.add_argument(*self.flags, **self.settings)


class OneOf:
    """Arguments of which at most one may be given (e.g. ``--json`` or ``--csv``)."""

    __slots__ = ("args",)

    def __init__(self, *args: Arg) -> None:
        self.args = args

    def __call__(self, parser: argparse.ArgumentParser) -> None:
        group = parser.add_mutually_exclusive_group()
        for arg in self.args:
            arg(group)


PROJECT = Arg("project", metavar="PROJECT", help="project file or folder")
JSON = Arg("--json", action="store_true", help="print JSON")
CODER = Arg("--coder", metavar="NAME", help="coder name (default: from the config)")
DOC = Arg("doc", metavar="DOC", help="document name or id")
START = Arg("start", metavar="START", type=int, help="first code point (from 0)")
END = Arg("end", metavar="END", type=int, help="code point after the last one")
YES = Arg("--yes", action="store_true", help="do not ask")


# --------------------------------------------------------------------------- commands
class Command:
    """A command as its module declared it: the function that runs it and its arguments."""

    __slots__ = ("name", "run", "parts", "description")

    def __init__(self, name: str, run: Callable[[argparse.Namespace], int],
                 parts: tuple[Part, ...], description: str | None = None) -> None:
        self.name = name
        self.run = run
        self.parts = parts
        self.description = description

    def build(self, parser: argparse.ArgumentParser) -> None:
        """Give ``parser`` (listed with the command's help) its description and arguments."""
        if self.description is not None:
            parser.description = self.description
        for part in self.parts:
            part(parser)


_defined: dict[str, Command] = {}


def command(name: str, *parts: Part, description: str | None = None):
    """Declare the function it decorates as the command ``name`` (listed in COMMANDS), with
    ``parts`` as its arguments; ``description`` is the longer text of its ``--help``
    (default: its one-line help as a sentence)."""

    def declare(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        if name not in COMMANDS:
            raise LookupError(f"command {name!r} is not listed in registrar.COMMANDS")
        earlier = _defined.get(name)
        if earlier is not None and _where(earlier.run) != _where(run):
            raise LookupError(f"command {name!r} is declared twice: {_where(earlier.run)}, "
                              f"{_where(run)}")
        _defined[name] = Command(name, run, parts, description)
        return run

    return declare


def _where(run: Callable[..., Any]) -> str:
    return f"{run.__module__}.{run.__qualname__}"


def defined(name: str) -> Command:
    """The command ``name``, its module imported."""
    module, _ = COMMANDS[name]
    importlib.import_module(f"workbench.cli.{module}")
    try:
        return _defined[name]
    except KeyError:
        raise LookupError(f"workbench.cli.{module} declares no command {name!r}") from None


# --------------------------------------------------------------------------- the parser
class UsageError(Exception):
    """A command line argparse could not make sense of."""


class Parser(argparse.ArgumentParser):
    """argparse with the error contract: one ``error:`` line, no usage dump, exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser(chosen: str | None = None) -> Parser:
    """The parser of ``workbench``: every command listed with its help, and the command
    ``chosen`` (if any) with its arguments, which imports its module (and only that one)."""
    parser = Parser(
        prog=PROG,
        description="Qualitative coding of interview transcripts, from the keyboard.",
        epilog="`workbench PROJECT` opens the full-screen interface. "
        "PROJECT is a project file or a folder holding project.json.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help) in COMMANDS.items():
        listed = sub.add_parser(name, help=help, description=help[:1].upper() + help[1:] + ".")
        if name == chosen:
            defined(name).build(listed)
    return parser
