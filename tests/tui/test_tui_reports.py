"""Pilot tests of the report screens, the study-wide search and the exports of the TUI."""

from __future__ import annotations

import asyncio

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable
from tui_support import FIELD_NOTES, INTERVIEW_1, INTERVIEW_2, code_picker_of, screen_text, until

from workbench.analysis import reports
from workbench.analysis.search import search
from workbench.core.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.keymap import known_ids
from workbench.tui.screens.export import ExportScreen
from workbench.tui.screens.reports import ReportsScreen, SegmentListScreen
from workbench.tui.screens.study_search import StudySearchScreen
from workbench.tui.widgets.charts import bar, heat_cell, heat_style, sparkline
from workbench.tui.widgets.grid import GridColumn, GridTable, GridView


def _code(project: Project, doc_name: str, text: str, words: str, code: str) -> None:
    start = text.index(words)
    project.codings.add(project.documents.named(doc_name), start, start + len(words), code, "ann")


@pytest.fixture
def rich_study(study):
    """The fixed study with more codings: overlaps in both interviews, a caseless document."""
    project = Project.open(study, write=True)
    try:
        _code(project, "Interview 1", INTERVIEW_1, "Anger, honestly. Anger at how",
              "Motivation/Calling")
        _code(project, "Interview 1", INTERVIEW_1, "my calling, not a job", "Motivation/Calling")
        _code(project, "Interview 2", INTERVIEW_2, "Через друзей из чата", "Networks")
        _code(project, "Interview 2", INTERVIEW_2, "Злость и солидарность", "Motivation/Calling")
        _code(project, "Interview 2", INTERVIEW_2, "страшно", "Fear")
        _code(project, "Interview 2", INTERVIEW_2, "团结", "Solidarity")
        _code(project, "Field notes", FIELD_NOTES, "asked to be called R2", "Networks")
        project.save()
    finally:
        project.close()
    return study


def _rows(table) -> list[list[str]]:
    return [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def _palette(pilot, app, query: str, text: str) -> None:
    """Type ``query`` in the palette; when ``text`` shows, run the top hit."""
    await pilot.press("ctrl+p", *query)
    await until(pilot, lambda: text in screen_text(app))
    await pilot.press("enter")


# --------------------------------------------------------------------------- reports
def test_reports_by_key_and_palette_show_the_report_numbers(rich_study, drive):
    async def scenario(pilot, app):
        project = app.project
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        screen = app.screen
        assert screen.kind == "frequencies"
        # own counts, and with the codes below (all) since Motivation has codes below it
        expected = [[r["code"], str(r["segments"]), str(r["with_children"]["segments"]),
                     str(r["documents"]), str(r["cases"]), str(r["with_children"]["cases"]),
                     str(r["chars"])] for r in reports.frequencies(project)]
        shown = [[row[0].removeprefix("■ "), row[1], *row[3:]]
                 for row in _rows(screen.table("frequencies"))]
        assert shown == expected
        assert ["Motivation/Anger", "2", "2", "2", "2", "2", "21"] in shown
        assert shown[0][:3] == ["Motivation", "0", "5"]  # the theme counts its codes

        await pilot.press("2")
        matrix = reports.matrix(project)
        assert matrix["columns"] == ["Respondent 1", "Respondent 2", "(none)"]
        shown = _rows(screen.table("matrix"))
        assert [row[0] for row in shown] == matrix["rows"]
        assert [[int(n) if n != "·" else 0 for n in row[1:]] for row in shown] == matrix["cells"]
        await pilot.press("b")  # by the first attribute: age
        by_age = reports.matrix(project, by="age")
        assert screen.by == "age"
        columns = [str(c.label).strip() for c in screen.table("matrix").columns]
        assert by_age["columns"] == ["34", "(none)"] and by_age["column_cases"] == [1, 1]
        assert columns[1:] == ["34 (n=1)", "(none) (n=1)"]  # how many respondents each has
        shown = _rows(screen.table("matrix"))
        assert [[int(n) if n != "·" else 0 for n in row[1:]] for row in shown] == \
            by_age["cells"]
        await pilot.press("r")  # each code with the codes below it
        rolled = reports.matrix(project, by="age", rollup=True)
        shown = _rows(screen.table("matrix"))
        assert [[int(n) if n != "·" else 0 for n in row[1:]] for row in shown] == \
            rolled["cells"] != by_age["cells"]
        await pilot.press("n")  # respondents per cell
        by_cases = reports.matrix(project, by="age", rollup=True, count="cases")
        shown = _rows(screen.table("matrix"))
        assert [[int(n) if n != "·" else 0 for n in row[1:]] for row in shown] == \
            by_cases["cells"]
        assert "respondents per cell" in str(screen.query_one("#matrix-note").render())
        await pilot.press("r", "n")  # back to segments of each code itself
        shown = _rows(screen.table("matrix"))
        assert [[int(n) if n != "·" else 0 for n in row[1:]] for row in shown] == \
            by_age["cells"]

        await pilot.press("3")
        pairs = reports.cooccurrence(project)
        assert pairs == [{"a": "Motivation/Anger", "b": "Motivation/Calling", "count": 2}]
        assert [row[:3] for row in _rows(screen.table("cooccurrence"))] == [
            ["Motivation/Anger", "Motivation/Calling", "2"]]

        await pilot.press("4")
        assert [[row[1], row[2], row[4]] for row in _rows(screen.table("saturation"))] == [
            [r["document"], str(r["new_codes"]), str(r["cumulative"])]
            for r in reports.saturation(project)
        ]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)

        for query, text, kind in (("rep freq", "Report: frequencies", "frequencies"),
                                  ("rep matrix", "Report: code × case matrix", "matrix"),
                                  ("rep co-occ", "Report: co-occurrence", "cooccurrence"),
                                  ("rep satur", "Report: saturation", "saturation")):
            await _palette(pilot, app, query, text)
            await until(pilot, lambda: isinstance(app.screen, ReportsScreen))
            assert app.screen.kind == kind
            assert app.screen.query_one("#report-switcher").current == f"report-{kind}"
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is app.main_screen)

    drive(scenario)


