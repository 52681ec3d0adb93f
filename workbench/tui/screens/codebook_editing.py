"""Editing the codebook: what the main screen does with each request of the codebook pane.

Add, rename, delete, merge, move, theme, describe and recolour are each one undoable step,
made through the app (:meth:`~workbench.tui.app.WorkbenchApp.ask` for the ones that ask first);
memo and segments open the memo pane and the code's segments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.core.codebook import PALETTE
from workbench.core.model import Code
from workbench.tui.changes import NotChanged
from workbench.tui.screens.part import MainScreenPart
from workbench.wording import plural

if TYPE_CHECKING:
    from workbench.tui.screens.dialogs import Choice
    from workbench.tui.widgets.codebook import CodebookPane

EMPTY = "The codebook is empty: a adds a code"


def existing(code: Code | None) -> Code:
    """The code a request is about; NotChanged when the codebook is empty."""
    if code is None:
        raise NotChanged(EMPTY)
    return code


class CodebookEditing(MainScreenPart):
    """Acts on the codebook pane's requests, through the app, for the main screen."""

    @property
    def pane(self) -> CodebookPane:
        return self.screen.codebook

    def _done(self, message: str, highlight: str | None = None) -> None:
        """Say what was done and put the codebook's cursor on the code it was done to."""
        self.app.say(message)  # in the status line, like the coding keys' confirmations
        if highlight:
            self.pane.highlight(highlight)

    def _code_choices(self, exclude: Code) -> list[Choice]:
        """Every code but ``exclude`` and the codes below it."""
        from workbench.tui.screens.dialogs import Choice

        codebook = self.project.codebook
        banned = {exclude.id, *(c.id for c in codebook.descendants(exclude))}
        return [
            Choice(c.id, codebook.path(c), color=c.color)
            for c in codebook.all()
            if c.id not in banned
        ]

    # ------------------------------------------------------------------ requests
    def add(self, code: Code | None) -> None:
        """A new code beside ``code`` (inside it when it is a theme; at the top level in an
        empty codebook)."""
        from workbench.tui.screens.dialogs import PromptScreen

        codebook = self.project.codebook
        parent = None
        if code is not None:
            parent = code if code.is_theme else codebook.get(code.parent or "")
        where = f"under “{codebook.path(parent)}”" if parent else "at the top level"

        def named(name: str) -> None:
            if not name.strip():
                return
            name = name.strip()
            under = parent is not None and "/" not in name
            path = f"{codebook.path(parent)}/{name}" if under else name
            new = self.app.apply(lambda project: project.codebook.add(path))
            if new is not None:
                self._done(f"Added the code {path}", new.id)

        self.app.ask(
            PromptScreen(f"New code {where} (a name with / is a path from the top)",
                         placeholder="code name"),
            named,
        )

    def rename(self, code: Code | None) -> None:
        from workbench.tui.screens.dialogs import PromptScreen

        def dialog() -> PromptScreen:
            return PromptScreen(
                f"Rename “{self.project.codebook.path(existing(code))}” to", code.name
            )

        def named(name: str) -> None:
            if not name or name.strip() == code.name:
                return
            renamed = self.app.apply(lambda project: project.codebook.rename(code, name))
            if renamed is not None:
                self._done(f"Renamed to {self.project.codebook.path(renamed)}", renamed.id)

        self.app.ask(dialog, named)

    def delete(self, code: Code | None) -> None:
        from workbench.tui.screens.dialogs import ConfirmScreen

        def dialog() -> ConfirmScreen:
            project = self.project
            doomed = [existing(code), *project.codebook.descendants(code)]
            codings = sum(len(project.codings.of_code(c)) for c in doomed)
            below = (f" and {plural(len(doomed) - 1, 'code')} below it"
                     if len(doomed) > 1 else "")
            return ConfirmScreen(
                f"Delete “{project.codebook.path(code)}”{below} with {plural(codings, 'coding')}? "
                "(u undoes it)"
            )

        def answered(yes: bool) -> None:
            if yes:
                result = self.app.apply(lambda project: project.codebook.delete(code))
                if result is not None:
                    self._done(f"Deleted {plural(result[0], 'code')} and "
                               f"{plural(result[1], 'coding')}")

        self.app.ask(dialog, answered)

    def merge(self, code: Code | None) -> None:
        from workbench.tui.screens.dialogs import PickerScreen

        def dialog() -> PickerScreen:
            path = self.project.codebook.path(existing(code))
            return PickerScreen(f"Merge “{path}” into", self._code_choices(code))

        def chosen(into_id: str) -> None:
            codebook = self.project.codebook
            path, into = codebook.path(code), codebook[into_id]
            moved = self.app.apply(lambda project: project.codebook.merge(code, into))
            if moved is not None:
                self._done(f"Merged {path} into {codebook.path(into)} "
                           f"({plural(moved, 'coding')} moved)",
                           into.id)

        self.app.ask(dialog, chosen)

    def move(self, code: Code | None) -> None:
        from workbench.tui.screens.dialogs import Choice, PickerScreen

        def dialog() -> PickerScreen:
            choices = [Choice("", "top level"), *self._code_choices(existing(code))]
            return PickerScreen(f"Move “{self.project.codebook.path(code)}” under", choices)

        def chosen(parent_id: str) -> None:
            parent = self.project.codebook[parent_id] if parent_id else None
            moved = self.app.apply(lambda project: project.codebook.move(code, parent))
            if moved is not None:
                self._done(f"Moved to {self.project.codebook.path(moved)}", moved.id)

        self.app.ask(dialog, chosen)

    def toggle_theme(self, code: Code | None) -> None:
        updated = self.app.apply(lambda project: project.codebook.set_theme(existing(code)))
        if updated is not None:
            path = self.project.codebook.path(updated)
            state = "is now a theme" if updated.is_theme else "is no longer a theme"
            self._done(f"{path} {state}", updated.id)

    def describe(self, code: Code | None) -> None:
        from workbench.tui.screens.dialogs import FormScreen

        def dialog() -> FormScreen:
            fields = [
                ("description", "Description", existing(code).description),
                ("inclusion", "Inclusion criteria: use it when…", code.inclusion),
                ("exclusion", "Exclusion criteria: do not use it when…", code.exclusion),
                ("example", "Example", code.example),
            ]
            return FormScreen(f"Describe “{self.project.codebook.path(code)}”", fields)

        def answered(answer: dict[str, str]) -> None:
            updated = self.app.apply(lambda project: project.codebook.describe(code, **answer))
            if updated is not None and updated is not code:
                self._done(f"Described {self.project.codebook.path(updated)}", updated.id)

        self.app.ask(dialog, answered)

    def recolour(self, code: Code | None) -> None:
        from workbench.tui.screens.dialogs import Choice, NewName, PickerScreen

        def dialog() -> PickerScreen:
            return PickerScreen(
                f"Colour of “{self.project.codebook.path(existing(code))}” (or type #RRGGBB)",
                [Choice(color, color, color=color) for color in PALETTE],
                new_label="use {}",
                hint="enter choose · a typed #RRGGBB is used as it is · esc cancel",
            )

        def chosen(answer: object) -> None:
            color = answer.text if isinstance(answer, NewName) else str(answer)
            updated = self.app.apply(lambda project: project.codebook.color(code, color))
            if updated is not None and updated is not code:
                path = self.project.codebook.path(updated)
                self._done(f"{path} is now {updated.color}", updated.id)

        self.app.ask(dialog, chosen)

    def memo(self, code: Code | None) -> None:
        """Write the memo on the code in the memo pane."""
        from workbench.tui.widgets.memo_pane import MemoTarget

        def target() -> MemoTarget:
            kind = "theme" if existing(code).is_theme else "code"
            return MemoTarget("code", code.id, f"{kind} “{self.project.codebook.path(code)}”")

        self.screen.memos.write_on(target)

    def segments(self, code: Code | None) -> None:
        """List every segment of the code; the one chosen opens in the transcript."""
        from workbench.tui.screens.retrieval import RetrievalScreen

        if code is None:
            self.app.notify(EMPTY, severity="warning")
            return

        def chosen(found: tuple[str, int] | None) -> None:
            if found is not None:
                self.screen.go_to(*found)

        self.app.push_screen(RetrievalScreen(self.project, code), chosen)
