"""Snapshot tests, at 80x24 and 120x40, of the screens of the everyday loop: the document list
and its removal question, the case dialog and its rename-or-move question, import, export,
retrieval (with context), the study-wide search and the memo review.

Update with ``pytest tests/test_tui_dialog_snapshots.py --snapshot-update`` and look at the
SVGs.
"""

from __future__ import annotations

import pytest
from tui_support import _fix_times as fix_times
from tui_support import picker_of, until

from workbench.core.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.dialogs import ChoiceScreen, ConfirmScreen
from workbench.tui.screens.documents import CaseScreen
from workbench.tui.screens.export import ExportScreen
from workbench.tui.screens.importing import ImportScreen
from workbench.tui.screens.memo_review import MemoReviewScreen
from workbench.tui.screens.retrieval import RetrievalScreen
from workbench.tui.screens.study_search import StudySearchScreen

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])



@pytest.fixture
def app(study):
    with Project.open(study, write=True) as project:  # a long segment and a coding memo
        doc = project.documents.named("Interview 1")
        start = doc.text.index("Anger at how")
        end = doc.text.index("not a job.") + len("not a job.")
        coding = project.codings.add(doc, start, end, "Motivation/Calling", "ann")
        project.memos.add("coding", coding.id, "Calling, against the idea of a job.", "ann")
        fix_times(project)  # the same screens every day
    application = WorkbenchApp.open(study)
    application.theme = "textual-dark"
    yield application
    application.finish()


def document_list_of(app):
    return picker_of(app, "Go to document")


def _steps(*keys: str, until_screen, then: tuple[str, ...] = (), value=None,
           ends_on: type | None = None):
    """Press ``keys``, wait for ``until_screen`` (a screen's class, or a function of the app
    finding what is shown), optionally set a field, press ``then``,
    and wait for ``ends_on`` (a question the keys ask)."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        if isinstance(until_screen, type):
            await until(pilot, lambda: isinstance(pilot.app.screen, until_screen))
        else:
            await until(pilot, lambda: until_screen(pilot.app) is not None)
        await pilot.pause()
        if value is not None:
            selector, text = value
            pilot.app.screen.query_one(selector).value = text
            await pilot.pause()
        if then:
            await pilot.press(*then)
        if ends_on is not None:
            await until(pilot, lambda: isinstance(pilot.app.screen, ends_on))
        await pilot.pause()

    return run_before


@SIZES
def test_document_list(app, snap_compare, size):
    assert snap_compare(app, terminal_size=size,
                        run_before=_steps("g", until_screen=document_list_of))


@SIZES
def test_remove_document_question(app, snap_compare, size):
    steps = _steps("g", until_screen=document_list_of, then=("ctrl+d",), ends_on=ConfirmScreen)
    assert snap_compare(app, terminal_size=size, run_before=steps)


@SIZES
def test_case_dialog(app, snap_compare, size):
    assert snap_compare(app, terminal_size=size,
                        run_before=_steps("A", until_screen=CaseScreen,
                                          then=(*"lives alone", "enter")))


@SIZES
def test_case_rename_or_move_question(app, snap_compare, size):
    steps = _steps("A", until_screen=CaseScreen,
                   then=("ctrl+n", "ctrl+u", *"Aigerim", "ctrl+s"), ends_on=ChoiceScreen)
    assert snap_compare(app, terminal_size=size, run_before=steps)


@SIZES
def test_export_dialog(app, snap_compare, size):
    steps = _steps("ctrl+p", *"export: write", "enter", until_screen=ExportScreen,
                   value=("#export-path", "Chapter 4.docx"), then=("down",))
    assert snap_compare(app, terminal_size=size, run_before=steps)


@SIZES
def test_import_dialog(app, snap_compare, size, study, monkeypatch):
    transcripts = study.parent.parent / "transcripts"
    transcripts.mkdir()
    for name in ("Interview 3.docx", "Interview 4.txt", "Focus group.vtt"):
        (transcripts / name).write_text("Interviewer: Why?\nR3: Because.\n", encoding="utf-8")
    (transcripts / "pilot").mkdir()
    monkeypatch.chdir(transcripts.parent)
    steps = _steps("ctrl+o", until_screen=ImportScreen, value=("#import-path", "transcripts/"),
                   then=("tab", *"Respondent 3", "tab", *"city: Oral"))
    assert snap_compare(app, terminal_size=size, run_before=steps)


@SIZES
def test_retrieval_with_context(app, snap_compare, size):
    steps = _steps("tab", "enter", until_screen=RetrievalScreen, then=("x",))
    assert snap_compare(app, terminal_size=size, run_before=steps)


@SIZES
def test_study_search_with_interviewer_hits(app, snap_compare, size):
    steps = _steps("ctrl+f", until_screen=StudySearchScreen,
                   then=(*"going", "enter", "ctrl+g", "ctrl+g"))
    assert snap_compare(app, terminal_size=size, run_before=steps)


@SIZES
def test_memo_review_with_a_coded_passage(app, snap_compare, size):
    assert snap_compare(app, terminal_size=size,
                        run_before=_steps("R", until_screen=MemoReviewScreen))

