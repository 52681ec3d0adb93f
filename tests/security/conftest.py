"""The studies the attack tests in this folder start from; each test builds its hostile
file (small on disk) itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from security_support import TEXT


@pytest.fixture
def project_file(tmp_path: Path, cli) -> Path:
    """A study in ``tmp_path/study``: one transcript (``r1``), coded once; its project file."""
    transcript = tmp_path / "r1.txt"
    transcript.write_text(TEXT, encoding="utf-8")
    study = tmp_path / "study"
    assert cli("init", study)[0] == 0
    assert cli("import", study, transcript, "--case", "Respondent 3")[0] == 0
    assert cli("code", study, "r1", 0, 11, "Intro")[0] == 0
    return study / "project.json"


@pytest.fixture
def interview(tmp_path: Path, cli):
    """A project folder with one imported interview."""
    project = tmp_path / "study"
    assert cli("init", project)[0] == 0
    source = tmp_path / "interview.txt"
    source.write_text("Interviewer: How did it start?\nDana: With a letter.\n", encoding="utf-8")
    assert cli("import", project, source)[0] == 0
    return project
