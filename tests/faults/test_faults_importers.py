"""Fuzzing every importer (issue 7), adding to the fuzz tests of tests/io/test_importers.py.

tests/io/test_importers.py feeds random bytes to every transcript format, random cue structure to
.vtt/.srt and damaged .docx/.odt archives to ``read_transcript``. Here:

- random Unicode text, in every transcript format (.txt .md in UTF-8/UTF-16, .vtt .srt as whole
  files and as cue text, .docx .odt as paragraphs), and a huge single line (up to ~1.5 MB) in
  every format: never a traceback (a ``WorkbenchError`` with a one-line message is fine), and
  what is read keeps the import invariants (and, for plain text, is exactly the normalised text);
- the whole ``workbench import`` command on a mix of good and fuzzed files, and on random or
  damaged .qdpx/.qdc files: it imports everything or nothing; a failed import leaves the project
  file byte for byte as it was (no half-imported document), with one ``error:`` line.

Each property is bounded (``max_examples``) and runs in seconds; with ``CI`` set, the examples
are the same on every run (see the ``ci`` profile in tests/conftest.py).
"""

from __future__ import annotations

import functools
import io
import itertools
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.integrity import check_project
from workbench.core.project import Project
from workbench.core.text import normalise
from workbench.errors import WorkbenchError
from workbench.io.importers import SUPPORTED_SUFFIXES, read_transcript
from workbench.io.transcript import ImportedText

pytestmark = pytest.mark.timeout(180)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CUE = "00:00:01.000 --> 00:00:02.500"
#: characters a .docx/.odt can hold (XML 1.0), and what a fuzzed line is made of
XML_SAFE = st.characters(
    blacklist_categories=("Cs", "Cc", "Co"), blacklist_characters="\ufffe\uffff"
)
LINE_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Co", "Zl", "Zp"), blacklist_characters="<>{}&\\\ufeff"
)
_counter = itertools.count()


def fresh(tmp_path: Path) -> Path:
    """A new folder for one example (hypothesis runs many examples in one tmp_path)."""
    folder = tmp_path / f"example{next(_counter)}"
    folder.mkdir()
    return folder


def check(result: ImportedText) -> ImportedText:
    """The invariants every import keeps, as in tests/io/test_importers.py."""
    text = result.text
    assert text.strip()
    assert "\r" not in text and not text.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", text)
    last_end = -1
    for p in result.paragraphs:
        assert last_end < p.start <= p.end <= len(text)
        line = text[p.start : p.end]
        assert "\n" not in line and line.strip()
        last_end = p.end
    return result


def read(path: Path) -> ImportedText | None:
    """The import, or ``None`` after a clear refusal; any other exception fails the test."""
    try:
        return check(read_transcript(path))
    except WorkbenchError as exc:
        message = str(exc)
        assert message and "\n" not in message and path.name in message, message
        return None


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    doc = docx.Document()
    for paragraph in paragraphs:
        doc.add_paragraph(paragraph)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def odt_bytes(paragraphs: list[str]) -> bytes:
    from odf import opendocument, teletype, text

    doc = opendocument.OpenDocumentText()
    for paragraph in paragraphs:
        element = text.P()
        teletype.addTextToElement(element, paragraph)
        doc.text.addElement(element)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def transcript_file(suffix: str, text: str, codec: str = "utf-8") -> bytes:
    """``text`` as a file of the format: the whole file, or the text of one cue / paragraphs."""
    if suffix == ".docx":
        return docx_bytes(text.split("\n"))
    if suffix == ".odt":
        return odt_bytes(text.split("\n"))
    if suffix == ".vtt":
        text = f"WEBVTT\n\n{CUE}\n{text}\n"
    elif suffix == ".srt":
        text = f"1\n{CUE.replace('.', ',')}\n{text}\n"
    return text.encode(codec)


# ----------------------------------------------------------------------------- random Unicode


