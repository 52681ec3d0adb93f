"""Help: every binding with the key it has now (after the config file's ``[keys]``)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from workbench.tui import keymap


def key_text(app, keys: list[str]) -> str:
    """Keys as the footer shows them (``^r``, ``?``, ``tab``)."""
    return " ".join(app.get_key_display(Binding(k, "")) for k in keys)


def help_rows(app, user_keymap: dict[str, str]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(section, [(keys, description, id)]) for every context, in help order."""
    sections: list[tuple[str, list[tuple[str, str, str]]]] = []
    for context, title in keymap.CONTEXTS.items():
        rows: list[tuple[str, str, str]] = []
        recent_done = False
        for spec in keymap.SPECS:
            if spec.context != context:
                continue
            if spec.id.startswith("recent_"):
                if recent_done:
                    continue
                recent_done = True
                first = key_text(app, keymap.keys_for("recent_1", "1", user_keymap))
                last = key_text(app, keymap.keys_for("recent_9", "9", user_keymap))
                rows.append((f"{first}…{last}", "Apply a recent code (1 = newest)", "recent_N"))
                continue
            keys = keymap.keys_for(spec.id, spec.keys, user_keymap)
            rows.append((key_text(app, keys), spec.help_text, spec.id))
        sections.append((title, rows))
        if context == "transcript":
            moves = [
                (key_text(app, keymap.keys_for(b.id or "", b.key, user_keymap)),
                 b.description or b.action, b.id or "")
                for b in keymap.transcript_bindings()
            ]
            sections.append((keymap.TRANSCRIPT_CONTEXT, moves))
    return sections


class HelpScreen(ModalScreen[None]):
    """A scrollable list of every key; ``escape``, ``q`` or ``?`` closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, user_keymap: dict[str, str]) -> None:
        super().__init__()
        self.user_keymap = user_keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Label(
                Text('Keys  (remap them in [keys] of the config file: id = "key1,key2")'),
                classes="title",
            )
            yield Static(self._table(), id="help-table")
            yield Label("esc close · ↑↓ scroll", classes="hint")

    def _table(self) -> Group:
        sections = [(t, rows) for t, rows in help_rows(self.app, self.user_keymap) if rows]
        key_width = min(16, max(cell_len(keys) for _, rows in sections for keys, _, _ in rows))
        parts = []
        for title, rows in sections:
            parts.append(Text(title, style="bold underline"))
            table = Table.grid(padding=(0, 2))
            table.add_column("key", style="bold", no_wrap=True, width=key_width)
            table.add_column("what", ratio=1)
            table.add_column("id", style="dim", no_wrap=True)
            for keys, description, binding_id in rows:
                table.add_row(keys, description, binding_id)
            parts.append(table)
            parts.append(Text(""))
        return Group(*parts)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
