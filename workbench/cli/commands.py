"""The project commands: init, import, docs, text, speakers, remove, cases, case, code,
recode, uncode, codes, quotes, memo, memos, check, undo, redo; and the helpers the command
modules share (the project open for reading or writing, the coder's name, ``KEY=VALUE``
attributes).

Each command takes the parsed arguments and returns the exit status; user errors are raised
as :class:`WorkbenchError`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.cli import output as out
from workbench.cli.registrar import CODER, DOC, END, JSON, PROJECT, START, Arg, command
from workbench.core.cases import split_attribute
from workbench.core.project import Project, TakenFromDisk, resolve_path
from workbench.errors import ProjectUnreadable, WorkbenchError
from workbench.wording import plural

Args = argparse.Namespace


# --------------------------------------------------------------------------- helpers
@contextmanager
def writing(args: Args) -> Iterator[Project]:
    """The project open for writing; saved when the block ends without an error (merging
    first what another program changed in the file meanwhile, with a note)."""
    with Project.open(args.project, write=True) as project:
        say_lock_notes(project)
        project.disk_merger = _merge_from_disk
        yield project


def _merge_from_disk(project: Project, base: bytes, theirs: bytes) -> TakenFromDisk:
    from workbench.team.ondisk import merge_from_disk

    taken = merge_from_disk(project, base, theirs)
    out.note(f"note: {taken.message}")
    return taken


def say_lock_notes(project: Project) -> None:
    """What taking the write lock found: a dead holder taken over, a folder open to others."""
    if project.lock is None:
        return
    held = project.lock.took_over_from
    if held:
        out.note(
            f"note: took over the lock left by process {held.get('pid')} on "
            f"{held.get('host')}, which is no longer running"
        )
    for warning in project.lock.warnings:
        out.note(warning)


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
        found = split_attribute(pair, "=")
        if found is None or not found[0]:
            raise WorkbenchError(f"--attr expects KEY=VALUE, got {pair!r}")
        key, value = found
        attrs[key] = value
    return attrs


# --------------------------------------------------------------------------- creating
@command("init", PROJECT,
         Arg("--name", help="the project's name (default: the folder or file name)"))
def cmd_init(args: Args) -> int:
    with Project.create(args.project, name=args.name) as project:
        say_lock_notes(project)
        out.say(f"created {project.path} ({project.name!r})")
    return 0


# --------------------------------------------------------------------------- documents and cases
@command(
    "import",
    PROJECT,
    Arg("files", nargs="+", metavar="FILE"),
    Arg("--case", metavar="NAME", help="attach the documents to this case"),
    Arg("--attr", action="append", metavar="KEY=VALUE", help="case attribute (repeat)"),
    Arg("--encoding", metavar="NAME", help="encoding of files not in UTF-8/UTF-16"),
    Arg("--follow-symlinks", action="store_true",
        help="import files that are links to another folder (refused by default)"),
    Arg("--interviewer", action="append", metavar="LABEL",
        help="this speaker label is the interviewer's (repeat); roles are detected otherwise"),
    Arg("--tag-separator", metavar="SEP",
        help="Taguette: what separates the parts of a tag path, e.g. '.' (default '/', as in "
        "code paths; 'none' keeps each tag whole)"),
    CODER.but(help="Taguette: the coder of the imported highlights (default: from the config; "
              "Taguette's files do not say who made them)"),
)
def cmd_import(args: Args) -> int:
    from workbench.io.importing import (
        import_files,
        is_exchange_file,
        is_taguette_file,
        read_files,
    )

    attrs = parse_attrs(args.attr)
    if attrs and not args.case:
        raise WorkbenchError("--attr sets attributes of a case: give the case with --case NAME")
    files = [Path(name) for name in args.files]
    exchange_files = [p for p in files if is_exchange_file(p)]
    if exchange_files and (args.case or args.encoding) and len(exchange_files) == len(files):
        raise WorkbenchError(
            "--case, --attr and --encoding apply to transcripts, not to .qdpx/.qdc/.sqlite3/.csv "
            "files"
        )
    if (args.tag_separator is not None or args.coder) and not any(map(is_taguette_file, files)):
        raise WorkbenchError("--tag-separator and --coder apply to Taguette files (.sqlite3, .csv)")
    # every file is read before the project is opened: one bad file and nothing changes
    plan = read_files(files, case=args.case, attributes=attrs, encoding=args.encoding,
                      follow_symlinks=args.follow_symlinks,
                      interviewers=args.interviewer or [])
    separator = args.tag_separator
    if separator is not None and separator.strip().casefold() in ("", "none"):
        separator = ""
    with writing(args) as project:
        result = import_files(project, plan, coder=coder_of(args) if plan.taguette else "",
                              tag_separator=separator)
    for doc, imported in zip(result.documents, result.texts, strict=True):
        where = f" for {plan.case}" if plan.case else ""
        paragraphs = plural(len(doc.paragraphs), "paragraph")
        dropped = f" ({plural(imported.controls, 'control character')} removed)" if (
            imported.controls) else ""
        out.say(f"imported {doc.name}: {len(doc.text)} chars, {paragraphs}{where}{dropped}")
        if result.speakers[doc.id]:
            roles = ", ".join(f"{label} ({role})" for label, role, _ in result.speakers[doc.id])
            out.say(f"  speakers: {roles}")
    for summary in result.summaries:
        for line in summary.lines():
            out.say(line)
    if any(result.speakers.values()):
        out.say("(`workbench speakers PROJECT DOC --set LABEL=ROLE` changes a role)")
    return 0


def parse_roles(pairs: list[str] | None) -> dict[str, str]:
    """``LABEL=ROLE`` strings as a dictionary (a label may hold ``=``; a role never does)."""
    from workbench.core.turns import ROLES

    roles: dict[str, str] = {}
    for pair in pairs or []:
        label, sep, role = pair.rpartition("=")
        role = role.strip().casefold()
        if not sep or not label.strip():
            raise WorkbenchError(f"--set expects LABEL=ROLE, got {pair!r}")
        if role not in ROLES:
            raise WorkbenchError(f"--set {pair!r}: the role must be {', '.join(ROLES)}")
        roles[label.strip()] = role
    return roles


@command(
    "speakers",
    PROJECT,
    DOC,
    Arg("--set", action="append", metavar="LABEL=ROLE",
        help="role of a label: interviewer, respondent or other (repeat; undoable)"),
    JSON,
)
def cmd_speakers(args: Args) -> int:
    """A document's speaker labels and their roles; ``--set LABEL=ROLE`` changes roles."""
    roles = parse_roles(args.set)
    if roles:
        with writing(args) as project:
            doc = project.documents.named(args.doc)
            before = dict(doc.roles)
            doc = project.documents.set_roles(doc, roles)
            rows = out.SpeakerRow.all(project, doc)
    else:
        project = reading(args)
        doc = project.documents.named(args.doc)
        before, rows = dict(doc.roles), out.SpeakerRow.all(project, doc)
    if args.json:
        out.print_json([row.to_json() for row in rows])
        return 0
    out.print_speakers(doc.name, rows)
    changed = [label for label, role in roles.items() if before.get(label) != role]
    if changed:
        out.say(f"set {', '.join(f'{label} = {roles[label]}' for label in changed)}; "
                "`workbench undo` takes it back")
    elif roles:
        out.say("nothing changed: the roles were already so")
    return 0


