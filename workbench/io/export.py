"""The one way out of a project: every export, from the command line and from the workbench.

:func:`export` writes a write-up (md, docx, html), the coded segments as a table (csv) or a
workbook (xlsx), a REFI-QDA file (qdpx, qdc), the codebook as a table (codebook-csv: Taguette's
codebook import and spreadsheets read it) or a copy of the project file, and returns what it
wrote as an :class:`Exported`: the file, a headline, warnings (an encrypted project exported as
plain text says so, and so does a text cut to fit a spreadsheet cell) and the counts scripts
read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.store.atomic import Target, is_stream

if TYPE_CHECKING:
    from workbench.core.project import Project

WRITEUP_FORMATS = ("md", "docx", "html", "csv", "xlsx")
REFI_FORMATS = ("qdpx", "qdc")
#: A copy of the project file itself (unsaved changes and undo history included).
COPY_FORMAT = "json"
#: The codebook as a table (Taguette's codebook import, spreadsheets).
CODEBOOK_CSV = "codebook-csv"
FORMATS = (*REFI_FORMATS, *WRITEUP_FORMATS, CODEBOOK_CSV)


@dataclass(slots=True)
class Exported:
    """What an export wrote: the file, a headline, warnings, and counts for ``--json``."""

    path: Path
    format: str
    headline: str
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """What ``export --json`` prints."""
        return {"path": str(self.path), "format": self.format, **self.counts}


def export(
    project: Project,
    fmt: str,
    path: Target,
    *,
    attrs: Iterable[str] = (),
    themes: Iterable[str] | None = None,
    codes: Iterable[str] | None = None,
    **shape: Any,
) -> Exported:
    """Write ``project`` as ``fmt`` to ``path`` (mode 0600, atomically), or to the binary
    stream given (standard output, for ``-o -``; not for a copy of the project).

    ``attrs``, ``themes`` and ``codes`` shape a write-up, and so do ``title``, ``paper``,
    ``memos``, ``empty`` and ``excel`` (see :func:`workbench.io.writeup.export_writeup`); a
    REFI-QDA file or a copy always holds everything, so they are an error there.
    """
    fmt = fmt.lower().lstrip(".")
    if not is_stream(path):
        path = Path(path)  # type: ignore[arg-type]
    elif fmt == COPY_FORMAT:
        raise WorkbenchError("a copy of the project is written to a file, not to a stream")
    if fmt in REFI_FORMATS or fmt in (COPY_FORMAT, CODEBOOK_CSV):
        if attrs or themes or codes or any(v not in (None, False, "") for v in shape.values()):
            whole = "project" if fmt not in ("qdc", CODEBOOK_CSV) else "codebook"
            raise WorkbenchError(
                f"--attrs, --theme, --code and the write-up options shape a write-up "
                f"({', '.join(WRITEUP_FORMATS)}); a {fmt} file always holds the whole {whole}"
            )
    if fmt == COPY_FORMAT:
        exported = _copy(project, path)
    elif fmt in REFI_FORMATS:
        exported = _refi(project, fmt, path)
    elif fmt == CODEBOOK_CSV:
        exported = _codebook_csv(project, path)
    elif fmt in WRITEUP_FORMATS:
        exported = _writeup(project, fmt, path, attrs=attrs, themes=themes, codes=codes,
                            **shape)
    else:
        known = ", ".join((*FORMATS, COPY_FORMAT))
        raise WorkbenchError(f"unknown export format {fmt!r} (known: {known})")
    if project.encrypted:
        exported.warnings.append(
            f"{project.path.name} is encrypted but {exported.path.name} is not: it is plain "
            "text (readable only by you); keep it safe and delete it when done"
        )
    return exported


def _writeup(project: Project, fmt: str, path: Target, **shape: Any) -> Exported:
    from workbench.io.writeup import export_writeup

    result = export_writeup(project, fmt, path, **shape)
    rows = "rows" if result.format in ("csv", "xlsx") else "quotes"
    codes = f"{result.codes} code{'s' if result.codes != 1 else ''}"
    private = "" if is_stream(path) else "; readable only by you"
    return Exported(
        result.path,
        result.format,
        f"wrote {result.path} ({result.format}: {result.quotes} {rows} from {codes}{private})",
        warnings=list(result.notes),
        counts={"codes": result.codes, "segments": result.quotes},
    )


def _refi(project: Project, fmt: str, path: Target) -> Exported:
    from workbench.io import refi

    writer = refi.export_qdpx if fmt == "qdpx" else refi.export_qdc
    summary = writer(project, path)
    counts = summary.to_json()
    counts.pop("path", None)
    counts.pop("format", None)
    warnings = counts.pop("warnings", [])
    return Exported(summary.path, fmt, summary.lines()[0], list(warnings), counts)


def _codebook_csv(project: Project, path: Target) -> Exported:
    from workbench.io.codebook_csv import export_codebook_csv

    written, count = export_codebook_csv(project, path)
    private = "" if is_stream(path) else "; readable only by you"
    return Exported(written, CODEBOOK_CSV, f"wrote {written} (codebook-csv: {count} "
                    f"code{'s' if count != 1 else ''}{private})", counts={"codes": count})


def _copy(project: Project, path: Path) -> Exported:
    """The project file as it is in memory, unsaved changes included, written to ``path``
    (encrypted again when the project is): the way out when the project's disk is full."""
    if path.resolve() == project.path.resolve():
        raise WorkbenchError("that is the project file itself: choose another place")
    size = project.save_copy(path)
    return Exported(path, COPY_FORMAT, f"saved a copy of the project ({size:,} bytes)")
