"""Reports (SPEC §5) worked out by hand on a small study, plus properties against brute force."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.analysis import reports
from workbench.cli import main as cli_main
from workbench.core.project import Project
from workbench.errors import WorkbenchError

TEXT = "abcdefghijklmnopqrstuvwxyz0123"  # 30 code points


def build_study(path: Path) -> Project:
    """Three documents (import order D1, D2, D3), two cases, four codes.

    D1 "Interview 1" (Respondent 2: she/her, Almaty):
        Anger [0,10)  Anger [5,15)  Privilege [8,12)  Networks [15,20)
    D2 "Interview 2" (Respondent 10: he/him, no city):
        Anger [0,5)  Networks [3,8)  Networks [20,25)
    D3 "Field notes" (no case, 20 chars):
        Privilege [0,4)  Networks [2,6)  Motivations (the theme itself) [0,20)
    Codebook order: Motivations, Motivations/Anger, Motivations/Privilege, Networks.
    """
    project = Project.create(path, name="hand study")
    d1 = project.documents.add(
        "Interview 1", TEXT, case="Respondent 2",
        attributes={"pronouns": "she/her", "city": "Almaty"},
    )
    d2 = project.documents.add(
        "Interview 2", TEXT, case="Respondent 10", attributes={"pronouns": "he/him"}
    )
    d3 = project.documents.add("Field notes", TEXT[:20])
    project.codebook.add("Motivations", is_theme=True)
    project.codebook.ensure("Motivations/Anger")
    project.codebook.ensure("Motivations/Privilege")
    project.codebook.ensure("Networks")
    for doc, start, end, code in [
        (d1, 0, 10, "Motivations/Anger"),
        (d1, 5, 15, "Motivations/Anger"),
        (d1, 8, 12, "Motivations/Privilege"),
        (d1, 15, 20, "Networks"),
        (d2, 0, 5, "Motivations/Anger"),
        (d2, 3, 8, "Networks"),
        (d2, 20, 25, "Networks"),
        (d3, 0, 4, "Motivations/Privilege"),
        (d3, 2, 6, "Networks"),
        (d3, 0, 20, "Motivations"),
    ]:
        # the second Anger coding overlaps the first: another coder's, or the two would be one
        coder = "ben" if (doc, start) == (d1, 5) else "ann"
        project.codings.add(doc, start, end, code, coder)
    return project


@pytest.fixture
def study(tmp_path: Path):
    project = build_study(tmp_path / "study.json")
    yield project
    project.close()


# --------------------------------------------------------------------------- by hand
def test_frequencies_by_hand(study: Project) -> None:
    assert reports.frequencies(study) == [
        # the theme itself: one segment in the caseless field notes, 20 chars
        {"code": "Motivations", "segments": 1, "documents": 1, "cases": 0, "chars": 20},
        # D1 [0,10) u [5,15) = 15 distinct chars (not 20), D2 [0,5) = 5
        {"code": "Motivations/Anger", "segments": 3, "documents": 2, "cases": 2, "chars": 20},
        {"code": "Motivations/Privilege", "segments": 2, "documents": 2, "cases": 1, "chars": 8},
        {"code": "Networks", "segments": 4, "documents": 3, "cases": 2, "chars": 19},
    ]


def test_matrix_by_case_sorts_naturally_and_adds_none(study: Project) -> None:
    assert reports.matrix(study) == {
        "rows": ["Motivations", "Motivations/Anger", "Motivations/Privilege", "Networks"],
        "columns": ["Respondent 2", "Respondent 10", "(none)"],
        "cells": [[0, 0, 1], [2, 1, 0], [1, 0, 1], [1, 2, 1]],
    }


def test_matrix_by_attribute(study: Project) -> None:
    # Respondent 10 has no city: their segments join the caseless ones in (none)
    assert reports.matrix(study, by="city") == {
        "rows": ["Motivations", "Motivations/Anger", "Motivations/Privilege", "Networks"],
        "columns": ["Almaty", "(none)"],
        "cells": [[0, 1], [2, 1], [1, 1], [1, 3]],
    }
    assert reports.matrix(study, by="pronouns") == {
        "rows": ["Motivations", "Motivations/Anger", "Motivations/Privilege", "Networks"],
        "columns": ["he/him", "she/her", "(none)"],
        "cells": [[0, 0, 1], [1, 2, 0], [0, 1, 1], [2, 1, 1]],
    }


def test_matrix_without_caseless_segments_has_no_none_column(study: Project) -> None:
    d3 = study.documents.named("Field notes")
    study.documents.set_case(d3, "Respondent 3")
    grid = reports.matrix(study)
    assert grid["columns"] == ["Respondent 2", "Respondent 3", "Respondent 10"]
    assert grid["cells"][0] == [0, 1, 0]


def test_matrix_unknown_attribute_names_the_known_ones(study: Project) -> None:
    with pytest.raises(WorkbenchError) as err:
        reports.matrix(study, by="gender")
    assert "gender" in str(err.value)
    assert "city" in str(err.value) and "pronouns" in str(err.value)


def test_cooccurrence_by_hand(study: Project) -> None:
    assert reports.cooccurrence(study) == [
        # D1: [0,10) and [5,15) Anger each overlap Privilege [8,12); Networks [15,20) only
        # touches Anger [5,15) at 15, which is no overlap (half-open spans)
        {"a": "Motivations/Anger", "b": "Motivations/Privilege", "count": 2},
        # D3: the theme [0,20) overlaps Privilege and Networks
        {"a": "Motivations", "b": "Motivations/Privilege", "count": 1},
        {"a": "Motivations", "b": "Networks", "count": 1},
        # D2: Anger [0,5) and Networks [3,8)
        {"a": "Motivations/Anger", "b": "Networks", "count": 1},
        # D3: Privilege [0,4) and Networks [2,6)
        {"a": "Motivations/Privilege", "b": "Networks", "count": 1},
    ]


def test_matrix_cells_list_the_codings_they_count(study: Project) -> None:
    """Every cell of the matrix counts exactly the codings :func:`reports.matrix_cell` lists."""
    for by in ("case", "city", "pronouns"):
        grid = reports.matrix(study, by=by)
        columns = reports.matrix_columns(study, by)
        assert columns.values == [c for c in grid["columns"] if c != reports.NONE_COLUMN]
        for code, row in zip(study.codebook.all(), grid["cells"], strict=True):
            cells = [reports.matrix_cell(study, code, by, col) for col in range(len(row))]
            assert [len(c) for c in cells] == row
            whole = reports.matrix_cell(study, code, by, None)
            assert sorted(c.id for cell in cells for c in cell) == sorted(c.id for c in whole)
    field_notes = study.documents.named("Field notes")
    by_city = reports.matrix_columns(study, "city")
    assert by_city.of_document[field_notes.id] == by_city.none_index == 1
    with pytest.raises(WorkbenchError, match="gender"):
        reports.matrix_columns(study, "gender")


def test_overlapping_codings_by_hand(study: Project) -> None:
    """The segments behind a co-occurrence count: both codes' codings that overlap."""

    def spans(a: str, b: str) -> list[tuple[str, int, int, str]]:
        return [
            (study.documents[c.document].name, c.start, c.end, study.codebook.path(
                study.codebook[c.code]))
            for c in reports.overlapping_codings(study, a, b)
        ]

    assert spans("Motivations/Anger", "Motivations/Privilege") == [
        ("Interview 1", 0, 10, "Motivations/Anger"),
        ("Interview 1", 5, 15, "Motivations/Anger"),
        ("Interview 1", 8, 12, "Motivations/Privilege"),
    ]
    assert spans("Motivations/Anger", "Networks") == [
        ("Interview 2", 0, 5, "Motivations/Anger"), ("Interview 2", 3, 8, "Networks"),
    ]
    assert spans("Networks", "Motivations/Anger") == spans("Motivations/Anger", "Networks")
    assert spans("Motivations", "Nowhere") == []


