"""Export from the TUI: every format of :data:`workbench.io.export.FORMATS`, and a copy.

A small dialog asks the format, the file (beside the project by default, as an absolute path:
right wherever the workbench was started) and, for a write-up, the options that shape it (the
title, the paper, which memos; Excel's CSV), then writes it on a thread (a big project takes
seconds) through :func:`workbench.io.export.export`, the one way out the command line takes too.
The dialog stays up while the file is written, so the project does not change under the export;
a user error (a missing folder, an empty codebook for a .qdc, an unknown memo kind) is shown in
it and can be corrected.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker

from workbench.analysis.reports import attribute_names
from workbench.core.project import Project
from workbench.io.export import (
    CODEBOOK_CSV,
    COPY_FORMAT,
    FORMATS,
    WRITEUP_FORMATS,
    Exported,
    export,
)
from workbench.io.writeup import OPTION_FORMATS
from workbench.tui.background import when_finished

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
            ("xlsx", "a workbook: segments, frequencies, matrix"),
        ),
    ),
    "refi": (
        "Export for other QDA tools",
        (
            ("qdpx", "REFI-QDA project (NVivo, ATLAS.ti, MAXQDA…)"),
            ("qdc", "REFI-QDA codebook"),
            (CODEBOOK_CSV, "codebook table (Taguette, spreadsheets)"),
        ),
    ),
    "copy": (
        "Save a copy of the project (another disk, a USB stick…)",
        ((COPY_FORMAT, "the project file with its undo history"),),
    ),
}
assert {fmt for _, formats in KINDS.values() for fmt, _ in formats} == {*FORMATS, COPY_FORMAT}
#: The file suffix of a format whose name is not one.
SUFFIXES = {CODEBOOK_CSV: "csv"}
#: What each format is called after the project's name (``… codebook.csv``).
NAME_ENDS = {CODEBOOK_CSV: " codebook", COPY_FORMAT: " copy"}
GROUP = "export"


def file_stem(project: Project) -> str:
    """A file name from the project name (no folder separators or control characters)."""
    stem = re.sub(r'[\x00-\x1f/\\:*?"<>|]+', " ", project.name).strip(" .")
    return " ".join(stem.split()) or project.path.stem


def folder_of(project: Project) -> Path:
    """The project's folder (absolute: the workbench opens the project by its absolute path)."""
    return project.path.absolute().parent


def default_name(project: Project, fmt: str) -> str:
    """``<project name>.<suffix>`` (``… codebook.csv``, ``… copy.json``)."""
    return f"{file_stem(project)}{NAME_ENDS.get(fmt, '')}.{SUFFIXES.get(fmt, fmt)}"


def default_path(project: Project, fmt: str) -> Path:
    """The file an export goes to unless told otherwise: beside the project."""
    return folder_of(project) / default_name(project, fmt)


