"""The line above the transcript (document, case, attributes), the status line, the footer."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static

from workbench.core.model import Case, Document
from workbench.tui.saver import SaveState
from workbench.tui.textual_compat import FooterKey, mark_bindings_ready


class DocumentHeader(Static):
    """``Interview 3 — Respondent 3 · pronouns: she/her · city: Almaty``."""

    def show(self, document: Document | None, case: Case | None, position: str = "") -> None:
        """Show a document with its case and the case's attributes."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if document is None:
            text.append("No documents yet: import transcripts with `workbench import`", "dim")
            self.update(text)
            return
        text.append(document.name, style="bold")
        if case is not None:
            text.append("  ")
            text.append(case.name, style="bold italic")
            for key, value in sorted(case.attributes.items()):
                text.append(" · ", style="dim")
                text.append(f"{key}: ", style="dim")
                text.append(value)
        else:
            text.append("  no case (A to assign one)", style="dim")
        self.update(text, layout=False)  # one row, full width: no new layout for the screen


class StatusLine(Horizontal):
    """Where the cursor is, who is coding, and whether the project is saved (the app's
    :attr:`~workbench.tui.app.WorkbenchApp.save_state`, which the line watches)."""

    position: reactive[str] = reactive("")

    def compose(self) -> ComposeResult:
        yield Static(id="status-left")
        yield Static(id="status-saved")

    def on_mount(self) -> None:
        self.watch(self.app, "save_state", self._show_save_state)

    def watch_position(self, position: str) -> None:
        self.query_one("#status-left", Static).update(Text(position, no_wrap=True), layout=False)

    def _show_save_state(self, state: SaveState) -> None:
        saved = self.query_one("#status-saved", Static)
        saved.update(state.label, layout=False)  # a fixed width (see the CSS): no new layout
        for other in SaveState:
            saved.set_class(other is state, other.css_class)


class KeyFooter(Footer):
    """Textual's footer, rebuilt only when the keys it shows change, at most once per turn.

    Moving the focus, showing a document and searching each announce new bindings; the stock
    footer rebuilds all its keys for every announcement (after the next repaint, so the first
    frame showed no keys and was painted again), which made start-up and pane switches visibly
    slower.
    """

    _rebuild_pending = False
    _shown: tuple | None = None  # what the keys were last built from

    def bindings_changed(self, screen: Screen) -> None:
        mark_bindings_ready(self)
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_later(self._rebuild)

    def _signature(self) -> tuple:
        """Everything :meth:`Footer.compose` builds the keys from."""
        app = self.app
        palette = app.COMMAND_PALETTE_BINDING
        return (
            self.show_command_palette,
            tuple(
                (key, binding.key, app.get_key_display(binding), binding.description,
                 binding.action, binding.group, enabled, tooltip, binding.tooltip)
                for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show or key == palette
            ),
        )

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        shown = self._signature()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # born in their final style: the stock keys start compact and are switched
                # over one by one after mounting, each switch restyling the key (the palette
                # key is not bound to the footer's style and stays compact)
                compact = self.compact or widget.has_class("-command-palette")
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget
