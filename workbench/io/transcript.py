"""What every transcript importer returns, and the limits every import keeps to.

A hostile file can be small on disk and still unpack to far more text than a study holds (a
zip of repeated paragraphs, an OpenDocument run of ``<text:s text:c="1000"/>``, one source
referenced by hundreds of entries of a REFI-QDA project). Every import is therefore capped:

- :data:`MAX_DOCUMENT_CHARS` characters and :data:`MAX_PARAGRAPHS` paragraphs per document;
- :data:`MAX_IMPORT_CHARS` characters of decoded text per import, all files and sources
  together.

Each cap is far above any interview study (a three-hour interview is some 150,000 characters
in 2,000 paragraphs); going over one is a :class:`WorkbenchError` that names the cap.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from workbench.core.model import Paragraph
from workbench.errors import WorkbenchError

#: The most characters (code points) one document may hold.
MAX_DOCUMENT_CHARS = 50_000_000
#: The most paragraphs (non-blank lines) one document may hold.
MAX_PARAGRAPHS = 200_000
#: The most characters of text one import may decode, all its documents and notes together.
MAX_IMPORT_CHARS = 100_000_000

_PARAGRAPH = re.compile(r"^[^\S\n]*\S", re.MULTILINE)


@dataclass(slots=True)
class ImportedText:
    """A transcript read from a file: normalised text and its paragraphs (turns)."""

    name: str  # the document name: the file's stem
    text: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    source: str = ""  # the file's name, without folders
    controls: int = 0  # control characters dropped from the text (see core.text.normalise)


def check_document(text: str, source: str) -> None:
    """Refuse a document over :data:`MAX_DOCUMENT_CHARS` or :data:`MAX_PARAGRAPHS`.

    Cheap on any text: paragraphs are counted only when the text has that many lines, and
    only up to the cap.
    """
    if len(text) > MAX_DOCUMENT_CHARS:
        raise WorkbenchError(
            f"{source} holds {len(text):,} characters; a document may hold at most "
            f"{MAX_DOCUMENT_CHARS:,} (the per-document cap): not imported"
        )
    if text.count("\n") >= MAX_PARAGRAPHS:
        found = sum(1 for _ in itertools.islice(_PARAGRAPH.finditer(text), MAX_PARAGRAPHS + 1))
        if found > MAX_PARAGRAPHS:
            too_many_paragraphs(source)


def too_many_paragraphs(source: str) -> None:
    """Raise the error for a document over :data:`MAX_PARAGRAPHS`."""
    raise WorkbenchError(
        f"{source} holds more than {MAX_PARAGRAPHS:,} paragraphs, the per-document cap: "
        "not imported"
    )


class ImportBudget:
    """The characters one import has decoded so far, refused past :data:`MAX_IMPORT_CHARS`."""

    def __init__(self, limit: int = MAX_IMPORT_CHARS) -> None:
        self.limit = limit
        self.used = 0

    def take(self, chars: int, source: str) -> None:
        """Count ``chars`` more characters read from ``source``; raises past the cap."""
        self.used += chars
        if self.used > self.limit:
            raise WorkbenchError(
                f"this import would decode more than {self.limit:,} characters of text (the "
                f"cap per import) when it reaches {source}: nothing was imported; import the "
                "files in smaller groups"
            )
