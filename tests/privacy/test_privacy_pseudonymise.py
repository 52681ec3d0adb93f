"""Pseudonymisation, redaction and purging the history: the core and the command line."""

from __future__ import annotations

import io
import json
import re
import stat
import uuid
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.privacy.pseudonymise import NameMap, parse_map, pseudonymise

MAP = (
    "original,replacement\n"
    "Aigerim Sadykova,Person A\n"
    "Aigerim,Person A\n"
    "Айгерим Садыкова,Персона А\n"
    "Айгерим,Персона А\n"
    "Айгериму,Персоне А\n"
    "Almaty,City X\n"
    "Qarlygash,Org Q\n"
)
ORIGINALS = ["Aigerim", "Sadykova", "Айгерим", "Айгериму", "Садыкова", "Almaty", "Qarlygash"]
TEXT = (
    "Interviewer: Tell me about Aigerim.\n"
    "Respondent 5: AIGERIM Sadykova met me in Almaty. Айгерим сказала, что айгерим Садыкова "
    "уехала.\n"
    "Respondent 5: Я написала Айгериму письмо. Qarlygash helped.\n"
)


@pytest.fixture(autouse=True)
def _privacy_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A configured coder name, and no terminal to ask on."""
    config = tmp_path / "config.toml"
    config.write_text('coder = "ann"\n', encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    monkeypatch.setattr("workbench.cli.output.interactive", lambda: False)


def names_map(text: str = MAP) -> NameMap:
    return parse_map(text.encode("utf-8"))


def sample(path: Path) -> Path:
    """A project holding the names in every place they can be."""
    project = Project.create(path, name="study")
    with project:
        doc = project.documents.add("Aigerim interview", TEXT, source="aigerim_interview.txt",
                                   case="Aigerim")
        project.cases.set("Aigerim", {"city": "Almaty", "pronouns": "she/her"})
        start = TEXT.index("AIGERIM Sadykova met")
        project.codings.add(doc, start, start + len("AIGERIM Sadykova met me"), "Networks", "ann")
        start = TEXT.index("Qarlygash helped")
        project.codings.add(doc, start, start + len("Qarlygash helped"), "Orgs/Qarlygash", "ann")
        start = TEXT.index("Я написала")
        project.codings.add(doc, start, start + len("Я написала"), "Writing", "ann")
        project.codings.add(doc, 0, 11, "Intro", "bob")
        code = project.codebook.find("Networks")
        project.codebook.describe(code, description="Friends like Aigerim bring people in")
        project.memos.add("document", doc.id, "Aigerim seemed nervous; Айгерим", "ann")
        project.memos.add("project", None, "Almaty is dangerous now", "ann")
    return path / "project.json"


def originals_in(text: str) -> list[str]:
    """Originals standing as words (case-insensitive) in ``text``."""
    pattern = names_map().pattern
    return [m.group() for m in pattern.finditer(text)]


def all_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*all_strings(k), *all_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in all_strings(v)]
    return []


def raw_hits(data: bytes) -> list[str]:
    """Originals found anywhere in raw bytes, as case-insensitive substrings (no word rule)."""
    folded = data.decode("utf-8", errors="replace").casefold()
    return [o for o in ORIGINALS if o.casefold() in folded]


# --------------------------------------------------------------------------- the map
def test_map_reads_bom_and_orders_longest_first() -> None:
    names = parse_map(("\ufeff" + MAP).encode("utf-8"))
    assert names.replace("Aigerim Sadykova and Aigerim")[0] == "Person A and Person A"
    assert names.replace("айгерим  САДЫКОВА")[0] == "Персона А"
    assert names.replace("Айгериму, Айгерим!")[0] == "Персоне А, Персона А!"
    assert names.replace("Aigerimova, xAigerim, Aigerim's, aigerim_interview")[0] == (
        "Aigerimova, xAigerim, Person A's, Person A_interview"
    )
    assert names.replace("Aigerim\nSadykova")[0] == "Person A\nSadykova"  # never across lines


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"name,pseudonym\nA,B\n", "header"),
        (b"original,replacement\n", "no names"),
        (b"original,replacement\nAigerim,\n", "row 2"),
        (b"original,replacement\nAigerim,X,extra\n", "two columns"),
        (b"original,replacement\nAigerim,X\naigerim,Y\n", "twice"),
        (b"original,replacement\nAigerim,Aigerim B\n", "would stay"),
        (b"original,replacement\n\xff\xfe\x00A,B\n", "UTF-8"),
        (b'original,replacement\n"Aigerim,X\n', "row"),
    ],
)
def test_bad_maps_are_refused(data: bytes, words: str) -> None:
    with pytest.raises(WorkbenchError, match=words):
        parse_map(data)


# --------------------------------------------------------------------------- the core
def test_pseudonymise_everywhere_as_one_step(tmp_path: Path, sound) -> None:
    path = sample(tmp_path / "study")
    with Project.open(path, write=True) as project:
        before = {c.id: (c.start, c.end, c.text) for c in project.codings.values()}
        steps = len(project.history.done)
        report = pseudonymise(project, names_map())
        sound(project)
        doc = project.documents.named("Person A interview")
        assert originals_in(doc.text) == []
        assert doc.source == "Person A_interview.txt"
        attributes = project.cases.named("Person A").attributes
        assert attributes == {"city": "City X", "pronouns": "she/her"}
        assert project.codebook.find("Orgs/Org Q")
        assert "Person A" in project.codebook.find("Networks").description
        assert {m.text for m in project.memos.all()} == {
            "Person A seemed nervous; Персона А", "City X is dangerous now"
        }
        assert report.documents == {"Person A interview": 7}
        assert (report.memos, report.cases, report.codes) == (3, 2, 2)
        assert not report.lost()
        # every coding covers the same words: the ones without a name are untouched
        for coding in project.codings.values():
            assert doc.text[coding.start : coding.end] == coding.text
        texts = {c.text for c in project.codings.values()}
        assert texts == {"Person A met me", "Org Q helped", "Я написала", "Interviewer"}
        assert len(project.history.done) == steps + 1
        project.undo()
        sound(project)
        assert project.documents.named("Aigerim interview").text == TEXT
        assert {c.id: (c.start, c.end, c.text) for c in
                project.codings.values()} == before
        assert project.cases.named("Aigerim").attributes["city"] == "Almaty"
        project.redo()
        assert originals_in(project.documents.named("Person A interview").text) == []


def test_dry_run_counts_and_changes_nothing(tmp_path: Path, cli) -> None:
    path = sample(tmp_path / "study")
    map_file = tmp_path / "map.csv"
    map_file.write_text(MAP, encoding="utf-8")
    raw = path.read_bytes()
    status, out, err = cli("pseudonymize", path, "--map", map_file, "--dry-run")
    assert status == 0, err
    assert "Person A interview: 7 replacements" in out and "dry run" in out
    assert path.read_bytes() == raw
    status, out, _ = cli("pseudonymize", path, "--map", map_file, "--dry-run", "--json")
    data = json.loads(out)
    assert data["dry_run"] and data["total"] == 7 + 3 + 2 + 2 + 2  # texts, memos, codes...
    assert path.read_bytes() == raw


def test_a_clash_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    path = sample(tmp_path / "study")
    with Project.open(path, write=True) as project:
        project.cases.set("Person A", {})
        with pytest.raises(WorkbenchError, match="would both be named"):
            pseudonymise(project, names_map())
        assert project.documents.named("Aigerim interview").text == TEXT
        assert not project.dirty or project.history.done[-1].label != "pseudonymise"


def test_a_coding_inside_a_name_grows_to_the_pseudonym(tmp_path: Path, sound) -> None:
    with Project.create(tmp_path / "p") as project:
        doc = project.documents.add("d", "we met Aigerim today")
        inner = project.codings.add(doc, 9, 12, "Part", "ann")  # "ger"
        tail = project.codings.add(doc, 10, 20, "Tail", "ann")  # "erim today"
        pseudonymise(project, names_map())
        sound(project)
        text = project.documents.named("d").text
        assert text == "we met Person A today"
        assert project.codings.find(inner.id).text == "Person A"
        assert project.codings.find(tail.id).text == "Person A today"


# --------------------------------------------------------------------------- property
LATIN = ["anger", "calling", "network", "Risk", "work", "and", "Ali", "Alibek", "Dana"]
CYRILLIC = ["привет", "злость", "Алматы", "Алмаш", "Дана", "Дане", "Даной", "сеть"]
NAME_POOL = ["Ali", "Dana", "Дана", "Дане", "Даной", "Алматы", "Aigerim Sadykova", "Алмаш"]
PSEUDONYMS = ["P1", "Person Two", "Участник", "Р-3", "***", "X"]


@st.composite
def study(draw):
    words = st.sampled_from(LATIN + CYRILLIC + ["Aigerim", "Sadykova", "DANA", "али", "😀"])
    lines = draw(st.lists(st.lists(words, max_size=10), min_size=1, max_size=5))
    seps = draw(st.lists(st.sampled_from([" ", ", ", ". ", " — "]), min_size=60, max_size=60))
    out = []
    for line in lines:
        parts = []
        for n, word in enumerate(line):
            parts.append(word + (seps[n] if n < len(line) - 1 else ""))
        out.append("".join(parts))
    text = "\n".join(out)
    originals = draw(st.lists(st.sampled_from(NAME_POOL), min_size=1, max_size=5, unique=True))
    pairs = [(o, draw(st.sampled_from(PSEUDONYMS))) for o in originals]
    spans = []
    if text:
        for _ in range(draw(st.integers(0, 8))):
            a = draw(st.integers(0, len(text) - 1))
            b = draw(st.integers(a + 1, min(len(text), a + 25)))
            spans.append((a, b))
    return text, pairs, spans


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(study())
def test_property_no_original_survives_and_codings_keep_their_words(tmp_path: Path, data) -> None:
    text, pairs, spans = data
    names = NameMap(pairs)
    with Project.create(tmp_path / uuid.uuid4().hex) as project:
        if not text.strip():
            return
        doc = project.documents.add("d", text)
        codings = []
        for n, (a, b) in enumerate(spans):
            codings.append(project.codings.add(doc, a, b, f"C{n % 3}", "ann"))
        matches = [(m.start(), m.end()) for m in names.pattern.finditer(text)]
        before = {c.id: c for c in project.codings.values()}
        steps = len(project.history.done)
        report = pseudonymise(project, names)
        assert len(project.history.done) == steps + (1 if matches else 0)
        doc = project.documents.named("d")
        assert names.pattern.search(doc.text) is None
        rep = report.codings.get("d")
        gone = {c.id for c in (rep.lost + rep.merged)} if rep else set()
        after = project.codings
        assert set(after) | gone == set(before)
        for cid, coding in after.items():
            assert doc.text[coding.start : coding.end] == coding.text
            old = before[cid]
            touched = any(s < old.end and old.start < e for s, e in matches)
            if not touched:
                assert coding.text == old.text
        if matches:
            project.undo()
        assert project.documents.named("d").text == text
        assert {c.id: c for c in project.codings.values()} == before
        if matches:
            project.redo()
        # the file, once the history is purged, holds no original in any of its strings (a
        # coding's text is a slice of the document, so a cut word may look like one alone)
        project.history.clear()
        data = json.loads(project.render())
        for rec in data["codings"].values():
            rec.pop("text")
        assert not [s for s in all_strings(data) if names.pattern.search(s)]


# --------------------------------------------------------------------------- command line
def test_cli_without_a_terminal_warns_and_keeps_history(tmp_path: Path, cli) -> None:
    path = sample(tmp_path / "study")
    map_file = tmp_path / "names-key.csv"
    map_file.write_text(MAP, encoding="utf-8-sig")
    status, out, err = cli("pseudonymize", path, "--map", map_file)
    assert status == 0, err
    assert "Aigerim interview" not in out and "Person A interview: 7 replacements" in out
    assert "warning:" in err and "purge-history" in err
    raw = path.read_bytes()
    assert b"names-key" not in raw and str(map_file).encode() not in raw
    assert raw_hits(raw)  # the history still holds them
    doc = json.loads(raw)["documents"]
    assert all(originals_in(s) == [] for s in all_strings(doc))
    assert cli("undo", path)[0] == 0
    assert "Aigerim interview" in cli("docs", path)[1]


@pytest.mark.parametrize("answer", ["y", "n"])
def test_cli_asks_on_a_terminal(tmp_path: Path, cli, monkeypatch, answer: str) -> None:
    path = sample(tmp_path / "study")
    map_file = tmp_path / "map.csv"
    map_file.write_text(MAP, encoding="utf-8")
    monkeypatch.setattr("workbench.cli.output.interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO(answer + "\n"))
    status, out, err = cli("pseudonymize", path, "--map", map_file)
    assert status == 0, err
    assert "purge history and backups so the originals are gone? [y/N]" in err
    raw = path.read_bytes()
    if answer == "y":
        assert "purged" in out and not raw_hits(raw)
        assert not list(path.parent.glob("project.json.bak-*"))
    else:
        assert raw_hits(raw) and "purge-history" in err


def test_cli_yes_leaves_no_original_in_the_file_backups_or_exports(tmp_path: Path, cli) -> None:
    path = sample(tmp_path / "study")
    assert cli("memo", path, "--on", "project", "--text", "more")[0] == 0  # a backup is taken
    map_file = tmp_path / "map.csv"
    map_file.write_text(MAP, encoding="utf-8")
    status, out, err = cli("pseudonymize", path, "--map", map_file, "--yes")
    assert status == 0, err
    assert "purged" in out and "warning" not in err
    folder = path.parent
    assert sorted(p.name for p in folder.iterdir()) == ["project.json"]
    raw = path.read_bytes()
    assert not raw_hits(raw)
    data = json.loads(raw)
    assert data["history"] == {}
    assert all(originals_in(s) == [] for s in all_strings(data))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for fmt in ("md", "html", "csv", "qdpx", "docx"):
        target = tmp_path / f"out.{fmt}"
        status, _, err = cli("export", path, "--format", fmt, "-o", target)
        assert status == 0, err
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        blobs = [target.read_bytes()]
        if fmt in ("qdpx", "docx"):
            with zipfile.ZipFile(target) as archive:
                blobs = [archive.read(n) for n in archive.namelist()]
        for blob in blobs:
            assert not raw_hits(blob), (fmt, raw_hits(blob))
    assert cli("undo", path)[1].strip() == "nothing to undo"


def test_cli_bad_map_is_one_error_line(tmp_path: Path, cli) -> None:
    path = sample(tmp_path / "study")
    bad = tmp_path / "bad.csv"
    bad.write_text("who,what\nA,B\n", encoding="utf-8")
    raw = path.read_bytes()
    for map_file in (bad, tmp_path / "missing.csv"):
        status, out, err = cli("pseudonymize", path, "--map", map_file)
        assert status == 2 and err.startswith("error:") and err.count("\n") == 1
    assert path.read_bytes() == raw


# --------------------------------------------------------------------------- redaction
def test_redact_moves_and_shrinks_codings_in_one_step(tmp_path: Path, sound) -> None:
    text = "She said Aigerim Sadykova was arrested in May."
    with Project.create(tmp_path / "p") as project:
        doc = project.documents.add("d", text)
        a = text.index("Aigerim")
        b = a + len("Aigerim Sadykova")
        around = project.codings.add(doc, 0, len(text), "All", "ann")
        inside = project.codings.add(doc, a, a + 7, "Name", "ann")
        over = project.codings.add(doc, a + 8, b + 4, "Over", "ann")
        after = project.codings.add(doc, b + 5, len(text), "Arrest", "ann")
        project.memos.add("coding", inside.id, "the name", "ann")
        report = project.documents.redact(doc, a, b)
        sound(project)
        new = project.documents.named("d").text
        assert new == "She said [redacted] was arrested in May."
        assert project.codings.find(around.id).text == new
        assert project.codings.find(inside.id).text == "[redacted]"
        assert project.codings.find(over.id).text == "[redacted] was"
        assert project.codings.find(after.id).text == "arrested in May."
        assert not report.lost
        project.undo()
        assert project.documents.named("d").text == text
        # an empty replacement loses what was only the name; the loss is reported
        report = project.documents.redact(project.documents.named("d"), a, b, "")
        assert [c.id for c in report.lost] == [inside.id]
        assert project.memos.about("document", doc.id)[0].text == "the name"
        with pytest.raises(WorkbenchError, match="not inside"):
            project.documents.redact(project.documents.named("d"), 5, 500)


def test_cli_redact(tmp_path: Path, cli) -> None:
    path = sample(tmp_path / "study")
    start = TEXT.index("Qarlygash")
    status, out, err = cli("redact", path, "Aigerim interview", start, start + 9, "--json")
    assert status == 0, err
    assert json.loads(out)["lost"] == []
    status, out, _ = cli("text", path, "Aigerim interview")
    assert "[redacted] helped" in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli("redact", path, "Aigerim interview", 5, 2)[0] == 2


# --------------------------------------------------------------------------- purge-history
def test_purge_history_removes_history_backups_and_leftovers(tmp_path: Path, cli) -> None:
    path = sample(tmp_path / "study")
    folder = path.parent
    assert cli("memo", path, "--on", "project", "--text", "a later memo")[0] == 0
    (folder / "project.json.bak-2").write_bytes(path.read_bytes())
    (folder / "project.json.broken-20240101T000000Z").write_bytes(b"{broken")
    (folder / ".project.json.99999.tmp").write_bytes(b"{half")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    status, out, err = cli("purge-history", path)
    assert status == 2 and "--yes" in err
    status, out, err = cli("purge-history", path, "--yes")
    assert status == 0, err
    assert "undo step" in out and "project.json.bak-1" in out and "broken" in out
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "project.json"]
    data = json.loads(path.read_bytes())
    assert data["history"] == {}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli("undo", path)[1].strip() == "nothing to undo"
    assert re.search(r"\b2 documents?\b|Aigerim interview", cli("docs", path)[1])
