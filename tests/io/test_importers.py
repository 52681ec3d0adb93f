"""Transcript importers: every format, encodings, speaker turns, bad input and fuzzing."""

from __future__ import annotations

import functools
import io
import os
import pathlib
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.io import importers
from workbench.io.importers import SUPPORTED_SUFFIXES, read_transcript
from workbench.io.transcript import ImportedText

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"

EN = "Interviewer: How did you get involved?\nRespondent 1: Through friends, honestly."
RU_KK = (
    "Интервьюер: Как вы пришли в активизм?\n"
    "Респондент 4: Через друзей. Әже айтты: «қорықпа», ғана, қазақ, ң, ө, ұ, ү, һ, і."
)
EMOJI = "Respondent 2: It was hard 😔 but we laughed too 😂👍🏽\nand then we went home."


def check(result: ImportedText) -> ImportedText:
    """The invariants every import must keep (normalised text, code-point offsets)."""
    text = result.text
    assert "\r" not in text
    assert not text.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", text)
    last_end = -1
    for p in result.paragraphs:
        assert last_end < p.start <= p.end <= len(text)
        line = text[p.start:p.end]
        assert "\n" not in line and line.strip()
        assert p.start == 0 or text[p.start - 1] == "\n"
        assert p.end == len(text) or text[p.end] == "\n"
        last_end = p.end
    return result


def lines_of(result: ImportedText) -> list[str]:
    return [result.text[p.start:p.end] for p in result.paragraphs]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- plain text


@pytest.mark.parametrize("suffix", [".txt", ".md", ".TXT"])
@pytest.mark.parametrize("content", [EN, RU_KK, EMOJI], ids=["en", "ru_kk", "emoji"])
def test_plain_text_kept_as_written(tmp_path: Path, suffix: str, content: str) -> None:
    path = write(tmp_path, f"Interview 1{suffix}", content + "\n")
    result = check(read_transcript(path))
    assert result.text == content + "\n"
    assert result.name == "Interview 1"
    assert result.source == f"Interview 1{suffix}"
    assert lines_of(result) == content.split("\n")


def test_plain_text_speakers_and_str_path(tmp_path: Path) -> None:
    result = check(read_transcript(str(write(tmp_path, "a.txt", RU_KK + "\n\n" + EN))))
    speakers = [p.speaker for p in result.paragraphs]
    assert speakers == ["Интервьюер", "Респондент 4", "Interviewer", "Respondent 1"]
    assert result.paragraphs[0].begin_time is None


def test_markdown_markup_is_kept(tmp_path: Path) -> None:
    content = "# Interview 3\n\n**Interviewer:** Hello\n\n- a *list* item\n"
    result = check(read_transcript(write(tmp_path, "notes.md", content)))
    assert result.text == content
    assert lines_of(result) == ["# Interview 3", "**Interviewer:** Hello", "- a *list* item"]


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8"),
        lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
        lambda s: b"\xff\xfe" + s.encode("utf-16-le"),
        lambda s: b"\xfe\xff" + s.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom"],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_encodings_and_newlines(tmp_path: Path, encode, newline: str) -> None:
    content = "\n".join([EN, RU_KK, EMOJI]) + "\n"
    data = encode(content.replace("\n", newline))
    result = check(read_transcript(write(tmp_path, "t.txt", data)))
    assert result.text == content


def test_nfd_becomes_nfc(tmp_path: Path) -> None:
    nfc = "Respondent 6: café, ёлка, й, Әлия"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    result = check(read_transcript(write(tmp_path, "nfd.txt", nfd)))
    assert result.text == nfc
    assert result.paragraphs[0].end == len(nfc)


def test_cp1251_needs_encoding(tmp_path: Path) -> None:
    content = "Интервьюер: Расскажите о себе.\nРеспондент 7: Я из Алматы, ёлки-палки.\n"
    path = write(tmp_path, "old.txt", content.encode("cp1251"))
    with pytest.raises(WorkbenchError, match="--encoding") as info:
        read_transcript(path)
    assert "old.txt" in str(info.value)
    result = check(read_transcript(path, encoding="cp1251"))
    assert result.text == content
    assert [p.speaker for p in result.paragraphs] == ["Интервьюер", "Респондент 7"]
    with pytest.raises(WorkbenchError, match="encoding"):
        read_transcript(path, encoding="no-such-codec")
    crlf = write(tmp_path, "crlf.txt", content.replace("\n", "\r\n").encode("cp1251"))
    assert read_transcript(crlf, encoding="CP1251").text == content


