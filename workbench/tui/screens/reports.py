"""The reports on screen: frequencies, code × case matrix, co-occurrence, saturation.

One screen, one tab per report (``1``–``4``, ``tab`` cycles). The numbers come from
:mod:`workbench.analysis.reports` as they are; this module only draws them (bars, a heat map, a
curve) and lists the segments behind a number (the codings of a matrix cell and of a
co-occurrence come from the same module): ``enter`` on a matrix cell, a frequency or a
co-occurrence lists those segments, and ``enter`` there jumps to one in its transcript.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Label, OptionList

from workbench.analysis import reports
from workbench.core.model import Coding
from workbench.core.project import Project
from workbench.printable import shorten_path
from workbench.tui import keymap
from workbench.tui.quoting import case_label
from workbench.tui.screens.retrieval import RetrievalScreen, Segment
from workbench.tui.widgets.charts import bar_text, curve_cell, heat_cell, sparkline
from workbench.tui.widgets.grid import GridColumn, GridTable, GridView
from workbench.wording import plural

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

#: The reports in tab order, with their tab titles.
TITLES = {
    "frequencies": "Frequencies",
    "matrix": "Code × case",
    "cooccurrence": "Co-occurrence",
    "saturation": "Saturation",
}
KINDS = tuple(TITLES)
#: Cells of the bars and of the curve.
BAR = 14
CURVE = 16
#: The code column takes at most this share of the screen; longer paths are shortened in the
#: middle (``Social networks…/Friends``) and the column stays put while the numbers scroll.
CODE_SHARE = 0.4
CODE_MIN = 16


# --------------------------------------------------------------------------- segments
def segments_for(project: Project, codings: list[Coding]) -> list[Segment]:
    """The codings as retrieval segments, in document order then position."""
    documents = project.documents
    codes = project.codebook
    found: list[Segment] = []
    for coding in codings:
        doc = documents.get(coding.document)
        code = codes.get(coding.code)
        if doc is None or code is None:
            continue
        label = case_label(project.cases.of(doc), doc)
        line = doc.text.count("\n", 0, coding.start) + 1
        found.append(Segment(project, coding, doc, label, project.codebook.path(code),
                             code.color, line))
    found.sort(key=lambda s: (s.document.order, s.document.name, s.coding.start, s.path,
                              s.coding.id))
    return found


class SegmentListScreen(RetrievalScreen):
    """A list of segments (retrieval's list and keys) under a title of the caller's making."""

    def __init__(self, project: Project, title: Text, segments: list[Segment]) -> None:
        Screen.__init__(self)  # RetrievalScreen's own init would look up a code's segments
        self.project = project
        self.title_text = title
        self.segments = segments
        self.context = False

    def compose(self) -> ComposeResult:
        yield Label(self.title_text, id="retrieval-title", classes="screen-title")
        yield OptionList(id="segments")
        if not self.segments:
            yield Label("No segments here.", classes="empty")
        yield Footer()


# --------------------------------------------------------------------------- the screen
class ReportsScreen(Screen[tuple[str, int] | None]):
    """The four reports; dismisses with (document id, offset) to jump there, or ``None``."""

    app: WorkbenchApp
    BINDINGS = [
        *keymap.bindings("reports"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, project: Project, kind: str = "frequencies", by: str = "case") -> None:
        super().__init__()
        self.project = project
        self.kind = kind if kind in TITLES else "frequencies"
        self.by = by
        self.count = "segments"  # what a matrix cell counts: segments or cases
        self.rollup = False  # a matrix row counts its code with the codes below it
        self.data: dict[str, Any] = {}  # report kind -> what reports.py returned
        self.tables: dict[str, GridTable] = {}  # report kind -> its table in the grid
        self.built: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Label(Text(f"Reports · {self.project.name}", no_wrap=True, overflow="ellipsis"),
                    classes="screen-title")
        yield Label(id="report-tabs")
        with ContentSwitcher(initial=f"report-{self.kind}", id="report-switcher"):
            for kind in KINDS:
                with Vertical(id=f"report-{kind}", classes="report"):
                    yield Label("", id=f"{kind}-note", classes="screen-subtitle report-note")
                    yield Label("", id=f"{kind}-empty", classes="empty report-empty")
        # one grid shows every report, each table keeping its cursor: the focus stays on it
        # (a change of focus makes the footer compose itself again, twice)
        yield GridView(id="report-grid", classes="report-table")
        yield Footer()

    def on_mount(self) -> None:
        self.action_show(self.kind)

    # ------------------------------------------------------------------ tabs
    def action_show(self, kind: str) -> None:
        """Show one report (computed the first time it is shown)."""
        if kind not in TITLES:
            return
        was_matrix = self.kind == "matrix"
        self.kind = kind
        if kind not in self.built:
            self.build(kind)
        self.query_one(ContentSwitcher).current = f"report-{kind}"
        self._tabs()
        self._show_table()
        if (kind == "matrix") != was_matrix:  # `b` comes or goes
            self.refresh_bindings()

    def _show_table(self) -> None:
        """Put the current report's table in the grid (hidden if the report is empty)."""
        grid = self.grid
        table = self.tables[self.kind]
        grid.show(table)
        grid.display = bool(table.row_count)
        if grid.display:
            self.set_focus(grid)

    def action_cycle(self, step: int) -> None:
        self.action_show(KINDS[(KINDS.index(self.kind) + step) % len(KINDS)])

    def _tabs(self) -> None:
        tabs = Text(no_wrap=True, overflow="ellipsis")
        for number, kind in enumerate(KINDS, start=1):
            style = "reverse bold" if kind == self.kind else "dim"
            tabs.append(f" {number} {TITLES[kind]} ", style=style)
            tabs.append(" ")
        self.query_one("#report-tabs", Label).update(tabs)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_by", "toggle_rollup", "next_count"):
            return self.kind == "matrix"
        return True

    @property
    def grid(self) -> GridView:
        """The grid showing the current report."""
        return self.query_one("#report-grid", GridView)

    def table(self, kind: str) -> GridView:
        """The grid, showing report ``kind`` (a LookupError if another report is on show)."""
        if kind != self.kind:
            raise LookupError(f"the grid shows {self.kind}, not {kind}")
        return self.grid

    def build(self, kind: str) -> None:
        """(Re)compute a report and make its table (shown by :meth:`_show_table`)."""
        data = reports.run(self.project, kind, by=self.by, count=self.count, rollup=self.rollup)
        self.data[kind] = data
        self.built.add(kind)
        self.tables[kind] = getattr(self, f"_fill_{kind}")(data)
        rows = data["rows"] if kind == "matrix" else data
        self.query_one(f"#{kind}-empty", Label).display = not rows

    def _note(self, kind: str, text: Text | str) -> None:
        self.query_one(f"#{kind}-note", Label).update(text)

    def _empty(self, kind: str, text: str) -> None:
        self.query_one(f"#{kind}-empty", Label).update(text)

    # ------------------------------------------------------------------ frequencies
    def _fill_frequencies(self, data: list[dict]) -> GridTable:
        colors = {self.project.codebook.path(c): c.color for c in self.project.codebook.all()}
        top = max((row["segments"] for row in data), default=0)
        nested = any(row["with_children"]["segments"] != row["segments"]
                     or row["with_children"]["cases"] != row["cases"] for row in data)
        # (key, header): own counts, and with the codes below (all) when any code has some
        keys: list[tuple[str, str]] = [("segments", "Segments")]
        if nested:
            keys.append(("all:segments", "(all)"))
        keys += [("documents", "Docs"), ("cases", "Cases")]
        if nested:
            keys.append(("all:cases", "(all)"))
        keys.append(("chars", "Chars"))

        def value(item: dict, key: str) -> int:
            return item["with_children"][key[4:]] if key.startswith("all:") else item[key]

        widths = {
            key: max(len(header), *(len(str(value(row, key))) for row in data)) if data
            else len(header) for key, header in keys
        }
        code_width = self._code_width(f"■ {row['code']}" for row in data)
        # the bar takes the room the numbers leave, so an 80-column screen shows them all
        numbers = sum(widths.values()) + 2 * (len(widths) + 2)  # each column and its gap
        bar = max(4, min(BAR, self.app.size.width - code_width - numbers - 4))

        def cell(row: int, column: int) -> Text:
            item = data[row]
            if column == 0:
                name = Text(no_wrap=True)
                name.append("■ ", style=colors.get(item["code"], ""))
                name.append(shorten_path(item["code"], code_width - 2))
                return name
            if column == 1:
                return _number(item["segments"], widths["segments"])
            if column == 2:
                return bar_text(item["segments"], top, bar, "bold")
            key = keys[column - 2][0]
            return _number(value(item, key), widths[key], "dim" if key.startswith("all:") else "")

        table = GridTable([
            _column("Code", code_width),
            _column("Segments".rjust(widths["segments"]), widths["segments"]),
            _column("", bar),
            *(_column(header.rjust(widths[key]), widths[key]) for key, header in keys[1:]),
        ], len(data), cell, cursor_type="row", fixed_columns=1)
        segments = sum(row["segments"] for row in data)
        how = ("each code itself; (all): with the codes below it" if nested
               else "each code itself")
        self._note("frequencies", Text(
            f"{plural(len(data), 'code')} · {plural(segments, 'coded segment')} · {how}",
            no_wrap=True, overflow="ellipsis"))
        self._empty("frequencies", "No codes yet: code a segment with c in a transcript.")
        return table

    def _code_width(self, texts: Iterable[str]) -> int:
        """The code column's width: the widest text, at most :data:`CODE_SHARE` of the
        screen (never under :data:`CODE_MIN`)."""
        room = max(CODE_MIN, int(self.app.size.width * CODE_SHARE))
        return min(_widest(texts), room)

    # ------------------------------------------------------------------ matrix
    def _fill_matrix(self, data: dict) -> GridTable:
        rows, cells = data["rows"], data["cells"]
        top = max((n for row in cells for n in row), default=0)
        headers = data["columns"] if self.by == "case" else [
            f"{column} (n={n})" for column, n in zip(data["columns"], data["column_cases"],
                                                     strict=True)
        ]
        widths = [max(3, cell_len(header)) for header in headers]
        code_width = self._code_width(rows)

        def cell(row: int, column: int) -> Text:
            if column == 0:
                return Text(shorten_path(rows[row], code_width), no_wrap=True)
            return heat_cell(cells[row][column - 1], top, widths[column - 1])

        table = GridTable([
            _column("Code", code_width),
            *(_column(" " * (w - cell_len(header)) + header, w)
              for header, w in zip(headers, widths, strict=True)),
        ], len(rows), cell, fixed_columns=1, cursor=(0, 1))  # the first column stays put
        note = Text(no_wrap=True, overflow="ellipsis")
        note.append("by ", style="dim")
        note.append(self.by, style="bold")
        choices = self.by_choices()
        if len(choices) > 1:
            note.append(f"  (b: {' → '.join(choices)})", style="dim")
        counted = "respondents" if self.count == "cases" else "coded segments"
        note.append(f" · {counted} per cell", style="dim")
        note.append(" · with the codes below (r: each itself)" if self.rollup
                    else " · each code itself (r: with the codes below)", style="dim")
        self._note("matrix", note)
        self._empty("matrix", "No codes yet: the matrix has no rows.")
        return table

    def action_toggle_rollup(self) -> None:
        """Count each row's code with the codes below it, or by itself again."""
        self.rollup = not self.rollup
        self._rebuild_matrix()

    def action_next_count(self) -> None:
        """Count respondents (cases) per cell, or coded segments again."""
        self.count = "segments" if self.count == "cases" else "cases"
        self._rebuild_matrix()

    def _rebuild_matrix(self, column: int | None = None) -> None:
        grid = self.grid
        row, column = grid.cursor_row, column or max(1, grid.cursor_column)
        self.build("matrix")
        self._show_table()
        if self.data["matrix"]["rows"]:
            self.grid.move_cursor(row=row, column=column)

    def by_choices(self) -> list[str]:
        """``case`` and every case attribute, in the order ``b`` cycles through them."""
        return ["case", *reports.attribute_names(self.project)]

    def action_next_by(self) -> None:
        """Show the matrix by the next case attribute (after the last: by case again)."""
        choices = self.by_choices()
        self.by = choices[(choices.index(self.by) + 1) % len(choices)] if self.by in choices \
            else "case"
        self._rebuild_matrix(column=1)  # other columns now

    # ------------------------------------------------------------------ co-occurrence
    def _fill_cooccurrence(self, data: list[dict]) -> GridTable:
        top = max((row["count"] for row in data), default=0)

        def cell(row: int, column: int) -> Text:
            item = data[row]
            if column < 2:
                return Text(item["ab"[column]], no_wrap=True)
            if column == 2:
                return _number(item["count"], 8)
            return bar_text(item["count"], top, BAR, "bold")

        table = GridTable([
            _column("Code a", _widest(row["a"] for row in data)),
            _column("Code b", _widest(row["b"] for row in data)),
            _column("Overlaps", 8),
            _column("", BAR),
        ], len(data), cell, cursor_type="row")
        self._note("cooccurrence", Text(
            "pairs of codings of two codes whose spans overlap, most first",
            no_wrap=True, overflow="ellipsis"))
        self._empty("cooccurrence", "No two codes overlap in any document yet.")
        return table

    # ------------------------------------------------------------------ saturation
    def _fill_saturation(self, data: list[dict]) -> GridTable:
        top_new = max((row["new_codes"] for row in data), default=0)
        total = data[-1]["cumulative"] if data else 0
        w_n = len(str(len(data)))
        w = _widths(data, {"new_codes": "New", "cumulative": "All"})

        def cell(row: int, column: int) -> Text:
            item = data[row]
            if column == 0:
                return _number(row + 1, w_n, "dim")
            if column == 1:
                return Text(item["document"], no_wrap=True)
            if column == 2:
                return _number(item["new_codes"], w["new_codes"])
            if column == 3:
                return bar_text(item["new_codes"], top_new, BAR - 4, "bold")
            if column == 4:
                return _number(item["cumulative"], w["cumulative"])
            return curve_cell(item["cumulative"], total, CURVE)

        table = GridTable([
            _column("#".rjust(w_n), w_n),
            _column("Document", _widest(row["document"] for row in data)),
            _column("New".rjust(w["new_codes"]), w["new_codes"]),
            _column("new codes", BAR - 4),
            _column("All".rjust(w["cumulative"]), w["cumulative"]),
            _column("cumulative codes", CURVE),
        ], len(data), cell, cursor_type="row")
        note = Text(no_wrap=True, overflow="ellipsis")
        note.append("import order · new ", style="dim")
        note.append(sparkline([row["new_codes"] for row in data]))
        note.append(" · cumulative ", style="dim")
        note.append(sparkline([row["cumulative"] for row in data]))
        quiet = 0
        for row in reversed(data):
            if row["new_codes"]:
                break
            quiet += 1
        if data and quiet:
            note.append(f" · no new codes in the last {quiet}", style="dim")
        self._note("saturation", note)
        self._empty("saturation", "No documents yet.")
        return table

    # ------------------------------------------------------------------ enter
    @on(GridView.Selected)
    def _selected(self, event: GridView.Selected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """The segments behind the number under the cursor (saturation: the document)."""
        kind = self.kind
        data = self.data.get(kind)
        grid = self.grid
        if not data or grid.row_count == 0:
            return
        row = grid.cursor_row
        project = self.project
        if kind == "saturation":
            documents = project.documents.all()
            if 0 <= row < len(documents):
                doc = documents[row]
                self.dismiss((doc.id, self.app.ui_state.cursors.get(doc.id, 0)))
            return
        if kind == "frequencies":
            code = project.codebook.all()[row]
            codings = project.codings.of_code(code)
            title = _title(code.color, data[row]["code"], plural(len(codings), "segment"))
        elif kind == "matrix":
            code = project.codebook.all()[row]
            column = grid.cursor_column - 1
            columns = data["columns"]
            codings = reports.matrix_cell(project, code, self.by, None if column < 0 else column,
                                          rollup=self.rollup)
            where = "all columns" if column < 0 else f"{self.by}: {columns[column]}"
            title = _title(code.color, data["rows"][row],
                           f"× {where} · {plural(len(codings), 'segment')}")
        else:
            pair = data[row]
            codings = reports.overlapping_codings(project, pair["a"], pair["b"])
            title = _title(None, f"{pair['a']} & {pair['b']}",
                           f"{plural(pair['count'], 'overlap')} · "
                           f"{plural(len(codings), 'segment')}")

        def chosen(found: tuple[str, int] | None) -> None:
            if found is not None:
                self.dismiss(found)

        self.app.push_screen(SegmentListScreen(project, title, segments_for(project, codings)),
                             chosen)

    def action_back(self) -> None:
        self.dismiss(None)


def _widths(data: list[dict], headers: dict[str, str]) -> dict[str, int]:
    """The width of each number column: its header or its widest number."""
    return {
        key: max(len(header), *(len(str(row[key])) for row in data)) if data else len(header)
        for key, header in headers.items()
    }


def _widest(texts: Iterable[str]) -> int:
    """The cells the longest of ``texts`` takes (0 for none; each distinct text measured once:
    the 10,000 pairs of a co-occurrence name a few hundred codes)."""
    return max(map(cell_len, set(texts)), default=0)


def _column(label: str, width: int) -> GridColumn:
    """A grid column headed ``label`` whose cells are ``width`` cells wide."""
    return GridColumn(Text(label), width)


def _number(value: int, width: int, style: str = "") -> Text:
    """A number right-aligned in ``width`` cells (the grid does not justify cells)."""
    return Text(str(value).rjust(width), style=style, no_wrap=True)


def _title(color: str | None, head: str, tail: str) -> Text:
    title = Text(no_wrap=True, overflow="ellipsis")
    if color:
        title.append("■ ", style=color)
    title.append(head, style="bold")
    title.append(f"  {tail}", style="dim")
    return title


def open_report(app: WorkbenchApp, kind: str = "frequencies") -> None:
    """Push the reports screen on the report ``kind``; a chosen segment opens in the main screen."""

    def chosen(found: tuple[str, int] | None) -> None:
        main = app.main_screen
        if found is not None and main is not None:
            main.go_to(*found)

    app.push_screen(ReportsScreen(app.project, kind), chosen)
