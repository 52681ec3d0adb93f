"""Import files into a project: the one way in for ``workbench import`` and the workbench.

Two steps. :func:`read_files` reads and checks every file before the project changes (one bad
file and nothing is imported): transcripts (.txt, .md, .docx, .odt, .vtt, .srt) are decoded and
measured against the import's cap; exchange files (REFI-QDA .qdpx/.qdc, Taguette .sqlite3/.csv)
are only checked to exist, their importers read them. :func:`import_files` then adds it all as
one undoable step: the case and its attributes, the documents (their speakers' roles detected,
or the interviewer labels given), then the exchange files (a highlights CSV finds its documents
among the transcripts just added).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.core.model import Document
    from workbench.core.project import Project
    from workbench.io.transcript import ImportedText

REFI_SUFFIXES = (".qdpx", ".qdc")
TAGUETTE_SUFFIXES = (".sqlite3", ".sqlite", ".csv")


def is_exchange_file(path: Path) -> bool:
    """A REFI-QDA or Taguette file (rather than a transcript)."""
    return path.suffix.lower() in (*REFI_SUFFIXES, *TAGUETTE_SUFFIXES)


def is_taguette_file(path: Path) -> bool:
    """A Taguette export (a project .sqlite3, a highlights or codebook .csv)."""
    return path.suffix.lower() in TAGUETTE_SUFFIXES


@dataclass(slots=True)
class ImportPlan:
    """Files read and checked, ready to add: transcripts with their text, exchange files."""

    texts: list[tuple[Path, ImportedText]] = field(default_factory=list)
    exchange: list[Path] = field(default_factory=list)
    case: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    interviewers: list[str] = field(default_factory=list)

    @property
    def taguette(self) -> list[Path]:
        """The Taguette files among the exchange files."""
        return [p for p in self.exchange if is_taguette_file(p)]


@dataclass(slots=True)
class Imported:
    """What an import added: the documents (in the order of their files, with what was read
    of each), the summaries of the exchange files, the speakers found in each document."""

    documents: list[Document]
    texts: list[ImportedText]
    summaries: list[Any]  # each with ``lines()``: what the exchange importer says it did
    speakers: dict[str, list[tuple[str, str, int]]]


def read_files(
    files: Iterable[str | Path],
    *,
    case: str | None = None,
    attributes: Mapping[str, str] | None = None,
    encoding: str | None = None,
    follow_symlinks: bool = False,
    interviewers: Iterable[str] = (),
) -> ImportPlan:
    """Read and check every file (nothing in a project changes): raises
    :class:`WorkbenchError` naming the first file that cannot be imported."""
    from workbench.io.importers import check_link, read_transcript
    from workbench.io.transcript import ImportBudget

    case = (case or "").strip() or None
    attributes = dict(attributes or {})
    if attributes and case is None:
        raise WorkbenchError("attributes belong to a case: give the case a name")
    plan = ImportPlan(case=case, attributes=attributes,
                      interviewers=[label.strip() for label in interviewers if label.strip()])
    budget = ImportBudget()
    for name in files:
        path = Path(name)
        check_link(path, follow=follow_symlinks)
        if is_exchange_file(path):
            if not path.is_file():
                raise WorkbenchError(f"{path} does not exist")
            plan.exchange.append(path)
            continue
        try:
            imported = read_transcript(path, encoding, follow_symlinks=follow_symlinks)
        except OSError as exc:
            raise WorkbenchError(f"cannot read {path}: {exc.strerror or exc}") from None
        if not imported.text.strip():
            raise WorkbenchError(f"{path} contains no text")
        budget.take(len(imported.text), str(path))
        plan.texts.append((path, imported))
    check_interviewers(plan.interviewers, [imported for _, imported in plan.texts])
    return plan


def check_interviewers(labels: list[str], imported: list[ImportedText]) -> None:
    """Every interviewer label given must start turns in at least one of the files."""
    from workbench.core.turns import relabel

    if not labels:
        return
    found: set[str] = set()
    for item in imported:
        paragraphs = relabel(item.text, item.paragraphs, labels)
        found.update(p.speaker for p in paragraphs if p.speaker)
    missing = [label for label in labels if label not in found]
    if missing:
        shown = ", ".join(sorted(found)) or "none"
        raise WorkbenchError(
            f"--interviewer {missing[0]!r}: no turn in the files starts with that label "
            f"(their labels: {shown}); nothing was imported"
        )


def import_files(
    project: Project, plan: ImportPlan, *, coder: str = "", tag_separator: str | None = None
) -> Imported:
    """Add what :func:`read_files` read to ``project`` as one undoable step.

    ``coder`` and ``tag_separator`` shape Taguette files (the coder of their highlights, what
    separates the parts of a tag path; ``None``: ``/``, ``""``: tags kept whole). A document
    name already in the project, or two files giving one name, is refused and nothing changes.
    """
    from workbench.io.refi import import_refi
    from workbench.io.taguette import import_taguette

    seen: dict[str, Path] = {}
    for path, imported in plan.texts:
        if imported.name in seen:
            raise WorkbenchError(
                f"{seen[imported.name]} and {path} would both be named {imported.name!r}; "
                "rename one of the files"
            )
        if project.documents.by_name(imported.name) is not None:
            raise WorkbenchError(
                f"a document named {imported.name!r} is already in the project ({path} not "
                "imported; nothing was imported)"
            )
        seen[imported.name] = path
    names = [imported.name for _, imported in plan.texts] + [p.name for p in plan.exchange]
    if not names:
        raise WorkbenchError("no files to import")
    label = f"import {names[0]}" if len(names) == 1 else f"import {len(names)} files"
    with project.change(label):
        if plan.case and plan.texts:
            project.cases.set(plan.case, plan.attributes)
        documents = [
            project.documents.add(
                imported.name,
                imported.text,
                source=imported.source or path.name,
                paragraphs=imported.paragraphs or None,
                case=plan.case,
                interviewers=plan.interviewers,
            )
            for path, imported in plan.texts
        ]
        summaries = [
            import_taguette(project, path, coder=coder,
                            tag_separator="/" if tag_separator is None else tag_separator)
            if is_taguette_file(path) else import_refi(project, path)
            for path in plan.exchange
        ]
    speakers = {doc.id: project.documents.speakers(doc) for doc in documents}
    return Imported(documents, [imported for _, imported in plan.texts], summaries, speakers)