def test_matrix_cell_lists_its_segments_and_jumps(rich_study, drive):
    async def scenario(pilot, app):
        project = app.project
        await pilot.press("ctrl+t", "2")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen)
                    and app.screen.kind == "matrix")
        matrix = reports.matrix(project)
        row = matrix["rows"].index("Motivation/Calling")
        column = matrix["columns"].index("Respondent 1")
        app.screen.table("matrix").move_cursor(row=row, column=column + 1)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SegmentListScreen))
        calling = project.codebook.find("Motivation/Calling")
        doc1 = project.documents.named("Interview 1")
        expected = {c.id for c in project.codings.of_code(calling) if c.document == doc1.id}
        listed = [s.coding for s in app.screen.segments]
        assert {c.id for c in listed} == expected
        assert len(listed) == matrix["cells"][row][column] == 2
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.screen is app.main_screen)
        main = app.main_screen
        assert main.document.name == "Interview 1"
        assert main.transcript.cursor == listed[1].start == INTERVIEW_1.index("my calling")

        # the (none) column holds the segment of the document without a case
        await pilot.press("ctrl+t", "2")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        app.screen.table("matrix").move_cursor(row=matrix["rows"].index("Networks"), column=3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SegmentListScreen))
        assert [s.document.name for s in app.screen.segments] == ["Field notes"]
        await pilot.press("escape")  # back to the report, then to the main screen
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen))

        # co-occurrence: the overlapping segments of both codes
        await pilot.press("3", "enter")
        await until(pilot, lambda: isinstance(app.screen, SegmentListScreen))
        listed = sorted((s.document.name, s.path, s.coding.text) for s in app.screen.segments)
        assert listed == [
            ("Interview 1", "Motivation/Anger", "Anger, honestly"),
            ("Interview 1", "Motivation/Calling", "Anger, honestly. Anger at how"),
            ("Interview 2", "Motivation/Anger", "Злость"),
            ("Interview 2", "Motivation/Calling", "Злость и солидарность"),
        ]

    drive(scenario)


