"""Copying text: OSC 52 through the terminal always, the system clipboard when local.

OSC 52 works over SSH in most modern terminals (tmux needs ``set -g set-clipboard on``);
pyperclip only works with a local display, and raises without one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from textual.app import App


def has_local_display(env: Mapping[str, str] | None = None) -> bool:
    """True when a graphical display is here and we are not in an SSH session."""
    env = os.environ if env is None else env
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return False
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


@dataclass(frozen=True)
class Copied:
    """What :func:`copy_text` did: one line saying what was copied and where, and what the
    user may have to do for it to arrive (``""`` when nothing)."""

    said: str
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.said}; {self.hint}" if self.hint else self.said


def copy_text(app: App, text: str, *, what: str = "text") -> Copied:
    """Copy ``text``; say what was copied (``what``: ``the quote “…”``) and how."""
    app.copy_to_clipboard(text)
    how = "sent to the terminal clipboard (OSC 52)"
    if has_local_display():
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception as exc:  # pyperclip raises its own and OS errors alike
            how += f"; the system clipboard failed ({exc.__class__.__name__})"
        else:
            how = "copied to the system clipboard and the terminal (OSC 52)"
    hint = "inside tmux this needs `set -g set-clipboard on`" if os.environ.get("TMUX") else ""
    return Copied(f"{what[:1].upper()}{what[1:]} {how}", hint)
