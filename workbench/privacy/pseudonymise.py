"""Pseudonymisation: every original name replaced by its pseudonym, everywhere in a project.

A map is a CSV file with the header ``original,replacement``. Originals match as whole words,
case-insensitively, in Latin and Cyrillic alike, also when a word holds the other script's
look-alike letters or is split by a soft hyphen or zero-width character, and with ``_``, ``-``
or ``.`` between the words (``dana_sultanova.docx``); a longer original wins over a shorter one it
starts with ("Aigerim Sadykova" before "Aigerim"); inflected forms ("Айгерим", "Айгерим",
"Айгерима") are rows of their own. Spaces inside an original match any run of spaces or tabs
(never a line break: that would merge speaker turns).

Case attribute names are pseudonymised as their values are. After the run every record as it
would be saved, and the write-up an export would make, is searched again for each original
(:func:`find_leftovers`); what is found is reported, never passed over.

Document texts change through the shared span routine (:meth:`Project.edit_document_spans`), so
every coding moves with its words; the whole run is one undoable step. The map itself is never
stored: not its rows, not its path.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.clock import now
from workbench.core.codebook import SEPARATOR
from workbench.core.documents import EditReport
from workbench.core.model import RECORD_TYPES, Coding, to_record
from workbench.core.project import Project
from workbench.core.text import Edit, normalise
from workbench.errors import WorkbenchError

#: Characters that continue a word: letters and digits (not ``_``, so the file name
#: ``aigerim_interview.docx`` holds the word ``aigerim``) and combining marks.
_LETTER = r"[^\W_]"
_MARK = r"[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]"
_BEFORE = rf"(?<!{_LETTER})(?<!{_MARK})"
_AFTER = rf"(?!{_LETTER}|{_MARK})"
#: The fields of a code that are written text.
CODE_FIELDS = ("name", "description", "inclusion", "exclusion", "example")


#: Invisible characters a name may be split by (soft hyphen from Word, zero-width ones).
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = f"[{INVISIBLE}]*"
#: What may stand between the words of a name: spaces or tabs (never a line break, which would
#: merge speaker turns) and, as in file and document names, ``_``, ``-`` and ``.``.
_JOIN = rf"(?:[^\S\n]|[_.\-]|[{INVISIBLE}])+"
#: Latin and Cyrillic (and Greek) letters that look alike: a name typed with one of the other
#: script's letters in it is still the name.
_LOOKALIKES = (
    "aаα", "bЬ", "cсϲ", "eеε", "hһ", "iіι", "jј", "kκ", "oоο", "pрρ", "sѕ", "xхχ", "yуγ",
    "AАΑ", "BВΒ", "CСϹ", "EЕΕ", "HНΗ", "IІΙ", "JЈ", "KКΚ", "MМΜ", "NΝ", "OОΟ", "PРΡ", "SЅ",
    "TТΤ", "XХΧ", "YΥ", "ZΖ",
)
_ALIKE = {ch: group for group in _LOOKALIKES for ch in group}
#: Each look-alike as its Latin letter, invisible characters gone: how leftovers are found.
_SKELETON = str.maketrans(
    {**{ch: group[0] for group in _LOOKALIKES for ch in group[1:]},
     **{ch: None for ch in INVISIBLE}}
)


def word_pattern(originals: list[str]) -> re.Pattern[str]:
    """One regular expression matching any of ``originals`` as a whole word (longest first),
    also when written with ``_``, ``-`` or ``.`` between its words, split by a soft hyphen or
    a zero-width character, or with letters of the other script that look the same."""
    ordered = sorted(originals, key=lambda o: (-len(o), o))
    alternatives = "|".join(_phrase(o) for o in ordered)
    return re.compile(rf"{_BEFORE}(?:{alternatives}){_AFTER}", re.IGNORECASE)


def _phrase(original: str) -> str:
    return _JOIN.join(_word(part) for part in original.split())


def _word(word: str) -> str:
    """A word, any of its letters as a look-alike, invisible characters between letters."""
    letters = []
    for ch in word:
        alike = _ALIKE.get(ch) or _ALIKE.get(ch.lower()) or _ALIKE.get(ch.upper())
        letters.append(f"[{re.escape(''.join(sorted(set(alike + ch))))}]" if alike
                       else re.escape(ch))
    return _INVISIBLE.join(letters)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def skeleton(text: str) -> str:
    """``text`` as leftovers are looked for in: look-alikes as Latin letters, invisible
    characters gone, runs of spaces, ``_``, ``-`` and ``.`` as one space, case folded."""
    return re.sub(r"[\s_.\-]+", " ", text.translate(_SKELETON)).casefold()


@dataclass
class NameMap:
    """Originals and their pseudonyms, ready to find and replace."""

    pairs: list[tuple[str, str]]
    pattern: re.Pattern[str] = field(init=False)
    _by_key: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.pattern = word_pattern([o for o, _ in self.pairs])
        self._by_key = {_key(o): r for o, r in self.pairs}

    def replacement_for(self, matched: str) -> str:
        """The pseudonym of a matched original."""
        found = self._by_key.get(_key(matched))
        if found is not None:
            return found
        for original, replacement in self.pairs:  # case folding beyond str.casefold's
            if re.fullmatch(_phrase(original), matched, re.IGNORECASE):
                return replacement
        raise KeyError(matched)

    def edits(self, text: str) -> list[Edit]:
        """The edits that put every pseudonym in ``text`` (sorted, never overlapping)."""
        return [
            Edit(m.start(), m.end(), self.replacement_for(m.group()))
            for m in self.pattern.finditer(text)
        ]

    def replace(self, text: str) -> tuple[str, int]:
        """``text`` with every original replaced, and how many were."""
        return self.pattern.subn(lambda m: self.replacement_for(m.group()), text)


def parse_map(data: bytes, source: str = "the map") -> NameMap:
    """A :class:`NameMap` from CSV bytes (UTF-8, with or without a BOM); bad input raises."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkbenchError(f"{source} is not UTF-8 (bad byte at {exc.start})") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise WorkbenchError(f"{source} is not a valid CSV file ({exc})") from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise WorkbenchError(f"{source} is empty; it needs the header original,replacement")
    header = [cell.strip().casefold() for cell in rows[0]]
    if header[:2] != ["original", "replacement"] or any(h for h in header[2:]):
        raise WorkbenchError(
            f"{source} must start with the header row original,replacement "
            f"(found {','.join(rows[0])!r})"
        )
    pairs: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or any(cell.strip() for cell in row[2:]):
            raise WorkbenchError(
                f"{source}, row {line}: expected two columns original,replacement"
            )
        original, replacement = normalise(row[0]).strip(), normalise(row[1]).strip()
        if not original or not replacement:
            raise WorkbenchError(
                f"{source}, row {line}: an original and a replacement are both needed "
                "(replace a name by a code, e.g. Respondent 5, or ***)"
            )
        if "\n" in original or "\n" in replacement:
            raise WorkbenchError(f"{source}, row {line}: a line break inside a cell")
        key = _key(original)
        if key in seen:
            raise WorkbenchError(
                f"{source}, rows {seen[key]} and {line}: {original!r} is given twice"
            )
        seen[key] = line
        pairs.append((original, replacement))
    if not pairs:
        raise WorkbenchError(f"{source} has a header but no names")
    names = NameMap(pairs)
    for original, replacement in pairs:
        hit = names.pattern.search(replacement)
        if hit:
            raise WorkbenchError(
                f"{source}: the replacement {replacement!r} (for {original!r}) holds the "
                f"original {hit.group()!r}, which would stay in the project"
            )
    return names


