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
from hypothesis import given, settings
from hypothesis import strategies as st

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
    """Every XML part of a .docx or .xlsx file, as text."""
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml")
                         or n.endswith(".rels"))


LABEL5 = "Respondent 5, she/her, Almaty"
LABEL7 = "Respondent 7, he/him, Astana"


# --------------------------------------------------------------------------- markdown
def test_markdown_write_up(study: Project, tmp_path: Path) -> None:
    text = export(study, "md", tmp_path, attrs=["pronouns", "city"]).read_text("utf-8")
    assert text.startswith("# Activism study\n")
    assert f"«{QUOTE_RU}» ({LABEL5})" in text  # Russian words in Russian quotation marks
    assert text.count(QUOTE_RU) == 1  # two coders, one quote
    assert f"“{QUOTE_NET}” ({LABEL5})" in text
    # a quote over two lines keeps them (hard line break) and ends with the label
    assert "> “I was angry at the state.\\\n> It never stops.” (" + LABEL7 + ")" in text
    # the caseless document is named by itself
    assert "“the meeting was tense 🙂” (Notes)" in text
    # markup in a quote is escaped, not interpreted
    assert "“# not a heading, \\*not bold\\* \\<b\\>not html\\</b\\> & more”" in text
    # themes with their codes by name, memos and quotes; then the codebook and the tables
    for part in ("## Motivations\n", "### Anger\n", "*Memo:* Anger drives most respondents.",
                 "See R5.", "Anger code memo.",
                 "*2 segments from 2 respondents.*",  # two coders on one span: one segment
                 "## Codes not in a theme", "### Loose code", "## Codebook",
                 "### Motivations (theme)", "#### Anger", "**Include:** explicit anger or rage",
                 "**Exclude:** mild irritation", "## Summary tables",
                 "| Motivations/Anger | 3 | 2 | 2 |",
                 "| Code | Respondent 5 | Respondent 7 |"):
        assert part in text, part
    assert "Motivations/Anger\n" not in text.split("## Codebook")[0]  # names, not paths
    # order: the findings, then the codebook; Motivations' quotes before the Networks section
    assert text.index(QUOTE_ANGRY.split("\n")[0]) < text.index("\n## Networks")
    assert text.index("\n## Networks") < text.index("\n## Codebook")


def test_attributes_are_only_the_chosen_ones(study: Project, tmp_path: Path) -> None:
    text = export(study, "md", tmp_path, attrs=["city"]).read_text("utf-8")
    assert f"«{QUOTE_RU}» (Respondent 5, Almaty)" in text
    text = export(study, "md", tmp_path).read_text("utf-8")
    assert f"«{QUOTE_RU}» (Respondent 5)\n" in text
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
    assert "## Networks\n" in text and "### Friends\n" in text
    rows = list(csv.DictReader(io.StringIO(
        export(study, "csv", tmp_path, themes=["Networks"]).read_text("utf-8"), newline="")))
    assert [r["text"] for r in rows] == [QUOTE_NET]
    with pytest.raises(WorkbenchError):
        export(study, "md", tmp_path, themes=["No such theme"])


# --------------------------------------------------------------------------- what it says
def test_introduction_lines_in_plain_words(study: Project, tmp_path: Path) -> None:
    notes = study.documents.named("Notes")
    study.codings.add(notes, 0, 5, "Motivations/Anger", "ann")
    d7 = study.documents.named("Interview 7")
    at = INT7.index("I was")
    study.codings.add(d7, at, at + 5, "Networks/Friends", "ann")
    text = export(study, "md", tmp_path).read_text("utf-8")
    # Anger: R5 (twice coded: one segment), R7 and the field notes, which have no case
    assert "*3 segments from 2 respondents and 1 other document.*" in text
    assert "*2 segments from 2 respondents.*" in text  # Friends
    assert "*1 segment from 1 respondent.*" in text  # Loose code
    # a theme counts its codes too, and says how much is at the theme itself
    assert "*4 segments from 2 respondents and 1 other document, 1 of them at the theme " \
        "itself.*" in text
    assert "*2 segments from 2 respondents, all in the codes below it.*" in text  # Networks
    assert "1 segments" not in text and "1 respondents" not in text
    solo = study.codebook.ensure("Field only")
    study.codings.add(notes, 6, 10, solo, "ann")
    assert "*1 segment from 1 document.*" in export(study, "md", tmp_path).read_text("utf-8")


