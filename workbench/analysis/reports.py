"""The reports as plain data: frequencies, code x case matrix, co-occurrence, saturation.

Every report reads the state indexes (codings by code, codings by document), so its cost grows
with the number of codings, never with codes x codings. Each frequency row counts the code
itself (the same as ``workbench codes``) and, under ``with_children``, the code together with every
code below it (a theme with its codes); the matrix counts either, with ``rollup``.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.model import Code, Coding
    from workbench.core.project import Project

T = TypeVar("T")

#: The matrix column for segments whose document has no case, or whose case lacks the attribute.
NONE_COLUMN = "(none)"
KINDS = ("frequencies", "matrix", "cooccurrence", "saturation")
#: What a matrix cell counts: coded segments, or the cases (respondents) they come from.
MATRIX_COUNTS = ("segments", "cases")


def natural_key(text: str) -> tuple:
    """Sort key that puts "Respondent 2" before "Respondent 10" (ties broken by the raw text)."""
    parts = re.split(r"(\d+)", text)
    return (
        tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts),
        text,
    )


# --------------------------------------------------------------------------- frequencies
def frequencies(project: Project) -> list[dict[str, Any]]:
    """``[{"code", "segments", "documents", "cases", "chars", "with_children"}]`` for every
    code, codebook order.

    ``chars`` counts the distinct characters the code's segments cover (overlapping segments
    in one document count once). ``with_children`` holds the same four counts for the code
    together with every code below it, each document, case and character counted once.
    """
    case_of = {doc_id: doc.case for doc_id, doc in project.documents.items()}
    totals = with_children(project)
    codes = project.codebook.all()
    parents = {code.parent for code in codes}
    out: list[dict[str, Any]] = []
    for code in codes:
        if code.id in parents:
            codings = project.codings.with_code(code.id)
            own = _counts(((c.document, c.start, c.end) for c in codings), case_of)
        else:  # nothing below it: its own counts are those with its children
            own = totals[code.id]
        out.append({"code": project.codebook.path(code), **own,
                    "with_children": totals[code.id]})
    return out


def with_children(project: Project) -> dict[str, dict[str, int]]:
    """Code id -> ``{"segments", "documents", "cases", "chars"}`` of the code together with
    every code below it (a document, case or character counted once).

    The codebook is walked once from the leaves up: each code's spans join its parent's, so
    the cost is the codings times the depth of the tree, never codes x codings.
    """
    case_of = {doc_id: doc.case for doc_id, doc in project.documents.items()}
    codes = project.codebook.all()  # parents before their children
    pending: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    out: dict[str, dict[str, int]] = {}
    for code in reversed(codes):  # children before their parents
        spans = pending.pop(code.id, [])
        spans.extend((c.document, c.start, c.end) for c in project.codings.with_code(code.id))
        out[code.id] = _counts(spans, case_of)
        if code.parent is not None:
            pending[code.parent].extend(spans)
    return {code.id: out[code.id] for code in codes}


def _counts(spans: Iterable[tuple[str, int, int]], case_of: dict[str, str | None]) -> dict:
    """``{"segments", "documents", "cases", "chars"}`` of ``(document, start, end)`` spans."""
    spans = sorted(spans)
    documents, chars = coverage(spans)
    cases = {case_of.get(doc_id) for doc_id in documents} - {None}
    return {"segments": len(spans), "documents": len(documents), "cases": len(cases),
            "chars": chars}


def coverage(spans: list[tuple[str, int, int]]) -> tuple[set[str], int]:
    """The documents of sorted ``(document, start, end)`` spans, and how many distinct
    characters the spans cover together (overlaps within a document counted once)."""
    documents: set[str] = set()
    total = 0
    cur_doc, cur_start, cur_end = None, 0, 0
    for doc, start, end in spans:
        documents.add(doc)
        if end <= start:
            continue
        if doc != cur_doc or start > cur_end:
            total += cur_end - cur_start
            cur_doc, cur_start, cur_end = doc, start, end
        elif end > cur_end:
            cur_end = end
    return documents, total + cur_end - cur_start


# --------------------------------------------------------------------------- matrix
def attribute_names(project: Project) -> list[str]:
    """Every case attribute name in use, sorted."""
    names = {key for case in project.cases.values() for key in case.attributes}
    return sorted(names, key=natural_key)


@dataclass(frozen=True, slots=True)
class MatrixColumns:
    """The columns of a code x case matrix and the column of each document.

    ``values`` are the column headings without ``(none)``; ``of_document`` maps every document
    id to its column index, ``len(values)`` (the ``(none)`` column) for a document without a
    case or whose case lacks the attribute; ``cases`` says how many cases hold each column's
    value (the last: the cases without the attribute).
    """

    values: list[str]
    of_document: dict[str, int]
    cases: list[int]

    @property
    def none_index(self) -> int:
        """The index of the ``(none)`` column."""
        return len(self.values)


def matrix_columns(project: Project, by: str = "case") -> MatrixColumns:
    """The columns of :func:`matrix` by case name (``by="case"``, natural order) or by the
    values of the case attribute ``by`` (sorted), and the column of each document."""
    cases = project.cases
    if by == "case":
        value_of = {case.id: case.name for case in cases.values()}
    else:
        if by not in attribute_names(project):
            known = ", ".join(attribute_names(project)) or "none yet"
            raise WorkbenchError(
                f"no case attribute {by!r} (attributes: {known}; or `case` for case names)"
            )
        value_of = {c.id: c.attributes[by] for c in cases.values() if by in c.attributes}
    values = sorted(set(value_of.values()), key=natural_key)
    index = {value: i for i, value in enumerate(values)}
    none_index = len(values)
    column_cases = [0] * (len(values) + 1)
    for case_id in cases:
        column_cases[index[value_of[case_id]] if case_id in value_of else none_index] += 1
    return MatrixColumns(
        values,
        {
            doc.id: index[value_of[doc.case]] if doc.case in value_of else none_index
            for doc in project.documents.values()
        },
        column_cases,
    )


def matrix(
    project: Project, by: str = "case", *, count: str = "segments", rollup: bool = False
) -> dict[str, Any]:
    """``{"rows": [PATH], "columns": [value], "cells": [[n]], "column_cases": [n]}``: code x
    case (or attribute value).

    A cell counts the coded segments of the row's code in documents whose case has the column's
    value; ``count="cases"`` counts the cases (respondents) those segments come from instead.
    ``rollup`` counts each row's code together with every code below it. ``by="case"`` uses
    case names (natural order); any other ``by`` names a case attribute (its values sorted).
    Segments without a case, or whose case lacks the attribute, go to a last column ``(none)``
    when there are any. ``column_cases`` says how many cases hold each column's value (for
    ``(none)``: the cases without the attribute). :func:`matrix_cell` lists the codings a cell
    counts.
    """
    if count not in MATRIX_COUNTS:
        raise WorkbenchError(f"a matrix counts {' or '.join(MATRIX_COUNTS)}, not {count!r}")
    found = matrix_columns(project, by)
    columns, column_of_doc, none_index = found.values, found.of_document, found.none_index
    column_cases = list(found.cases)
    case_of = {doc.id: doc.case for doc in project.documents.values()}
    codes = project.codebook.all()
    # each code's (column, case) pairs, one per coded segment; with a rollup a code's pairs
    # join its parent's, walking the tree from the leaves up
    pending: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    rows_of: dict[str, list[int]] = {}
    any_none = False  # the (none) column is there when segments fall in it
    for code in reversed(codes):
        pairs = pending.pop(code.id, []) if rollup else []
        for coding in project.codings.with_code(code.id):
            col = column_of_doc.get(coding.document)
            if col is not None:  # a coding of a missing document: `workbench check` says so
                pairs.append((col, case_of[coding.document]))
                any_none = any_none or col == none_index
        row = [0] * (len(columns) + 1)
        if count == "segments":
            for col, _ in pairs:
                row[col] += 1
        else:
            for col, case_id in set(pairs):
                if case_id is not None:
                    row[col] += 1
        rows_of[code.id] = row
        if rollup and code.parent is not None:
            pending[code.parent].extend(pairs)
    rows = [project.codebook.path(code) for code in codes]
    cells = [rows_of[code.id] for code in codes]
    if any_none:
        columns = [*columns, NONE_COLUMN]
    else:
        cells = [row[:-1] for row in cells]
        column_cases = column_cases[:-1]
    return {"rows": rows, "columns": columns, "cells": cells, "column_cases": column_cases}


def matrix_cell(project: Project, code: Code, by: str, column: int | None, *,
                rollup: bool = False) -> list[Coding]:
    """The codings one cell of :func:`matrix` counts (``column`` ``None``: the whole row), in
    the order of the code's codings (``rollup``: then those of each code below it)."""
    column_of = matrix_columns(project, by).of_document
    codes = [code, *project.codebook.descendants(code)] if rollup else [code]
    return [
        c for node in codes for c in project.codings.with_code(node.id)
        if c.document in column_of and (column is None or column_of[c.document] == column)
    ]


