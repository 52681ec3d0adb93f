"""The fast reader (store/reader.py): reading a project line by line gives exactly what reading
it whole gives, documents read their text only when used, an unchanged record is written back
byte for byte, and any file without the written layout is read whole (or refused) as before."""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.model import DeferredDocument, Paragraph, paragraph_record, to_record
from workbench.core.project import Project
from workbench.errors import ProjectUnreadable
from workbench.store import fileformat, reader

TEXT = 'Interviewer: "Почему?"\nRespondent 3: Anger 😀 at the state, in Алматы.\\n\n'


def everything(project: Project) -> dict:
    """Every record, the history and the meta of an open project, as plain data."""
    return {
        "tables": {
            table: {rid: to_record(obj) for rid, obj in records.items()}
            for table, records in project.state.tables.items()
        },
        "history": [entry.to_record() for entry in project.history.entries],
        "meta": project.state.meta,
    }


def read_whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """What the project holds when read as one JSON document (the fast reader switched off)."""
    with monkeypatch.context() as m:
        m.setattr(reader, "split_file", lambda raw, **_: None)
        return everything(Project.open(path))


def build(path: Path, seed: int, apply_random_op, steps: int = 25) -> bytes:
    rng = random.Random(seed)
    project = Project.create(path)
    for _ in range(steps):
        apply_random_op(project, rng)
    project.save()
    project.close()
    return path.read_bytes()


@pytest.mark.parametrize("seed", range(6))
def test_reading_by_lines_equals_reading_whole(tmp_path, monkeypatch, apply_random_op, seed):
    path = tmp_path / "p.json"
    raw = build(path, seed, apply_random_op)
    assert reader.split_file(raw) is not None  # our own files have the layout
    fast = Project.open(path)
    assert everything(fast) == read_whole(path, monkeypatch)
    assert fast.render() == raw  # read-only: records serialised anew, to the same bytes
    with Project.open(path, write=True) as writer:
        assert writer.state._lines["codings"] or not writer.state.tables["codings"]
        assert writer.render() == raw  # a writer keeps every line as it was


def test_documents_read_their_text_only_when_used(tmp_path):
    path = tmp_path / "p.json"
    with Project.create(path) as project:
        project.documents.add("r1", TEXT, case="Respondent 3")
        project.documents.add("r2", "second\ntext")
    project = Project.open(path)
    docs = {d.name: d for d in project.documents.all()}
    assert all(isinstance(d, DeferredDocument) and not d.loaded for d in docs.values())
    assert docs["r1"].case is not None and docs["r1"].order == 1  # the head is read at once
    assert not docs["r1"].loaded
    assert docs["r1"].text == TEXT  # quotes, backslashes and line breaks come back intact
    assert docs["r1"].loaded and not docs["r2"].loaded
    assert [(p.start, p.end) for p in docs["r2"].paragraphs] == [(0, 6), (7, 11)]


def test_an_unchanged_document_is_saved_without_being_read(tmp_path):
    path = tmp_path / "p.json"
    with Project.create(path) as project:
        doc = project.documents.add("r1", TEXT)
        project.documents.add("r2", "second\ntext")
        project.codings.add(doc, 0, 11, "Why", "ann")
    before = path.read_bytes()
    project = Project.open(path, write=True)
    project.memos.add("project", None, "a memo", "ann")
    project.save()
    assert not any(d.loaded for d in project.documents.all())
    after = path.read_bytes()
    assert before.split(b"\n")[:6] == after.split(b"\n")[:6]  # the documents' lines as they were
    project.undo()  # the undo history came back from the file's lines too
    project.close()
    assert not Project.open(path).memos.all()


def test_a_changed_document_is_written_anew(tmp_path):
    path = tmp_path / "p.json"
    with Project.create(path) as project:
        project.documents.add("r1", TEXT)
    project = Project.open(path, write=True)
    doc = project.documents.named("r1")
    project.documents.rename(doc, "renamed")
    project.close()
    reopened = Project.open(path)
    assert reopened.documents.named("renamed").text == TEXT