@command("remove", PROJECT, DOC, JSON)
def cmd_remove(args: Args) -> int:
    """Remove a document with its codings and memos (undoable)."""
    with writing(args) as project:
        removed = project.documents.remove(project.documents.named(args.doc))
    if args.json:
        out.print_json(
            {"document": removed.document.name, "codings": removed.codings,
             "memos": removed.memos}
        )
        return 0
    out.say(
        f"removed {removed.document.name} with {plural(removed.codings, 'coding')} and "
        f"{plural(removed.memos, 'memo')}; `workbench undo` brings it back"
    )
    return 0


@command("docs", PROJECT, JSON)
def cmd_docs(args: Args) -> int:
    project = reading(args)
    if args.json:
        out.print_json([out.DocumentRow.of(project, d).to_json() for d in project.documents.all()])
    else:
        out.print_docs(project)
    return 0


@command("text", PROJECT, DOC)
def cmd_text(args: Args) -> int:
    project = reading(args)
    doc = project.documents.named(args.doc)
    out.write_text(doc.text)
    return 0


@command("cases", PROJECT, JSON)
def cmd_cases(args: Args) -> int:
    project = reading(args)
    if args.json:
        out.print_json([out.CaseRow.of(project, c).to_json() for c in project.cases.all()])
    else:
        out.print_cases(project)
    return 0


@command(
    "case",
    PROJECT,
    Arg("name", metavar="NAME"),
    Arg("--attr", action="append", metavar="KEY=VALUE",
        help="set an attribute (KEY= removes it; repeat)"),
    Arg("--doc", action="append", metavar="DOC", help="attach a document (repeat)"),
)
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
        row = out.CaseRow.of(project, case)
    attributes = "; ".join(f"{k}={v}" for k, v in sorted(row.attributes.items())) or "none"
    out.say(f"{'case' if existed else 'new case'} {case.name}: attributes {attributes}")
    if row.documents:
        out.say(f"  documents: {', '.join(row.documents)}")
    return 0


# --------------------------------------------------------------------------- codings and codes
@command(
    "code",
    PROJECT,
    JSON,
    DOC,
    START,
    END,
    Arg("code", metavar="CODE", help="code path, e.g. Motivations/Anger"),
    CODER,
)
def cmd_code(args: Args) -> int:
    coder = coder_of(args)
    with writing(args) as project:
        doc = project.documents.named(args.doc)
        applied = project.codings.apply(doc, args.start, args.end, args.code, coder)
        coding = applied.coding
        quote = out.QuoteRow.of(project, coding)
    if args.json:
        out.print_json({**quote.to_json(), "outcome": applied.outcome})
        return 0
    verb = {"added": "coded", "extended": "extended", "unchanged": "already coded"}
    what = (
        f"{quote.document} [{coding.start}:{coding.end}] with {quote.code}: "
        f"“{out.clip(quote.text)}” (coding {coding.id})"
    )
    if applied.extended:
        merged = f", merging {plural(len(applied.absorbed), 'other coding')}" \
            if applied.absorbed else ""
        out.say(f"extended the coding of the same code by {coding.coder}{merged}: it is one "
                f"segment now, {what}")
    else:
        out.say(f"{verb[applied.outcome]} {what}")
    return 0


