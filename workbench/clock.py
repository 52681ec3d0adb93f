"""The time stamps every layer writes: UTC, ISO 8601, whole seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> str:
    """The current UTC time, ISO 8601 with a ``Z`` and whole seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
