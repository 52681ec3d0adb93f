"""The records of a project: documents, cases, codes, codings and memos.

Every record has a stable UUID (``id``) so two copies of a project can be merged. Records turn
into plain JSON dictionaries with :func:`to_record` and back with :func:`from_record`.
"""

from __future__ import annotations

import dataclasses
import operator
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def new_id() -> str:
    """A fresh random UUID as text."""
    return str(uuid.uuid4())


@dataclass(slots=True)
class Paragraph:
    """One paragraph (speaker turn) of a document: ``text[start:end]`` without its line break."""

    start: int
    end: int
    speaker: str | None = None
    begin_time: str | None = None  # cue timestamps from .vtt/.srt, "HH:MM:SS.mmm"
    end_time: str | None = None


@dataclass(slots=True, eq=False)
class Document:
    """An imported transcript, held as normalised text."""

    id: str
    name: str
    text: str
    case: str | None = None  # case id
    source: str = ""  # the file name it came from (no folders)
    order: int = 0  # import order, for saturation
    paragraphs: list[Paragraph] = field(default_factory=list)
    created: str = ""
    modified: str = ""
    #: speaker label -> "interviewer" | "respondent" | "other"
    roles: dict[str, str] = field(default_factory=dict)

    def __eq__(self, other: object) -> bool:  # a DeferredDocument equals its loaded Document
        if not isinstance(other, Document):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _DOCUMENT_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # records are mutable values


_DOCUMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Document))
#: The fields a DeferredDocument reads from its line only when first used.
DEFERRED_FIELDS = ("text", "paragraphs", "source", "roles")
_SLOTS = {name: getattr(Document, name) for name in DEFERRED_FIELDS}


class DeferredDocument(Document):
    """A document read from the project file whose text, paragraphs, source file name and
    speaker roles are parsed only when first used (see :mod:`workbench.store.reader`).

    It behaves as a :class:`Document` in every way: reading one of those fields parses the
    record then; ``dataclasses.replace`` gives a fully loaded copy.
    """

    __slots__ = ("_body",)

    @classmethod
    def from_head(cls, head: dict[str, Any], body: Callable[[], dict[str, Any]]) -> Document:
        """A document from the fields read at once and a function that reads the rest."""
        obj = cls.__new__(cls)
        for name, value in _known(Document, head).items():
            if name not in DEFERRED_FIELDS:
                object.__setattr__(obj, name, value)
        for f in dataclasses.fields(Document):
            if f.name not in DEFERRED_FIELDS and f.name not in head:
                object.__setattr__(obj, f.name, f.default)  # only id and name have none
        obj._body = body
        return obj

    def _load(self) -> None:
        body = getattr(self, "_body", None)
        if body is None:
            return
        rec = body()
        _SLOTS["text"].__set__(self, rec["text"])
        _SLOTS["paragraphs"].__set__(
            self, [_build(Paragraph, p) for p in rec.get("paragraphs", [])]
        )
        _SLOTS["source"].__set__(self, rec.get("source", ""))
        _SLOTS["roles"].__set__(self, dict(rec.get("roles") or {}))
        self._body = None

    @property
    def loaded(self) -> bool:
        """True once the deferred fields have been read."""
        return getattr(self, "_body", None) is None


def _deferred(name: str) -> property:
    slot = _SLOTS[name]

    def get(self: DeferredDocument) -> Any:
        if getattr(self, "_body", None) is not None:
            self._load()
        return slot.__get__(self, Document)

    def put(self: DeferredDocument, value: Any) -> None:
        if getattr(self, "_body", None) is not None:
            self._load()  # the other deferred fields must not be read over it later
        slot.__set__(self, value)

    return property(get, put, doc=f"the document's {name} (read from the file when first used)")


for _name in DEFERRED_FIELDS:
    setattr(DeferredDocument, _name, _deferred(_name))


@dataclass(slots=True)
class Case:
    """A respondent, with free-form attributes (pronouns, age, city, ...)."""

    id: str
    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    created: str = ""


@dataclass(slots=True)
class Code:
    """A node of the codebook tree; ``is_theme`` marks a theme."""

    id: str
    name: str
    parent: str | None = None  # code id
    is_theme: bool = False
    color: str = "#888888"
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    order: int = 0
    created: str = ""


@dataclass(slots=True)
class Coding:
    """One code applied by one coder to ``document.text[start:end]``."""

    id: str
    document: str  # document id
    code: str  # code id
    start: int
    end: int
    text: str
    coder: str = ""
    created: str = ""


