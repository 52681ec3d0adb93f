"""Read Taguette's files into plain records, before anything is imported.

- a project export (``.sqlite3``, Taguette's "Export project"): an SQLite database with tables
  ``projects``, ``documents`` (HTML ``contents``), ``tags`` (``path``, ``description``),
  ``highlights`` (UTF-8 byte offsets into the document's text) and ``highlight_tags``;
- a highlights CSV (``id,document,tag,content``: one row per highlight and tag, the content as
  plain text with the text of each HTML node joined by a space);
- a codebook CSV: Taguette's (``tag,description,...``) or ours (``path,description,inclusion,
  exclusion,example,theme,color``); a ``tag``, ``name`` or ``path`` column names each code.

Every file is hostile until read: its size is bounded before it is read, the database is
opened read-only and immutable through an SQLite URI (``mode=ro``: no journal or WAL file
beside it is opened or written), nothing in it runs (``trusted_schema`` off, only tables are
read), and a query that runs longer than :data:`MAX_SECONDS` is stopped. Anything that is not
what Taguette writes raises :class:`WorkbenchError` with one sentence naming the file.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.text import decode, looks_binary
from workbench.errors import WorkbenchError

#: the largest project export read, the largest document, the largest CSV
MAX_DATABASE = 512 * 1024 * 1024
MAX_DOCUMENT = 50 * 1024 * 1024
MAX_CSV = 50 * 1024 * 1024
#: how long reading a database may take, and how often (in SQLite steps) that is checked
MAX_SECONDS = 120.0
CHECK_EVERY = 1000
SQLITE_HEADER = b"SQLite format 3\x00"
#: the tables (and their columns) a Taguette project export has
TABLES = {
    "projects": ("id", "name", "description"),
    "documents": ("id", "name", "description", "filename", "project_id", "contents"),
    "tags": ("id", "project_id", "path", "description"),
    "highlights": ("id", "document_id", "start_offset", "end_offset"),
    "highlight_tags": ("highlight_id", "tag_id"),
}


@dataclass
class TDocument:
    id: int
    name: str
    description: str
    filename: str
    html: str | None  # None: not readable (``problem`` says why)
    problem: str = ""


@dataclass
class TTag:
    id: int
    path: str
    description: str


@dataclass
class THighlight:
    id: int
    document: int
    start: int
    end: int
    tags: list[int] = field(default_factory=list)


@dataclass
class TProject:
    """A Taguette project read from its export."""

    name: str
    description: str
    documents: list[TDocument]
    tags: list[TTag]
    highlights: list[THighlight]
    schema: str  # Taguette's database revision (alembic), "" when unknown


@dataclass
class CsvHighlight:
    """A highlight of a highlights CSV: its rows gathered (one per tag)."""

    id: str
    document: str
    content: str
    tags: list[str]
    line: int  # first line in the file


@dataclass
class CsvCode:
    """A row of a codebook CSV."""

    path: str
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    theme: bool = False
    color: str = ""


# --------------------------------------------------------------------------- files
def checked_size(path: Path, limit: int, what: str) -> int:
    """The size of the regular file ``path``; WorkbenchError when missing, odd or too big."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise WorkbenchError(f"{path} does not exist") from None
    except PermissionError:
        raise WorkbenchError(f"cannot read {path}: permission denied") from None
    except (OSError, ValueError) as exc:
        raise WorkbenchError(f"cannot read {path}: {exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise WorkbenchError(f"{path} is a folder, not {what}")
    if not stat.S_ISREG(info.st_mode):
        raise WorkbenchError(f"{path} is not a regular file")
    if info.st_size > limit:
        raise WorkbenchError(f"{path.name} is larger than {limit // 2**20} MB; not imported")
    return info.st_size


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, at most ``limit`` (more is an error: the file grew)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise WorkbenchError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise WorkbenchError(f"{path.name} is larger than {limit // 2**20} MB; not imported")
    return data


# --------------------------------------------------------------------------- project export
def read_project(path: Path) -> TProject:
    """Read a Taguette project export (``.sqlite3``)."""
    label = path.name
    checked_size(path, MAX_DATABASE, "a Taguette project export")
    if read_bounded_head(path) != SQLITE_HEADER:
        raise WorkbenchError(f"{label} is not a Taguette project export (not an SQLite database)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise WorkbenchError(f"cannot open {label}: {exc}") from None
    deadline = time.monotonic() + MAX_SECONDS
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), CHECK_EVERY)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_DOCUMENT + 1)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        return _Export(conn, label).read()
    except sqlite3.Error as exc:
        why = str(exc)
        if "interrupted" in why:
            why = f"reading it took over {MAX_SECONDS:.0f} s"
        elif "too big" in why:
            why = f"a value is larger than {MAX_DOCUMENT // 2**20} MB"
        raise WorkbenchError(f"{label} cannot be read as a Taguette project ({why})") from None
    finally:
        conn.close()


def read_bounded_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise WorkbenchError(f"cannot read {path}: {exc.strerror or exc}") from None


