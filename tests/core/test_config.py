"""The config file: read when there is one; without one, no TOML reader is loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = (
    "import sys\n"
    "from workbench.core.config import load_config\n"
    "config = load_config()\n"
    "print(config.coder, config.snap_to_words, 'tomllib' in sys.modules)\n"
)


def _load(config: Path) -> str:
    env = {**os.environ, "WORKBENCH_CONFIG": str(config)}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_without_a_config_file_nothing_reads_toml(tmp_path: Path) -> None:
    assert _load(tmp_path / "missing.toml") == "None True False"


def test_a_config_file_is_read(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('coder = "aigerim"\nsnap_to_words = false\n', encoding="utf-8")
    assert _load(config) == "aigerim False True"
