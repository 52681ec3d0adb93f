"""The picker: choose one of many by typing to filter; ``enter`` takes the highlighted one.

One widget serves every chooser of the app: the main screen keeps one mounted as an overlay
(``c``, ``r``, ``g``), shown and hidden and loaded with other choices for each use, and
:class:`~workbench.tui.screens.dialogs.PickerScreen` wraps one in a modal screen where a
picker is asked from another screen. The filter line is an :class:`~textual.widgets.Input`;
the list is drawn line by line (:class:`PickerList`, the Line API) at a fixed height, so
typing a letter repaints the list's lines and nothing is laid out again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.fuzzy import FuzzySearch
from textual.geometry import Offset, Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

from workbench.tui import keymap
from workbench.tui.textual_compat import InputNotRestyledOnFocus, move_without_repaint
from workbench.tui.widgets.text_line import TextLine, flat

_fuzzy = FuzzySearch()

#: A picker lists at most this many choices (typing narrows them): a short list is drawn at
#: once, however many choices there are.
SHOWN = 60
#: The most rows the list shows at once (it scrolls to the highlighted choice).
ROWS = 12
#: The picker's lines besides its list: border (2), title and its margin (2), the filter
#: line (3) and the hint (1).
CHROME = 8


@dataclass(slots=True)
class Choice:
    """One entry of a picker: what it returns, and how it shows."""

    value: Any
    label: str  # the text the filter searches
    detail: str | Callable[[], str] = ""  # shown dim after the label (a callable: when shown)
    color: str | None = None  # a colour swatch before the label
    key: str = ""  # a key hint shown before it ("1".."9" for recent codes)

    def detail_text(self) -> str:
        return self.detail() if callable(self.detail) else self.detail


@dataclass(slots=True)
class NewName:
    """The answer of a picker when the typed text is meant as a new name (one with a
    ``problem`` is shown, saying what is wrong with it, but cannot be chosen)."""

    text: str
    problem: str = ""


def no_problem(name: str) -> str:
    """The check of a typed new name that finds nothing wrong with it."""
    return ""


def rank(query: str, choices: Sequence[Choice]) -> list[Choice]:
    """Choices matching ``query``: substring matches first, then fuzzy ones (best first);
    ties keep the order of ``choices`` (recent codes come first there)."""
    query = query.strip()
    if not query:
        return list(choices)
    folded = query.casefold()
    words = folded.split()
    exact: list[Choice] = []
    fuzzy: list[tuple[float, int, Choice]] = []
    for index, choice in enumerate(choices):
        label = choice.label.casefold()
        if all(w in label for w in words):
            exact.append(choice)
            continue
        score, _ = _fuzzy.match(folded, label)
        if score:
            fuzzy.append((-score, index, choice))
    return exact + [c for _, _, c in sorted(fuzzy, key=lambda t: (t[0], t[1]))]


def choice_prompt(choice: Choice, query: str = "") -> Text:
    """The rendered line of a choice, with the query's words highlighted."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if choice.key:
        text.append(f"{choice.key} ", style="bold")
    if choice.color:
        text.append("■ ", style=choice.color)
    start = len(text)
    text.append(flat(choice.label))
    folded = choice.label.casefold()
    for word in query.casefold().split():
        at = folded.find(word)
        if at >= 0:
            text.stylize("bold underline", start + at, start + at + len(word))
    detail = choice.detail_text()
    if detail:
        text.append(f"  {detail}", style="dim")
    return text


def new_name_prompt(label: str, new: NewName) -> Text:
    """The line offering a new name (``label`` like ``New code “{}”``), or saying why it
    cannot be one."""
    if new.problem:
        text = Text("✗ ", style="bold red", no_wrap=True, overflow="ellipsis")
        text.append(label.format(new.text), style="dim")
        text.append(f": {new.problem}", style="red")
        return text
    text = Text("+ ", style="bold green", no_wrap=True, overflow="ellipsis")
    text.append(label.format(new.text))
    return text