def read_map(path: str | Path) -> NameMap:
    """Read a map file (never kept anywhere)."""
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise WorkbenchError(f"no map file at {path}") from None
    except IsADirectoryError:
        raise WorkbenchError(f"{path} is a folder, not a map file") from None
    except OSError as exc:
        raise WorkbenchError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_map(data, str(path))


# --------------------------------------------------------------------------- the run
@dataclass
class PseudonymReport:
    """What a run replaced, per place, and what happened to the codings."""

    documents: dict[str, int] = field(default_factory=dict)  # document name (after) -> count
    document_names: int = 0
    memos: int = 0
    codes: int = 0
    cases: int = 0
    project: int = 0
    other: int = 0  # records of other tables (merge conflicts keep old values, for one)
    codings: dict[str, EditReport] = field(default_factory=dict)  # document name -> report
    #: where an original still stands after the run ("memos 1a2b3c4d: 'Dana'"): the run
    #: is then not clean, and says so
    leftovers: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            sum(self.documents.values())
            + self.document_names
            + self.memos
            + self.codes
            + self.cases
            + self.project
            + self.other
        )

    def lost(self) -> list[tuple[str, Coding]]:
        """(document name, coding) for each coding that could not be re-anchored."""
        return [(doc, c) for doc, rep in self.codings.items() for c in rep.lost]

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": dict(self.documents),
            "document_names": self.document_names,
            "memos": self.memos,
            "codes": self.codes,
            "cases": self.cases,
            "project": self.project,
            "other": self.other,
            "total": self.total,
            "leftovers": list(self.leftovers),
            "codings": {
                doc: {
                    "kept": len(rep.kept),
                    "changed": len(rep.changed),
                    "reanchored": len(rep.reanchored),
                    "merged": len(rep.merged),
                    "lost": len(rep.lost),
                }
                for doc, rep in self.codings.items()
            },
        }


