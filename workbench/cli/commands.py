"""The project commands: init, open, import, docs, text, cases, case, code, uncode, codes,
quotes, memo, memos, check, undo, redo. Each takes the parsed arguments and returns the exit
status; user errors are raised as :class:`WorkbenchError`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.cli import output as out
from workbench.core.project import Project, resolve_path
from workbench.errors import ProjectUnreadable, WorkbenchError

Args = argparse.Namespace
REFI_SUFFIXES = (".qdpx", ".qdc")
TAGUETTE_SUFFIXES = (".sqlite3", ".sqlite", ".csv")


# --------------------------------------------------------------------------- helpers
@contextmanager
def writing(args: Args) -> Iterator[Project]:
    """The project open for writing; saved when the block ends without an error."""
    with Project.open(args.project, write=True) as project:
        held = project.lock.took_over_from if project.lock else None
        if held:
            out.note(
                f"note: took over the lock left by process {held.get('pid')} on "
                f"{held.get('host')}, which is no longer running"
            )
        yield project


def reading(args: Args) -> Project:
    """The project open read-only (no lock, so it works while another process writes)."""
    return Project.open(args.project)


def coder_of(args: Args) -> str:
    """``--coder``/``--author``, else the configured coder name."""
    given = getattr(args, "coder", None) or getattr(args, "author", None)
    if given:
        return given
    from workbench.core.config import default_coder

    return default_coder()


def parse_attrs(pairs: list[str] | None) -> dict[str, str]:
    """``KEY=VALUE`` strings as a dictionary (``KEY=`` keeps an empty value: removal)."""
    attrs: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise WorkbenchError(f"--attr expects KEY=VALUE, got {pair!r}")
        attrs[key.strip()] = value.strip()
    return attrs


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------- creating, opening
def cmd_init(args: Args) -> int:
    with Project.create(args.project, name=args.name) as project:
        out.say(f"created {project.path} ({project.name!r})")
    return 0


def cmd_open(args: Args) -> int:
    path = resolve_path(args.project)
    if not path.exists():
        new = resolve_path(args.project, for_create=True)
        if not out.interactive():
            raise WorkbenchError(
                f"no project at {new}; create one with `workbench init {args.project}`"
            )
        if not out.confirm(f"Create a new project at {new}?"):
            out.note("nothing was created")
            return 1
        with Project.create(new):
            pass
        path = new
    try:
        from workbench.tui.app import run_app
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("workbench.tui"):
            raise WorkbenchError("the full-screen interface is not in this build") from None
        raise
    return int(run_app(path) or 0)


# --------------------------------------------------------------------------- documents and cases
def cmd_import(args: Args) -> int:
    from workbench.io.importers import read_transcript
    from workbench.io.refi import import_refi
    from workbench.io.taguette import import_taguette

    attrs = parse_attrs(args.attr)
    if attrs and not args.case:
        raise WorkbenchError("--attr sets attributes of a case: give the case with --case NAME")
    # every file is read before the project is opened: one bad file and nothing changes
    texts = []
    exchange_files = [Path(n) for n in args.files
                      if Path(n).suffix.lower() in (*REFI_SUFFIXES, *TAGUETTE_SUFFIXES)]
    taguette_files = [p for p in exchange_files if p.suffix.lower() in TAGUETTE_SUFFIXES]
    if exchange_files and (args.case or args.encoding) and len(exchange_files) == len(args.files):
        raise WorkbenchError(
            "--case, --attr and --encoding apply to transcripts, not to .qdpx/.qdc/.sqlite3/.csv "
            "files"
        )
    if (args.tag_separator is not None or args.coder) and not taguette_files:
        raise WorkbenchError("--tag-separator and --coder apply to Taguette files (.sqlite3, .csv)")
    for name in args.files:
        path = Path(name)
        if path in exchange_files:
            if not path.is_file():
                raise WorkbenchError(f"{path} does not exist")
            continue
        try:
            imported = read_transcript(path, args.encoding)
        except OSError as exc:
            raise WorkbenchError(f"cannot read {path}: {exc.strerror or exc}") from None
        if not imported.text.strip():
            raise WorkbenchError(f"{path} contains no text")
        texts.append((path, imported))
    separator = args.tag_separator
    if separator is not None and separator.strip().casefold() in ("", "none"):
        separator = ""
    with writing(args) as project:
        seen: dict[str, Path] = {}
        for path, imported in texts:
            if imported.name in seen:
                raise WorkbenchError(
                    f"{seen[imported.name]} and {path} would both be named {imported.name!r}; "
                    "rename one of the files"
                )
            if project.documents.by_name(imported.name) is not None:
                raise WorkbenchError(
                    f"a document named {imported.name!r} is already in the project ({path} not "
                    "imported; nothing was imported)"
                )
            seen[imported.name] = path
        names = [imported.name for _, imported in texts] + [p.name for p in exchange_files]
        label = f"import {names[0]}" if len(names) == 1 else f"import {len(names)} files"
        with project.change(label):
            if args.case and texts:
                project.cases.set(args.case, attrs)
            docs = [
                project.documents.add(
                    imported.name,
                    imported.text,
                    source=imported.source or path.name,
                    paragraphs=imported.paragraphs or None,
                    case=args.case,
                )
                for path, imported in texts
            ]
            # after the transcripts: a highlights CSV finds its documents among them
            summaries = [
                import_taguette(project, path, coder=coder_of(args),
                                tag_separator="/" if separator is None else separator)
                if path in taguette_files else import_refi(project, path)
                for path in exchange_files
            ]
    for doc in docs:
        where = f" for {args.case.strip()}" if args.case else ""
        paragraphs = plural(len(doc.paragraphs), "paragraph")
        out.say(f"imported {doc.name}: {len(doc.text)} chars, {paragraphs}{where}")
    for summary in summaries:
        for line in summary.lines():
            out.say(line)
    return 0


def cmd_docs(args: Args) -> int:
    project = reading(args)
    if args.json:
        out.print_json([out.doc_json(project, d) for d in project.documents.all()])
    else:
        out.print_docs(project)
    return 0


def cmd_text(args: Args) -> int:
    project = reading(args)
    doc = project.documents.named(args.doc)
    sys.stdout.flush()
    stream = sys.stdout.buffer
    data = memoryview(doc.text.encode("utf-8"))
    while data:  # a pipe may take part of a large write and then close
        written = stream.write(data)
        data = data[written if written else len(data):]
    stream.flush()
    return 0


def cmd_cases(args: Args) -> int:
    project = reading(args)
    if args.json:
        out.print_json([out.case_json(project, c) for c in project.cases.all()])
    else:
        out.print_cases(project)
    return 0


def cmd_case(args: Args) -> int:
    attrs = parse_attrs(args.attr)
    with writing(args) as project:
        docs = [project.documents.named(ref) for ref in args.doc or []]
        existed = project.cases.by_name(args.name.strip()) is not None
        with project.change(f"case {args.name.strip()}"):
            case = project.cases.set(args.name, attrs)
            for doc in docs:
                project.documents.set_case(doc, case.name)
        case = project.cases.named(case.name)
        info = out.case_json(project, case)
    attributes = "; ".join(f"{k}={v}" for k, v in sorted(info["attributes"].items())) or "none"
    out.say(f"{'case' if existed else 'new case'} {case.name}: attributes {attributes}")
    if info["documents"]:
        out.say(f"  documents: {', '.join(info['documents'])}")
    return 0


# --------------------------------------------------------------------------- codings and codes
def cmd_code(args: Args) -> int:
    coder = coder_of(args)
    with writing(args) as project:
        doc = project.documents.named(args.doc)
        before = project.revision
        coding = project.codings.add(doc, args.start, args.end, args.code, coder)
        quote = out.quote_json(project, coding)
        fresh = project.revision != before
    if args.json:
        out.print_json(quote)
    else:
        verb = "coded" if fresh else "already coded"
        out.say(
            f"{verb} {quote['document']} [{quote['start']}:{quote['end']}] with {quote['code']}: "
            f"“{out.clip(quote['text'])}” (coding {coding.id})"
        )
    return 0


def cmd_uncode(args: Args) -> int:
    with writing(args) as project:
        coding = project.codings.find(args.coding_id)
        quote = out.quote_json(project, coding)
        project.codings.remove(coding)
    out.say(
        f"removed coding {coding.id}: {quote['code']} on {quote['document']} "
        f"[{quote['start']}:{quote['end']}] “{out.clip(quote['text'])}”"
    )
    return 0


def cmd_codes(args: Args) -> int:
    project = reading(args)
    if args.json:
        out.print_json([out.code_json(project, c) for c in project.codebook.all()])
    else:
        out.print_codes(project)
    return 0


def cmd_quotes(args: Args) -> int:
    project = reading(args)
    code_ids: set[str] | None = None
    if args.code:
        code = project.codebook.find(args.code)
        code_ids = {code.id, *(c.id for c in project.codebook.descendants(code))}
    case_id = project.cases.named(args.case).id if args.case else None
    found = []
    for doc in project.documents.all():
        if args.case and doc.case != case_id:
            continue
        for coding in project.codings.of_document(doc):
            if code_ids is not None and coding.code not in code_ids:
                continue
            if args.coder and coding.coder != args.coder:
                continue
            found.append(coding)
    if args.json:
        out.print_json([out.quote_json(project, c) for c in found])
    else:
        out.print_quotes(project, found)
    return 0


# --------------------------------------------------------------------------- memos
def cmd_memo(args: Args) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    author = coder_of(args)
    with writing(args) as project:
        kind, target_id = project.memos.resolve_target(args.on)
        memo = project.memos.add(kind, target_id, text, author)
        target = project.memos.describe_target(kind, target_id)
    out.say(f"memo {memo.id} on {target}")
    return 0


def cmd_memos(args: Args) -> int:
    project = reading(args)
    if args.json:
        out.print_json([out.memo_json(project, m) for m in project.memos.all()])
    else:
        out.print_memos(project)
    return 0


# --------------------------------------------------------------------------- check, undo, redo
def cmd_check(args: Args) -> int:
    from workbench.core.integrity import check_data, summary
    from workbench.store.migrations import migrate
    from workbench.store.storage import AtomicJSONStorage

    path = resolve_path(args.project)
    if not path.exists():
        raise WorkbenchError(f"no project at {path}")
    data = AtomicJSONStorage(path).read()
    assert data is not None
    try:
        data, _ = migrate(data, path)
    except ProjectUnreadable:
        pass  # check_data names the schema problem
    problems = check_data(data)
    if not problems:
        out.say(f"ok: {summary(data)}")
        return 0
    for problem in problems:
        out.say(problem)
    out.note(f"{plural(len(problems), 'problem')} in {path}")
    return 1


def cmd_undo(args: Args) -> int:
    with writing(args) as project:
        entry = project.undo()
    out.say(f"undid: {entry.label}" if entry else "nothing to undo")
    return 0


def cmd_redo(args: Args) -> int:
    with writing(args) as project:
        entry = project.redo()
    out.say(f"redid: {entry.label}" if entry else "nothing to redo")
    return 0
