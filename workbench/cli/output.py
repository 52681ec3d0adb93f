"""Printing for the command line: the records as commands list them, JSON, readable tables,
prompts.

Every object a command prints as JSON has a ``to_json()`` method giving the JSON value (here
the rows of ``docs``, ``cases``, ``codes``, ``quotes`` and ``memos``; elsewhere the results of
searches, reports and exports).

Everything printed for a person goes through :func:`clean`, which shows control characters
(ESC, CR, C1, ...) as U+FFFD: a transcript, a name or a file name can then never send a
terminal a command (retitle it, move the cursor, write the clipboard). JSON escapes them.
``rich`` is imported only when a readable table is printed, so ``--json`` runs stay lean.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from workbench.errors import WorkbenchError
from workbench.printable import undecodable, visible

if TYPE_CHECKING:
    from workbench.core.model import Case, Code, Coding, Document, Memo
    from workbench.core.project import Project

#: The heading of a count that includes the codes below a code.
ALL = "(all)"
#: A description column narrower than this is left out of the codes table.
DESCRIPTION_MIN = 16


# --------------------------------------------------------------------------- listed records
# Each row's JSON is its fields in order: adding a field adds it to the printed objects.
class DocumentRow(NamedTuple):
    """A document as ``docs`` lists it."""

    id: str
    name: str
    case: str | None
    chars: int
    codings: int

    @classmethod
    def of(cls, project: Project, doc: Document) -> DocumentRow:
        case = project.cases.of(doc)
        return cls(doc.id, doc.name, case.name if case else None, len(doc.text),
                   len(project.codings.in_document(doc.id)))

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class CaseRow(NamedTuple):
    """A case as ``cases`` lists it: its attributes and the names of its documents."""

    id: str
    name: str
    attributes: dict[str, str]
    documents: list[str]

    @classmethod
    def of(cls, project: Project, case: Case) -> CaseRow:
        return cls(case.id, case.name, dict(case.attributes),
                   [d.name for d in project.documents.of_case(case)])

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class CodeRow(NamedTuple):
    """A code as ``codes`` lists it: its place in the codebook and how much it is used, by
    itself and (``with_children``: codings, documents, cases) with every code below it."""

    id: str
    name: str
    path: str
    parent: str | None
    is_theme: bool
    color: str
    description: str
    inclusion: str
    exclusion: str
    example: str
    codings: int
    documents: int
    cases: int
    with_children: dict[str, int]

    @classmethod
    def of(cls, project: Project, code: Code,
           totals: dict[str, dict[str, int]] | None = None) -> CodeRow:
        """``totals``: :func:`workbench.analysis.reports.with_children`, computed once for a
        whole codebook (computed here when not given)."""
        segments, documents, cases = project.codebook.counts(code)
        if totals is None:
            from workbench.analysis.reports import with_children

            totals = with_children(project)
        below = totals[code.id]
        return cls(code.id, code.name, project.codebook.path(code), code.parent, code.is_theme,
                   code.color, code.description, code.inclusion, code.exclusion, code.example,
                   segments, documents, cases,
                   {"codings": below["segments"], "documents": below["documents"],
                    "cases": below["cases"]})

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class QuoteRow(NamedTuple):
    """A coded segment as ``quotes`` lists it (and ``code`` prints it)."""

    id: str
    document: str
    case: str | None
    code: str  # the code's path
    coder: str
    start: int  # where ``text`` is: a coding's span without any speaker label in it
    end: int
    text: str
    speaker: str | None  # the label of the turn it is in, as written
    role: str | None  # interviewer, respondent or other
    time: str | None  # the turn's timestamp (from VTT/SRT or a [00:12:31] mark)

    @classmethod
    def of(cls, project: Project, coding: Coding) -> QuoteRow:
        doc = project.documents[coding.document]
        case = project.cases.of(doc)
        code = project.codebook[coding.code]
        segment = project.codings.segment(coding)
        return cls(coding.id, doc.name, case.name if case else None, project.codebook.path(code),
                   coding.coder, segment.start, segment.end, segment.text, segment.speaker,
                   segment.role, segment.time)

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class SpeakerRow(NamedTuple):
    """A speaker label of a document as ``speakers`` lists it: its role and how many turns."""

    label: str
    role: str
    turns: int

    @classmethod
    def all(cls, project: Project, doc: Document) -> list[SpeakerRow]:
        """The document's speaker labels in order of appearance."""
        return [cls(*found) for found in project.documents.speakers(doc)]

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class MemoRow(NamedTuple):
    """A memo as ``memos`` lists it: its target described (``target`` as ``memo --on`` takes
    it, ``about`` in words: a coding by its code, document and text) and, for a memo on a
    coding, the coded segment (``coding``, else ``None``)."""

    id: str
    target: str
    text: str
    author: str
    created: str
    modified: str
    about: str
    coding: QuoteRow | None

    @classmethod
    def of(cls, project: Project, memo: Memo) -> MemoRow:
        target = project.memos.describe_target(memo.target_kind, memo.target_id)
        coding = project.codings.get(memo.target_id) if memo.target_kind == "coding" else None
        quoted = QuoteRow.of(project, coding) if coding is not None and _whole(
            project, coding) else None
        return cls(memo.id, target, memo.text, memo.author, memo.created, memo.modified,
                   memo_about(project, memo), quoted)

    def to_json(self) -> dict[str, Any]:
        row = self._asdict()
        row["coding"] = self.coding.to_json() if self.coding is not None else None
        return row


