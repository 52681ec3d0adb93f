"""Taguette import without the peer: the real files Taguette 1.5.2 made (tests/fixtures/taguette,
see tests/interop/taguette_peer.py), its HTML and byte offsets, the codebook CSV both ways, and
hostile files (each one error line, the project unchanged)."""

from __future__ import annotations

import html
import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from fault_support import one_error
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.project import Project
from workbench.core.text import normalise
from workbench.errors import WorkbenchError
from workbench.io.codebook_csv import export_codebook_csv
from workbench.io.taguette import import_taguette
from workbench.io.taguette import reader as taguette_reader
from workbench.io.taguette.html import HtmlText

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "taguette"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
SAMPLE = Path(__file__).resolve().parents[2] / "sample_project"


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('coder = "aigerim"\n', encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))


def _codings(project: Project) -> list[tuple[str, str, str, str]]:
    out = []
    for doc in project.documents.all():
        for c in project.codings.of_document(doc):
            code = project.codebook[c.code]
            assert c.text == doc.text[c.start:c.end]
            out.append((doc.name, c.text, project.codebook.path(code), c.coder))
    return sorted(out)


def _expected(separator: str = ".") -> list[tuple[str, str, str, str]]:
    return sorted((h["document"], h["text"], tag.replace(separator, "/"), "ann")
                  for h in EXPECTED["highlights"] for tag in h["tags"])


# --------------------------------------------------------------------------- the real files
def test_project_export_arrives_exactly(project: Project, sound) -> None:
    summary = import_taguette(project, FIXTURES / "project.sqlite3", coder="ann",
                              tag_separator=".")
    sound(project)
    docs = {d.name: d for d in project.documents.all()}
    assert {n: d.text for n, d in docs.items()} == EXPECTED["documents"]
    assert _codings(project) == _expected()
    assert summary.documents == 2 and summary.codings == len(_expected())
    assert [s for s in summary.skipped if "no tag" in s] == [
        "highlight 8 in 'Интервью Б': it has no tag"]
    friends = project.codebook.find("Networks/Friends")
    assert (friends.description, friends.inclusion, friends.exclusion) == (
        "A friend brought them.", "a named friend", "organisations")
    online = project.codebook.find("Networks/Online")
    assert (online.inclusion, online.example) == ("чаты и группы", "«чат в телеграме»")
    memos = sorted((m.target_kind, m.text) for m in project.memos.all())
    assert memos == [("document", "First interview; café & chat."),
                     ("project", "Made-up texts for the importer's tests.\nSecond line.")]
    assert docs["Interview A"].source == "Interview A.txt"
    # one undo takes it all back
    project.undo()
    assert project.documents.all() == [] and project.codebook.all() == []


def test_tags_stay_whole_without_their_separator(project: Project) -> None:
    summary = import_taguette(project, FIXTURES / "project.sqlite3", coder="ann")
    assert {project.codebook.path(c) for c in project.codebook.all()} == {
        "interesting", "Networks.Friends", "Networks.Online", "Emotion"}
    assert summary.codes == 4


def test_highlights_csv_finds_each_highlight_in_the_documents(project: Project) -> None:
    for name, text in EXPECTED["documents"].items():
        project.documents.add(name, text)
    summary = import_taguette(project, FIXTURES / "highlights.csv", coder="ann",
                              tag_separator=".")
    assert _codings(project) == _expected()
    assert summary.kind == "highlights" and summary.skipped == []
    assert "does not say who made each highlight" in summary.changed[-1]


def test_highlights_csv_needs_the_documents(project: Project) -> None:
    summary = import_taguette(project, FIXTURES / "highlights.csv", coder="ann")
    assert summary.codings == 0
    assert any("document 'Interview A'" in s and "import its transcript first" in s
               for s in summary.skipped)


def test_taguettes_codebook_csv(project: Project) -> None:
    summary = import_taguette(project, FIXTURES / "codebook.csv", coder="ann",
                              tag_separator=".")
    assert summary.kind == "codebook" and summary.codes == 5
    assert project.codebook.find("Networks/Friends").exclusion == "organisations"


def test_codebook_csv_round_trip(tmp_path: Path) -> None:
    source = Project.open(SAMPLE / "project.json")
    out = tmp_path / "codebook.csv"
    path, count = export_codebook_csv(source, out)
    assert count == len(source.codebook.all()) == 30
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    header = out.read_bytes().split(b"\r\n", 1)[0]
    assert header == b"path,description,inclusion,exclusion,example,theme,color"
    again = Project.create(tmp_path / "again")
    try:
        import_taguette(again, out, coder="x")
        fields = ("name", "description", "inclusion", "exclusion", "example", "is_theme",
                  "color")

        def view(p: Project) -> list:
            return [(p.codebook.path(c), *(getattr(c, f) for f in fields))
                    for c in p.codebook.all()]

        assert view(again) == view(source)
    finally:
        again.lock.release()


