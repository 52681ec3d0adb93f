"""REFI-QDA import of what real tools write: the public samples, NVivo-, QualCoder- and qc-like
archives built here, foreign codebooks, and malformed files (which change nothing)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from refi_support import FIXTURES, build_qdpx, build_rich, need_refi_dir

from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.io.refi import export_qdpx, import_refi

HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
USER = "7F2C1C5E-1B7A-4E2B-9C1D-0A1B2C3D4E5F"
CODE_A = "A0000000-0000-0000-0000-00000000000A"
CODE_B = "B0000000-0000-0000-0000-00000000000B"
DOC = "D0000000-0000-0000-0000-00000000000D"


def _project_xml(origin: str, sources: str, ns: str = "urn:QDA-XML:project:1.0",
                 extra: str = "") -> str:
    return (
        f'{HEAD}<Project xmlns="{ns}" name="p" origin="{origin}">'
        f'<Users><User guid="{USER}" name="Zhanna"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODE_A}" name="Place" isCodable="true" color="#FF0000"/>'
        f'<Code guid="{CODE_B}" name="Media" isCodable="true"/></Codes></CodeBook>'
        f"<Sources>{sources}</Sources>{extra}</Project>"
    )


def _selections(spans: list[tuple[int, int, str]], code: str = CODE_A) -> str:
    out = []
    for n, (start, end, name) in enumerate(spans):
        out.append(
            f'<PlainTextSelection guid="{n:08d}-0000-4000-8000-000000000000" name="{name}" '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{USER}">'
            f'<Coding guid="{n:08d}-1111-4000-8000-000000000000" creatingUser="{USER}">'
            f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
        )
    return "".join(out)


def _utf16(raw: str, index: int) -> int:
    return len(raw[:index].encode("utf-16-le")) // 2


def _unchanged(project: Project, snap, run) -> str:
    before, entries, revision = snap(project), len(project.history.entries), project.revision
    with pytest.raises(WorkbenchError) as caught:
        run()
    assert snap(project) == before
    assert len(project.history.entries) == entries and project.revision == revision
    return str(caught.value)


# --------------------------------------------------------------------------- public samples


@pytest.mark.parametrize("name", [
    "atlasti-23.2-win_blank_ponte.qdpx",
    "atlasti-23.2-win_codes_ponte.qdpx",
    "atlasti-8.4_spec-example2_sky-loom.qdpx",
])
def test_public_samples_import(project: Project, name: str, sound) -> None:
    sample = need_refi_dir() / "samples" / name
    summary = import_refi(project, sample)
    sound(project)
    assert summary.lines()[0].startswith(f"imported {name} (from ATLAS.ti")
    if "blank" in name:
        assert (summary.codes, summary.documents, summary.skipped) == (0, 0, [])
    elif "codes" in name:
        assert summary.codes == 3 and summary.skipped == []
        paths = [project.codebook.path(c) for c in project.codebook.all()]
        assert paths == ["Commits", "Commits/2022-05-10T02:05:59Z 19e4dce",
                         "Commits/2022-02-11T10:39:25Z cdbfd92"]
    else:
        assert summary.codes == 14 and summary.documents == 0
        assert project.codebook.find("Coke::diet Coke").color == "#966450"
        assert project.codebook.find("Coke::diet Coke").description == "non sucré"
        skipped = "\n".join(summary.skipped)
        for text_source in ("Mabel.txt", "Simon.docx", "Mabêl 2ième.txt"):
            assert f"text source '{text_source}'" in skipped
        assert "missing from the archive" in skipped
        for kind in ("PictureSource", "PDFSource", "AudioSource", "VideoSource"):
            assert kind in skipped
        assert "graph 'Netzwerk'" in skipped and "set 'Feelings'" in skipped
        assert "link 'Memo-Quotation Relation'" in skipped
        memos = sorted(m.text for m in project.memos.all())
        assert summary.memos == 2 and all(m.target_kind == "project" for m in project.memos.all())
        assert memos[0].startswith("My favorite Coke ad\n\nThis version")
        assert "day to day log" in memos[1]
        assert [m.author for m in project.memos.all()] == ["Friedrich Markgraf"] * 2


# --------------------------------------------------------------------------- synthetic producers

NVIVO_LINES = [
    "Interviewer: Tell me about the group 😀😀 and the chat.",
    "Respondent: We met every Friday 🎉 at the café near the river.",
    "Interviewer: Anything else? 🙏🙏🙏",
    "Respondent: Mostly memes 😂 and long voice messages about politics.",
    "Interviewer: Тогда последний вопрос 🌧️ про погоду.",
]
NVIVO_WORDS = ["the group", "met every Friday", "café near the river", "Anything else?",
               "Mostly memes", "long voice messages about politics.", "последний вопрос",
               "про погоду."]


def test_nvivo_like_utf16_units_with_crlf(project: Project, tmp_path: Path, sound) -> None:
    raw = "\r\n".join(NVIVO_LINES) + "\r\n"
    spans = []
    for words in NVIVO_WORDS:
        i = raw.index(words)
        spans.append((_utf16(raw, i), _utf16(raw, i + len(words)), ""))
    guid = "5E1F7A0B-2C3D-4E5F-8A9B-0C1D2E3F4A5B"
    sources = (f'<TextSource guid="{guid}" name="Interview NV" '
               f'plainTextPath="internal://{guid}.txt">{_selections(spans)}</TextSource>')
    path = build_qdpx(tmp_path / "nvivo.qdpx", _project_xml("NVivo 12", sources),
                      {f"Sources/{guid}.txt": b"\xef\xbb\xbf" + raw.encode("utf-8")},
                      qde_name="Project.qde")
    summary = import_refi(project, path)
    sound(project)
    doc = project.documents.named("Interview NV")
    assert "\r" not in doc.text and not doc.text.startswith("\ufeff")
    assert [c.text for c in project.codings.of_document(doc)] == NVIVO_WORDS
    assert {c.coder for c in project.codings.of_document(doc)} == {"Zhanna"}
    assert any("UTF-16 code units, CRLF counted as 2" in line for line in summary.changed)


def test_qualcoder_like_utf16_units_over_lf(project: Project, tmp_path: Path) -> None:
    raw = "\n".join(NVIVO_LINES) + "\n"
    spans = [(_utf16(raw, raw.index(w)), _utf16(raw, raw.index(w) + len(w)), "")
             for w in NVIVO_WORDS]
    guid = "6E1F7A0B-2C3D-4E5F-8A9B-0C1D2E3F4A5B"
    sources = (f'<TextSource guid="{guid}" name="QC" plainTextPath="internal://{guid}.txt">'
               f"{_selections(spans)}</TextSource>")
    path = build_qdpx(tmp_path / "qualcoder.qdpx", _project_xml("QualCoder 3.6", sources),
                      {f"sources/{guid}.txt": b"\xef\xbb\xbf" + raw.encode("utf-8")})
    summary = import_refi(project, path)
    texts = [c.text for c in project.codings.of_document(project.documents.named("QC"))]
    assert texts == NVIVO_WORDS
    assert any("UTF-16 code units" in line for line in summary.changed)


def test_selection_names_decide_over_the_producers_habit(project: Project, tmp_path: Path) -> None:
    # code points with CRLF counted once (as ATLAS.ti is said to count), from an unknown tool
    raw = "\r\n".join(NVIVO_LINES) + "\r\n"
    flat = raw.replace("\r\n", "\n")
    spans = []
    for words in NVIVO_WORDS:
        i = flat.index(words)
        name = words if len(words) < 12 else words[:10] + "…"
        spans.append((i, i + len(words), name))
    sources = (f'<TextSource guid="{DOC}" name="Named" plainTextPath="internal://{DOC}.txt">'
               f"{_selections(spans)}</TextSource>")
    path = build_qdpx(tmp_path / "named.qdpx", _project_xml("SomeTool 2.0", sources),
                      {f"sources/{DOC}.txt": raw.encode("utf-8")})
    summary = import_refi(project, path)
    texts = [c.text for c in project.codings.of_document(project.documents.named("Named"))]
    assert texts == NVIVO_WORDS
    assert any("code points, CRLF counted as 1" in line and "selection names match" in line
               for line in summary.changed)


def test_qc_like_plain_path_and_whole_lines(project: Project, tmp_path: Path) -> None:
    raw = "first line of notes\nsecond line\nthird line\n"
    lines = raw.splitlines(keepends=True)
    spans = [(sum(len(x) for x in lines[:n]), sum(len(x) for x in lines[: n + 1]), f"line:{n}")
             for n in range(3)]
    sources = (f'<TextSource guid="{DOC}" name="notes.txt" plainTextPath="notes.txt">'
               f"{_selections(spans, CODE_B)}</TextSource>")
    path = build_qdpx(tmp_path / "qc.qdpx", _project_xml("qc", sources),
                      {"sources/notes.txt": raw.encode("utf-8")})
    summary = import_refi(project, path)
    doc = project.documents.named("notes.txt")
    assert [c.text for c in project.codings.of_document(doc)] == lines
    assert summary.skipped == [] and summary.changed == []
    assert project.codebook.find("Media").color.startswith("#")


def test_docx_relative_paths_and_pdf_text(project: Project, tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Interviewer: Where were you?")
    document.add_paragraph("Respondent: At the bazaar, selling shoes.")
    buffer = io.BytesIO()
    document.save(buffer)
    pdf = "F0000000-0000-0000-0000-00000000000F"
    sources = (
        f'<TextSource guid="{DOC}" name="Word" richTextPath="internal://{DOC}.docx">'
        f'{_selections([(56, 69, "selling shoes")])}</TextSource>'
        '<TextSource guid="10000000-0000-0000-0000-000000000001" name="Rel" '
        'plainTextPath="relative:///rel.txt"/>'
        '<TextSource guid="10000000-0000-0000-0000-000000000002" name="Away" '
        'plainTextPath="relative:///elsewhere.txt"/>'
        '<TextSource guid="10000000-0000-0000-0000-000000000003" name="Abs" '
        'plainTextPath="absolute:///C:/data/abs.txt"/>'
        f'<PDFSource guid="{pdf}" name="Report.pdf" path="internal://{pdf}.pdf">'
        '<PDFSelection guid="20000000-0000-0000-0000-000000000001" page="0" firstX="1" '
        'firstY="1" secondX="2" secondY="2"/>'
        '<Representation guid="30000000-0000-0000-0000-000000000001" name="rep">'
        "<PlainTextContent>Granola for breakfast.</PlainTextContent>"
        f'{_selections([(0, 7, "Granola")], CODE_B)}</Representation></PDFSource>'
    )
    xml = _project_xml("MAXQDA 2022", sources).replace(
        'origin="MAXQDA 2022"', 'origin="MAXQDA 2022" basePath="/Users/someone/Study"')
    path = build_qdpx(tmp_path / "mixed.qdpx", xml, {
        f"sources/{DOC}.docx": buffer.getvalue(), "Sources/rel.txt": b"relative text\n"})
    summary = import_refi(project, path)
    word = project.documents.named("Word")
    assert word.text == "Interviewer: Where were you?\nRespondent: At the bazaar, selling shoes.\n"
    assert word.text.index("selling shoes") == 56
    assert [c.text for c in project.codings.of_document(word)] == ["selling shoes"]
    assert project.documents.named("Rel").text == "relative text\n"
    report = project.documents.named("Report.pdf")
    assert [c.text for c in project.codings.of_document(report)] == ["Granola"]
    skipped = "\n".join(summary.skipped)
    assert "'Away'" in skipped and "outside the archive" in skipped
    assert "'Abs'" in skipped
    assert "1 PDF region selection" in skipped
    assert any(".docx" in line for line in summary.changed)


KITCHEN = (FIXTURES / "kitchen-sink.qde").read_text(encoding="utf-8")


def test_every_kind_of_element_lands_or_is_reported(project: Project, tmp_path: Path,
                                                    sound) -> None:
    project.codebook.ensure("Family")
    path = build_qdpx(tmp_path / "kitchen.qdpx", KITCHEN)
    summary = import_refi(project, path)
    sound(project)
    doc, second = project.documents.named("Doc"), project.documents.named("Doc (2)")
    codings = {c.text: c for c in project.codings.of_document(doc)}
    assert set(codings) == {"two", "seven.", doc.text}
    assert codings["two"].coder == "Zhanna" and codings["seven."].coder == "imported"
    whole = project.codebook[codings[doc.text].code]
    assert project.codebook.path(whole) == "Folder/Inside"
    assert project.codebook.find("Folder").is_theme and project.codebook.find("Yes∕No")
    # cases: values as text, first case wins the document, source variables fill a case
    assert project.cases.named("R1").attributes == {"age": "31", "urban": "true"}
    assert project.cases.of(doc).name == "R1"
    assert project.cases.of(second).name == "Doc (2)"
    assert project.cases.named("Doc (2)").attributes == {"age": "44"}
    memos = {m.text: m for m in project.memos.all()}
    code_memo = memos["On family\n\nCode memo"]  # a foreign note's name heads its memo
    assert code_memo.target_kind == "code" and code_memo.author == "Zhanna"
    assert code_memo.created == "2020-01-02T01:04:05Z"
    assert memos["Coding memo"].target_id == codings["two"].id
    assert memos["Comment on two"].target_id == codings["two"].id
    assert memos["Loose selection"].target_kind == "document"
    assert memos["On a photo"].target_kind == "project"
    assert (memos["Linked to R2"].target_kind, memos["Linked to R2"].target_id) == (
        "case", project.cases.named("R2").id)
    assert memos["Case description"].target_kind == "case"
    assert memos["About this document"].target_id == doc.id
    assert memos["Project description"].target_kind == "project"
    changed, skipped = "\n".join(summary.changed), "\n".join(summary.skipped)
    assert "'Family' was already in the project" in changed and summary.codes_merged == 1
    assert "imported as 'Doc (2)'" in changed
    assert "falls outside the text" in changed and "clamped to 28–34" in changed
    assert "several cases" in changed and "code folder 'Folder' became a theme" in changed
    assert "became a memo on the document" in changed
    assert "of the whole source" in changed
    assert "unknown code" in skipped and "is empty" in skipped
    assert "unknown variable" in skipped and "1 selection reference" in skipped
    assert "PictureSource 'photo.jpg'" in skipped and "empty" in skipped
    assert "points at no note" in skipped
    assert "age=99" in skipped and "'R1' has 31" in skipped
    lines = summary.lines()
    assert lines[0].startswith("imported kitchen.qdpx (from OtherTool 1): 2 documents")
    assert any(line.startswith("not brought over: ") for line in lines)
    assert summary.to_json()["codings"] == summary.codings == 3


def test_foreign_codebooks(project: Project) -> None:
    summary = import_refi(project, FIXTURES / "atlas-win-codebook-0_4.qdc")
    assert summary.kind == "codebook" and summary.codes == 5
    emotions = project.codebook.find("Emotions")
    assert emotions.is_theme and emotions.color == "#ff0000"
    assert project.codebook.find("Emotions/Anger").color == "#0a141e"
    assert project.codebook.find("Emotions/Joy").color == "#112233"
    joy = project.codebook.find("Emotions/Joy")
    # criteria lines are read in any producer's description
    assert joy.description == "" and joy.inclusion == "not parsed for other producers"
    assert not project.codebook.find("Empty folder").is_theme
    assert "colour 'teal'" in "\n".join(summary.changed)
    assert "set 'Feelings' (1 code)" in "\n".join(summary.skipped)
    summary = import_refi(project, FIXTURES / "taguette-like.qdc")
    assert summary.codes == 2 and project.codebook.find("people∕friends")


def test_bare_qde_with_inline_text(project: Project) -> None:
    summary = import_refi(project, FIXTURES / "transana-0_10.qde")
    doc = project.documents.named("Field notes")
    assert [c.text for c in project.codings.of_document(doc)] == ["rained all day"]
    assert project.codings.of_document(doc)[0].created == "2019-02-01T10:06:00Z"
    assert doc.created == "2019-02-01T10:05:00Z"
    assert "'External'" in "\n".join(summary.skipped)


def test_no_external_entities_are_read(project: Project, tmp_path: Path) -> None:
    xml = (f'{HEAD}<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Notes><Note guid="'
           f'{DOC}"><PlainTextContent>a &x; b</PlainTextContent></Note></Notes></Project>')
    path = build_qdpx(tmp_path / "xxe.qdpx", xml)
    try:
        import_refi(project, path)
    except WorkbenchError:
        return
    secret = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "#"
    assert all(secret not in m.text for m in project.memos.all())


# --------------------------------------------------------------------------- malformed files


def test_malformed_files_change_nothing(project: Project, tmp_path: Path, snap) -> None:
    build_rich(project)
    good = tmp_path / "good.qdpx"
    export_qdpx(project, good)
    cases: dict[str, tuple[Path, str]] = {}
    p = tmp_path / "text.qdpx"
    p.write_text("hello, not a zip")
    cases["not a zip"] = (p, "not a ZIP archive")
    p = tmp_path / "noqde.qdpx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("sources/a.txt", "x")
        z.writestr("folder/project.qde", "<Project/>")
    cases["no qde"] = (p, "holds no project.qde")
    cases["two qde"] = (build_qdpx(tmp_path / "two.qdpx", "<Project name='a'/>",
                                   {"Other.QDE": b"<Project name='b'/>"}), "several .qde")
    cases["broken xml"] = (build_qdpx(tmp_path / "broken.qdpx", "<Project name='a'><Users>"),
                           "not well-formed XML")
    cases["wrong root"] = (build_qdpx(tmp_path / "root.qdpx", "<Foo/>"), "root element is <Foo>")
    data = good.read_bytes()
    p = tmp_path / "cut.qdpx"
    p.write_bytes(data[: len(data) // 2])
    cases["truncated"] = (p, "damaged or cut short")
    p = tmp_path / "crc.qdpx"
    with zipfile.ZipFile(good) as z:
        offset = z.getinfo("project.qde").header_offset + 30 + len("project.qde") + 40
    p.write_bytes(data[:offset] + bytes(b ^ 0xFF for b in data[offset:offset + 8])
                  + data[offset + 8:])
    cases["corrupt member"] = (p, "")
    cases["missing"] = (tmp_path / "nothing.qdpx", "does not exist")
    cases["folder"] = (tmp_path, "is a folder")
    for label, (path, message) in cases.items():
        text = _unchanged(project, snap, lambda path=path: import_refi(project, path))
        assert message in text, (label, text)
        assert text and "\n" not in text


def test_a_failure_half_way_rolls_everything_back(project: Project, tmp_path: Path, snap,
                                                  monkeypatch) -> None:
    build_rich(project)
    export_qdpx(project, tmp_path / "x.qdpx")
    from workbench.io.refi import importer

    def boom(self) -> None:
        raise WorkbenchError("simulated failure")

    monkeypatch.setattr(importer._Import, "notes", boom)
    _unchanged(project, snap, lambda: import_refi(project, tmp_path / "x.qdpx"))


def test_read_only_project_is_refused(tmp_path: Path) -> None:
    Project.create(tmp_path / "p", name="p").close()
    reader = Project.open(tmp_path / "p")
    with pytest.raises(WorkbenchError, match="read-only"):
        import_refi(reader, FIXTURES / "taguette-like.qdc")
