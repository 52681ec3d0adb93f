"""Hand-edited project files and the merge driver: wrong types, unknown data, other projects,
damaged records and FIFOs."""

from __future__ import annotations

import json
import os
import threading

import pytest


def _edit(project_dir, change):
    path = project_dir / "project.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _first(data, table):
    return next(iter(data[table].values()))


@pytest.mark.parametrize("damage", [
    lambda d: _first(d, "documents").update(text=12345),
    lambda d: _first(d, "documents").update(paragraphs="abc"),
    lambda d: _first(d, "codings").update(start="3"),
    lambda d: _first(d, "codings").update(end=float("nan")),
    lambda d: _first(d, "codes").update(parent=["x"]),
    lambda d: _first(d, "cases").update(attributes={"age": 30}),
])
def test_wrong_types_are_one_error_naming_the_record(interview, cli, damage):
    assert cli("code", interview, "interview", "0", "5", "Start")[0] == 0
    assert cli("case", interview, "Dana", "--attr", "age=30", "--doc", "interview")[0] == 0
    _edit(interview, damage)
    for command in ("docs", "codes", "quotes", "coders", "undo", "cases"):
        status, out, err = cli(command, interview)
        assert status == 2, (command, out, err)
        assert err.startswith("error: ") and err.count("\n") == 1
        assert "internal error" not in err and "wrong type" in err
    status, out, err = cli("check", interview)
    assert status == 1 and "malformed field" in out and "internal error" not in err


def test_check_is_total_on_any_shape(interview, cli):
    shapes = [
        lambda d: d.update(codings=[1, 2]),
        lambda d: _first(d, "documents").update(name=["a"]),
        lambda d: d["history"].update(x={"seq": 1, "records": [{"table": "codes", "id": "c",
                                                               "record": {"id": "c", "name": 5}}]}),
        lambda d: d.update(meta={"project": {"schema": "1"}}),
    ]
    for shape in shapes:
        backup = (interview / "project.json").read_bytes()
        _edit(interview, shape)
        status, out, err = cli("check", interview)
        # each problem on its own line (exit 1), or one error for a file that is no project
        assert (status == 1 and out.strip()) or (status == 2 and err.startswith("error: "))
        assert "internal error" not in err
        (interview / "project.json").write_bytes(backup)


def test_a_damaged_history_step_is_refused_by_undo(interview, cli):
    def damage(data):
        entry = max(data["history"].values(), key=lambda e: e["seq"])
        entry["records"][0]["record"] = {"id": entry["records"][0]["id"], "name": 5}
        entry["records"][0]["table"] = "documents"
    _edit(interview, damage)
    status, _, err = cli("undo", interview)
    assert status == 2 and "history step" in err and "internal error" not in err


def test_unknown_tables_and_fields_are_kept_on_save(interview, cli):
    def newer(data):
        data["annotations"] = {"a1": {"id": "a1", "shape": "circle"}}
        data["meta"]["layout"] = {"theme": "dark"}
        _first(data, "documents")["language"] = "ru"
    _edit(interview, newer)
    assert cli("code", interview, "interview", "0", "5", "Start")[0] == 0
    assert cli("case", interview, "Dana", "--doc", "interview")[0] == 0  # the document changes
    data = json.loads((interview / "project.json").read_text(encoding="utf-8"))
    assert data["annotations"] == {"a1": {"id": "a1", "shape": "circle"}}
    assert data["meta"]["layout"] == {"theme": "dark"}
    assert _first(data, "documents")["language"] == "ru"


# --------------------------------------------------------------------------- merge driver
def _copies(tmp_path, cli, interview):
    base = (interview / "project.json").read_bytes()
    ours, theirs, base_file = (tmp_path / n for n in ("ours.json", "theirs.json", "base.json"))
    for f in (ours, theirs, base_file):
        f.write_bytes(base)
    return base_file, ours, theirs


def test_merge_refuses_another_projects_file(interview, cli, tmp_path):
    other = tmp_path / "other"
    assert cli("init", other)[0] == 0
    base, ours, _ = _copies(tmp_path, cli, interview)
    before = ours.read_bytes()
    status, _, err = cli("merge", base, ours, other / "project.json")
    assert status == 2 and "another project" in err
    assert ours.read_bytes() == before


def test_merge_refuses_a_malformed_theirs_record(interview, cli, tmp_path):
    assert cli("code", interview, "interview", "0", "5", "Start")[0] == 0
    base, ours, theirs = _copies(tmp_path, cli, interview)
    data = json.loads(theirs.read_text(encoding="utf-8"))
    _first(data, "codes")["name"] = 12345
    theirs.write_text(json.dumps(data), encoding="utf-8")
    before = ours.read_bytes()
    status, _, err = cli("merge", base, ours, theirs)
    assert status == 2 and "damaged" in err and "internal error" not in err
    assert ours.read_bytes() == before


@pytest.mark.timeout(30)
def test_merge_does_not_hang_on_a_fifo(interview, cli, tmp_path):
    base, ours, _ = _copies(tmp_path, cli, interview)
    fifo = tmp_path / "theirs.fifo"
    os.mkfifo(fifo)
    opener = threading.Timer(10, lambda: os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)))
    opener.daemon = True
    status, _, err = cli("merge", base, ours, fifo)
    opener.cancel()
    assert status == 2 and "not a regular file" in err