def memo_about(project: Project, memo: Memo) -> str:
    """What a memo is written on, in words: ``doc:NAME``, ``code:PATH``, ... as ``memo --on``
    takes them, and a coding as ``coding Motivations/Anger in Interview 5: “Мне было…”``."""
    if memo.target_kind != "coding":
        return project.memos.describe_target(memo.target_kind, memo.target_id)
    coding = project.codings.get(memo.target_id)
    if coding is None or not _whole(project, coding):
        return "coding (no longer in the project)"
    code = project.codebook.path(project.codebook[coding.code])
    doc = project.documents[coding.document].name
    return f"coding {code} in {doc}: “{clip(project.codings.segment(coding).text, 50)}”"


def _whole(project: Project, coding: Coding) -> bool:
    """True when a coding's document and code are both in the project."""
    return coding.document in project.documents and coding.code in project.codebook


def print_json(value: Any) -> None:
    """Exactly one JSON value on stdout (control characters escaped, DEL and C1 too)."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    sys.stdout.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


#: What json.dumps leaves unescaped but a terminal may obey: DEL and C1 controls (in JSON
#: text they stand only inside strings, where ``\u0085`` means the same character).
_C1 = re.compile("[\x7f-\x9f]")


# --------------------------------------------------------------------------- readable output
def clean(text: str) -> str:
    """``text`` safe to print on a terminal: every control character but newline and tab
    shown as U+FFFD. Every line this module prints goes through it."""
    return visible(text)


def say(message: str) -> None:
    """One line for a person on stdout."""
    sys.stdout.write(clean(message) + "\n")


def note(message: str) -> None:
    """A remark on stderr that is not an error."""
    sys.stderr.write(clean(message) + "\n")


def error(message: str) -> None:
    """The one ``error: ...`` line on stderr (on one line, cleaned); never raises."""
    one_line = " ".join(clean(message).split()) or "unknown error"
    try:
        sys.stderr.write(f"error: {one_line}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def text_cell(value: Any, style: str | None = None) -> Any:
    """A ``rich`` Text of a value for a table or chart, cleaned like every printed line."""
    from rich.text import Text

    return Text(clean(str(value)), style=style or "")


def write_text(text: str) -> None:
    """A document's text on stdout, byte for byte as stored; on a terminal cleaned first.

    Imported text holds no control characters (import drops them), so for it the two are the
    same. Text from an older or hand-edited file may hold some: a terminal gets them shown as
    U+FFFD, while a pipe or a file gets the text exactly as stored (offsets stay right there).
    """
    sys.stdout.flush()
    stream = sys.stdout.buffer
    if _is_terminal(sys.stdout):
        text = clean(text)
    data = memoryview(text.encode("utf-8"))
    while data:  # a pipe may take part of a large write and then close
        written = stream.write(data)
        data = data[written if written else len(data):]
    stream.flush()


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def clip(text: str, limit: int = 70) -> str:
    """Text on one line, shortened with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
          right: Sequence[str] = ()) -> None:
    """A table of plain values (never read as markup); ``right`` columns are right-aligned."""
    from workbench.cli.grid import print_grid

    print_grid(columns, rows, right=right, title=title)


