"""Shared helpers of the TUI tests: a small fixed study, an isolated environment, screen text."""

from __future__ import annotations

import re
from pathlib import Path

from workbench.core.project import Project

INTERVIEW_1 = (
    "Interviewer: How did you come to activism?\n"
    "Respondent 1: Through friends. A chat group of queer people in Almaty pulled me in.\n"
    "\n"
    "Interviewer: What keeps you going?\n"
    "Respondent 1: Anger, honestly. Anger at how we are treated keeps me going.\n"
    "Respondent 1: And a feeling that it is my calling, not a job.\n"
)
INTERVIEW_2 = (
    "Интервьюер: Как вы пришли в активизм?\n"
    "Респондент 2: Через друзей из чата. Было страшно, но интересно 😀.\n"
    "Интервьюер: Что вас держит?\n"
    "Респондент 2: Злость и солидарность. 团结 — это важно.\n"
)
FIELD_NOTES = "Notes after the second interview.\nThe respondent asked to be called R2.\n"

#: A transcript with a header line, time marks, and a turn of two paragraphs.
TIMED = (
    "Date: 12 May 2024\n"
    "[00:00:05] Interviewer: Tell me about the protest. Where were you?\n"
    "[00:00:12] Respondent 3: I was at the square. It was cold.\n"
    "\n"
    "We stood there for hours. Nobody left.\n"
    "[00:01:40] Interviewer: Why did you stay?\n"
    "[00:01:45] Respondent 3: Because my friends were there. Because it mattered.\n"
)
RUSSIAN = "Интервьюер: Почему вы остались?\nРеспондент 4: Потому что там были друзья.\n"
NOTES = "Field notes, first paragraph.\nA second paragraph of notes.\n"


def build_study(path: Path, *, memos: bool = True) -> Path:
    """A fixed study: three documents, two cases, a theme with codes, codings and memos.

    Returns the project file. Timestamps are fixed so screens do not change from run to run.
    """
    project = Project.create(path, name="Activism study")
    try:
        doc1 = project.documents.add(
            "Interview 1", INTERVIEW_1, case="Respondent 1",
            attributes={"pronouns": "she/her", "city": "Almaty", "age": "34"},
        )
        doc2 = project.documents.add(
            "Interview 2", INTERVIEW_2, case="Respondent 2",
            attributes={"pronouns": "he/him", "city": "Astana"},
        )
        project.documents.add("Field notes", FIELD_NOTES)
        project.codebook.add("Motivation", is_theme=True, description="Why people act")
        project.codebook.add("Motivation/Anger")
        project.codebook.add("Motivation/Calling")
        project.codebook.add("Networks")
        start = INTERVIEW_1.index("Through friends")
        project.codings.add(doc1, start, start + len("Through friends"), "Networks", "ann")
        start = INTERVIEW_1.index("Anger, honestly")
        project.codings.add(doc1, start, start + len("Anger, honestly"), "Motivation/Anger", "ann")
        start = INTERVIEW_2.index("Злость")
        project.codings.add(doc2, start, start + len("Злость"), "Motivation/Anger", "ann")
        if memos:
            anger = project.codebook.find("Motivation/Anger")
            project.memos.add("code", anger.id, "Anger is a motor, not only a feeling.", "ann")
            project.memos.add("document", doc1.id, "Long pauses before the answers.", "ann")
        _fix_times(project)
        project.save()
    finally:
        project.close()
    return project.path


def build_turns_study(path: Path) -> Path:
    """A study whose first document has times and a turn of two paragraphs, with one coding."""
    project = Project.create(path, name="Protest study")
    try:
        doc = project.documents.add("Interview 3", TIMED, case="Respondent 3",
                                    attributes={"city": "Almaty"})
        project.documents.add("Интервью 4", RUSSIAN, case="Respondent 4")
        project.documents.add("Notes", NOTES)
        project.codebook.add("Place")
        project.codebook.add("Staying")
        start = TIMED.index("the square")
        project.codings.add(doc, start, start + len("the square"), "Place", "ann")
        _fix_times(project)
        project.save()
    finally:
        project.close()
    return project.path


def _fix_times(project: Project) -> None:
    """Fixed timestamps, one second apart in the order records were made (for snapshots)."""
    import dataclasses

    with project.recorder.unrecorded():
        for table in ("documents", "cases", "codes", "codings", "memos"):
            component = project.table(table)
            records = sorted(component.values(), key=lambda r: (r.created, _order(r)))
            for second, record in enumerate(records):
                names = {f.name for f in dataclasses.fields(record)}
                stamp = f"2024-05-01T10:00:{second:02d}Z"
                fixed = {k: stamp for k in ("created", "modified") if k in names}
                component.put(dataclasses.replace(record, **fixed))