# --------------------------------------------------------------------------- co-occurrence
def overlapping_pairs(spans: Iterable[tuple[int, int, T]]) -> Iterator[tuple[T, T]]:
    """Each pair of overlapping ``(start, end, item)`` spans of one document, once, as
    ``(earlier item, later item)`` in order of start.

    A sweep: spans are taken in order of start and the active ones (not yet ended) wait in a
    heap by end, so the cost is the sort plus the number of overlapping pairs, never all pairs.
    Spans are half-open: ``[0, 5)`` and ``[5, 9)`` do not overlap; an empty span overlaps nothing.
    """
    active: list[tuple[int, int, T]] = []
    push, pop = heapq.heappush, heapq.heappop
    ordered = sorted(spans, key=lambda span: (span[0], span[1]))
    for seq, (start, end, item) in enumerate(ordered):
        if end <= start:
            continue
        while active and active[0][0] <= start:
            pop(active)
        for _, _, other in active:
            yield other, item
        push(active, (end, seq, item))  # seq: equal ends never compare the items


def count_overlaps(
    spans: list[tuple[int, int, str]], counts: dict[tuple[str, str], int] | None = None
) -> dict[tuple[str, str], int]:
    """Add to ``counts`` one for each pair of overlapping ``(start, end, label)`` spans of one
    document whose labels differ, keyed ``(smaller label, larger label)`` (a sweep, see
    :func:`overlapping_pairs`)."""
    if counts is None:
        counts = defaultdict(int)
    for other, label in overlapping_pairs(spans):
        if other != label:
            key = (other, label) if other < label else (label, other)
            counts[key] = counts.get(key, 0) + 1
    return counts


