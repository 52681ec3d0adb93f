"""Text for a terminal: safe to show (:func:`visible`), storable (:func:`undecodable`), its
width in cells (:func:`cells`) and shortened to fit (:func:`shorten`, :func:`shorten_path`),
for the command line's tables and the workbench's alike.

A leaf module (it imports nothing of Workbench), so the command line's entry point can check
its arguments and print its one ``error:`` line without loading the rest.
"""

from __future__ import annotations

import re
import unicodedata

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


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: wide (East Asian, emoji) characters two,
    combining marks none, every other character one."""
    if text.isascii():
        return len(text)
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, shortened in the middle (``Respon…ent 10``)."""
    if cells(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    front = width // 2
    return _head(text, front).rstrip() + "…" + _tail(text, width - 1 - front).lstrip()


def shorten_path(path: str, width: int) -> str:
    """A code path in at most ``width`` cells: the codes above it are shortened first
    (``Social networks…/Friends``), the code's own name last."""
    if cells(path) <= width:
        return path
    above, sep, name = path.rpartition("/")
    if sep:
        room = width - cells(name) - 2  # the "…/"
        if room >= 3:
            return _head(above, room).rstrip() + "…/" + name
        if room >= 0:
            return "…/" + name
        if width >= 10:  # still say that the code sits below another
            return "…/" + shorten(name, width - 2)
    return shorten(name, width)


def _head(text: str, width: int) -> str:
    """The longest start of ``text`` that fits ``width`` cells."""
    out, used = [], 0
    for ch in text:
        used += cells(ch)
        if used > width:
            break
        out.append(ch)
    return "".join(out)


def _tail(text: str, width: int) -> str:
    """The longest end of ``text`` that fits ``width`` cells."""
    return _head(text[::-1], width)[::-1]
