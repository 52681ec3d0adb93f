"""Every workbench test runs in the isolated environment of ``tui_env``: UI state and config
in tmp_path, coder "ann", no clipboard tools."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _tui_isolated(tui_env):
    """XDG_STATE_HOME and WORKBENCH_CONFIG point into tmp_path in every test."""
