"""Rebuild the bundled sample study, ``sample_project/project.json``, from its sources.

Sources (all beside this script):

- ``transcripts/*``: the interviews, read with the ordinary importer, in name order;
- ``data/cases.json``: the respondents, their attributes and which document is whose;
- ``data/codebook.json``: themes and codes with descriptions and criteria;
- ``data/codings-*.json``: codings given as exact quotes of the imported text;
- ``data/memos-*.json``: memos on the project, documents, cases, codes and codings.

Run from the repository root::

    python sample_project/build.py

A quote that is not in its document, or that occurs more than once without an
``"occurrence"`` (1-based), stops the build with the file, document and quote named.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT_NAME = "Activist trajectories (sample study)"
DEFAULT_CODER = "researcher"

try:
    import workbench  # noqa: F401
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(HERE.parent))

from workbench.core.model import Document  # noqa: E402
from workbench.core.project import Project  # noqa: E402
from workbench.errors import WorkbenchError  # noqa: E402
from workbench.io.importers import SUPPORTED_SUFFIXES, read_transcript  # noqa: E402


class BuildError(Exception):
    """A source file is wrong; the message names the file and what is wrong in it."""


def build(target: Path | None = None, *, source: Path = HERE) -> dict[str, int]:
    """Build the sample project from ``source`` into ``target`` (default ``source/project.json``).

    ``target`` may be a folder (then ``target/project.json``). An existing project file there and
    its backups are deleted first. Returns the counts of what was built.
    """
    source = Path(source)
    target = Path(target) if target is not None else source / "project.json"
    if target.is_dir() or target.suffix.lower() != ".json":
        target = target / "project.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in [target, *target.parent.glob(f"{target.name}.bak-*")]:
        old.unlink(missing_ok=True)

    data = source / "data"
    cases = _load(data / "cases.json")
    codebook = _load(data / "codebook.json")
    coding_files = sorted(data.glob("codings-*.json"))
    memo_files = sorted(data.glob("memos-*.json"))
    case_of_document = {c["document"]: c for c in cases}

    project = Project.create(target, name=PROJECT_NAME)
    try:
        for case in cases:
            project.cases.set(case["case"], dict(case.get("attributes", {})))
        for path in sorted((source / "transcripts").iterdir(), key=lambda p: p.name):
            if path.name.startswith(".") or path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            imported = read_transcript(path)
            case = case_of_document.get(imported.name)
            if case is None:
                raise BuildError(
                    f"{path.relative_to(source)}: no case in data/cases.json has "
                    f"\"document\": {imported.name!r}"
                )
            project.documents.add(
                imported.name,
                imported.text,
                source=imported.source,
                paragraphs=imported.paragraphs,
                case=case["case"],
            )
        _add_codebook(project, codebook)
        codings = 0
        for path in coding_files:
            for n, item in enumerate(_load(path), 1):
                _add_coding(project, item, f"{path.name} #{n}")
                codings += 1
        memos = 0
        for path in memo_files:
            for n, item in enumerate(_load(path), 1):
                _add_memo(project, item, f"{path.name} #{n}")
                memos += 1
        # The sample starts with a clean history: undo should not unpick the build.
        project.history.clear()
        project.save()
        counts = {
            "documents": len(project.documents.all()),
            "cases": len(project.cases.all()),
            "themes": sum(1 for c in project.codebook.all() if c.is_theme),
            "codes": sum(1 for c in project.codebook.all() if not c.is_theme),
            "codings": len(project.codings),
            "memos": len(project.memos),
        }
    except BaseException:
        if project.lock is not None:
            project.lock.release()
        target.unlink(missing_ok=True)
        raise
    project.close()
    for backup in target.parent.glob(f"{target.name}.bak-*"):
        backup.unlink()  # of the empty file the build started from: the sources are the backup
    return counts


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{path} is missing") from None
    except json.JSONDecodeError as exc:
        raise BuildError(f"{path} is not valid JSON: {exc}") from None


def _add_codebook(project: Project, codebook: dict[str, Any]) -> None:
    for theme in codebook["themes"]:
        node = project.codebook.add(theme["name"], is_theme=True)
        _describe(project, node, theme)
        for code in theme.get("codes", []):
            spec = {"name": code} if isinstance(code, str) else code
            child = project.codebook.add(f"{theme['name']}/{spec['name']}")
            _describe(project, child, spec)


def _describe(project: Project, code: Any, spec: dict[str, Any]) -> None:
    project.codebook.describe(
        code,
        description=spec.get("description"),
        inclusion=spec.get("inclusion"),
        exclusion=spec.get("exclusion"),
        example=spec.get("example"),
    )


def _span(project: Project, item: dict[str, Any], where: str) -> tuple[Document, int, int]:
    """The document and ``[start, end)`` of an item's quote; a missing or ambiguous quote fails."""
    try:
        document = project.documents.named(item["document"])
    except KeyError:
        raise BuildError(f"{where}: no \"document\" given") from None
    except WorkbenchError as exc:
        raise BuildError(f"{where}: {exc}") from None
    quote = item.get("quote", "")
    if not quote:
        raise BuildError(f"{where}: no \"quote\" given for {document.name}")
    text = document.text
    starts = []
    pos = text.find(quote)
    while pos != -1:
        starts.append(pos)
        pos = text.find(quote, pos + 1)
    occurrence = item.get("occurrence")
    if not starts:
        raise BuildError(f"{where}: quote not found in {document.name}: {quote!r}")
    if occurrence is None:
        if len(starts) > 1:
            raise BuildError(
                f"{where}: quote occurs {len(starts)} times in {document.name}; give "
                f"\"occurrence\" (1 to {len(starts)}) or a longer quote: {quote!r}"
            )
        start = starts[0]
    else:
        if not isinstance(occurrence, int) or not 1 <= occurrence <= len(starts):
            raise BuildError(
                f"{where}: \"occurrence\": {occurrence!r} but the quote occurs {len(starts)} "
                f"time(s) in {document.name}: {quote!r}"
            )
        start = starts[occurrence - 1]
    return document, start, start + len(quote)


