"""The helpers of the REFI-QDA tests (tests/refi_support.py) stand on firm ground: the official
schemas load and validate the samples, and the rich project is sound."""

from __future__ import annotations

import zipfile

from lxml import etree
from refi_support import _schema, build_rich, need_refi_dir

from workbench.core.project import Project


def test_schemas_load_and_samples_validate() -> None:
    folder = need_refi_dir()
    assert _schema("project-mrt2019.xsd") is not None
    assert _schema("codebook-mrt2019.xsd") is not None
    samples = sorted((folder / "samples").glob("*.qdpx"))
    assert samples
    for sample in samples:
        with zipfile.ZipFile(sample) as archive:
            qde = next(n for n in archive.namelist() if n.lower().endswith(".qde"))
            root = etree.fromstring(archive.read(qde))
        assert _schema("project-mrt2019.xsd").validate(root), sample.name


def test_rich_project_is_sound(project: Project, sound) -> None:
    build_rich(project)
    sound(project)
    assert len(project.documents.all()) == 4
    assert any(ord(ch) > 0xFFFF for ch in project.documents.named("Chat 😀").text)