def test_an_interviewers_words_count_toward_no_respondent(study: Project,
                                                          tmp_path: Path) -> None:
    d7 = study.documents.named("Interview 7")
    question = INT7.index("And you?")
    study.codings.add(d7, question, question + 8, "Networks/Friends", "ann")
    text = export(study, "md", tmp_path).read_text("utf-8")
    # Friends: R5's words, and R7's interviewer asking: two segments, one respondent
    assert "*2 segments from 1 respondent; 1 of them is in an interviewer's or another " \
        "speaker's words.*" in text
    # the frequency table says the same: 2 segments, in 2 documents, from 1 respondent
    row = next(line for line in text.splitlines() if line.startswith("| Networks/Friends |"))
    assert [cell.strip() for cell in row.strip("|").split("|")][:4] == [
        "Networks/Friends", "2", "2", "1"]
    d5 = study.documents.named("Interview 5")
    study.codings.add(d5, 0, INT5.index("?") + 1, "Networks/Friends", "ann")
    text = export(study, "md", tmp_path).read_text("utf-8")
    assert "*3 segments from 1 respondent; 2 of them are in an interviewer's" in text
    study.documents.set_roles(d7, {"Interviewer": "respondent"})  # told otherwise: counted
    text = export(study, "md", tmp_path).read_text("utf-8")
    assert "*3 segments from 2 respondents; 1 of them is in an interviewer's" in text


def test_empty_codes_only_when_asked(study: Project, tmp_path: Path) -> None:
    study.codebook.ensure("Networks/Unused")
    study.codebook.add("Empty theme", is_theme=True)
    text = export(study, "md", tmp_path).read_text("utf-8")
    assert "Unused" not in text and "Empty theme" not in text
    text = export(study, "md", tmp_path, empty=True).read_text("utf-8")
    assert "### Unused\n\n*0 segments from 0 respondents.*" in text
    assert "## Empty theme\n" in text and "#### Unused" in text  # in the codebook too


def test_title_is_the_project_name_or_given(study: Project, tmp_path: Path) -> None:
    text = export(study, "md", tmp_path, title="Chapter 4:  Findings").read_text("utf-8")
    assert text.startswith("# Chapter 4: Findings\n")
    html = export(study, "html", tmp_path, title="Chapter 4").read_text("utf-8")
    assert "<title>Chapter 4</title>" in html and '<h1 class="title">Chapter 4</h1>' in html


def test_quotation_marks_by_script_never_doubled(tmp_path: Path) -> None:
    with Project.create(tmp_path / "marks.json", name="Marks") as project:
        text = (
            'R1: "Я пошла туда одна."\n'
            "R1: «Мы были вместе все эти годы»\n"
            "R1: “I went there alone, and nobody came.”\n"
            "R1: Мама сказала: «Не говори дяде» и всё.\n"
            "R1: Балам, тамақ іштің бе? Кеш болды ғой.\n"
            'R1: "Yes," she said, "we go."\n'
        )
        doc = project.documents.add("I1", text, case="R1")
        for line in text.splitlines():
            words = line[4:]
            start = text.index(words)
            project.codings.add(doc, start, start + len(words), "Quotes", "ann")
        md = render(project, "md").decode("utf-8")
    assert "«Я пошла туда одна.» (R1)" in md
    assert "«Мы были вместе все эти годы» (R1)" in md
    assert "“I went there alone, and nobody came.” (R1)" in md
    assert "«Мама сказала: „Не говори дяде“ и всё.» (R1)" in md  # the inner quotation
    assert "«Балам, тамақ іштің бе? Кеш болды ғой.» (R1)" in md  # Kazakh
    assert '“"Yes," she said, "we go."” (R1)' in md  # two quotations inside: marks kept
    for doubled in ("«\"", "«“", "«»", "““", "“«", "«\u00ab"):
        assert doubled not in md, doubled


