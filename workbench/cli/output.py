"""Printing for the command line: JSON shapes (SPEC §4), readable tables, prompts.

``rich`` is imported only when a readable table is printed, so ``--json`` runs stay lean.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.model import Case, Code, Coding, Document, Memo
    from workbench.core.project import Project


# --------------------------------------------------------------------------- JSON shapes
def doc_json(project: Project, doc: Document) -> dict[str, Any]:
    """``{"id","name","case","chars","codings"}``."""
    case = project.cases.of(doc)
    return {
        "id": doc.id,
        "name": doc.name,
        "case": case.name if case else None,
        "chars": len(doc.text),
        "codings": len(project.codings.in_document(doc.id)),
    }


def case_json(project: Project, case: Case) -> dict[str, Any]:
    """``{"id","name","attributes","documents"}``."""
    return {
        "id": case.id,
        "name": case.name,
        "attributes": dict(case.attributes),
        "documents": [d.name for d in project.documents.of_case(case)],
    }


def code_json(project: Project, code: Code) -> dict[str, Any]:
    """``{"id","name","path","parent","is_theme","color","description","inclusion",
    "exclusion","example","codings","documents","cases"}``."""
    segments, documents, cases = project.codebook.counts(code)
    return {
        "id": code.id,
        "name": code.name,
        "path": project.codebook.path(code),
        "parent": code.parent,
        "is_theme": code.is_theme,
        "color": code.color,
        "description": code.description,
        "inclusion": code.inclusion,
        "exclusion": code.exclusion,
        "example": code.example,
        "codings": segments,
        "documents": documents,
        "cases": cases,
    }


def quote_json(project: Project, coding: Coding) -> dict[str, Any]:
    """``{"id","document","case","code","coder","start","end","text"}``."""
    doc = project.documents[coding.document]
    case = project.cases.of(doc)
    code = project.codebook[coding.code]
    return {
        "id": coding.id,
        "document": doc.name,
        "case": case.name if case else None,
        "code": project.codebook.path(code),
        "coder": coding.coder,
        "start": coding.start,
        "end": coding.end,
        "text": coding.text,  # kept equal to the document's text there (`check` says if not)
    }


def memo_json(project: Project, memo: Memo) -> dict[str, Any]:
    """``{"id","target","text","author","created","modified"}``."""
    return {
        "id": memo.id,
        "target": project.memos.describe_target(memo.target_kind, memo.target_id),
        "text": memo.text,
        "author": memo.author,
        "created": memo.created,
        "modified": memo.modified,
    }


def print_json(value: Any) -> None:
    """Exactly one JSON value on stdout."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------------------- readable output
def say(message: str) -> None:
    """One line for a person on stdout."""
    sys.stdout.write(message + "\n")


def note(message: str) -> None:
    """A remark on stderr that is not an error."""
    sys.stderr.write(message + "\n")


def clip(text: str, limit: int = 70) -> str:
    """Text on one line, shortened with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
          right: Sequence[str] = ()) -> None:
    """A table of plain values (never read as markup); ``right`` columns are right-aligned."""
    from workbench.cli.grid import print_grid

    print_grid(columns, rows, right=right, title=title)


def swatch(color: str) -> Any:
    """A coloured block for a code's colour in a table."""
    from rich.color import Color, ColorParseError
    from rich.text import Text

    try:
        Color.parse(color)
    except ColorParseError:
        return Text(color)  # a colour rich cannot show is still printed as text
    return Text("■ ", style=color) + Text(color)


def print_docs(project: Project) -> None:
    docs = project.documents.all()
    if not docs:
        say("no documents yet (add some with `workbench import`)")
        return
    rows = []
    for doc in docs:
        info = doc_json(project, doc)
        rows.append((doc.name, info["case"] or "-", info["chars"], info["codings"], doc.id[:8]))
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
    codes = project.codebook.all()
    if not codes:
        say("the codebook is empty (codes are made by `workbench code` or `codebook add`)")
        return
    rows = []
    for code in codes:
        segments, documents, cases = project.codebook.counts(code)
        theme = "  [theme]" if code.is_theme else ""
        name = "  " * project.codebook.depth(code) + code.name + theme
        description = clip(code.description, 40)
        rows.append((name, segments, documents, cases, swatch(code.color), description))
    table(None, ("code", "codings", "docs", "cases", "colour", "description"), rows,
          right=("codings", "docs", "cases"))


def print_quotes(project: Project, codings: Sequence[Coding]) -> None:
    if not codings:
        say("no coded segments match")
        return
    for coding in codings:
        q = quote_json(project, coding)
        who = f"{q['case']} · " if q["case"] else ""
        span = f"[{q['start']}:{q['end']}]"
        say(f"{who}{q['document']} {span} {q['code']} ({q['coder']}) {q['id'][:8]}")
        say(f"  “{clip(q['text'], 300)}”")
    say(f"{len(codings)} segment{'s' if len(codings) != 1 else ''}")


def print_memos(project: Project) -> None:
    memos = project.memos.all()
    if not memos:
        say("no memos yet (write one with `workbench memo PROJECT --on TARGET --text TEXT`)")
        return
    for n, memo in enumerate(memos):
        if n:
            say("")
        target = project.memos.describe_target(memo.target_kind, memo.target_id)
        stamp = memo.modified or memo.created
        edited = ""
        if memo.modified and memo.modified != memo.created:
            edited = f" (written {memo.created})"
        say(f"── {target} · {memo.author or 'unknown'} · {stamp}{edited} · {memo.id[:8]}")
        for line in memo.text.splitlines() or [""]:
            say(f"   {line}")


# --------------------------------------------------------------------------- prompts
def interactive() -> bool:
    """True when a person can answer a question on the terminal."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; anything but y/yes is no."""
    sys.stderr.write(f"{question} [y/N] ")
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
