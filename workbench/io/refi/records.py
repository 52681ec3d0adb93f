"""What the reader makes of a REFI-QDA file: plain records, before anything is imported.

GUIDs are kept as :func:`workbench.io.refi.names.guid_key` keys (canonical lower-case UUIDs), so
references match whatever case or braces a producer wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RCode:
    guid: str
    name: str
    codable: bool
    color: str | None
    description: str
    note_refs: list[str]
    children: list[RCode]


@dataclass
class RCoding:
    guid: str
    code_ref: str
    user: str
    created: str
    note_refs: list[str]


@dataclass
class RSelection:
    guid: str
    name: str
    start: int | None  # None: not a number in the file
    end: int | None
    user: str
    created: str
    description: str
    codings: list[RCoding]
    note_refs: list[str]


@dataclass
class RText:
    """A text source (or the plain-text representation of a PDF) and what was read of it."""

    guid: str
    name: str
    kind: str  # "TextSource" | "PDFSource"
    raw: str | None  # decoded stored text; None when it could not be read
    problem: str  # why ``raw`` is None
    created: str
    modified: str
    description: str
    selections: list[RSelection]
    codings: list[RCoding]  # codings of the whole source
    note_refs: list[str]
    values: list[tuple[str, str]]  # (variable GUID, value) of the source itself
    docx: bool = False  # the text was read from the rich-text .docx
    lost: str = ""  # parts of a PDF source that are not brought over


@dataclass
class ROther:
    """A source we do not bring over (picture, PDF without text, audio, video)."""

    guid: str
    kind: str
    name: str
    selections: int
    codings: int
    why: str
    note_refs: list[str]  # on the source and its selections


@dataclass
class RCase:
    guid: str
    name: str
    description: str
    values: list[tuple[str, str]]
    sources: list[str]
    code_refs: int
    selection_refs: int


@dataclass
class RNote:
    guid: str
    name: str
    description: str
    text: str | None
    problem: str
    user: str
    created: str
    modified: str


@dataclass
class RLink:
    guid: str
    name: str
    origin: str
    target: str
    note_refs: list[str]


@dataclass
class RSet:
    guid: str
    name: str
    codes: list[str]
    sources: int
    notes: int


@dataclass
class RFile:
    """Everything read from one REFI-QDA file."""

    label: str  # the file's name, for messages
    kind: str  # "project" | "codebook"
    name: str
    origin: str
    namespace: str
    users: dict[str, str] = field(default_factory=dict)  # guid key -> name
    codes: list[RCode] = field(default_factory=list)
    variables: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (name, type)
    cases: list[RCase] = field(default_factory=list)
    texts: list[RText] = field(default_factory=list)
    others: list[ROther] = field(default_factory=list)
    notes: list[RNote] = field(default_factory=list)
    links: list[RLink] = field(default_factory=list)
    sets: list[RSet] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)
    description: str = ""
    note_refs: list[str] = field(default_factory=list)  # project notes
