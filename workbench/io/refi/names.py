"""Names, GUIDs, colours, dates and small text rules shared by the REFI-QDA writer and reader.

Our records already have UUIDs, so they are written as the GUIDs of their elements and read
back as record ids: a project exported and imported again keeps every id. Elements that have no
record of their own (users, variables, the "Themes" set, selections, case-memo links) get
name-based UUIDs (uuid5 of a fixed namespace), so exporting twice writes the same GUIDs.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import uuid
from datetime import UTC, datetime

from workbench import __version__
from workbench.io.criteria import compose_description, parse_description, read_description

__all__ = ["compose_description", "parse_description", "read_description"]  # re-exported

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROJECT_SCHEMA = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
CODEBOOK_SCHEMA = "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
#: every REFI-QDA namespace starts with this (project 1.0, 0:10, codebook 0:4, 1:0, ...)
QDA_PREFIX = "urn:qda-xml:"

ORIGIN = f"Workbench {__version__}"
#: the Set that marks our themes (project level in a .qdpx, in the CodeBook of a .qdc)
THEMES_SET = "Themes"
THEMES_SET_DESCRIPTION = "Codes marked as themes in Workbench (thematic analysis)."
#: the Link that attaches a case memo (a Case cannot hold a NoteRef)
CASE_MEMO_LINK = "Memo on case"
#: the coder of codings whose creating user is unknown
UNKNOWN_CODER = "imported"
#: the longest selection ``name`` written (the selected text, then an ellipsis)
NAME_CHARS = 60

_CANONICAL = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_NAMESPACE = uuid.UUID("6f1c35a2-8d0e-5b7a-9c3e-2a4f5d6e7b80")
_NAMESPACE_BYTES = _NAMESPACE.bytes


def is_ours(origin: str) -> bool:
    """True when a file was written by Workbench."""
    return origin.strip().startswith("Workbench")


def stable_guid(kind: str, *parts: str) -> str:
    """A GUID that depends only on what it names (``kind`` and ``parts``).

    It is ``uuid.uuid5(_NAMESPACE, ...)``, spelt out: an export makes one per selection, and
    building :class:`uuid.UUID` objects costs several times the hash.
    """
    name = "\x1f".join((kind, *parts)).encode("utf-8")
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@functools.lru_cache(maxsize=4096)
def user_guid(name: str) -> str:
    """The GUID of the user (coder or memo author) called ``name``."""
    return stable_guid("user", name)


def record_guid(record_id: str) -> str:
    """A record id as a GUID: itself when it is a UUID (always, for records we made)."""
    return parse_guid(record_id) or stable_guid("record", record_id)


def parse_guid(value: str | None) -> str | None:
    """A GUID in any spelling (upper case, ``{...}``) as a lower-case UUID, or ``None``."""
    if not value:
        return None
    if _CANONICAL.match(value):
        return value
    text = value.strip().strip("{}")
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def guid_key(value: str | None) -> str:
    """A key to match GUID references with: the canonical UUID, else the stripped text."""
    return parse_guid(value) or (value or "").strip().casefold()


# --------------------------------------------------------------------------- colours

_HEX = re.compile(r"^#?([0-9a-fA-F]{3,8})$")
_RGB = re.compile(r"^rgba?\((.*)\)$", re.IGNORECASE)


def parse_color(value: str | None) -> str | None:
    """A colour as ``#rrggbb``: ``#RGB``, ``#RRGGBB``, ``#RGBA``, ``#RRGGBBAA``, ``rgb(...)``.

    Transparency is dropped. ``None`` when the value is not a colour we can read.
    """
    if value is None:
        return None
    text = value.strip()
    match = _HEX.match(text)
    if match:
        digits = match.group(1)
        if len(digits) in (3, 4):
            return "#" + "".join(ch * 2 for ch in digits[:3]).lower()
        if len(digits) in (6, 8):
            return "#" + digits[:6].lower()
        return None
    match = _RGB.match(text)
    if match:
        parts = [p.strip() for p in re.split(r"[,\s/]+", match.group(1).strip()) if p.strip()]
        if len(parts) < 3:
            return None
        channels = []
        for part in parts[:3]:
            try:
                number = float(part[:-1]) * 255 / 100 if part.endswith("%") else float(part)
            except ValueError:
                return None
            channels.append(max(0, min(255, round(number))))
        return "#" + "".join(f"{c:02x}" for c in channels)
    return None


# --------------------------------------------------------------------------- dates


#: a timestamp already as we write it (UTC, whole seconds, ``Z``): ours always are
_ZULU = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")


@functools.lru_cache(maxsize=4096)
def xsd_datetime(stamp: str | None) -> str | None:
    """One of our timestamps as an ``xsd:dateTime`` in UTC with ``Z``; ``None`` if unreadable."""
    if stamp and _ZULU.match(stamp):
        try:  # already in the form written: only check that it is a real date
            datetime.fromisoformat(stamp[:-1])
        except ValueError:
            return None
        return stamp
    parsed = _parse_time(stamp)
    return None if parsed is None else parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


def our_datetime(value: str | None) -> str | None:
    """An ``xsd:dateTime`` from a file as our timestamp (UTC, whole seconds, ``Z``).

    A time without a zone (Transana writes those) is taken as UTC.
    """
    return xsd_datetime(value)


def _parse_time(value: str | None) -> datetime | None:
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # more than microseconds
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).replace(microsecond=0)


# --------------------------------------------------------------------------- text

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: a character outside the Basic Multilingual Plane (two UTF-16 code units)
ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SPACE = re.compile(r"\s+")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters, lone surrogates)."""
    if text.isascii() and text.isprintable():
        return text
    return _XML_BAD.sub("\ufffd", text)


def has_xml_unsafe(text: str) -> bool:
    """True when :func:`xml_safe` would change ``text``."""
    return _XML_BAD.search(text) is not None


def has_astral(text: str) -> bool:
    """True when ``text`` has a character outside the BMP (two UTF-16 code units: emoji...)."""
    return not text.isascii() and ASTRAL.search(text) is not None


def squash(text: str) -> str:
    """Runs of white space as one space, without space at the ends."""
    return _SPACE.sub(" ", text).strip()


def selection_name(text: str) -> str:
    """The ``name`` of a selection: its text on one line, cut to :data:`NAME_CHARS` with "…"."""
    # printable text has no white space but " ", so without "  " only its ends need squashing
    flat = text.strip() if text.isprintable() and "  " not in text else squash(text)
    if len(flat) > NAME_CHARS:
        flat = flat[: NAME_CHARS - 1].rstrip() + "…"
    return flat


def clean_name(value: str | None) -> str:
    """A name from a file: NFC, one line, stripped."""
    return squash(unicodedata.normalize("NFC", value or ""))
