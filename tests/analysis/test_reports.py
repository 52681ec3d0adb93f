"""Reports worked out by hand on a small study, plus properties against brute force."""

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
from workbench.cli.registrar import UsageError
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
    own = [
        # the theme itself: one segment in the caseless field notes, 20 chars
        {"code": "Motivations", "segments": 1, "documents": 1, "cases": 0, "chars": 20},
        # D1 [0,10) u [5,15) = 15 distinct chars (not 20), D2 [0,5) = 5
        {"code": "Motivations/Anger", "segments": 3, "documents": 2, "cases": 2, "chars": 20},
        {"code": "Motivations/Privilege", "segments": 2, "documents": 2, "cases": 1, "chars": 8},
        {"code": "Networks", "segments": 4, "documents": 3, "cases": 2, "chars": 19},
    ]
    rows = reports.frequencies(study)
    assert [{k: v for k, v in r.items() if k != "with_children"} for r in rows] == own
    # the theme with its codes: 1 + 3 + 2 segments in D1, D2 and D3 (each counted once), two
    # cases; D1 [0,15) + D2 [0,5) + D3 [0,20) (Privilege [0,4) lies inside the theme's span)
    assert rows[0]["with_children"] == {"segments": 6, "documents": 3, "cases": 2, "chars": 40}
    # a code without children counts the same with them
    for row in rows[1:]:
        assert row["with_children"] == {k: row[k] for k in ("segments", "documents", "cases",
                                                              "chars")}


def test_matrix_by_case_sorts_naturally_and_adds_none(study: Project) -> None:
    assert reports.matrix(study) == {
        "rows": ["Motivations", "Motivations/Anger", "Motivations/Privilege", "Networks"],
        "columns": ["Respondent 2", "Respondent 10", "(none)"],
        "cells": [[0, 0, 1], [2, 1, 0], [1, 0, 1], [1, 2, 1]],
        "column_cases": [1, 1, 0],
    }


def test_matrix_by_attribute(study: Project) -> None:
    # Respondent 10 has no city: their segments join the caseless ones in (none)
    assert reports.matrix(study, by="city") == {
        "rows": ["Motivations", "Motivations/Anger", "Motivations/Privilege", "Networks"],
        "columns": ["Almaty", "(none)"],
        "cells": [[0, 1], [2, 1], [1, 1], [1, 3]],
        "column_cases": [1, 1],  # Respondent 10 has no city
    }
    assert reports.matrix(study, by="pronouns") == {
        "rows": ["Motivations", "Motivations/Anger", "Motivations/Privilege", "Networks"],
        "columns": ["he/him", "she/her", "(none)"],
        "cells": [[0, 0, 1], [1, 2, 0], [0, 1, 1], [2, 1, 1]],
        "column_cases": [1, 1, 0],
    }


def test_matrix_counts_cases_and_rolls_up(study: Project) -> None:
    study.cases.set("Respondent 4", {"pronouns": "she/her"})  # a case with no documents yet
    grid = reports.matrix(study, by="pronouns", count="cases")
    assert grid["columns"] == ["he/him", "she/her", "(none)"]
    assert grid["column_cases"] == [1, 2, 0]
    # Anger: two segments of Respondent 2 are one case; the field notes have no case at all
    assert grid["cells"] == [[0, 0, 0], [1, 1, 0], [0, 1, 0], [1, 1, 0]]
    rolled = reports.matrix(study, by="pronouns", rollup=True)
    # Motivations with Anger and Privilege: 0+1+0, 0+2+1, 1+0+1
    assert rolled["cells"][0] == [1, 3, 2]
    assert rolled["cells"][1:] == reports.matrix(study, by="pronouns")["cells"][1:]
    both = reports.matrix(study, by="pronouns", count="cases", rollup=True)
    assert both["cells"][0] == [1, 1, 0]
    with pytest.raises(WorkbenchError, match="segments or cases"):
        reports.matrix(study, count="words")


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
        assert reports.matrix(project) == {
            "rows": [], "columns": [], "cells": [], "column_cases": []
        }
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


