"""Team work on the command line: coders, agree, disagreements, merge, merge-in, conflicts,
git-setup.

``merge`` is git's merge driver (``workbench merge %O %A %B``): it writes the result to OURS
and exits 0 when the merge is clean, 1 when conflicts were kept.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli import output as out
from workbench.cli.commands import plural, reading, writing
from workbench.cli.registrar import JSON, PROJECT, Arg, command

Args = argparse.Namespace
TAKE = ("ours", "theirs")
CODERS = Arg("--coders", nargs=2, required=True, metavar=("A", "B"), help="the two coders' names")
ONLY_CODE = Arg("--code", metavar="PATH", help="only this code and the codes below it")


# --------------------------------------------------------------------------- coders, agreement
@command("coders", PROJECT, JSON)
def cmd_coders(args: Args) -> int:
    from workbench.team.agreement import coders

    project = reading(args)
    found = coders(project)
    if args.json:
        out.print_json([c.to_json() for c in found])
        return 0
    if not found:
        out.say("no codings yet, so no coders")
        return 0
    out.table(None, ("coder", "codings", "codes", "documents"),
              [(c.name, c.codings, len(c.codes), len(c.documents)) for c in found],
              right=("codings", "codes", "documents"))
    return 0


def _num(value: float | None, places: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{places}f}"


@command(
    "agree",
    PROJECT,
    JSON,
    CODERS,
    ONLY_CODE,
    description="Agreement of two coders, computed over characters: for each code, every "
    "character of every document is coded or not by each coder. Per code: percent agreement and "
    "Cohen's kappa; overall: mean kappa over the codes either coder used, agreement over all "
    "code x character units and Krippendorff's alpha (nominal).",
)
def cmd_agree(args: Args) -> int:
    from workbench.team.agreement import agreement

    project = reading(args)
    a, b = args.coders
    report = agreement(project, a, b, args.code)
    if args.json:
        out.print_json(report.to_json())
        return 0
    docs = project.documents.values()
    chars = sum(len(d.text) for d in docs)
    out.say(f"agreement of {a} (A) and {b} (B) over {plural(chars, 'character')} in "
            f"{plural(len(docs), 'document')}")
    if not report.codes:
        out.say("neither coder has used a code yet")
        return 0
    rows = [
        (c.path, c.counts.a_chars, c.counts.b_chars, c.counts.both, _num(c.agreement),
         _num(c.kappa))
        for c in report.codes
    ]
    out.table(None, ("code", "A chars", "B chars", "both", "agreement", "kappa"), rows,
              right=("A chars", "B chars", "both", "agreement", "kappa"))
    used = len(report.used)
    out.say(
        f"overall ({plural(used, 'code')} either coder used): mean kappa {_num(report.kappa)}, "
        f"agreement {_num(report.agreement)}, Krippendorff's alpha {_num(report.alpha)}"
    )
    out.say(f"review the differences with `workbench disagreements PROJECT --coders {a} {b}`")
    return 0


@command("disagreements", PROJECT, JSON, CODERS, ONLY_CODE)
def cmd_disagreements(args: Args) -> int:
    from workbench.team.agreement import disagreements

    project = reading(args)
    a, b = args.coders
    found = disagreements(project, a, b, args.code)
    docs, codes = project.documents, project.codebook
    rows: list[dict[str, Any]] = []
    for d in found:
        doc = docs[d.document]
        code = codes.get(d.code)
        rows.append({
            "document": doc.name,
            "code": project.codebook.path(code) if code else d.code,
            "start": d.start,
            "end": d.end,
            "coded_by": d.coded_by,
            "missed_by": d.missed_by,
            "text": doc.text[d.start:d.end],
        })
    if args.json:
        out.print_json(rows)
        return 0
    if not rows:
        out.say(f"{a} and {b} coded exactly the same characters")
        return 0
    for row in rows:
        out.say(f"{row['document']} [{row['start']}:{row['end']}] {row['code']}: coded by "
                f"{row['coded_by']}, not by {row['missed_by']}")
        out.say(f"  “{out.clip(row['text'], 300)}”")
    out.say(plural(len(rows), "disagreement"))
    return 0


# --------------------------------------------------------------------------- merging
@command(
    "merge",
    Arg("base", metavar="BASE", help="the common ancestor (may be empty)"),
    Arg("ours", metavar="OURS", help="our version; the result is written here"),
    Arg("theirs", metavar="THEIRS", help="their version"),
    description="Merge THEIRS into OURS record by record, with BASE as the common ancestor, and "
    "write the result to OURS. Exit 0 when clean, 1 when conflicts were kept in the file's "
    "conflicts table (see `workbench conflicts`). Git runs it as `workbench merge %O %A %B` once "
    "`workbench git-setup` has been run.",
)
def cmd_merge(args: Args) -> int:
    from workbench.team.conflicts import describe
    from workbench.team.merge import merge_files

    result = merge_files(Path(args.base), Path(args.ours), Path(args.theirs))
    for line in result.notes:
        out.note(f"workbench merge: {line}")
    if not result.conflicts:
        return 0
    for conflict in result.conflicts:
        out.note(f"conflict {conflict.id[:8]}: {describe(conflict)}")
    out.note(
        f"workbench merge: {plural(len(result.conflicts), 'conflict')} kept in the project's "
        "conflicts table; list them with `workbench conflicts PROJECT`, resolve them with "
        "`--resolve ID --take ours|theirs`, then `git add` the project file"
    )
    return 1


@command(
    "merge-in",
    PROJECT,
    Arg("other", metavar="OTHER", help="the other copy (a project file or folder)"),
    description="Bring a colleague's copy of the project in: records only in OTHER are added, "
    "records in both that differ keep this project's version and are kept as conflicts; codes "
    "made on both sides under the same path become one. One step that `workbench undo` undoes.",
)
def cmd_merge_in(args: Args) -> int:
    from workbench.core.project import resolve_path
    from workbench.team.conflicts import describe
    from workbench.team.merge import merge_in

    other = resolve_path(args.other)
    with writing(args) as project:
        report = merge_in(project, other)
    came = [plural(n, table[:-1]) for table, n in report.added.items() if n]
    if came:
        out.say(f"merged in {other}: {', '.join(came)} came in")
    else:
        out.say(f"merged in {other}: nothing new came in")
    for line in report.notes:
        out.say(f"  {line}")
    for conflict in report.conflicts:
        out.say(f"  conflict {conflict.id[:8]}: {describe(conflict)}")
    if report.conflicts:
        out.say(f"{plural(len(report.conflicts), 'conflict')} kept: see `workbench conflicts "
                f"{args.project}`")
    if came or report.conflicts or report.notes:
        out.say("`workbench undo` takes the whole merge-in back")
    return 0


@command(
    "conflicts",
    PROJECT,
    JSON,
    Arg("--resolve", metavar="ID", help="the conflict to resolve (id or prefix)"),
    Arg("--take", choices=TAKE, help="which side's value to keep"),
)
def cmd_conflicts(args: Args) -> int:
    from workbench.errors import WorkbenchError
    from workbench.team.conflicts import describe, find_conflict, resolve

    if args.resolve or args.take:
        if not (args.resolve and args.take):
            raise WorkbenchError("resolve a conflict with --resolve ID --take ours|theirs")
        with writing(args) as project:
            conflict = find_conflict(project, args.resolve)
            summary = resolve(project, conflict, args.take)
            left = len(project.conflicts)
        out.say(summary)
        out.say(f"{plural(left, 'conflict')} left; `workbench undo` takes this back")
        return 0
    project = reading(args)
    found = sorted(project.conflicts.values(), key=lambda c: (c.created, c.id))
    if args.json:
        out.print_json([c.to_json() for c in found])
        return 0
    if not found:
        out.say("no conflicts")
        return 0
    for conflict in found:
        out.say(f"{conflict.id[:8]}  {conflict.kind:<9} {describe(conflict)}")
        if conflict.fields and conflict.kind != "integrity":
            for name in conflict.fields:
                ours = (conflict.ours or {}).get(name)
                theirs = (conflict.theirs or {}).get(name)
                out.say(f"          {name}: ours {out.clip(repr(ours), 60)} · theirs "
                        f"{out.clip(repr(theirs), 60)}")
    out.say(f"{plural(len(found), 'conflict')}; resolve one with `workbench conflicts "
            f"{args.project} --resolve ID --take ours|theirs`")
    return 0


@command(
    "git-setup",
    Arg("dir", metavar="DIR", nargs="?",
        help="folder for .gitattributes (default: the top of the current git repo)"),
    description="Write `project.json merge=workbench` to DIR/.gitattributes (and ignore the lock, "
    "backups, temporary files and export files in .gitignore), define the merge driver in the "
    "repository's git config and make git keep .git readable only by you "
    "(core.sharedRepository). Run it once in every clone; running it again adds nothing twice.",
)
def cmd_git_setup(args: Args) -> int:
    from workbench.team.gitsetup import setup

    report = setup(args.dir)
    for line in report.added:
        out.say(f"added to {line}")
    for key in report.config:
        out.say(f"set git config {key}")
    if "core.sharedRepository" in report.config:
        out.say("git now writes everything under .git readable only by you "
                "(core.sharedRepository = 0600)")
    if report.made_private:
        out.say(f"made {report.made_private} files and folders under .git readable only by you")
    for warning in report.warnings:
        out.note(warning)
    if not report.added and not report.config and not report.made_private:
        out.say(f"{report.folder} is already set up for merging Workbench projects")
    else:
        out.say("commit .gitattributes and .gitignore; every coder runs `workbench git-setup` "
                "once in their own clone")
    return 0
