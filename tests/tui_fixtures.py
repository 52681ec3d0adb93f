"""Fixtures of the TUI tests (loaded with ``pytest_plugins = ("tui_fixtures",)``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tui_support import build_study, build_turns_study

from workbench.errors import WorkbenchError


@pytest.fixture
def tui_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated environment: UI state and config in tmp_path, no clipboard, coder "ann"."""
    config = tmp_path / "config.toml"
    config.write_text('coder = "ann"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    for name in ("TMUX", "DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    return config


@pytest.fixture
def study(tmp_path: Path, tui_env: Path) -> Path:
    """The fixed study in tmp_path (with the isolated environment)."""
    return build_study(tmp_path / "study")


@pytest.fixture
def turns_study(tmp_path: Path, tui_env: Path) -> Path:
    """A study whose first document has times and a turn of two paragraphs (one coding)."""
    return build_turns_study(tmp_path / "turns")


@pytest.fixture
def drive(study):
    """``drive(scenario, size=...)`` runs an app on the study; returns the app (finished)."""
    apps: list = []

    def run(scenario, *, size=(120, 40), path=None):
        from workbench.tui.app import WorkbenchApp

        app = WorkbenchApp.open(path or study)
        apps.append(app)

        async def main() -> None:
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                await scenario(pilot, app)

        asyncio.run(main())
        return app

    yield run
    for app in apps:
        try:
            app.finish()
        except WorkbenchError:
            pass  # a test that broke saving on purpose