def test_reports_share_one_focused_grid_and_keep_each_cursor(rich_study, drive):
    async def scenario(pilot, app):
        await pilot.press("ctrl+t")
        await until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        screen = app.screen
        grid = screen.grid
        assert screen.focused is grid
        await pilot.press("down")
        assert grid.cursor_coordinate == (1, 0)
        await pilot.press("2", "right")
        assert screen.table("matrix") is grid and grid.cursor_coordinate == (0, 2)
        await until(pilot, lambda: "By attribute" in screen_text(app))  # b, in the matrix only
        with pytest.raises(LookupError):
            screen.table("frequencies")
        await pilot.press("3")
        await until(pilot, lambda: "By attribute" not in screen_text(app))
        await pilot.press("1")
        assert grid.cursor_coordinate == (1, 0)  # each report as it was left
        await pilot.press("2")
        assert grid.cursor_coordinate == (0, 2)
        assert screen.focused is grid

        # a click moves the cursor; a click on the cursor lists its segments (as DataTable did)
        matrix = reports.matrix(app.project)
        row, column = matrix["rows"].index("Networks"), matrix["columns"].index("(none)") + 1
        offset = (grid.table.offsets[column] + 1, row + 1)  # below the header
        await pilot.click(grid, offset=offset)
        assert grid.cursor_coordinate == (row, column)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.click(grid, offset=offset)
        await until(pilot, lambda: isinstance(app.screen, SegmentListScreen))
        assert [s.document.name for s in app.screen.segments] == ["Field notes"]

    drive(scenario)


class _GridApp(App):
    """A grid (or a DataTable) alone, for the tests of the grid itself."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


def run_headless(app: App, scenario, size=(60, 12)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


def _drawn_row(grid: GridView, y: int) -> str:
    return grid.render_line(y).text


def test_grid_draws_only_what_shows_and_keeps_the_first_column():
    asked: set[tuple[int, int]] = set()

    def cell(row: int, column: int) -> Text:
        asked.add((row, column))
        return Text(f"r{row}" if column == 0 else str(column % 1000).rjust(4))

    columns = [GridColumn(Text("Name"), 6), *(GridColumn(Text(f"c{i}"), 4) for i in range(1, 301))]
    table = GridTable(columns, 5000, cell, fixed_columns=1, cursor=(0, 1))
    grid = GridView()

    async def scenario(pilot) -> None:
        grid.show(table)
        grid.focus()
        await pilot.pause()
        # 12 lines of 60 cells: the header, 11 rows, the name and 8 or 9 columns of 6 cells
        assert asked and max(r for r, _ in asked) <= 11 and max(c for _, c in asked) <= 10
        assert _drawn_row(grid, 0).split()[:3] == ["Name", "c1", "c2"]
        assert _drawn_row(grid, 1).split()[:3] == ["r0", "1", "2"]
        await pilot.press("end")  # the last column; the header and the names stay
        assert grid.cursor_coordinate == (0, 300)
        header, first = _drawn_row(grid, 0).split(), _drawn_row(grid, 1).split()
        assert (header[0], header[-1], first[0], first[-1]) == ("Name", "c300", "r0", "300")
        await pilot.press("ctrl+end")
        bottom = grid.scrollable_content_region.height - 1
        assert grid.cursor_row == 4999 and _drawn_row(grid, bottom).split()[0] == "r4999"
        assert _drawn_row(grid, 0).split()[0] == "Name"
        await pilot.press("home")  # the names' column: back to the first columns
        assert grid.cursor_coordinate == (4999, 0) and grid.scroll_offset.x == 0
        await pilot.press("ctrl+pagedown")  # a page of columns right; the cursor stays
        assert grid.scroll_offset.x == grid.scrollable_content_region.width - 8
        assert grid.cursor_coordinate == (4999, 0) and _drawn_row(grid, 0).split()[0] == "Name"
        await pilot.press("ctrl+home", "pagedown")
        assert grid.cursor_row == 10 and _drawn_row(grid, 1).split()[0] == "r10"
        await pilot.press("pageup", "down", "right")
        assert grid.cursor_coordinate == (1, 1)
        assert len(asked) < 2000  # of 1,505,000 cells

    run_headless(_GridApp(grid), scenario)


@pytest.mark.parametrize("cursor_type", ["cell", "row"])
def test_grid_paints_cells_as_the_datatable_did(cursor_type):
    """Heat cells, the cursor on them, the header and the filler: segment for segment (but
    their meta) what the reports' DataTable drew."""
    counts = [[(r * 7 + c * 3) % 6 for c in range(6)] for r in range(30)]
    names = [f"Theme {r % 4}/Code {r:03}" for r in range(30)]
    labels = ["Respondent 1", "34", "(none)", "Respondent 10", "5", "x"]
    widths = [max(3, len(label)) for label in labels]

    def cell(row: int, column: int) -> Text:
        if column == 0:
            return Text(names[row], no_wrap=True)
        return heat_cell(counts[row][column - 1], 5, widths[column - 1])

    def styled(strip) -> list[tuple[str, object]]:
        cells = []
        for segment in strip:
            style = segment.style.copy() if segment.style else None
            if style is not None:
                style._meta = None  # noqa: SLF001 - meta is where the two may differ
            cells += [(char, style) for char in segment.text]
        return cells

    async def scenario(pilot) -> None:
        table, grid = pilot.app.query_one(DataTable), pilot.app.query_one(GridView)
        for row, column in ((0, 1), (4, 3), (17, 5), (29, 6), (3, 0)):
            table.move_cursor(row=row, column=column)
            grid.move_cursor(row=row, column=column)
            pilot.app.set_focus(table)  # each focused in turn, then neither
            await pilot.pause()
            expected = [styled(table.render_line(y)) for y in range(10)]
            pilot.app.set_focus(grid)
            await pilot.pause()
            assert [styled(grid.render_line(y)) for y in range(10)] == expected, (row, column)
            assert tuple(grid.scroll_offset) == tuple(table.scroll_offset)
            pilot.app.set_focus(None)
            await pilot.pause()
            assert [styled(grid.render_line(y)) for y in range(10)] == \
                [styled(table.render_line(y)) for y in range(10)], (row, column)

    class Both(App):
        CSS = "DataTable, GridView { height: 1fr; }"

        def compose(self) -> ComposeResult:
            table = DataTable(cursor_type=cursor_type)
            table.add_column("Code")
            for label, width in zip(labels, widths, strict=True):
                table.add_column(label.rjust(width))
            for row in range(30):
                table.add_row(*(cell(row, column) for column in range(7)))
            yield table
            grid = GridView()
            grid.show(GridTable([GridColumn(Text("Code"), max(map(len, names))),
                                 *(GridColumn(Text(label.rjust(w)), w)
                                   for label, w in zip(labels, widths, strict=True))],
                                30, cell, cursor_type=cursor_type))
            yield grid

    run_headless(Both(), scenario, size=(60, 24))