@dataclass(slots=True)
class Memo:
    """Free text on the project, a document, a case, a code or a coding."""

    id: str
    target_kind: str  # "project" | "document" | "case" | "code" | "coding"
    target_id: str | None
    text: str
    author: str = ""
    created: str = ""
    modified: str = ""


@dataclass(slots=True)
class Conflict:
    """A difference a merge could not settle, kept until someone resolves it.

    ``table``/``record`` name the record in question and ``fields`` its fields (``None``: the
    whole record); ``base``/``ours``/``theirs`` hold the values on each side (for fields, a
    dictionary of field -> value). ``kind`` is ``field`` (the file keeps OURS' values),
    ``record`` (a whole record: deleted on one side and changed or still used on the other),
    ``name`` (a record renamed because two of one name met), ``lost`` (a coding the merged
    text no longer has room for, kept here only) or ``integrity`` (a problem found after
    merging, with no sides).
    """

    id: str
    kind: str
    table: str = ""
    record: str | None = None
    fields: list[str] | None = None
    base: Any = None
    ours: Any = None
    theirs: Any = None
    message: str = ""
    origin: str = ""  # "merge" (the git driver), "merge-in" or "disk" (changed while open)
    created: str = ""

    def to_json(self) -> dict[str, Any]:
        """The conflict as ``conflicts --json`` prints it: every field of the record."""
        return to_record(self)


TARGET_KINDS = ("project", "document", "case", "code", "coding")
#: The table holding each kind of memo target (a project memo has no target record).
TARGET_TABLES = {"document": "documents", "case": "cases", "code": "codes", "coding": "codings"}

#: table name -> record class; the order is the order tables are written in.
RECORD_TYPES: dict[str, type] = {
    "documents": Document,
    "cases": Case,
    "codes": Code,
    "codings": Coding,
    "memos": Memo,
    "conflicts": Conflict,
}
#: Tables written to the file only when they hold records (older files do not have them).
OPTIONAL_TABLES = frozenset({"conflicts"})


def to_record(obj: Any) -> dict[str, Any]:
    """A JSON-ready dictionary of a record (paragraphs become lists of dictionaries)."""
    if isinstance(obj, Document):
        rec = {name: getattr(obj, name) for name in _FIELD_ORDER[Document]}
        rec["paragraphs"] = [paragraph_record(p) for p in obj.paragraphs]
        rec["roles"] = dict(obj.roles)
        return rec
    if isinstance(obj, Case):
        return {
            "id": obj.id,
            "name": obj.name,
            "attributes": dict(obj.attributes),
            "created": obj.created,
        }
    return {name: getattr(obj, name) for name in _FIELD_ORDER[type(obj)]}


def paragraph_record(p: Paragraph) -> dict[str, Any]:
    """A paragraph as stored: its fields, without those that are unset."""
    rec: dict[str, Any] = {"start": p.start, "end": p.end}
    if p.speaker is not None:
        rec["speaker"] = p.speaker
    if p.begin_time is not None:
        rec["begin_time"] = p.begin_time
    if p.end_time is not None:
        rec["end_time"] = p.end_time
    return rec


#: Each record class's field names, in order (dataclasses.fields is slow in a loop).
_FIELD_ORDER: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in RECORD_TYPES.values()
}
_FIELD_NAMES: dict[type, frozenset[str]] = {
    cls: frozenset(f.name for f in dataclasses.fields(cls))
    for cls in (*RECORD_TYPES.values(), Paragraph)
}


def from_record(table: str, rec: dict[str, Any]) -> Any:
    """Build the record object of ``table`` from its dictionary, ignoring unknown keys."""
    cls = RECORD_TYPES[table]
    if cls is Document:
        kwargs = _known(cls, rec)
        kwargs["paragraphs"] = [_build(Paragraph, p) for p in rec.get("paragraphs", [])]
        kwargs["roles"] = dict(rec.get("roles") or {})
        return cls(**kwargs)
    if cls is Case:
        kwargs = _known(cls, rec)
        kwargs["attributes"] = dict(rec.get("attributes", {}))
        return cls(**kwargs)
    return _build(cls, rec)


def unknown_fields(table: str, rec: dict[str, Any]) -> dict[str, Any] | None:
    """The fields of a stored record that ``table``'s records do not have (a newer
    Workbench's), or ``None``: they are kept and written back, never dropped."""
    names = _FIELD_NAMES[RECORD_TYPES[table]]
    if rec.keys() <= names:
        return None
    return {k: v for k, v in rec.items() if k not in names}


