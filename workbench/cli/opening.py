"""``workbench open PROJECT`` (and ``workbench PROJECT``): the full-screen interface.

On its own module so that starting the interface loads no other command.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from workbench.cli import output as out
from workbench.cli.registrar import PROJECT, command
from workbench.core.project import Project, resolve_path
from workbench.errors import WorkbenchError


@command("open", PROJECT)
def cmd_open(args: argparse.Namespace) -> int:
    return open_project(args.project)


def open_project(name: str, first_frame_shown: Callable[[], None] | None = None) -> int:
    """Run the interface on the project ``name`` (offering to create it when missing);
    ``first_frame_shown`` is called once the interface has drawn its first frame."""
    path = resolve_path(name)
    if not path.exists():
        new = resolve_path(name, for_create=True)
        if not out.interactive():
            raise WorkbenchError(
                f"no project at {new}; create one with `workbench init {name}`"
            )
        if not out.confirm(f"Create a new project at {new}?"):
            out.note("nothing was created")
            return 1
        with Project.create(new):
            pass
        path = new
    from workbench.tui.app import run_app

    return int(run_app(path, first_frame_shown) or 0)
