"""The codebook: a tree of codes (themes among them) to find, create, rename, move, merge,
delete, describe and colour. Every change is one undoable step."""

from __future__ import annotations

import dataclasses
import re

from workbench.clock import now
from workbench.core.model import Code, new_id
from workbench.core.records import RecordTable
from workbench.errors import WorkbenchError

#: Colours given to new codes in turn: distinct on dark and light backgrounds.
PALETTE = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#bfef45",
    "#fabed4",
    "#469990",
    "#dcbeff",
    "#9a6324",
    "#fffac8",
    "#800000",
    "#aaffc3",
    "#808000",
    "#ffd8b1",
    "#000075",
)
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
SEPARATOR = "/"


def normalise_color(value: str) -> str:
    """``#RGB`` or ``#RRGGBB`` as lower-case ``#rrggbb``; anything else is an error."""
    value = value.strip()
    if not _HEX.match(value):
        raise WorkbenchError(f"colour {value!r} must be #RRGGBB (for example #e6194b)")
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value.lower()


#: The longest code name an in-vivo code gets.
IN_VIVO_LENGTH = 60


def in_vivo_name(text: str) -> str:
    """The code name the selected words make (an in-vivo code): one line, no ``/``, without
    surrounding quotes and punctuation, at most :data:`IN_VIVO_LENGTH` characters (cut at a
    word, with ``…``); ``""`` when the words leave nothing."""
    name = " ".join(text.split()).replace(SEPARATOR, "-")
    name = name.strip(" \t\"'“”‘’«»„.,;:!?()[]—–-")
    if len(name) > IN_VIVO_LENGTH:
        cut = name[:IN_VIVO_LENGTH].rsplit(" ", 1)[0] or name[:IN_VIVO_LENGTH]
        name = cut.rstrip(" ,;:") + "…"
    return name


def split_path(path: str) -> list[str]:
    """The names of a ``Theme/Code/Subcode`` path, stripped; empty parts are an error."""
    parts = [p.strip() for p in path.split(SEPARATOR)]
    if not path.strip() or any(not p for p in parts):
        raise WorkbenchError(f"code path {path!r} has an empty name in it")
    return parts