# --------------------------------------------------------------------------- HTML and offsets
def test_html_as_taguette_shows_it() -> None:
    cases = {
        "<p>a <b>bold</b> c</p>\n<p>\xa0</p>\n<p>d &amp; e</p>": "a bold c\n\nd & e\n",
        "<h1>Title</h1><ul><li>one</li><li>two</li></ul>": "Title\none\ntwo\n",
        "<p>line<br>next</p><p><br></p><p>after</p>": "line\nnext\n\nafter\n",
        "<pre>\n  kept  as is\n</pre><p>  trimmed  </p>": "  kept  as is\ntrimmed\n",
        "<p>wrapped\nin the source</p><script>var x = 1;</script>": "wrapped in the source\n",
        "\ufeff<p>cafe\u0301</p>": "café\n",
    }
    for source, want in cases.items():
        assert HtmlText(source).text == want, source


def test_deeply_nested_html_is_read_without_recursion() -> None:
    depth = 100_000
    shown = HtmlText("<div>" + "<b>" * depth + "deep" + "</b>" * depth + "</div>")
    assert shown.text == "deep\n"
    assert shown.spans([(0, 4)]) == [(0, 4, False)]


line = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30).map(
    lambda s: normalise(s).strip())


@given(lines=st.lists(line, min_size=1, max_size=8), data=st.data())
def test_byte_offsets_land_on_the_characters_taguette_highlights(lines: list[str], data) -> None:
    """Calibre's HTML of a text file (a ``<p>`` per line, ``&nbsp;`` for a blank one): the text
    comes back exactly, and a highlight's UTF-8 offsets over the text content (the text nodes,
    the line breaks between paragraphs among them) cover exactly the characters chosen."""
    source = "\n".join(f"<p>{html.escape(x, quote=False) if x else '&nbsp;'}</p>" for x in lines)
    text = "".join(f"{x}\n" for x in lines)
    content = "\n".join(x if x else "\xa0" for x in lines)  # what the browser counts
    shown = HtmlText(source)
    assert shown.text == text
    visible = [i for i, ch in enumerate(text) if ch != "\n"]
    if not visible:
        return
    a = data.draw(st.sampled_from(visible))
    b = data.draw(st.sampled_from([i + 1 for i in visible if i >= a]))
    # our text and the content agree but for empty lines ("" vs "\xa0")
    to_content = []
    at = 0
    for x in lines:
        to_content += list(range(at, at + len(x) + 1))
        at += max(len(x), 1) + 1
    start, end = to_content[a], to_content[b - 1] + 1
    nbytes = [len(content[:start].encode()), len(content[:end].encode())]
    assert shown.spans([tuple(nbytes)]) == [(a, b, False)]


def test_offsets_outside_the_text_are_cut_and_reported() -> None:
    shown = HtmlText("<p>abc</p>")
    assert shown.spans([(1, 99), (-5, 2)]) == [(1, 3, True), (0, 2, True)]


# --------------------------------------------------------------------------- hostile files
def _copy(tmp_path: Path, name: str = "project.sqlite3") -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / "project.sqlite3", target)
    return target


def _edit(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()
    return path


def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"not a database at all" * 10)


def _cut_short(path: Path) -> None:
    path.write_bytes((FIXTURES / "project.sqlite3").read_bytes()[:4096])


def _changed(*statements: str):
    def make(path: Path) -> None:
        shutil.copyfile(FIXTURES / "project.sqlite3", path)
        _edit(path, *statements)
    return make


@pytest.mark.parametrize(("make", "words"), [
    (_not_sqlite, "not an SQLite database"),
    (_cut_short, "cannot be read"),
    (_changed("DROP TABLE highlight_tags"), "no 'highlight_tags' table"),
    (_changed("ALTER TABLE tags RENAME COLUMN path TO name"), "no 'path' column"),
    (_changed("INSERT INTO projects (name, description, created) "
              "VALUES ('Second', '', '2024-01-01')"), "holds 2 Taguette projects"),
    (_changed("DELETE FROM projects"), "holds no Taguette project"),
    (_changed("ALTER TABLE documents RENAME TO docs",
              "CREATE VIEW documents AS SELECT * FROM docs"), "no 'documents' table"),
    (Path.mkdir, "is a folder"),
])
def test_hostile_exports_change_nothing(project: Project, tmp_path: Path, snap, make,
                                        words: str) -> None:
    path = tmp_path / "bad.sqlite3"
    make(path)
    before = snap(project)
    with pytest.raises(WorkbenchError) as caught:
        import_taguette(project, path, coder="ann")
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)
    assert snap(project) == before


