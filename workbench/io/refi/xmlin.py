"""Reading REFI-QDA XML leniently: elements by local name in any namespace, attributes in
any case, and each element's children gathered in one pass (reading a tag is what costs with
lxml on a large file).
"""

from __future__ import annotations

from lxml import etree

from workbench.io.refi.names import guid_key


def local(el: etree._Element) -> str:
    """An element's name without its namespace ("" for a comment or processing instruction)."""
    tag = el.tag
    return tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""


class Kids:
    """The child elements of one element by local name, gathered in one pass over them.

    Reading a child's tag is what costs with lxml, so each element's children are looked at
    once, however many kinds of them the reader asks for.
    """

    __slots__ = ("by_name",)

    def __init__(self, el: etree._Element | None) -> None:
        self.by_name: dict[str, list[etree._Element]] = {}
        if el is None:
            return
        for child in el:
            tag = child.tag
            if isinstance(tag, str):  # not a comment or processing instruction
                self.by_name.setdefault(tag[tag.rfind("}") + 1 :], []).append(child)

    def all(self, name: str) -> list[etree._Element]:
        return self.by_name.get(name, [])

    def first(self, name: str) -> etree._Element | None:
        found = self.by_name.get(name)
        return found[0] if found else None

    def text(self, name: str) -> str:
        """The text of the first ``name`` child ("" when there is none)."""
        child = self.first(name)
        return "" if child is None else "".join(child.itertext())

    def refs(self, name: str, field: str = "targetGUID") -> list[str]:
        """The GUID keys the ``name`` children point at (in ``field``, else ``guid``)."""
        return [ref_key(r, field) for r in self.all(name)]

    def count(self, name: str) -> int:
        return len(self.by_name.get(name, ()))


def children(el: etree._Element | None, name: str) -> list[etree._Element]:
    """The ``name`` children of ``el``."""
    return Kids(el).all(name)


def elements(el: etree._Element | None) -> list[etree._Element]:
    """Every child element of ``el``, in document order."""
    return [] if el is None else [c for c in el if isinstance(c.tag, str)]


def attr(el: etree._Element, name: str) -> str:
    """An attribute, also when a producer spelt its name in another case or a namespace."""
    value = el.get(name)
    if value is not None:
        return value
    low = name.lower()
    for key, val in el.items():
        if key[key.rfind("}") + 1 :].lower() == low:
            return val
    return ""


def ref_key(el: etree._Element, field: str = "targetGUID") -> str:
    """The GUID key a reference element points at (in ``field``, else ``guid``)."""
    return guid_key(attr(el, field) or attr(el, "guid"))


def to_int(value: str) -> int | None:
    """A number from an attribute (``"12"``, ``" 12 "``, ``"12.0"``); ``None`` if it is none."""
    try:
        return int(value.strip())
    except ValueError:
        try:
            return int(float(value.strip()))
        except ValueError:
            return None