tree_codings = st.lists(
    st.tuples(
        st.integers(0, 3),  # document
        st.integers(0, 25),  # start
        st.integers(1, 10),  # length
        st.sampled_from(["A", "A/x", "A/x/y", "A/w", "B", "B/z"]),
        st.sampled_from(["ann", "ben"]),
    ),
    max_size=30,
)


@given(tree_codings, st.sampled_from(["case", "g"]))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_with_children_and_rollup_against_brute_force(codings: list[tuple], by: str) -> None:
    """Counts of a code with its descendants equal counting every coding under its path."""
    with tempfile.TemporaryDirectory() as folder, Project.create(Path(folder) / "p.json") as p:
        # D0 has no case; D1 and D3 belong to one case (counted once); R3 has no attribute g
        docs = [
            p.documents.add("D0", "x" * 40),
            p.documents.add("D1", "x" * 40, case="R1", attributes={"g": "a"}),
            p.documents.add("D2", "x" * 40, case="R2", attributes={"g": "b"}),
            p.documents.add("D3", "x" * 40, case="R1"),
        ]
        p.cases.set("R3", {})
        p.documents.set_case(docs[0], None)
        for doc_i, start, length, code, coder in codings:
            p.codings.add(docs[doc_i], start, start + length, code, coder)
        everything = list(p.codings.values())
        path = {c.id: p.codebook.path(c) for c in p.codebook.all()}
        case_of = {d.id: d.case for d in p.documents.values()}

        def under(prefix: str) -> list:
            return [c for c in everything
                    if path[c.code] == prefix or path[c.code].startswith(prefix + "/")]

        def counted(codings: list) -> dict:
            covered = {(c.document, i) for c in codings for i in range(c.start, c.end)}
            return {
                "segments": len(codings),
                "documents": len({c.document for c in codings}),
                "cases": len({case_of[c.document] for c in codings} - {None}),
                "chars": len(covered),
            }

        for row in reports.frequencies(p):
            assert row["with_children"] == counted(under(row["code"]))
            own = [c for c in everything if path[c.code] == row["code"]]
            assert {k: row[k] for k in ("segments", "documents", "cases", "chars")} == (
                counted(own))

        def column(doc_id: str) -> str:
            case = p.cases.get(case_of[doc_id])
            if case is None:
                return reports.NONE_COLUMN
            value = case.name if by == "case" else case.attributes.get(by)
            return reports.NONE_COLUMN if value is None else value

        for count in reports.MATRIX_COUNTS:
            for rollup in (False, True):
                grid = reports.matrix(p, by=by, count=count, rollup=rollup)
                for code_path, cells in zip(grid["rows"], grid["cells"], strict=True):
                    mine = under(code_path) if rollup else [
                        c for c in everything if path[c.code] == code_path
                    ]
                    for name, n in zip(grid["columns"], cells, strict=True):
                        here = [c for c in mine if column(c.document) == name]
                        expected = len(here) if count == "segments" else len(
                            {case_of[c.document] for c in here} - {None}
                        )
                        assert n == expected, (code_path, name, count, rollup)
                for name, n in zip(grid["columns"], grid["column_cases"], strict=True):
                    holders = [c for c in p.cases.values() if (
                        c.name if by == "case" else c.attributes.get(by, reports.NONE_COLUMN)
                    ) == name]
                    assert n == len(holders)
                used = {column(c.document) for c in everything}
                assert set(grid["columns"]) == (
                    {c.name if by == "case" else c.attributes[by] for c in p.cases.values()
                     if by == "case" or by in c.attributes} | (used & {reports.NONE_COLUMN})
                )


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


def test_report_options_belong_to_the_matrix(saved_study: Path) -> None:
    for flags in (["--count", "cases"], ["--rollup"]):
        with pytest.raises(WorkbenchError, match="matrix"):
            run_cli(["report", str(saved_study), "frequencies", *flags])
    with pytest.raises(UsageError, match="--count"):
        run_cli(["report", str(saved_study), "matrix", "--count", "words"])


