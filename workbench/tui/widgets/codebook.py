"""The codebook pane: a tree of themes, codes and sub-codes with colour swatches and counts.

Each node shows ``segments·respondents`` for the code and everything below it. ``/`` opens a
filter line; typing narrows the tree to matching codes (with their parents). The pane's keys
(add, rename, delete, merge, ...) each post their own message (:class:`CodebookPane.AddRequested`,
:class:`CodebookPane.RenameRequested`, ...) with the highlighted code; the screen acts on them.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from workbench.core.model import Code
from workbench.core.project import Project
from workbench.tui import keymap
from workbench.tui.textual_compat import BatchTree, VerticalNotScrolled
from workbench.tui.widgets.codebook_counts import CodeCounts, children_map
from workbench.tui.widgets.text_line import TextLine


def code_label(code: Code, counts: tuple[int, int]) -> Text:
    """``■ name  12·4`` with the code's colour; a theme gets a diamond and bold."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("◆ " if code.is_theme else "■ ", style=code.color)
    text.append(code.name, style="bold" if code.is_theme else "")
    segments, people = counts
    text.append(f"  {segments}·{people}", style="dim")
    return text


class CodebookTree(BatchTree[str]):
    """The codebook tree; each node's data is a code id.

    Its look does not depend on the focus (a focus move then repaints the cursor's line, not
    the tree): the cursor's line is dim while another pane has the focus, and the tree draws
    it strong (``codebook-tree--focused-cursor``) while it has the focus.
    """

    COMPONENT_CLASSES = BatchTree.COMPONENT_CLASSES | {"codebook-tree--focused-cursor"}

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        # the tree's own enter (select) would shadow the pane's binding: take it over
        *(b for b in keymap.bindings("codebook") if b.id == "show_segments"),
    ]

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        """The label under the line's style (the stock tree laid it over the label, so the
        cursor's colour hid the code's swatch); the cursor's line strong while focused."""
        if self.has_focus and node is self.cursor_node:
            style += self.get_component_rich_style("codebook-tree--focused-cursor",
                                                   partial=False)
        text = super().render_label(node, base_style, Style())
        text.stylize_before(style, len(text) - len(node.label))
        return text

    def action_show_segments(self) -> None:
        pane = next((node for node in self.ancestors if isinstance(node, CodebookPane)), None)
        if pane is not None:
            pane.action_show_segments()