def swatch(color: str, *, with_hex: bool = True) -> Any:
    """A coloured block for a code's colour in a table (with its ``#rrggbb``)."""
    from rich.color import Color, ColorParseError
    from rich.text import Text

    try:
        Color.parse(color)
    except ColorParseError:
        return text_cell(color)  # a colour rich cannot show is still printed as text
    return Text("■ ", style=color) + Text(color) if with_hex else Text("■", style=color)


def print_docs(project: Project) -> None:
    docs = project.documents.all()
    if not docs:
        say("no documents yet (add some with `workbench import`)")
        return
    rows = []
    for doc in docs:
        row = DocumentRow.of(project, doc)
        rows.append((doc.name, row.case or "-", row.chars, row.codings, doc.id[:8]))
    table(None, ("document", "case", "chars", "codings", "id"), rows, right=("chars", "codings"))


def print_cases(project: Project) -> None:
    cases = project.cases.all()
    if not cases:
        say("no cases yet (make one with `workbench case PROJECT NAME --attr KEY=VALUE`)")
        return
    rows = []
    for case in cases:
        attrs = "; ".join(f"{k}={v}" for k, v in sorted(case.attributes.items())) or "-"
        docs = ", ".join(d.name for d in project.documents.of_case(case)) or "-"
        rows.append((case.name, attrs, docs))
    table(None, ("case", "attributes", "documents"), rows)


def print_codes(project: Project) -> None:
    """The codebook as a tree with each code's counts and, when some code has codes below it,
    the counts with them ("(all)"); the colour and the description get the room that is left
    (the names and numbers come first)."""
    from rich.cells import cell_len
    from rich.console import Console

    from workbench.analysis.reports import with_children
    from workbench.cli.grid import GAP, column_widths, print_grid

    codes = project.codebook.all()
    if not codes:
        say("the codebook is empty (codes are made by `workbench code` or `codebook add`)")
        return
    totals = with_children(project)
    nested = any(code.parent is not None for code in codes)
    names, figures = [], []
    for code in codes:
        segments, documents, cases = project.codebook.counts(code)
        below = totals[code.id]
        theme = "  [theme]" if code.is_theme else ""
        names.append("  " * project.codebook.depth(code) + code.name + theme)
        figures.append((segments, below["segments"], documents, below["documents"], cases,
                        below["cases"]) if nested else (segments, documents, cases))
    numbers = ("codings", ALL, "docs", ALL, "cases", ALL) if nested else (
        "codings", "docs", "cases")
    console = Console(highlight=False)
    used = max(cell_len(n) for n in [*names, "code"]) + sum(
        w + len(GAP) for w in column_widths(numbers, figures))
    after_hex = console.width - used - len(GAP) - len("■ #rrggbb")  # left by a full colour
    if any(code.description.strip() for code in codes):
        with_hex = after_hex - len(GAP) >= DESCRIPTION_MIN
        room = after_hex - len(GAP) + (0 if with_hex else len("■ #rrggbb") - len("colour"))
    else:
        with_hex, room = after_hex >= 0, 0
    columns = ("code", *numbers, "colour", *(["description"] if room >= DESCRIPTION_MIN else []))
    rows = []
    for code, name, counts in zip(codes, names, figures, strict=True):
        colour = swatch(code.color, with_hex=with_hex)
        description = [clip(code.description, min(40, room))] if room >= DESCRIPTION_MIN else []
        rows.append((name, *counts, colour, *description))
    print_grid(columns, rows, right=numbers, console=console)
    if nested:
        say(f"{ALL}: the code with every code below it (each document and case once)")


