"""How counts are said: ``1 segment``, ``2 segments``; one rule for every message and label.

A leaf module (it imports nothing of Workbench), for the command line, the workbench and the
write-ups alike.
"""

from __future__ import annotations


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 segment``, ``2 segments``, ``0 segments`` (``words``: an irregular plural)."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def counted(n: int, word: str, words: str | None = None) -> str:
    """The word alone, in the number ``n`` calls for (``segment`` or ``segments``)."""
    return word if n == 1 else words or word + "s"
