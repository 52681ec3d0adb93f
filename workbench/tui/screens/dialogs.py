"""Small modal screens: a filtered chooser, a one-line prompt, a yes/no question, a question
with a few answers, a form.

Each returns its answer through ``dismiss`` (``None`` when cancelled), so a screen can ``await
app.push_screen_wait(...)`` inside a worker and go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import FuzzySearch
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

_fuzzy = FuzzySearch()


#: A picker lists at most this many choices (typing narrows them): a short list is drawn at
#: once, however many choices there are.
SHOWN = 60


@dataclass(slots=True)
class Choice:
    """One entry of a :class:`PickerScreen`: what it returns, and how it shows."""

    value: Any
    label: str  # the text the filter searches
    detail: str | Callable[[], str] = ""  # shown dim after the label (a callable: when shown)
    color: str | None = None  # a colour swatch before the label
    key: str = ""  # a key hint shown before it ("1".."9" for recent codes)

    def detail_text(self) -> str:
        return self.detail() if callable(self.detail) else self.detail


@dataclass(slots=True)
class NewName:
    """The answer of a picker when the typed text is meant as a new name."""

    text: str


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
    text.append(choice.label)
    folded = choice.label.casefold()
    for word in query.casefold().split():
        at = folded.find(word)
        if at >= 0:
            text.stylize("bold underline", start + at, start + at + len(word))
    detail = choice.detail_text()
    if detail:
        text.append(f"  {detail}", style="dim")
    return text


class FilterInput(Input):
    """The filter line of a picker: tells the picker of each change at once (the stock
    ``Input.Changed`` message arrives a frame later)."""

    def __init__(self, changed: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._changed = changed

    def watch_value(self, value: str) -> None:
        self._changed(value)


class PickerScreen(ModalScreen[Any]):
    """Choose one of many: type to filter, ``enter`` takes the highlighted one.

    The best existing match is highlighted first. With ``new_label`` (e.g. ``"New code
    “{}”"``) a typed text that is not a choice's name is offered below the matches as a new
    name (:class:`NewName`): it is taken by ``enter`` only when nothing matches, or when it
    was chosen on purpose. At most :data:`SHOWN` choices are listed. A picker can be kept
    (see :func:`kept_picker`) and loaded again with :meth:`load` for its next use: it is then
    shown without building its widgets again.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[Choice],
        *,
        placeholder: str = "type to filter",
        new_label: str | None = None,
        query: str = "",
        hint: str = "enter choose · esc cancel",
    ) -> None:
        super().__init__(classes="picker-screen")
        self.shown: list[Choice | NewName] = []
        self.query_text: str | None = None
        self._set(title, choices, placeholder, new_label, query, hint)

    def _set(self, title: str, choices: Sequence[Choice], placeholder: str,
             new_label: str | None, query: str, hint: str) -> None:
        self.title_text = title
        self.choices = list(choices)
        self.placeholder = placeholder
        self.new_label = new_label
        self.initial_query = query
        self.hint = hint
        self._labels = {c.label.casefold() for c in self.choices}

    def load(
        self,
        title: str,
        choices: Sequence[Choice],
        *,
        placeholder: str = "type to filter",
        new_label: str | None = None,
        query: str = "",
        hint: str = "enter choose · esc cancel",
    ) -> PickerScreen:
        """Show other choices (for a kept picker's next use); returns the picker."""
        old_hint, old_choices, old_label = self.hint, self.choices, self.new_label
        self._set(title, choices, placeholder, new_label, query, hint)
        lists = self.query("#picker-list")
        if lists:
            # the title is one line of the dialog's width: no layout pass for a new one
            self.query_one(".title", Label).update(self._title_text(), layout=False)
            if hint != old_hint:
                self.query_one(".hint", Label).update(hint)
            field = self.query_one(FilterInput)
            field.placeholder = placeholder
            same = (len(choices) == len(old_choices) and new_label == old_label
                    and all(a is b for a, b in zip(choices, old_choices, strict=True)))
            if not same:
                self.query_text = None  # list them again, even for the same query
            with field.prevent(Input.Changed):
                field.value = query  # refilters (FilterInput) when the query changed
            if self.query_text != query:
                self.refilter(query)
            field.cursor_position = len(query)
            if self.shown:
                lists.first(OptionList).highlighted = 0
        return self

    def _title_text(self) -> Text:
        return Text(self.title_text, no_wrap=True, overflow="ellipsis")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self._title_text(), classes="title")
            yield FilterInput(self._filter_changed, value=self.initial_query,
                              placeholder=self.placeholder, id="picker-input")
            yield OptionList(id="picker-list")
            yield Label(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False
        if self.query_text != self.initial_query:
            self.refilter(self.initial_query)
        self.set_focus(self.query_one(Input))

    def on_screen_resume(self) -> None:
        self.set_focus(self.query_one(Input))

    def on_key(self, event: events.Key) -> None:
        """Letters typed before the filter line had the focus still go into it."""
        field = self.query_one(Input)
        if not field.has_focus and event.is_printable and event.character:
            event.stop()
            field.insert_text_at_cursor(event.character)
            self.set_focus(field)

    def _filter_changed(self, query: str) -> None:
        if query != self.query_text:
            self.refilter(query)

    def refilter(self, query: str) -> None:
        """Show the choices matching ``query`` (and the new-name entry when it applies)."""
        lists = self.query("#picker-list")
        if not lists:
            return  # not composed yet (on_mount fills it)
        self.query_text = query
        shown: list[Choice | NewName] = list(rank(query, self.choices)[:SHOWN])
        name = query.strip()
        if self.new_label and name and name.casefold() not in self._labels:
            shown.append(NewName(name))  # below every match: chosen on purpose
        self.shown = shown
        options = []
        for item in shown:
            if isinstance(item, NewName):
                assert self.new_label is not None
                prompt = Text("+ ", style="bold green", no_wrap=True, overflow="ellipsis")
                prompt.append(self.new_label.format(item.text))
                options.append(Option(prompt))
            else:
                options.append(Option(choice_prompt(item, query)))
        option_list = lists.first(OptionList)
        option_list.set_options(options)
        if options:
            option_list.highlighted = 0

    def action_move(self, delta: int) -> None:
        option_list = self.query_one(OptionList)
        if not self.shown:
            return
        current = option_list.highlighted or 0
        option_list.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    @on(Input.Submitted, "#picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self.query_one(OptionList).highlighted
        if index is None or not self.shown:
            return
        self._choose(index)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        item = self.shown[index]
        self.dismiss(item if isinstance(item, NewName) else item.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def kept_picker(app: App[Any], name: str, make: Callable[[], PickerScreen]) -> PickerScreen:
    """The app's picker called ``name``, made by ``make()`` the first time and kept mounted
    (installed) afterwards: opening it again costs no new widgets. Load it with
    :meth:`PickerScreen.load` before pushing it."""
    key = f"picker-{name}"
    if not app.is_screen_installed(key):
        app.install_screen(make(), key)
    screen = app.get_screen(key)
    assert isinstance(screen, PickerScreen)
    return screen


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; ``enter`` answers, ``escape`` cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", *, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt"):
            yield Label(Text(self.title_text), classes="title")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Label("enter OK · esc cancel", classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: ``y`` yes, ``n`` or ``escape`` no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label(Text(self.question), classes="title")
            yield Label("y yes · n no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceScreen(ModalScreen[Any]):
    """A question with a few answers, each on its own key; ``escape`` cancels (``None``)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, answers: Sequence[tuple[str, str, Any]]) -> None:
        """``answers`` are (key, what it does, the value it answers)."""
        super().__init__()
        self.question = question
        self.answers = list(answers)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label(Text(self.question), classes="title")
            for key, what, _ in self.answers:
                line = Text()
                line.append(f"{key}  ", style="bold")
                line.append(what)
                yield Label(line, classes="answer")
            yield Label("esc cancel", classes="hint")

    def on_key(self, event: events.Key) -> None:
        for key, _, value in self.answers:
            if event.key == key:
                event.stop()
                self.dismiss(value)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)


class FormScreen(ModalScreen[dict[str, str] | None]):
    """Several multi-line fields; ``ctrl+s`` saves, ``escape`` cancels, ``tab`` next field."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[tuple[str, str, str]]) -> None:
        """``fields`` are (key, label, value)."""
        super().__init__()
        self.title_text = title
        self.fields = list(fields)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(Text(self.title_text, no_wrap=True, overflow="ellipsis"), classes="title")
            for key, label, value in self.fields:
                yield Label(label, classes="field-label")
                yield TextArea(value, id=f"field-{key}", classes="field", soft_wrap=True)
            yield Label("ctrl+s save · tab next field · esc cancel", classes="hint")

    def action_save(self) -> None:
        self.dismiss(
            {key: self.query_one(f"#field-{key}", TextArea).text for key, _, _ in self.fields}
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
