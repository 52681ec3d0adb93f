"""The study every attack test in this folder starts from."""

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
