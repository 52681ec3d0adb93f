"""A code's description and its criteria (inclusion, exclusion, example) as one text.

Exchange formats have one description per code, so the criteria travel in it as labelled lines:

    Friends who brought the respondent to a first meeting.

    Inclusion: a named person from private life
    Exclusion: organisations
    Example: "my friend A. took me along"

:func:`compose_description` writes that form and :func:`parse_description` reads exactly what it
wrote. :func:`read_description` reads any tool's description: our form first, else labelled
lines in the words people use in English or Russian ("Inclusion criteria:", "Include:",
"Критерии включения:", "Пример:", ...), with a bullet or bold marks around the label or not.
"""

from __future__ import annotations

import re

FIELDS = ("inclusion", "exclusion", "example")
#: the labels we write, in the order we write them
CRITERIA = (("inclusion", "Inclusion"), ("exclusion", "Exclusion"), ("example", "Example"))
_LABELS = {label: field for field, label in CRITERIA}
_CRITERIA_START = re.compile(r"(?:\A|\n\n)(?=(?:Inclusion|Exclusion|Example): )")

#: labels read in any file (lower case), English and Russian; our write-ups say Include/Exclude
LABELS_READ = {
    "inclusion": (
        "inclusion", "inclusion criteria", "inclusion criterion", "include", "includes",
        "when to use", "включение", "критерии включения", "критерий включения", "включать",
    ),
    "exclusion": (
        "exclusion", "exclusion criteria", "exclusion criterion", "exclude", "excludes",
        "when not to use", "исключение", "критерии исключения", "критерий исключения",
        "исключать", "не включать",
    ),
    "example": ("example", "examples", "пример", "примеры", "пример цитаты", "примеры цитат"),
}
_FIELD_OF = {label: field for field, labels in LABELS_READ.items() for label in labels}
_LABELLED = re.compile(
    r"^[ \t]*(?:[-*•–][ \t]+)?(?:\*\*|__)?[ \t]*"
    r"(?P<label>[^\W\d_][^\W\d_ \t]*(?:[ \t]+[^\W\d_]+){0,3})"
    r"[ \t]*(?:\*\*|__)?[ \t]*[:：][ \t]*(?:\*\*|__)?[ \t]*(?P<rest>.*)$"
)


def compose_description(
    description: str, inclusion: str = "", exclusion: str = "", example: str = ""
) -> str:
    """A code's description and criteria as one Description text.

    The criteria follow the description after a blank line, one ``Label: value`` line each
    (``Inclusion:``, ``Exclusion:``, ``Example:``); further lines of a value are indented by two
    spaces, so :func:`parse_description` gets every field back exactly.
    """
    values = {"inclusion": inclusion, "exclusion": exclusion, "example": example}
    block = [
        f"{label}: " + values[field].replace("\n", "\n  ")
        for field, label in CRITERIA
        if values[field]
    ]
    if not block:
        return description
    criteria = "\n".join(block)
    return f"{description}\n\n{criteria}" if description else criteria


def parse_description(text: str) -> dict[str, str]:
    """The fields :func:`compose_description` wrote: description, inclusion, exclusion, example."""
    for match in _CRITERIA_START.finditer(text):
        fields = _parse_ours(text[match.end():])
        if fields is not None:
            return {"description": text[: match.start()], **fields}
    return {"description": text, "inclusion": "", "exclusion": "", "example": ""}


def read_description(text: str) -> dict[str, str]:
    """The description and criteria of any tool's description text.

    Our own form comes back exactly. Otherwise, from the first line that starts with a known
    label ("Inclusion:", "Критерии исключения:", "- **Example:** ...") on, each labelled line
    starts a criterion and the lines after it continue it; the text before is the description.
    A label seen twice adds to its criterion. Text without such lines is all description.
    """
    ours = parse_description(text)
    if any(ours[f] for f in FIELDS):
        return ours
    lines = text.split("\n")
    found: dict[str, list[str]] = {}
    head: list[str] = []
    current: list[str] | None = None
    for line in lines:
        field = _label_of(line)
        if field is not None:
            current = found.setdefault(field[0], [])
            current.append(field[1])
        elif current is None:
            head.append(line)
        else:
            current.append(line)
    if not found:
        return {"description": text, "inclusion": "", "exclusion": "", "example": ""}
    out = {"description": "\n".join(head).strip()}
    for field in FIELDS:
        out[field] = _dedent("\n".join(found.get(field, []))).strip()
    return out


def _label_of(line: str) -> tuple[str, str] | None:
    """(field, rest of the line) when ``line`` starts with a known criterion label."""
    match = _LABELLED.match(line)
    if match is None:
        return None
    label = re.sub(r"[ \t]+", " ", match.group("label")).casefold()
    field = _FIELD_OF.get(label)
    return None if field is None else (field, match.group("rest").rstrip())


def _dedent(value: str) -> str:
    """A criterion without the indent its continuation lines share."""
    lines = value.split("\n")
    rest = [line for line in lines[1:] if line.strip()]
    if not rest:
        return value
    indent = min(len(line) - len(line.lstrip(" \t")) for line in rest)
    return "\n".join([lines[0], *(line[indent:] if line.strip() else "" for line in lines[1:])])


def _parse_ours(block: str) -> dict[str, str] | None:
    """The criteria of a block, or ``None`` when the block is not exactly what we write."""
    found: dict[str, list[str]] = {}
    order = [label for _, label in CRITERIA]
    last = -1
    current: list[str] | None = None
    for line in block.split("\n"):
        label, sep, rest = line.partition(": ")
        if sep and label in _LABELS and order.index(label) > last:
            last = order.index(label)
            current = found.setdefault(_LABELS[label], [])
            current.append(rest)
        elif current is not None and line.startswith("  "):
            current.append(line[2:])
        else:
            return None
    if not found:
        return None
    out = {field: "\n".join(found.get(field, [])) for field, _ in CRITERIA}
    if any(field in found and not out[field] for field, _ in CRITERIA):
        return None  # we never write an empty criterion
    return out