@FUZZ
@given(
    suffix=st.sampled_from([".txt", ".md", ".vtt", ".srt"]),
    text=st.text(max_size=300),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_random_unicode_as_a_whole_text_file(tmp_path, suffix, text, codec):
    path = fresh(tmp_path) / f"random{suffix}"
    path.write_bytes(text.encode(codec))
    result = read(path)
    if result is not None and suffix in (".txt", ".md"):
        assert result.text == normalise(text)  # plain text comes in exactly, normalised


@FUZZ
@given(
    suffix=st.sampled_from(SUPPORTED_SUFFIXES),
    text=st.text(XML_SAFE, max_size=300),
    codec=st.sampled_from(["utf-8", "utf-16"]),
)
def test_random_unicode_inside_every_format(tmp_path, suffix, text, codec):
    path = fresh(tmp_path) / f"inside{suffix}"
    path.write_bytes(transcript_file(suffix, text, codec))
    read(path)


@settings(FUZZ, max_examples=12)
@given(
    suffix=st.sampled_from(SUPPORTED_SUFFIXES),
    unit=st.text(LINE_CHARS, min_size=1, max_size=12).filter(lambda u: u.strip()),
    size=st.integers(50_000, 1_500_000),
)
def test_a_huge_line_in_every_format(tmp_path, suffix, unit, size):
    line = ("Respondent 1: " + unit * (size // len(unit) + 1))[:size]
    path = fresh(tmp_path) / f"huge{suffix}"
    path.write_bytes(transcript_file(suffix, line))
    result = read(path)
    if result is None:
        assert suffix in (".vtt", ".srt"), f"a plain huge line was refused from {suffix}"
        return
    expected = normalise(line).strip()
    assert expected in result.text or " ".join(expected.split()) in result.text
    assert max(p.end - p.start for p in result.paragraphs) >= len(expected) // 2


# ----------------------------------------------------------------------------- whole imports


@functools.cache
def _pristine() -> bytes:
    """An empty project's file, made once (each example starts from a copy of it)."""
    with tempfile.TemporaryDirectory() as folder:
        project = Project.create(Path(folder) / "p.json", name="fuzz")
        project.documents.add("already here", "Interviewer: hello\nRespondent: hi\n")
        project.close()
        return (Path(folder) / "p.json").read_bytes()


def project_copy(folder: Path) -> Path:
    path = folder / "project" / "project.json"
    path.parent.mkdir()
    path.write_bytes(_pristine())
    path.chmod(0o600)
    return path


@st.composite
def transcript(draw, index: int) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(SUPPORTED_SUFFIXES))
    kind = draw(st.sampled_from(["good", "good", "bytes", "unicode"]))
    if kind == "bytes":
        data = draw(st.binary(max_size=300))
    else:
        text = "Respondent: fine words" if kind == "good" else draw(st.text(XML_SAFE, max_size=80))
        data = transcript_file(suffix, text)
    return f"file {index}{suffix}", data


@settings(FUZZ, max_examples=40)
@given(data=st.data(), count=st.integers(1, 3))
def test_an_import_brings_in_every_file_or_none(tmp_path, cli, data, count):
    folder = fresh(tmp_path)
    project = project_copy(folder)
    before = project.read_bytes()
    paths = []
    for index in range(count):
        name, content = data.draw(transcript(index))
        paths.append(folder / name)
        paths[-1].write_bytes(content)

    status, out, err = cli("import", project, *paths)
    left = sorted(p.name for p in project.parent.iterdir())
    assert not [name for name in left if name.endswith((".tmp", ".lock"))], left
    if status == 0:
        opened = Project.open(project)
        assert check_project(opened) == []
        docs = opened.state.document_by_name
        for path in paths:  # each file became a whole document
            assert docs[path.stem].text == read_transcript(path).text
        assert len(docs) == count + 1
        return
    assert status == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert project.read_bytes() == before  # nothing half-imported
    assert any(str(path) in err or path.name in err for path in paths), err


@functools.cache
def _exchange_files() -> dict[str, bytes]:
    """A small study exported as .qdpx and .qdc, made once."""
    from workbench.io.refi import export_qdc, export_qdpx

    with tempfile.TemporaryDirectory() as folder:
        project = Project.create(Path(folder) / "p.json", name="exchange")
        doc = project.documents.add("r1", "Interviewer: why?\nRespondent 1: Anger 😀 at it.\n")
        coding = project.codings.add(doc, 31, 36, "Motivation/Anger", "ann")
        project.memos.add("coding", coding.id, "a memo", "ann")
        project.save()
        export_qdpx(project, Path(folder) / "x.qdpx")
        export_qdc(project, Path(folder) / "x.qdc")
        files = {s: (Path(folder) / f"x{s}").read_bytes() for s in (".qdpx", ".qdc")}
        project.close()
        return files


@settings(FUZZ, max_examples=40)
@given(
    suffix=st.sampled_from([".qdpx", ".qdc"]),
    random=st.booleans(),
    noise=st.binary(max_size=300),
    cut=st.integers(0, 100_000),
    flips=st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 255)), max_size=6),
)
def test_random_or_damaged_exchange_files(tmp_path, cli, suffix, random, noise, cut, flips):
    folder = fresh(tmp_path)
    project = project_copy(folder)
    before = project.read_bytes()
    if random:
        content = noise
    else:
        content = bytearray(_exchange_files()[suffix])
        for at, value in flips:
            content[at % len(content)] = value
        if cut % 2:
            content = content[: cut % len(content)]
    path = folder / f"from another tool{suffix}"
    path.write_bytes(bytes(content))

    status, out, err = cli("import", project, path)
    if status == 0:
        assert check_project(Project.open(project)) == []
    else:
        assert status == 2 and err.startswith("error: ") and err.count("\n") == 1, err
        assert "Traceback" not in err and "internal error" not in err, err
        assert project.read_bytes() == before
    assert not [p for p in project.parent.iterdir() if p.name.endswith((".tmp", ".lock"))]