def test_a_slow_database_is_stopped(project: Project, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(taguette_reader, "MAX_SECONDS", -1.0)
    monkeypatch.setattr(taguette_reader, "CHECK_EVERY", 1)
    with pytest.raises(WorkbenchError, match="took over"):
        import_taguette(project, _copy(tmp_path), coder="ann")


def test_oversized_files_are_refused_before_reading(project: Project, tmp_path: Path,
                                                    monkeypatch) -> None:
    monkeypatch.setattr(taguette_reader, "MAX_DATABASE", 1000)
    with pytest.raises(WorkbenchError, match="larger than"):
        import_taguette(project, _copy(tmp_path), coder="ann")
    monkeypatch.setattr(taguette_reader, "MAX_CSV", 10)
    with pytest.raises(WorkbenchError, match="larger than"):
        import_taguette(project, FIXTURES / "highlights.csv", coder="ann")


def test_a_huge_document_is_left_out(project: Project, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(taguette_reader, "MAX_DOCUMENT", 150)
    with pytest.raises(WorkbenchError, match="larger than"):
        import_taguette(project, _copy(tmp_path), coder="ann")


def test_files_beside_the_database_are_neither_read_nor_written(project: Project,
                                                                tmp_path: Path) -> None:
    """A journal or WAL planted beside the export (a shared folder), or a link there, is not
    opened: the database is read as it is (immutable), and nothing beside it changes."""
    db = _copy(tmp_path)
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep me")
    (tmp_path / "project.sqlite3-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" * 64)
    (tmp_path / "project.sqlite3-wal").symlink_to(outside)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    import_taguette(project, db, coder="ann", tag_separator=".")
    assert _codings(project) == _expected()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    assert not (tmp_path / "project.sqlite3-shm").exists()


def test_odd_values_in_the_database_are_reported(project: Project, tmp_path: Path) -> None:
    db = _edit(_copy(tmp_path),
               "UPDATE highlights SET end_offset = 100000 WHERE id = 1",
               "UPDATE highlights SET start_offset = 'x' WHERE id = 2",
               "UPDATE documents SET contents = x'ff00' WHERE id = 2")
    summary = import_taguette(project, db, coder="ann", tag_separator=".")
    notes = "\n".join(summary.changed + summary.skipped)
    assert "reaches outside the text" in notes
    assert "document 'Интервью Б' (4 highlights): its contents are not text" in notes
    assert [d.name for d in project.documents.all()] == ["Interview A"]


@pytest.mark.parametrize(("data", "words"), [
    (b"\x00\x01\x02binary", "looks binary"),
    (b"", "empty"),
    (b"a,b\n1,2\n", "columns are: a, b"),
    (b"tag,name\nx,y\n", "several columns"),
    (b"\xff\xfe\x00broken", "not valid utf-16"),
    (b'id,document,tag,content\n1,"unclosed', "not a readable CSV"),
    ("id,document,tag,content\n1,d,t," + "x" * 200_000 + "\n", "not a readable CSV"),
])
def test_hostile_csv_files_change_nothing(project: Project, tmp_path: Path, snap, data,
                                          words: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    before = snap(project)
    with pytest.raises(WorkbenchError) as caught:
        import_taguette(project, path, coder="ann")
    assert words in str(caught.value)
    assert snap(project) == before


# --------------------------------------------------------------------------- the command line
def test_import_and_export_from_the_command_line(tmp_path: Path, cli) -> None:
    study = tmp_path / "study"
    assert cli("init", study)[0] == 0
    status, out, err = cli("import", study, FIXTURES / "project.sqlite3", "--tag-separator", ".")
    assert status == 0, err
    assert out.startswith("imported project.sqlite3 (from Taguette): 2 documents, 5 new codes, "
                          "8 codings, 2 memos")
    status, out, _ = cli("quotes", study, "--json")
    assert {q["coder"] for q in json.loads(out)} == {"aigerim"}  # the configured coder
    status, out, _ = cli("codes", study, "--json")
    friends = next(c for c in json.loads(out) if c["path"] == "Networks/Friends")
    assert (friends["inclusion"], friends["exclusion"], friends["example"]) == (
        "a named friend", "organisations", "")
    status, out, err = cli("export", study, "--format", "codebook-csv", "-o",
                           tmp_path / "cb.csv", "--json")
    assert status == 0 and json.loads(out)["codes"] == 5, err


def test_import_help_and_errors_name_every_kind(tmp_path: Path, cli) -> None:
    study = tmp_path / "study"
    cli("init", study)
    status, out, _ = cli("import", "--help")
    for kind in (".txt", ".docx", ".vtt", ".qdpx", ".qdc", ".sqlite3", ".csv"):
        assert kind in out
    odd = tmp_path / "notes.xyz"
    odd.write_text("x", encoding="utf-8")
    one_error(*cli("import", study, odd), ".txt", ".qdpx", ".qdc", ".sqlite3", ".csv")
    text = tmp_path / "a.txt"
    text.write_text("Interviewer: hi\n", encoding="utf-8")
    one_error(*cli("import", study, text, "--tag-separator", "."), "Taguette")
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    one_error(*cli("import", study, bad), "bad.sqlite3")


def test_transcripts_and_their_highlights_in_one_command(tmp_path: Path, cli) -> None:
    study = tmp_path / "study"
    cli("init", study)
    files = []
    for name, text in EXPECTED["documents"].items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    status, out, err = cli("import", study, FIXTURES / "highlights.csv", *files,
                           "--tag-separator", ".", "--coder", "ann")
    assert status == 0, err
    project = Project.open(study)
    assert _codings(project) == _expected()
