"""What an export wrote and what an import brought in (or could not), ready to print."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


@dataclass
class ExportSummary:
    """Counts of what an export wrote, and warnings for the user."""

    path: Path
    format: str  # "qdpx" | "qdc"
    documents: int = 0
    codes: int = 0
    codings: int = 0
    cases: int = 0
    memos: int = 0
    users: int = 0
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One headline, then one ``warning:`` line each."""
        if self.format == "qdc":
            head = f"wrote {self.path.name}: REFI-QDA codebook with {_plural(self.codes, 'code')}"
        else:
            parts = [
                _plural(self.documents, "document"),
                _plural(self.codes, "code"),
                _plural(self.codings, "coding"),
                _plural(self.cases, "case"),
                _plural(self.memos, "memo"),
            ]
            head = f"wrote {self.path.name}: REFI-QDA project with " + ", ".join(parts)
        return [head, *(f"warning: {w}" for w in self.warnings)]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary (``--json``)."""
        out = asdict(self)
        out["path"] = str(self.path)
        return out


@dataclass
class ImportSummary:
    """Counts of what an import brought in; what it changed on the way; what it left out.

    ``changed`` lists things brought over in another form (a renamed document, a merged code,
    a memo moved to the document, positions read in another unit or clamped); ``skipped`` lists
    every element or position that could not be brought over.
    """

    source: str  # the imported file's name
    kind: str  # "project" | "codebook" (REFI-QDA); "taguette" | "highlights" (Taguette)
    origin: str  # the producer the file names
    documents: int = 0
    codes: int = 0  # new codes
    codes_merged: int = 0  # codes of the file that were already in the project
    codings: int = 0
    cases: int = 0  # new cases
    attributes: int = 0  # attribute values set
    memos: int = 0
    changed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def headline(self) -> str:
        """``imported X (from ORIGIN): 3 documents, ...``."""
        origin = f" (from {self.origin})" if self.origin else ""
        parts = []
        if self.kind in ("project", "taguette"):
            parts.append(_plural(self.documents, "document"))
        codes = _plural(self.codes, "new code")
        if self.codes_merged:
            codes += f" ({self.codes_merged} already there)"
        parts.append(codes)
        if self.kind != "codebook":
            parts.append(_plural(self.codings, "coding"))
        if self.kind == "project":
            parts += [_plural(self.cases, "new case"),
                      _plural(self.attributes, "attribute value")]
        if self.kind in ("project", "taguette"):
            parts.append(_plural(self.memos, "memo"))
        return f"imported {self.source}{origin}: " + ", ".join(parts)

    def lines(self, limit: int | None = None) -> list[str]:
        """Lines for the terminal: the headline, ``note:`` lines, ``not brought over:`` lines.

        With ``limit``, at most that many lines of each kind, then ``... and N more``.
        """
        out = [self.headline()]
        for prefix, items in (("note", self.changed), ("not brought over", self.skipped)):
            shown = items if limit is None else items[:limit]
            out += [f"{prefix}: {item}" for item in shown]
            if len(items) > len(shown):
                out.append(f"{prefix}: ... and {len(items) - len(shown)} more")
        return out

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary (``--json``)."""
        return asdict(self)