def test_named_utf16_encoding_without_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "u16.txt", RU_KK.encode("utf-16-le"))
    assert check(read_transcript(path, encoding="utf-16-le")).text == RU_KK


# --------------------------------------------------------------------------- docx / odt


def make_docx(with_extras: bool = True) -> bytes:
    import docx

    doc = docx.Document()
    doc.add_heading("Interview 4 — Алматы", level=1)
    doc.add_paragraph("Interviewer: How did it start?")
    doc.add_paragraph("")
    doc.add_paragraph("")
    doc.add_paragraph("")
    para = doc.add_paragraph("Respondent 4: Через друзей, ")
    para.add_run("әсіресе").bold = True
    para.add_run(" қыздар 🙂")
    if with_extras:
        broken = doc.add_paragraph("first line")
        broken.add_run().add_break()
        broken.add_run("second\tline")
        table = doc.add_table(rows=2, cols=3)
        for r, row in enumerate([["Name", "City", ""], ["Respondent 4", "Астана", "ұлт"]]):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        doc.add_paragraph("Interviewer: Thank you.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_docx(tmp_path: Path) -> None:
    result = check(read_transcript(write(tmp_path, "Respondent 4.docx", make_docx())))
    assert result.name == "Respondent 4"
    assert result.text == (
        "Interview 4 — Алматы\n"
        "Interviewer: How did it start?\n"
        "\n"
        "Respondent 4: Через друзей, әсіресе қыздар 🙂\n"
        "first line\n"
        "second\tline\n"
        "Name | City\n"
        "Respondent 4 | Астана | ұлт\n"
        "Interviewer: Thank you.\n"
    )
    speakers = [p.speaker for p in result.paragraphs]
    assert speakers == [None, "Interviewer", "Respondent 4", None, None, None, None, "Interviewer"]


def test_docx_tracked_changes_fields_and_content_controls(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = docx.Document()
    para = doc.add_paragraph("Respondent 3: I was ")
    for xml in (
        f'<w:ins {w} w:id="1" w:author="T"><w:r><w:t>really </w:t></w:r></w:ins>',
        f'<w:del {w} w:id="2" w:author="T"><w:r><w:delText>not </w:delText></w:r></w:del>',
        f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {w}><w:instrText> PAGE </w:instrText></w:r>',
        f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
        f'<w:r {w}><w:t>angry</w:t></w:r>',
        f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        para._p.append(parse_xml(xml))
    sdt = parse_xml(
        f'<w:sdt {w}><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent>'
        "<w:p><w:r><w:t>Interviewer: inside a content control</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    doc.element.body.insert(len(doc.element.body) - 1, sdt)
    out = io.BytesIO()
    doc.save(out)
    result = check(read_transcript(write(tmp_path, "tracked.docx", out.getvalue())))
    assert result.text == (
        "Respondent 3: I was really angry\nInterviewer: inside a content control\n"
    )


def test_docx_ignores_encoding_and_normalises(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_paragraph(unicodedata.normalize("NFD", "Respondent 1: ёж, café"))
    out = io.BytesIO()
    doc.save(out)
    result = check(read_transcript(write(tmp_path, "n.docx", out.getvalue()), encoding="cp1251"))
    assert result.text == "Respondent 1: ёж, café\n"


def make_odt(kind: str = "text") -> bytes:
    from odf import opendocument, table, teletype, text

    if kind == "spreadsheet":
        doc = opendocument.OpenDocumentSpreadsheet()
        doc.spreadsheet.addElement(table.Table(name="Sheet1"))
    else:
        doc = opendocument.OpenDocumentText()
        doc.text.addElement(text.H(outlinelevel=1, text="Интервью 2"))
        for line in ["Interviewer: Сәлем! How are you?", "", "", ""]:
            doc.text.addElement(text.P(text=line))
        para = text.P()
        teletype.addTextToElement(para, "Respondent 2: Fine  thanks 🙂\nsecond\tline")
        doc.text.addElement(para)
        items = text.List()
        item = text.ListItem()
        item.addElement(text.P(text="a list item with ғ and ү"))
        items.addElement(item)
        doc.text.addElement(items)
        grid = table.Table(name="T")
        grid.addElement(table.TableColumn(numbercolumnsrepeated=2))
        for values in (["Code", "Note"], ["Anger", "Ашу"]):
            row = table.TableRow()
            for value in values:
                cell = table.TableCell()
                cell.addElement(text.P(text=value))
                row.addElement(cell)
            grid.addElement(row)
        doc.text.addElement(grid)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def test_odt(tmp_path: Path) -> None:
    result = check(read_transcript(write(tmp_path, "Интервью 2.odt", make_odt())))
    assert result.name == "Интервью 2"
    assert result.text == (
        "Интервью 2\n"
        "Interviewer: Сәлем! How are you?\n"
        "\n"
        "Respondent 2: Fine  thanks 🙂\n"
        "second\tline\n"
        "a list item with ғ and ү\n"
        "Code | Note\n"
        "Anger | Ашу\n"
    )
    assert [p.speaker for p in result.paragraphs][:3] == [None, "Interviewer", "Respondent 2"]


def test_odt_leaves_out_comments_and_footnotes(tmp_path: Path) -> None:
    from odf import dc, office, opendocument, text

    doc = opendocument.OpenDocumentText()
    para = text.P(text="Respondent 1: we met ")
    note = office.Annotation()
    note.addElement(dc.Creator(text="coder"))
    note.addElement(text.P(text="COMMENT"))
    para.addElement(note)
    para.addText("in 2019")
    footnote = text.Note(id="n1", noteclass="footnote")
    footnote.addElement(text.NoteCitation(text="1"))
    body = text.NoteBody()
    body.addElement(text.P(text="FOOTNOTE"))
    footnote.addElement(body)
    para.addElement(footnote)
    para.addText(".")
    doc.text.addElement(text.Section(name="S1"))
    doc.text.addElement(para)
    out = io.BytesIO()
    doc.write(out)
    result = check(read_transcript(write(tmp_path, "notes.odt", out.getvalue())))
    assert result.text == "Respondent 1: we met in 2019.\n"


# --------------------------------------------------------------------------- vtt / srt


def test_zoom_vtt() -> None:
    result = check(read_transcript(FIXTURES / "zoom_interview.vtt"))
    assert result.name == "zoom_interview" and result.source == "zoom_interview.vtt"
    assert lines_of(result) == [
        "Interviewer: Thank you for agreeing to talk with me today. "
        "Could you start by telling me how you got involved?",
        "Respondent 5: Sure. It started through friends, honestly. "
        "A friend brought me to a meeting in Almaty. and after that I just kept coming back 🙂",
        "Interviewer: Что вы тогда почувствовали?",
        "Respondent 5: Ашу. Anger, mostly. Қазақ тілінде айтсам: әділетсіздік.",
    ]
    assert result.text == "\n".join(lines_of(result)) + "\n"
    times = [(p.speaker, p.begin_time, p.end_time) for p in result.paragraphs]
    assert times == [
        ("Interviewer", "00:00:02.350", "00:00:10.480"),
        ("Respondent 5", "00:00:11.020", "00:00:19.840"),
        ("Interviewer", "00:00:20.500", "00:00:23.060"),
        ("Respondent 5", "00:00:23.900", "00:00:29.450"),
    ]


def test_teams_vtt_voice_tags() -> None:
    result = check(read_transcript(FIXTURES / "teams_meeting.vtt"))
    assert lines_of(result) == [
        "Aigerim Bekova: Сәлеметсіз бе! Shall we begin? I'll record this for the transcript.",
        "Respondent 2: Yes, that's fine. Өте жақсы. We organised through closed chats <mostly>.",
        "Aigerim Bekova: Рахмет.",
    ]
    assert [(p.speaker, p.begin_time, p.end_time) for p in result.paragraphs] == [
        ("Aigerim Bekova", "00:00:00.830", "00:00:05.900"),
        ("Respondent 2", "00:00:06.210", "00:00:12.330"),
        ("Aigerim Bekova", "00:00:12.900", "00:00:14.100"),
    ]
    assert "-->" not in result.text and "9f2c1a7e" not in result.text


def test_otter_srt() -> None:
    result = check(read_transcript(FIXTURES / "otter_export.srt"))
    assert lines_of(result) == [
        "Speaker 1: Okay, so we're recording now.",
        "Speaker 2: Yeah. So for me, activism was never really a choice, it was more like a "
        "calling. Like, somebody had to do it.",
        "Speaker 1: Мм, понятно. And now?",
        "Speaker 2: Now it's also my job 💼, which is strange.",
    ]
    assert [(p.begin_time, p.end_time) for p in result.paragraphs] == [
        ("00:00:00.000", "00:00:04.120"),
        ("00:00:04.120", "00:00:12.800"),
        ("00:00:13.400", "00:00:15.010"),
        ("00:00:15.010", "00:00:19.990"),
    ]


@pytest.mark.parametrize("name", ["zoom_interview.vtt", "teams_meeting.vtt", "otter_export.srt"])
@pytest.mark.parametrize(
    "encode",
    [
        lambda s: b"\xef\xbb\xbf" + s.replace("\n", "\r\n").encode("utf-8"),
        lambda s: b"\xff\xfe" + s.replace("\n", "\r").encode("utf-16-le"),
        lambda s: b"\xfe\xff" + s.encode("utf-16-be"),
        lambda s: unicodedata.normalize("NFD", s).encode("utf-8"),
    ],
    ids=["utf8-bom-crlf", "utf16le-cr", "utf16be", "nfd"],
)
def test_captions_same_in_any_encoding(tmp_path: Path, name: str, encode) -> None:
    original = read_transcript(FIXTURES / name)
    content = (FIXTURES / name).read_text(encoding="utf-8")
    result = check(read_transcript(write(tmp_path, name, encode(content))))
    assert result.text == original.text
    assert result.paragraphs == original.paragraphs


def test_srt_in_cp1251(tmp_path: Path) -> None:
    content = "1\n00:00:01,000 --> 00:00:02,500\nИнтервьюер: Здравствуйте.\n"
    path = write(tmp_path, "old.srt", content.encode("cp1251"))
    with pytest.raises(WorkbenchError, match="--encoding"):
        read_transcript(path)
    result = check(read_transcript(path, encoding="cp1251"))
    assert result.text == "Интервьюер: Здравствуйте.\n"
    assert result.paragraphs[0].speaker == "Интервьюер"


VTT_MIXED = """WEBVTT

00:00:01.000 --> 00:00:02.000
no speaker yet

00:00:02.000 --> 00:00:03.000
still nobody

00:00:03.000 --> 00:00:04.000
[Interviewer] Hello?

00:00:04.000 --> 00:00:05.000
- continues the interviewer

NOTE a comment that is not text

00:00:05.000 --> 00:00:06.000
Respondent 1: Hi.
Interviewer: Two speakers in one cue.

00:00:06.000 --> 00:00:07.000
<b></b>

01:02:03.004 --> 01:02:05.000
<v.loud Respondent 1>Late.</v>
"""


def test_vtt_unlabelled_cues_and_labels(tmp_path: Path) -> None:
    result = check(read_transcript(write(tmp_path, "m.vtt", VTT_MIXED)))
    assert lines_of(result) == [
        "no speaker yet",
        "still nobody",
        "Interviewer: Hello? - continues the interviewer",
        "Respondent 1: Hi.",
        "Interviewer: Two speakers in one cue.",
        "Respondent 1: Late.",
    ]
    assert [p.speaker for p in result.paragraphs] == [
        None, None, "Interviewer", "Respondent 1", "Interviewer", "Respondent 1"
    ]
    assert result.paragraphs[0].begin_time == "00:00:01.000"
    assert result.paragraphs[-1].begin_time == "01:02:03.004"
    assert result.paragraphs[-1].end_time == "01:02:05.000"


def test_vtt_without_header_and_srt_with_one(tmp_path: Path) -> None:
    body = "00:00:01.000 --> 00:00:02.000\nInterviewer: hi\n"
    assert read_transcript(write(tmp_path, "a.vtt", body)).text == "Interviewer: hi\n"
    srt_as_vtt = write(tmp_path, "b.srt", "WEBVTT\n\n" + body)
    assert read_transcript(srt_as_vtt).text == "Interviewer: hi\n"


def test_srt_formatting_tags_removed(tmp_path: Path) -> None:
    content = (
        "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Speaker 1:</i> <font color=\"red\">"
        "I &amp; you</font> 1 < 2\n"
    )
    result = check(read_transcript(write(tmp_path, "t.srt", content)))
    assert result.text == "Speaker 1: I &amp; you 1 < 2\n"
    assert result.paragraphs[0].speaker == "Speaker 1"


# --------------------------------------------------------------------------- bad input


def bad(path: Path, *words: str, encoding: str | None = None) -> str:
    with pytest.raises(WorkbenchError) as info:
        read_transcript(path, encoding=encoding)
    message = str(info.value)
    assert path.name in message
    assert "\n" not in message
    for word in words:
        assert word in message
    return message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    bad(tmp_path / "nope.txt", "does not exist")
    folder = tmp_path / "interviews"
    folder.mkdir()
    bad(folder, "folder")
    (tmp_path / "x.txt").mkdir()
    bad(tmp_path / "x.txt", "folder")


def test_unknown_extensions(tmp_path: Path) -> None:
    message = bad(write(tmp_path, "scan.pdf", b"%PDF-1.4"), "'.pdf'")
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in message
    bad(write(tmp_path, "README", "text"), "extension")
    for suffix in (".qdpx", ".QDC"):
        assert "not" in bad(write(tmp_path, "project" + suffix, b"PK"), "REFI-QDA")


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "secret.txt", EN)

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(pathlib.Path, "open", refuse)
    bad(path, "permission denied")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_for_real(tmp_path: Path) -> None:
    path = write(tmp_path, "locked.txt", EN)
    path.chmod(0)
    try:
        bad(path, "permission denied")
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t ", b"\xef\xbb\xbf\n", b"\xff\xfe \x00\n\x00"])
def test_empty_files(tmp_path: Path, suffix: str, data: bytes) -> None:
    message = bad(write(tmp_path, "empty" + suffix, data))
    if suffix not in (".docx", ".odt"):
        assert "empty" in message


@pytest.mark.parametrize("suffix", [".txt", ".md", ".vtt", ".srt"])
def test_binary_content(tmp_path: Path, suffix: str) -> None:
    bad(write(tmp_path, "img" + suffix, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00"), "binary")
    bad(write(tmp_path, "u16" + suffix, b"\xff\xfea\x00\x00\x00b\x00"), "binary")
    bad(write(tmp_path, "n" + suffix, b"ab\x00cd"), "binary", encoding="latin-1")


def test_invalid_utf16_after_bom(tmp_path: Path) -> None:
    bad(write(tmp_path, "odd.txt", b"\xff\xfe\x00\xd8a"))


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_corrupt_office_files(tmp_path: Path, suffix: str) -> None:
    good = make_docx() if suffix == ".docx" else make_odt()
    kind = f"is not a readable {suffix} file"
    bad(write(tmp_path, "plain" + suffix, "just some text\n"), kind)
    bad(write(tmp_path, "half" + suffix, good[: len(good) // 2]), kind)
    bad(write(tmp_path, "tail" + suffix, good[:-30]), kind)
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "not an office document")
    bad(write(tmp_path, "zip" + suffix, other.getvalue()), kind)
    swapped = make_odt() if suffix == ".docx" else make_docx()
    bad(write(tmp_path, "swapped" + suffix, swapped), kind)


def test_odt_spreadsheet_and_empty_documents(tmp_path: Path) -> None:
    bad(write(tmp_path, "sheet.odt", make_odt("spreadsheet")), "another kind")
    import docx
    from odf import opendocument

    out = io.BytesIO()
    docx.Document().save(out)
    bad(write(tmp_path, "blank.docx", out.getvalue()), "no text")
    out = io.BytesIO()
    opendocument.OpenDocumentText().write(out)
    bad(write(tmp_path, "blank.odt", out.getvalue()), "no text")


def test_zip_bomb_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.io.formats import office

    monkeypatch.setattr(office, "MAX_UNPACKED", 1000)
    bad(write(tmp_path, "bomb.docx", make_docx()), "unpack")


@pytest.mark.parametrize(
    "name, content",
    [
        ("none.vtt", "WEBVTT\n\nNOTE only a note\n"),
        ("words.vtt", "Interviewer: there are no timings here at all\n"),
        ("tags.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<i></i>\n"),
        ("none.srt", "Interviewer: no cues\n"),
        ("garbled.srt", "Title: x\n\n1\n00:00:01,000 --> 00:00:02,000\nhi\n"),
        ("huge.srt", "1\n99999999999:00:01,000 --> 99999999999:00:02,000\nhi\n"),
    ],
)
def test_captions_without_cues(tmp_path: Path, name: str, content: str) -> None:
    bad(write(tmp_path, name, content))


def test_huge_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    with path.open("wb") as handle:
        handle.truncate(importers.MAX_BYTES + 1)  # sparse: no 50 MB written
    bad(path, "50 MB")


# --------------------------------------------------------------------------- fuzzing

FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def fuzz_once(tmp_path: Path, name: str, data: bytes, encoding: str | None = None) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        result = read_transcript(path, encoding=encoding)
    except WorkbenchError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    check(result)
    assert result.text.strip()


@FUZZ
@given(
    suffix=st.sampled_from(SUPPORTED_SUFFIXES),
    data=st.binary(max_size=400),
    encoding=st.sampled_from([None, None, "cp1251", "utf-16"]),
)
def test_fuzz_random_bytes(tmp_path: Path, suffix: str, data: bytes, encoding: str | None) -> None:
    fuzz_once(tmp_path, "fuzz" + suffix, data, encoding)


_TIME = st.builds(
    "{:02d}:{:02d}:{:02d}{}{:03d}".format,
    st.integers(0, 120), st.integers(0, 70), st.integers(0, 70), st.sampled_from(".,"),
    st.integers(0, 999),
)
_CUE_TEXT = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(["Interviewer:", "[R1]", "<v Anna>", "</v>", "<i>", "-->", "\n", "\r\n",
                         "&amp;", "Ә:", "😂", "e\u0301", "\ufeff", "<", ">", "\n\n", "WEBVTT"]),
    ),
    max_size=8,
).map("".join)


@st.composite
def caption_files(draw) -> str:
    header = draw(st.sampled_from(["WEBVTT\n\n", "", "\ufeffWEBVTT - x\n\n", "NOTE\n\n"]))
    cues = []
    for index in range(draw(st.integers(0, 5))):
        ident = draw(st.sampled_from(["", f"{index + 1}\n", "id-x\n"]))
        cues.append(f"{ident}{draw(_TIME)} --> {draw(_TIME)}\n{draw(_CUE_TEXT)}\n")
    return header + "\n".join(cues)


@FUZZ
@given(content=caption_files(), suffix=st.sampled_from([".vtt", ".srt"]),
       codec=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_fuzz_caption_structure(tmp_path: Path, content: str, suffix: str, codec: str) -> None:
    try:
        data = content.encode(codec)
    except UnicodeEncodeError:  # lone surrogates from st.text
        data = content.encode(codec, "replace")
    fuzz_once(tmp_path, "cues" + suffix, data)


@functools.cache
def _office_samples() -> dict[str, bytes]:
    return {".docx": make_docx(), ".odt": make_odt()}


@FUZZ
@given(
    suffix=st.sampled_from([".docx", ".odt"]),
    cut=st.integers(0, 10_000),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4),
)
def test_fuzz_damaged_office_files(tmp_path: Path, suffix: str, cut: int, flips) -> None:
    data = bytearray(_office_samples()[suffix])
    for at, value in flips:
        data[at % len(data)] = value
    if cut % 3 == 0:
        data = data[: cut % len(data)]
    fuzz_once(tmp_path, "damaged" + suffix, bytes(data))