def test_report_matrix_count_and_rollup_on_the_command_line(
    saved_study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["report", str(saved_study), "matrix", "--by", "pronouns", "--count", "cases",
                    "--rollup", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == reports.matrix(Project.open(saved_study), by="pronouns", count="cases",
                                     rollup=True)
    assert run_cli(["report", str(saved_study), "matrix", "--by", "pronouns"]) == 0
    text = capsys.readouterr().out
    assert "he/him (n=1)" in text and "she/her (n=1)" in text and "(none) (n=0)" in text
    assert run_cli(["report", str(saved_study), "matrix", "--count", "cases", "--rollup"]) == 0
    text = capsys.readouterr().out
    assert "cases: code x case, with the codes below" in text
    assert "(n=" not in text  # a column per case: each is one case


# --------------------------------------------------------------------------- 80 columns
def test_shorten_in_the_middle() -> None:
    from rich.cells import cell_len

    from workbench.printable import shorten, shorten_path

    assert shorten_path("Social networks and family/Friends", 24) == "Social networks…/Friends"
    assert shorten_path("Motivations/Anger", 40) == "Motivations/Anger"
    assert shorten_path("A very long theme name/Short", 9) == "…/Short"
    assert shorten_path("Theme/An extraordinarily long code name", 16) == "…/An extr…e name"
    assert shorten_path("Theme/An extraordinarily long code name", 8) == "An e…ame"
    assert shorten("Respondent 10", 9) == "Resp…t 10"
    for text in ("Социальные сети/Друзья и знакомые", "社会网络/朋友和熟人", "a/b/c"):
        for width in range(1, 40):
            assert cell_len(shorten_path(text, width)) <= width


def long_study(path: Path) -> Project:
    """Long code paths and twelve cases: more than an 80-column terminal holds at once."""
    project = Project.create(path, name="wide")
    for i in range(12):
        doc = project.documents.add(
            f"Interview {i}", TEXT, case=f"Respondent {i + 1}",
            attributes={"gender identity": "woman" if i % 3 else "man"},
        )
        for code in ("Social networks as an entryway/Friends and acquaintances",
                     "Social networks as an entryway/Online communities and chats",
                     "Social networks as an entryway"):
            project.codings.add(doc, i, i + 5, code, "ann")
    project.save()
    return project


def test_frequencies_and_matrix_fit_80_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")
    path = tmp_path / "wide.json"
    long_study(path).close()
    assert run_cli(["report", str(path), "frequencies"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), lines
    assert "(all)" in lines[0]
    # the code's own name is kept whole; the theme above it is shortened in the middle
    friends = next(line for line in lines if "/Friends and acquaintances" in line)
    assert "…/Friends and acquaintances" in friends
    assert friends.split()[-7:] == ["12", "12", "12", "12", "12", "12", "60"]
    theme = lines[1].split()
    assert theme[-7:-3] == ["12", "36", "12", "12"]  # own and with its two codes
    assert run_cli(["report", str(path), "matrix"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), lines
    headers = [line for line in lines if line.startswith("code ")]
    assert len(headers) > 1  # the columns come in bands, each with the code column
    shown = " ".join(headers)
    assert all(f"Respondent {i}" in shown for i in range(1, 13))
    assert lines[0].endswith(f"(columns 1-{headers[0].count('Respondent')} of 12)")
    assert run_cli(["report", str(path), "matrix", "--by", "gender identity"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len([line for line in lines if line.startswith("code ")]) == 1  # it fits: one band
    assert "man (n=4)" in lines[1] and "woman (n=8)" in lines[1]
    assert all(cell_len(line) <= 80 for line in lines), lines


def test_codes_table_shows_own_and_all_counts(
    saved_study: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.cli import output

    monkeypatch.setenv("COLUMNS", "100")
    output.print_codes(Project.open(saved_study))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:7] == ["code", "codings", "(all)", "docs", "(all)", "cases",
                                    "(all)"]
    theme = lines[1].split()
    assert theme[:2] == ["Motivations", "[theme]"] and theme[2:8] == ["1", "6", "1", "3", "0",
                                                                       "2"]
    assert lines[-1].startswith("(all): the code with every code below it")