def test_saturation_by_hand(study: Project) -> None:
    assert reports.saturation(study) == [
        {"document": "Interview 1", "new_codes": 3, "cumulative": 3},
        {"document": "Interview 2", "new_codes": 0, "cumulative": 3},
        {"document": "Field notes", "new_codes": 1, "cumulative": 4},
    ]


def test_reports_of_an_empty_project(tmp_path: Path) -> None:
    with Project.create(tmp_path / "empty.json") as project:
        assert reports.frequencies(project) == []
        assert reports.matrix(project) == {"rows": [], "columns": [], "cells": []}
        assert reports.cooccurrence(project) == []
        assert reports.saturation(project) == []


def test_counts_follow_undo(study: Project) -> None:
    coding = study.codings.add(study.documents.named("Interview 2"), 10, 12, "Networks", "ben")
    assert reports.frequencies(study)[-1]["segments"] == 5
    study.codings.remove(coding)
    assert reports.frequencies(study)[-1]["segments"] == 4


def test_natural_key() -> None:
    names = ["Respondent 10", "respondent 3", "Respondent 2", "Respondent 1a", "Respondent"]
    assert sorted(names, key=reports.natural_key) == [
        "Respondent", "Respondent 1a", "Respondent 2", "respondent 3", "Respondent 10"
    ]


