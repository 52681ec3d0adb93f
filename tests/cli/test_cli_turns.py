"""The command line of the second round: speakers, import --interviewer, search --role/--widen,
code (extended), recode, remove and withdraw, with their JSON shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

INTERVIEW = (
    "Interview 3. Respondent 3, Almaty.\n"
    "Date: 12 May 2024\n"
    "\n"
    "Aigerim: Как вы пришли в активизм? [00:00:12]\n"
    "Dana: Через друзей, қыздар. Это было давно.\n"
    "Aigerim: А потом? Что было с подругами?\n"
    "Dana: [00:01:40] Потом я осталась. Подруги тоже.\n"
)
WITHDRAWN = "Interviewer: Why?\nRespondent: The secret marker words of a withdrawn person.\n"


@pytest.fixture
def study(tmp_path: Path, cli) -> Path:
    (tmp_path / "r3.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "r9.txt").write_text(WITHDRAWN, encoding="utf-8")
    path = tmp_path / "study"
    assert cli("init", path)[0] == 0
    status, out, err = cli("import", path, tmp_path / "r3.txt", "--case", "Respondent 3")
    assert status == 0, err
    assert "speakers: Aigerim (interviewer), Dana (respondent)" in out
    status, _, err = cli("import", path, tmp_path / "r9.txt", "--case", "Respondent 9",
                         "--attr", "city=Karaganda")
    assert status == 0, err
    return path


def one_error(result: tuple[int, str, str], *words: str) -> None:
    status, out, err = result
    assert status == 2 and out == "" and err.startswith("error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err


def test_speakers_list_set_and_undo(study: Path, cli, jcli) -> None:
    assert jcli("speakers", study, "r3") == [
        {"label": "Aigerim", "role": "interviewer", "turns": 2},
        {"label": "Dana", "role": "respondent", "turns": 2},
    ]
    status, out, _ = cli("speakers", study, "r3", "--set", "Dana=other")
    assert status == 0 and "Dana = other" in out and "undo" in out
    assert jcli("speakers", study, "r3")[1]["role"] == "other"
    assert cli("undo", study)[0] == 0
    assert jcli("speakers", study, "r3")[1]["role"] == "respondent"
    one_error(cli("speakers", study, "r3", "--set", "Dana=boss"), "interviewer, respondent")
    one_error(cli("speakers", study, "r3", "--set", "Zhanar=other"), "Zhanar", "Aigerim, Dana")
    one_error(cli("speakers", study, "r3", "--set", "Dana"), "LABEL=ROLE")


def test_import_interviewer_labels(tmp_path: Path, cli, jcli) -> None:
    (tmp_path / "a.txt").write_text("Dana: Почему?\nAsel: Потому.\nDana: А?\nAsel: Б.\n",
                                    encoding="utf-8")
    path = tmp_path / "p"
    cli("init", path)
    one_error(cli("import", path, tmp_path / "a.txt", "--interviewer", "Zhanar"),
              "Zhanar", "Asel, Dana", "nothing was imported")
    assert jcli("docs", path) == []
    status, _, err = cli("import", path, tmp_path / "a.txt", "--interviewer", "Asel")
    assert status == 0, err
    assert jcli("speakers", path, "a") == [
        {"label": "Dana", "role": "respondent", "turns": 2},
        {"label": "Asel", "role": "interviewer", "turns": 2},
    ]


def test_quotes_and_search_carry_speaker_role_and_time(study: Path, cli, jcli) -> None:
    text = cli("text", study, "r3")[1]
    start = text.index("Dana: Через")  # coded from inside the label
    coding = jcli("code", study, "r3", start + 2, text.index("қыздар") + 6, "Networks")
    assert coding["text"] == "Через друзей, қыздар"
    assert (coding["speaker"], coding["role"], coding["time"]) == ("Dana", "respondent",
                                                                   "00:00:12")
    assert text[coding["start"]:coding["end"]] == coding["text"]
    (quote,) = jcli("quotes", study)
    assert {k: quote[k] for k in ("speaker", "role", "time", "text")} == {
        "speaker": "Dana", "role": "respondent", "time": "00:00:12",
        "text": "Через друзей, қыздар",
    }
    hits = jcli("search", study, "подруг")
    assert [(h["speaker"], h["role"], h["time"]) for h in hits] == [
        ("Aigerim", "interviewer", "00:00:12"), ("Dana", "respondent", "00:01:40"),
    ]
    assert [h["role"] for h in jcli("search", study, "подруг", "--role", "respondent")] == [
        "respondent"
    ]
    assert jcli("search", study, "Aigerim") == []  # labels are not text to find
    one_error(cli("search", study, "x", "--role", "boss"), "--role")


def test_code_extends_and_says_so(study: Path, cli, jcli) -> None:
    text = cli("text", study, "r3")[1]
    a = text.index("Через")
    first = jcli("code", study, "r3", a, a + 12, "Networks")
    status, out, _ = cli("code", study, "r3", a + 6, a + 20, "Networks")
    assert status == 0 and "extended" in out and first["id"] in out
    again = jcli("code", study, "r3", a + 1, a + 5, "Networks")
    assert again["outcome"] == "unchanged" and again["id"] == first["id"]
    assert len(jcli("quotes", study)) == 1


def test_search_code_every_hit_widened(study: Path, cli, jcli) -> None:
    result = jcli("search", study, "подруг", "--role", "respondent", "--code", "Friends",
                  "--widen", "sentence")
    assert {k: result[k] for k in ("code", "added", "extended", "unchanged")} == {
        "code": "Friends", "added": 1, "extended": 0, "unchanged": 0,
    }
    assert [q["text"] for q in jcli("quotes", study)] == ["Подруги тоже."]
    # coding every hit codes the respondents' words unless asked: the question stays uncoded
    status, out, _ = cli("search", study, "подруг", "--code", "Friends", "--widen", "turn")
    assert status == 0 and "left 1 match in interviewer turns uncoded" in out
    assert "coded 0 new turns" in out and "1 coding of that code extended" in out
    assert [q["text"] for q in jcli("quotes", study)] == ["Потом я осталась. Подруги тоже."]
    status, out, _ = cli("search", study, "подруг", "--code", "Friends", "--widen", "turn",
                         "--role", "any")
    assert status == 0 and "coded 1 new turn" in out and "left" not in out
    assert [q["text"] for q in jcli("quotes", study)] == [
        "А потом? Что было с подругами?",  # the time mark after a label is not speech
        "Потом я осталась. Подруги тоже.",
    ]
    one_error(cli("search", study, "x", "--widen", "word"), "--code")


def test_recode(study: Path, cli, jcli) -> None:
    text = cli("text", study, "r3")[1]
    a = text.index("Через")
    coding = jcli("code", study, "r3", a, a + 5, "Networks")
    moved = jcli("recode", study, coding["id"][:8], "--end", str(a + 12), "--code", "Friends")
    assert moved["text"] == "Через друзей" and moved["code"] == "Friends"
    assert moved["outcome"] == "recoded" and moved["merged"] == []
    status, out, _ = cli("recode", study, coding["id"], "--start", str(a + 6))
    assert status == 0 and "recoded" in out and "was Friends" in out
    assert cli("undo", study)[0] == 0 and cli("undo", study)[0] == 0
    assert jcli("quotes", study)[0]["code"] == "Networks"
    one_error(cli("recode", study, coding["id"]), "--start", "--code")
    one_error(cli("recode", study, coding["id"], "--end", "100000"), "not inside")
    one_error(cli("recode", study, "nosuchcoding", "--end", "3"), "no coding")


def test_remove_and_undo(study: Path, cli, jcli) -> None:
    text = cli("text", study, "r3")[1]
    a = text.index("Через")
    coding = jcli("code", study, "r3", a, a + 5, "Networks")
    assert cli("memo", study, "--on", f"coding:{coding['id']}", "--text", "first contact")[0] == 0
    assert jcli("remove", study, "r3") == {"document": "r3", "codings": 1, "memos": 1}
    assert [d["name"] for d in jcli("docs", study)] == ["r9"]
    assert jcli("quotes", study) == [] and jcli("memos", study) == []
    assert cli("undo", study)[1].startswith("undid: remove document r3")
    assert len(jcli("quotes", study)) == 1 and len(jcli("memos", study)) == 1
    one_error(cli("remove", study, "nope"), "nope")


def test_withdraw_leaves_no_trace_in_the_file_or_its_backups(study: Path, cli, jcli) -> None:
    text = cli("text", study, "r9")[1]
    a = text.index("The secret")
    coding = jcli("code", study, "r9", a, len(text) - 1, "Secrets")
    cli("memo", study, "--on", f"coding:{coding['id']}", "--text", "marker memo on the coding")
    cli("memo", study, "--on", "doc:r9", "--text", "marker memo on the document")
    cli("memo", study, "--on", "case:Respondent 9", "--text", "marker memo on the case")
    cli("memo", study, "--on", "code:Secrets", "--text", "Respondent 9 said it best")
    cli("code", study, "r3", 60, 70, "Secrets")
    cli("uncode", study, coding["id"])
    cli("undo", study)  # the history now holds copies of the coding too
    folder = study
    assert list(folder.glob("project.json.bak-*"))
    marks = ("secret marker", "Karaganda", "marker memo")

    # off a terminal it needs --yes, and nothing changes without it
    one_error(cli("withdraw", study, "Respondent 9"), "--yes", "Respondent 9")
    assert "Respondent 9" in {c["name"] for c in jcli("cases", study)}

    done = jcli("withdraw", study, "Respondent 9", "--yes")
    assert done["case"] == "Respondent 9" and done["documents"] == ["r9"]
    assert (done["codings"], done["memos"], done["attributes"]) == (1, 3, 1)
    assert done["history_entries"] > 0 and done["files"]
    assert done["still_mentioned"] == ["memo on code:Secrets"]
    assert done["codes_left_empty"] == []  # "Secrets" is also used in r3
    for path in folder.iterdir():
        data = path.read_bytes().decode("utf-8", "replace")
        for mark in marks:
            assert mark not in data, (path.name, mark)
    assert [p.name for p in folder.iterdir() if ".bak-" in p.name] == []
    assert cli("undo", study)[1].strip() == "nothing to undo"
    assert cli("check", study)[0] == 0
    one_error(cli("withdraw", study, "Respondent 9", "--yes"), "no case")


def test_withdraw_says_what_it_removed(study: Path, cli) -> None:
    status, out, _ = cli("withdraw", study, "Respondent 9", "--yes")
    assert status == 0
    assert out.startswith("withdrew Respondent 9: removed the case, 1 attribute, 1 document, "
                          "0 codings and 0 memos")
    assert "purged:" in out