def pseudonymise(project: Project, names: NameMap, *, dry_run: bool = False) -> PseudonymReport:
    """Replace every original by its pseudonym in the whole project, as one undoable step.

    Document texts (codings follow them), document names and sources, memos, code names,
    descriptions, criteria and examples, case names and attribute values, and the project's
    name. A clash (two cases or sibling codes, or two documents, that would get one name)
    raises before anything changes. ``dry_run`` only counts.
    """
    report = PseudonymReport()

    def rep(text: str, place: str) -> str:
        new, n = names.replace(text)
        setattr(report, place, getattr(report, place) + n)
        return new

    # every new value is worked out first, so a clash is refused before anything changes
    documents = project.documents.all()
    doc_new: dict[str, tuple[str, str]] = {}
    for doc in documents:
        doc_new[doc.id] = (rep(doc.name, "document_names"), rep(doc.source, "document_names"))
        report.documents[doc_new[doc.id][0]] = len(names.pattern.findall(doc.text))
    _no_clash("document", [(doc_new[d.id][0], d.name) for d in documents])
    memo_new = {m.id: rep(m.text, "memos") for m in project.memos.values()}
    code_new = {
        c.id: {f: rep(getattr(c, f), "codes") for f in CODE_FIELDS}
        for c in project.codebook.values()
    }
    siblings: dict[str | None, list[tuple[str, str]]] = {}
    for code in project.codebook.values():
        name = code_new[code.id]["name"]
        if SEPARATOR in name:
            raise WorkbenchError(
                f"the code {code.name!r} would be named {name!r}, and a code name cannot hold "
                f"{SEPARATOR!r}; change that row of the map (nothing was changed)"
            )
        siblings.setdefault(code.parent, []).append((name, code.name))
    for group in siblings.values():
        _no_clash("code", group)
    case_new = {
        c.id: (rep(c.name, "cases"),
               {rep(k, "cases"): rep(v, "cases") for k, v in c.attributes.items()})
        for c in project.cases.values()
    }
    for case in project.cases.values():
        if len(case_new[case.id][1]) != len(case.attributes):
            raise WorkbenchError(
                f"two attributes of the case {case.name!r} would get one name; change the map "
                "(nothing was changed)"
            )
    _no_clash("case", [(case_new[c.id][0], c.name) for c in project.cases.values()])
    other_new: dict[tuple[str, str], dict[str, Any]] = {}
    for table in RECORD_TYPES:
        if table in _KNOWN_TABLES:
            continue
        for rid, obj in project.table(table).items():
            rec = to_record(obj)
            new = _deep_replace(rec, lambda t: rep(t, "other"))
            if new != rec:
                other_new[(table, rid)] = new
    project_name = str(project.meta.get("name", ""))
    new_project_name = rep(project_name, "project")
    if dry_run:
        return report

    with project.change("pseudonymise"):
        for doc in documents:
            edits = names.edits(doc.text)
            if edits:
                report.codings[doc_new[doc.id][0]] = project.documents.edit_spans(
                    doc, edits, label="pseudonymise"
                )
            doc = project.documents[doc.id]
            name, source = doc_new[doc.id]
            _check_clean(names, name, doc.text)
            if (name, source) != (doc.name, doc.source):
                project.documents.put(dataclasses.replace(doc, name=name, source=source))
        for memo in list(project.memos.values()):
            if memo_new[memo.id] != memo.text:
                project.memos.put(
                    dataclasses.replace(memo, text=memo_new[memo.id], modified=now())
                )
        for code in list(project.codebook.values()):
            fields = code_new[code.id]
            if any(getattr(code, f) != v for f, v in fields.items()):
                project.codebook.put(dataclasses.replace(code, **fields))
        for case in list(project.cases.values()):
            name, attributes = case_new[case.id]
            if (name, attributes) != (case.name, case.attributes):
                project.cases.put(dataclasses.replace(case, name=name, attributes=attributes))
        for (table, rid), rec in other_new.items():
            project.table(table).restore(rid, rec)
    if new_project_name != project_name:
        # the project's name is not a record: it changes outside the undoable step, which is
        # right here since undo must not bring an original back into it
        project.rename(new_project_name)
    report.leftovers = find_leftovers(project, names)
    return report


