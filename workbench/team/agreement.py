"""Agreement between two coders, computed over characters (as NVivo and QualCoder do).

For one code and one document, every character is coded or not by coder A (the union of A's
codings of that code in that document) and coded or not by coder B. The **character units**
of a code are every character of every document in the project, so a code is judged over the
whole text, coded or not. Four counts per code say everything: characters both coded
(``both``), only A, only B, and neither. They come from interval arithmetic over the sorted,
merged spans of each coder, never from per-character arrays, so a long transcript costs what
its codings cost.

- **agreement** of a code: the share of its character units on which A and B agree,
  ``(both + neither) / characters``;
- **Cohen's kappa** of a code: ``(p_o - p_e) / (1 - p_e)`` with ``p_e`` from each coder's own
  share of coded characters; undefined (``None``) when there is no variance (``p_e == 1``:
  neither coder used the code, or both coded every character);
- **overall**: the mean kappa over the codes either coder used (codes whose kappa is defined),
  the agreement over all code x character units of those codes, and **Krippendorff's alpha**
  (nominal) over the same units: two coders, binary values (coded / not coded), one unit per
  code x document x character, no missing data. Alpha is computed in closed form from the
  coincidence matrix and equals ``krippendorff.alpha(reliability_data=..., level_of_measurement=
  "nominal")`` on the same data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.model import Code
    from workbench.core.project import Project

Span = tuple[int, int]


# --------------------------------------------------------------------------- spans
def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted, disjoint spans covering exactly the characters ``spans`` cover."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1][1] = end
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def covered(spans: Sequence[Span]) -> int:
    """Characters covered by merged spans."""
    return sum(e - s for s, e in spans)


def overlap(a: Sequence[Span], b: Sequence[Span]) -> int:
    """Characters covered by both of two lists of merged spans (a two-pointer sweep)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            total += hi - lo
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


def subtract(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """The parts of merged spans ``a`` that merged spans ``b`` do not cover."""
    out: list[Span] = []
    j = 0
    for start, end in a:
        pos = start
        while j < len(b) and b[j][1] <= pos:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            if b[k][0] > pos:
                out.append((pos, b[k][0]))
            pos = max(pos, b[k][1])
            k += 1
        if pos < end:
            out.append((pos, end))
    return out


# --------------------------------------------------------------------------- counts and measures
@dataclass(slots=True)
class Counts:
    """Character units by what the two coders did with them."""

    both: int = 0
    only_a: int = 0
    only_b: int = 0
    neither: int = 0

    def add(self, other: Counts) -> None:
        self.both += other.both
        self.only_a += other.only_a
        self.only_b += other.only_b
        self.neither += other.neither

    @property
    def units(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither

    @property
    def a_chars(self) -> int:
        return self.both + self.only_a

    @property
    def b_chars(self) -> int:
        return self.both + self.only_b

    @property
    def used(self) -> bool:
        """True when either coder coded any character."""
        return self.both + self.only_a + self.only_b > 0


def span_counts(a: Sequence[Span], b: Sequence[Span], size: int) -> Counts:
    """The four counts for one code in one document of ``size`` characters (merged spans)."""
    both = overlap(a, b)
    only_a, only_b = covered(a) - both, covered(b) - both
    return Counts(both, only_a, only_b, size - both - only_a - only_b)


def percent_agreement(c: Counts) -> float | None:
    """The share of units on which the coders agree (``None`` without units)."""
    return (c.both + c.neither) / c.units if c.units else None


def cohen_kappa(c: Counts) -> float | None:
    """Cohen's kappa of two binary raters; ``None`` when undefined (no variance)."""
    n, a, b = c.units, c.a_chars, c.b_chars
    chance = a * b + (n - a) * (n - b)  # n**2 * p_e, in integers so p_e == 1 is exact
    denominator = n * n - chance
    if n == 0 or denominator == 0:
        return None
    return (n * (c.both + c.neither) - chance) / denominator


def krippendorff_alpha(c: Counts) -> float | None:
    """Krippendorff's alpha (nominal) for two coders, binary values, no missing data.

    Each unit adds its pair of values both ways to the coincidence matrix (weight
    ``1 / (m_u - 1) = 1``): ``o_11 = 2 both``, ``o_00 = 2 neither``, ``o_01 = o_10 = only_a +
    only_b``; ``n = 2 units``. Then ``alpha = 1 - D_o / D_e = 1 - (n - 1) o_01 / (n_0 n_1)``.
    ``None`` when every value is the same (``n_0 n_1 == 0``).
    """
    n = 2 * c.units
    n1 = 2 * c.both + c.only_a + c.only_b
    n0 = n - n1
    if n0 * n1 == 0:
        return None
    return 1 - (n - 1) * (c.only_a + c.only_b) / (n0 * n1)


# --------------------------------------------------------------------------- the report
@dataclass(slots=True)
class CodeAgreement:
    """Agreement on one code."""

    code: Code
    path: str
    counts: Counts

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.counts)

    @property
    def agreement(self) -> float | None:
        return percent_agreement(self.counts)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.path,
            "kappa": self.kappa,
            "agreement": self.agreement,
            "a_chars": self.counts.a_chars,
            "b_chars": self.counts.b_chars,
        }


