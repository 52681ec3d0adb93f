"""Shared helpers of the REFI-QDA tests: schemas, archive building, a rich project, a view of a
project to compare (tests/io/test_refi_support.py checks the helpers themselves).

The official XSDs are read from ``../shared/refi-qda/`` beside the checkout (CI has that folder
there too); they are never copied into the repository. When the folder is absent, the tests that
need it are skipped with the reason.
"""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from workbench.core.project import Project
from workbench.core.text import normalise

REFI_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "refi-qda"
SAMPLES = REFI_DIR / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "refi"


def need_refi_dir() -> Path:
    """The shared REFI-QDA folder, or a skip saying it is missing."""
    if not (REFI_DIR / "project-mrt2019.xsd").is_file():
        pytest.skip(f"the REFI-QDA schemas are not at {REFI_DIR} (expected beside the checkout)")
    return REFI_DIR


@functools.cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(REFI_DIR / name)))


def qde_of(path: Path) -> bytes:
    """The project.qde of an archive."""
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


def validate_qdpx(path: Path) -> etree._Element:
    """Assert the archive's project.qde validates against the Project XSD; return its root."""
    need_refi_dir()
    root = etree.fromstring(qde_of(path))
    schema = _schema("project-mrt2019.xsd")
    assert schema.validate(root), schema.error_log
    return root


def validate_qdc(path: Path) -> etree._Element:
    """Assert a .qdc validates against the Codebook XSD; return its root."""
    need_refi_dir()
    root = etree.parse(str(path)).getroot()
    schema = _schema("codebook-mrt2019.xsd")
    assert schema.validate(root), schema.error_log
    return root