def _code(project: Project, path: str, where: str) -> Any:
    code = project.codebook.at_path(path) if path else None
    if code is None:
        raise BuildError(f"{where}: no code {path!r} in data/codebook.json (use \"Theme/Code\")")
    return code


def _add_coding(project: Project, item: dict[str, Any], where: str) -> None:
    document, start, end = _span(project, item, where)
    code = _code(project, item.get("code", ""), where)
    project.codings.add(document, start, end, code, item.get("coder", DEFAULT_CODER))


def _add_memo(project: Project, item: dict[str, Any], where: str) -> None:
    text = item.get("text", "")
    author = item.get("author", DEFAULT_CODER)
    on = item.get("on", "")
    if on == "coding":
        document, start, end = _span(project, item, where)
        code = _code(project, item.get("code", ""), where)
        coder = item.get("coder")
        hits = [
            c
            for c in project.codings.of_document(document)
            if (c.start, c.end, c.code) == (start, end, code.id) and coder in (None, c.coder)
        ]
        if not hits:
            raise BuildError(
                f"{where}: no coding of {item.get('code')!r} on that quote in {document.name}: "
                f"{item.get('quote')!r}"
            )
        hits.sort(key=lambda c: c.coder != DEFAULT_CODER)
        kind, target_id = "coding", hits[0].id
    else:
        try:
            kind, target_id = project.memos.resolve_target(on)
        except WorkbenchError as exc:
            raise BuildError(f"{where}: {exc}") from None
    try:
        project.memos.add(kind, target_id, text, author)
    except WorkbenchError as exc:
        raise BuildError(f"{where}: {exc}") from None


def main() -> int:
    """Rebuild ``sample_project/project.json`` and print one line of counts."""
    try:
        counts = build()
    except (BuildError, WorkbenchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"built {HERE.name}/project.json: {counts['documents']} documents, "
        f"{counts['cases']} cases, "
        f"{counts['themes']} themes + {counts['codes']} codes, {counts['codings']} codings, "
        f"{counts['memos']} memos"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