class CodebookPane(VerticalNotScrolled):
    """Codebook tree with a filter line; posts messages for the screen to act on."""

    BINDINGS = keymap.bindings("codebook")

    class Request(Message):
        """A key asked for something to be done to the highlighted code (``None``: the
        codebook is empty). Each key posts its own kind of request."""

        def __init__(self, code: Code | None) -> None:
            super().__init__()
            self.code = code

    class AddRequested(Request):
        """Add a code beside the highlighted one (inside it, when it is a theme)."""

    class RenameRequested(Request):
        """Rename the code."""

    class DeleteRequested(Request):
        """Delete the code and the codes below it (after asking)."""

    class MergeRequested(Request):
        """Merge the code into another one."""

    class MoveRequested(Request):
        """Move the code under another one, or to the top level."""

    class ThemeRequested(Request):
        """Mark the code as a theme, or no longer."""

    class DescribeRequested(Request):
        """Describe the code: description, inclusion, exclusion, example."""

    class RecolourRequested(Request):
        """Give the code another colour."""

    class MemoRequested(Request):
        """Write the memo on the code."""

    class SegmentsRequested(Request):
        """List every segment of the code and of the codes below it."""

    class CodeHighlighted(Message):
        """The cursor of the tree is on another code (``None``: no code)."""

        def __init__(self, code_id: str | None) -> None:
            super().__init__()
            self.code_id = code_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.project: Project | None = None
        self.collapsed: set[str] = set()
        self.nodes: dict[str, TreeNode[str]] = {}
        self.filter_text = ""
        self.counts: CodeCounts | None = None
        # what the tree was drawn from: records are replaced, never changed, on every change
        self._drawn_from: tuple[dict, dict, str | None] | None = None

    def compose(self) -> ComposeResult:
        yield TextLine("Codebook  segments·respondents", classes="pane-title")
        yield Input(placeholder="filter codes (esc clears)", id="codebook-filter")
        tree: CodebookTree = CodebookTree("codes", id="codebook-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    @property
    def tree(self) -> CodebookTree:
        return self.query_one(CodebookTree)

    @property
    def code_id(self) -> str | None:
        """The id of the highlighted code."""
        node = self.tree.cursor_node
        return node.data if node is not None else None

    def totals(self, code: Code) -> tuple[int, int]:
        """(segments, respondents) of ``code`` with the codes below it, as the tree shows
        them (only this coder's in blind mode)."""
        return self.counts.of(code) if self.counts is not None else (0, 0)

    def show_codes(self, project: Project, *, highlight: str | None = None) -> None:
        """Rebuild the tree from the project, keeping (or moving) the cursor."""
        self.project = project
        keep = highlight or self.code_id
        tree = self.tree
        tree.clear()
        self.nodes = {}
        children = children_map(project)
        from workbench.tui.coders import counted_coder

        coder = counted_coder(self.app)
        project.take_touched_codes()
        self.counts = CodeCounts(project, children, coder)
        counts = self.counts.totals
        self._drawn_from = (dict(project.codebook), dict(project.documents), coder)
        query = self.filter_text.casefold().strip()
        visible: set[str] | None = None
        if query:
            visible = set()
            for code in project.codebook.all():
                if query in project.codebook.path(code).casefold():
                    visible.add(code.id)
                    parent = code.parent
                    while parent:
                        visible.add(parent)
                        parent = project.codebook[parent].parent

        def add(parent_node: TreeNode[str], parent: Code | None) -> None:
            for code in children.get(parent.id if parent else None, ()):
                if visible is not None and code.id not in visible:
                    continue
                label = code_label(code, counts.get(code.id, (0, 0)))
                has_children = code.id in children
                expand = visible is not None or code.id not in self.collapsed
                if has_children:
                    node = parent_node.add(label, data=code.id, expand=expand)
                    add(node, code)
                else:
                    node = parent_node.add_leaf(label, data=code.id)
                self.nodes[code.id] = node

        with tree.batch():
            add(tree.root, None)
        _ = tree.last_line  # lay the lines out so nodes know their line
        if keep in self.nodes:
            self.highlight(keep)
        elif self.nodes:
            tree.cursor_line = 0

    def update_codes(self, project: Project) -> None:
        """After a change: relabel the codes whose counts changed, or redraw the tree when the
        codebook, the documents or whose codings are counted changed."""
        from workbench.tui.coders import counted_coder

        drawn = self._drawn_from
        if (
            self.counts is None
            or project is not self.project
            or drawn is None
            or not project.codebook.holds(drawn[0])
            or not project.documents.holds(drawn[1])
            or counted_coder(self.app) != drawn[2]
        ):
            self.show_codes(project)
            return
        codes, tree = project.codebook, self.tree
        for code_id in self.counts.recount(project.take_touched_codes()):
            node = self.nodes.get(code_id)
            if node is not None:
                tree.relabel(node, code_label(codes[code_id], self.counts.totals[code_id]))

    def highlight(self, code_id: str) -> None:
        """Put the cursor on a code (expanding its parents); a code added a moment ago is
        drawn first."""
        if code_id not in self.nodes and self.project is not None:
            self.update_codes(self.project)
        node = self.nodes.get(code_id)
        if node is None:
            return
        parent = node.parent
        while parent is not None and not parent.is_root:
            parent.expand()
            if parent.data:
                self.collapsed.discard(parent.data)
            parent = parent.parent
        _ = self.tree.last_line
        self.tree.move_cursor(node)

    @on(Tree.NodeHighlighted, "#codebook-tree")
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        self.post_message(self.CodeHighlighted(event.node.data))

    @on(Tree.NodeCollapsed, "#codebook-tree")
    def _collapsed(self, event: Tree.NodeCollapsed) -> None:
        if event.node.data and not self.filter_text:
            self.collapsed.add(event.node.data)

    @on(Tree.NodeExpanded, "#codebook-tree")
    def _expanded(self, event: Tree.NodeExpanded) -> None:
        if event.node.data:
            self.collapsed.discard(event.node.data)

    @on(Tree.NodeSelected, "#codebook-tree")
    def _selected(self, event: Tree.NodeSelected) -> None:
        event.stop()  # enter is bound to show_segments; a mouse click only highlights

    # ------------------------------------------------------------------ filter
    def action_filter_codes(self) -> None:
        field = self.query_one("#codebook-filter", Input)
        field.add_class("-shown")
        self.screen.set_focus(field)

    @on(Input.Changed, "#codebook-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value
        if self.project is not None:
            self.show_codes(self.project)

    @on(Input.Submitted, "#codebook-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            event.input.remove_class("-shown")
        self.tree.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#codebook-filter", Input)
        if field.has_focus or self.filter_text:
            self.filter_text = ""
            field.value = ""
            field.remove_class("-shown")
            self.tree.focus()
            if self.project is not None:
                self.show_codes(self.project)

    # ------------------------------------------------------------------ requests
    def _request(self, request: type[Request]) -> None:
        code = self.project.codebook.get(self.code_id or "") if self.project else None
        self.post_message(request(code))

    def action_add_code(self) -> None:
        self._request(self.AddRequested)

    def action_rename_code(self) -> None:
        self._request(self.RenameRequested)

    def action_delete_code(self) -> None:
        self._request(self.DeleteRequested)

    def action_merge_code(self) -> None:
        self._request(self.MergeRequested)

    def action_show_segments(self) -> None:
        self._request(self.SegmentsRequested)

    def action_move_code(self) -> None:
        self._request(self.MoveRequested)

    def action_toggle_theme(self) -> None:
        self._request(self.ThemeRequested)

    def action_describe_code(self) -> None:
        self._request(self.DescribeRequested)

    def action_recolour_code(self) -> None:
        self._request(self.RecolourRequested)

    def action_memo(self) -> None:
        self._request(self.MemoRequested)
