"""The export dialog: every format, a default file beside the project wherever the workbench
was started, and the write-up's options (title, paper, memos; Excel's CSV)."""

from __future__ import annotations

import zipfile

from tui_support import until

from workbench.io.export import COPY_FORMAT, FORMATS
from workbench.tui.screens.export import KINDS, ExportScreen, open_export


def test_every_export_format_is_offered():
    offered = [fmt for _, formats in KINDS.values() for fmt, _ in formats]
    assert sorted(offered) == sorted({*FORMATS, COPY_FORMAT})
    assert {"xlsx", "codebook-csv"} <= set(offered)


async def open_dialog(pilot, app, kind: str = "writeup") -> ExportScreen:
    open_export(app, kind)
    await until(pilot, lambda: isinstance(app.screen, ExportScreen)
                and bool(app.screen.query("#export-path")))
    await pilot.pause()
    return app.screen


async def choose(pilot, screen: ExportScreen, fmt: str) -> None:
    formats = [f for f, _ in screen.formats]
    await pilot.press(*["down"] * formats.index(fmt))
    assert screen.format == fmt


def test_the_default_file_is_beside_the_project_wherever_it_was_started(
    drive, study, tmp_path, monkeypatch
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(tmp_path)  # the project named relative to this folder...
    relative = study.relative_to(tmp_path)

    async def scenario(pilot, app):
        monkeypatch.chdir(elsewhere)  # ...and the folder changed since (a shell's cd, a test)
        screen = await open_dialog(pilot, app)
        field = screen.query_one("#export-path")
        assert field.value == str(study.parent / "Activism study.md")
        field.value = "chapter.md"  # a relative name: beside the project too
        screen.set_focus(field)
        await pilot.press("enter")
        await until(pilot, lambda: any(n.startswith("Exported to") for n in app.notices))

    monkeypatch.chdir(tmp_path)
    drive(scenario, path=relative)
    assert (study.parent / "chapter.md").is_file()
    assert not (elsewhere / "chapter.md").exists()


def test_write_up_options_title_paper_and_memos(drive, study):
    async def scenario(pilot, app):
        screen = await open_dialog(pilot, app)
        assert screen.query_one("#export-title-row").display  # md takes a title and memos
        assert not screen.query_one("#export-letter").display  # but no paper
        screen.query_one("#export-title").value = "Chapter 4: Becoming an activist"
        screen.query_one("#export-memos").value = "code, theme, document"
        screen.set_focus(screen.query_one("#export-memos"))
        await pilot.press("enter")
        await until(pilot, lambda: any(n.startswith("Exported to") for n in app.notices))

        screen = await open_dialog(pilot, app)
        await choose(pilot, screen, "docx")
        assert screen.query_one("#export-letter").display
        screen.query_one("#export-letter").value = True
        screen.query_one("#export-memos").value = "none"
        assert screen.options() == {"paper": "letter", "memos": "none"}
        screen.set_focus(screen.query_one("#export-path"))
        await pilot.press("enter")
        await until(pilot, lambda: sum(n.startswith("Exported to") for n in app.notices) == 2)

        screen = await open_dialog(pilot, app)
        await choose(pilot, screen, "csv")
        assert not screen.query_one("#export-title-row").display
        assert not screen.query_one("#export-memos-row").display
        assert screen.query_one("#export-excel").display
        screen.query_one("#export-excel").value = True
        assert screen.options() == {"excel": True}
        await pilot.press("enter")
        await until(pilot, lambda: sum(n.startswith("Exported to") for n in app.notices) == 3)

    drive(scenario)
    folder = study.parent
    markdown = (folder / "Activism study.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Chapter 4: Becoming an activist")
    assert "Long pauses before the answers." in markdown  # the document memo asked for
    with zipfile.ZipFile(folder / "Activism study.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert 'w:w="12240"' in body  # US letter: 8.5 in wide
    assert "Anger is a motor" not in body  # no memos
    assert (folder / "Activism study.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_bad_memo_kind_is_shown_in_the_dialog(drive, study):
    async def scenario(pilot, app):
        screen = await open_dialog(pilot, app)
        screen.query_one("#export-memos").value = "code, feelings"
        screen.set_focus(screen.query_one("#export-memos"))
        await pilot.press("enter")
        await until(pilot, lambda: any("no memos of kind 'feeling'" in n for n in app.notices))
        assert app.screen is screen
        assert not (study.parent / "Activism study.md").exists()

    drive(scenario)


def test_workbook_and_codebook_table_from_the_dialog(drive, study):
    async def scenario(pilot, app):
        screen = await open_dialog(pilot, app)
        await choose(pilot, screen, "xlsx")
        assert screen.query_one("#export-path").value.endswith("Activism study.xlsx")
        assert screen.options() == {}
        await pilot.press("enter")
        await until(pilot, lambda: any(n.startswith("Exported to") for n in app.notices))

        screen = await open_dialog(pilot, app, "refi")
        await choose(pilot, screen, "codebook-csv")
        assert screen.query_one("#export-path").value.endswith("Activism study codebook.csv")
        await pilot.press("up")  # back to qdc: the default name follows
        assert screen.query_one("#export-path").value.endswith("/Activism study.qdc")
        await pilot.press("down", "enter")
        await until(pilot, lambda: sum(n.startswith("Exported to") for n in app.notices) == 2)

    drive(scenario)
    folder = study.parent
    assert zipfile.is_zipfile(folder / "Activism study.xlsx")
    table = (folder / "Activism study codebook.csv").read_text(encoding="utf-8")
    assert "Motivation/Anger" in table


def test_quote_labels_with_attributes_and_times_from_the_dialog(drive, study):
    async def scenario(pilot, app):
        screen = await open_dialog(pilot, app)
        await choose(pilot, screen, "docx")
        field = screen.query_one("#export-attrs")
        assert "pronouns" in field.placeholder and "city" in field.placeholder
        times = screen.query_one("#export-times")
        assert times.display and "X" not in str(times.render())  # no mark while unticked
        field.value = "pronouns, city"
        times.value = True
        assert "X" in str(times.render())
        assert screen.options() == {"attrs": ["pronouns", "city"], "times": True,
                                    "memos": "code, theme"}
        await pilot.press("down", "down")  # a table takes the attributes, not the times
        assert screen.format == "csv"
        assert not screen.query_one("#export-times").display
        assert screen.options() == {"attrs": ["pronouns", "city"]}
        await pilot.press("up", "up")
        assert screen.format == "docx"
        screen.query_one("#export-attrs").value = "pronouns, town"
        screen.set_focus(screen.query_one("#export-path"))
        await pilot.press("enter")
        await until(pilot, lambda: "no case attribute 'town'" in str(
            screen.query_one("#export-status").render()))
        screen.query_one("#export-attrs").value = "pronouns, city"
        screen.set_focus(screen.query_one("#export-path"))
        await pilot.press("enter")
        await until(pilot, lambda: any(n.startswith("Exported to") for n in app.notices))

    drive(scenario)
    with zipfile.ZipFile(study.parent / "Activism study.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "(Respondent 1, she/her, Almaty" in body
