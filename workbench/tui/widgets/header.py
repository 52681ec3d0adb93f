"""The line above the transcript (document, case, attributes), the status line, the footer."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.color import Color, ColorParseError
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from workbench.core.model import Case, Document
from workbench.tui.saver import SaveState
from workbench.tui.widgets.text_line import LineWidget, TextLine


class DocumentHeader(LineWidget):
    """``Interview 3 — Respondent 3 · pronouns: she/her · city: Almaty``.

    When the line is too long for the width, the attribute values are shortened (``Alm…``)
    rather than the last ones dropped. Drawn by the widget itself (a Static made it again
    through Textual's content pipeline, ~1.5 ms, at every focus move)."""

    #: The longest a value (then also a key) may be, tried in turn until the line fits.
    VALUE_CAPS = (None, 24, 16, 12, 8, 5, 3)
    KEY_CAPS = (8, 5, 3)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._document: Document | None = None
        self._case: Case | None = None
        self._shown = False

    def show(self, document: Document | None, case: Case | None, position: str = "") -> None:
        """Show a document with its case and the case's attributes."""
        if self._shown and document is self._document and case is self._case:
            return
        self._document, self._case, self._shown = document, case, True
        self.refresh()  # one row, full width: no new layout for the screen

    def line(self, width: int) -> Text:
        caps = [(cap, None) for cap in self.VALUE_CAPS]
        caps += [(self.VALUE_CAPS[-1], cap) for cap in self.KEY_CAPS]
        line = self._shortened(None, None)
        for value_cap, key_cap in caps[1:]:
            if width <= 0 or line.cell_len <= width:
                break
            line = self._shortened(value_cap, key_cap)
        return line

    def _shortened(self, cap: int | None, key_cap: int | None) -> Text:
        """The line, each attribute value cut to ``cap`` characters and each key to
        ``key_cap`` (None: whole)."""
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        document, case = self._document, self._case
        if document is None:
            text.append("No documents yet: import transcripts with `workbench import`", "dim")
            return text
        text.append(document.name, style="bold")
        if case is None:
            text.append("  no case (A to assign one)", style="dim")
            return text
        text.append("  ")
        text.append(case.name, style="bold italic")
        for key, value in sorted(case.attributes.items()):
            text.append(" · ", style="dim")
            text.append(f"{_cut(key, key_cap)}: ", style="dim")
            text.append(_cut(value, cap))
        return text


def _cut(text: str, cap: int | None) -> str:
    """``text`` cut to ``cap`` characters with an ellipsis (None: whole)."""
    return text if cap is None or len(text) <= cap else text[: cap - 1] + "…"


#: The theme colour each save state is shown in.
SAVE_STATE_COLOURS = {
    SaveState.SAVED: "success",
    SaveState.SAVING: "warning",
    SaveState.UNSAVED: "warning",
    SaveState.FAILED: "error",
    SaveState.READ_ONLY: "error",
}


class StatusLine(Horizontal):
    """Where the cursor is, who is coding, and whether the project is saved (the app's
    :attr:`~workbench.tui.app.WorkbenchApp.save_state`, which the line watches); and, for a
    few seconds, what the last change did (:meth:`say`: a plain confirmation costs no toast,
    whose widget needs a layout pass to come and another to go)."""

    #: How long a confirmation stays, in seconds.
    SAID_FOR = 4.0

    #: where the cursor is ("line 12 · …"); the left part of the line shows it (no repaint of
    #: the whole status line, a container, which draws nothing itself)
    position: reactive[str] = reactive("", repaint=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.said = ""
        self.said_warning = False
        self._said_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TextLine(id="status-left")
        yield SaveStateWord(id="status-saved")

    def on_mount(self) -> None:
        self.watch(self.app, "save_state", self.query_one(SaveStateWord).show)

    def watch_position(self) -> None:
        self._show()

    def say(self, message: str, *, warning: bool = False) -> None:
        """Show ``message`` after the position for a few seconds (``warning``: why nothing
        changed, in the theme's warning colour)."""
        self.said = message
        self.said_warning = warning
        if self._said_timer is not None:
            self._said_timer.stop()
        self._said_timer = self.set_timer(self.SAID_FOR, self.unsay)
        self._show()

    def unsay(self) -> None:
        """Take the confirmation away (it goes by itself after :attr:`SAID_FOR`)."""
        if self._said_timer is not None:
            self._said_timer.stop()
        self.said = ""
        self._said_timer = None
        self._show()

    def _show(self) -> None:
        position = self.position
        left = self.query_one("#status-left", TextLine)
        if self.said and len(position) + 4 + len(self.said) > left.size.width > 0:
            position = position.split(" · ")[0]  # the confirmation first, then "line 12"
        text = Text(position, no_wrap=True, overflow="ellipsis")
        if self.said:
            text.append("  ▸ ", style="dim")
            text.append(self.said, style=self._said_style())
        left.show(text)

    def _said_style(self) -> Style:
        """Bold; a warning in the theme's warning colour."""
        warning = self.app.current_theme.warning if self.said_warning else None
        return bold_in(warning)


def bold_in(colour: str | None) -> Style:
    """Bold in a theme's ``colour`` (an ANSI theme's ``ansi_yellow`` too, which Rich cannot
    read as a style); plain bold for None or a colour Textual cannot read."""
    if colour:
        try:
            return Style(bold=True, color=Color.parse(colour).rich_color)
        except ColorParseError:
            pass
    return Style(bold=True)


class SaveStateWord(LineWidget):
    """The save state's word ("saved", "saving…"), to the right, in its theme colour: a
    class per state restyled the word, which cost every change a second frame; the width is
    fixed by the stylesheet (no new layout); a new theme repaints it in the new colours."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SaveState | None = None

    def show(self, state: SaveState) -> None:
        if state is not self.state:
            self.state = state
            self.refresh()

    def line(self, width: int) -> Text:
        if self.state is None:
            return Text()
        label = self.state.label
        colour = self.app.theme_variables.get(SAVE_STATE_COLOURS[self.state])
        text = Text(" " * max(0, width - len(label)))
        text.append(label, style=bold_in(colour))
        return text


@dataclass(frozen=True, slots=True)
class FooterEntry:
    """One key the footer shows."""

    key: str  # the key it simulates when clicked
    shown: str  # how the key is shown ("^p", "c")
    description: str
    enabled: bool
    kept: bool = False  # shown even when the line is too short for every key


class KeyFooter(Widget, can_focus=False):
    """The keys of the focused pane, then the screen's: one widget drawing one line.

    It listens to the screen's "bindings changed" signal and repaints its line only when the
    keys it shows changed (no widget per key: Textual's footer rebuilt ~16 widgets, with a
    layout pass, at every focus move). ``compact`` (narrow terminals) packs the keys tighter;
    ``show_command_palette`` puts the palette's key at the right end. The actions in
    ``kept`` (help, undo, quit) are shown even when the line is too short for every key: the
    other keys give way to them. A click on a key presses it.
    """

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyFooter > .key-footer--separator {
        color: $foreground 20%;
    }
    """
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--separator"}
    ALLOW_SELECT = False

    compact: reactive[bool] = reactive(False)
    show_command_palette: reactive[bool] = reactive(True)

    def __init__(self, *, compact: bool = False, show_command_palette: bool = True,
                 kept: frozenset[str] = frozenset(), **kwargs) -> None:
        super().__init__(**kwargs)
        self.kept = kept
        self.set_reactive(KeyFooter.compact, compact)
        self.set_reactive(KeyFooter.show_command_palette, show_command_palette)
        self.entries: tuple[FooterEntry, ...] = ()
        self.palette: FooterEntry | None = None
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) of the drawn keys

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        """The screen's keys may have changed: repaint the line if what it shows did."""
        if not self.is_attached or screen is not self.screen:
            return
        entries, palette = self._entries(screen)
        if (entries, palette) != (self.entries, self.palette):
            self.entries, self.palette = entries, palette
            self.refresh()

    def _entries(self, screen: Screen) -> tuple[tuple[FooterEntry, ...], FooterEntry | None]:
        """What to show: one key per action, the focused widget's own keys (bound below the
        screen) first, each group in the screen's order."""
        app = self.app
        palette_key = app.COMMAND_PALETTE_BINDING
        own: list[FooterEntry] = []
        others: list[FooterEntry] = []
        palette: FooterEntry | None = None
        seen: set[str] = set()
        for key, (node, binding, enabled, _tooltip) in screen.active_bindings.items():
            entry = FooterEntry(binding.key, app.get_key_display(binding),
                                binding.description, enabled, binding.action in self.kept)
            if key == palette_key:
                if app.ENABLE_COMMAND_PALETTE:
                    palette = entry
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            (others if node is screen or node is app else own).append(entry)
        return tuple(own + others), palette

    def watch_compact(self) -> None:
        self.refresh()

    def watch_show_command_palette(self) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """The footer's one line, drawn as segments (its text, styled by the widget as
        content, took ~1.3 ms at each repaint); Textual keeps it until the next repaint."""
        line = self._keys_line()
        strip = Strip(line.render(self.app.console), line.cell_len)
        return strip.adjust_cell_length(self.size.width).apply_style(self.rich_style)

    def _keys_line(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        width = self.size.width
        tail = Text(no_wrap=True)
        if self.show_command_palette and self.palette is not None:
            separator = self.get_component_rich_style("key-footer--separator")
            tail.append("▏", style=separator)
            tail.append(f" {self.palette.shown} ", style=key_style)
            tail.append(f"{self.palette.description} ", style=description_style)
        parts = [(entry, self._part(entry, key_style, description_style))
                 for entry in self.entries]
        room = max(0, width - tail.cell_len)
        left = room - sum(part.cell_len for entry, part in parts if entry.kept)
        shown = []
        for entry, part in parts:  # the others while they fit beside the kept ones
            if not entry.kept and part.cell_len <= left:
                shown.append((entry, part))
                left -= part.cell_len
            elif not entry.kept:
                left = -1  # no later key jumps the queue into a gap
        shown += [(entry, part) for entry, part in parts if entry.kept]
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []
        for entry, part in shown:
            if line.cell_len + part.cell_len > room:
                break
            spans.append((line.cell_len, line.cell_len + part.cell_len, entry.key))
            line.append_text(part)
        if tail:
            line.append(" " * (room - line.cell_len))
            if self.palette is not None:
                spans.append((room, width, self.palette.key))
            line.append_text(tail)
        self._spans = spans
        return line

    def _part(self, entry: FooterEntry, key_style, description_style) -> Text:
        """One key and its description as the footer draws it."""
        part = Text(no_wrap=True)
        if self.compact:
            part.append(entry.shown, style=key_style)
            part.append(f" {entry.description} ", style=description_style)
        else:
            part.append(f" {entry.shown} ", style=key_style)
            part.append(f"{entry.description} ", style=description_style)
        if not entry.enabled:
            part.stylize("dim")
        return part

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