class FilterInput(InputNotRestyledOnFocus):
    """The filter line of a picker: tells the picker of each change at once (the stock
    ``Input.Changed`` message arrives a frame later), and is not laid out again for it. It
    has the focus whenever the picker shows, so it looks the same with or without it (the
    stylesheet says so) and is not restyled when it gains or loses it. Its cursor does not
    blink: each blink was a frame (twice a second, bytes over SSH), and a key pressed just
    after one waited for the next frame (up to 16 ms)."""

    def __init__(self, changed: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.set_reactive(Input.cursor_blink, False)
        self._changed = changed

    def watch_value(self, value: str) -> None:
        self._changed(value)


class PickerList(Widget):
    """The listed choices, one line each, the highlighted one in reverse; as tall as the
    picker's use says, scrolled to the highlighted line, with a thumb in the last column
    when there are more lines than rows. A line is made when first drawn: the details of
    choices out of view (a code's counts) are not computed."""

    COMPONENT_CLASSES = {"picker-list--highlight", "picker-list--thumb"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: Sequence[Any] = []
        self._prompt: Callable[[Any], Text] = lambda entry: Text(str(entry))
        self._drawn: dict[int, Text] = {}
        self.highlighted = 0
        self.top = 0
        self._styles = (Style(), Style(), Style())  # base, highlight, thumb: see render_lines

    @property
    def option_count(self) -> int:
        """How many lines are listed."""
        return len(self.entries)

    def show(self, entries: Sequence[Any], prompt: Callable[[Any], Text]) -> None:
        """List ``entries`` with the first highlighted (no layout); ``prompt`` makes an
        entry's line when it is first drawn (only the lines in view are made). Only the rows
        that read differently are painted again: the same choices listed again (the picker
        opened once more) cost no painting but for a count that changed."""
        rows = self.size.height if self.is_mounted else 0
        before = [self._row(y) for y in range(rows)]
        self.entries = entries
        self._prompt = prompt
        self._drawn = {}
        self.highlighted = 0
        self.top = 0
        width = self.size.width
        for y, was in enumerate(before):
            if self._row(y) != was:
                self.refresh(Region(0, y, width, 1))
        if not before:
            self.refresh()

    def _row(self, y: int) -> tuple[Text | None, bool, bool | None]:
        """What row ``y`` shows: its line, whether highlighted, its piece of the thumb (None:
        no thumb, the list fits)."""
        index = self.index_at(y)
        if index is None:
            return None, False, None
        return self.line(index), index == self.highlighted, self._on_thumb(y)

    def line(self, index: int) -> Text:
        """The text of line ``index`` (made once per listing)."""
        text = self._drawn.get(index)
        if text is None:
            text = self._drawn[index] = self._prompt(self.entries[index])
        return text

    def move_to(self, index: int) -> None:
        """Highlight line ``index`` (kept within the list), scrolling to it."""
        if not self.entries:
            return
        index = max(0, min(len(self.entries) - 1, index))
        rows = max(1, self.size.height)
        top = min(self.top, index)
        if index >= top + rows:
            top = index - rows + 1
        if (index, top) != (self.highlighted, self.top):
            self.highlighted, self.top = index, top
            self.refresh()

    def index_at(self, y: int) -> int | None:
        """The line shown at row ``y``, if any."""
        index = self.top + y
        return index if 0 <= y and index < len(self.entries) else None

    def render_lines(self, crop: Region) -> list[Strip]:
        # the styles once for the lines drawn now, not once a line (Textual works a
        # widget's style out from every ancestor)
        self._styles = (self.rich_style,
                        self.get_component_rich_style("picker-list--highlight"),
                        self.get_component_rich_style("picker-list--thumb"))
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base, highlight, thumb_style = self._styles
        index = self.index_at(y)
        if index is None or width <= 0:
            return Strip.blank(width, base)
        thumb = self._on_thumb(y)
        room = width - 1 if thumb is not None else width
        text = self.line(index).copy()
        text.truncate(room, overflow="ellipsis")
        style = base + highlight if index == self.highlighted else base
        strip = Strip(list(text.render(self.app.console)), text.cell_len)
        strip = strip.crop_extend(0, room, None).apply_style(style)
        if thumb is not None:
            strip = Strip.join([strip, Strip([Segment("▐" if thumb else " ", thumb_style)])])
        return strip

    def _on_thumb(self, y: int) -> bool | None:
        """Whether row ``y`` is on the scroll thumb; None when the list fits (no thumb)."""
        rows, total = self.size.height, len(self.entries)
        if total <= rows:
            return None
        size = max(1, rows * rows // total)
        start = round(self.top * (rows - size) / (total - rows))  # at the bottom at the end
        return start <= y < start + size


class Picker(Vertical):
    """Choose one of many: type to filter, ``enter`` takes the highlighted one, ``escape``
    cancels; ``up``/``down``/``pageup``/``pagedown`` move.

    :meth:`load` gives it choices, :meth:`open` asks: the answer (a choice's value, a
    :class:`NewName`, or ``None`` when cancelled) goes to the function given to ``open``,
    and the focus goes back to where it was. The best existing match is highlighted first.
    With ``new_label`` (e.g. ``"New code “{}”"``) a typed text that is not a choice's name is
    offered below the matches as a new name: it is taken by ``enter`` only when nothing
    matches, or when it was chosen on purpose. At most :data:`SHOWN` choices are listed.
    While open it is modal: the keys of the screen beneath do not apply.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
        # keys a use of the picker may give (see ``actions`` of :meth:`load`)
        *keymap.bindings("documents"),
    ]

    def __init__(self, *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=f"dialog picker {classes}".strip())
        self.title_text = ""
        self.choices: list[Choice] = []
        self.placeholder = "type to filter"
        self.new_label: str | None = None
        self.hint = ""
        self.rows = ROWS
        self.actions: Mapping[str, Callable[[Choice | None], None]] = {}
        self.check_new: Callable[[str], str] = no_problem
        self.shown: list[Choice | NewName] = []
        self.query_text: str | None = None  # the query the list shows (None: to list again)
        self._labels: set[str] = set()
        self._query = ""
        self._answer: Callable[[Any], None] | None = None
        self._focus_before: Widget | None = None

    # ------------------------------------------------------------------ loading
    def load(
        self,
        title: str,
        choices: Sequence[Choice],
        *,
        placeholder: str = "type to filter",
        new_label: str | None = None,
        query: str = "",
        hint: str = "enter choose · esc cancel",
        rows: int | None = None,
        actions: Mapping[str, Callable[[Choice | None], None]] | None = None,
        check_new: Callable[[str], str] | None = None,
    ) -> Picker:
        """Give the picker its title and choices (``rows``: the list's height, by default as
        many as the choices need up to :data:`ROWS`; ``actions``: what the picker's extra
        keys do with the highlighted choice, by action name; ``check_new``: what is wrong
        with a typed new name, ``""`` when nothing). Returns the picker."""
        self.title_text = title
        self.choices = list(choices)
        self.placeholder = placeholder
        self.new_label = new_label
        self.hint = hint
        self.actions = dict(actions or {})
        self.check_new = check_new or no_problem
        self._labels = {c.label.casefold() for c in self.choices}
        needed = min(SHOWN, len(self.choices)) + (1 if new_label else 0)
        self.rows = rows if rows is not None else max(1, min(ROWS, needed))
        self._query = query
        self.query_text = None  # list them again (their details may read differently now)
        if self._composed():
            self._show_loaded()
        return self

    def _composed(self) -> bool:
        try:
            self.query_one(PickerList)  # kept by Textual once found (a query walks the DOM)
        except NoMatches:
            return False
        return True

    def _show_loaded(self) -> None:
        # the title and hint are one line of the dialog's width: no layout pass for new ones
        self.query_one(".title", TextLine).show(self.title_text)
        self.query_one(".hint", TextLine).show(self.hint)
        listed = self.query_one(PickerList)
        if listed.styles.height is None or listed.styles.height.value != self.rows:
            listed.styles.height = self.rows
        field = self.query_one(FilterInput)
        field.placeholder = self.placeholder
        with field.prevent(Input.Changed):
            field.value = self._query  # refilters (FilterInput) when the query changed
        if self.query_text != self._query:
            self.refilter(self._query)
        field.cursor_position = len(self._query)
        listed.move_to(0)
        self.refresh_bindings()

    def compose(self) -> ComposeResult:
        yield TextLine(self.title_text, classes="title")
        yield FilterInput(self._filter_changed, value=self._query,
                          placeholder=self.placeholder, id="picker-input")
        yield PickerList(id="picker-list")
        yield TextLine(self.hint, classes="hint")

    # ------------------------------------------------------------------ asking
    @property
    def is_modal(self) -> bool:
        """While open, the keys of what lies beneath do not apply (nor show in the footer)."""
        return self._answer is not None

    @property
    def is_open(self) -> bool:
        return self._answer is not None

    def open(self, answer: Callable[[Any], None]) -> None:
        """Show the picker with the focus on its filter line; ``answer`` gets the choice."""
        screen = self.screen
        focused = screen.focused
        if focused is None or self not in focused.ancestors:
            self._focus_before = focused
        self._answer = answer
        field = self.query_one(FilterInput)
        field.can_focus = True
        self.place()
        screen.set_focus(field)
        self.refresh_bindings()

    def place(self) -> None:
        """An overlay is placed by its offset: centred on the screen while open, above the
        screen's top edge while closed. It stays in the layout (``display`` would take it
        out and put it back, and every widget of the screen would be painted again): moving
        it repaints only the cells it leaves and covers."""
        if "overlay" not in self.classes:
            return
        width, height = self.screen.size
        mine = min(width * 4 // 5, 96)
        tall = self.rows + CHROME
        if self.is_open:
            offset = Offset(max(0, (width - mine) // 2), max(0, (height - tall) // 2))
        else:
            offset = Offset(0, -(tall + height))
        if self.styles.offset.resolve(self.size, self.screen.size) != offset:
            move_without_repaint(self, offset)  # the box's lines are what they were

    def on_mount(self) -> None:
        self.query_one(FilterInput).can_focus = False  # until it is opened
        self.place()
        self._show_loaded()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """An open picker whose filter line lost the focus to a widget beneath (a click on a
        pane) is cancelled: it never stands open with the keys going elsewhere."""
        self.call_after_refresh(self._cancel_if_left)

    def _cancel_if_left(self) -> None:
        focused = self.screen.focused if self.is_attached else None
        if self.is_open and focused is not None and self not in focused.ancestors_with_self:
            self._focus_before = None  # the focus stays where it was taken
            self.close(None)

    def close(self, answer: Any) -> None:
        """Hide the picker (an overlay), give the focus back, and answer."""
        then, self._answer = self._answer, None
        before, self._focus_before = self._focus_before, None
        self.query_one(FilterInput).can_focus = "overlay" not in self.classes
        self.place()
        if before is not None and before.is_attached and before.screen is self.screen:
            self.screen.set_focus(before)
        self.refresh_bindings()
        if then is not None:
            then(answer)

    # ------------------------------------------------------------------ keys
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _USE_ACTIONS:
            return action in self.actions
        return True

    def on_key(self, event: events.Key) -> None:
        """Letters typed before the filter line had the focus still go into it."""
        field = self.query_one(FilterInput)
        if not field.has_focus and event.is_printable and event.character:
            event.stop()
            field.insert_text_at_cursor(event.character)
            self.screen.set_focus(field)

    def _filter_changed(self, query: str) -> None:
        if query != self.query_text:
            self.refilter(query)

    def refilter(self, query: str) -> None:
        """Show the choices matching ``query`` (and the new-name entry when it applies)."""
        if not self._composed():
            return  # on_mount lists them
        self.query_text = query
        shown: list[Choice | NewName] = list(rank(query, self.choices)[:SHOWN])
        name = query.strip()
        if self.new_label and name and name.casefold() not in self._labels:
            shown.append(NewName(name, self.check_new(name)))  # below every match
        self.shown = shown
        label = self.new_label or "{}"
        self.query_one(PickerList).show(shown, lambda item: (
            new_name_prompt(label, item) if isinstance(item, NewName)
            else choice_prompt(item, query)))

    def highlighted(self) -> Choice | NewName | None:
        """The highlighted entry, if any."""
        index = self.query_one(PickerList).highlighted
        return self.shown[index] if 0 <= index < len(self.shown) else None

    def action_move(self, delta: int) -> None:
        listed = self.query_one(PickerList)
        listed.move_to(listed.highlighted + delta)

    @on(Input.Submitted, "#picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose(self.highlighted())

    def on_click(self, event: events.Click) -> None:
        listed = self.query_one(PickerList)
        if event.widget is listed:
            index = listed.index_at(event.y)
            if index is not None:
                listed.move_to(index)
                self._choose(self.highlighted())

    def _choose(self, item: Choice | NewName | None) -> None:
        if isinstance(item, NewName) and item.problem:
            self.app.bell()  # its line says what is wrong: the picker stays open
        elif item is not None:
            self.close(item if isinstance(item, NewName) else item.value)

    def action_cancel(self) -> None:
        self.close(None)

    def action_remove_document(self) -> None:
        item = self.highlighted()
        self.actions["remove_document"](item if isinstance(item, Choice) else None)


#: The actions of the picker's extra keys: each applies only when the use gives it.
_USE_ACTIONS = frozenset(spec.action for spec in keymap.SPECS if spec.context == "documents")