def build_qdpx(path: Path, qde: str | bytes, files: dict[str, bytes] | None = None,
               qde_name: str = "project.qde") -> Path:
    """Write a .qdpx archive holding ``qde`` and ``files`` (archive path -> bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


# --------------------------------------------------------------------------- a rich project

ENGLISH = (
    "Interviewer: How did you start?\n"
    "Respondent 1: A friend took me to a film night. That was it, really.\n"
    "Interviewer: And your family?\n"
    "Respondent 1: My mother said: just do not tell your uncle.\n"
)
CYRILLIC = (
    "Интервьюер: Как вы пришли в активизм?\n"
    "Респондент: Через чат в телеграме. Ұят — это слово я слышала всё детство.\n"
)
EMOJI = (
    "Interviewer: What does the chat look like? 🙂\n"
    "Respondent 2: Mostly memes 😂😂 and then suddenly 🏳️‍🌈 a real question.\n"
    "Respondent 2: Балам, тамақ іштің бе? 🙏 my mother writes every day.\n"
)
CRLF_ORIGIN = normalise("\ufeffInterviewer: Line one of a Windows file.\r\nRespondent 3: "
                        "Second line, with cafe\u0301 decomposed.\r\n\r\nThird paragraph.\r\n")


def span_of(text: str, words: str, occurrence: int = 0) -> tuple[int, int]:
    """The span of the ``occurrence``-th ``words`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


def build_rich(project: Project) -> Project:
    """Documents in three scripts, cases, a codebook with themes, two coders, memos everywhere."""
    p = project
    en = p.documents.add("Interview 1 (en)", ENGLISH, source="i1.txt", case="Respondent 1",
                        attributes={"age": "29", "city": "Almaty", "pronouns": "she/her"})
    ru = p.documents.add("Интервью 2", CYRILLIC, source="i2.txt", case="Респондент 2",
                        attributes={"город": "Астана", "age": "27"})
    em = p.documents.add("Chat 😀", EMOJI, source="chat.txt", case="Respondent 1")
    cr = p.documents.add("Windows file", CRLF_ORIGIN, source="win.txt")
    p.cases.set("Respondent 9", {"note": "no interview yet"})
    with p.change("codebook"):
        networks = p.codebook.ensure("Networks")
        p.codebook.set_theme(networks, True)
        friends = p.codebook.ensure("Networks/Friends")
        online = p.codebook.ensure("Networks/Online/Chats")
        family = p.codebook.ensure("Family")
        emotions = p.codebook.add("Emotions", is_theme=True, description="Feelings named.")
        anger = p.codebook.ensure("Emotions/Anger")
        p.codebook.color(friends, "#0a0")
        p.codebook.color(online, "#123456")
        p.codebook.describe(p.codebook.find("Networks/Friends"),
                            description="People who brought them.",
                            inclusion="A named friend.", exclusion="Mentors\n(use Mentors).",
                            example='"My friend A. said: come."\nSecond line of the example.')
        p.codebook.describe(p.codebook.find("Family"), description="Line one.\n\nLine three.",
                        example="Only an example")
        p.codebook.describe(p.codebook.find("Networks"), inclusion="Only criteria, no description")
    codings = {}
    for doc, words, code, coder in [
        (en, "A friend took me to a film night", "Networks/Friends", "ann"),
        (en, "A friend took me to a film night", "Networks/Friends", "bob"),
        (en, "My mother said: just do not tell your uncle.", "Family", "ann"),
        (en, "friend took me", "Emotions/Anger", "bob"),
        (ru, "Через чат в телеграме", "Networks/Online/Chats", "ann"),
        (ru, "Ұят — это слово", "Family", "bob"),
        (em, "a real question", "Networks/Online/Chats", "ann"),
        (em, "Mostly memes 😂😂", "Emotions", "bob"),
        (em, "🙏", "Emotions/Anger", "ann"),
        (em, "my mother writes every day", "Family", "bob"),
        (cr, "Second line, with café decomposed.", "Networks", "ann"),
        (cr, "Third paragraph.", "Family", "ann"),
    ]:
        start, end = span_of(doc.text, words)
        codings[(doc.name, words, coder)] = p.codings.add(doc, start, end, code, coder)
    p.memos.add("project", None, "Study memo.\nSecond line.", "ann")
    p.memos.add("document", en.id, "First impressions of R1.", "ann")
    p.memos.add("document", em.id, "Emoji everywhere 😀.", "bob")
    p.memos.add("case", p.cases.named("Respondent 1").id, "R1 is the negative case.", "ann")
    p.memos.add("case", p.cases.named("Респондент 2").id, "Кейс второй.", "bob")
    p.memos.add("code", anger.id, "Anger as fuel.", "bob")
    p.memos.add("code", networks.id, "Theme memo.", "ann")
    p.memos.add("code", family.id, "Memo without an author.", "")
    coding = codings[(en.name, "friend took me", "bob")]
    p.memos.add("coding", coding.id, "Coded on purpose.", "bob")
    p.memos.add("coding", codings[(em.name, "🙏", "ann")].id, "The prayer emoji.", "ann")
    p.memos.add("coding", codings[(em.name, "🙏", "ann")].id, "A second memo on it.", "bob")
    assert emotions and online
    return p


# --------------------------------------------------------------------------- comparing projects


def view(project: Project) -> dict[str, Any]:
    """Everything a round trip keeps, keyed by names and paths rather than ids."""
    p = project
    docs = {d.id: d for d in p.documents.all()}
    path = {c.id: p.codebook.path(c) for c in p.codebook.all()}

    def coding_key(coding) -> tuple:
        return (docs[coding.document].name, path[coding.code], coding.coder, coding.start,
                coding.end, coding.text)

    def target(memo) -> Any:
        if memo.target_kind == "coding":
            return ("coding", coding_key(p.codings[memo.target_id]))
        return p.memos.describe_target(memo.target_kind, memo.target_id)

    return {
        "documents": {d.name: (d.text, d.created, d.modified, d.order) for d in docs.values()},
        "document_order": [d.name for d in p.documents.all()],
        "codes": {
            path[c.id]: (c.color, c.description, c.inclusion, c.exclusion, c.example, c.is_theme)
            for c in p.codebook.all()
        },
        "code_order": [path[c.id] for c in p.codebook.all()],
        "codings": sorted((*coding_key(c), c.created)
                          for c in p.codings.values()),
        "cases": {
            c.name: (c.attributes, sorted(d.name for d in p.documents.of_case(c)))
            for c in p.cases.all()
        },
        "memos": sorted(
            (repr(target(m)), m.text, m.author, m.created, m.modified)
            for m in p.memos.values()
        ),
    }