@command(
    "recode",
    PROJECT,
    Arg("coding_id", metavar="CODING", help="coding id (or its first 6+ characters)"),
    Arg("--start", type=int, metavar="N", help="new first code point"),
    Arg("--end", type=int, metavar="N", help="new end (the code point after the last)"),
    Arg("--code", metavar="PATH", help="new code (created if new)"),
    JSON,
)
def cmd_recode(args: Args) -> int:
    """Move a coding's bounds or change its code (undoable)."""
    if args.start is None and args.end is None and args.code is None:
        raise WorkbenchError("nothing to change: give --start N, --end N or --code PATH")
    with writing(args) as project:
        coding = project.codings.find(args.coding_id)
        was = f"{out.QuoteRow.of(project, coding).code} [{coding.start}:{coding.end}]"
        result = project.codings.recode(coding, start=args.start, end=args.end, code=args.code)
        quote = out.QuoteRow.of(project, result.coding)
    if args.json:
        out.print_json(
            {**quote.to_json(), "outcome": result.outcome,
             "merged": [c.id for c in result.absorbed]}
        )
        return 0
    if result.outcome == "unchanged":
        out.say(f"nothing changed: coding {result.coding.id} already is that")
        return 0
    coding = result.coding
    out.say(
        f"recoded {coding.id}: {quote.code} on {quote.document} "
        f"[{coding.start}:{coding.end}] “{out.clip(quote.text)}” (was {was})"
    )
    if result.absorbed:
        out.say(f"  merged {plural(len(result.absorbed), 'touching coding')} of that code into it")
    out.say("`workbench undo` takes it back")
    return 0


@command("uncode", PROJECT, Arg("coding_id", metavar="CODING_ID"))
def cmd_uncode(args: Args) -> int:
    with writing(args) as project:
        coding = project.codings.find(args.coding_id)
        quote = out.QuoteRow.of(project, coding)
        project.codings.remove(coding)
    out.say(
        f"removed coding {coding.id}: {quote.code} on {quote.document} "
        f"[{quote.start}:{quote.end}] “{out.clip(quote.text)}”"
    )
    return 0


@command("codes", PROJECT, JSON)
def cmd_codes(args: Args) -> int:
    project = reading(args)
    if args.json:
        from workbench.analysis.reports import with_children

        totals = with_children(project)
        out.print_json(
            [out.CodeRow.of(project, c, totals).to_json() for c in project.codebook.all()]
        )
    else:
        out.print_codes(project)
    return 0


@command(
    "quotes",
    PROJECT,
    JSON,
    Arg("--code", metavar="PATH", help="only this code and the codes below it"),
    Arg("--case", metavar="NAME", help="only documents of this case"),
    CODER.but(help="only this coder's codings"),
)
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
        out.print_json([out.QuoteRow.of(project, c).to_json() for c in found])
    else:
        out.print_quotes(project, found)
    return 0


# --------------------------------------------------------------------------- memos
@command(
    "memo",
    PROJECT,
    Arg("--on", required=True, metavar="TARGET",
        help="project, doc:NAME, case:NAME, code:PATH or coding:ID"),
    Arg("--text", required=True, help="the memo ('-' reads standard input)"),
    Arg("--author", metavar="NAME", help="author (default: the coder name)"),
)
def cmd_memo(args: Args) -> int:
    text = out.read_stdin() if args.text == "-" else args.text
    author = coder_of(args)
    with writing(args) as project:
        kind, target_id = project.memos.resolve_target(args.on)
        memo = project.memos.add(kind, target_id, text, author)
        target = project.memos.describe_target(kind, target_id)
    out.say(f"memo {memo.id} on {target}")
    return 0


@command("memos", PROJECT, JSON)
def cmd_memos(args: Args) -> int:
    project = reading(args)
    if args.json:
        out.print_json([out.MemoRow.of(project, m).to_json() for m in project.memos.all()])
    else:
        out.print_memos(project)
    return 0


# --------------------------------------------------------------------------- check, undo, redo
@command("check", PROJECT)
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


@command("undo", PROJECT)
def cmd_undo(args: Args) -> int:
    with writing(args) as project:
        entry = project.undo()
    out.say(f"undid: {entry.label}" if entry else "nothing to undo")
    return 0


@command("redo", PROJECT)
def cmd_redo(args: Args) -> int:
    with writing(args) as project:
        entry = project.redo()
    out.say(f"redid: {entry.label}" if entry else "nothing to redo")
    return 0
