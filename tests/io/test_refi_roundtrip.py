"""Export → import into a new project → the same project; export again → the same file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree
from refi_support import build_rich, qde_of, validate_qdc, validate_qdpx, view

from workbench.core.integrity import check_project
from workbench.core.project import Project
from workbench.io.refi import export_qdc, export_qdpx, import_refi

SAMPLE = Path(__file__).resolve().parents[2] / "sample_project" / "project.json"


def _fresh(tmp_path: Path, name: str) -> Project:
    return Project.create(tmp_path / name, name=name)


def _content(qde: bytes) -> bytes:
    """The .qde without the attributes that name the project itself (its name, its date)."""
    root = etree.fromstring(qde)
    for attr in ("name", "creationDateTime"):
        root.attrib.pop(attr, None)
    return etree.tostring(root)


def _round_trip(source: Project, tmp_path: Path) -> tuple[Project, Path, Path]:
    first = tmp_path / "first.qdpx"
    export_qdpx(source, first)
    validate_qdpx(first)
    target = _fresh(tmp_path, "copy")
    summary = import_refi(target, first)
    assert summary.skipped == [], summary.lines()
    assert summary.changed == [], summary.lines()
    second = tmp_path / "second.qdpx"
    export_qdpx(target, second)
    validate_qdpx(second)
    return target, first, second


def test_rich_project_round_trips(project: Project, tmp_path: Path, sound) -> None:
    build_rich(project)
    target, first, second = _round_trip(project, tmp_path)
    try:
        sound(target)
        assert check_project(target) == []
        assert view(target) == view(project)
        # ids survive, so a second export is the same file (apart from the project's own name)
        assert set(target.codings) == set(project.codings)
        assert set(target.memos) == set(project.memos)
        assert _content(qde_of(first)) == _content(qde_of(second))
    finally:
        target.lock.release()


def test_import_is_one_undoable_step(project: Project, tmp_path: Path, snap) -> None:
    build_rich(project)
    export_qdpx(project, tmp_path / "x.qdpx")
    target = _fresh(tmp_path, "copy")
    try:
        target.documents.add("Already here", "Some text.\n")
        before, entries = snap(target), len(target.history.entries)
        import_refi(target, tmp_path / "x.qdpx")
        assert len(target.history.entries) == entries + 1
        assert target.undo() is not None
        assert snap(target) == before
        target.redo()
        assert view(target)["codings"] == view(project)["codings"]
    finally:
        target.lock.release()


def test_importing_into_the_same_project_again(project: Project, tmp_path: Path, sound) -> None:
    build_rich(project)
    export_qdpx(project, tmp_path / "x.qdpx")
    codes_before = len(project.codebook.all())
    summary = import_refi(project, tmp_path / "x.qdpx")
    sound(project)
    assert summary.documents == 4 and summary.codes == 0
    assert summary.codes_merged == codes_before
    assert len(project.codebook.all()) == codes_before
    names = {d.name for d in project.documents.all()}
    assert {"Interview 1 (en) (2)", "Chat 😀 (2)"} <= names
    assert any("'Interview 1 (en) (2)'" in line for line in summary.changed)
    assert any("already in the project" in line for line in summary.changed)
    # the copies' codings went to the codes that were there, and the copies joined the cases
    assert len(project.codings) == 24
    copy = project.documents.named("Interview 1 (en) (2)")
    assert project.cases.of(copy).name == "Respondent 1"
    assert summary.cases == 0


def test_codebook_round_trips(project: Project, tmp_path: Path) -> None:
    build_rich(project)
    export_qdc(project, tmp_path / "codes.qdc")
    validate_qdc(tmp_path / "codes.qdc")
    target = _fresh(tmp_path, "copy")
    try:
        summary = import_refi(target, tmp_path / "codes.qdc")
        assert summary.kind == "codebook" and summary.skipped == []
        assert view(target)["codes"] == view(project)["codes"]
        assert view(target)["code_order"] == view(project)["code_order"]
        assert summary.lines()[0].startswith("imported codes.qdc (from Workbench")
    finally:
        target.lock.release()


def test_sample_project_round_trips(tmp_path: Path, sound) -> None:
    if not SAMPLE.exists():
        pytest.skip("sample_project/project.json is not in this checkout")
    shutil.copy(SAMPLE, tmp_path / "project.json")
    source = Project.open(tmp_path / "project.json")
    target, first, second = _round_trip(source, tmp_path)
    try:
        sound(target)
        assert check_project(target) == []
        assert view(target) == view(source)
        assert _content(qde_of(first)) == _content(qde_of(second))
        target.save()
        reopened = Project.open(target.path)
        assert view(reopened) == view(source)
    finally:
        target.lock.release()