def test_a_quote_leaves_a_dangling_comma_or_dash_out(tmp_path: Path) -> None:
    with Project.create(tmp_path / "commas.json", name="Commas") as project:
        text = ("R4: Үйдегі әңгіме үйде қалады, деп айтатын апам.\n"
                "R4: Well, we went anyway — all of us, and stayed.\n")
        doc = project.documents.add("I4", text, case="R4")
        for words in ("Үйдегі әңгіме үйде қалады,", ", we went anyway —", "and stayed."):
            start = text.index(words)
            project.codings.add(doc, start, start + len(words), "Quotes", "ann")
        md = render(project, "md").decode("utf-8")
        assert project.codings.segment(next(iter(project.codings.values()))).text.endswith(",")
    assert "«Үйдегі әңгіме үйде қалады» (R4)" in md  # the coding itself keeps its comma
    assert "“we went anyway” (R4)" in md
    assert "all of us, **and stayed.**” (R4)" in md  # a sentence's own end stays


def test_short_in_vivo_quotes_come_with_their_sentence(tmp_path: Path) -> None:
    with Project.create(tmp_path / "vivo.json", name="Vivo") as project:
        text = ("Interviewer: And then?\n"
                "Respondent 2: I was tired. They called me a troublemaker, so I left! Later.\n"
                "Respondent 2: Меня называли белой вороной всю жизнь.\n")
        doc = project.documents.add("I2", text, case="Respondent 2")
        for words, coder in (("troublemaker", "ann"), ("белой вороной", "ann"),
                             ("I was tired. They called me", "ann"), ("I was tired.", "bob")):
            start = text.index(words)  # bob's: ann's overlapping coding would be extended
            project.codings.add(doc, start, start + len(words), "In vivo", coder)
        md = render(project, "md").decode("utf-8")
        html = render(project, "html").decode("utf-8")
        path = tmp_path / "vivo.docx"
        export_writeup(project, "docx", path)
    assert "“They called me a **troublemaker**, so I left!” (Respondent 2)" in md
    assert "«Меня называли **белой вороной** всю жизнь.» (Respondent 2)" in md
    assert "“I was tired. They called me” (Respondent 2)" in md  # four words: as coded
    assert "“**I was tired.** They called" not in md  # a whole sentence needs no other
    assert "“I was tired.” (Respondent 2)" in md
    assert "a <strong>troublemaker</strong>, so" in html
    import docx

    quotes = [p for p in docx.Document(str(path)).paragraphs if p.style.name == "Quote"]
    vivo = next(p for p in quotes if "troublemaker" in p.text)
    assert vivo.text == "“They called me a troublemaker, so I left!” (Respondent 2)"
    assert [r.text for r in vivo.runs if r.bold] == ["troublemaker"]


def test_a_long_sentence_is_cut_around_an_in_vivo_quote(tmp_path: Path) -> None:
    from workbench.io.writeup.quotes import CONTEXT_CHARS

    before, after = "word " * 80, " more" * 80
    text = f"R: {before}gem{after}.\n"
    with Project.create(tmp_path / "long.json") as project:
        doc = project.documents.add("D", text, case="R")
        start = text.index("gem")
        project.codings.add(doc, start, start + 3, "Gem", "ann")
        md = render(project, "md").decode("utf-8")
    quote = next(line for line in md.splitlines() if "**gem**" in line)
    assert quote.startswith("> “…word") and quote.endswith("more…” (R)")
    assert len(quote) < 2 * CONTEXT_CHARS + 40


