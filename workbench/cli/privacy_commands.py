"""Confidentiality on the command line: ``pseudonymize``, ``names``, ``redact``,
``purge-history``, ``withdraw``, ``encrypt`` and ``decrypt``."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli import output as out
from workbench.cli.commands import plural, reading, writing
from workbench.cli.registrar import DOC, END, JSON, PROJECT, START, YES, Arg, command
from workbench.core.documents import EditReport
from workbench.errors import WorkbenchError

Args = argparse.Namespace
PURGE_QUESTION = "purge history and backups so the originals are gone?"


# --------------------------------------------------------------------------- pseudonymize
@command(
    "pseudonymize",
    PROJECT,
    Arg("--map", required=True, metavar="FILE.csv",
        help="CSV with the header original,replacement (UTF-8)"),
    Arg("--dry-run", action="store_true", help="count what would change; change nothing"),
    YES.but(help="answer yes to every question (purges history and backups)"),
    JSON,
    description="Replace every original in the map by its pseudonym: in document texts (codings "
    "follow their words), document names, memos, codes, case names and attribute values. Whole "
    "words, any upper/lower case; inflected forms are rows of their own. The map is never stored "
    "in the project. Afterwards the undo history and backups still hold the originals until they "
    "are purged (asked on a terminal; --yes purges).",
)
def cmd_pseudonymize(args: Args) -> int:
    from workbench.privacy.pseudonymise import pseudonymise, read_map
    from workbench.privacy.purge import purge_history, remove_stale_temps

    names = read_map(args.map)  # a bad map stops everything before the project is opened
    if args.dry_run:
        project = reading(args)
        report = pseudonymise(project, names, dry_run=True)
        if args.json:
            out.print_json({**report.to_json(), "dry_run": True, "purged": None})
        else:
            _print_counts(report, dry_run=True)
            out.say("dry run: nothing was changed")
        return 0
    purged = None
    with writing(args) as project:
        project.disk_merger = None  # what lands on disk meanwhile may hold originals: refused
        _say_removed(remove_stale_temps(project))  # while they still carry the original names
        report = pseudonymise(project, names)
        codes = project.codebook
        lost = [
            (doc, project.codebook.path(codes[c.code]) if c.code in codes else "?", c)
            for doc, c in report.lost()
        ]
        project.save()
        if not args.json:
            _print_counts(report, dry_run=False)
            for doc, path, coding in lost:
                out.say(
                    f"  lost: {path} in {doc} [{coding.start}:{coding.end}] "
                    f"“{out.clip(names.replace(coding.text)[0])}” (coding {coding.id})"
                )
            if lost:
                out.say(
                    "`workbench undo` brings the originals and every lost coding back "
                    "(until the history is purged)"
                )
        for place in report.leftovers:
            out.note(f"warning: an original is still in {place}")
        if report.leftovers:
            out.note(f"not clean: {plural(len(report.leftovers), 'place')} still hold an "
                     "original (change them by hand, or add rows to the map and run again)")
        if report.total:
            if args.yes or (out.interactive() and out.confirm(PURGE_QUESTION)):
                purged = purge_history(project)
            elif not out.interactive():
                out.note(
                    "warning: the undo history and the backups still hold the originals; "
                    f"`workbench purge-history {args.project} --yes` removes them"
                )
            else:
                out.note(
                    "the undo history and the backups still hold the originals; "
                    f"`workbench purge-history {args.project}` removes them"
                )
    if args.json:
        out.print_json(
            {**report.to_json(), "dry_run": False,
             "lost": [{"document": d, "code": p, "id": c.id, "start": c.start, "end": c.end}
                      for d, p, c in lost],
             "purged": purged.to_json() if purged else None}
        )
    elif purged is not None:
        _print_purge(purged, Path(project.path))
    return 1 if report.leftovers else 0


def _say_removed(removed: list[Path]) -> None:
    if removed:
        names = ", ".join(p.name for p in removed)
        out.note(f"removed {plural(len(removed), 'temporary file')} left by a crash ({names})")


def _print_counts(report, *, dry_run: bool) -> None:
    verb = "would replace" if dry_run else "replaced"
    for doc, count in report.documents.items():
        line = f"{doc}: {plural(count, 'replacement')}"
        rep = report.codings.get(doc)
        if rep is not None:
            line += f" ({_coding_summary(rep)})"
        out.say(line)
    out.say(
        f"memos: {report.memos}, codes: {report.codes}, cases: {report.cases}, "
        f"document names: {report.document_names}"
        + (f", project name: {report.project}" if report.project else "")
        + (f", other records: {report.other}" if report.other else "")
    )
    out.say(f"{verb} {plural(report.total, 'name')} in all")


def _coding_summary(rep: EditReport) -> str:
    moved = len(rep.changed) + len(rep.reanchored)
    return (
        f"codings: {len(rep.kept)} kept, {moved} moved with their words, "
        f"{len(rep.merged)} merged as duplicates, {len(rep.lost)} lost"
    )


# --------------------------------------------------------------------------- names
@command(
    "names",
    PROJECT,
    JSON,
    description="List capitalised words that stand inside sentences and never in lower case in "
    "the study (likely names of people, places, organisations), most frequent first, with one "
    "line of context.",
)
def cmd_names(args: Args) -> int:
    from workbench.privacy.names import candidate_names

    project = reading(args)
    found = candidate_names(project)
    if args.json:
        out.print_json([c.to_json() for c in found])
        return 0
    if not found:
        out.say("no candidate names found (capitalised words inside sentences)")
        return 0
    rows = [(c.name, c.count, ", ".join(c.documents), c.context) for c in found]
    out.table(None, ("name", "count", "documents", "context"), rows, right=("count",))
    out.say(
        f"{plural(len(found), 'candidate')}; put the ones to replace in a map "
        "(original,replacement) for `workbench pseudonymize`"
    )
    return 0


# --------------------------------------------------------------------------- redact
@command(
    "redact",
    PROJECT,
    DOC,
    START,
    END,
    Arg("--with", dest="replacement", default="[redacted]", metavar="TEXT",
        help="the replacement (default: [redacted])"),
    JSON,
    description="Replace a span of a document with a placeholder, as one undoable step; codings "
    "over it are moved or shrunk and any that could not be kept are listed.",
)
def cmd_redact(args: Args) -> int:
    with writing(args) as project:
        doc = project.documents.named(args.doc)
        report = project.documents.redact(doc, args.start, args.end, args.replacement)
        lost = [
            (project.codebook.path(project.codebook[c.code]), c) for c in report.lost
        ]
        doc = project.documents.named(doc.id)
    if args.json:
        out.print_json(
            {"document": doc.name, "start": args.start,
             "end": args.start + len(args.replacement), "kept": len(report.kept),
             "changed": len(report.changed), "reanchored": len(report.reanchored),
             "merged": len(report.merged),
             "lost": [{"code": p, "id": c.id} for p, c in lost]}
        )
        return 0
    out.say(f"redacted {doc.name} [{args.start}:{args.end}]; {_coding_summary(report)}")
    for path, coding in lost:
        out.say(f"  lost: {path} [{coding.start}:{coding.end}] (coding {coding.id})")
    out.note(
        "the undo history and backups still hold the redacted text; "
        f"`workbench purge-history {args.project}` removes them"
    )
    return 0


# --------------------------------------------------------------------------- purge-history
@command(
    "purge-history",
    PROJECT,
    YES,
    description="Clear the undo history and delete the backups (NAME.bak-*), files kept aside by "
    "restore (NAME.broken-*) and temporary files left beside the project. Undo cannot bring "
    "anything from before back afterwards.",
)
def cmd_purge_history(args: Args) -> int:
    from workbench.privacy.purge import leftovers, purge_history, stale_temps

    with writing(args) as project:
        steps = len(project.history.entries)
        files = leftovers(project.path) + stale_temps(project)
        what = f"{plural(steps, 'undo step')} and {plural(len(files), 'file')} beside it"
        if not out.agreed(
            f"Forget {what}? Undo cannot bring anything back afterwards.",
            yes=args.yes,
            off_terminal=f"this forgets {what}; add --yes to do it",
        ):
            return 1
        result = purge_history(project)
    _print_purge(result, project.path)
    return 0


def _print_purge(result, path: Path) -> None:
    from workbench.privacy.purge import in_git

    names = ", ".join(p.name for p in result.files) or "none"
    out.say(
        f"purged: {plural(result.history_entries, 'undo step')} forgotten; "
        f"{plural(len(result.files), 'file')} deleted ({names})"
    )
    repo = in_git(path)
    if repo is not None:
        out.note(f"warning: {repo} is a git work tree: its history may still hold old versions")


# --------------------------------------------------------------------------- withdraw
@command(
    "withdraw",
    PROJECT,
    Arg("case", metavar="CASE", help="the case's name"),
    YES,
    JSON,
    description="Remove a participant who withdrew consent: the case and its attributes, its "
    "documents, their codings, the memos on any of these; then forget the undo history and "
    "delete the backups, so none of it stays in the project's files. Cannot be undone. Asks on a "
    "terminal; elsewhere needs --yes. Lists what you wrote elsewhere that still names the case "
    "or quotes it, to review by hand.",
)
def cmd_withdraw(args: Args) -> int:
    from workbench.privacy.withdraw import plan, withdraw

    with writing(args) as project:
        case = project.cases.named(args.case)
        what = _withdrawal_words(plan(project, case))
        if not out.agreed(
            f"Withdraw {case.name}: remove {what}, and forget the undo history and backups? "
            "This cannot be undone.",
            yes=args.yes,
            off_terminal=f"withdrawing {case.name} removes {what} for good, with the undo "
            "history and backups; add --yes to do it",
        ):
            return 1
        done = withdraw(project, case)
    if args.json:
        out.print_json(done.to_json())
        return 0
    out.say(f"withdrew {done.case}: removed {_withdrawal_words(done)}")
    if done.documents:
        out.say(f"  documents: {', '.join(done.documents)}")
    if done.purged is not None:
        _print_purge(done.purged, project.path)
    if done.codes_left_empty:
        out.say(f"codes now without codings: {', '.join(done.codes_left_empty)}")
    if done.still_mentioned:
        out.say(f"still naming {done.case} or quoting them (review by hand):")
        for place in done.still_mentioned:
            out.say(f"  {place}")
    return 0


def _withdrawal_words(found) -> str:
    parts = [
        "the case",
        plural(found.attributes, "attribute"),
        plural(len(found.documents), "document"),
        plural(found.codings, "coding"),
        plural(found.memos, "memo"),
    ]
    if found.conflicts:
        parts.append(plural(found.conflicts, "kept merge conflict"))
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# --------------------------------------------------------------------------- encrypt, decrypt
@command(
    "encrypt",
    PROJECT,
    description="Encrypt the project file (and its backups) under a passphrase, from "
    "WORKBENCH_PASSPHRASE or typed twice on the terminal. Every command then asks for it (or "
    "reads WORKBENCH_PASSPHRASE) and saves stay encrypted. Without the passphrase the project "
    "cannot be opened by anyone, you included.",
)
def cmd_encrypt(args: Args) -> int:
    from workbench.privacy.purge import in_git, remove_stale_temps, seal_leftovers
    from workbench.store import crypto

    with writing(args) as project:
        _say_removed(remove_stale_temps(project))
        if project.encrypted:
            # an encrypt that was interrupted, or backups restored from elsewhere: seal them
            sealer = crypto.sealer_of(project.path.read_bytes(), project.path)
            sealed = seal_leftovers(project.path, sealer)
            if not sealed:
                raise WorkbenchError(f"{project.path} is already encrypted, and so are its backups")
            out.say(
                f"{project.path} was already encrypted; {plural(len(sealed), 'plain backup')} "
                "beside it encrypted now"
            )
            return 0
        sealer = crypto.Sealer.create(crypto.new_passphrase(project.path))
        # the backups first: an interruption never leaves an encrypted project beside plain
        # copies of it (running encrypt again finishes the work)
        sealed = seal_leftovers(project.path, sealer)
        project.reseal(sealer)  # no backup: encrypting must not leave a plain copy
    out.say(
        f"encrypted {project.path} (AES-256-GCM, key from the passphrase by scrypt)"
        + (f"; {plural(len(sealed), 'backup')} encrypted too" if sealed else "")
    )
    out.say(
        "every command now needs the passphrase (typed, or WORKBENCH_PASSPHRASE); without it "
        "nobody can open the project, you included. Exports are plain text."
    )
    repo = in_git(project.path)
    if repo is not None:
        out.note(f"warning: {repo} is a git work tree: its history may still hold plain versions")
    return 0


@command(
    "decrypt",
    PROJECT,
    description="Write the project back as plain text (mode 0600) after the passphrase; its "
    "backups stay encrypted.",
)
def cmd_decrypt(args: Args) -> int:
    with writing(args) as project:
        if not project.encrypted:
            raise WorkbenchError(f"{project.path} is not encrypted")
        project.reseal(None)
    out.say(
        f"decrypted {project.path}: it is a plain project file now (readable only by you); "
        "its backups stay encrypted"
    )
    return 0
