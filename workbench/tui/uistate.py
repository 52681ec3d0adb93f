"""Per-user UI state kept outside the project file.

The last document, the cursor in each document, the recently used codes and the theme belong to the
person at the keyboard, not to the study, so they live in
``$XDG_STATE_HOME/workbench/<project id>.json`` (``~/.local/state`` by default), written
atomically with mode 0600.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: How many recently used codes are remembered (``1``-``9`` use the first nine).
RECENT_LIMIT = 20


def state_dir() -> Path:
    """The folder the UI state files live in."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "workbench"


@dataclass(slots=True)
class UIState:
    """Where the user was: document, cursor per document, recent codes (ids, newest first),
    and the theme they chose."""

    document: str | None = None
    cursors: dict[str, int] = field(default_factory=dict)
    recent: list[str] = field(default_factory=list)
    theme: str | None = None  # the Textual theme chosen in the command palette
    path: Path | None = None

    @classmethod
    def load(cls, project_id: str) -> UIState:
        """The state saved for a project (a missing or broken file gives a fresh state)."""
        path = state_dir() / f"{_safe(project_id)}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path=path)
        if not isinstance(data, dict):
            return cls(path=path)
        cursors = data.get("cursors") if isinstance(data.get("cursors"), dict) else {}
        recent = data.get("recent") if isinstance(data.get("recent"), list) else []
        document = data.get("document")
        theme = data.get("theme")
        return cls(
            document=document if isinstance(document, str) else None,
            theme=theme if isinstance(theme, str) else None,
            cursors={str(k): int(v) for k, v in cursors.items() if isinstance(v, int)},
            recent=[str(c) for c in recent if isinstance(c, str)][:RECENT_LIMIT],
            path=path,
        )

    def use_code(self, code_id: str) -> None:
        """Put a code first in the recent list."""
        self.recent = [code_id, *(c for c in self.recent if c != code_id)][:RECENT_LIMIT]

    def seed_recent(self, last_used: Mapping[str, Any]) -> None:
        """Recent codes from when each was last used (any comparable stamps): the newest
        first, as if each had been used in turn."""
        newest = sorted(last_used, key=last_used.__getitem__, reverse=True)
        self.recent = newest[:RECENT_LIMIT]

    def save(self) -> None:
        """Write the state atomically (0600); failures are ignored, it is only convenience."""
        if self.path is None:
            return
        data = {
            "document": self.document,
            "cursors": self.cursors,
            "recent": self.recent,
            "theme": self.theme,
        }
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or "project"
