"""Copying text: OSC 52 through the terminal always, the system clipboard when local.

OSC 52 works over SSH in most modern terminals (tmux needs ``set -g set-clipboard on``);
pyperclip only works with a local display, and raises without one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from textual.app import App


def has_local_display(env: Mapping[str, str] | None = None) -> bool:
    """True when a graphical display is here and we are not in an SSH session."""
    env = os.environ if env is None else env
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return False
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def copy_text(app: App, text: str, *, what: str = "text") -> str:
    """Copy ``text`` and return a sentence saying what was copied (``what``: ``the quote
    “…”``) and how (the caller shows it)."""
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
    message = f"{what[:1].upper()}{what[1:]} {how}"
    if os.environ.get("TMUX"):
        message += "; inside tmux this needs `set -g set-clipboard on`"
    return message
