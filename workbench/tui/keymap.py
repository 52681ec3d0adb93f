"""Every key binding of the TUI, with an id, a default key and where it applies.

The ids are what the config file's ``[keys]`` table remaps (``code = "c,enter"``); the app
passes the table to :meth:`textual.app.App.set_keymap`. The transcript view binds its own
movement keys (with ids too); :func:`known_ids` includes them so a typo in the config is
reported instead of silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from workbench.core.config import Config


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One binding: id, default key(s), the action it runs, and where it applies."""

    id: str
    keys: str
    action: str
    description: str
    context: str
    show: bool = True
    priority: bool = False

    @property
    def help_text(self) -> str:
        """The help screen's description (the footer's is kept short)."""
        return HELP.get(self.id, self.description)


#: Where a binding applies, in the order the help screen lists them.
CONTEXTS = {
    "app": "Everywhere",
    "main": "Main screen",
    "transcript": "Transcript pane",
    "codebook": "Codebook pane",
    "memo": "Memo pane",
    "retrieval": "Segments of a code",
    "memo_review": "Memo review",
}

SPECS: tuple[KeySpec, ...] = (
    KeySpec("command_palette", "ctrl+p", "command_palette", "Palette", "app", show=False,
            priority=True),
    KeySpec("next_pane", "tab", "next_pane", "Next pane", "main", show=False),
    KeySpec("previous_pane", "shift+tab", "previous_pane", "Previous pane", "main", show=False),
    KeySpec("go_to_document", "g", "go_to_document", "Go to doc", "main"),
    KeySpec("undo", "u", "undo", "Undo", "main"),
    KeySpec("redo", "ctrl+r", "redo", "Redo", "main", show=False),
    KeySpec("memo_review", "R", "app.memo_review", "Memos", "main"),
    KeySpec("case_attributes", "A", "case_attributes", "Case", "main", show=False),
    KeySpec("help", "question_mark", "app.help", "Help", "main"),
    KeySpec("quit", "q", "app.quit", "Quit", "main"),
    KeySpec("code", "c", "screen.code", "Code", "transcript"),
    *(
        KeySpec(f"recent_{n}", str(n), f"screen.apply_recent({n})", f"Recent code {n}",
                "transcript", show=False)
        for n in range(1, 10)
    ),
    KeySpec("in_vivo", "i", "screen.in_vivo", "In vivo", "transcript"),
    KeySpec("uncode", "x", "screen.uncode", "Uncode", "transcript"),
    KeySpec("search", "slash", "screen.search", "Search", "transcript"),
    KeySpec("memo", "m", "screen.memo", "Memo", "transcript"),
    KeySpec("copy_quote", "y", "screen.copy_quote", "Copy quote", "transcript", show=False),
    KeySpec("cancel_search", "escape", "screen.cancel_search", "Cancel search", "transcript",
            show=False),
    KeySpec("add_code", "a", "add_code", "Add", "codebook"),
    KeySpec("rename_code", "r", "rename_code", "Rename", "codebook"),
    KeySpec("delete_code", "d", "delete_code", "Delete", "codebook"),
    KeySpec("merge_code", "M", "merge_code", "Merge", "codebook"),
    KeySpec("show_segments", "enter", "show_segments", "Segments", "codebook"),
    KeySpec("move_code", "p", "move_code", "Move", "codebook", show=False),
    KeySpec("toggle_theme", "t", "toggle_theme", "Theme", "codebook", show=False),
    KeySpec("describe_code", "e", "describe_code", "Describe", "codebook", show=False),
    KeySpec("recolour_code", "C", "recolour_code", "Colour", "codebook", show=False),
    KeySpec("filter_codes", "slash", "filter_codes", "Filter", "codebook"),
    KeySpec("clear_filter", "escape", "clear_filter", "Clear filter", "codebook", show=False),
    KeySpec("memo", "m", "memo", "Memo", "codebook"),
    KeySpec("save_memo", "ctrl+s", "save_memo", "Save memo", "memo"),
    KeySpec("leave_memo", "escape", "leave_memo", "Done", "memo"),
    KeySpec("open_segment", "enter", "open_segment", "Go to it", "retrieval"),
    KeySpec("copy_quote", "y", "copy_quote", "Copy quote", "retrieval"),
    KeySpec("open_memo", "enter", "open_memo", "Open target", "memo_review"),
    KeySpec("memo_kind", "ctrl+t", "next_kind", "Kind filter", "memo_review"),
)

