"""The streaming XML writer of the export writes what lxml would, and reads back as written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from workbench.io.refi.names import xml_safe
from workbench.io.refi.xmlout import XmlOut, attributes, made_attributes

NS = "urn:QDA-XML:project:1.0"
#: characters that need escaping or replacing, mixed into arbitrary text
AWKWARD = st.sampled_from(['&', '<', '>', '"', "'", "\n", "\r", "\t", "\r\n", "\x01", "\x0b",
                           "\ufffe", "]]>", "😀", "é", "Слово", " ", "\x7f", "\u2028"])
TEXTS = st.lists(st.one_of(AWKWARD, st.text(max_size=5)), max_size=8).map("".join)


def _written(value: str, text: str) -> bytes:
    out = XmlOut()
    out.start("Project", attributes({"xmlns": NS, "name": value, "empty": "", "none": None}))
    out.text("Description", text)
    out.leaf("NoteRef", made_attributes(targetGUID="0000", other=None))
    out.start("Codes")
    out.start("Code", attributes({"name": value}))
    out.end()
    out.end()
    out.text("Empty", "")
    out.end()
    return out.data()


def _lxml(value: str, text: str) -> bytes:
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS})
    if value:
        root.set("name", xml_safe(value))
    etree.SubElement(root, f"{{{NS}}}Description").text = xml_safe(text)
    etree.SubElement(root, f"{{{NS}}}NoteRef", targetGUID="0000")
    codes = etree.SubElement(root, f"{{{NS}}}Codes")
    code = etree.SubElement(codes, f"{{{NS}}}Code")
    if value:
        code.set("name", xml_safe(value))
    etree.SubElement(root, f"{{{NS}}}Empty").text = ""
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


@settings(max_examples=300, deadline=None)
@given(TEXTS, TEXTS)
def test_the_writer_writes_what_lxml_writes_and_reads_back(value: str, text: str) -> None:
    data = _written(value, text)
    assert data == _lxml(value, text)
    root = etree.fromstring(data)
    assert (root.get("name") or "") == xml_safe(value)
    assert (root.find(f"{{{NS}}}Description").text or "") == xml_safe(text)


def test_unclosed_elements_are_refused() -> None:
    out = XmlOut()
    out.start("Project")
    with pytest.raises(ValueError, match="Project"):
        out.data()
