"""``workbench codebook PROJECT ACTION ...``: restructure the codebook (every action undoable)."""

from __future__ import annotations

import argparse

from workbench.cli import output as out
from workbench.cli.commands import plural, reading, writing
from workbench.cli.registrar import PROJECT, command

Args = argparse.Namespace
UNDO_HINT = "`workbench undo` takes it back"


def add_actions(parser: argparse.ArgumentParser) -> None:
    """The actions of ``codebook``, each with its arguments and its function (``act``)."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = actions.add_parser("add", help="add a code (parents are created as needed)")
    p.add_argument("path", help="Theme/Code/Subcode")
    p.add_argument("--theme", action="store_true", help="mark it as a theme")
    p.add_argument("--text", default="", help="its description")
    p.set_defaults(act=cmd_add)

    p = actions.add_parser("rename", help="give a code a new name (keeps its place)")
    p.add_argument("path")
    p.add_argument("new_name", metavar="NEW")
    p.set_defaults(act=cmd_rename)

    p = actions.add_parser("move", help="move a code (and its children) under another code")
    p.add_argument("path")
    p.add_argument("new_parent", metavar="NEW_PARENT", help='parent path; "/" or "" for the top')
    p.set_defaults(act=cmd_move)

    p = actions.add_parser("merge", help="merge a code into another: codings, memos, children move")
    p.add_argument("source", metavar="FROM")
    p.add_argument("into", metavar="INTO")
    p.set_defaults(act=cmd_merge)

    p = actions.add_parser("delete", help="delete a code with its children and their codings")
    p.add_argument("path")
    p.set_defaults(act=cmd_delete)

    p = actions.add_parser("theme", help="mark a code as a theme (--off to unmark)")
    p.add_argument("path")
    p.add_argument("--off", action="store_true", help="unmark it")
    p.set_defaults(act=cmd_theme)

    p = actions.add_parser("describe", help="set a code's description and criteria")
    p.add_argument("path")
    p.add_argument("--text", help="description")
    p.add_argument("--include", help="inclusion criteria")
    p.add_argument("--exclude", help="exclusion criteria")
    p.add_argument("--example", help="a typical example")
    p.set_defaults(act=cmd_describe)

    p = actions.add_parser("color", aliases=["colour"], help="give a code a colour (#RRGGBB)")
    p.add_argument("path")
    p.add_argument("color", metavar="#RRGGBB")
    p.set_defaults(act=cmd_color)


@command(
    "codebook",
    PROJECT,
    add_actions,
    description="Change the codebook. Each action is one step that `workbench undo` undoes.",
)
def cmd_codebook(args: Args) -> int:
    """Run the action given."""
    return args.act(args)


def cmd_add(args: Args) -> int:
    with writing(args) as project:
        code = project.codebook.add(args.path, is_theme=args.theme, description=args.text)
        path = project.codebook.path(code)
    out.say(f"added {'theme' if args.theme else 'code'} {path}")
    return 0


def cmd_rename(args: Args) -> int:
    with writing(args) as project:
        code = project.codebook.find(args.path)
        old = project.codebook.path(code)
        code = project.codebook.rename(code, args.new_name)
        new = project.codebook.path(code)
    out.say(f"renamed {old} to {new}")
    return 0


def cmd_move(args: Args) -> int:
    with writing(args) as project:
        code = project.codebook.find(args.path)
        old = project.codebook.path(code)
        top = args.new_parent.strip() in ("", "/")
        parent = None if top else project.codebook.find(args.new_parent)
        code = project.codebook.move(code, parent)
        new = project.codebook.path(code)
    out.say(f"moved {old} to {new}")
    return 0


def cmd_merge(args: Args) -> int:
    with writing(args) as project:
        source = project.codebook.find(args.source)
        into = project.codebook.find(args.into)
        source_path, into_path = project.codebook.path(source), project.codebook.path(into)
        before = len(project.codings.with_code(source.id))
        moved = project.codebook.merge(source, into)
    dropped = before - moved
    extra = f" ({plural(dropped, 'duplicate coding')} dropped)" if dropped else ""
    out.say(f"merged {source_path} into {into_path}: {plural(moved, 'coding')} moved{extra}")
    return 0


def cmd_delete(args: Args) -> int:
    with writing(args) as project:
        code = project.codebook.find(args.path)
        path = project.codebook.path(code)
        codes, codings = project.codebook.delete(code)
    out.say(f"deleted {path}: {plural(codes, 'code')}, {plural(codings, 'coding')}; {UNDO_HINT}")
    return 0


def cmd_theme(args: Args) -> int:
    with writing(args) as project:
        code = project.codebook.set_theme(project.codebook.find(args.path), not args.off)
        path = project.codebook.path(code)
    out.say(f"{path} is {'no longer ' if args.off else ''}a theme")
    return 0


def cmd_describe(args: Args) -> int:
    fields = {
        "description": args.text,
        "inclusion": args.include,
        "exclusion": args.exclude,
        "example": args.example,
    }
    if all(v is None for v in fields.values()):  # nothing to set: show what is there
        project = reading(args)
        code = project.codebook.find(args.path)
        out.say(project.codebook.path(code))
        for name in fields:
            out.say(f"  {name}: {getattr(code, name) or '-'}")
        return 0
    with writing(args) as project:
        code = project.codebook.describe(project.codebook.find(args.path), **fields)
        path = project.codebook.path(code)
    changed = ", ".join(k for k, v in fields.items() if v is not None)
    out.say(f"{path}: set {changed}")
    return 0


def cmd_color(args: Args) -> int:
    with writing(args) as project:
        code = project.codebook.color(project.codebook.find(args.path), args.color)
        path = project.codebook.path(code)
    out.say(f"{path} is now {code.color}")
    return 0