def _order(record) -> tuple:
    """Creation order within one second: documents by order, codings by position."""
    return (getattr(record, "order", 0), getattr(record, "document", ""),
            getattr(record, "start", 0), getattr(record, "name", ""))


def screen_text(app) -> str:
    """The text on screen now (the active screen, with what shows beneath it)."""
    from workbench.tui.textual_compat import screen_lines

    return "\n".join(strip.text for strip in screen_lines(app.screen))


def reopen(path: Path) -> Project:
    """The project as it is on disk now (read-only)."""
    return Project.open(path)


def paths_of(project: Project) -> list[tuple[str, str, str]]:
    """(document, code path, text) of every coding, sorted."""
    docs = project.documents
    codes = project.codebook
    return sorted(
        (docs[c.document].name, project.codebook.path(codes[c.code]), c.text)
        for c in project.codings.values()
    )


async def until(pilot, condition, timeout: float = 20.0) -> None:
    """Let the app run until ``condition()`` holds (a bounded wait)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.01)


async def quit_app(pilot, app) -> None:
    """Press ``q`` and wait until the app has saved and asked to exit."""
    await pilot.press("q")
    await until(pilot, lambda: app.return_code is not None)


def picker_of(app, title: str = ""):
    """The picker asking now, whose title starts with ``title``: the main screen's overlay
    or a picker screen's; else ``None``."""
    picker = getattr(app.screen, "picker", None)
    if picker is None or not picker.is_open or not picker.title_text.startswith(title):
        return None
    return picker


def code_picker_of(app):
    """The code picker, when it is asking."""
    from workbench.tui.screens.code_picker import NEW_CODE

    picker = picker_of(app)
    return picker if picker is not None and picker.new_label == NEW_CODE else None


def lines_drawn(widget) -> list[int]:
    """The lines ``widget`` draws from now on (``y`` of each ``render_line`` call)."""
    drawn: list[int] = []
    stock = widget.render_line

    def counted(y: int):
        drawn.append(y)
        return stock(y)

    widget.render_line = counted
    return drawn


class Terminal:
    """The cells a terminal shows after the app's writes: each update the app writes (a
    whole frame, or the parts that changed placed by cursor moves) is applied in turn, from
    the very text the driver writes (``render_segments``: text, cursor moves and colour
    codes), so that what a partial update left out can be seen. A cell is its character and
    the colour codes it was written with."""

    def __init__(self, app) -> None:
        from workbench.tui.textual_compat import on_update

        self.app = app
        self.cells: dict[tuple[int, int], tuple[str, str]] = {}
        on_update(app, self.apply)

    def apply(self, update) -> None:
        write_codes(update.render_segments(self.app.console), self.cells)

    def lines(self, width: int, height: int) -> list[list[tuple[str, str]]]:
        return _grid(self.cells, width, height)


def _grid(cells: dict[tuple[int, int], tuple[str, str]], width: int, height: int
          ) -> list[list[tuple[str, str]]]:
    """Rows of cells, a cell never written as empty."""
    return [[cells.get((x, y), ("", "")) for x in range(width)] for y in range(height)]


_CODE = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])")


def write_codes(data: str, cells: dict[tuple[int, int], tuple[str, str]],
                x: int = 0, y: int = 0) -> None:
    """Apply terminal output to ``cells``: cursor moves (``ESC [ row ; col H``), colour codes
    (``ESC [ ... m``, kept as written) and characters (a wide one takes two cells)."""
    from rich.cells import cell_len

    colour = ""
    at = 0
    for found in _CODE.finditer(data + "\x1b[0m"):
        for character in data[at:found.start()]:
            if character == "\n":
                continue
            cells[x, y] = (character, colour)
            if cell_len(character) == 2:
                cells[x + 1, y] = ("", colour)
            x += cell_len(character)
        at = found.end()
        params, kind = found.groups()
        if kind == "H":
            row, _, column = params.partition(";")
            y, x = int(row or 1) - 1, int(column or 1) - 1
        elif kind == "m":
            colour = "" if params in ("", "0") else params


def drawn_afresh(app) -> list[list[tuple[str, str]]]:
    """The cells of the app's screen composed whole now, as :meth:`Terminal.lines` gives
    them."""
    from workbench.tui.textual_compat import screen_lines

    width, height = app.size
    cells: dict[tuple[int, int], tuple[str, str]] = {}
    for y, strip in enumerate(screen_lines(app.screen)[:height]):
        write_codes(strip.render(app.console), cells, 0, y)
    return _grid(cells, width, height)
