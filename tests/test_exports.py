"""Write-up exports: md, docx, html and csv from one small study."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from workbench.cli import main as cli_main
from workbench.cli.registrar import UsageError
from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.io.writeup import FORMATS, export_writeup, render

INT5 = (
    "Interviewer: Why did you start?\n"
    "Respondent 5: Мне было страшно 😡 но я пошла.\n"
    "Respondent 5: Friends brought me in, through a chat.\n"
    "Respondent 5: # not a heading, *not bold* <b>not html</b> & more\n"
)
INT7 = (
    "Interviewer: And you?\n"
    "Respondent 7: I was angry at the state.\n"
    "It never stops.\n"
)
NOTES = "Field notes: the meeting was tense 🙂.\n"

QUOTE_RU = "Мне было страшно 😡 но я пошла."
QUOTE_NET = "Friends brought me in, through a chat."
QUOTE_ANGRY = "I was angry at the state.\nIt never stops."
QUOTE_ODD = "# not a heading, *not bold* <b>not html</b> & more"
SECRET_SOURCE = "aigerim_private_interview"
SECRET_AUTHOR = "os-login-aigerim"


def build(path: Path) -> Project:
    project = Project.create(path, name="Activism study")
    d5 = project.documents.add(
        "Interview 5", INT5, source=f"{SECRET_SOURCE}.docx", case="Respondent 5",
        attributes={"pronouns": "she/her", "city": "Almaty", "age": "31"},
    )
    d7 = project.documents.add(
        "Interview 7", INT7, source=f"{SECRET_SOURCE}7.txt", case="Respondent 7",
        attributes={"pronouns": "he/him", "city": "Astana"},
    )
    notes = project.documents.add("Notes", NOTES, source=f"{SECRET_SOURCE}-notes.txt")
    motivations = project.codebook.add("Motivations", is_theme=True, description="Why people act.")
    anger = project.codebook.ensure("Motivations/Anger")
    project.codebook.describe(
        anger, description="Anger at injustice as a reason to act.",
        inclusion="explicit anger or rage", exclusion="mild irritation",
        example="“I was furious”",
    )
    networks = project.codebook.add("Networks", is_theme=True, description="How people join.")
    friends = project.codebook.ensure("Networks/Friends")
    project.codebook.ensure("Loose code")

    def code(doc, quote, code_ref, coder="ann"):
        start = doc.text.index(quote)
        return project.codings.add(doc, start, start + len(quote), code_ref, coder)

    code(d5, QUOTE_RU, anger)
    code(d5, QUOTE_RU, anger, coder="ben")  # a second coder: still one quote
    code(d7, QUOTE_ANGRY, anger)
    code(d5, QUOTE_NET, friends)
    code(d5, QUOTE_ODD, "Loose code")
    code(notes, "the meeting was tense 🙂", motivations)
    project.memos.add("code", motivations.id, "Anger drives most respondents.\n\nSee R5.",
                     SECRET_AUTHOR)
    project.memos.add("code", networks.id, "Networks memo: chats matter.", SECRET_AUTHOR)
    project.memos.add("code", anger.id, "Anger code memo.", SECRET_AUTHOR)
    return project


@pytest.fixture
def study(tmp_path: Path):
    project = build(tmp_path / "secret-folder" / "project.json")
    yield project
    project.close()


def export(project: Project, fmt: str, tmp_path: Path, **kw) -> Path:
    out = tmp_path / f"out.{fmt}"
    result = export_writeup(project, fmt, out, **kw)
    assert result.path == out
    return out


def docx_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml")
                         or n.endswith(".rels"))


LABEL5 = "Respondent 5 (she/her, Almaty)"
LABEL7 = "Respondent 7 (he/him, Astana)"


# --------------------------------------------------------------------------- markdown
def test_markdown_write_up(study: Project, tmp_path: Path) -> None:
    text = export(study, "md", tmp_path, attrs=["pronouns", "city"]).read_text("utf-8")
    assert text.startswith("# Activism study\n")
    assert f"“{QUOTE_RU}” — {LABEL5}" in text
    assert text.count(QUOTE_RU) == 1  # two coders, one quote
    assert f"“{QUOTE_NET}” — {LABEL5}" in text
    # a quote over two lines keeps them (hard line break) and ends with the label
    assert "> “I was angry at the state.\\\n> It never stops.” — " + LABEL7 in text
    # the caseless document is named by itself
    assert "“the meeting was tense 🙂” — Notes" in text
    # markup in a quote is escaped, not interpreted
    assert "“# not a heading, \\*not bold\\* \\<b\\>not html\\</b\\> & more”" in text
    # codebook with criteria and counts; theme sections with memos; summary tables
    for part in ("## Codebook", "### Theme: Motivations", "#### Anger",
                 "**Include:** explicit anger or rage", "**Exclude:** mild irritation",
                 "3 segments · 2 documents · 2 cases", "## Theme: Motivations",
                 "*Memo:* Anger drives most respondents.", "See R5.", "Anger code memo.",
                 "## Codes not in a theme", "### Loose code", "## Summary tables",
                 "| Motivations/Anger | 3 | 2 | 2 |", "| Code | Respondent 5 | Respondent 7 |"):
        assert part in text, part
    # order: Motivations' quotes come before the Networks section
    assert text.index(QUOTE_ANGRY.split("\n")[0]) < text.index("\n## Theme: Networks")


def test_attributes_are_only_the_chosen_ones(study: Project, tmp_path: Path) -> None:
    text = export(study, "md", tmp_path, attrs=["city"]).read_text("utf-8")
    assert f"“{QUOTE_RU}” — Respondent 5 (Almaty)" in text
    text = export(study, "md", tmp_path).read_text("utf-8")
    assert f"“{QUOTE_RU}” — Respondent 5\n" in text
    with pytest.raises(WorkbenchError, match="gender"):
        export(study, "md", tmp_path, attrs=["gender"])


def test_limit_to_a_theme(study: Project, tmp_path: Path) -> None:
    for fmt in ("md", "html"):
        text = export(study, fmt, tmp_path, themes=["Motivations"]).read_text("utf-8")
        assert QUOTE_RU in text and "I was angry at the state." in text
        assert QUOTE_NET not in text and "not a heading" not in text
        assert "Networks memo" not in text and "Loose code" not in text
    text = export(study, "md", tmp_path, codes=["Networks/Friends"]).read_text("utf-8")
    assert QUOTE_NET in text and QUOTE_RU not in text
    assert "Anger drives" not in text  # the memo of a theme that was not chosen
    rows = list(csv.DictReader(io.StringIO(
        export(study, "csv", tmp_path, themes=["Networks"]).read_text("utf-8"), newline="")))
    assert [r["text"] for r in rows] == [QUOTE_NET]
    with pytest.raises(WorkbenchError):
        export(study, "md", tmp_path, themes=["No such theme"])


# --------------------------------------------------------------------------- docx
def test_docx_write_up(study: Project, tmp_path: Path) -> None:
    import docx

    path = export(study, "docx", tmp_path, attrs=["pronouns", "city"])
    document = docx.Document(str(path))
    styles = [p.style.name for p in document.paragraphs]
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Quote"):
        assert name in styles, name
    quotes = [p.text for p in document.paragraphs if p.style.name in ("Quote", "Intense Quote")]
    assert f"“{QUOTE_RU}” — {LABEL5}" in quotes
    assert f"“{QUOTE_ANGRY}” — {LABEL7}" in quotes  # the line break is kept
    assert f"“{QUOTE_ODD}” — {LABEL5}" in quotes
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Theme: Motivations" in headings and "Anger" in headings
    assert len(document.tables) == 2
    assert all(t.style is not None and t.style.name != "Normal Table" for t in document.tables)
    assert document.tables[0].rows[0].cells[0].text == "Code"
    assert document.core_properties.author == ""
    assert document.core_properties.title == "Activism study"


# --------------------------------------------------------------------------- html
def test_html_is_one_self_contained_file(study: Project, tmp_path: Path) -> None:
    text = export(study, "html", tmp_path, attrs=["pronouns", "city"]).read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<style>" in text and "<svg" in text and "<rect" in text
    lowered = text.lower()
    for forbidden in ("<script", "http://", "https://", "url(", "@import", "<link", "src=",
                      "href=", "javascript:"):
        assert forbidden not in lowered, forbidden
    assert f"“{QUOTE_RU}” — {LABEL5}" in text
    assert f"“{QUOTE_ANGRY}” — {LABEL7}" in text
    # text is escaped, never markup
    assert "&lt;b&gt;not html&lt;/b&gt; &amp; more" in text and "<b>not html" not in text
    assert "Anger drives most respondents." in text
    assert '<h2>Theme: Motivations</h2>' in text and "<h3>Anger</h3>" in text


def test_html_svg_is_well_formed_and_capped(tmp_path: Path) -> None:
    import re
    import xml.etree.ElementTree as ET

    from workbench.io.writeup.content import MAX_BARS

    with Project.create(tmp_path / "many.json", name="Many <codes> & more") as project:
        doc = project.documents.add("D", "x" * 200, case="R1")
        for i in range(MAX_BARS + 10):
            for j in range(1 if i < 10 else 2):  # codes 00-09 are the least used
                project.codings.add(doc, j, j + 1 + i, f"Code {i:02d} <&>", f"coder {j}")
        text = render(project, "html").decode("utf-8")
    svg = re.search(r"<svg.*?</svg>", text, re.S).group(0)
    root = ET.fromstring(svg)
    assert len(root.findall("g")) == MAX_BARS
    assert "Code 09 &lt;&amp;&gt;" not in svg and "Code 10 &lt;&amp;&gt;" in svg
    assert f"of the {MAX_BARS} most used codes" in text
    assert "<title>Many &lt;codes&gt; &amp; more</title>" in text


def test_html_colours_cannot_inject_css(study: Project, tmp_path: Path) -> None:
    code = study.codebook.find("Loose code")
    with study.change("odd colour"):
        import dataclasses

        study.state.put("codes", dataclasses.replace(code, color='red;}</style><script>x'))
    text = export(study, "html", tmp_path).read_text("utf-8")
    assert "<script" not in text and "red;}" not in text


# --------------------------------------------------------------------------- csv
def test_csv_one_row_per_coding(study: Project, tmp_path: Path) -> None:
    path = export(study, "csv", tmp_path)
    raw = path.read_bytes()
    assert raw.startswith(b"id,document,case,code,coder,start,end,text,")  # no BOM
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(study.codings) == 6
    for row in rows:
        doc = study.documents.named(row["document"])
        assert row["text"] == doc.text[int(row["start"]):int(row["end"])]
        assert row["id"] in study.codings
    by_text = {r["text"]: r for r in rows}
    angry = by_text[QUOTE_ANGRY]
    assert angry["case"] == "Respondent 7" and angry["code"] == "Motivations/Anger"
    assert angry["pronouns"] == "he/him" and angry["city"] == "Astana" and angry["age"] == ""
    assert by_text["the meeting was tense 🙂"]["case"] == ""
    assert {r["coder"] for r in rows} == {"ann", "ben"}
    assert set(rows[0]) == {"id", "document", "case", "code", "coder", "start", "end", "text",
                            "speaker", "role", "time", "age", "city", "pronouns"}


# --------------------------------------------------------------------------- every format
@pytest.mark.parametrize("fmt", FORMATS)
def test_confidential_and_private(study: Project, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"old.{fmt}"
    out.write_text("old")
    os.chmod(out, 0o644)
    export_writeup(study, fmt, out, attrs=["city"])
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = docx_xml(out) if fmt == "docx" else out.read_text("utf-8")
    for secret in (str(tmp_path), "secret-folder", SECRET_SOURCE, SECRET_AUTHOR,
                   str(Path.home()), "python-docx"):
        assert secret not in text, secret
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_project_exports(tmp_path: Path, fmt: str) -> None:
    with Project.create(tmp_path / "empty.json", name="Empty") as project:
        out = export(project, fmt, tmp_path)
        assert out.stat().st_size > 0


def test_export_errors(study: Project, tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match="format"):
        export_writeup(study, "pdf", tmp_path / "x.pdf")
    with pytest.raises(WorkbenchError, match="does not exist"):
        export_writeup(study, "md", tmp_path / "missing" / "x.md")
    with pytest.raises(WorkbenchError, match="folder"):
        export_writeup(study, "md", tmp_path)


def test_render_is_deterministic(study: Project) -> None:
    assert render(study, "md") == render(study, "md")
    assert render(study, "html") == render(study, "html")


# --------------------------------------------------------------------------- the command
def run_cli(argv: list[str]) -> int:
    """The command line without its error contract: errors are raised."""
    return cli_main.run(argv)


def test_export_command(study: Project, tmp_path: Path, capsys) -> None:
    study.save()
    for fmt in FORMATS:
        out = tmp_path / f"cli.{fmt}"
        assert run_cli(["export", str(study.path), "--format", fmt, "-o", str(out),
                        "--attrs", "pronouns,city", "--theme", "Motivations", "--json"]) == 0
        info = json.loads(capsys.readouterr().out)
        assert info["format"] == fmt and info["segments"] > 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert LABEL5 in (tmp_path / "cli.md").read_text("utf-8")
    assert QUOTE_NET not in (tmp_path / "cli.md").read_text("utf-8")
    out = tmp_path / "two.md"
    assert run_cli(["export", str(study.path), "--format", "md", "-o", str(out),
                    "--code", "Networks/Friends", "--code", "Loose code"]) == 0
    assert "wrote" in capsys.readouterr().out
    text = out.read_text("utf-8")
    assert QUOTE_NET in text and "not a heading" in text and QUOTE_RU not in text
    with pytest.raises(UsageError, match="invalid choice: 'pdf'"):
        run_cli(["export", str(study.path), "--format", "pdf", "-o", str(out)])
    with pytest.raises(WorkbenchError, match="write-up"):
        run_cli(["export", str(study.path), "--format", "qdpx", "-o", str(out), "--theme", "X"])


def test_export_command_hands_refi_formats_on(study: Project, tmp_path: Path, capsys) -> None:
    pytest.importorskip("workbench.io.refi")
    study.save()
    out = tmp_path / "study.qdpx"
    assert run_cli(["export", str(study.path), "--format", "qdpx", "-o", str(out),
                    "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "qdpx"
    assert zipfile.is_zipfile(out) and stat.S_IMODE(out.stat().st_mode) == 0o600