def test_memos_by_kind(study: Project, tmp_path: Path) -> None:
    d5 = study.documents.named("Interview 5")
    coding = next(c for c in study.codings.of_document(d5) if c.coder == "ann"
                  and study.codebook[c.code].name == "Anger")
    study.memos.add("coding", coding.id, "Fear and courage in one breath.", SECRET_AUTHOR)
    study.memos.add("document", d5.id, "Interview 5 was short.", SECRET_AUTHOR)
    study.memos.add("case", d5.case, "R5 speaks for a group.", SECRET_AUTHOR)
    study.memos.add("project", None, "Study memo: the plan.", SECRET_AUTHOR)
    default = export(study, "md", tmp_path).read_text("utf-8")
    assert "Anger drives most respondents." in default and "Anger code memo." in default
    for memo in ("Fear and courage", "Interview 5 was short", "R5 speaks", "Study memo"):
        assert memo not in default, memo
    text = export(study, "md", tmp_path, memos="coding,document,case,project").read_text("utf-8")
    assert "Anger drives most respondents." not in text and "Anger code memo." not in text
    # a coding memo sits under its quote; the project's memos come first
    ru = text.index(QUOTE_RU)
    assert text.index("*Memo on this passage:* Fear and courage in one breath.") > ru
    assert text.index("Fear and courage") < text.index(QUOTE_ANGRY.split("\n")[0])
    assert text.index("## Memos on the project") < text.index("## Motivations")
    assert "## Memos on documents\n\n### Interview 5 (Respondent 5)\n\n*Memo:* Interview 5" in text
    assert "## Memos on respondents\n\n### Respondent 5\n\n*Memo:* R5 speaks" in text
    every = export(study, "md", tmp_path, memos="all").read_text("utf-8")
    assert all(m in every for m in ("Anger code memo.", "Fear and courage", "Study memo"))
    none = export(study, "md", tmp_path, memos="none").read_text("utf-8")
    assert "Memo" not in none
    assert "networks memo" not in export(study, "md", tmp_path, memos="code").read_text(
        "utf-8").casefold()  # a theme's memo is a theme memo
    with pytest.raises(WorkbenchError, match="kinds: code, theme, coding"):
        export(study, "md", tmp_path, memos="code,diary")


# --------------------------------------------------------------------------- docx
def test_docx_write_up(study: Project, tmp_path: Path) -> None:
    import docx
    from docx.shared import Mm

    path = export(study, "docx", tmp_path, attrs=["pronouns", "city"])
    document = docx.Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    styles = [p.style.name for p in document.paragraphs]
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Quote"):
        assert name in styles, name
    quotes = [p for p in document.paragraphs if p.style.name == "Quote"]
    texts = [p.text for p in quotes]
    assert f"«{QUOTE_RU}» ({LABEL5})" in texts
    assert f"“{QUOTE_ANGRY}” ({LABEL7})" in texts  # the line break is kept
    assert f"“{QUOTE_ODD}” ({LABEL5})" in texts
    # a quote's words carry their language (Word checks a Russian quote as Russian)
    ru = next(p for p in quotes if QUOTE_RU in p.text)
    lang = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}lang"
    tags = [r._r.find(f".//{lang}") for r in ru.runs]
    assert tags[0] is not None and tags[0].get(lang.replace("lang", "val")) == "ru-RU"
    assert tags[-1] is None  # the label is not a quotation
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Motivations") in headings and ("Heading 2", "Anger") in headings
    assert ("Heading 1", "Networks") in headings and ("Heading 2", "Friends") in headings
    intro = [p.text for p in document.paragraphs if p.text.startswith("2 segments from")]
    assert intro == ["2 segments from 2 respondents."] * 2  # Anger, and in the codebook
    assert len(document.tables) == 2
    assert all(t.style is not None and t.style.name != "Normal Table" for t in document.tables)
    assert document.tables[0].rows[0].cells[0].text == "Code"
    assert document.core_properties.author == ""
    assert document.core_properties.title == "Activism study"
    letter = export(study, "docx", tmp_path, paper="letter", title="Findings")
    document = docx.Document(str(letter))
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (Mm(215.9), Mm(279.4))
    assert document.paragraphs[0].text == "Findings"
    assert document.core_properties.title == "Findings"