# --------------------------------------------------------------------------- properties
def brute_pairs(spans: list[tuple[int, int, str]]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for (s1, e1, a), (s2, e2, b) in combinations(spans, 2):
        if a != b and max(s1, s2) < min(e1, e2):
            key = (min(a, b), max(a, b))
            out[key] = out.get(key, 0) + 1
    return out


span_lists = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 12), st.sampled_from("abcd")).map(
        lambda t: (t[0], t[0] + t[1], t[2])
    ),
    max_size=25,
)


@given(span_lists)
@settings(max_examples=300, deadline=None)
def test_count_overlaps_equals_all_pairs(spans: list[tuple[int, int, str]]) -> None:
    assert dict(reports.count_overlaps(spans)) == brute_pairs(spans)


@given(span_lists)
@settings(max_examples=300, deadline=None)
def test_overlapping_pairs_are_every_overlapping_pair_once(
    spans: list[tuple[int, int, str]]
) -> None:
    numbered = [(start, end, (i, label)) for i, (start, end, label) in enumerate(spans)]
    found = [frozenset(pair) for pair in reports.overlapping_pairs(numbered)]
    expected = [
        frozenset((x[2], y[2])) for x, y in combinations(numbered, 2)
        if max(x[0], y[0]) < min(x[1], y[1])
    ]
    assert sorted(found, key=sorted) == sorted(expected, key=sorted)
    for first, second in reports.overlapping_pairs(numbered):
        assert spans[first[0]][0] <= spans[second[0]][0]


@given(
    st.lists(
        st.tuples(st.sampled_from("ab"), st.integers(0, 50), st.integers(0, 15)), max_size=20
    )
)
@settings(max_examples=300, deadline=None)
def test_coverage_equals_covered_positions(raw: list[tuple[str, int, int]]) -> None:
    spans = sorted((doc, s, s + n) for doc, s, n in raw)
    documents, chars = reports.coverage(spans)
    assert documents == {doc for doc, _, _ in spans}
    assert chars == len({(doc, i) for doc, s, e in spans for i in range(s, e)})


codings_strategy = st.lists(
    st.tuples(
        st.integers(0, 2),  # document
        st.integers(0, 25),  # start
        st.integers(1, 10),  # length
        st.sampled_from(["A", "A/x", "B", "C"]),
        st.sampled_from(["ann", "ben"]),
    ),
    max_size=25,
)


