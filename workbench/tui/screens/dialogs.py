"""Small modal screens: a filtered chooser, a one-line prompt, a yes/no question, a question
with a few answers, a form.

Each returns its answer through ``dismiss`` (``None`` when cancelled), so a screen can ``await
app.push_screen_wait(...)`` inside a worker and go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, TextArea

from workbench.tui.widgets.picker import SHOWN, Choice, NewName, Picker, rank

__all__ = [
    "SHOWN", "Choice", "ChoiceScreen", "ConfirmScreen", "FormScreen", "NewName", "Picker",
    "PickerScreen", "PromptScreen", "rank",
]


class PickerScreen(ModalScreen[Any]):
    """A :class:`~workbench.tui.widgets.picker.Picker` in a modal screen, for a picker asked
    from a screen other than the main one (whose picker is an overlay): dismisses with the
    picker's answer (a choice's value, a :class:`NewName`, or ``None`` when cancelled).
    ``title``, ``choices`` and ``options`` are those of :meth:`Picker.load`."""

    def __init__(self, title: str, choices: Sequence[Choice], **options: Any) -> None:
        super().__init__(classes="picker-screen")
        self.picker = Picker().load(title, choices, **options)

    def compose(self) -> ComposeResult:
        yield self.picker

    def on_mount(self) -> None:
        self.picker.open(self.dismiss)


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