def find_leftovers(project: Project, names: NameMap) -> list[str]:
    """Every place an original still stands: each record as it would be saved (fields and
    tables this version does not know included; the undo history aside, which holds the
    originals until it is purged) and the write-up an export would make. Looked for in
    :func:`skeleton` form, so look-alikes, split and joined names count too."""
    folded = re.compile(
        rf"(?<![^\W_])(?:{'|'.join(_skeleton_phrase(o) for o, _ in names.pairs)})(?![^\W_])"
    )
    found: list[str] = []

    def scan(place: str, value: Any) -> None:
        for text in _strings(value):
            hit = folded.search(skeleton(text))
            if hit:
                found.append(f"{place}: {hit.group()!r}")
                return

    for table, lines in project.snapshot().items():
        if table == "history":
            continue
        for rid, line in lines.items():
            body = line.decode("utf-8").split(": ", 1)[1]
            scan(f"{table} {rid[:8]}", [rid, json.loads(body)])
    try:
        from workbench.io.writeup import render

        scan("the write-up an export makes", render(project, "md").decode("utf-8"))
    except WorkbenchError:
        pass  # nothing to write up
    return found


def _skeleton_phrase(original: str) -> str:
    return r"\s+".join(re.escape(skeleton(part)) for part in original.split())


def _strings(value: Any) -> list[str]:
    """Every string in a JSON value, dictionary keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


_KNOWN_TABLES = frozenset({"documents", "cases", "codes", "codings", "memos"})


def _deep_replace(value: Any, replace: Callable[[str], str]) -> Any:
    """``value`` with ``replace`` applied to every string in it (not to dictionary keys)."""
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, dict):
        return {k: _deep_replace(v, replace) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_deep_replace(v, replace) for v in value]
    return value


def _no_clash(kind: str, renamed: list[tuple[str, str]]) -> None:
    """Refuse when two records would end up with one name."""
    first: dict[str, str] = {}
    for new, old in renamed:
        if new in first and first[new] != old:
            raise WorkbenchError(
                f"the {kind}s {first[new]!r} and {old!r} would both be named {new!r}; "
                "rename one first or change the map (nothing was changed)"
            )
        first.setdefault(new, old)


def _check_clean(names: NameMap, doc_name: str, text: str) -> None:
    """An original formed anew by a pseudonym and its neighbours is refused, not left behind."""
    hit = names.pattern.search(text)
    if hit:
        raise WorkbenchError(
            f"after replacing, {doc_name!r} still holds {hit.group()!r} (a pseudonym next to "
            "other words forms an original); change the map (nothing was changed)"
        )
