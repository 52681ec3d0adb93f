"""Text safe to show on a terminal, and text no file can store: the two checks everything
that prints or stores a name, argument or transcript goes through.

A leaf module (it imports nothing of Workbench), so the command line's entry point can check
its arguments and print its one ``error:`` line without loading the rest.
"""

from __future__ import annotations

import re

#: Every control but tab and line feed, and lone surrogates (bytes that were not UTF-8):
#: what :func:`visible` shows as U+FFFD.
_SHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def visible(text: str) -> str:
    """``text`` safe for a terminal: every control character but tab and line feed (ESC, CR,
    C1 ...) shown as U+FFFD, so nothing in it can move the cursor, retitle the window or write
    the clipboard; a lone surrogate (an undecodable byte) is shown so too."""
    if _SHOWN.search(text) is None:
        return text
    return _SHOWN.sub("\ufffd", text)


def undecodable(text: str) -> bool:
    """True when ``text`` holds lone surrogates: bytes that were not UTF-8 (a command-line
    argument or file name in another encoding), which no file can store as text."""
    return _SURROGATE.search(text) is not None
