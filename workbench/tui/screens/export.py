"""Export from the TUI: the write-up (md, docx, html, csv) or REFI-QDA (qdpx, qdc).

A small dialog asks the format and the file (beside the project by default), then writes it on
a thread (a big project takes seconds) with :func:`workbench.io.writeup.export_writeup` or
:func:`workbench.io.refi.export_qdpx` / ``export_qdc``. The dialog stays up while the file is
written, so the project does not change under the export; a user error (a missing folder, an
empty codebook for a .qdc) is shown in it and the path can be corrected.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from workbench.core.project import Project
from workbench.errors import WorkbenchError
from workbench.io.export import Exported, export

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

#: Export kinds: title and (format, what it is) in menu order.
KINDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "writeup": (
        "Export the write-up",
        (
            ("md", "Markdown: themes, codes, quotes with case labels"),
            ("docx", "Word document, the same content"),
            ("html", "web page, the same content"),
            ("csv", "a table of every coded segment"),
        ),
    ),
    "refi": (
        "Export for other QDA tools (REFI-QDA)",
        (
            ("qdpx", "the whole project (NVivo, ATLAS.ti, MAXQDA…)"),
            ("qdc", "the codebook only"),
        ),
    ),
    "copy": (
        "Save a copy of the project (another disk, a USB stick…)",
        (("json", "the whole project file with its undo history: open it with workbench"),),
    ),
}
GROUP = "export"


def file_stem(project: Project) -> str:
    """A file name from the project name (no folder separators or control characters)."""
    stem = re.sub(r'[\x00-\x1f/\\:*?"<>|]+', " ", project.name).strip(" .")
    return " ".join(stem.split()) or project.path.stem


def default_path(project: Project, fmt: str) -> Path:
    """``<project folder>/<project name>.<fmt>`` (a copy of the project: ``… copy.json``)."""
    stem = file_stem(project) + (" copy" if fmt == "json" else "")
    return project.path.parent / f"{stem}.{fmt}"


def resolve(project: Project, text: str) -> Path:
    """The path typed (``~`` expanded; a relative path is taken from the project folder)."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else project.path.parent / path


class ExportScreen(ModalScreen[Exported | None]):
    """Choose a format and a file; dismisses with what was written, or ``None``."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, project: Project, kind: str = "writeup") -> None:
        super().__init__()
        self.project = project
        self.kind = kind if kind in KINDS else "writeup"
        self.title_text, self.formats = KINDS[self.kind]
        self.format = self.formats[0][0]
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog export"):
            yield Label(Text(self.title_text), classes="title")
            yield Label("Format", classes="field-label")
            yield OptionList(
                *(Option(self._format_prompt(fmt, what), id=fmt) for fmt, what in self.formats),
                id="export-formats",
            )
            yield Label("File (readable only by you; the folder must exist)",
                        classes="field-label")
            yield Input(str(default_path(self.project, self.format)), id="export-path")
            yield Label("", id="export-status", classes="hint")
            yield Label("↑↓ format · tab file · enter export · esc cancel", classes="hint")

    @staticmethod
    def _format_prompt(fmt: str, what: str) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f".{fmt:<5}", style="bold")
        text.append(f" {what}", style="dim")
        return text

    def on_mount(self) -> None:
        formats = self.query_one(OptionList)
        formats.highlighted = 0
        self.set_focus(formats)
        self._check_path()

    # ------------------------------------------------------------------ fields
    @on(OptionList.OptionHighlighted, "#export-formats")
    def _format_changed(self, event: OptionList.OptionHighlighted) -> None:
        fmt = event.option.id or self.format
        if fmt == self.format:
            return
        field_ = self.query_one("#export-path", Input)
        path = Path(field_.value)
        known = {f".{f}" for f, _ in self.formats}
        if path.suffix.lower() in known or not path.suffix:
            field_.value = str(path.with_suffix(f".{fmt}")) if path.name else field_.value
        self.format = fmt

    @on(Input.Changed, "#export-path")
    def _check_path(self) -> None:
        text = self.query_one("#export-path", Input).value
        if not text.strip():
            self._status("")
            return
        path = resolve(self.project, text)
        if path.exists() and not path.is_dir():
            self._status(f"{path.name} exists and will be replaced")
        else:
            self._status("")

    def _status(self, message: str, *, error: bool = False) -> None:
        self.query_one("#export-status", Label).update(
            Text(message, style="bold red" if error else "")
        )

    # ------------------------------------------------------------------ export
    @on(OptionList.OptionSelected, "#export-formats")
    @on(Input.Submitted, "#export-path")
    def _submitted(self, event) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        if self.running:
            return
        text = self.query_one("#export-path", Input).value
        if not text.strip():
            self._status("Give a file to write", error=True)
            return
        path = resolve(self.project, text)
        if not path.suffix:
            path = path.with_suffix(f".{self.format}")
        self.running = True
        self._status(f"Writing {path.name}…")
        self.query_one(OptionList).disabled = True
        self.query_one(Input).disabled = True
        self.run_worker(partial(export, self.project, self.format, path),
                        name=f"export {self.format}", group=GROUP, thread=True,
                        exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != GROUP:
            return
        event.stop()
        if worker.state == WorkerState.SUCCESS:
            self.dismiss(worker.result)
        elif worker.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            error = worker.error
            message = (str(error) if isinstance(error, WorkbenchError)
                       else f"could not export: {error!r}")
            self.running = False
            self.query_one(OptionList).disabled = False
            field_ = self.query_one(Input)
            field_.disabled = False
            self._status(message, error=True)
            self.app.notify(message, title="Not exported", severity="error", markup=False)
            self.set_focus(field_)

    def action_cancel(self) -> None:
        if self.running:
            self.app.notify("Still writing the export: it cannot be stopped halfway",
                            severity="warning")
            return
        self.dismiss(None)


def open_export(app: WorkbenchApp, kind: str = "writeup") -> None:
    """Ask the format and the file, write the export, and say where it went."""

    def done(result: Exported | None) -> None:
        if result is None:
            return
        message = f"Exported to {result.path}\n{result.headline}"
        if result.warnings:
            message += "\n" + "\n".join(f"• {w}" for w in result.warnings)
        app.notify(message, title="Exported", severity="warning" if result.warnings else
                   "information", timeout=12 if result.warnings else 6, markup=False)

    app.push_screen(ExportScreen(app.project, kind), done)