def test_charts_and_key_ids():
    assert {"reports", "study_search", "matrix_by", "report_segments", "code_hits",
            "search_regex", "search_case", "search_role", "search_widen"} <= known_ids()
    assert bar(0, 10, 8) == ""
    assert bar(10, 10, 8) == "█" * 8
    assert bar(1, 100, 8) == "▏"
    assert sparkline([0, 2, 4]) == "▁▅█"
    assert heat_style(0, 5) == "dim"
    assert heat_style(5, 5) != heat_style(1, 5)


# --------------------------------------------------------------------------- search
def test_search_all_documents_jump_code_all_and_undo(rich_study, drive):
    async def scenario(pilot, app):
        project = app.project
        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, StudySearchScreen))
        await pilot.press(*"злость", "enter")
        screen = app.screen
        await until(pilot, lambda: len(screen.hits) == 1)
        hit = screen.hits[0]
        assert (hit.document, hit.case, hit.line, hit.text) == \
            ("Interview 2", "Respondent 2", 4, "Злость")
        assert "Interview 2" in screen_text(app) and "Злость" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is app.main_screen)
        assert app.main_screen.document.name == "Interview 2"
        assert app.main_screen.transcript.cursor == hit.start == INTERVIEW_2.index("Злость")

        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, StudySearchScreen))
        await pilot.press(*"anger", "enter")
        screen = app.screen
        expected = search(project, "anger")
        await until(pilot, lambda: len(screen.hits) == len(expected) == 2)
        before = len(project.codings)
        steps = len(project.history.done)
        await pilot.press("c")
        await until(pilot, lambda: code_picker_of(app) is not None)
        await pilot.press(*"Emotion", "enter")
        await until(pilot, lambda: "Emotion" in [c.name for c in project.codebook.all()])
        emotion = project.codebook.find("Emotion")
        coded = sorted((c.start, c.end) for c in project.codings.of_code(emotion))
        assert coded == [(h.start, h.end) for h in expected]
        assert len(project.codings) == before + 2
        assert len(project.history.done) == steps + 1
        assert any("Added 2 codings with Emotion" in n for n in app.notices)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main_screen)
        await pilot.press("u")  # one undo takes every coding of the search back
        assert len(project.codings) == before
        assert "Emotion" not in [c.name for c in project.codebook.all()]

        # regex, match case, and coding the hits' paragraphs
        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, StudySearchScreen))
        screen = app.screen
        await pilot.press("ctrl+r", "ctrl+l", *r"Ang\w+", "enter")
        await until(pilot, lambda: screen.searched == r"Ang\w+")
        assert [h.text for h in screen.hits] == ["Anger", "Anger"]
        await pilot.press("ctrl+g", "ctrl+g", "ctrl+g", "ctrl+g")  # word, sentence, turn,
        assert screen.widen == "paragraph"  # paragraph
        await pilot.press("c")
        await until(pilot, lambda: code_picker_of(app) is not None)
        await pilot.press(*"Networks", "enter")
        # the paragraph's words, without its speaker label
        line = "Anger, honestly. Anger at how we are treated keeps me going."
        await until(pilot, lambda: len(project.codings) == before + 1)
        start = INTERVIEW_1.index(line)
        networks = project.codebook.find("Networks")
        assert (start, start + len(line)) in {
            (c.start, c.end) for c in project.codings.of_code(networks)}

    drive(scenario)


