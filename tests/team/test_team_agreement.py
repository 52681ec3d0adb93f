"""Agreement between coders: values worked out by hand, brute force, the krippendorff package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.project import Project
from workbench.team.agreement import (
    Counts,
    agreement,
    cohen_kappa,
    covered,
    krippendorff_alpha,
    merge_spans,
    overlap,
    subtract,
)

TEXT = "abcdefghij"  # two documents of 10 characters each: 20 character units per code


@pytest.fixture
def tiny(tmp_path: Path, cli) -> Path:
    """ann: X on d1 [0,4) then [2,6) (one coding, extended to [0,6)), Y on d2 [0,5).
    bob: X on d1 [4,8), Y on d2 [0,5). carl: Z on d1. Unused: a code nobody applied."""
    for name in ("d1", "d2"):
        (tmp_path / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / "p"
    assert cli("init", path)[0] == 0
    assert cli("import", path, tmp_path / "d1.txt", tmp_path / "d2.txt")[0] == 0
    for doc, start, end, code, coder in [
        ("d1", 0, 4, "X", "ann"), ("d1", 2, 6, "X", "ann"), ("d2", 0, 5, "Y", "ann"),
        ("d1", 4, 8, "X", "bob"), ("d2", 0, 5, "Y", "bob"), ("d1", 0, 10, "Z", "carl"),
    ]:
        status, _, err = cli("code", path, doc, start, end, code, "--coder", coder)
        assert status == 0, err
    assert cli("codebook", path, "add", "Unused")[0] == 0
    return path


def test_values_worked_out_by_hand(tiny: Path, cli) -> None:
    status, out, err = cli("agree", tiny, "--coders", "ann", "bob", "--json")
    assert status == 0, err
    result = json.loads(out)
    codes = {c["code"]: c for c in result["codes"]}
    assert list(codes) == ["X", "Y"]  # codes either coder used, codebook order; not Z, Unused
    # X: A covers 6 characters, B 4, both 2, only A 4, only B 2, neither 20 - 8 = 12.
    # agreement (2 + 12) / 20 = 0.7; p_A = 0.3, p_B = 0.2, p_e = 0.06 + 0.56 = 0.62,
    # kappa = (0.7 - 0.62) / (1 - 0.62) = 0.08 / 0.38 = 4/19
    assert codes["X"] == {
        "code": "X", "kappa": pytest.approx(4 / 19), "agreement": pytest.approx(0.7),
        "a_chars": 6, "b_chars": 4,
    }
    # Y: both coded the same 5 characters: agreement 1, kappa 1
    assert codes["Y"]["kappa"] == pytest.approx(1.0)
    assert codes["Y"]["agreement"] == pytest.approx(1.0)
    assert (codes["Y"]["a_chars"], codes["Y"]["b_chars"]) == (5, 5)
    # overall over 40 units: both 7, only A 4, only B 2, neither 27.
    # mean kappa (4/19 + 1) / 2 = 23/38; agreement 34/40 = 0.85;
    # alpha: n = 80, n_1 = 2*7 + 6 = 20, n_0 = 60, o_01 = 6: 1 - 79 * 6 / (60 * 20) = 0.605
    assert result["overall"] == {
        "kappa": pytest.approx(23 / 38), "agreement": pytest.approx(0.85),
        "alpha": pytest.approx(0.605),
    }


def test_code_option_and_undefined_kappa_is_null(tiny: Path, cli) -> None:
    status, out, _ = cli("agree", tiny, "--coders", "ann", "bob", "--code", "Unused", "--json")
    assert status == 0
    result = json.loads(out)
    assert result["codes"] == [
        {"code": "Unused", "kappa": None, "agreement": 1.0, "a_chars": 0, "b_chars": 0}
    ]
    assert result["overall"] == {"kappa": None, "agreement": None, "alpha": None}
    status, out, _ = cli("agree", tiny, "--coders", "bob", "ann", "--code", "X", "--json")
    assert [c["code"] for c in json.loads(out)["codes"]] == ["X"]
    assert json.loads(out)["overall"]["kappa"] == pytest.approx(4 / 19)


def test_unknown_coder_names_the_coders_that_exist(tiny: Path, cli) -> None:
    status, out, err = cli("agree", tiny, "--coders", "ann", "zoe", "--json")
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "'zoe'" in err and "ann, bob, carl" in err
    status, _, err = cli("agree", tiny, "--coders", "ann", "ann")
    assert status == 2 and "two different coders" in err
    status, _, err = cli("agree", tiny, "--coders", "ann", "bob", "--code", "Nope")
    assert status == 2 and err.startswith("error: no code")


def test_readable_table_and_disagreements(tiny: Path, cli) -> None:
    status, out, _ = cli("agree", tiny, "--coders", "ann", "bob")
    assert status == 0
    assert "0.211" in out and "0.605" in out and "Krippendorff" in out
    status, out, _ = cli("disagreements", tiny, "--coders", "ann", "bob", "--json")
    assert status == 0
    assert json.loads(out) == [
        {"document": "d1", "code": "X", "start": 0, "end": 4, "coded_by": "ann",
         "missed_by": "bob", "text": "abcd"},
        {"document": "d1", "code": "X", "start": 6, "end": 8, "coded_by": "bob",
         "missed_by": "ann", "text": "gh"},
    ]
    status, out, _ = cli("disagreements", tiny, "--coders", "ann", "bob")
    assert "coded by ann, not by bob" in out and "2 disagreements" in out


def test_coders_lists_coding_counts(tiny: Path, cli) -> None:
    status, out, _ = cli("coders", tiny, "--json")
    assert status == 0
    assert json.loads(out) == [
        {"coder": "ann", "codings": 2, "codes": 2, "documents": 2},  # [2,6) extended [0,4)
        {"coder": "bob", "codings": 2, "codes": 2, "documents": 2},
        {"coder": "carl", "codings": 1, "codes": 1, "documents": 1},
    ]
    status, out, _ = cli("coders", tiny)
    assert status == 0 and "carl" in out


# --------------------------------------------------------------------------- property tests
def _brute(spans_a, spans_b, size):
    a = [0] * size
    b = [0] * size
    for s, e in spans_a:
        a[s:e] = [1] * (e - s)
    for s, e in spans_b:
        b[s:e] = [1] * (e - s)
    return a, b


spans = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 12)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=6,
)


@given(a=spans, b=spans)
def test_interval_arithmetic_matches_characters(a, b) -> None:
    size = 45
    ma, mb = merge_spans(a), merge_spans(b)
    xa, xb = _brute(a, b, size)
    assert covered(ma) == sum(xa) and covered(mb) == sum(xb)
    assert overlap(ma, mb) == sum(x & y for x, y in zip(xa, xb, strict=True))
    only_a = subtract(ma, mb)
    assert all(s < e for s, e in only_a)
    assert _brute(only_a, [], size)[0] == [int(x and not y) for x, y in zip(xa, xb, strict=True)]


@st.composite
def projects(draw):
    """Documents, codes and two coders' codings, as a project file's tables."""
    docs = {f"d{i}": "x" * draw(st.integers(1, 12)) for i in range(draw(st.integers(1, 3)))}
    codes = [f"c{i}" for i in range(draw(st.integers(1, 3)))]
    codings = []
    for coder in ("a", "b"):
        for _ in range(draw(st.integers(0, 6))):
            doc = draw(st.sampled_from(sorted(docs)))
            start = draw(st.integers(0, len(docs[doc]) - 1))
            end = draw(st.integers(start + 1, len(docs[doc])))
            codings.append((doc, draw(st.sampled_from(codes)), start, end, coder))
    return docs, codes, codings


def _load(path: Path, docs, codes, codings) -> Project:
    data = {
        "meta": {"project": {"schema": 1, "id": "p", "name": "p"}},
        "documents": {d: {"id": d, "name": d, "text": t, "order": n}
                      for n, (d, t) in enumerate(sorted(docs.items()))},
        "codes": {c: {"id": c, "name": c, "order": n} for n, c in enumerate(codes)},
        "codings": {
            f"k{n}": {"id": f"k{n}", "document": d, "code": c, "start": s, "end": e,
                      "text": docs[d][s:e], "coder": who}
            for n, (d, c, s, e, who) in enumerate(codings)
        },
    }
    project = Project(path)
    project.state.load(data)
    return project


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(sample=projects())
@SETTINGS
def test_against_per_character_arrays(sample) -> None:
    _check(sample, None)


def test_alpha_equals_the_krippendorff_package() -> None:
    krippendorff = pytest.importorskip("krippendorff")

    @given(sample=projects())
    @SETTINGS
    def run(sample) -> None:
        _check(sample, krippendorff)

    run()


def _check(sample, krippendorff) -> None:
    """Compare the report with per-character arrays (and the krippendorff package if given)."""
    docs, codes, codings = sample
    if not any(c[4] == "a" for c in codings) or not any(c[4] == "b" for c in codings):
        return
    project = _load(Path("unsaved.json"), docs, codes, codings)
    report = agreement(project, "a", "b")
    rows_a, rows_b = [], []
    by_code = {}
    for code in codes:
        ca, cb = [], []
        for doc, text in sorted(docs.items()):
            mine = [(s, e) for d, c, s, e, w in codings if (d, c, w) == (doc, code, "a")]
            theirs = [(s, e) for d, c, s, e, w in codings if (d, c, w) == (doc, code, "b")]
            xa, xb = _brute(mine, theirs, len(text))
            ca += xa
            cb += xb
        if any(ca) or any(cb):
            by_code[code] = (ca, cb)
            rows_a += ca
            rows_b += cb
    assert [c.path for c in report.codes] == list(by_code)
    for entry in report.codes:
        ca, cb = by_code[entry.path]
        n = len(ca)
        counts = Counts(
            sum(x & y for x, y in zip(ca, cb, strict=True)),
            sum(x & (1 - y) for x, y in zip(ca, cb, strict=True)),
            sum((1 - x) & y for x, y in zip(ca, cb, strict=True)),
            sum((1 - x) & (1 - y) for x, y in zip(ca, cb, strict=True)),
        )
        assert entry.counts == counts
        po = sum(x == y for x, y in zip(ca, cb, strict=True)) / n
        pa, pb = sum(ca) / n, sum(cb) / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        if pe == 1:
            assert entry.kappa is None
        else:
            assert entry.kappa == pytest.approx((po - pe) / (1 - pe))
    total = len(rows_a)
    agree = sum(x == y for x, y in zip(rows_a, rows_b, strict=True))
    assert report.agreement == pytest.approx(agree / total)
    if len(set(rows_a) | set(rows_b)) < 2:
        assert report.alpha is None
    elif krippendorff is not None:
        expected = krippendorff.alpha(
            reliability_data=[rows_a, rows_b], level_of_measurement="nominal"
        )
        assert report.alpha == pytest.approx(expected)


def test_closed_forms_on_edge_cases() -> None:
    assert cohen_kappa(Counts(0, 0, 0, 10)) is None  # nobody coded anything
    assert cohen_kappa(Counts(10, 0, 0, 0)) is None  # both coded everything
    assert cohen_kappa(Counts(0, 10, 0, 0)) == 0.0  # A everything, B nothing
    assert krippendorff_alpha(Counts(0, 0, 0, 10)) is None
    assert krippendorff_alpha(Counts(1, 1, 0, 2)) == pytest.approx(1 - 7 / 15)
    assert cohen_kappa(Counts()) is None