@given(codings_strategy)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_project_reports_against_brute_force(codings: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as folder, Project.create(Path(folder) / "p.json") as p:
        docs = [
            p.documents.add(f"D{i}", "x" * 40, case=f"R{i}" if i else None) for i in range(3)
        ]
        for doc_i, start, length, code, coder in codings:
            p.codings.add(docs[doc_i], start, start + length, code, coder)
        all_codings = list(p.codings.values())
        path = {c.id: p.codebook.path(c) for c in p.codebook.all()}

        expected_pairs: dict[tuple[str, str], int] = {}
        for x, y in combinations(all_codings, 2):
            if x.document == y.document and x.code != y.code and max(x.start, y.start) < min(
                x.end, y.end
            ):
                key = tuple(sorted((path[x.code], path[y.code])))
                expected_pairs[key] = expected_pairs.get(key, 0) + 1
        got = {(r["a"], r["b"]): r["count"] for r in reports.cooccurrence(p)}
        assert got == expected_pairs
        counts = [r["count"] for r in reports.cooccurrence(p)]
        assert counts == sorted(counts, reverse=True)

        for row in reports.frequencies(p):
            mine = [c for c in all_codings if path[c.code] == row["code"]]
            covered = {(c.document, i) for c in mine for i in range(c.start, c.end)}
            assert row["chars"] == len(covered)
            assert row["segments"] == len(mine)
            assert row["documents"] == len({c.document for c in mine})

        grid = reports.matrix(p)
        assert sum(map(sum, grid["cells"])) == len(all_codings)

        for a, b in combinations(sorted(set(path.values())), 2):
            expected = {
                z.id for x, y in combinations(all_codings, 2)
                if x.document == y.document and {path[x.code], path[y.code]} == {a, b}
                and max(x.start, y.start) < min(x.end, y.end)
                for z in (x, y)
            }
            assert {c.id for c in reports.overlapping_codings(p, a, b)} == expected


# --------------------------------------------------------------------------- speed
def test_reports_scale_with_codings_not_codes_times_codings(tmp_path: Path) -> None:
    """2,000 codings over 100 codes: each report stays far from quadratic time."""
    import random
    import time

    rng = random.Random(3)
    with Project.create(tmp_path / "big.json") as p:
        with p.change("bulk"):
            docs = [
                p.documents.add(f"doc {i}", "word " * 2000, case=f"Respondent {i}",
                               attributes={"city": rng.choice(["Almaty", "Astana"])})
                for i in range(20)
            ]
            codes = [p.codebook.ensure(f"Theme {i % 10}/Code {i}") for i in range(100)]
            for _ in range(2000):
                start = rng.randrange(0, 9900)
                p.codings.add(rng.choice(docs), start, start + rng.randint(1, 80),
                            rng.choice(codes), "ann")
        for kind in reports.KINDS:
            began = time.perf_counter()
            reports.run(p, kind)
            assert time.perf_counter() - began < 1.0, kind


# --------------------------------------------------------------------------- the command
def run_cli(argv: list[str]) -> int:
    """The command line without its error contract: errors are raised."""
    return cli_main.run(argv)


@pytest.fixture
def saved_study(tmp_path: Path) -> Path:
    path = tmp_path / "study.json"
    build_study(path).close()
    return path


@pytest.mark.parametrize("kind", reports.KINDS)
def test_report_json_is_one_value_equal_to_the_function(
    saved_study: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["report", str(saved_study), kind, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == reports.run(Project.open(saved_study), kind)


def test_report_matrix_by_attribute_and_csv(
    saved_study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["report", str(saved_study), "matrix", "--by", "city", "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["code", "Almaty", "(none)"]
    assert rows[2] == ["Motivations/Anger", "2", "1"]
    assert run_cli(["report", str(saved_study), "frequencies", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[3] == {"code": "Networks", "segments": "4", "documents": "3", "cases": "2",
                       "chars": "19"}


@pytest.mark.parametrize("kind", reports.KINDS)
def test_report_readable_tables(
    saved_study: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["report", str(saved_study), kind]) == 0
    text = capsys.readouterr().out
    assert "Networks" in text or "Interview 1" in text
    if kind == "frequencies":
        assert "█" in text
    if kind == "matrix":
        assert "Respondent 10" in text and "(none)" in text


def test_report_errors(saved_study: Path) -> None:
    with pytest.raises(WorkbenchError, match="city, pronouns"):
        run_cli(["report", str(saved_study), "matrix", "--by", "gender"])
    with pytest.raises(WorkbenchError, match="--by"):
        run_cli(["report", str(saved_study), "frequencies", "--by", "city"])


def test_report_reads_while_another_process_writes(saved_study: Path, capsys) -> None:
    with Project.open(saved_study, write=True):
        assert run_cli(["report", str(saved_study), "saturation", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[-1]["cumulative"] == 4
