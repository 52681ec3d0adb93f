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
    "reports": "Reports",
    "study_search": "Search all documents",
    "review": "Disagreement review",
    "documents": "Document list",
    "import": "Import documents",
    "case": "Case of a document",
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
    KeySpec("study_search", "ctrl+f", "app.study_search", "Find all", "main"),
    KeySpec("reports", "ctrl+t", "app.reports", "Reports", "main"),
    KeySpec("case_attributes", "A", "case_attributes", "Case", "main", show=False),
    KeySpec("import_documents", "ctrl+o", "app.import_documents", "Import", "main",
            show=False),
    KeySpec("cycle_coders", "ctrl+k", "app.cycle_coders", "Whose codings", "main",
            show=False),
    KeySpec("review_disagreements", "ctrl+d", "app.review_disagreements", "Disagreements",
            "main", show=False),
    KeySpec("help", "question_mark", "app.help", "Help", "main"),
    KeySpec("quit", "q", "app.quit", "Quit", "main"),
    KeySpec("code", "c", "screen.code", "Code", "transcript"),
    *(
        KeySpec(f"recent_{n}", str(n), f"screen.apply_recent({n})", f"Recent code {n}",
                "transcript", show=False)
        for n in range(1, 10)
    ),
    KeySpec("in_vivo", "i", "screen.in_vivo", "In vivo", "transcript"),
    KeySpec("recode", "r", "recode", "Recode", "transcript"),
    KeySpec("coding_start_earlier", "left_curly_bracket", "move_edge('start', -1)",
            "◂Start", "transcript"),
    KeySpec("coding_start_later", "right_curly_bracket", "move_edge('start', 1)",
            "Start▸", "transcript"),
    KeySpec("coding_end_earlier", "less_than_sign", "move_edge('end', -1)", "◂End",
            "transcript"),
    KeySpec("coding_end_later", "greater_than_sign", "move_edge('end', 1)", "End▸",
            "transcript"),
    KeySpec("uncode", "x", "uncode", "Uncode", "transcript"),
    KeySpec("redact", "ctrl+x", "screen.redact", "Redact", "transcript", show=False),
    KeySpec("search", "slash", "screen.search", "Search", "transcript"),
    KeySpec("go_to_line", "colon", "screen.go_to_line", "Go to line", "transcript",
            show=False),
    KeySpec("memo", "m", "screen.memo", "Memo", "transcript"),
    KeySpec("copy_quote", "y", "screen.copy_quote", "Copy quote", "transcript", show=False),
    KeySpec("cancel_search", "escape", "screen.cancel_search", "Cancel search", "transcript",
            show=False),
    KeySpec("add_code", "a", "add_code", "Add", "codebook"),
    KeySpec("rename_code", "r", "rename_code", "Rename", "codebook"),
    KeySpec("delete_code", "d", "delete_code", "Delete", "codebook"),
    KeySpec("merge_code", "M", "merge_code", "Merge", "codebook"),
    KeySpec("show_segments", "enter", "show_segments", "Segments", "codebook"),
    KeySpec("move_code", "p", "move_code", "Move", "codebook"),
    KeySpec("toggle_theme", "t", "toggle_theme", "Theme", "codebook"),
    KeySpec("describe_code", "e", "describe_code", "Describe", "codebook"),
    KeySpec("recolour_code", "C", "recolour_code", "Colour", "codebook"),
    KeySpec("filter_codes", "slash", "filter_codes", "Filter", "codebook"),
    KeySpec("clear_filter", "escape", "clear_filter", "Clear filter", "codebook", show=False),
    KeySpec("memo", "m", "memo", "Memo", "codebook"),
    KeySpec("save_memo", "ctrl+s", "save_memo", "Save memo", "memo"),
    KeySpec("leave_memo", "escape", "leave_memo", "Done", "memo"),
    KeySpec("open_segment", "enter", "open_segment", "Go to it", "retrieval"),
    KeySpec("copy_quote", "y", "copy_quote", "Copy quote", "retrieval"),
    KeySpec("segment_context", "x", "toggle_context", "Context", "retrieval"),
    KeySpec("open_memo", "enter", "open_memo", "Open target", "memo_review"),
    KeySpec("memo_kind", "ctrl+t", "next_kind", "Kind filter", "memo_review"),
    KeySpec("report_frequencies", "1", "show('frequencies')", "Frequencies", "reports",
            show=False),
    KeySpec("report_matrix", "2", "show('matrix')", "Matrix", "reports", show=False),
    KeySpec("report_cooccurrence", "3", "show('cooccurrence')", "Co-occurrence", "reports",
            show=False),
    KeySpec("report_saturation", "4", "show('saturation')", "Saturation", "reports",
            show=False),
    KeySpec("next_report", "tab", "cycle(1)", "Next report", "reports"),
    KeySpec("previous_report", "shift+tab", "cycle(-1)", "Previous report", "reports",
            show=False),
    KeySpec("matrix_by", "b", "next_by", "By attribute", "reports"),
    KeySpec("matrix_rollup", "r", "toggle_rollup", "With codes below", "reports"),
    KeySpec("matrix_count", "n", "next_count", "Count cases", "reports"),
    KeySpec("report_segments", "enter", "open", "Segments", "reports"),
    KeySpec("open_hit", "enter", "open_hit", "Go to it", "study_search"),
    KeySpec("code_hits", "c", "code_hits", "Code all", "study_search"),
    KeySpec("search_regex", "ctrl+r", "toggle('regex')", "Regex", "study_search"),
    KeySpec("search_case", "ctrl+l", "toggle('case_sensitive')", "Case", "study_search"),
    KeySpec("search_role", "ctrl+o", "cycle_role", "Speakers", "study_search"),
    KeySpec("search_widen", "ctrl+g", "cycle_widen", "Widen", "study_search"),
    KeySpec("edit_search", "slash", "edit_search", "Edit", "study_search"),
    KeySpec("review_next", "j,down", "move(1)", "Next", "review"),
    KeySpec("review_previous", "k,up", "move(-1)", "Previous", "review"),
    KeySpec("review_keep_a", "a", "decide('a')", "Keep A's", "review"),
    KeySpec("review_keep_b", "b", "decide('b')", "Keep B's", "review"),
    KeySpec("review_keep_both", "o", "decide('both')", "Both", "review"),
    KeySpec("review_keep_neither", "n", "decide('neither')", "Neither", "review"),
    KeySpec("review_memo", "m", "memo", "Memo", "review"),
    KeySpec("review_undo", "u", "undo", "Undo", "review"),
    KeySpec("remove_document", "ctrl+d", "remove_document", "Remove", "documents",
            priority=True),
    KeySpec("case_save", "ctrl+s", "save", "Save", "case"),
    KeySpec("case_name", "ctrl+n", "change_name", "Change case", "case"),
    KeySpec("import_complete", "tab", "complete", "Complete", "import"),
    KeySpec("import_run", "ctrl+s", "import", "Import", "import"),
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
    "code": "Code the selection, or the words of the speaker's turn (picker; a new name "
            "makes a code; touching my coding of that code extends it)",
    "in_vivo": "In vivo: the selected words become a new code",
    "recode": "On a coding: give it another code (asks which coding when several lie there)",
    "coding_start_earlier": "On a coding: its start one word earlier (grow it)",
    "coding_start_later": "On a coding: its start one word later (shrink it)",
    "coding_end_earlier": "On a coding: its end one word earlier (shrink it)",
    "coding_end_later": "On a coding: its end one word later (grow it)",
    "uncode": "On a coding: remove it (asks which when several lie there)",
    "redact": "Redact the selection: replace it with [redacted] or a text you give (asks)",
    "search": "Search this document",
    "go_to_line": "Go to a line (type its number)",
    "copy_quote": "Copy the selection, coding or turn as a quote, attributed to its speaker",
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
    "memo": "Write a memo on what has focus: the coding under the cursor (else the "
            "document), or the code",
    "save_memo": "Save the memo now (it is saved as you type, a moment after you stop)",
    "leave_memo": "Save the memo and go back",
    "open_segment": "Go to the segment in its document",
    "segment_context": "Show or hide the line of text before and after each segment",
    "open_memo": "Open what the memo is on",
    "memo_kind": "Show memos of one kind (project, document, case, code, coding)",
    "study_search": "Search all documents (words, phrases, regular expressions); code the hits",
    "reports": "Reports: frequencies, code × case matrix, co-occurrence, saturation",
    "report_frequencies": "Code frequencies (segments, documents, cases, characters)",
    "report_matrix": "Code × case matrix (b: by a case attribute instead)",
    "report_cooccurrence": "Co-occurrence of codes (overlapping codings)",
    "report_saturation": "Saturation: new codes per document, in import order",
    "next_report": "Next report",
    "previous_report": "Previous report",
    "matrix_by": "Matrix: by the next case attribute (then by case again)",
    "matrix_rollup": "Matrix: count each code with the codes below it (a theme with its codes)",
    "matrix_count": "Matrix: count respondents (cases) per cell instead of coded segments",
    "report_segments": "The segments behind the number (saturation: open the document)",
    "open_hit": "Go to the hit in its document",
    "code_hits": "Code every hit with a code from the picker (one step; u undoes it); "
                 "a hit in a coding of that code adds nothing",
    "search_regex": "Plain text or regular expression",
    "search_case": "Any case or match case",
    "search_role": "Whose hits: all speakers, respondents, interviewers, other speakers "
                   "(c codes respondents' hits only unless one role is chosen)",
    "search_widen": "Code each hit itself, or its word, sentence, turn or paragraph",
    "edit_search": "Back to the search line",
    "cycle_coders": "Whose codings are shown: all coders, mine, each other coder in turn",
    "review_disagreements": "Review where two coders disagree and decide on a consensus",
    "review_next": "Next disagreement",
    "review_previous": "Previous disagreement",
    "review_keep_a": "Keep coder A's coding there (as the consensus coder)",
    "review_keep_b": "Keep coder B's coding there (as the consensus coder)",
    "review_keep_both": "Keep both: the union of both coders' spans there",
    "review_keep_neither": "Keep neither: no consensus coding there",
    "review_memo": "Memo on the decision (the consensus coding, else the document)",
    "review_undo": "Undo the last decision",
    "remove_document": "Remove the highlighted document with its codings and memos (asks; "
                       "undoable)",
    "case_save": "Save the case and its attributes (a changed name asks what is meant)",
    "case_name": "Put the document in another case, or rename its case",
    "import_documents": "Import documents: transcripts, REFI-QDA or Taguette files, with "
                        "their case",
    "import_complete": "Complete the path (as a shell does); in another field, the next one",
    "import_run": "Import the files (read first: one bad file and nothing changes)",
}

#: Descriptions of the ids the transcript view binds itself (for the help screen).
TRANSCRIPT_CONTEXT = "Transcript (movement and selection)"

#: Ids that were renamed: a config file naming the old id still remaps the binding.
RENAMED = {"next_paragraph": "next_turn", "previous_paragraph": "previous_turn",
           "search_paragraphs": "search_widen"}


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
    if not config.keys:
        return keymap, problems
    known = known_ids()
    for binding_id, value in config.keys.items():
        binding_id = RENAMED.get(binding_id, binding_id)
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