# --------------------------------------------------------------------------- exports
def test_exports_write_private_files(rich_study, drive, tmp_path):
    folder = rich_study.parent

    async def scenario(pilot, app):
        await _palette(pilot, app, "exp write", "Export: write-up (md/docx/html/csv/xlsx)")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        assert app.screen.query_one("#export-path").value == str(folder / "Activism study.md")
        await pilot.press("enter")
        await until(pilot, lambda: any(n.startswith("Exported to") for n in app.notices))
        assert app.screen is app.main_screen

        await _palette(pilot, app, "exp other", "Export: for other tools (qdpx/qdc/codebook-csv)")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await pilot.press("enter")
        await until(pilot, lambda: sum(n.startswith("Exported to") for n in app.notices) == 2)
        assert "REFI-QDA project with 3 documents" in app.notices[-1]

        # a folder that does not exist: an error, and the dialog stays to fix the path
        await _palette(pilot, app, "exp write", "Export: write-up (md/docx/html/csv/xlsx)")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen))
        await pilot.press("down")  # docx: the suffix follows the format
        field = app.screen.query_one("#export-path")
        assert field.value.endswith("Activism study.docx")
        field.value = str(tmp_path / "missing" / "x.docx")
        app.screen.set_focus(field)
        await pilot.press("enter")
        await until(pilot, lambda: any("does not exist" in n for n in app.notices))
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape")

    drive(scenario)
    for name in ("Activism study.md", "Activism study.qdpx"):
        path = folder / name
        assert path.is_file() and path.stat().st_size > 0
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert "Anger, honestly" in (folder / "Activism study.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- snapshots
@pytest.fixture
def snap_app(rich_study):
    application = WorkbenchApp.open(rich_study)
    application.theme = "textual-dark"
    yield application
    application.finish()


def _open_report(*keys: str):
    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press("ctrl+t", *keys)
        await until(pilot, lambda: isinstance(pilot.app.screen, ReportsScreen))
        await pilot.pause()

    return run_before


def test_frequencies_80x24(snap_app, snap_compare):
    assert snap_compare(snap_app, terminal_size=(80, 24), run_before=_open_report())


def test_saturation_80x24(snap_app, snap_compare):
    assert snap_compare(snap_app, terminal_size=(80, 24), run_before=_open_report("4"))