class _Export:
    """The queries over one opened export."""

    def __init__(self, conn: sqlite3.Connection, label: str) -> None:
        self.conn = conn
        self.label = label

    def read(self) -> TProject:
        self.check_tables()
        projects = self.conn.execute("SELECT id, name, description FROM projects "
                                     "ORDER BY id").fetchall()
        if not projects:
            raise WorkbenchError(f"{self.label} holds no Taguette project")
        if len(projects) > 1:
            names = ", ".join(repr(_text(p[1])) for p in projects[:5])
            raise WorkbenchError(
                f"{self.label} holds {len(projects)} Taguette projects ({names}"
                f"{', ...' if len(projects) > 5 else ''}); export the one to import from "
                "Taguette (Project info, Export project) and import that file")
        project_id, name, description = projects[0]
        documents = [self.document(row) for row in self.conn.execute(
            "SELECT id, name, description, filename, contents FROM documents "
            "WHERE project_id = ? ORDER BY id", (project_id,))]
        tags = [TTag(_int(i), _text(p), _text(d)) for i, p, d in self.conn.execute(
            "SELECT id, path, description FROM tags WHERE project_id = ? ORDER BY id",
            (project_id,))]
        highlights: dict[int, THighlight] = {}
        for hid, doc, start, end in self.conn.execute(
                "SELECT h.id, h.document_id, h.start_offset, h.end_offset FROM highlights h "
                "JOIN documents d ON d.id = h.document_id WHERE d.project_id = ? "
                "ORDER BY h.document_id, h.start_offset, h.id", (project_id,)):
            highlights[_int(hid)] = THighlight(_int(hid), _int(doc), _int(start), _int(end))
        for hid, tag in self.conn.execute("SELECT highlight_id, tag_id FROM highlight_tags "
                                          "ORDER BY highlight_id, tag_id"):
            found = highlights.get(_int(hid))
            if found is not None:
                found.tags.append(_int(tag))
        return TProject(_text(name), _text(description), documents, tags,
                        list(highlights.values()), self.schema())

    def check_tables(self) -> None:
        kinds = dict(self.conn.execute("SELECT name, type FROM sqlite_master"))
        for table, columns in TABLES.items():
            if kinds.get(table) != "table":
                raise WorkbenchError(f"{self.label} is not a Taguette project export (it has no "
                                     f"{table!r} table)")
            have = {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")}
            missing = [c for c in columns if c not in have]
            if missing:
                raise WorkbenchError(f"{self.label} is not a Taguette project export (its "
                                     f"{table!r} table has no {missing[0]!r} column)")

    def document(self, row: tuple) -> TDocument:
        doc_id, name, description, filename, contents = row
        doc = TDocument(_int(doc_id), _text(name), _text(description), _text(filename), None)
        if isinstance(contents, bytes):
            try:
                contents = contents.decode("utf-8")
            except UnicodeDecodeError:
                doc.problem = "its contents are not text"
                return doc
        if not isinstance(contents, str):
            doc.problem = "it has no contents"
            return doc
        doc.html = contents
        return doc

    def schema(self) -> str:
        try:
            row = self.conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            return ""
        return _text(row[0]) if row else ""


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return "" if value is None else str(value)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return -1
    try:
        return int(value)
    except (ValueError, OverflowError):
        return -1


# --------------------------------------------------------------------------- CSV
def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header (lower case) and rows of a CSV file."""
    label = path.name
    checked_size(path, MAX_CSV, "a CSV file")
    data = read_bounded(path, MAX_CSV)
    if looks_binary(data):
        raise WorkbenchError(f"{label} is not a CSV file (it looks binary)")
    text = decode(data, source=label)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise WorkbenchError(f"{label} is not a readable CSV file ({exc})") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise WorkbenchError(f"{label} is empty")
    header = [cell.strip().lstrip("\ufeff").lower() for cell in rows[0]]
    return header, rows[1:]


def is_highlights(header: list[str]) -> bool:
    return {"document", "tag", "content"} <= set(header)


def highlights_from(label: str, header: list[str], rows: list[list[str]]) -> list[CsvHighlight]:
    """The highlights of a Taguette highlights CSV, one per ``id`` with all its tags."""
    col = {name: header.index(name) for name in ("id", "document", "tag", "content")
           if name in header}
    out: dict[str, CsvHighlight] = {}
    for line, row in enumerate(rows, 2):
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in col.items()}
        key = cells.get("id") or f"line {line}"
        found = out.get(key)
        if found is None:
            found = out[key] = CsvHighlight(key, cells["document"], cells["content"], [], line)
        if cells["tag"] and cells["tag"] not in found.tags:
            found.tags.append(cells["tag"])
    return list(out.values())


def codebook_from(label: str, header: list[str], rows: list[list[str]]) -> list[CsvCode]:
    """The codes of a codebook CSV (Taguette's or ours)."""
    names = [c for c in ("tag", "name", "path") if c in header]
    if not names:
        raise WorkbenchError(
            f"{label} is not a Taguette highlights CSV (id,document,tag,content) or a codebook "
            f"CSV (a tag, name or path column); its columns are: {', '.join(header) or 'none'}")
    if len(names) > 1:
        raise WorkbenchError(f"{label} has several columns that could name the codes "
                             f"({', '.join(names)}); keep one")
    index = {c: header.index(c) for c in ("description", "inclusion", "exclusion", "example",
                                          "theme", "color", "colour") if c in header}
    at = header.index(names[0])
    out = []
    for row in rows:
        def cell(name: str, row: list[str] = row) -> str:
            i = index.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        path = row[at].strip() if at < len(row) else ""
        out.append(CsvCode(
            path=path, description=cell("description"), inclusion=cell("inclusion"),
            exclusion=cell("exclusion"), example=cell("example"),
            theme=cell("theme").casefold() in ("yes", "true", "1", "x", "theme", "да"),
            color=cell("color") or cell("colour"),
        ))
    return out