def _build(cls: type, rec: dict[str, Any]) -> Any:
    """``cls(**rec)``, dropping keys a newer file may carry that ``cls`` has no field for."""
    try:
        return cls(**rec)
    except TypeError:
        return cls(**_known(cls, rec))


def _known(cls: type, rec: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``rec`` that ``cls`` has fields for."""
    names = _FIELD_NAMES[cls]
    return {k: v for k, v in rec.items() if k in names}


# --------------------------------------------------------------------------- validation
class RecordProblem(ValueError):
    """A stored record whose fields do not have the types its table needs."""


def _is_str(v: Any) -> bool:
    return type(v) is str


def _is_opt_str(v: Any) -> bool:
    return v is None or type(v) is str


def _is_int(v: Any) -> bool:
    return type(v) is int


def _is_bool(v: Any) -> bool:
    return type(v) is bool


def _is_paragraphs(v: Any) -> bool:
    return type(v) is list and all(
        type(p) is dict
        and type(p.get("start")) is int
        and type(p.get("end")) is int
        and all(_is_opt_str(p.get(k)) for k in ("speaker", "begin_time", "end_time"))
        for p in v
    )


def _is_attributes(v: Any) -> bool:
    return type(v) is dict and all(type(k) is str and type(x) is str for k, x in v.items())


def _is_opt_str_list(v: Any) -> bool:
    return v is None or (type(v) is list and all(type(x) is str for x in v))


#: What each stored field must be, by the type written on the record class.
_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "str": (_is_str, "text"),
    "str | None": (_is_opt_str, "text or null"),
    "int": (_is_int, "a whole number"),
    "bool": (_is_bool, "true or false"),
    "list[Paragraph]": (_is_paragraphs, "a list of paragraphs with whole-number offsets"),
    "dict[str, str]": (_is_attributes, "an object of text values"),
    "list[str] | None": (_is_opt_str_list, "a list of text or null"),
}
#: Per table: (field, check, what it must be, required) for every field that has a check.
_SCHEMA: dict[str, list[tuple[str, Callable[[Any], bool], str, bool]]] = {
    table: [
        (f.name, *_CHECKS[str(f.type)],
         f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
        for f in dataclasses.fields(cls)
        if str(f.type) in _CHECKS
    ]
    for table, cls in RECORD_TYPES.items()
}


def record_problem(table: str, rec: Any, *, partial: bool = False) -> str | None:
    """What is wrong with the types of a stored record of ``table`` (``None``: nothing).

    Only the fields Workbench knows are checked; unknown fields are kept as they are.
    ``partial``: ``rec`` is part of a record (a document's head), missing fields are fine.
    """
    if type(rec) is not dict:
        return "it is not an object"
    for name, check, want, required in _SCHEMA[table]:
        if name not in rec:
            if required and not partial:
                return f"it has no {name!r}"
            continue
        if not check(rec[name]):
            return f"its {name!r} is {_shown(rec[name])}, not {want}"
    return None


def table_problem(table: str, objs: list[Any]) -> tuple[Any, str] | None:
    """The first record object of ``objs`` (all of ``table``) whose fields have the wrong
    types, with the problem; one pass per field, so a large table is checked quickly."""
    for name, check, _want, _required in _SCHEMA[table]:
        if name == "paragraphs":
            continue  # records built from objects hold Paragraphs; the file's are checked
        allowed = _FAST_TYPES.get(check)
        get = operator.attrgetter(name)
        if allowed is not None and set(map(type, map(get, objs))) <= allowed:
            continue
        for obj in objs:
            value = get(obj)
            if not check(value):
                rec = to_record(obj)
                return obj, record_problem(table, rec) or f"its {name!r} is {_shown(value)}"
    return None


_FAST_TYPES: dict[Callable[[Any], bool], set[type]] = {
    _is_str: {str},
    _is_opt_str: {str, type(None)},
    _is_int: {int},
    _is_bool: {bool},
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def record_label(table: str, rec: Any) -> str:
    """``the coding 1f2e…`` / ``the document 'Interview 3'``: a record named for a message."""
    kind = table[:-1]
    if isinstance(rec, dict):
        name, rid = rec.get("name"), rec.get("id")
    else:
        name, rid = getattr(rec, "name", None), getattr(rec, "id", None)
    if isinstance(name, str) and name:
        return f"the {kind} {name!r}"
    return f"the {kind} {rid if isinstance(rid, str) else _shown(rid)}"