def test_docx_deep_codes_have_deeper_headings(tmp_path: Path) -> None:
    import docx

    with Project.create(tmp_path / "deep.json", name="Deep") as project:
        doc = project.documents.add("D", "one two three four five six", case="R")
        project.codebook.add("T", is_theme=True)
        for i, path in enumerate(("T/A", "T/A/B", "T/A/B/C", "T/A/B/C/D", "T/Z/Y")):
            project.codings.add(doc, 0, 10 + i, path, "ann")
        out = tmp_path / "deep.docx"
        export_writeup(project, "docx", out)
    headings = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs
                if p.style.name.startswith("Heading")]
    findings = headings[:headings.index(("Heading 1", "Codebook"))]
    # Z has nothing coded at it, but its code Y has: Z stays as Y's heading
    assert findings == [("Heading 1", "T"), ("Heading 2", "A"), ("Heading 3", "B"),
                        ("Heading 4", "C"), ("Heading 4", "D"), ("Heading 2", "Z"),
                        ("Heading 3", "Y")]


# --------------------------------------------------------------------------- html
def test_html_is_one_self_contained_file(study: Project, tmp_path: Path) -> None:
    text = export(study, "html", tmp_path, attrs=["pronouns", "city"]).read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<style>" in text and "<svg" in text and "<rect" in text
    lowered = text.lower()
    for forbidden in ("<script", "http://", "https://", "url(", "@import", "<link", "src=",
                      "href=", "javascript:"):
        assert forbidden not in lowered, forbidden
    assert f'<span lang="ru">«{QUOTE_RU}»</span> ({LABEL5})' in text
    assert f"<span>“{QUOTE_ANGRY}”</span> ({LABEL7})" in text
    # text is escaped, never markup
    assert "&lt;b&gt;not html&lt;/b&gt; &amp; more" in text and "<b>not html" not in text
    assert "Anger drives most respondents." in text
    assert "<h2>Motivations</h2>" in text and "<h3>Anger</h3>" in text
    assert "@page { size: A4;" in text
    assert "@page { size: letter;" in export(study, "html", tmp_path, paper="letter").read_text(
        "utf-8")


def test_html_lang_follows_the_text(study: Project, tmp_path: Path) -> None:
    # mostly English quotes: an English page, the Russian quote marked as Russian
    text = export(study, "html", tmp_path).read_text("utf-8")
    assert '<html lang="en">' in text and f'<span lang="ru">«{QUOTE_RU}»</span>' in text
    with Project.create(tmp_path / "ru.json", name="Исследование") as project:
        doc = project.documents.add(
            "Интервью 1", "Р1: Мне было страшно, но я пошла. Я не жалею.\n"
            "Р1: Мы были вместе.\nР1: I learnt English there.\n", case="Р1")
        for words in ("Мне было страшно, но я пошла.", "Мы были вместе.",
                      "I learnt English there."):
            start = doc.text.index(words)
            project.codings.add(doc, start, start + len(words), "Страх", "ann")
        project.codebook.describe(project.codebook.find("Страх"), description="Когда страшно.")
        page = render(project, "html").decode("utf-8")
    # mostly Russian quotes: a Russian page; the English words of the write-up say so
    assert '<html lang="ru">' in page
    assert "<span>«Мне было страшно, но я пошла.»</span>" in page
    assert '<span lang="en">“I learnt English there.”</span>' in page
    assert '<p class="note" lang="en"><em>3 segments from 1 respondent.</em></p>' in page
    assert "<h3>Страх</h3>" in page and '<h2 lang="en">Codebook</h2>' in page


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


def test_csv_for_excel_has_a_byte_order_mark(study: Project, tmp_path: Path) -> None:
    plain = render(study, "csv")
    excel = render(study, "csv", excel=True)
    assert excel == b"\xef\xbb\xbf" + plain  # the same rows, read by Excel as UTF-8
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel.decode("utf-8-sig").splitlines()[0].startswith("id,document,case,code,")


