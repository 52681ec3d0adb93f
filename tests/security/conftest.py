"""The attacks of issue 13 on data: each test builds its hostile file (small on disk) itself."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def study(tmp_path: Path, cli):
    """A project with one imported interview, and the CLI runner."""
    project = tmp_path / "study"
    assert cli("init", project)[0] == 0
    source = tmp_path / "interview.txt"
    source.write_text("Interviewer: How did it start?\nDana: With a letter.\n", encoding="utf-8")
    assert cli("import", project, source)[0] == 0
    return project
