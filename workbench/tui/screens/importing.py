"""Import from the TUI: a file dialog with path completion, and the case and its attributes.

Type a path (``~`` works; a relative one is taken from the folder the workbench was started
in); the list under it shows what the folder holds that can be imported, ``tab`` completes the
name as a shell does, ``↑``/``↓`` take an entry, and a folder chosen shows its own files. A
pattern (``interviews/R3*``) imports every file it matches. The files are read on a thread,
then added as one undoable step, through :mod:`workbench.io.importing`: the very code
``workbench import`` runs.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker

from workbench.core.cases import parse_attributes
from workbench.errors import WorkbenchError
from workbench.io.importers import EXCHANGE_SUFFIXES, SUPPORTED_SUFFIXES
from workbench.io.importing import Imported, ImportPlan, import_files, read_files
from workbench.tui import keymap
from workbench.tui.background import when_finished
from workbench.wording import plural

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

#: Files the list offers (the others cannot be imported).
IMPORTABLE = (*SUPPORTED_SUFFIXES, *EXCHANGE_SUFFIXES, ".sqlite")
#: Entries of a folder listed at most (a folder of a hundred thousand files stays quick).
LISTED = 300
#: Files one pattern may import at most.
MATCHED = 200
GROUP = "import"
PATH_LABEL = "File, or a pattern such as interviews/R3* (tab completes)"
_PATTERN = re.compile(r"[*?\[]")


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a folder as the list shows it."""

    name: str
    folder: bool


def typed_path(text: str, start: Path) -> Path:
    """The path typed (``~`` expanded; relative to ``start``)."""
    path = Path(os.path.expanduser(text.strip() or "."))
    return path if path.is_absolute() else start / path


def split_typed(text: str, start: Path) -> tuple[Path, str]:
    """The folder being looked in and the start of a name typed in it."""
    if not text.strip():
        return start, ""
    expanded = os.path.expanduser(text)
    if expanded.endswith(os.sep):
        return typed_path(expanded, start), ""
    path = typed_path(expanded, start)
    return path.parent, path.name


def entries(folder: Path, prefix: str = "", limit: int = LISTED) -> list[Entry]:
    """Folders and importable files in ``folder`` whose names start with ``prefix`` (folders
    first, by name; hidden ones only when ``prefix`` starts with a dot); at most ``limit``."""
    found: list[Entry] = []
    folded = prefix.casefold()
    try:
        with os.scandir(folder) as scan:
            for item in scan:
                name = item.name
                if name.startswith(".") and not prefix.startswith("."):
                    continue
                if not name.casefold().startswith(folded):
                    continue
                try:
                    is_folder = item.is_dir()  # a link to a folder is shown as a folder
                except OSError:
                    continue
                if is_folder or Path(name).suffix.lower() in IMPORTABLE:
                    found.append(Entry(name, is_folder))
                if len(found) >= limit * 4:  # enough to sort and cut
                    break
    except OSError:
        return []
    found.sort(key=lambda e: (not e.folder, e.name.casefold()))
    return found[:limit]


def complete(text: str, start: Path) -> str:
    """``text`` completed as far as the names it may start agree (a folder gets its ``/``)."""
    folder, prefix = split_typed(text, start)
    names = entries(folder, prefix)
    if not names:
        return text
    common = os.path.commonprefix([e.name for e in names])
    if len(common) < len(prefix):  # matched without regard to case: keep what was typed
        return text
    head = text[:len(text) - len(prefix)] if prefix else text
    if len(names) == 1 and names[0].folder:
        return head + names[0].name + os.sep
    return head + common


def files_of(text: str, start: Path) -> list[Path]:
    """The files a typed path names: one file, or every importable file a pattern matches."""
    if not text.strip():
        return []
    if _PATTERN.search(text):
        pattern = str(typed_path(text, start))
        matched = sorted(Path(p) for p in glob.iglob(pattern)
                         if Path(p).suffix.lower() in IMPORTABLE and Path(p).is_file())
        if len(matched) > MATCHED:
            raise WorkbenchError(
                f"{text.strip()} matches {len(matched)} files; import at most {MATCHED} at once"
            )
        return matched
    return [typed_path(text, start)]