# --------------------------------------------------------------------------- xlsx
def test_xlsx_sheets_read_back(study: Project, tmp_path: Path) -> None:
    import openpyxl

    d5 = study.documents.named("Interview 5")
    study.codings.add(d5, d5.text.index("# not"), d5.text.index("# not") + 1, "Loose code",
                      "ann")
    formula = study.documents.add("Formula", '=HYPERLINK("http://x","y")\n+1 -2 @me\n',
                                  case="Respondent 7")
    study.codings.add(formula, 0, 26, "Loose code", "ann")
    path = export(study, "xlsx", tmp_path, attrs=["city"])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Coded segments", "Frequencies", "Matrix by case",
                               "Matrix by city"]
    segments = list(book["Coded segments"].values)
    assert segments[0] == ("id", "document", "case", "code", "coder", "start", "end", "text",
                           "speaker", "role", "time", "city")
    by_text = {row[7]: row for row in segments[1:]}
    assert len(segments) - 1 == len(study.codings)
    assert by_text[QUOTE_RU][2:4] == ("Respondent 5", "Motivations/Anger")  # Cyrillic intact
    assert by_text[QUOTE_RU][11] == "Almaty"
    assert by_text[QUOTE_ANGRY][5:7] == (d7_start := study.documents.named(
        "Interview 7").text.index(QUOTE_ANGRY), d7_start + len(QUOTE_ANGRY))
    # text that looks like a formula stays text
    cell = next(c for c in book["Coded segments"]["H"] if str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x","y")'
    assert book["Coded segments"].freeze_panes == "A2"
    freq = list(book["Frequencies"].values)
    assert freq[0][:5] == ("code", "segments", "documents", "cases", "characters")
    rows = {r[0]: r for r in freq[1:]}
    assert rows["Motivations"][1:5] == (1, 1, 0, len("the meeting was tense 🙂"))
    # with its codes: 1 + 3 segments, Notes and both interviews, two cases
    assert rows["Motivations"][5:8] == (4, 3, 2)
    assert rows["Networks"][1] == 0 and rows["Networks"][5] == 1
    matrix = list(book["Matrix by case"].values)
    assert matrix[0] == ("code", "Respondent 5", "Respondent 7", "(none)")
    assert {r[0]: r[1:] for r in matrix[1:]}["Motivations/Anger"] == (2, 1, 0)
    by_city = list(book["Matrix by city"].values)
    assert by_city[0] == ("code", "Almaty (n=1)", "Astana (n=1)", "(none) (n=0)")
    assert book.properties.creator in (None, "") and book.properties.title == "Activism study"


def test_xlsx_holds_what_a_cell_can(tmp_path: Path) -> None:
    import openpyxl

    from workbench.io.export import export as export_any
    from workbench.io.writeup.render_xlsx import CELL_MAX

    with Project.create(tmp_path / "big.json", name="Big") as project:
        text = "Ж" * (CELL_MAX + 10) + "\x07 bell\n"
        doc = project.documents.add("D", text, case="R")
        project.codings.add(doc, 0, len(text) - 1, "Long", "ann")
        project.codings.add(doc, CELL_MAX + 10, len(text) - 1, "Bell", "ann")
        exported = export_any(project, "xlsx", tmp_path / "big.xlsx")
    assert any("cut" in w and "CSV" in w for w in exported.warnings)
    rows = list(openpyxl.load_workbook(tmp_path / "big.xlsx")["Coded segments"].values)
    texts = {r[3]: r[7] for r in rows[1:]}
    assert len(texts["Long"]) == CELL_MAX and texts["Long"].endswith("…")
    assert texts["Bell"] == " bell"  # a control character a workbook cannot hold is dropped


def test_xlsx_opens_in_libreoffice_when_there(study: Project, tmp_path: Path) -> None:
    """Where LibreOffice is installed, it converts the workbook without complaint."""
    import shutil
    import subprocess

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    path = export(study, "xlsx", tmp_path)
    done = subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(tmp_path / "lo-out"), str(path)],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    converted = sorted((tmp_path / "lo-out").glob("*.csv"))
    assert converted and QUOTE_RU in "".join(p.read_text("utf-8") for p in converted)


def test_options_that_do_not_shape_a_format_are_errors(study: Project, tmp_path: Path) -> None:
    from workbench.io.export import export as export_any

    for fmt, option in (("md", {"paper": "letter"}), ("docx", {"excel": True}),
                        ("csv", {"memos": "all"}), ("xlsx", {"empty": True}),
                        ("csv", {"title": "T"})):
        with pytest.raises(WorkbenchError, match="goes with"):
            export_writeup(study, fmt, tmp_path / f"x.{fmt}", **option)
    with pytest.raises(WorkbenchError, match="a4, letter"):
        export_writeup(study, "docx", tmp_path / "x.docx", paper="a5")
    with pytest.raises(WorkbenchError, match="whole project"):
        export_any(study, "qdpx", tmp_path / "x.qdpx", title="T")