#: Longer descriptions for the help screen.
HELP = {
    "command_palette": "Command palette: apply or find a code, go to a document, undo history",
    "next_pane": "Next pane (transcript, codebook, memo)",
    "go_to_document": "Go to another document",
    "undo": "Undo the last change (codings, codebook, memos, cases)",
    "redo": "Redo what was undone",
    "memo_review": "Review every memo, newest first",
    "case_attributes": "Edit the case of this document and its attributes",
    "help": "This help",
    "quit": "Quit (everything is saved first)",
    "code": "Code the selection, or the paragraph (picker; a new name makes a code)",
    "in_vivo": "In vivo: the selected words become a new code",
    "uncode": "Remove a coding under the cursor",
    "search": "Search this document",
    "copy_quote": "Copy the segment as a quote with its case",
    "cancel_search": "Close the search line",
    "add_code": "Add a code (beside the highlighted one, or inside a theme)",
    "rename_code": "Rename the code",
    "delete_code": "Delete the code (asks first)",
    "merge_code": "Merge the code into another",
    "show_segments": "Show all its segments",
    "move_code": "Move it under another code or to the top level",
    "toggle_theme": "Mark or unmark it as a theme",
    "describe_code": "Describe it: description, inclusion, exclusion, example",
    "recolour_code": "Change its colour",
    "filter_codes": "Filter the codebook",
    "clear_filter": "Clear the filter",
    "save_memo": "Save the memo",
    "leave_memo": "Save the memo and go back",
    "open_segment": "Go to the segment in its document",
    "open_memo": "Open what the memo is on",
    "memo_kind": "Show memos of one kind (project, document, case, code, coding)",
}

#: Descriptions of the ids the transcript view binds itself (for the help screen).
TRANSCRIPT_CONTEXT = "Transcript (movement and selection)"


def bindings(context: str) -> list[Binding]:
    """The Textual bindings of one context, with their ids."""
    return [
        Binding(s.keys, s.action, s.description, show=s.show, priority=s.priority, id=s.id)
        for s in SPECS
        if s.context == context
    ]


def transcript_bindings() -> list[Binding]:
    """The bindings the transcript view declares itself (empty if it declares none)."""
    from workbench.tui.widgets.transcript import TranscriptView

    return [b for b in TranscriptView.BINDINGS if isinstance(b, Binding)]


def known_ids() -> set[str]:
    """Every binding id a config file may remap."""
    return {s.id for s in SPECS} | {b.id for b in transcript_bindings() if b.id}


def load_keymap(config: Config) -> tuple[dict[str, str], list[str]]:
    """The ``[keys]`` table as a Textual keymap, and a list of problems to tell the user."""
    keymap: dict[str, str] = {}
    problems: list[str] = []
    known = known_ids()
    for binding_id, value in config.keys.items():
        keys = ",".join(k.strip() for k in value.split(",") if k.strip())
        if binding_id not in known:
            problems.append(f"unknown action {binding_id!r} in [keys] of {config.path}")
        elif not keys:
            problems.append(f"no key given for {binding_id!r} in [keys] of {config.path}")
        else:
            keymap[binding_id] = keys
    return keymap, problems


def keys_for(binding_id: str, default: str, keymap: dict[str, str]) -> list[str]:
    """The keys a binding has now (the user's, else the default)."""
    return [k for k in keymap.get(binding_id, default).split(",") if k]