def print_speakers(document: str, rows: list[SpeakerRow]) -> None:
    if not rows:
        say(f"{document} has no speaker labels (no line starts with one such as `Interviewer:`)")
        return
    table(f"speakers of {document}", ("label", "role", "turns"),
          [tuple(row) for row in rows], right=("turns",))


def print_quotes(project: Project, codings: Sequence[Coding]) -> None:
    if not codings:
        say("no coded segments match")
        return
    for coding in codings:
        q = QuoteRow.of(project, coding)
        who = f"{q.case} · " if q.case else ""
        if q.speaker and q.role != "respondent":
            who += f"{q.speaker} ({q.role or 'speaker'}) · "
        span = f"[{q.start}:{q.end}]"
        say(f"{who}{q.document} {span} {q.code} ({q.coder}) {q.id[:8]}")
        say(f"  “{clip(q.text, 300)}”")
    say(f"{len(codings)} segment{'s' if len(codings) != 1 else ''}")


def print_memos(project: Project) -> None:
    memos = project.memos.all()
    if not memos:
        say("no memos yet (write one with `workbench memo PROJECT --on TARGET --text TEXT`)")
        return
    for n, memo in enumerate(memos):
        if n:
            say("")
        target = memo_about(project, memo)
        stamp = memo.modified or memo.created
        edited = ""
        if memo.modified and memo.modified != memo.created:
            edited = f" (written {memo.created})"
        say(f"── {target} · {memo.author or 'unknown'} · {stamp}{edited} · {memo.id[:8]}")
        for line in memo.text.splitlines() or [""]:
            say(f"   {line}")


# --------------------------------------------------------------------------- input
def check_arguments(argv: Sequence[str]) -> None:
    """Refuse a command-line argument that is not UTF-8 text (a name typed or a file named
    in another encoding): it could be neither stored nor printed."""
    for arg in argv:
        if undecodable(arg):
            raise WorkbenchError(
                f"the argument {clean(arg)!r} is not valid UTF-8 text (shown with \ufffd where "
                "its bytes are not); type it again in UTF-8, or rename the file, and try again "
                "(nothing was changed)"
            )


def read_stdin() -> str:
    """Standard input as UTF-8 text (a BOM dropped); anything else is a WorkbenchError."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # already text (a test's or an embedding program's stream)
        text = sys.stdin.read()
        if undecodable(text):
            raise WorkbenchError("standard input is not UTF-8 text; nothing was changed")
        return text
    data = buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkbenchError(
            f"standard input is not UTF-8 text (bad byte at {exc.start}); nothing was changed"
        ) from None


# --------------------------------------------------------------------------- prompts
def interactive() -> bool:
    """True when a person can answer a question on the terminal."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; anything but y/yes is no."""
    sys.stderr.write(f"{clean(question)} [y/N] ")
    sys.stderr.flush()
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().casefold() in ("y", "yes")


def agreed(question: str, *, yes: bool = False, off_terminal: str) -> bool:
    """Whether to go on with something that cannot be taken back: ``yes`` (``--yes``) or a
    "y" on the terminal; off a terminal without ``--yes``, WorkbenchError(off_terminal), which
    says how to do it anyway. A "no" prints "nothing was changed"."""
    if yes:
        return True
    if not interactive():
        raise WorkbenchError(off_terminal)
    if confirm(question):
        return True
    note("nothing was changed")
    return False
