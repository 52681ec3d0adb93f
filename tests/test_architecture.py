"""The shape of the code: layers that import one way, and one way into the records."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"


def test_layers_import_one_way() -> None:
    """The import-linter contracts of pyproject.toml hold (store <- core <- ... <- cli)."""
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        pytest.skip("import-linter is not installed (it is in the test extras)")
    result = subprocess.run(
        [lint], cwd=PACKAGE.parent, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def _outside_core(path: Path) -> bool:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] not in ("core", "store")


def test_records_are_reached_only_through_the_project_api() -> None:
    """Nothing outside core and store touches ``project.state`` (the records and indexes)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if not _outside_core(path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "state"
                and isinstance(node.value, ast.Name | ast.Attribute)
                and (getattr(node.value, "id", None) or getattr(node.value, "attr", "")) in (
                    "project", "p", "_project", "proj"
                )
            ):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert offenders == []


def test_the_project_is_composed_not_mixed() -> None:
    """``Project`` inherits nothing; its components are objects of their own."""
    from workbench.core.project import Project

    assert Project.__bases__ == (object,)


def test_the_main_screen_is_composed_not_mixed() -> None:
    """``MainScreen`` is a Textual screen (with the compat module's frame clock) and nothing
    else: what it does lives in objects it holds (coding, codebook editing, memo writing,
    undo), not in mixins."""
    from textual.screen import Screen

    from workbench.tui.screens.main import MainScreen
    from workbench.tui.textual_compat import PromptFrameScreen

    assert MainScreen.__bases__ == (PromptFrameScreen,)
    assert PromptFrameScreen.__bases__ == (Screen,)