@dataclass(slots=True)
class AgreementReport:
    """Per-code agreement of two coders and the overall measures."""

    coder_a: str
    coder_b: str
    codes: list[CodeAgreement] = field(default_factory=list)

    @property
    def used(self) -> list[CodeAgreement]:
        """The codes either coder used: the ones the overall measures are over."""
        return [c for c in self.codes if c.counts.used]

    @property
    def total(self) -> Counts:
        """The counts over every code x character unit of the used codes."""
        total = Counts()
        for code in self.used:
            total.add(code.counts)
        return total

    @property
    def kappa(self) -> float | None:
        """The mean kappa over the used codes whose kappa is defined."""
        values = [k for c in self.used if (k := c.kappa) is not None]
        return sum(values) / len(values) if values else None

    @property
    def agreement(self) -> float | None:
        return percent_agreement(self.total)

    @property
    def alpha(self) -> float | None:
        return krippendorff_alpha(self.total)

    def to_json(self) -> dict[str, Any]:
        """``{"codes": [...], "overall": {"kappa", "agreement", "alpha"}}``."""
        return {
            "codes": [c.to_json() for c in self.codes],
            "overall": {"kappa": self.kappa, "agreement": self.agreement, "alpha": self.alpha},
        }


@dataclass(slots=True)
class CoderStats:
    """What one coder did: codings, and the codes and documents they touched."""

    name: str
    codings: int = 0
    codes: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "coder": self.name,
            "codings": self.codings,
            "codes": len(self.codes),
            "documents": len(self.documents),
        }


def coders(project: Project) -> list[CoderStats]:
    """Every coder with at least one coding, by name."""
    stats: dict[str, CoderStats] = {}
    for coding in project.codings.values():
        entry = stats.get(coding.coder)
        if entry is None:
            entry = stats[coding.coder] = CoderStats(coding.coder)
        entry.codings += 1
        entry.codes.add(coding.code)
        entry.documents.add(coding.document)
    return [stats[name] for name in sorted(stats, key=str.casefold)]


def check_coders(project: Project, coder_a: str, coder_b: str) -> None:
    """Raise a WorkbenchError unless both coders exist and differ."""
    known = {c.name for c in coders(project)}
    missing = [c for c in (coder_a, coder_b) if c not in known]
    if missing:
        names = ", ".join(sorted(known, key=str.casefold)) or "none: nothing is coded yet"
        which = " and ".join(repr(m) for m in dict.fromkeys(missing))
        raise WorkbenchError(f"no coder named {which} in the project (coders: {names})")
    if coder_a == coder_b:
        raise WorkbenchError("give two different coders")


