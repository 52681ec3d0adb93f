"""The registrar of commands, and what each way in imports.

``workbench --help`` and the plain commands must not load Textual, and ``workbench PROJECT``
must reach the full-screen interface without loading the other commands.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli.registrar import COMMANDS, JSON, PROJECT, build_parser, command, defined
from workbench.core.project import Project

COMMAND_MODULES = {f"workbench.cli.{module}" for module, _ in COMMANDS.values()}


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    with Project.create(tmp_path / "study") as project:
        project.documents.add("one", "Respondent: words.\n")
    return tmp_path / "study"


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


# --------------------------------------------------------------------------- the registrar
def test_every_listed_command_is_declared_and_its_help_lists_its_options(cli) -> None:
    for name in COMMANDS:
        assert defined(name).name == name
        parser = _subparsers(build_parser(name)).choices[name]
        status, out, err = cli(name, "--help")
        assert status == 0 and err == "", name
        assert out.startswith(f"usage: workbench {name} "), name
        for action in parser._actions:
            for flag in action.option_strings:
                assert flag in out, (name, flag)
            if not action.option_strings and action.metavar:
                assert str(action.metavar) in out, (name, action.metavar)


def test_top_help_lists_every_command_with_its_help(cli) -> None:
    status, out, _ = cli("--help")
    assert status == 0
    flat = " ".join(out.split())
    for name, (_, help) in COMMANDS.items():
        assert f" {name} " in flat, name
        assert " ".join(help.replace("%%", "%").split()) in flat, name


def test_a_command_must_be_listed_and_declared_once() -> None:
    with pytest.raises(LookupError, match="not listed"):
        command("no-such-command", PROJECT)(lambda args: 0)
    defined("docs")
    with pytest.raises(LookupError, match="declared twice"):
        command("docs", PROJECT, JSON)(lambda args: 0)
    assert defined("docs").run.__name__ == "cmd_docs"


def test_a_shared_argument_is_changed_only_in_its_copy() -> None:
    changed = JSON.but(help="print JSON (every hit)")
    assert changed.settings["help"] == "print JSON (every hit)"
    assert JSON.settings["help"] == "print JSON"
    assert changed.flags == JSON.flags == ("--json",)


# --------------------------------------------------------------------------- import hygiene
#: Runs ``python -m workbench ARGS`` and prints on stderr the modules it loaded; with
#: ``--fake-tui`` first, the full-screen interface is a stand-in that returns at once.
RUN = """
import atexit, runpy, sys, types
args = sys.argv[1:]
if args[:1] == ["--fake-tui"]:
    args = args[1:]
    app = types.ModuleType("workbench.tui.app")
    app.run_app = lambda path, first_frame_shown=None: 0
    sys.modules["workbench.tui.app"] = app
atexit.register(lambda: print(*sorted(sys.modules), file=sys.stderr))
sys.argv = ["workbench", *args]
runpy.run_module("workbench", run_name="__main__", alter_sys=True)
"""


def loaded(*args: str) -> set[str]:
    """The modules ``workbench ARGS`` loads, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return set(done.stderr.split())


def packages(modules: set[str], *names: str) -> set[str]:
    """The modules of ``modules`` in the packages ``names``."""
    return {m for m in modules if any(m == n or m.startswith(n + ".") for n in names)}


def test_help_loads_no_command_and_no_textual() -> None:
    modules = loaded("--help")
    assert "workbench.cli.registrar" in modules
    assert not modules & COMMAND_MODULES
    assert not packages(modules, "textual", "rich", "workbench.core")


def test_a_command_loads_its_own_module_only_and_no_textual(proj: Path) -> None:
    modules = loaded("docs", str(proj), "--json")
    assert modules & COMMAND_MODULES == {"workbench.cli.commands"}
    assert not packages(modules, "textual", "rich")
    modules = loaded("report", str(proj), "frequencies", "--json")
    assert modules & COMMAND_MODULES == {"workbench.cli.analysis_commands",
                                         "workbench.cli.commands"}
    assert not packages(modules, "textual")


@pytest.mark.parametrize("words", [(), ("open",)])
def test_opening_a_project_loads_no_other_command(proj: Path, words: tuple[str, ...]) -> None:
    modules = loaded("--fake-tui", *words, str(proj))
    assert packages(modules, "workbench.cli") == {
        "workbench.cli", "workbench.cli.main", "workbench.cli.registrar",
        "workbench.cli.opening", "workbench.cli.output",
    }
    assert not packages(modules, "workbench.analysis", "workbench.io", "workbench.privacy",
                        "workbench.team")
