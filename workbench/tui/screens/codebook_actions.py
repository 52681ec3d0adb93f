"""The codebook keys of the main screen: add, rename, delete, merge, move, theme, describe,
recolour, memo and segments. Each change is one undoable step of the project's history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on

from workbench.core.codebook import PALETTE
from workbench.core.model import Code
from workbench.errors import WorkbenchError
from workbench.tui.widgets.codebook import CodebookPane

if TYPE_CHECKING:
    from workbench.tui.screens.dialogs import Choice
    from workbench.tui.screens.main import MainScreen

    _Base = MainScreen
else:
    from textual.screen import Screen as _Base

#: Actions that change the project (refused with a notice when read-only).
CHANGING = {"add", "rename", "delete", "merge", "move", "theme", "describe", "recolour", "memo"}


class CodebookActions(_Base):
    """Mixed into :class:`MainScreen`."""

    @on(CodebookPane.CodeHighlighted)
    def _code_highlighted(self) -> None:
        if self.active_pane == "codebook":
            self.update_memo()

    @on(CodebookPane.Command)
    def _codebook_command(self, event: CodebookPane.Command) -> None:
        code = self.project.codebook.get(event.code_id or "")
        if event.action in CHANGING and not self.app.writable():
            return
        if code is None and event.action != "add":
            self.app.notify("The codebook is empty: a adds a code", severity="warning")
            return
        handler = getattr(self, f"codebook_{event.action}")
        handler(code)

    def _changed(self, message: str, highlight: str | None = None) -> None:
        self.app.notify(message, markup=False)
        self.after_change()
        if highlight:
            self.codebook.highlight(highlight)

    def _try(self, call, *args, **kwargs):
        try:
            return call(*args, **kwargs), True
        except WorkbenchError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return None, False

    def _code_choices(self, exclude: Code | None = None) -> list[Choice]:
        from workbench.tui.screens.dialogs import Choice

        project = self.project
        banned = (
            {exclude.id, *(c.id for c in project.codebook.descendants(exclude))}
            if exclude
            else set()
        )
        return [
            Choice(c.id, project.codebook.path(c), color=c.color)
            for c in project.codebook.all()
            if c.id not in banned
        ]

    def codebook_add(self, code: Code | None) -> None:
        from workbench.tui.screens.dialogs import PromptScreen

        project = self.project
        parent = None
        if code is not None:
            parent = code if code.is_theme else project.codebook.get(code.parent or "")
        where = f"under “{project.codebook.path(parent)}”" if parent else "at the top level"

        def named(name: str | None) -> None:
            if not name or not name.strip():
                return
            name = name.strip()
            under = parent is not None and "/" not in name
            path = f"{project.codebook.path(parent)}/{name}" if under else name
            new, ok = self._try(project.codebook.add, path)
            if ok:
                self._changed(f"Added the code {path}", new.id)

        self.app.push_screen(
            PromptScreen(f"New code {where} (a name with / is a path from the top)",
                         placeholder="code name"),
            named,
        )

    def codebook_rename(self, code: Code) -> None:
        from workbench.tui.screens.dialogs import PromptScreen

        def named(name: str | None) -> None:
            if not name or name.strip() == code.name:
                return
            renamed, ok = self._try(self.project.codebook.rename, code, name)
            if ok:
                self._changed(f"Renamed to {self.project.codebook.path(renamed)}", renamed.id)

        self.app.push_screen(
            PromptScreen(f"Rename “{self.project.codebook.path(code)}” to", code.name), named
        )

    def codebook_delete(self, code: Code) -> None:
        from workbench.tui.screens.dialogs import ConfirmScreen

        project = self.project
        doomed = [code, *project.codebook.descendants(code)]
        codings = sum(len(project.codings.of_code(c)) for c in doomed)
        below = f" and {len(doomed) - 1} code(s) below it" if len(doomed) > 1 else ""
        question = (
            f"Delete “{project.codebook.path(code)}”{below} with {codings} coding(s)? "
            "(u undoes it)"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                result, ok = self._try(project.codebook.delete, code)
                if ok:
                    self._changed(f"Deleted {result[0]} code(s) and {result[1]} coding(s)")

        self.app.push_screen(ConfirmScreen(question), answered)

    def codebook_merge(self, code: Code) -> None:
        from workbench.tui.screens.dialogs import PickerScreen

        project = self.project
        path = project.codebook.path(code)

        def chosen(into_id: str | None) -> None:
            if into_id is None:
                return
            into = project.codebook[into_id]
            moved, ok = self._try(project.codebook.merge, code, into)
            if ok:
                self._changed(
                    f"Merged {path} into {project.codebook.path(into)} ({moved} codings moved)",
                    into.id,
                )

        self.app.push_screen(PickerScreen(f"Merge “{path}” into", self._code_choices(code)),
                             chosen)

    def codebook_move(self, code: Code) -> None:
        from workbench.tui.screens.dialogs import Choice, PickerScreen

        project = self.project
        choices = [Choice("", "top level"), *self._code_choices(code)]

        def chosen(parent_id: str | None) -> None:
            if parent_id is None:
                return
            parent = project.codebook[parent_id] if parent_id else None
            moved, ok = self._try(project.codebook.move, code, parent)
            if ok:
                self._changed(f"Moved to {project.codebook.path(moved)}", moved.id)

        self.app.push_screen(
            PickerScreen(f"Move “{project.codebook.path(code)}” under", choices), chosen
        )

    def codebook_theme(self, code: Code) -> None:
        updated, ok = self._try(self.project.codebook.set_theme, code)
        if ok:
            path = self.project.codebook.path(updated)
            state = "is now a theme" if updated.is_theme else "is no longer a theme"
            self._changed(f"{path} {state}", updated.id)

    def codebook_describe(self, code: Code) -> None:
        from workbench.tui.screens.dialogs import FormScreen

        fields = [
            ("description", "Description", code.description),
            ("inclusion", "Inclusion criteria: use it when…", code.inclusion),
            ("exclusion", "Exclusion criteria: do not use it when…", code.exclusion),
            ("example", "Example", code.example),
        ]

        def answered(answer: dict[str, str] | None) -> None:
            if answer is None:
                return
            updated, ok = self._try(self.project.codebook.describe, code, **answer)
            if ok and updated is not code:
                self._changed(f"Described {self.project.codebook.path(updated)}", updated.id)

        self.app.push_screen(
            FormScreen(f"Describe “{self.project.codebook.path(code)}”", fields), answered
        )

    def codebook_recolour(self, code: Code) -> None:
        from workbench.tui.screens.dialogs import Choice, NewName, PickerScreen

        choices = [Choice(color, color, color=color) for color in PALETTE]

        def chosen(answer) -> None:
            if answer is None:
                return
            color = answer.text if isinstance(answer, NewName) else answer
            updated, ok = self._try(self.project.codebook.color, code, color)
            if ok and updated is not code:
                self._changed(f"{self.project.codebook.path(updated)} is now {updated.color}",
                              updated.id)

        self.app.push_screen(
            PickerScreen(
                f"Colour of “{self.project.codebook.path(code)}” (or type #RRGGBB)",
                choices,
                new_label="use {}",
                hint="enter choose · a typed #RRGGBB is used as it is · esc cancel",
            ),
            chosen,
        )

    def codebook_memo(self, code: Code) -> None:
        from workbench.tui.widgets.memo_pane import MemoTarget

        kind = "theme" if code.is_theme else "code"
        target = MemoTarget("code", code.id, f"{kind} “{self.project.codebook.path(code)}”")
        self.update_memo(force=True, target=target)
        self.focus_pane("memo")
        self.memo_pane.start_writing()

    def codebook_segments(self, code: Code) -> None:
        from workbench.tui.screens.retrieval import RetrievalScreen

        def chosen(found: tuple[str, int] | None) -> None:
            if found is not None:
                self.go_to(*found)

        self.app.push_screen(RetrievalScreen(self.project, code), chosen)
