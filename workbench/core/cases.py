"""Cases (respondents) of a project and their attributes."""

from __future__ import annotations

import dataclasses
import re

from workbench.clock import now
from workbench.core.model import Case, Document, new_id
from workbench.core.records import RecordTable
from workbench.errors import WorkbenchError


class Cases(RecordTable[Case]):
    """The cases of a project by id: attributes, and which documents belong to which case."""

    table = "cases"

    def all(self) -> list[Case]:
        """Every case, by name."""
        return sorted(self._records.values(), key=lambda c: _natural(c.name))

    def named(self, name: str) -> Case:
        """A case by name or id."""
        found = self._state.case_by_name.get(name) or self._records.get(name)
        if found is None:
            raise WorkbenchError(f"no case named {name!r}")
        return found

    def of(self, document: Document) -> Case | None:
        """The case a document belongs to, if any."""
        return self._records.get(document.case) if document.case else None

    def by_name(self, name: str) -> Case | None:
        """The case with exactly this name, or ``None``."""
        return self._state.case_by_name.get(name)

    def set(self, name: str, attributes: dict[str, str]) -> Case:
        """Create the case if new and set its attributes (an empty value removes one)."""
        name = name.strip()
        if not name:
            raise WorkbenchError("a case needs a name")
        with self.change(f"case {name}"):
            case = self._state.case_by_name.get(name) or Case(new_id(), name, {}, now())
            merged = dict(case.attributes)
            for key, value in attributes.items():
                key = key.strip()
                if not key:
                    raise WorkbenchError("an attribute needs a name (KEY=VALUE)")
                if value == "":
                    merged.pop(key, None)
                else:
                    merged[key] = value
            if merged != case.attributes or case.id not in self._records:
                self._state.put("cases", dataclasses.replace(case, attributes=merged))
        return self._state.case_by_name[name]

    def rename(self, case: Case, new_name: str) -> Case:
        """Give a case a new (unique) name; its documents, attributes and memos stay with it."""
        case = self.current(case)
        new_name = new_name.strip()
        if not new_name:
            raise WorkbenchError("a case needs a name")
        clash = self._state.case_by_name.get(new_name)
        if clash is not None and clash.id != case.id:
            raise WorkbenchError(f"a case named {new_name!r} is already in the project")
        if new_name == case.name:
            return case
        renamed = dataclasses.replace(case, name=new_name)
        with self.change(f"rename case {case.name} to {new_name}"):
            self.put(renamed)
        return renamed

    def remove(self, case: Case) -> None:
        """Take a case out with its attributes and the memos on it (one undoable step). Its
        documents must have been removed or moved to another case first."""
        case = self.current(case)
        held = list(self._state.documents_by_case.get(case.id, {}).values())
        if held:
            names = ", ".join(sorted(d.name for d in held))
            raise WorkbenchError(f"the case {case.name!r} still has documents ({names})")
        with self.change(f"remove case {case.name}"):
            for memo in list(self._state.memos_by_target.get(("case", case.id), {}).values()):
                self._state.remove("memos", memo.id)
            self.drop(case.id)


def split_attribute(text: str, separators: str = ":=") -> tuple[str, str] | None:
    """``key: value`` (or ``key = value``) as ``(key, value)``, both stripped, cut at the first
    of ``separators`` that is not the first character; ``None`` when there is no such cut."""
    cuts = [i for i in map(text.find, separators) if i > 0]
    if not cuts:
        return None
    cut = min(cuts)
    return text[:cut].strip(), text[cut + 1:].strip()


def parse_attributes(text: str) -> dict[str, str]:
    """Case attributes written one a line as ``key: value`` (or ``key = value``); blank lines
    and lines starting with ``#`` are skipped. A line without a key or a value, and a key given
    twice, are errors naming the line."""
    out: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        shown = line if len(line) <= 30 else line[:29] + "…"
        found = split_attribute(line)
        if found is None or not found[0]:
            raise WorkbenchError(
                f"line {number} (“{shown}”): write each attribute as `key: value`, "
                "e.g. `city: Almaty`"
            )
        key, value = found
        if not value:
            raise WorkbenchError(
                f"line {number}: “{key}” has no value (delete the line to remove it)"
            )
        if key in out:
            raise WorkbenchError(f"line {number}: “{key}” is given twice")
        out[key] = value
    return out


def _natural(name: str) -> tuple:
    """Sort key that puts "Respondent 2" before "Respondent 10"."""

    return tuple(int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", name))