def overlapping_codings(project: Project, a: str, b: str) -> list[Coding]:
    """The codings of code path ``a`` that overlap a coding of code path ``b`` in the same
    document, and the other way round: the segments behind a :func:`cooccurrence` count.

    In document order, then by start."""
    ids_a = {c.id for c in project.codebook.all() if project.codebook.path(c) == a}
    ids_b = {c.id for c in project.codebook.all() if project.codebook.path(c) == b} - ids_a
    out: list[Coding] = []
    for doc in project.documents.all():
        codings = [
            (c.start, c.end, c) for c in project.codings.in_document(doc.id)
            if c.code in ids_a or c.code in ids_b
        ]
        found: dict[str, Coding] = {}
        for x, y in overlapping_pairs(codings):
            if (x.code in ids_a) != (y.code in ids_a):
                found[x.id] = x
                found[y.id] = y
        out.extend(sorted(found.values(), key=lambda c: (c.start, c.end, c.id)))
    return out


def cooccurrence(project: Project) -> list[dict[str, Any]]:
    """``[{"a", "b", "count"}]``: pairs of different codes whose codings overlap in a document.

    A pair counts once for each pair of overlapping codings; ``a`` is the smaller path. Sorted
    by count (largest first), then by ``a`` and ``b``.
    """
    codes = project.codebook
    counts: dict[tuple[str, str], int] = {}
    for document_id in project.documents:
        codings = project.codings.in_document(document_id)
        count_overlaps([(c.start, c.end, c.code) for c in codings], counts)
    paths: dict[str, str] = {}

    def path(code_id: str) -> str:
        if code_id not in paths:
            code = codes.get(code_id)
            paths[code_id] = project.codebook.path(code) if code is not None else code_id
        return paths[code_id]

    merged: dict[tuple[str, str], int] = defaultdict(int)
    for (x, y), n in counts.items():
        a, b = sorted((path(x), path(y)))
        merged[(a, b)] += n
    ordered = sorted(merged.items(), key=lambda item: (-item[1], item[0][0], item[0][1]))
    return [{"a": a, "b": b, "count": n} for (a, b), n in ordered]


# --------------------------------------------------------------------------- saturation
def saturation(project: Project) -> list[dict[str, Any]]:
    """``[{"document", "new_codes", "cumulative"}]`` in import order.

    ``new_codes``: how many codes are applied in this document for the first time;
    ``cumulative``: how many distinct codes have appeared up to and including it.
    """
    seen: set[str] = set()
    codes = project.codebook
    out: list[dict[str, Any]] = []
    for doc in project.documents.all():
        here = {
            c.code for c in project.codings.in_document(doc.id)
            if c.code in codes
        }
        fresh = here - seen
        seen |= fresh
        out.append({"document": doc.name, "new_codes": len(fresh), "cumulative": len(seen)})
    return out


def run(
    project: Project, kind: str, *, by: str = "case", count: str = "segments",
    rollup: bool = False,
) -> Any:
    """The report ``kind`` (one of :data:`KINDS`); ``by``, ``count`` and ``rollup`` shape the
    matrix."""
    if kind == "frequencies":
        return frequencies(project)
    if kind == "matrix":
        return matrix(project, by=by, count=count, rollup=rollup)
    if kind == "cooccurrence":
        return cooccurrence(project)
    if kind == "saturation":
        return saturation(project)
    raise WorkbenchError(f"unknown report {kind!r} (reports: {', '.join(KINDS)})")
