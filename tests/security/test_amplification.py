"""Amplification and quadratic inputs: caps on decoded text and paragraphs, members read once,
sibling codes found in one step, a MemoryError as a clean error."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from workbench.core.project import Project
from workbench.io import transcript

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(paragraphs: int) -> bytes:
    body = "<w:p/>" * paragraphs
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'
           f"<w:p><w:r><w:t>hello</w:t></w:r></w:p>{body}</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return buffer.getvalue()


@pytest.mark.timeout(60)
def test_docx_with_too_many_paragraphs_is_refused_quickly(interview, cli, tmp_path):
    attack = tmp_path / "many.docx"
    attack.write_bytes(_docx(transcript.MAX_PARAGRAPHS + 10))
    assert attack.stat().st_size < 200_000  # small on disk
    before = (interview / "project.json").read_bytes()
    started = time.monotonic()
    status, out, err = cli("import", interview, attack)
    assert status == 2
    assert err.startswith("error: ") and "paragraphs" in err and "cap" in err
    assert time.monotonic() - started < 30
    assert (interview / "project.json").read_bytes() == before


def _odt(runs: int) -> bytes:
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    spaces = '<text:s text:c="1000"/>' * runs
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               f'xmlns:office="{office}" xmlns:text="{text_ns}" office:version="1.2">'
               f"<office:body><office:text><text:p>a{spaces}b</text:p></office:text>"
               "</office:body></office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml",
                   '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                   'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type'
                   '="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:'
                   'full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return buffer.getvalue()


@pytest.mark.timeout(120)
def test_odt_space_runs_count_against_the_character_cap(interview, cli, tmp_path, monkeypatch):
    from workbench.io.formats import office

    monkeypatch.setattr(office, "MAX_DOCUMENT_CHARS", 1_000_000)  # the same code, a smaller cap
    attack = tmp_path / "spaces.odt"
    attack.write_bytes(_odt(2_000))  # 2 M characters from a few kB
    assert attack.stat().st_size < 50_000
    status, _, err = cli("import", interview, attack)
    assert status == 2
    assert "1,000,000 characters" in err and "cap" in err


def _qdpx(tmp_path: Path, references: int, size: int) -> Path:
    guid = "{:08d}-0000-4000-8000-000000000000"
    sources = "".join(
        f'<TextSource guid="{guid.format(n)}" name="s{n}" plainTextPath="internal://big.txt"/>'
        for n in range(references)
    )
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
           f'name="x" origin="attack"><Sources>{sources}</Sources></Project>')
    path = tmp_path / "amplify.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", qde)
        z.writestr("sources/big.txt", "word " * (size // 5))
    return path


@pytest.mark.timeout(120)
def test_one_source_referenced_many_times_hits_the_import_cap(
    interview, cli, tmp_path, monkeypatch
):
    from workbench.io.refi import reader

    read = []
    real = reader._Members._unpack
    monkeypatch.setattr(reader._Members, "_unpack",
                        lambda self, info, limit: read.append(info.filename) or real(self, info,
                                                                                     limit))
    monkeypatch.setattr(transcript, "MAX_IMPORT_CHARS", 5_000_000)
    monkeypatch.setattr(reader, "ImportBudget",
                        lambda: transcript.ImportBudget(transcript.MAX_IMPORT_CHARS))
    attack = _qdpx(tmp_path, references=200, size=1_000_000)  # 200 M characters if expanded
    assert attack.stat().st_size < 100_000
    before = (interview / "project.json").read_bytes()
    status, _, err = cli("import", interview, attack)
    assert status == 2
    assert "5,000,000 characters" in err and "cap per import" in err
    assert read.count("sources/big.txt") == 1  # unpacked once, however often referenced
    assert (interview / "project.json").read_bytes() == before


@pytest.mark.timeout(120)
def test_twenty_thousand_sibling_codes_import_in_linear_time(interview, cli, tmp_path):
    codes = "".join(
        f'<Code guid="{n:08d}-1111-4000-8000-000000000000" name="code {n}" isCodable="true"/>'
        for n in range(20_000)
    )
    qdc = tmp_path / "wide.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:'
                   f'1.0" origin="attack"><Codes>{codes}</Codes></CodeBook>', encoding="utf-8")
    started = time.monotonic()
    status, _, err = cli("import", interview, qdc)
    assert status == 0, err
    assert time.monotonic() - started < 60  # was minutes: a linear scan of siblings per code
    project = Project.open(interview)
    assert len(project.codebook) == 20_000
    orders = [c.order for c in project.codebook.children(None)]
    assert len(set(orders)) == 20_000


def test_sibling_lookups_stay_right_through_rename_move_and_undo(project):
    a = project.codebook.ensure("A")
    b = project.codebook.ensure("A/B")
    project.codebook.rename(b, "C")
    assert project.codebook.at_path("A/B") is None
    assert project.codebook.at_path("A/C").id == b.id
    project.codebook.move(project.codebook[b.id], None)
    assert project.codebook.at_path("C").id == b.id
    project.undo()
    project.undo()
    assert project.codebook.at_path("A/B").id == b.id
    assert project.codebook.next_order(project.codebook[a.id]) == project.codebook[b.id].order + 1


def test_a_memory_error_is_a_clean_error(interview, cli, monkeypatch):
    from workbench.cli import commands

    def exhausted(args):
        raise MemoryError

    monkeypatch.setattr(commands.Project, "open", staticmethod(lambda *a, **k: exhausted(a)))
    status, _, err = cli("docs", interview)
    assert status == 2
    assert err.startswith("error: out of memory")
    assert "internal error" not in err
