"""Consensus: where two coders disagree, decide stretch by stretch what the study keeps.

The stretches of :func:`workbench.team.agreement.disagreements` are grouped into **items**
(:func:`review_items`): one per document, code and stretch of text either coder coded there (a
stretch A coded wider than B gives two disagreements, one decision). For each item the reviewer
keeps A's spans, B's, both (their union) or neither; :func:`decide` codes the chosen spans with
that code under the consensus coder, replacing an earlier decision there, as one undoable step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.core.model import Code, Coding, Document
from workbench.team.agreement import Span, coders, disagreements, merge_spans

if TYPE_CHECKING:
    from workbench.core.project import Project

#: The coder decisions are coded as, unless the reviewer names another.
CONSENSUS = "consensus"
#: The decisions, by name, and how they are said (``A``/``B`` stand for the coders' names).
CHOICES = {"a": "keep A's", "b": "keep B's", "both": "keep both", "neither": "keep neither"}


@dataclass(slots=True)
class Review:
    """Who is reviewed: coders A and B, one code (``None``: every code), the consensus coder."""

    coder_a: str
    coder_b: str
    code: str | None = None
    consensus: str = CONSENSUS

    def says(self, choice: str) -> str:
        """A decision in words: ``keep ann's``, ``keep both``..."""
        return (CHOICES[choice].replace("A's", f"{self.coder_a}'s")
                .replace("B's", f"{self.coder_b}'s"))


@dataclass(slots=True)
class Item:
    """One stretch to decide: a document, a code, the region either coder coded, their spans,
    and the decision taken on it in this review (``None``: not yet) with its memo count."""

    document: Document
    code: Code
    start: int
    end: int
    a_spans: list[Span]
    b_spans: list[Span]
    decision: str | None = None
    memos: int = 0

    def spans_of(self, choice: str) -> list[Span]:
        """The spans a decision keeps (``both``: the union of A's and B's)."""
        if choice == "a":
            return list(self.a_spans)
        if choice == "b":
            return list(self.b_spans)
        if choice == "both":
            return merge_spans(self.a_spans + self.b_spans)
        if choice == "neither":
            return []
        raise ValueError(f"unknown decision {choice!r} (one of {', '.join(CHOICES)})")


def review_items(project: Project, review: Review) -> list[Item]:
    """The items to decide, in reading order."""
    found = disagreements(project, review.coder_a, review.coder_b, review.code)
    docs = project.documents
    codes = project.codebook
    spans: dict[tuple[str, str], tuple[list[Span], list[Span], list[Span]]] = {}
    items: dict[tuple[str, str, int], Item] = {}
    for d in found:
        key = (d.document, d.code)
        if key not in spans:
            a, b = [], []
            for coding in project.codings.in_document(d.document):
                if coding.code != d.code:
                    continue
                if coding.coder == review.coder_a:
                    a.append((coding.start, coding.end))
                elif coding.coder == review.coder_b:
                    b.append((coding.start, coding.end))
            a, b = merge_spans(a), merge_spans(b)
            spans[key] = (a, b, merge_spans(a + b))
        a, b, union = spans[key]
        region = next((r for r in union if r[0] <= d.start and d.end <= r[1]), (d.start, d.end))
        item_key = (d.document, d.code, region[0])
        if item_key not in items:
            items[item_key] = Item(
                docs[d.document], codes[d.code], region[0], region[1],
                [s for s in a if s[0] < region[1] and region[0] < s[1]],
                [s for s in b if s[0] < region[1] and region[0] < s[1]],
            )
    return list(items.values())


def default_pair(project: Project, consensus: str = CONSENSUS) -> tuple[str, str]:
    """The two coders with the most codings (the consensus coder left out; ``""`` when there
    are fewer than two)."""
    stats = sorted(
        (c for c in coders(project) if c.name != consensus),
        key=lambda c: (-c.codings, c.name.casefold()),
    )
    names = [c.name for c in stats] + ["", ""]
    return names[0], names[1]


def consensus_codings(project: Project, review: Review, item: Item) -> list[Coding]:
    """The consensus coder's codings of the item's code within its region."""
    return [
        c for c in project.codings.in_document(item.document.id)
        if c.coder == review.consensus and c.code == item.code.id
        and c.start < item.end and item.start < c.end
    ]


def decide(project: Project, review: Review, item: Item, choice: str) -> bool:
    """Make the consensus coder's codings of the item exactly the spans ``choice`` keeps, as
    one undoable step; True when anything changed (a decision taken again changes nothing).

    Sets ``item.decision``.
    """
    spans = item.spans_of(choice)
    revision = project.revision
    label = f"review: {review.says(choice)} on {project.codebook.path(item.code)}"
    with project.change(label):
        keep = set(spans)
        for coding in consensus_codings(project, review, item):
            if (coding.start, coding.end) not in keep:
                project.codings.remove(coding)
        for start, end in spans:
            project.codings.add(item.document, start, end, item.code, review.consensus)
    item.decision = choice
    return project.revision != revision
