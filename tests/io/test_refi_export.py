"""REFI-QDA export: files that validate, in the shape real tools read, written privately."""

from __future__ import annotations

import getpass
import os
import shutil
import stat
import uuid
import zipfile
from pathlib import Path

import pytest
from refi_support import build_rich, qde_of, validate_qdc, validate_qdpx

from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.io.refi import export_qdc, export_qdpx
from workbench.io.refi.names import (
    compose_description,
    parse_color,
    parse_description,
    stable_guid,
    xsd_datetime,
)

NS = "{urn:QDA-XML:project:1.0}"
CB = "{urn:QDA-XML:codebook:1.0}"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_project" / "project.json"


@pytest.fixture
def rich(project: Project) -> Project:
    return build_rich(project)


def test_qdpx_validates_and_has_the_parts(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "study.qdpx"
    summary = export_qdpx(rich, out)
    root = validate_qdpx(out)
    assert root.tag == f"{NS}Project"
    assert root.get("origin").startswith("Workbench ")
    assert (summary.documents, summary.codings, summary.cases, summary.memos) == (4, 12, 3, 11)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde"
        for doc in rich.documents.all():
            data = archive.read(f"sources/{doc.id}.txt")
            assert data.decode("utf-8") == doc.text
            assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    sources = root.findall(f"{NS}Sources/{NS}TextSource")
    assert {s.get("plainTextPath") for s in sources} == {
        f"internal://{d.id}.txt" for d in rich.documents.all()
    }
    users = {u.get("name"): u.get("guid") for u in root.iter(f"{NS}User")}
    assert set(users) == {"ann", "bob"}
    creators = {c.get("creatingUser") for c in root.iter(f"{NS}Coding")}
    assert creators == set(users.values())


def test_positions_are_code_points_and_names_show_the_text(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "study.qdpx"
    export_qdpx(rich, out)
    root = validate_qdpx(out)
    doc = rich.documents.named("Chat 😀")
    source = next(s for s in root.iter(f"{NS}TextSource") if s.get("guid") == doc.id)
    seen = []
    for sel in source.iter(f"{NS}PlainTextSelection"):
        start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        seen.append(doc.text[start:end])
        assert sel.get("name") == doc.text[start:end][:60]
    assert "🙏" in seen and "a real question" in seen
    # two coders on one span: a selection each, made by its coder (QualCoder reads the coder
    # from the selection)
    en = rich.documents.named("Interview 1 (en)")
    source = next(s for s in root.iter(f"{NS}TextSource") if s.get("guid") == en.id)
    selections = list(source.iter(f"{NS}PlainTextSelection"))
    assert sorted(len(sel.findall(f"{NS}Coding")) for sel in selections) == [1, 1, 1, 1]
    for sel in root.iter(f"{NS}PlainTextSelection"):
        assert {c.get("creatingUser") for c in sel.iter(f"{NS}Coding")} == {
            sel.get("creatingUser")}


def test_codes_themes_descriptions_and_memos(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "study.qdpx"
    export_qdpx(rich, out)
    root = validate_qdpx(out)
    codes = {c.get("name"): c for c in root.iter(f"{NS}Code")}
    assert codes["Friends"].get("color") == "#00aa00"
    assert all(c.get("isCodable") == "true" for c in codes.values())
    assert codes["Chats"].getparent() is codes["Online"]
    text = codes["Friends"].findtext(f"{NS}Description")
    assert "Inclusion: A named friend." in text and "Exclusion: Mentors\n  (use Mentors)." in text
    theme_set = root.find(f"{NS}Sets/{NS}Set")
    assert theme_set.get("name") == "Themes"
    members = {m.get("targetGUID") for m in theme_set.iter(f"{NS}MemberCode")}
    assert members == {c.id for c in rich.codebook.all() if c.is_theme}
    notes = {n.get("guid"): n for n in root.iter(f"{NS}Note")}
    assert len(notes) == 11
    for note in notes.values():
        assert note.findtext(f"{NS}PlainTextContent")
        assert note.get("creationDateTime").endswith("Z")
    # project memos are NoteRefs of the Project itself (after everything else)
    assert root[-1].tag == f"{NS}NoteRef"
    # case memos: a Link from the Note to the Case
    links = root.findall(f"{NS}Links/{NS}Link")
    cases = {c.get("guid") for c in root.iter(f"{NS}Case")}
    assert len(links) == 2
    assert all(ln.get("originGUID") in notes and ln.get("targetGUID") in cases for ln in links)
    # coding memos sit in the Coding
    coding_refs = [r for c in root.iter(f"{NS}Coding") for r in c.iter(f"{NS}NoteRef")]
    assert len(coding_refs) == 3
    # variables and values
    variables = {v.get("name") for v in root.iter(f"{NS}Variable")}
    assert variables == {"age", "city", "pronouns", "город", "note"}
    assert all(v.get("typeOfVariable") == "Text" for v in root.iter(f"{NS}Variable"))


def test_astral_warning_and_no_machine_details(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "study.qdpx"
    summary = export_qdpx(rich, out)
    assert any("NVivo and QualCoder" in w for w in summary.warnings)
    assert any("NVivo" in line for line in summary.lines())
    qde = qde_of(out).decode("utf-8")
    assert str(tmp_path) not in qde and "basePath" not in qde
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    if user and user not in {"ann", "bob"} and len(user) > 3:
        assert user not in qde


def test_files_are_private_and_replace_atomically(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "study.qdpx"
    out.write_text("old")
    os.chmod(out, 0o644)
    export_qdpx(rich, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    qdc = tmp_path / "codes.qdc"
    export_qdc(rich, qdc)
    assert stat.S_IMODE(qdc.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codes.qdc", "study", "study.qdpx"]
    with pytest.raises(WorkbenchError, match="does not exist"):
        export_qdpx(rich, tmp_path / "missing" / "x.qdpx")
    with pytest.raises(WorkbenchError, match="folder"):
        export_qdpx(rich, tmp_path)


def test_qdc_validates_with_themes_set_and_no_noterefs(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "codes.qdc"
    summary = export_qdc(rich, out)
    root = validate_qdc(out)
    assert root.tag == f"{CB}CodeBook" and root.get("origin").startswith("Workbench")
    assert summary.codes == len(rich.codebook.all())
    assert not list(root.iter(f"{CB}NoteRef"))
    members = {m.get("guid") for m in root.iter(f"{CB}MemberCode")}
    assert members == {c.id for c in rich.codebook.all() if c.is_theme}
    assert out.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_empty_project_and_empty_codebook(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "empty.qdpx"
    summary = export_qdpx(project, out)
    root = validate_qdpx(out)
    assert len(root) == 0 and summary.warnings == []
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["project.qde"]
    with pytest.raises(WorkbenchError, match="codebook is empty"):
        export_qdc(project, tmp_path / "empty.qdc")
    assert not (tmp_path / "empty.qdc").exists()


def test_only_documents_no_codes(project: Project, tmp_path: Path) -> None:
    project.documents.add("Alone", "Just text.\n")
    out = tmp_path / "alone.qdpx"
    export_qdpx(project, out)
    root = validate_qdpx(out)
    assert [e.tag for e in root] == [f"{NS}Sources"]


def test_control_characters_are_replaced(project: Project, tmp_path: Path) -> None:
    doc = project.documents.add("Odd", "bell \x07 here\n")
    project.codings.add(doc, 0, 9, "Odd\x0bcode", "ann")
    project.memos.add("project", None, "a \x01 memo", "ann")
    out = tmp_path / "odd.qdpx"
    summary = export_qdpx(project, out)
    validate_qdpx(out)
    assert any("control characters" in w for w in summary.warnings)


def test_only_documents_with_astral_characters_warn(project: Project, tmp_path: Path) -> None:
    emoji = project.documents.add("Emoji", "Fine 😀 then 🏳️‍🌈 words here.\n")
    project.documents.add("Cyrillic", "Слово и ещё слова, café.\n")
    start = emoji.text.index("words")
    project.codings.add(emoji, start, start + 5, "Topic", "ann")
    out = tmp_path / "astral.qdpx"
    summary = export_qdpx(project, out)
    astral = [w for w in summary.warnings if "Basic Multilingual Plane" in w]
    assert len(astral) == 1 and astral[0].startswith("1 document(s)")
    assert "Emoji" in astral[0] and "Cyrillic" not in astral[0]
    selection = validate_qdpx(out).find(f".//{NS}PlainTextSelection")
    assert (selection.get("startPosition"), selection.get("endPosition")) == (
        str(start), str(start + 5))  # code points: each emoji counts one
    assert selection.get("name") == "words"


def test_exporting_twice_writes_the_same_content(rich: Project, tmp_path: Path) -> None:
    export_qdpx(rich, tmp_path / "a.qdpx")
    export_qdpx(rich, tmp_path / "b.qdpx")
    assert qde_of(tmp_path / "a.qdpx") == qde_of(tmp_path / "b.qdpx")
    export_qdc(rich, tmp_path / "a.qdc")
    export_qdc(rich, tmp_path / "b.qdc")
    assert (tmp_path / "a.qdc").read_bytes() == (tmp_path / "b.qdc").read_bytes()


def test_sample_project_exports_valid_files(tmp_path: Path) -> None:
    if not SAMPLE.exists():
        pytest.skip("sample_project/project.json is not in this checkout")
    shutil.copy(SAMPLE, tmp_path / "project.json")
    project = Project.open(tmp_path / "project.json")
    summary = export_qdpx(project, tmp_path / "sample.qdpx")
    validate_qdpx(tmp_path / "sample.qdpx")
    export_qdc(project, tmp_path / "sample.qdc")
    validate_qdc(tmp_path / "sample.qdc")
    assert summary.codings == len(project.codings)
    assert summary.memos == len(project.memos)
    assert any("cue times" in w for w in summary.warnings)


@pytest.mark.parametrize(
    ("fields"),
    [
        {"description": "", "inclusion": "", "exclusion": "", "example": ""},
        {"description": "Just text", "inclusion": "", "exclusion": "", "example": ""},
        {"description": "", "inclusion": "in", "exclusion": "", "example": ""},
        {"description": "d\n", "inclusion": "a\nb", "exclusion": "\n", "example": " x "},
        {"description": "Inclusion: looks like one\nbut is not", "inclusion": "", "exclusion": "",
         "example": "e"},
        {"description": "a\n\nExample: y", "inclusion": "", "exclusion": "", "example": "z"},
    ],
)
def test_criteria_in_descriptions_round_trip(fields: dict[str, str]) -> None:
    assert parse_description(compose_description(**fields)) == fields


def test_colours_are_read_leniently() -> None:
    assert parse_color("#F00") == "#ff0000"
    assert parse_color("#A1B2C3") == "#a1b2c3"
    assert parse_color("#A1B2C380") == "#a1b2c3"
    assert parse_color("rgb(255, 0, 10)") == "#ff000a"
    assert parse_color("rgba(0,128,255,0.5)") == "#0080ff"
    assert parse_color("rgb(100%, 0%, 50%)") == "#ff0080"
    assert parse_color("a1b2c3") == "#a1b2c3"
    assert parse_color("blue") is None and parse_color("") is None


def test_stable_guids_are_uuid5_of_what_they_name() -> None:
    namespace = uuid.UUID("6f1c35a2-8d0e-5b7a-9c3e-2a4f5d6e7b80")
    for parts in [("user", "ann"), ("variable", "город"), ("selection", "d1", "0", "12"),
                  ("set", "Themes"), ("user", "😀 x")]:
        assert stable_guid(*parts) == str(uuid.uuid5(namespace, "\x1f".join(parts)))


def test_timestamps_already_in_our_form_pass_through_and_others_are_read() -> None:
    assert xsd_datetime("2024-03-05T10:20:30Z") == "2024-03-05T10:20:30Z"
    assert xsd_datetime("2024-02-30T10:20:30Z") is None  # no such day
    assert xsd_datetime("2024-03-05T25:00:00Z") is None
    assert xsd_datetime("2024-03-05T10:20:30.123456789Z") == "2024-03-05T10:20:30Z"
    assert xsd_datetime("2024-03-05T12:20:30+02:00") == "2024-03-05T10:20:30Z"
    assert xsd_datetime(" 2024-03-05T10:20:30z ") == "2024-03-05T10:20:30Z"
    assert xsd_datetime("2024-03-05T10:20:30") == "2024-03-05T10:20:30Z"  # no zone: UTC
    assert xsd_datetime("") is None and xsd_datetime(None) is None
    assert xsd_datetime("yesterday") is None