class ImportScreen(ModalScreen[Imported | None]):
    """Choose files, and the case they belong to; dismisses with what was imported."""

    app: WorkbenchApp
    BINDINGS = [
        *keymap.bindings("import"),
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start
        self.shown: list[Entry] = []
        self.folder = start
        self.running = False

    def compose(self) -> ComposeResult:
        project = self.app.project
        with Vertical(classes="dialog form import"):
            yield Label(Text(f"Import documents into “{project.name}”", no_wrap=True,
                             overflow="ellipsis"), classes="title")
            yield Label(PATH_LABEL, id="import-path-label", classes="field-label")
            yield Input(str(self.start) + os.sep, id="import-path", classes="compact")
            yield OptionList(id="import-entries")
            yield Label("Case (optional: the respondent these documents are about)",
                        classes="field-label")
            yield Input(id="import-case", classes="compact", placeholder="no case")
            yield Label("Attributes of the case, one `key: value` a line",
                        classes="field-label")
            yield TextArea(id="import-attributes", classes="field")
            yield Label("", id="import-status", classes="hint")
            yield Label("", id="import-hint", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False
        keys = {spec_id: self._key(spec_id, default) for spec_id, default in
                (("import_complete", "tab"), ("import_run", "ctrl+s"))}
        self.query_one("#import-hint", Label).update(
            f"{keys['import_complete']} complete · ↑↓ choose · enter or {keys['import_run']} "
            "import · esc cancel")
        field_ = self.query_one("#import-path", Input)
        self.set_focus(field_)
        field_.cursor_position = len(field_.value)
        self.refill()

    def _key(self, binding_id: str, default: str) -> str:
        keys = keymap.keys_for(binding_id, default, self.app.user_keymap)
        return self.app.get_key_display(Binding(keys[0], "")) if keys else default

    # ------------------------------------------------------------------ the file list
    @property
    def path_field(self) -> Input:
        return self.query_one("#import-path", Input)

    @on(Input.Changed, "#import-path")
    def refill(self) -> None:
        """List what the folder typed holds that starts as the name typed."""
        text = self.path_field.value
        self.folder, prefix = split_typed(text, self.start)
        if _PATTERN.search(prefix):
            prefix = ""
        self.shown = entries(self.folder, prefix)
        options = []
        for entry in self.shown:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(entry.name + (os.sep if entry.folder else ""),
                        style="bold" if entry.folder else "")
            options.append(Option(line))
        option_list = self.query_one(OptionList)
        option_list.set_options(options)
        found = self._describe(text)
        self.query_one("#import-path-label", Label).update(
            Text(f"File: {found}" if found else PATH_LABEL, no_wrap=True, overflow="ellipsis"))

    def _describe(self, text: str) -> str:
        """What enter would import, or why not."""
        try:
            files = files_of(text, self.start)
        except WorkbenchError as exc:
            return str(exc)
        if _PATTERN.search(text):
            return f"{plural(len(files), 'file')} {'matches' if len(files) == 1 else 'match'}"
        if len(files) == 1 and files[0].is_dir():
            return f"{plural(len(self.shown), 'entry', 'entries')} in {files[0].name or files[0]}"
        return ""

    def action_move(self, delta: int) -> None:
        """Take the next or previous entry of the list into the path."""
        option_list = self.query_one(OptionList)
        if not self.shown or not self.path_field.has_focus:
            return
        index = option_list.highlighted
        index = 0 if index is None else max(0, min(len(self.shown) - 1, index + delta))
        option_list.highlighted = index
        entry = self.shown[index]
        field_ = self.path_field
        with field_.prevent(Input.Changed):  # the list stays as it is while choosing in it
            field_.value = str(self.folder / entry.name) + (os.sep if entry.folder else "")
        field_.cursor_position = len(field_.value)

    def action_complete(self) -> None:
        """Complete the path (in the path field); elsewhere, the next field."""
        field_ = self.path_field
        if not field_.has_focus:
            self.focus_next()
            return
        completed = complete(field_.value, self.start)
        if completed == field_.value:
            self.focus_next()
            return
        field_.value = completed
        field_.cursor_position = len(completed)

    # ------------------------------------------------------------------ importing
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input is self.path_field:
            path = typed_path(event.value, self.start)
            if not _PATTERN.search(event.value) and path.is_dir():
                value = str(path) + os.sep  # a folder: look inside it
                with self.path_field.prevent(Input.Changed):
                    self.path_field.value = value
                self.path_field.cursor_position = len(value)
                self.refill()
                return
        self.action_import()

    def _say(self, message: str, *, error: bool = False) -> None:
        self.query_one("#import-status", Label).update(
            Text(message, style="bold red" if error else "", no_wrap=True, overflow="ellipsis"))

    def action_import(self) -> None:
        """Read the files on a thread, then add them as one step."""
        if self.running:
            return
        try:
            files = files_of(self.path_field.value, self.start)
            attributes = parse_attributes(self.query_one("#import-attributes", TextArea).text)
        except WorkbenchError as exc:
            self._say(str(exc), error=True)
            return
        if not files or (len(files) == 1 and files[0].is_dir()):
            self._say("Choose a file to import (or a pattern matching files)", error=True)
            return
        case = self.query_one("#import-case", Input).value.strip()
        self.running = True
        self._say(f"Reading {plural(len(files), 'file')}…")
        self.run_worker(partial(read_files, files, case=case, attributes=attributes),
                        name="read files to import", group=GROUP, thread=True,
                        exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        when_finished(event, GROUP, done=self._add, failed=self._failed, doing="read the files")

    def _failed(self, message: str) -> None:
        self.running = False
        self._say(message, error=True)

    def _add(self, plan: ImportPlan) -> None:
        self.running = False
        if plan.case and not plan.texts:
            self._say("A case goes with transcripts, not with .qdpx/.qdc/.sqlite3/.csv files",
                      error=True)
            return
        app = self.app
        result = app.apply(lambda project: import_files(project, plan, coder=app.coder))
        if result is None:  # refused, or an error (shown as a notice too)
            self._say(app.notices[-1] if app.notices else "Nothing was imported", error=True)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(None)


def summary(result: Imported) -> str:
    """What an import did, in a line or two."""
    parts = []
    for doc, imported in zip(result.documents, result.texts, strict=True):
        speakers = result.speakers.get(doc.id) or []
        who = (" · " + ", ".join(f"{label} ({role})" for label, role, _ in speakers)
               if speakers else "")
        parts.append(f"{doc.name}: {plural(len(doc.paragraphs), 'paragraph')}{who}")
        if imported.controls:
            parts[-1] += f" ({plural(imported.controls, 'control character')} removed)"
    for done in result.summaries:
        parts.extend(done.lines()[:1])
    return "\n".join(parts)


def open_import(app: WorkbenchApp) -> None:
    """Ask for files and import them; the first document imported opens."""

    def done(result: Imported | None) -> None:
        if result is None:
            return
        app.notify(f"Imported {plural(len(result.documents), 'document')}\n{summary(result)}",
                   title="Imported", timeout=8, markup=False)
        screen = app.main_screen
        if result.documents and screen is not None:
            screen.go_to(result.documents[0].id, 0)

    app.ask(ImportScreen(Path.cwd()), done)
