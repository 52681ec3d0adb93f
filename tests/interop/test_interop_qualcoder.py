"""Both ways through the real QualCoder (marker ``interop``; ``pytest -m interop``).

QualCoder is not on the package registry: give a checkout's ``src`` folder in
``$WORKBENCH_QUALCODER`` and a Python with PyQt6, Pillow, PyMuPDF and qtawesome in
``$WORKBENCH_QUALCODER_PYTHON``; without them the tests are skipped. QualCoder's own REFI-QDA
import and export run headless (``tests/interop/qualcoder_peer.py``).

The sample study goes into QualCoder and must arrive as QualCoder can hold it: every coding
with its coder and text, the memos of documents, cases, the project and codings; then
QualCoder's export must bring back the same texts, codes, descriptions and criteria, codings,
cases and attributes.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from workbench.core.project import Project
from workbench.io.refi import export_qdpx, import_refi

pytestmark = pytest.mark.interop

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_project" / "project.json"
PEER = ROOT / "tests" / "interop" / "qualcoder_peer.py"


@pytest.fixture(scope="module")
def qualcoder(tmp_path_factory: pytest.TempPathFactory):
    src, python = os.environ.get("WORKBENCH_QUALCODER"), os.environ.get(
        "WORKBENCH_QUALCODER_PYTHON")
    if not src or not python:
        pytest.skip("QualCoder is not given ($WORKBENCH_QUALCODER, $WORKBENCH_QUALCODER_PYTHON)")
    home = tmp_path_factory.mktemp("qualcoder-home")

    def run(*args: object) -> str:
        env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
        done = subprocess.run([python, str(PEER), *map(str, args)], capture_output=True,
                              text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    return run


def _paths(held: dict) -> dict[int, str]:
    """QualCoder's code id -> its path (parent codes and categories above it)."""
    codes = {c["cid"]: c for c in held["codes"]}
    cats = {c["catid"]: c for c in held["categories"]}
    out = {}
    for cid, code in codes.items():
        parts, node = [code["name"]], code
        while node["supercid"]:
            node = codes[node["supercid"]]
            parts.append(node["name"])
        cat = node["catid"]
        while cat:
            parts.append(cats[cat]["name"])
            cat = cats[cat]["supercatid"]
        out[cid] = "/".join(reversed(parts))
    return out


def test_the_sample_study_to_qualcoder_and_back(qualcoder, tmp_path: Path) -> None:
    ours = Project.open(SAMPLE)
    exported = tmp_path / "study.qdpx"
    export_qdpx(ours, exported)
    qc = tmp_path / "study.qda"
    qualcoder("import", exported, qc)
    held = json.loads(qualcoder("dump", qc))
    assert "Duplicated text coding" not in (qc / "import-log.txt").read_text(encoding="utf-8")
    # every coding arrives with its code, coder and text
    names = {s["id"]: s["name"] for s in held["sources"]}
    paths = _paths(held)
    theirs = sorted((names[c["fid"]], paths[c["cid"]], c["pos0"], c["pos1"], c["owner"],
                     c["seltext"]) for c in held["codings"])
    codings = sorted((d.name, ours.codebook.path(ours.codebook[c.code]), c.start, c.end,
                      c.coder, c.text)
                     for d in ours.documents.all() for c in ours.codings.of_document(d))
    assert theirs == codings
    # the memos of documents, cases, the project and codings are where QualCoder reads them
    held_memos = ([s["memo"] for s in held["sources"]] + [c["memo"] for c in held["cases"]]
                  + [c["memo"] for c in held["codings"]] + [held["project_memo"]])
    for memo in ours.memos.all():
        if memo.target_kind != "code":
            assert any(memo.text.strip() in text for text in held_memos), memo.text
    # and back
    back_file = tmp_path / "from-qualcoder.qdpx"
    qualcoder("export", qc, back_file)
    back = Project.create(tmp_path / "back")
    try:
        import_refi(back, back_file)
        assert {d.name: d.text for d in back.documents.all()} == {
            d.name: d.text for d in ours.documents.all()}
        fields = ("description", "inclusion", "exclusion", "example")
        for code in ours.codebook.all():
            again = back.codebook.find(ours.codebook.path(code))
            assert [getattr(again, f) for f in fields] == [getattr(code, f) for f in fields]
        assert sorted((d.name, back.codebook.path(back.codebook[c.code]), c.start, c.end,
                       c.coder, c.text)
                      for d in back.documents.all() for c in back.codings.of_document(d)) == codings
        assert {c.name: c.attributes for c in back.cases.all()} == {
            c.name: c.attributes for c in ours.cases.all()}
        for memo in ours.memos.all():
            if memo.target_kind in ("document", "case"):
                target = (ours.documents[memo.target_id].name if memo.target_kind == "document"
                          else ours.cases[memo.target_id].name)
                found = [m.text for m in back.memos.all() if m.target_kind == memo.target_kind
                         and (back.documents[m.target_id].name if m.target_kind == "document"
                              else back.cases[m.target_id].name) == target]
                assert any(memo.text.strip() in text for text in found), memo.text
    finally:
        back.lock.release()
