"""A small streaming XML writer for the REFI-QDA export.

An export is written start to end, so it needs no element tree: building one with lxml costs
several microseconds per attribute, which on a large study (50,000 selections) is most of the
export. :class:`XmlOut` writes the same bytes lxml's ``tostring(pretty_print=True)`` does for
the documents we write (elements that hold either elements or text, never both): two spaces
per level, an empty element as ``<X/>``, and the same escapes.
"""

from __future__ import annotations

import re

from workbench.io.refi.names import xml_safe

_ATTR_SPECIAL = re.compile('[&<>"\n\r\t]')
_TEXT_SPECIAL = re.compile("[&<>\r]")
_ATTR_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
                 ("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#9;"))
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))


def attr_value(value: str) -> str:
    """``value`` ready to go between double quotes (unsafe characters become U+FFFD)."""
    value = xml_safe(value)
    if _ATTR_SPECIAL.search(value) is None:
        return value
    for char, escape in _ATTR_ESCAPES:
        value = value.replace(char, escape)
    return value


def text_value(text: str) -> str:
    """``text`` ready to go between tags (unsafe characters become U+FFFD)."""
    text = xml_safe(text)
    if _TEXT_SPECIAL.search(text) is None:
        return text
    for char, escape in _TEXT_ESCAPES:
        text = text.replace(char, escape)
    return text


def attributes(attrs: dict[str, str | None]) -> str:
    """`` name="value"`` for each attribute that has a value (empty ones are left out)."""
    return "".join([f' {k}="{attr_value(v)}"' for k, v in attrs.items() if v])


def made_attributes(**attrs: str | None) -> str:
    """:func:`attributes` of values we made (GUIDs, numbers, our timestamps): no escaping."""
    return "".join([f' {k}="{v}"' for k, v in attrs.items() if v])


class XmlOut:
    """Writes elements one by one; :meth:`data` gives the document as UTF-8 bytes.

    The start tag of the newest element stays open until we know whether it has children,
    so an element without any is written ``<X/>``.
    """

    def __init__(self) -> None:
        self.parts: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        self.stack: list[str] = []
        self.pending = False  # the newest start tag still lacks its ">"

    def start(self, tag: str, attrs: str = "") -> None:
        """Open ``<tag`` with ``attrs`` (from :func:`attributes`); close it with :meth:`end`."""
        self._child()
        self.parts.append(f"{'  ' * len(self.stack)}<{tag}{attrs}")
        self.stack.append(tag)
        self.pending = True

    def end(self) -> None:
        """Close the newest open element."""
        tag = self.stack.pop()
        if self.pending:
            self.parts.append("/>\n")
            self.pending = False
        else:
            self.parts.append(f"{'  ' * len(self.stack)}</{tag}>\n")

    def leaf(self, tag: str, attrs: str = "") -> None:
        """An element without children."""
        self._child()
        self.parts.append(f"{'  ' * len(self.stack)}<{tag}{attrs}/>\n")

    def text(self, tag: str, text: str) -> None:
        """An element holding only ``text``."""
        self._child()
        self.parts.append(f"{'  ' * len(self.stack)}<{tag}>{text_value(text)}</{tag}>\n")

    def data(self) -> bytes:
        """The document written so far (every element must be closed)."""
        if self.stack:
            raise ValueError(f"<{self.stack[-1]}> is not closed")
        return "".join(self.parts).encode("utf-8")

    def _child(self) -> None:
        if self.pending:
            self.parts.append(">\n")
            self.pending = False
