"""What every transcript importer returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.core.model import Paragraph


@dataclass(slots=True)
class ImportedText:
    """A transcript read from a file: normalised text (SPEC §2) and its paragraphs (turns)."""

    name: str  # the document name: the file's stem
    text: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    source: str = ""  # the file's name, without folders
