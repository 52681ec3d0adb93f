"""Both ways through the real Taguette 1.5.2 (marker ``interop``; ``pytest -m interop``).

Taguette is installed from the package registry into ``.peers/taguette`` (once; or
``$WORKBENCH_TAGUETTE``) and run on 127.0.0.1; the tests drive it over its HTTP API as its web
page does. Without Taguette (offline) they are skipped, saying why.

- Taguette to Workbench: the fixture study is built in Taguette afresh, with highlights
  placed by Taguette's own HTML parser; its project export and highlights CSV must import
  with the exact texts and every highlight on the exact characters, like the committed files.
- Workbench to Taguette and back: the sample study's documents and ``codebook-csv`` go into
  Taguette, its codings become highlights (positions worked out in Taguette's environment),
  and Taguette's exports must bring back the same texts, codes and coded spans.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from taguette_peer import (
    Taguette,
    TaguetteServer,
    find_taguette,
    make_fixture,
    taguette_python,
)

from workbench.core.project import Project
from workbench.io.codebook_csv import export_codebook_csv
from workbench.io.taguette import import_taguette

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "taguette"
SAMPLE = ROOT / "sample_project" / "project.json"

#: run in Taguette's environment: check Taguette's text content of each document is its lines
#: (a paragraph each, "\xa0" for a blank one) and give each span's UTF-8 offsets in it
_CONTENT_OFFSETS = r"""
import json, sys
from bs4 import BeautifulSoup
out = []
for html, text, spans in json.load(sys.stdin):
    content = BeautifulSoup(html, "html5lib").get_text()
    lines = text.split("\n")[:-1]
    assert content == "\n".join(x if x else "\xa0" for x in lines), "not a paragraph per line"
    start_of, at = [], 0
    for x in lines:  # our offset -> the content's, line by line
        start_of += list(range(at, at + len(x) + 1))
        at += max(len(x), 1) + 1
    out.append([[len(content[:start_of[a]].encode()),
                 len(content[:start_of[b - 1] + 1].encode())] for a, b in spans])
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def taguette() -> Path:
    executable, why = find_taguette()
    if executable is None:
        pytest.skip(f"Taguette is not available: {why}")
    return executable


@pytest.fixture
def session(taguette: Path, tmp_path: Path):
    with TaguetteServer(taguette, tmp_path / "taguette") as server:
        yield Taguette(server)


def _codings(project: Project) -> list[tuple[str, str, int, int, str]]:
    out = []
    for doc in project.documents.all():
        for c in project.codings.of_document(doc):
            assert c.text == doc.text[c.start:c.end]
            code = project.codebook[c.code]
            out.append((doc.name, project.codebook.path(code), c.start, c.end, c.text))
    return sorted(out)


def _imported(tmp_path: Path, name: str, *files: Path, documents: dict | None = None,
              separator: str = ".") -> Project:
    project = Project.create(tmp_path / name)
    for doc, text in (documents or {}).items():
        project.documents.add(doc, text)
    for path in files:
        import_taguette(project, path, coder="ann", tag_separator=separator)
    return project


def test_taguettes_own_files_arrive_exactly(session: Taguette, taguette: Path,
                                            tmp_path: Path) -> None:
    expected = make_fixture(session, taguette, tmp_path / "made")
    fresh = _imported(tmp_path, "fresh", tmp_path / "made" / "project.sqlite3")
    committed = _imported(tmp_path, "committed", FIXTURES / "project.sqlite3")
    try:
        assert {d.name: d.text for d in fresh.documents.all()} == expected["documents"]
        want = sorted((h["document"], tag.replace(".", "/"), h["text"])
                      for h in expected["highlights"] for tag in h["tags"])
        assert sorted((d, c, t) for d, c, _, _, t in _codings(fresh)) == want
        assert _codings(fresh) == _codings(committed)
        from_csv = _imported(tmp_path, "csv", tmp_path / "made" / "highlights.csv",
                             documents=expected["documents"])
        assert _codings(from_csv) == _codings(fresh)
        from_csv.lock.release()
    finally:
        fresh.lock.release()
        committed.lock.release()


def test_the_sample_study_to_taguette_and_back(session: Taguette, taguette: Path,
                                               tmp_path: Path) -> None:
    ours = Project.open(SAMPLE)
    project = session.new_project("Activist trajectories")
    docs = {d.name: session.add_text(project, d.name, d.text) for d in ours.documents.all()}
    # the codebook through Taguette's own "Import codebook"
    codebook, _ = export_codebook_csv(ours, tmp_path / "codebook.csv")
    session.import_codebook(project, "codebook.csv", codebook.read_bytes())
    rows = list(csv.DictReader(io.StringIO(session.export(project, "codebook.csv").decode())))
    tags = {row["tag"]: row["description"] for row in rows}
    described = {ours.codebook.path(c): c.description for c in ours.codebook.all()}
    assert described.items() <= tags.items()
    # our codings as Taguette highlights, one per span with all its codes
    spans: dict[tuple[str, int, int], set[str]] = {}
    for doc in ours.documents.all():
        for c in ours.codings.of_document(doc):
            code = ours.codebook.path(ours.codebook[c.code])
            spans.setdefault((doc.name, c.start, c.end), set()).add(code)
    names = list(docs)
    request = [[session.contents(project, docs[n]), ours.documents.named(n).text,
                [[a, b] for (d, a, b) in spans if d == n]] for n in names]
    done = subprocess.run([str(taguette_python(taguette)), "-c", _CONTENT_OFFSETS],
                          input=json.dumps(request), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    offsets = dict(zip(names, json.loads(done.stdout), strict=True))
    ids = session.tags(project)
    for n in names:
        keys = [k for k in spans if k[0] == n]
        for (a, b), key in zip(offsets[n], keys, strict=True):
            session.add_highlight(project, docs[n], a, b, sorted(ids[c] for c in spans[key]))
    export = tmp_path / "project.sqlite3"
    export.write_bytes(session.export(project, "project.sqlite3"))
    highlights = tmp_path / "highlights.csv"
    highlights.write_bytes(session.export(project, "highlights/.csv"))
    # and back: the same texts, codes with their descriptions, and coded spans
    back = _imported(tmp_path, "back", export, separator="/")
    from_csv = _imported(tmp_path, "csv", highlights, separator="/",
                         documents={d.name: d.text for d in ours.documents.all()})
    try:
        assert {d.name: d.text for d in back.documents.all()} == {
            d.name: d.text for d in ours.documents.all()}
        for code in ours.codebook.all():
            assert back.codebook.find(ours.codebook.path(code)).description == code.description
        want = sorted({(d, c, a, b, ours.documents.named(d).text[a:b])
                       for (d, a, b), codes in spans.items() for c in codes})
        assert _codings(back) == want
        assert _codings(from_csv) == want
    finally:
        back.lock.release()
        from_csv.lock.release()