# --------------------------------------------------------------------------- every format
@pytest.mark.parametrize("fmt", FORMATS)
def test_confidential_and_private(study: Project, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"old.{fmt}"
    out.write_text("old")
    os.chmod(out, 0o644)
    export_writeup(study, fmt, out, attrs=["city"])
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = docx_xml(out) if fmt in ("docx", "xlsx") else out.read_text("utf-8")
    for secret in (str(tmp_path), "secret-folder", SECRET_SOURCE, SECRET_AUTHOR,
                   str(Path.home()), "python-docx", "openpyxl"):
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


def test_export_command_write_up_options(study: Project, tmp_path: Path, capsys) -> None:
    import docx
    import openpyxl

    study.save()
    out = tmp_path / "chapter.docx"
    assert run_cli(["export", str(study.path), "--format", "docx", "-o", str(out), "--title",
                    "Chapter 4", "--paper", "Letter", "--memos", "code,project", "--empty"]) == 0
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "Chapter 4"
    assert round(document.sections[0].page_width.mm, 1) == 215.9
    out = tmp_path / "rows.csv"
    assert run_cli(["export", str(study.path), "--format", "csv", "-o", str(out),
                    "--excel"]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,document")
    out = tmp_path / "book.xlsx"
    capsys.readouterr()
    assert run_cli(["export", str(study.path), "--format", "xlsx", "-o", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info == {"path": str(out), "format": "xlsx", "codes": 5, "segments": 6}
    assert openpyxl.load_workbook(out).sheetnames[0] == "Coded segments"
    for flags, words in ((["--format", "md", "--paper", "a4"], "--paper goes with docx, html"),
                         (["--format", "docx", "--excel"], "--excel goes with csv"),
                         (["--format", "md", "--memos", "diaries"], "no memos of kind")):
        with pytest.raises(WorkbenchError, match=words):
            run_cli(["export", str(study.path), "-o", str(tmp_path / "x"), *flags])


def test_export_command_hands_refi_formats_on(study: Project, tmp_path: Path, capsys) -> None:
    pytest.importorskip("workbench.io.refi")
    study.save()
    out = tmp_path / "study.qdpx"
    assert run_cli(["export", str(study.path), "--format", "qdpx", "-o", str(out),
                    "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "qdpx"
    assert zipfile.is_zipfile(out) and stat.S_IMODE(out.stat().st_mode) == 0o600


# --------------------------------------------------------------------------- in-vivo context
@given(
    st.text(alphabet="ab .!?\n:R", min_size=1, max_size=400),
    st.integers(0, 399), st.integers(1, 30),
)
@settings(max_examples=300, deadline=None)
def test_sentence_around_holds_the_segment_within_its_line(text: str, at: int, size: int) -> None:
    from workbench.io.writeup.quotes import CONTEXT_CHARS, sentence_around

    start = min(at, len(text) - 1)
    end = min(len(text), start + size)
    begin, finish, _, _ = sentence_around(text, start, end)
    assert begin <= start and end <= finish
    assert "\n" not in text[begin:start] and "\n" not in text[end:finish]
    assert start - begin <= CONTEXT_CHARS and finish - end <= CONTEXT_CHARS
    assert begin == start or not text[begin].isspace()


def test_in_vivo_quotes_of_a_huge_line_stay_fast(tmp_path: Path) -> None:
    """Two thousand one-word codings in a 1 MB transcript without line breaks."""
    import time

    words = "слово word " * 100_000
    with Project.create(tmp_path / "huge.json") as project:
        doc = project.documents.add("Huge", words, case="R")
        with project.change("bulk"):
            for i in range(2000):
                start = i * 550  # each at a "слово"
                project.codings.add(doc, start, start + 5, "Word", "ann")
        began = time.perf_counter()
        md = render(project, "md").decode("utf-8")
        assert time.perf_counter() - began < 10
    assert md.count("**слово**") == 2000
