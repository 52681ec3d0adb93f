"""The bundled sample study builds from its sources, and the committed project.json is current."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from workbench.core.project import Project
from workbench.io.importers import read_transcript

SAMPLE = Path(__file__).resolve().parent.parent / "sample_project"
ATTRIBUTES = {"pronouns", "age", "gender identity", "city", "interview mode", "language"}
RUSSIAN = [
    "interview-04-ru.docx",
    "interview-05-ru.txt",
    "interview-06-ru.txt",
    "interview-07-ru.txt",
]
ENGLISH = ["interview-01-en.txt", "interview-02-en.vtt", "interview-03-en.txt"]


def _load_build():
    spec = importlib.util.spec_from_file_location("sample_build", SAMPLE / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _russian_complete() -> bool:
    data = SAMPLE / "data"
    return all((SAMPLE / "transcripts" / n).exists() for n in RUSSIAN) and (
        (data / "codings-ru.json").exists() and (data / "memos-ru.json").exists()
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sample built from a copy of its sources into a temporary folder."""
    folder = tmp_path_factory.mktemp("sample") / "sample_project"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("project.json*", "__pycache__"))
    build = _load_build()
    counts = build.build(source=folder)
    assert counts["documents"] == len(list((folder / "transcripts").iterdir()))
    project = Project.open(folder / "project.json")
    assert not list(folder.glob("project.json.bak-*"))
    return project


def test_documents_and_cases(built: Project) -> None:
    names = [d.name for d in built.documents.all()]
    assert names[:3] == ["interview-01-en", "interview-02-en", "interview-03-en"]
    cases = built.cases.all()
    assert [c.name for c in cases] == [f"Respondent {n}" for n in range(1, 8)]
    for case in cases:
        assert set(case.attributes) == ATTRIBUTES, case.name
        assert case.attributes["age"].isdigit()
        assert case.attributes["interview mode"] in {"in person", "video call", "phone"}
        assert case.attributes["language"] in {"English", "Russian"}
    for doc in built.documents.all():
        case = built.cases.of(doc)
        assert case is not None, doc.name
        expected = "Russian" if doc.name.endswith("-ru") else "English"
        assert case.attributes["language"] == expected
    if _russian_complete():
        assert len(names) == 7


def test_codebook(built: Project) -> None:
    codes = built.codebook.all()
    themes = [c for c in codes if c.is_theme]
    assert len(themes) == 5 and all(c.parent is None for c in themes)
    children = [c for c in codes if not c.is_theme]
    assert len(children) == 25
    assert all(built.codebook[c.parent].is_theme for c in children)
    assert all(c.description for c in codes)
    described = [c for c in children if c.inclusion and c.exclusion and c.example]
    assert len(described) >= 15


def test_codings_anchor_exactly(built: Project) -> None:
    codings = list(built.codings.values())
    documents = built.documents
    for coding in codings:
        assert documents[coding.document].text[coding.start:coding.end] == coding.text
    coders = {c.coder for c in codings}
    assert {"researcher", "second_coder"} <= coders
    english = [c for c in codings if documents[c.document].name.endswith("-en")]
    assert 60 <= len(english) <= 100
    assert any(built.codebook[c.code].is_theme for c in codings)
    if _russian_complete():
        assert 120 <= len(codings) <= 200
        assert all(built.codings.of_document(d) for d in built.documents.all())


def test_memos(built: Project) -> None:
    memos = built.memos.all()
    kinds = {m.target_kind for m in memos}
    assert {"project", "document", "case", "code", "coding"} <= kinds
    if _russian_complete():
        assert len(memos) >= 12


@pytest.mark.parametrize("name", ENGLISH + RUSSIAN)
def test_transcript_length(name: str) -> None:
    path = SAMPLE / "transcripts" / name
    if not path.exists():
        pytest.skip(f"{name} is not written yet")
    words = len(read_transcript(path).text.split())
    assert 1000 <= words <= 3000, f"{name}: {words} words"


def test_vtt_merges_cues_into_turns() -> None:
    path = SAMPLE / "transcripts" / "interview-02-en.vtt"
    imported = read_transcript(path)
    cues = path.read_text(encoding="utf-8").count(" --> ")
    assert len(imported.paragraphs) < cues
    speakers = [p.speaker for p in imported.paragraphs]
    assert set(speakers) == {"Interviewer", "Respondent"}
    assert all(a != b for a, b in zip(speakers, speakers[1:], strict=False))


def test_sources_quote_known_codes() -> None:
    book = json.loads((SAMPLE / "data" / "codebook.json").read_text(encoding="utf-8"))
    paths = set()
    for theme in book["themes"]:
        paths.add(theme["name"])
        for code in theme["codes"]:
            paths.add(f"{theme['name']}/{code if isinstance(code, str) else code['name']}")
    for path in sorted((SAMPLE / "data").glob("codings-*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            assert item["code"] in paths, (path.name, item["code"])


def test_missing_quote_fails_loudly(tmp_path: Path) -> None:
    folder = tmp_path / "sample_project"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("project.json*", "__pycache__"))
    bad = [
        {"document": "interview-01-en", "quote": "words nobody said", "code": "Motivations/Anger"}
    ]
    (folder / "data" / "codings-zz.json").write_text(json.dumps(bad), encoding="utf-8")
    build = _load_build()
    expected = r"codings-zz\.json.*interview-01-en.*words nobody said"
    with pytest.raises(build.BuildError, match=expected):
        build.build(source=folder)
    assert not (folder / "project.json").exists()
    ambiguous = [{"document": "interview-01-en", "quote": "Respondent:", "code": "Motivations"}]
    (folder / "data" / "codings-zz.json").write_text(json.dumps(ambiguous), encoding="utf-8")
    with pytest.raises(build.BuildError, match="occurrence"):
        build.build(source=folder)


def test_committed_project_is_current(built: Project) -> None:
    committed_path = SAMPLE / "project.json"
    assert committed_path.exists(), "run: python sample_project/build.py"
    committed = Project.open(committed_path)
    fresh = {d.name: d.text for d in built.documents.all()}
    stored = {d.name: d.text for d in committed.documents.all()}
    hint = "sample_project/project.json is stale; run: python sample_project/build.py"
    assert stored == fresh, hint
    for table in ("cases", "codes", "codings", "memos"):
        assert len(committed.state.tables[table]) == len(built.state.tables[table]), (table, hint)
    assert {c.name: c.attributes for c in committed.cases.all()} == {
        c.name: c.attributes for c in built.cases.all()
    }, hint
    assert spans(committed) == spans(built), hint


def spans(p: Project) -> set[tuple[str, int, int, str, str]]:
    """Every coding as (document name, start, end, code path, coder)."""
    docs = p.documents
    codes = p.codebook
    return {
        (docs[c.document].name, c.start, c.end, p.codebook.path(codes[c.code]), c.coder)
        for c in p.codings.values()
    }