@pytest.mark.parametrize(
    "damage",
    [
        "indented",  # the same data, laid out by another tool
        "wrong_key",  # a record filed under another id than its own
        "escaped_key",  # an id with a JSON escape in it
        "one_line",  # everything on one line
        "repeated_id",
    ],
)
def test_files_without_the_layout_are_read_whole(tmp_path, damage):
    path = tmp_path / "p.json"
    with Project.create(path) as project:
        doc = project.documents.add("r1", TEXT, case="R3")
        project.codings.add(doc, 0, 11, "Why", "ann")
    expected = everything(Project.open(path))
    data = json.loads(path.read_bytes())
    raw = path.read_bytes()
    if damage == "indented":
        raw = json.dumps(data, indent=2, ensure_ascii=False).encode()
    elif damage == "one_line":
        raw = json.dumps(data).encode()
    elif damage == "wrong_key":
        coding_id = next(iter(data["codings"]))
        raw = raw.replace(f'"{coding_id}": {{'.encode(), b'"not-its-id": {')
    elif damage == "escaped_key":
        code_id = next(iter(data["codes"]))
        escaped = code_id[:-1] + f"\\u{ord(code_id[-1]):04x}"
        raw = raw.replace(f'"{code_id}": {{'.encode(), f'"{escaped}": {{'.encode())
    elif damage == "repeated_id":
        line = next(ln for ln in raw.split(b"\n") if b'"Why"' in ln)
        raw = raw.replace(line, line + b",\n" + line.rstrip(b","))
    path.write_bytes(raw)
    if damage == "wrong_key":
        # read whole, the record keeps its own id (as before the fast reader)
        assert everything(Project.open(path))["tables"]["codings"] == expected["tables"]["codings"]
    else:
        assert everything(Project.open(path)) == expected


def test_a_damaged_document_is_refused_when_read(tmp_path):
    path = tmp_path / "p.json"
    with Project.create(path) as project:
        project.documents.add("r1", "fine text")
        project.documents.add("r2", "text that the disk will damage")
    raw = path.read_bytes().replace(b"the disk will damage", b'the disk "will damage')
    path.write_bytes(raw)
    project = Project.open(path)  # the heads are fine: it opens
    assert project.documents.named("r1").text == "fine text"
    with pytest.raises(ProjectUnreadable, match="'r2'.*damaged"):
        _ = project.documents.named("r2").text
    # a command gets one error line and status 2, and the file is left as it was
    run = subprocess.run(
        [sys.executable, "-m", "workbench", "text", str(path), "r2"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("error:") and "Traceback" not in run.stderr
    assert path.read_bytes() == raw


def test_a_cut_file_is_read_whole_and_refused(tmp_path):
    path = tmp_path / "p.json"
    with Project.create(path) as project:
        project.documents.add("r1", TEXT)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    assert reader.split_file(path.read_bytes()) is None
    with pytest.raises(ProjectUnreadable, match="not valid JSON"):
        Project.open(path)


#: Pieces of text that look like the file's own structure.
AWKWARD = st.lists(
    st.sampled_from(
        [*'ab \n\\"{}[],:', '"paragraphs": [', ', "text": "', '": {', ",\n  }", "😀", "é"]
    ),
    max_size=12,
).map("".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(AWKWARD.filter(str.strip), min_size=1, max_size=4), name=AWKWARD)
def test_any_text_and_names_read_back_the_same(tmp_path_factory, monkeypatch, texts, name):
    path = tmp_path_factory.mktemp("awkward") / "p.json"
    label = " ".join(name.split()) or "x"
    with Project.create(path) as project:
        for n, text in enumerate(texts):
            doc = project.documents.add(f"{label} {n}", text, case=label)
            if doc.text:
                project.codings.add(doc, 0, len(doc.text), label.replace("/", "-"), "ann")
    raw = path.read_bytes()
    fast = Project.open(path)
    assert everything(fast) == read_whole(path, monkeypatch)
    assert fast.render() == raw


@given(
    st.builds(
        Paragraph,
        st.integers(0, 10**6),
        st.integers(0, 10**6),
        st.none() | st.text(max_size=5),
        st.none() | st.just("00:00:01.000"),
        st.none() | st.just("00:00:02.500"),
    )
)
def test_a_paragraph_is_stored_with_its_set_fields(paragraph):
    expected = {k: v for k, v in dataclasses.asdict(paragraph).items() if v is not None}
    assert paragraph_record(paragraph) == expected


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(record_id=st.text(), record=st.dictionaries(st.text(), JSON_VALUES, max_size=8))
def test_a_record_line_is_what_json_writes(record_id, record):
    body = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    expected = f"    {json.dumps(record_id, ensure_ascii=False)}: {body}".encode()
    assert fileformat.dump_entry(record_id, record) == expected