class Codebook(RecordTable[Code]):
    """The codes of a project by id, with the operations on the tree."""

    table = "codes"

    # ------------------------------------------------------------------ queries
    def path(self, code: Code) -> str:
        """``Theme/Code/Subcode`` of a code."""
        names = [code.name]
        codes = self._records
        parent = code.parent
        guard = 0
        while parent is not None and guard < 1000:
            node = codes.get(parent)
            if node is None:
                break
            names.append(node.name)
            parent = node.parent
            guard += 1
        return SEPARATOR.join(reversed(names))

    def children(self, code: Code | None) -> list[Code]:
        """Direct children of a code (or the top level for ``None``), in codebook order."""
        found = self._state.children.get(code.id if code else None, {}).values()
        return sorted(found, key=lambda c: (c.order, c.name.casefold()))

    def all(self) -> list[Code]:
        """Every code, depth first in codebook order (parents before children)."""
        out: list[Code] = []

        def walk(parent: Code | None) -> None:
            for child in self.children(parent):
                out.append(child)
                walk(child)

        walk(None)
        return out

    def descendants(self, code: Code) -> list[Code]:
        """Every code below ``code``."""
        out: list[Code] = []
        stack = self.children(code)
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(self.children(node))
        return out

    def depth(self, code: Code) -> int:
        """0 for a top-level code."""
        return self.path(code).count(SEPARATOR)

    def child_named(self, parent: Code | None, name: str) -> Code | None:
        """The child of ``parent`` with this exact name (one dictionary look-up)."""
        return self._state.child_named(parent.id if parent else None, name)

    def next_order(self, parent: Code | None) -> int:
        """The ``order`` that puts a new child of ``parent`` after its siblings."""
        return self._state.next_order(parent.id if parent else None)

    def find(self, ref: str) -> Code:
        """A code by path, id, or a name that is unique in the codebook (case-insensitive last)."""
        code = self.at_path(ref)
        if code is None:
            code = self._records.get(ref)
        if code is None:
            for fold in (False, True):
                key = ref.strip().casefold() if fold else ref.strip()
                hits = [
                    c
                    for c in self._records.values()
                    if (c.name.casefold() if fold else c.name) == key
                    or (fold and self.path(c).casefold() == key)
                ]
                if len(hits) == 1:
                    code = hits[0]
                    break
                if len(hits) > 1:
                    paths = ", ".join(sorted(self.path(c) for c in hits))
                    raise WorkbenchError(f"{ref!r} names several codes ({paths}); give the path")
        if code is None:
            raise WorkbenchError(f"no code {ref!r} in the codebook")
        return code

    def at_path(self, path: str) -> Code | None:
        """The code at exactly this ``Theme/Code`` path, or ``None``."""
        node: Code | None = None
        try:
            parts = split_path(path)
        except WorkbenchError:
            return None
        for name in parts:
            node = self.child_named(node, name)
            if node is None:
                return None
        return node

    def counts(self, code: Code) -> tuple[int, int, int]:
        """(segments, documents, cases) coded with this code itself."""
        codings = self._state.codings_by_code.get(code.id, {}).values()
        docs = {c.document for c in codings}
        documents = self._state.tables["documents"]
        cases = {documents[d].case for d in docs if d in documents and documents[d].case}
        return len(codings), len(docs), len(cases)

    # ------------------------------------------------------------------ changes
    def ensure(self, path: str) -> Code:
        """The code at ``path``, created (with any missing parents) when new."""
        parts = split_path(path)
        node: Code | None = None
        with self.change(f"add code {path}"):
            for name in parts:
                found = self.child_named(node, name)
                node = found if found is not None else self._new(name, node)
        assert node is not None
        return node

    def add(self, path: str, *, is_theme: bool = False, description: str = "") -> Code:
        """Create a new code at ``path``; an existing one is an error."""
        if self.at_path(path) is not None:
            raise WorkbenchError(f"the code {path!r} already exists")
        with self.change(f"add code {path}"):
            code = self.ensure(path)
            if is_theme or description:
                code = dataclasses.replace(code, is_theme=is_theme, description=description)
                self._state.put("codes", code)
        return code

    def _new(self, name: str, parent: Code | None) -> Code:
        if SEPARATOR in name:
            raise WorkbenchError(f"a code name cannot contain {SEPARATOR!r}")
        total = len(self._records)
        code = Code(
            id=new_id(),
            name=name,
            parent=parent.id if parent else None,
            color=PALETTE[total % len(PALETTE)],
            order=self.next_order(parent),
            created=now(),
        )
        self._state.put("codes", code)
        return code

    def rename(self, code: Code, new_name: str) -> Code:
        """Give a code a new name (not a path: use :meth:`move` to move it)."""
        code = self.current(code)
        new_name = new_name.strip()
        if not new_name or SEPARATOR in new_name:
            raise WorkbenchError(f"{new_name!r} is not a code name (no {SEPARATOR!r}, not empty)")
        parent = self._records.get(code.parent) if code.parent else None
        clash = self.child_named(parent, new_name)
        if clash is not None and clash.id != code.id:
            raise WorkbenchError(
                f"{self.path(clash)!r} already exists; merge into it with `codebook merge`"
            )
        old_path = self.path(code)
        with self.change(f"rename {old_path} to {new_name}"):
            code = dataclasses.replace(code, name=new_name)
            self._state.put("codes", code)
        return code

    def move(self, code: Code, new_parent: Code | None) -> Code:
        """Move a code (with its children) under another code, or to the top with ``None``."""
        code = self.current(code)
        new_parent = None if new_parent is None else self.current(new_parent)
        if new_parent is not None and (
            new_parent.id == code.id or new_parent in self.descendants(code)
        ):
            raise WorkbenchError("a code cannot move under itself or one of its children")
        clash = self.child_named(new_parent, code.name)
        if clash is not None and clash.id != code.id:
            raise WorkbenchError(
                f"{self.path(clash)!r} already exists; merge into it with `codebook merge`"
            )
        target = self.path(new_parent) if new_parent else "the top level"
        with self.change(f"move {self.path(code)} under {target}"):
            order = self.next_order(new_parent)
            code = dataclasses.replace(
                code, parent=new_parent.id if new_parent else None, order=order
            )
            self._state.put("codes", code)
        return code

    def merge(self, source: Code, into: Code) -> int:
        """Merge ``source`` into ``into``; codings, memos and children move over.

        Returns how many codings moved.

        A coding that would duplicate one ``into`` already has (same document, span and coder) is
        dropped as the duplicate it is; undo brings everything back.
        """
        source, into = self.current(source), self.current(into)
        if source.id == into.id:
            raise WorkbenchError("a code cannot be merged into itself")
        if into in self.descendants(source):
            raise WorkbenchError("a code cannot be merged into one of its own children")
        moved = 0
        with self.change(f"merge {self.path(source)} into {self.path(into)}"):
            have = {
                (c.document, c.start, c.end, c.coder): c.id
                for c in self._state.codings_by_code.get(into.id, {}).values()
            }
            for coding in list(self._state.codings_by_code.get(source.id, {}).values()):
                key = (coding.document, coding.start, coding.end, coding.coder)
                if key in have:
                    # the duplicate's memos go to the coding it duplicates, not into the void
                    for memo in list(
                        self._state.memos_by_target.get(("coding", coding.id), {}).values()
                    ):
                        self._state.put("memos", dataclasses.replace(memo, target_id=have[key]))
                    self._state.remove("codings", coding.id)
                    continue
                have[key] = coding.id
                self._state.put("codings", dataclasses.replace(coding, code=into.id))
                moved += 1
            for memo in list(self._state.memos_by_target.get(("code", source.id), {}).values()):
                self._state.put("memos", dataclasses.replace(memo, target_id=into.id))
            children = self.children(source)
            # gone before its children move: a child named as the source itself (Work/Work
            # merged into Work's parent) then joins ``into`` rather than the code going away
            self._state.remove("codes", source.id)
            for child in children:
                clash = self.child_named(into, child.name)
                if clash is not None:
                    self.merge(child, clash)
                else:
                    self._state.put("codes", dataclasses.replace(child, parent=into.id))
            if not into.description and source.description:
                into = dataclasses.replace(self.current(into), description=source.description)
                self._state.put("codes", into)
        return moved

    def delete(self, code: Code) -> tuple[int, int]:
        """Delete a code with its children, their codings and memos; returns (codes, codings)."""
        code = self.current(code)
        doomed = [code, *self.descendants(code)]
        codings = 0
        with self.change(f"delete {self.path(code)}"):
            for node in doomed:
                for coding in list(self._state.codings_by_code.get(node.id, {}).values()):
                    for memo in list(
                        self._state.memos_by_target.get(("coding", coding.id), {}).values()
                    ):
                        self._state.remove("memos", memo.id)
                    self._state.remove("codings", coding.id)
                    codings += 1
                for memo in list(self._state.memos_by_target.get(("code", node.id), {}).values()):
                    self._state.remove("memos", memo.id)
            for node in reversed(doomed):
                self._state.remove("codes", node.id)
        return len(doomed), codings

    def set_theme(self, code: Code, is_theme: bool | None = None) -> Code:
        """Mark or unmark a code as a theme (``None`` toggles)."""
        code = self.current(code)
        flag = (not code.is_theme) if is_theme is None else is_theme
        if flag == code.is_theme:
            return code
        verb = "mark" if flag else "unmark"
        with self.change(f"{verb} {self.path(code)} as theme"):
            code = dataclasses.replace(code, is_theme=flag)
            self._state.put("codes", code)
        return code

    def describe(
        self,
        code: Code,
        *,
        description: str | None = None,
        inclusion: str | None = None,
        exclusion: str | None = None,
        example: str | None = None,
    ) -> Code:
        """Set a code's description and criteria; ``None`` leaves a field as it is."""
        code = self.current(code)
        fields = {
            "description": description,
            "inclusion": inclusion,
            "exclusion": exclusion,
            "example": example,
        }
        changes = {k: v for k, v in fields.items() if v is not None and v != getattr(code, k)}
        if not changes:
            return code
        with self.change(f"describe {self.path(code)}"):
            code = dataclasses.replace(code, **changes)
            self._state.put("codes", code)
        return code

    def color(self, code: Code, color: str) -> Code:
        """Give a code a new colour (``#RRGGBB``)."""
        code = self.current(code)
        color = normalise_color(color)
        if color == code.color:
            return code
        with self.change(f"colour {self.path(code)} {color}"):
            code = dataclasses.replace(code, color=color)
            self._state.put("codes", code)
        return code
