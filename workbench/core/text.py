"""Text normalisation, offsets and the one routine that moves spans when text changes.

Offsets count Unicode code points over normalised text and are half-open, so the
text of a span is exactly ``text[start:end]``.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.printable import undecodable, visible  # noqa: F401  (part of this API)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


#: Control characters no transcript keeps: C0 but tab, line feed and carriage return (line
#: breaks are handled apart), DEL and C1. A terminal obeys them (ESC starts a command).
CONTROLS = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")
#: Of those, the ones that break a line (vertical tab, form feed, NEL): they become LF.
_LINE_CONTROLS = frozenset("\x0b\x0c\x85")


def normalise(text: str) -> str:
    """Drop control characters and a leading BOM, turn CRLF and CR into LF, compose to NFC.

    Control characters (:data:`CONTROLS`) are dropped, except vertical tab, form feed and NEL,
    which break a line and become LF; tab and line feed stay. Every leading BOM goes (a file
    saved twice by BOM-adding tools has two), so the result never starts with one and
    normalising again changes nothing. Text without controls normalises exactly as it always
    did, so no stored offset moves.
    """
    text = text.lstrip("\ufeff")
    if CONTROLS.search(text) is not None:
        text = drop_controls(text).lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def drop_controls(text: str) -> str:
    """``text`` without :data:`CONTROLS`; those that break a line become LF."""
    return CONTROLS.sub(lambda m: "\n" if m.group() in _LINE_CONTROLS else "", text)


def count_controls(text: str) -> int:
    """How many control characters :func:`normalise` drops or turns into line breaks."""
    return sum(1 for _ in CONTROLS.finditer(text))


def decode(data: bytes, encoding: str | None = None, *, source: str = "input") -> str:
    """Decode bytes: BOM-marked UTF-8/UTF-16, plain UTF-8, or ``encoding``.

    Raises :class:`WorkbenchError` naming ``--encoding`` when the bytes are none of these.
    The result is not yet normalised.
    """
    if encoding:
        try:
            codec = encoding.strip().lower()
            text = data.decode(codec)
        except LookupError:
            raise WorkbenchError(f"unknown encoding {encoding!r} for {source}") from None
        except UnicodeDecodeError as exc:
            raise WorkbenchError(
                f"{source} is not valid {encoding} (byte {exc.start}); "
                "name the right encoding with --encoding"
            ) from None
        return text
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise WorkbenchError(
                    f"{source} starts with a {codec} byte-order mark but is not valid {codec} "
                    f"(byte {exc.start + len(bom)}); name its encoding with --encoding, "
                    "e.g. --encoding cp1251"
                ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WorkbenchError(
            f"{source} is not UTF-8 or UTF-16 text (bad byte at {exc.start}); name its "
            "encoding with --encoding, e.g. --encoding cp1251"
        ) from None


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NUL bytes outside a UTF-16 BOM-marked file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in data[:65536]


def line_starts(text: str) -> list[int]:
    """Offsets at which each line begins (line 0 starts at 0)."""
    starts = [0]
    find = text.find
    pos = find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


def line_of(starts: Sequence[int], offset: int) -> int:
    """The 0-based line that holds ``offset``, given :func:`line_starts`."""
    return bisect.bisect_right(starts, offset) - 1


# --------------------------------------------------------------------------- span moving


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``old[start:end]`` with ``replacement``; offsets are in the old text."""

    start: int
    end: int
    replacement: str


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (sorted by start) to ``text``."""
    parts: list[str] = []
    pos = 0
    for edit in edits:
        if edit.start < pos or edit.end < edit.start or edit.end > len(text):
            raise ValueError(f"edits overlap or fall outside the text: {edit}")
        parts.append(text[pos : edit.start])
        parts.append(edit.replacement)
        pos = edit.end
    parts.append(text[pos:])
    return "".join(parts)


def diff_edits(old: str, new: str) -> list[Edit]:
    """The edits that turn ``old`` into ``new``: line diff first, characters within changes.

    Characters are compared only within a line and the line it became. When several lines were
    replaced by several others, each new line is paired with the most alike old line (in order);
    lines left unpaired count as deleted and inserted whole, so a span never lands on unrelated
    characters of a neighbouring line (a moved paragraph is then found again by ``move_span``).
    """
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    old_starts = _cumulative(old_lines)
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if (i2 - i1, j2 - j1) == (1, 1):
            pairs = [(i1, j1)]  # one line became another: compare their characters
        elif i1 == i2 or j1 == j2 or (i2 - i1) * (j2 - j1) > _PAIRING_LIMIT:
            pairs = []
        else:
            pairs = [
                (i1 + i, j1 + j) for i, j in _similar_lines(old_lines[i1:i2], new_lines[j1:j2])
            ]
        i, j = i1, j1
        for pi, pj in [*pairs, (i2, j2)]:
            # lines i..pi were replaced by lines j..pj with nothing alike among them
            o_start, o_end = old_starts[i], old_starts[pi]
            inserted = "".join(new_lines[j:pj])
            if o_start < o_end:
                edits.append(Edit(o_start, o_end, ""))
            if inserted:
                edits.append(Edit(o_end, o_end, inserted))
            if pi < i2:
                edits.extend(_char_edits(old_lines[pi], new_lines[pj], old_starts[pi]))
            i, j = pi + 1, pj + 1
    return edits


#: Lines that are at least this alike (difflib ratio) count as one line edited.
_LINE_CUTOFF = 0.6
#: Above this many (old line, new line) pairs in one replaced stretch, no pairing is tried.
_PAIRING_LIMIT = 2500


def _similar_lines(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """In-order pairs (old index, new index) of alike lines with the greatest total likeness."""
    sim: dict[tuple[int, int], float] = {}
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j, b in enumerate(new):
        matcher.set_seq2(b)
        for i, a in enumerate(old):
            matcher.set_seq1(a)
            if matcher.real_quick_ratio() >= _LINE_CUTOFF and matcher.quick_ratio() >= _LINE_CUTOFF:
                ratio = matcher.ratio()
                if ratio >= _LINE_CUTOFF:
                    sim[i, j] = ratio
    if not sim:
        return []
    n, m = len(old), len(new)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            score = max(best[i + 1][j], best[i][j + 1])
            if (i, j) in sim:
                score = max(score, sim[i, j] + best[i + 1][j + 1])
            best[i][j] = score
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if (i, j) in sim and best[i][j] == sim[i, j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _cumulative(lines: Sequence[str]) -> list[int]:
    out = [0]
    for line in lines:
        out.append(out[-1] + len(line))
    return out


def _char_edits(old: str, new: str, base: int) -> Iterable[Edit]:
    if not old or not new or len(old) * len(new) > 4_000_000:
        yield Edit(base, base + len(old), new)
        return
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            yield Edit(base + i1, base + i2, new[j1:j2])


def map_offset(offset: int, edits: Sequence[Edit], *, side: str) -> int:
    """Where ``offset`` of the old text lands in the new text.

    ``side`` says which way an offset that sits on an insertion point goes: ``"start"`` offsets
    stay after text inserted exactly there (the inserted text is outside a span that begins
    there), ``"end"`` offsets stay before it.
    """
    shift = 0
    for edit in edits:
        if offset < edit.start or (
            offset == edit.start and side == "end" and edit.end > edit.start
        ):
            break
        if offset == edit.start and edit.end == edit.start:
            if side == "end":
                break
            shift += len(edit.replacement)
            continue
        if offset < edit.end:  # strictly inside a replaced stretch
            return edit.start + shift + (len(edit.replacement) if side == "end" else 0)
        shift += len(edit.replacement) - (edit.end - edit.start)
    return offset + shift


@dataclass(frozen=True, slots=True)
class MovedSpan:
    """The result of moving one span: its new place, or ``None`` when it could not be kept."""

    start: int | None
    end: int | None
    status: str  # "kept" | "changed" | "reanchored" | "lost"


def move_span(
    start: int, end: int, covered: str, edits: Sequence[Edit], new_text: str
) -> MovedSpan:
    """Move the span ``[start, end)`` that covered ``covered`` through ``edits``.

    - ``kept``: the span moved and still covers exactly the same text;
    - ``changed``: part of the covered text was edited; the span covers what is left of it;
    - ``reanchored``: the covered text was removed where it was but stands once elsewhere in the
      new text (a moved paragraph), and the span follows it there;
    - ``lost``: the covered text is gone; the caller must report it, never drop it silently.
    """
    new_start = map_offset(start, edits, side="start")
    new_end = max(new_start, map_offset(end, edits, side="end"))
    if new_text[new_start:new_end] == covered:
        return MovedSpan(new_start, new_end, "kept")
    if new_text[new_start:new_end].strip():
        return MovedSpan(new_start, new_end, "changed")
    if covered.strip():
        spot = _unique(new_text, covered)
        if spot is not None:
            return MovedSpan(spot, spot + len(covered), "reanchored")
    return MovedSpan(None, None, "lost")


def _unique(text: str, needle: str) -> int | None:
    """The offset of ``needle`` in ``text`` when it occurs exactly once, else ``None``."""
    first = text.find(needle)
    if first == -1 or text.find(needle, first + 1) != -1:
        return None
    return first
