"""REFI-QDA as the peers read it (issue 14): one selection per span and coder, memos in the
Description of their element and of a coding's selection, criteria read in any producer's
description, and our importer still reading what other tools group differently."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from refi_support import build_qdpx, span_of, validate_qdpx

from workbench.core.project import Project
from workbench.io.refi import export_qdpx, import_refi

NS = "{urn:QDA-XML:project:1.0}"
HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
ANN = "7F2C1C5E-1B7A-4E2B-9C1D-0A1B2C3D4E5F"
BOB = "8F2C1C5E-1B7A-4E2B-9C1D-0A1B2C3D4E5F"
CODE_A = "A0000000-0000-0000-0000-00000000000A"
CODE_B = "B0000000-0000-0000-0000-00000000000B"
DOC = "D0000000-0000-0000-0000-00000000000D"
CASE = "C0000000-0000-0000-0000-00000000000C"
NOTE = "E0000000-0000-0000-0000-00000000000E"
TEXT = "Interviewer: How did you start?\nRespondent: A friend took me along. 🙂 Then more.\n"


def _study(project: Project) -> Project:
    doc = project.documents.add("Interview 1", TEXT, case="Respondent 1")
    start, end = span_of(doc.text, "A friend took me along.")
    project.codings.add(doc, start, end, "Networks/Friends", "ann")
    project.codings.add(doc, start, end, "Emotions", "ann")
    project.codings.add(doc, start, end, "Networks/Friends", "bob")
    memo_on = project.codings.add(doc, *span_of(doc.text, "Then more."), "Emotions", "bob")
    project.codings.add(doc, *span_of(doc.text, "Then more."), "Networks/Friends", "bob")
    project.memos.add("coding", memo_on.id, "Said with a smile.", "bob")
    project.memos.add("coding", memo_on.id, "Check with R1.", "ann")
    project.memos.add("document", doc.id, "First interview.", "ann")
    project.memos.add("document", doc.id, "Noisy recording.", "bob")
    project.memos.add("case", project.cases.named("Respondent 1").id, "The negative case.", "ann")
    project.memos.add("project", None, "Study memo.", "ann")
    return project


def _exported(project: Project, tmp_path: Path) -> etree._Element:
    out = tmp_path / "study.qdpx"
    export_qdpx(_study(project), out)
    return validate_qdpx(out)


def _users(root: etree._Element) -> dict[str, str]:
    return {u.get("guid"): u.get("name") for u in root.iter(f"{NS}User")}


def test_one_selection_per_span_and_coder(project: Project, tmp_path: Path) -> None:
    root = _exported(project, tmp_path)
    users = _users(root)
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{NS}Code")}
    start, end = span_of(TEXT, "A friend took me along.")
    seen = []
    for sel in root.iter(f"{NS}PlainTextSelection"):
        if (int(sel.get("startPosition")), int(sel.get("endPosition"))) != (start, end):
            continue
        coder = users[sel.get("creatingUser")]
        codings = sel.findall(f"{NS}Coding")
        assert {users[c.get("creatingUser")] for c in codings} == {coder}
        names = sorted(codes[c.find(f"{NS}CodeRef").get("targetGUID")] for c in codings)
        seen.append((coder, names))
    assert sorted(seen) == [("ann", ["Emotions", "Friends"]), ("bob", ["Friends"])]
    guids = [s.get("guid") for s in root.iter(f"{NS}PlainTextSelection")]
    assert len(guids) == len(set(guids))


def test_a_coding_memo_is_its_selections_description(project: Project, tmp_path: Path) -> None:
    root = _exported(project, tmp_path)
    start, end = span_of(TEXT, "Then more.")
    here = [s for s in root.iter(f"{NS}PlainTextSelection")
            if (int(s.get("startPosition")), int(s.get("endPosition"))) == (start, end)]
    described = [s for s in here if s.find(f"{NS}Description") is not None]
    assert len(here) == 2 and len(described) == 1  # the coding with memos stands alone
    only = described[0]
    # the memos in the order they were written (within a second: by id), a blank line between
    assert sorted(only.findtext(f"{NS}Description").split("\n\n")) == [
        "Check with R1.", "Said with a smile."]
    assert len(only.findall(f"{NS}Coding")) == 1
    assert len(only.find(f"{NS}Coding").findall(f"{NS}NoteRef")) == 2  # the Notes stay


def test_memos_are_the_description_of_their_element(project: Project, tmp_path: Path) -> None:
    root = _exported(project, tmp_path)
    source = root.find(f"{NS}Sources/{NS}TextSource")
    assert sorted(source.findtext(f"{NS}Description").split("\n\n")) == [
        "First interview.", "Noisy recording."]
    assert root.find(f"{NS}Cases/{NS}Case").findtext(f"{NS}Description") == "The negative case."
    assert root.findtext(f"{NS}Description") == "Study memo."
    assert len(root.findall(f"{NS}Notes/{NS}Note")) == 6  # every memo is still a Note


def test_our_own_file_brings_each_memo_once(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "study.qdpx"
    export_qdpx(_study(project), out)
    again = Project.create(tmp_path / "again")
    try:
        summary = import_refi(again, out)
        memos = sorted((m.target_kind, m.text, m.author) for m in again.memos.all())
        assert memos == sorted((m.target_kind, m.text, m.author) for m in project.memos.all())
        assert summary.memos == 6
    finally:
        again.lock.release()


def _qde(origin: str, sources: str, extra: str = "", description: str = "") -> str:
    return (
        f'{HEAD}<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}">'
        f'<Users><User guid="{ANN}" name="ann"/><User guid="{BOB}" name="bob"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODE_A}" name="Place" isCodable="true"/>'
        f'<Code guid="{CODE_B}" name="Media" isCodable="true"/></Codes></CodeBook>'
        f"<Cases><Case guid=\"{CASE}\" name=\"R1\"><Description>Case note.</Description>"
        f'<SourceRef targetGUID="{DOC}"/></Case></Cases>'
        f"<Sources>{sources}</Sources>{extra}"
        + (f"<Description>{description}</Description>" if description else "")
        + "</Project>"
    )


def _source(body: str, description: str = "") -> str:
    desc = f"<Description>{description}</Description>" if description else ""
    return (f'<TextSource guid="{DOC}" name="Interview" plainTextPath="internal://{DOC}.txt">'
            f"{desc}{body}</TextSource>")


def test_codings_of_several_coders_in_one_selection_are_read(project: Project,
                                                              tmp_path: Path) -> None:
    start, end = span_of(TEXT, "A friend took me along.")
    body = (f'<PlainTextSelection guid="00000001-0000-4000-8000-000000000000" '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{ANN}">'
            f'<Coding guid="00000001-1111-4000-8000-000000000000" creatingUser="{ANN}">'
            f'<CodeRef targetGUID="{CODE_A}"/></Coding>'
            f'<Coding guid="00000001-2222-4000-8000-000000000000" creatingUser="{BOB}">'
            f'<CodeRef targetGUID="{CODE_A}"/></Coding>'
            f'<Coding guid="00000001-3333-4000-8000-000000000000">'
            f'<CodeRef targetGUID="{CODE_B}"/></Coding></PlainTextSelection>')
    path = build_qdpx(tmp_path / "grouped.qdpx", _qde("MAXQDA 2022", _source(body)),
                      {f"sources/{DOC}.txt": TEXT.encode()})
    summary = import_refi(project, path)
    assert summary.codings == 3 and summary.skipped == []
    doc = project.documents.named("Interview")
    got = sorted((project.codebook.path(project.codebook[c.code]), c.coder, c.text)
                 for c in project.codings.of_document(doc))
    assert got == [("Media", "ann", "A friend took me along."),
                   ("Place", "ann", "A friend took me along."),
                   ("Place", "bob", "A friend took me along.")]


def test_descriptions_become_memos_once(project: Project, tmp_path: Path) -> None:
    start, end = span_of(TEXT, "Then more.")
    body = (f'<PlainTextSelection guid="00000002-0000-4000-8000-000000000000" '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{BOB}">'
            f"<Description>Coding comment.</Description>"
            f'<Coding guid="00000002-1111-4000-8000-000000000000" creatingUser="{BOB}">'
            f'<CodeRef targetGUID="{CODE_A}"/></Coding></PlainTextSelection>'
            f'<NoteRef targetGUID="{NOTE}"/>')
    notes = (f'<Notes><Note guid="{NOTE}" name="Doc memo" creatingUser="{ANN}">'
             f"<PlainTextContent>Source memo, also a Note.</PlainTextContent></Note></Notes>")
    qde = _qde("QualCoder 3.6", _source(body, "Source memo, also a Note."), notes,
               description="Project memo.")
    path = build_qdpx(tmp_path / "described.qdpx", qde, {f"sources/{DOC}.txt": TEXT.encode()})
    summary = import_refi(project, path)
    memos = sorted((m.target_kind, m.text) for m in project.memos.all())
    assert memos == [("case", "Case note."), ("coding", "Coding comment."),
                     ("document", "Doc memo\n\nSource memo, also a Note."),
                     ("project", "Project memo.")]
    assert summary.memos == 4


def test_criteria_are_read_in_any_producers_description(project: Project,
                                                        tmp_path: Path) -> None:
    qdc = tmp_path / "qualcoder.qdc"
    qdc.write_text(
        f'{HEAD}<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder">'
        f'<Codes><Code guid="{CODE_A}" name="Friends" isCodable="true">'
        "<Description>People who brought them.\n\nInclusion: a named friend\n"
        "Exclusion: organisations\n  (use Organisations)\nExample: “my friend A.”</Description>"
        f'</Code><Code guid="{CODE_B}" name="Чаты" isCodable="true">'
        "<Description>Онлайн-сообщества.\n- **Критерии включения:** чаты, группы\n"
        "- Пример: «чат в телеграме»</Description></Code></Codes></CodeBook>",
        encoding="utf-8")
    import_refi(project, qdc)
    friends = project.codebook.find("Friends")
    assert (friends.description, friends.inclusion, friends.exclusion, friends.example) == (
        "People who brought them.", "a named friend", "organisations\n(use Organisations)",
        "“my friend A.”")
    chats = project.codebook.find("Чаты")
    assert (chats.description, chats.inclusion, chats.exclusion, chats.example) == (
        "Онлайн-сообщества.", "чаты, группы", "", "«чат в телеграме»")


def test_the_position_note_names_crlf_only_when_the_text_has_it(project: Project,
                                                                 tmp_path: Path) -> None:
    def note_for(text: str, name: str) -> str:
        raw = text
        start = raw.index("Then more.")
        units = len(raw[:start].encode("utf-16-le")) // 2  # QualCoder counts UTF-16 units
        sel = (f'<PlainTextSelection guid="00000003-0000-4000-8000-000000000000" '
               f'name="Then more." startPosition="{units}" endPosition="{units + 10}" '
               f'creatingUser="{ANN}"><Coding guid="00000003-1111-4000-8000-000000000000">'
               f'<CodeRef targetGUID="{CODE_A}"/></Coding></PlainTextSelection>')
        qde = _qde("QualCoder 3.6", _source(sel)).replace('<Cases>', '<!-- --><Cases>')
        path = build_qdpx(tmp_path / f"{name}.qdpx", qde, {f"sources/{DOC}.txt": raw.encode()})
        fresh = Project.create(tmp_path / name)
        try:
            summary = import_refi(fresh, path)
            doc = fresh.documents.named("Interview")
            assert [c.text for c in fresh.codings.of_document(doc)] == ["Then more."]
            return "\n".join(n for n in summary.changed if n.startswith("positions"))
        finally:
            fresh.lock.release()

    lf = note_for(TEXT, "lf")
    assert "UTF-16 code units" in lf and "CRLF" not in lf
    crlf = note_for(TEXT.replace("\n", "\r\n"), "crlf")
    assert "UTF-16 code units, CRLF counted as" in crlf
