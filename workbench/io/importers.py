"""Read a transcript file of any supported kind into normalised text and paragraphs.

:func:`read_transcript` is the one entry point. Every failure a user can cause (a missing,
unreadable, empty, binary, corrupt or oversized file, an unknown kind, bytes that need
``--encoding``) raises :class:`WorkbenchError` with one sentence naming the file.

- ``.txt`` / ``.md``: decoded (:func:`workbench.core.text.decode`) and kept as written,
  Markdown markup included;
- ``.docx`` / ``.odt``: one paragraph per line, table rows as ``cell | cell``;
- ``.vtt`` / ``.srt``: one line per speaker turn, ``Speaker: text``, with cue times on the
  paragraphs (see :mod:`workbench.io.formats.captions`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from workbench.core.text import count_controls, decode, looks_binary, normalise
from workbench.core.turns import paragraphs_of
from workbench.errors import WorkbenchError
from workbench.io.transcript import ImportedText, check_document

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".odt", ".vtt", ".srt")
#: exchange files ``workbench import`` reads besides transcripts: REFI-QDA (.qdpx, .qdc) and
#: Taguette (a project export .sqlite3; a highlights or codebook .csv)
EXCHANGE_SUFFIXES: tuple[str, ...] = (".qdpx", ".qdc", ".sqlite3", ".csv")

#: files larger than this are refused
MAX_BYTES = 50 * 1024 * 1024



def read_transcript(
    path: Path | str, encoding: str | None = None, *, follow_symlinks: bool = False
) -> ImportedText:
    """Read ``path`` as a transcript; ``encoding`` names the codec of text files without a BOM.

    ``encoding`` applies to .txt, .md, .vtt and .srt; Word and OpenDocument files carry their
    own. A symbolic link to a file outside its own folder is refused unless ``follow_symlinks``
    (see :func:`check_link`). Raises :class:`WorkbenchError` for anything the user has to fix,
    a document over the caps of :mod:`workbench.io.transcript` among them. Control characters
    are dropped (:func:`workbench.core.text.normalise`); ``controls`` on the result says how many.
    """
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    data = _read_bytes(check_link(path, follow=follow_symlinks), source, suffix)
    if suffix in (".docx", ".odt"):
        from workbench.io.formats import office

        reader = office.read_docx if suffix == ".docx" else office.read_odt
        text, paragraphs, controls = reader(data, source)
    else:
        decoded, controls = _decode_text(data, encoding, source)
        if suffix in (".vtt", ".srt"):
            from workbench.io.formats import captions

            reader = captions.read_vtt if suffix == ".vtt" else captions.read_srt
            text, paragraphs = reader(decoded, source)
        else:
            check_document(decoded, source)
            text, paragraphs = decoded, paragraphs_of(decoded)
    check_document(text, source)
    return ImportedText(name=path.stem, text=text, paragraphs=paragraphs, source=path.name,
                        controls=controls)


def check_link(path: Path, *, follow: bool = False) -> Path:
    """The file to read for ``path``: itself, or the file it links to.

    A folder received from someone may hold ``interview-07.txt -> ~/.ssh/id_ed25519``: a link
    to a file outside the link's own folder (and the folders below it) is refused, naming its
    target, unless ``follow`` (``--follow-symlinks``).
    """
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return path  # the read says what is wrong
    if not stat.S_ISLNK(info.st_mode):
        return path
    real = Path(os.path.realpath(path))
    home = Path(os.path.realpath(path.parent))
    if follow or home in real.parents:
        return real
    raise WorkbenchError(
        f"{path} is a symbolic link to {real}, outside its folder; nothing was imported "
        "(give --follow-symlinks to import it)"
    )


def _read_bytes(path: Path, source: str, suffix: str) -> bytes:
    """The file's bytes, after checking it exists, is a file of a known kind (by ``suffix``, the
    name the user gave) and not too big."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise WorkbenchError(f"{source} does not exist") from None
    except PermissionError:
        raise WorkbenchError(f"cannot read {source}: permission denied") from None
    except (OSError, ValueError) as exc:  # a name too long, a loop of links, a NUL in the name
        raise WorkbenchError(f"cannot read {source}: {_why(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise WorkbenchError(f"{source} is a folder, not a transcript file")
    if suffix in EXCHANGE_SUFFIXES:
        kind = "a REFI-QDA file" if suffix in (".qdpx", ".qdc") else "a Taguette file"
        raise WorkbenchError(
            f"{source} is {kind}, which is not read as a transcript; transcripts are {_kinds()}"
        )
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"'{suffix}' files are" if suffix else "files without an extension are"
        raise WorkbenchError(f"cannot import {source}: {shown} not supported ({supported()})")
    if not stat.S_ISREG(info.st_mode):
        raise WorkbenchError(f"{source} is not a regular file")
    if info.st_size > MAX_BYTES:
        raise WorkbenchError(
            f"{source} is {info.st_size / (1024 * 1024):.0f} MB; "
            f"transcripts over {MAX_BYTES // (1024 * 1024)} MB are not imported"
        )
    try:
        with path.open("rb") as handle:
            opened = os.fstat(handle.fileno())
            if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
                raise WorkbenchError(f"{source} changed while it was read; nothing was imported")
            data = handle.read(MAX_BYTES + 1)
    except PermissionError:
        raise WorkbenchError(f"cannot read {source}: permission denied") from None
    except OSError as exc:
        raise WorkbenchError(f"cannot read {source}: {_why(exc)}") from None
    if len(data) > MAX_BYTES:  # it grew since stat()
        raise WorkbenchError(
            f"{source} is over {MAX_BYTES // (1024 * 1024)} MB; larger transcripts are not imported"
        )
    if not data.strip():
        raise WorkbenchError(f"{source} is empty")
    return data


def _decode_text(data: bytes, encoding: str | None, source: str) -> tuple[str, int]:
    """Decoded and normalised text of a text-based file, and how many control characters
    normalising dropped; refuses binary and blank content."""
    if encoding is None and looks_binary(data):
        raise WorkbenchError(f"{source} looks like a binary file, not text")
    decoded = decode(data, encoding, source=source)
    if "\x00" in decoded:
        raise WorkbenchError(f"{source} looks like a binary file, not text")
    text = normalise(decoded)
    if not text.strip():
        raise WorkbenchError(f"{source} is empty (it holds only blank space)")
    return text, count_controls(decoded)


def _kinds() -> str:
    return ", ".join(SUPPORTED_SUFFIXES)


def supported() -> str:
    """Every kind of file ``workbench import`` reads, for a message."""
    return (f"transcripts: {_kinds()}; REFI-QDA: .qdpx, .qdc; "
            "Taguette: .sqlite3 (project export), .csv (highlights or codebook)")


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


__all__ = ["EXCHANGE_SUFFIXES", "MAX_BYTES", "SUPPORTED_SUFFIXES", "check_link",
           "read_transcript", "supported"]