def resolve(project: Project, text: str) -> Path:
    """The path typed (``~`` expanded; a relative path is taken from the project folder)."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else folder_of(project) / path


class Tick(Checkbox):
    """A checkbox whose mark is there only when it is ticked (the stock one shows an X either
    way, told apart by its colour alone)."""

    BUTTON_INNER = " "

    def watch_value(self, value: bool) -> None:
        self.BUTTON_INNER = "X" if value else " "
        self.refresh()


class ExportScreen(ModalScreen[Exported | None]):
    """Choose a format, a file and the write-up's options; dismisses with what was written,
    or ``None``."""

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
            yield Input(str(default_path(self.project, self.format)), id="export-path",
                        classes="compact")
            with Horizontal(id="export-title-row", classes="export-option"):
                yield Label("Title ", classes="field-label")
                yield Input(self.project.name, id="export-title", classes="compact")
            with Horizontal(id="export-attrs-row", classes="export-option"):
                yield Label("Label ", classes="field-label")
                keys = ", ".join(attribute_names(self.project)[:4])
                yield Input(id="export-attrs", classes="compact",
                            placeholder=f"attributes after the case: {keys}" if keys
                            else "attributes after the case (none yet)")
            yield Tick("Times of turns in quotes (00:12:31)", id="export-times",
                       classes="export-option compact")
            yield Tick("Letter paper (US); A4 otherwise", id="export-letter",
                       classes="export-option compact")
            with Horizontal(id="export-memos-row", classes="export-option"):
                yield Label("Memos ", classes="field-label")
                yield Input("code, theme", id="export-memos", classes="compact",
                            placeholder="none")
            yield Label("code, theme, coding, document, case, project · all · none",
                        id="export-memos-hint", classes="hint export-option")
            yield Tick("For Excel (UTF-8 with a byte order mark)", id="export-excel",
                       classes="export-option compact")
            yield Label("", id="export-status", classes="hint")
            yield Label("↑↓ format · tab next field · enter export · esc cancel", classes="hint")

    @staticmethod
    def _format_prompt(fmt: str, what: str) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f".{fmt:<5}" if len(fmt) <= 5 else f".{fmt}", style="bold")
        text.append(f" {what}", style="dim")
        return text

    def on_mount(self) -> None:
        formats = self.query_one(OptionList)
        formats.highlighted = 0
        self.set_focus(formats)
        self._show_options()
        self._check_path()

    # ------------------------------------------------------------------ fields
    def _show_options(self) -> None:
        """Show the options that shape the chosen format, and only those."""
        fmt = self.format
        shown = {
            "#export-title-row": fmt in OPTION_FORMATS["title"],
            "#export-attrs-row": fmt in WRITEUP_FORMATS,
            "#export-times": fmt in OPTION_FORMATS["times"],
            "#export-letter": fmt in OPTION_FORMATS["paper"],
            "#export-memos-row": fmt in OPTION_FORMATS["memos"],
            "#export-memos-hint": fmt in OPTION_FORMATS["memos"],
            "#export-excel": fmt in OPTION_FORMATS["excel"],
        }
        for selector, show in shown.items():
            self.query_one(selector).display = show

    def options(self) -> dict[str, Any]:
        """The write-up options the chosen format takes, as :func:`export` reads them."""
        fmt = self.format
        chosen: dict[str, Any] = {}
        if fmt in OPTION_FORMATS["title"]:
            title = self.query_one("#export-title", Input).value.strip()
            if title and title != self.project.name:
                chosen["title"] = title
        if fmt in WRITEUP_FORMATS:
            text = self.query_one("#export-attrs", Input).value
            attrs = [a.strip() for a in text.split(",") if a.strip()]
            if attrs:
                chosen["attrs"] = attrs
        if fmt in OPTION_FORMATS["times"] and self.query_one("#export-times", Checkbox).value:
            chosen["times"] = True
        if fmt in OPTION_FORMATS["paper"] and self.query_one("#export-letter", Checkbox).value:
            chosen["paper"] = "letter"
        if fmt in OPTION_FORMATS["memos"]:
            chosen["memos"] = self.query_one("#export-memos", Input).value.strip() or "none"
        if fmt in OPTION_FORMATS["excel"] and self.query_one("#export-excel", Checkbox).value:
            chosen["excel"] = True
        return chosen

    @on(OptionList.OptionHighlighted, "#export-formats")
    def _format_changed(self, event: OptionList.OptionHighlighted) -> None:
        fmt = event.option.id or self.format
        if fmt == self.format:
            return
        field_ = self.query_one("#export-path", Input)
        path = Path(field_.value)
        known = {f".{SUFFIXES.get(f, f)}" for f, _ in self.formats}
        if path.name == default_name(self.project, self.format):
            field_.value = str(path.with_name(default_name(self.project, fmt)))
        elif path.name and (path.suffix.lower() in known or not path.suffix):
            field_.value = str(path.with_suffix(f".{SUFFIXES.get(fmt, fmt)}"))
        self.format = fmt
        self._show_options()

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
    @on(Input.Submitted)
    def _submitted(self, event) -> None:
        event.stop()
        self.action_export()

    def _fields(self) -> list[Any]:
        return [*self.query(OptionList), *self.query(Input), *self.query(Checkbox)]

    def action_export(self) -> None:
        if self.running:
            return
        text = self.query_one("#export-path", Input).value
        if not text.strip():
            self._status("Give a file to write", error=True)
            return
        path = resolve(self.project, text)
        if not path.suffix:
            path = path.with_suffix(f".{SUFFIXES.get(self.format, self.format)}")
        self.running = True
        self._status(f"Writing {path.name}…")
        for field_ in self._fields():
            field_.disabled = True
        self.run_worker(partial(export, self.project, self.format, path, **self.options()),
                        name=f"export {self.format}", group=GROUP, thread=True,
                        exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        when_finished(event, GROUP, done=self.dismiss, failed=self._failed, doing="export")

    def _failed(self, message: str) -> None:
        self.running = False
        for field_ in self._fields():
            field_.disabled = False
        self._status(message, error=True)
        self.app.notify(message, title="Not exported", severity="error", markup=False)
        self.set_focus(self.query_one("#export-path", Input))

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
