"""Command-line tests run with a configured coder name ("aigerim"), as a researcher's machine
has one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def coder_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file naming the coder "aigerim", in use."""
    config = tmp_path / "config.toml"
    config.write_text('coder = "aigerim"\n', encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    return config


@pytest.fixture
def jcli(cli):
    """``jcli(*args)``: run a ``--json`` command that must succeed; returns the parsed value."""

    def run(*args: object):
        status, out, err = cli(*args, "--json")
        assert status == 0, err
        return json.loads(out)

    return run