def _selected_codes(project: Project, code_path: str | None) -> list[Code] | None:
    if code_path is None:
        return None
    code = project.codebook.find(code_path)
    return [code, *sorted(project.codebook.descendants(code), key=project.codebook.path)]


def _spans_by_code(
    project: Project, coder_a: str, coder_b: str
) -> dict[str, dict[str, tuple[list[Span], list[Span]]]]:
    """code id -> document id -> (A's merged spans, B's merged spans)."""
    raw: dict[str, dict[str, tuple[list[Span], list[Span]]]] = defaultdict(dict)
    for coding in project.codings.values():
        if coding.coder == coder_a:
            side = 0
        elif coding.coder == coder_b:
            side = 1
        else:
            continue
        per_doc = raw[coding.code]
        pair = per_doc.get(coding.document)
        if pair is None:
            pair = per_doc[coding.document] = ([], [])
        pair[side].append((coding.start, coding.end))
    for per_doc in raw.values():
        for doc_id, (a, b) in per_doc.items():
            per_doc[doc_id] = (merge_spans(a), merge_spans(b))
    return raw


def agreement(
    project: Project, coder_a: str, coder_b: str, code_path: str | None = None
) -> AgreementReport:
    """Agreement of two coders per code and overall (see the module's docstring).

    Without ``code_path`` the report lists every code either coder used, in codebook order;
    with it, that code and the codes below it (used or not), and the overall measures are over
    those of them either coder used.
    """
    check_coders(project, coder_a, coder_b)
    selected = _selected_codes(project, code_path)
    spans = _spans_by_code(project, coder_a, coder_b)
    documents = project.documents
    total_chars = sum(len(d.text) for d in documents.values())
    codes = selected if selected is not None else project.codebook.all()
    report = AgreementReport(coder_a, coder_b)
    for code in codes:
        per_doc = spans.get(code.id, {})
        if selected is None and not per_doc:
            continue
        counts = Counts()
        coded_chars = 0
        for doc_id, (a, b) in per_doc.items():
            doc = documents.get(doc_id)
            if doc is None:
                continue
            counts.add(span_counts(a, b, len(doc.text)))
            coded_chars += len(doc.text)
        counts.neither += total_chars - coded_chars  # documents neither coder coded with it
        report.codes.append(CodeAgreement(code, project.codebook.path(code), counts))
    return report


@dataclass(slots=True)
class Disagreement:
    """A stretch of text one coder coded with a code and the other did not."""

    document: str  # document id
    code: str  # code id
    start: int
    end: int
    coded_by: str  # the coder who coded it
    missed_by: str  # the coder who did not


def disagreements(
    project: Project, coder_a: str, coder_b: str, code_path: str | None = None
) -> list[Disagreement]:
    """Every stretch where exactly one of the two coders applied a code, in reading order.

    This is what a disagreement review walks through; ``code_path`` limits it to a code and the
    codes below it.
    """
    check_coders(project, coder_a, coder_b)
    selected = _selected_codes(project, code_path)
    wanted = None if selected is None else {c.id for c in selected}
    documents = project.documents
    out: list[Disagreement] = []
    for code_id, per_doc in _spans_by_code(project, coder_a, coder_b).items():
        if wanted is not None and code_id not in wanted:
            continue
        for doc_id, (a, b) in per_doc.items():
            if doc_id not in documents:
                continue
            for start, end in subtract(a, b):
                out.append(Disagreement(doc_id, code_id, start, end, coder_a, coder_b))
            for start, end in subtract(b, a):
                out.append(Disagreement(doc_id, code_id, start, end, coder_b, coder_a))
    order = {d.id: (d.order, d.name) for d in documents.values()}
    out.sort(key=lambda d: (order[d.document], d.start, d.end, d.code, d.coded_by))
    return out
