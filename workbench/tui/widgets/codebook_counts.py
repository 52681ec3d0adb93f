"""The codebook's counts: segments and respondents per code, the codes below it included.

:class:`CodeCounts` counts every code once (when the codebook is drawn), keeping for each code
its own segments and respondents; after a change it recounts only the codes the change touched
and sums them up again for their parents, so coding a passage relabels a few tree nodes instead
of counting 50,000 codings again.
"""

from __future__ import annotations

from workbench.core.model import Code
from workbench.core.project import Project


def children_map(project: Project) -> dict[str | None, list[Code]]:
    """Parent id (``None``: the top level) -> its child codes in codebook order."""
    out: dict[str | None, list[Code]] = {}

    def walk(parent: Code | None) -> None:
        found = project.codebook.children(parent)
        if found:
            out[parent.id if parent else None] = found
            for child in found:
                walk(child)

    walk(None)
    return out


class CodeCounts:
    """(segments, respondents) per code id, counting the code and all codes below it.

    A respondent is a case; a coded document without a case counts as one respondent.
    ``coder`` (blind mode) counts only that coder's codings.
    """

    def __init__(
        self,
        project: Project,
        children: dict[str | None, list[Code]] | None = None,
        coder: str | None = None,
    ) -> None:
        self.project = project
        self.children = children if children is not None else children_map(project)
        self.coder = coder
        documents = project.documents
        self._person = {doc_id: doc.case or f"doc:{doc_id}" for doc_id, doc in documents.items()}
        self._own: dict[str, tuple[int, set[str]]] = {}
        self.totals: dict[str, tuple[int, int]] = {}
        for top in self.children.get(None, ()):
            self._walk(top.id, recount=True)

    def of(self, code: Code) -> tuple[int, int]:
        """(segments, respondents) of ``code`` with every code below it."""
        return self.totals.get(code.id, (0, 0))

    def recount(self, touched: set[str]) -> set[str]:
        """Recount the ``touched`` codes and their parents; the ids whose totals changed."""
        codes = self.project.codebook
        affected: set[str] = set()
        for code_id in touched:
            if code_id in codes:
                self._own[code_id] = self._own_counts(code_id)
            while code_id is not None and code_id in codes and code_id not in affected:
                affected.add(code_id)
                code_id = codes[code_id].parent
        changed = set()
        for code_id in affected:
            before = self.totals.get(code_id)
            segments, people = self._subtree(code_id)
            self.totals[code_id] = (segments, len(people))
            if self.totals[code_id] != before:
                changed.add(code_id)
        return changed

    def _own_counts(self, code_id: str) -> tuple[int, set[str]]:
        """A code's own segments and the respondents they come from."""
        codings = self.project.codings.with_code(code_id)
        if not codings:
            return 0, set()
        if self.coder is not None:  # blind mode: only my codings count
            found = [c for c in codings if c.coder == self.coder]
        else:
            found = list(codings)
        person = self._person
        documents = {coding.document for coding in found}
        return len(found), {person.get(doc_id) or f"doc:{doc_id}" for doc_id in documents}

    def _walk(self, code_id: str, *, recount: bool) -> tuple[int, set[str]]:
        """Totals of a code and everything below it (``recount``: count each code anew)."""
        if recount or code_id not in self._own:
            self._own[code_id] = self._own_counts(code_id)
        segments, own_people = self._own[code_id]
        people = set(own_people)
        for child in self.children.get(code_id, ()):
            child_segments, child_people = self._walk(child.id, recount=recount)
            segments += child_segments
            people |= child_people
        if recount:
            self.totals[code_id] = (segments, len(people))
        return segments, people

    def _subtree(self, code_id: str) -> tuple[int, set[str]]:
        return self._walk(code_id, recount=False)
