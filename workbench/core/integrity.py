"""Integrity check of a project: every invariant the rest of the code relies on.

:func:`check_data` reads the tables as they are stored (plain dictionaries), so it also finds
damage that would stop a project from loading; :func:`check_project` checks an open project.
Both return one readable sentence per problem, and an empty list when the project is sound.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from workbench.core.model import (
    RECORD_TYPES,
    TARGET_KINDS,
    TARGET_TABLES,
    from_record,
    record_problem,
)
from workbench.core.turns import check_roles
from workbench.store.fileformat import SCHEMA_VERSION

if TYPE_CHECKING:
    from workbench.core.project import Project

Data = dict[str, Any]


def check_project(project: Project) -> list[str]:
    """The problems of an open project (its records in memory)."""
    return check_data(project.to_data())


def check_data(data: Data) -> list[str]:
    """The problems of a project file's parsed tables (``{table: {id: record}}``).

    Total: whatever the file holds, this returns (a check that cannot go on says so as its
    last problem) and never raises.
    """
    if not isinstance(data, dict):
        return ["the project file is not a JSON object of tables"]
    problems: list[str] = []
    try:
        _check_all(data, problems)
    except Exception as exc:  # a shape no check foresaw: report it, never crash
        problems.append(f"the check could not go on ({type(exc).__name__}: {exc})")
    return problems


def _check_all(data: Data, problems: list[str]) -> None:
    schema_problem = _check_schema(data)
    if schema_problem:
        problems.append(schema_problem)  # the rest of a file we cannot read is not ours to judge
        return
    tables = {table: _well_formed(data, table, problems) for table in RECORD_TYPES}
    docs, cases, codes = tables["documents"], tables["cases"], tables["codes"]

    _unique_names(docs, "document", problems)
    _unique_names(cases, "case", problems)
    for doc in docs.values():
        label = f"document {doc['name']!r}"
        if not str(doc["name"]).strip():
            problems.append(f"document {doc['id']} has an empty name")
        if doc.get("case") is not None and doc["case"] not in cases:
            problems.append(f"{label} belongs to a case that does not exist ({doc['case']})")
        roles = doc.get("roles", {})
        problem = check_roles(roles) if isinstance(roles, dict) else "they are not a table"
        if problem:
            problems.append(f"{label} has speaker roles that are not valid: {problem}")
        size = len(doc["text"])
        for n, para in enumerate(doc.get("paragraphs") or []):
            start, end = para.get("start"), para.get("end")
            if not (_is_int(start) and _is_int(end) and 0 <= start <= end <= size):
                problems.append(f"{label}: paragraph {n + 1} ({start}:{end}) is outside its text")
    for case in cases.values():
        attrs = case.get("attributes") or {}
        if not isinstance(attrs, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()
        ):
            problems.append(f"case {case['name']!r} has attributes that are not text")

    _check_codes(codes, problems)
    _check_codings(tables["codings"], docs, codes, problems)
    for memo in tables["memos"].values():
        kind, target = memo.get("target_kind"), memo.get("target_id")
        if kind not in TARGET_KINDS:
            problems.append(f"memo {memo['id']} has an unknown target kind {kind!r}")
        elif kind == "project":
            if target is not None:
                problems.append(f"memo {memo['id']} on the project names a target id {target!r}")
        elif target not in tables[TARGET_TABLES[kind]]:
            problems.append(f"memo {memo['id']} is on a {kind} that does not exist ({target})")
    _check_history(data.get("history"), problems)


def summary(data: Data) -> str:
    """``7 documents, 3 cases, ...`` for the ``ok:`` line of ``workbench check``."""
    names = ("documents", "cases", "codes", "codings", "memos")
    counts = [(len(data.get(t) or {}), t) for t in names]
    parts = [f"{n} {table if n != 1 else table[:-1]}" for n, table in counts]
    schema = (data.get("meta") or {}).get("project", {}).get("schema")
    return ", ".join(parts) + f"; schema {schema}"


# --------------------------------------------------------------------------- pieces


def _check_schema(data: Data) -> str | None:
    meta = data.get("meta")
    project = meta.get("project") if isinstance(meta, dict) else None
    if not isinstance(project, dict):
        return "the project file has no meta.project record"
    version = project.get("schema")
    if not _is_int(version):
        return f"the schema version {version!r} is not a number"
    if version > SCHEMA_VERSION:
        return (
            f"the file has schema {version}, newer than this Workbench reads ({SCHEMA_VERSION}); "
            "upgrade Workbench"
        )
    if version < 1:
        return f"the schema version {version} is not valid"
    return None


def _well_formed(data: Data, table: str, problems: list[str]) -> dict[str, dict[str, Any]]:
    """The records of ``table`` that can be read, keyed by id; the rest become problems."""
    raw = data.get(table) or {}
    if not isinstance(raw, dict):
        problems.append(f"table {table!r} is not a table of records")
        return {}
    good: dict[str, dict[str, Any]] = {}
    for key, rec in raw.items():
        what = f"{table[:-1]} {key}"
        if not isinstance(rec, dict):
            problems.append(f"{what} is not a record")
            continue
        if rec.get("id") != key:
            problems.append(f"{what} is stored under a key that is not its id ({rec.get('id')!r})")
        problem = record_problem(table, rec)
        if problem:
            problems.append(f"{what} has a malformed field: {problem}")
            continue
        try:
            from_record(table, rec)
        except (TypeError, ValueError, KeyError) as exc:
            problems.append(f"{what} is missing fields or malformed ({exc})")
            continue
        good[key] = rec
    return good


def _unique_names(records: dict[str, dict[str, Any]], kind: str, problems: list[str]) -> None:
    counts = Counter(r["name"] for r in records.values())
    for name, n in sorted(counts.items()):
        if n > 1:
            problems.append(f"{n} {kind}s are named {name!r}; names must be unique")


def _check_codes(codes: dict[str, dict[str, Any]], problems: list[str]) -> None:
    for code in codes.values():
        name = code["name"]
        if not name.strip() or "/" in name:
            problems.append(f"code {code['id']} has an invalid name {name!r}")
        parent = code.get("parent")
        if parent is not None and parent not in codes:
            problems.append(f"code {name!r} has a parent that does not exist ({parent})")
    in_cycle: set[str] = set()
    for start in codes:
        seen: list[str] = []
        node: str | None = start
        while node is not None and node in codes and node not in seen:
            seen.append(node)
            node = codes[node].get("parent")
        if node is not None and node in seen and node not in in_cycle:
            loop = seen[seen.index(node):]
            in_cycle.update(loop)
            names = " > ".join(codes[c]["name"] for c in loop)
            problems.append(f"codes form a cycle of parents: {names}")
    siblings = Counter((c.get("parent"), c["name"]) for c in codes.values())
    for (parent, name), n in sorted(siblings.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        if n > 1:
            where = f"under {codes[parent]['name']!r}" if parent in codes else "at the top level"
            problems.append(f"{n} codes {where} are named {name!r}")


def _check_codings(
    codings: dict[str, dict[str, Any]],
    docs: dict[str, dict[str, Any]],
    codes: dict[str, dict[str, Any]],
    problems: list[str],
) -> None:
    for coding in codings.values():
        cid = coding["id"]
        doc = docs.get(coding["document"])
        if coding["code"] not in codes:
            problems.append(f"coding {cid} uses a code that does not exist ({coding['code']})")
        if doc is None:
            missing = coding["document"]
            problems.append(f"coding {cid} is on a document that does not exist ({missing})")
            continue
        start, end, text = coding["start"], coding["end"], doc["text"]
        if not 0 <= start < end <= len(text):
            problems.append(
                f"coding {cid} in {doc['name']!r} has span {start}:{end} outside 0:{len(text)}"
            )
        elif text[start:end] != coding["text"]:
            problems.append(
                f"coding {cid} in {doc['name']!r} at {start}:{end} stored {_clip(coding['text'])} "
                f"but the document has {_clip(text[start:end])} there"
            )


def _check_history(history: Any, problems: list[str]) -> None:
    if history is None:
        return
    if not isinstance(history, dict):
        problems.append("the history table is not a table of records")
        return
    seqs: Counter[int] = Counter()
    for key, entry in history.items():
        if not isinstance(entry, dict) or not _is_int(entry.get("seq")) or not isinstance(
            entry.get("records", []), list
        ):
            problems.append(f"history entry {key} is malformed")
            continue
        seqs[entry["seq"]] += 1
        for r in entry.get("records", []):
            table = r.get("table") if isinstance(r, dict) else None
            rec = r.get("record") if isinstance(r, dict) else None
            problem = (
                "a change of an unknown table" if table not in RECORD_TYPES
                else None if rec is None else record_problem(table, rec)
            )
            if problem:
                problems.append(f"history entry {key} ({entry.get('label')!r}) holds a damaged "
                                f"record: {problem}")
                break
    for seq, n in sorted(seqs.items()):
        if n > 1:
            problems.append(f"{n} history entries share the number {seq}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _clip(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
