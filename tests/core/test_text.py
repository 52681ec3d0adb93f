"""Text normalisation, decoding, offsets and the span-moving routine."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from workbench.core.text import (
    Edit,
    apply_edits,
    decode,
    diff_edits,
    line_of,
    line_starts,
    map_offset,
    move_span,
    normalise,
)
from workbench.errors import WorkbenchError

# Small alphabets make repeats, boundaries and collisions likely; the odd ones are there on purpose:
# an astral emoji, a combining accent (composes under NFC), a combining dot with no precomposed
# form, Cyrillic, a BOM, CR and LF.
PIECES = [
    "a",
    "b",
    " ",
    "\n",
    "é",
    "e\u0301",
    "q\u0307",
    "😀",
    "👍🏽",
    "д",
    "Ж",
    "\r",
    "\r\n",
    "\ufeff",
]
messy_text = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
any_text = st.one_of(st.text(), messy_text)
plain = st.lists(
    st.sampled_from(["a", "b", "c", " ", "\n", "😀", "д", "q\u0307", "ab"]), max_size=40
)
plain_text = plain.map("".join)


# ----------------------------------------------------------------------------- normalise


@given(any_text)
@example("\ufeff\ufeffx")
@example("\r\r\n\n")
@settings(deadline=None)
def test_normalise_is_idempotent_nfc_without_cr_or_bom(text):
    once = normalise(text)
    assert normalise(once) == once
    assert "\r" not in once
    assert not once.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", once)


def test_normalise_examples():
    assert normalise("\ufeffa\r\nb\rc\n") == "a\nb\nc\n"
    assert normalise("e\u0301") == "é"
    assert normalise("\r\r\n") == "\n\n"  # CR then CRLF: two line breaks, not three
    assert normalise("a\ufeffb") == "a\ufeffb"  # only a leading BOM is a BOM


# ----------------------------------------------------------------------------- decode


@given(any_text)
@settings(deadline=None)
def test_decode_round_trips_every_bom_encoding(text):
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode(b"\xff\xfe" + text.encode("utf-16-le")) == text
    assert decode(b"\xfe\xff" + text.encode("utf-16-be")) == text
    assert decode(text.encode("utf-16")) == text  # Python's own BOM + native order


@given(any_text)
@settings(deadline=None)
def test_decode_plain_utf8(text):
    data = text.encode("utf-8")
    if text.startswith("\ufeff"):
        assert decode(data) == text[1:]  # these bytes start with the UTF-8 BOM
    else:
        assert decode(data) == text
    assert normalise(decode(data)) == normalise(text)


@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗ ,.\n", min_size=1))
@settings(deadline=None)
def test_decode_with_a_named_encoding(text):
    assert decode(text.encode("cp1251"), "cp1251") == text
    assert decode(text.encode("koi8-r"), " KOI8-R ") == text


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


@given(st.binary(min_size=1).filter(_not_utf8))
@example("Привет, мир".encode("cp1251"))
@example(b"\xff\xfe\x41")  # "яюA" in cp1251: looks like a UTF-16 BOM, is not UTF-16
@example(b"\xfe\xff\xd8\x00")  # a UTF-16 BOM followed by a lone surrogate
@settings(deadline=None)
def test_bytes_that_are_not_utf8_or_utf16_name_the_encoding_option(data):
    try:
        decoded = decode(data, source="r1.txt")
    except WorkbenchError as exc:
        assert "--encoding" in str(exc)
        assert "r1.txt" in str(exc)
    else:
        # only BOM-marked bytes that really are UTF-16 may decode
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
        assert decoded == data[2:].decode("utf-16-le" if data[0] == 0xFF else "utf-16-be")


def test_decode_wrong_or_unknown_named_encoding():
    with pytest.raises(WorkbenchError, match="--encoding"):
        decode(b"\x81\x98", "utf-8", source="x.txt")
    with pytest.raises(WorkbenchError, match="unknown encoding"):
        decode(b"abc", "no-such-codec")


# ----------------------------------------------------------------------------- lines


@given(plain_text, st.data())
@settings(deadline=None)
def test_line_of_agrees_with_counting_newlines(text, data):
    starts = line_starts(text)
    assert starts[0] == 0 and len(starts) == text.count("\n") + 1
    offset = data.draw(st.integers(0, len(text)))
    assert line_of(starts, offset) == text.count("\n", 0, offset)


# ----------------------------------------------------------------------------- edits


@st.composite
def text_and_edits(draw, text_strategy=plain_text):
    """An old text and sorted, non-overlapping edits of it (insertions may share a point)."""
    old = draw(text_strategy)
    edits = []
    pos = 0
    while draw(st.booleans()) and len(edits) < 6:
        start = draw(st.integers(pos, len(old)))
        end = draw(st.integers(start, min(len(old), start + 6)))
        edits.append(Edit(start, end, draw(plain.map("".join).filter(lambda s: len(s) < 6))))
        pos = end
    return old, edits


@st.composite
def span_in(draw, text):
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    return start, end


def touches(edit: Edit, start: int, end: int) -> bool:
    """True when ``edit`` changes anything strictly inside ``[start, end)``."""
    if edit.start == edit.end:
        return start < edit.start < end
    return edit.start < end and edit.end > start


def occurrences(text: str, needle: str) -> int:
    count, pos = 0, text.find(needle)
    while pos != -1:
        count += 1
        pos = text.find(needle, pos + 1)
    return count


def check_moved(old, edits, new, start, end):
    covered = old[start:end]
    moved = move_span(start, end, covered, edits, new)
    assert moved.status in ("kept", "changed", "reanchored", "lost")
    if moved.status == "lost":
        assert moved.start is None and moved.end is None
        assert any(touches(e, start, end) for e in edits), "an untouched span was lost"
        assert not covered.strip() or occurrences(new, covered) != 1, "lost text that is there"
        return moved
    assert 0 <= moved.start <= moved.end <= len(new)
    if moved.status in ("kept", "reanchored"):
        assert new[moved.start : moved.end] == covered
    else:
        assert new[moved.start : moved.end].strip()
    if not any(touches(e, start, end) for e in edits):
        assert moved.status == "kept"
        assert moved.start == map_offset(start, edits, side="start")
    return moved


@given(text_and_edits(), st.data())
@settings(max_examples=200, deadline=None)
def test_apply_edits_and_move_span(old_edits, data):
    old, edits = old_edits
    new = apply_edits(old, edits)
    for _ in range(4):
        start, end = data.draw(span_in(old))
        check_moved(old, edits, new, start, end)


@given(text_and_edits())
@settings(deadline=None)
def test_untouched_text_between_edits_maps_through(old_edits):
    """Every stretch no edit touches is found, character for character, where map_offset says."""
    old, edits = old_edits
    new = apply_edits(old, edits)
    bounds = [0]
    for e in edits:
        bounds += [e.start, e.end]
    bounds.append(len(old))
    for a, b in zip(bounds[::2], bounds[1::2], strict=True):
        na = map_offset(a, edits, side="start")
        nb = map_offset(b, edits, side="end")
        assert new[na:nb] == old[a:b]


@given(plain_text, plain_text)
@settings(max_examples=150, deadline=None)
@example("Alpha one\nBeta two\n", "Beta two\nAlpha one\n")
@example("😀😀a", "😀a")
def test_diff_edits_turn_old_into_new(old, new):
    edits = diff_edits(old, new)
    assert apply_edits(old, edits) == new
    for prev, nxt in zip(edits, edits[1:], strict=False):
        assert prev.end <= nxt.start
    assert (old == new) == (edits == [])


@given(plain_text, plain_text, st.data())
@settings(max_examples=150, deadline=None)
def test_move_span_through_a_diff(old, new, data):
    edits = diff_edits(old, new)
    for _ in range(3):
        start, end = data.draw(span_in(old))
        check_moved(old, edits, new, start, end)


@given(
    st.lists(st.text(alphabet="abcdé😀 дж", max_size=12), min_size=2, max_size=8),
    st.data(),
)
@settings(max_examples=200, deadline=None)
def test_codings_in_unchanged_lines_are_kept_when_one_line_changes(lines, data):
    lines = [f"{i}: {line}" for i, line in enumerate(lines)]  # unique lines
    i = data.draw(st.integers(0, len(lines) - 1))
    new_lines = list(lines)
    new_lines[i] = data.draw(st.text(alphabet="xyz😀 ", max_size=10))
    old, new = "\n".join(lines), "\n".join(new_lines)
    edits = diff_edits(old, new)
    for j, line in enumerate(lines):
        if j == i:
            continue
        start = old.index(line + ("\n" if j < len(lines) - 1 else ""))
        moved = move_span(start, start + len(line), line, edits, new)
        assert moved.status == "kept"
        assert new[moved.start : moved.end] == line


_PLACES = ("Almaty", "Shymkent", "Karaganda", "Qostanay", "Pavlodar", "Semey", "Öskemen", "Taraz")


@given(
    st.lists(st.text(alphabet="abcd é😀дж", min_size=3, max_size=14), min_size=3, max_size=8),
    st.data(),
)
@settings(max_examples=150, deadline=None)
def test_a_moved_line_keeps_its_codings_while_others_are_edited(lines, data):
    # unique and clearly different lines: a line moved among near-twins ("R1: aaa", "R2: aaa")
    # cannot be told from an edited one, by this diff or by a person
    lines = [f"{_PLACES[i]} {i}: {line}" for i, line in enumerate(lines)]
    moved_from = data.draw(st.integers(0, len(lines) - 1))
    moved = lines[moved_from]
    rest = lines[:moved_from] + lines[moved_from + 1 :]
    edited = data.draw(st.integers(0, len(rest) - 1))
    rest[edited] += data.draw(st.sampled_from([", yes", " да", "😀", "?"]))
    rest.insert(data.draw(st.integers(0, len(rest))), moved)
    old, new = "\n".join(lines) + "\n", "\n".join(rest) + "\n"
    edits = diff_edits(old, new)
    start = old.index(moved + "\n")
    a = data.draw(st.integers(start, start + len(moved) - 1))
    b = data.draw(st.integers(a + 1, start + len(moved)))
    piece = old[a:b]
    # a span of blanks is no coding, and one that is not unique (overlapping occurrences count,
    # "bb" in "bbb") cannot be placed by its text: take the whole line, which is unique
    if not piece.strip() or new.find(piece) != new.rfind(piece):
        a, b = start, start + len(moved)
    result = move_span(a, b, old[a:b], edits, new)
    assert result.status in ("kept", "reanchored")
    assert new[result.start : result.end] == old[a:b]


# ----------------------------------------------------------------------------- offsets


def test_map_offset_at_insertion_points():
    edits = [Edit(5, 5, "XX")]
    assert map_offset(5, edits, side="start") == 7  # a span beginning here excludes the insert
    assert map_offset(5, edits, side="end") == 5  # a span ending here excludes it too
    assert map_offset(4, edits, side="end") == 4
    assert map_offset(6, edits, side="start") == 8
    # two insertions at one point, then a replacement starting there
    edits = [Edit(5, 5, "X"), Edit(5, 5, "YY"), Edit(5, 7, "Z")]
    assert apply_edits("0123456789", edits) == "01234XYYZ789"
    assert map_offset(5, edits, side="end") == 5
    assert map_offset(5, edits, side="start") == 8  # the start of "Z", which replaced "56"
    assert map_offset(7, edits, side="start") == 9
    assert map_offset(7, edits, side="end") == 9


def test_map_offset_around_replacements_and_deletions():
    edits = [Edit(2, 5, "")]  # delete "234"
    assert [map_offset(i, edits, side="start") for i in range(8)] == [0, 1, 2, 2, 2, 2, 3, 4]
    assert [map_offset(i, edits, side="end") for i in range(8)] == [0, 1, 2, 2, 2, 2, 3, 4]
    edits = [Edit(2, 4, "abcd")]  # "23" becomes "abcd"
    assert map_offset(2, edits, side="start") == 2  # a span starting at the stretch keeps all of it
    assert map_offset(2, edits, side="end") == 2  # a span ending there does not take it in
    assert map_offset(3, edits, side="start") == 2
    assert map_offset(3, edits, side="end") == 6
    assert map_offset(4, edits, side="start") == 6
    assert map_offset(4, edits, side="end") == 6


def test_insertions_at_span_edges_stay_outside():
    old = "say anger now"
    edits = [Edit(4, 4, "[X] "), Edit(9, 9, " [Y]")]
    new = apply_edits(old, edits)
    moved = move_span(4, 9, "anger", edits, new)
    assert moved.status == "kept"
    assert new[moved.start : moved.end] == "anger"


def test_insertion_inside_a_span_changes_it():
    old = "say anger now"
    edits = [Edit(6, 6, "😀")]
    new = apply_edits(old, edits)
    moved = move_span(4, 9, "anger", edits, new)
    assert (moved.status, new[moved.start : moved.end]) == ("changed", "an😀ger")


def test_offsets_count_code_points_with_emoji_combining_and_cyrillic():
    old = normalise("Айгерим: я 😀 злюсь, q\u0307 and cafe\u0301.\r\nNext line 👍🏽 ok")
    assert "café" in old  # composed
    word = "злюсь"
    start = old.index(word)
    assert start == 13  # every emoji is one code point, not two UTF-16 units
    new = old.replace("я 😀", "я 😀😀👍🏽", 1)
    edits = diff_edits(old, new)
    moved = move_span(start, start + len(word), word, edits, new)
    assert moved.status == "kept"
    assert (moved.start, moved.end) == (start + 3, start + 3 + len(word))
    assert new[moved.start : moved.end] == word
    # a span over a combining sequence that has no precomposed form
    q = old.index("q\u0307")
    edits = diff_edits(old, "😀" + old)
    moved = move_span(q, q + 2, "q\u0307", edits, "😀" + old)
    assert (moved.status, moved.start) == ("kept", q + 1)


def test_moved_paragraph_is_reanchored_and_removed_text_is_lost():
    old = "Interviewer: why?\nR3: anger at the state\nR3: and my friends\n"
    new = "R3: and my friends\nInterviewer: why?\nR3: anger at the state, yes\n"
    edits = diff_edits(old, new)
    s = old.index("and my friends")
    moved = move_span(s, s + 14, "and my friends", edits, new)
    assert moved.status in ("kept", "reanchored")
    assert new[moved.start : moved.end] == "and my friends"
    s = old.index("anger")
    moved = move_span(s, s + 5, "anger", edits, new)
    assert new[moved.start : moved.end] == "anger"
    gone = "Interviewer: why?\nR3: and my friends\n"
    edits = diff_edits(old, gone)
    s = old.index("anger at")
    assert move_span(s, s + 8, "anger at", edits, gone).status == "lost"


def test_apply_edits_refuses_overlaps():
    with pytest.raises(ValueError):
        apply_edits("abcdef", [Edit(1, 3, "x"), Edit(2, 4, "y")])
    with pytest.raises(ValueError):
        apply_edits("abc", [Edit(1, 9, "x")])


@given(any_text)
@settings(deadline=None)
def test_normalised_text_offsets_survive_json(text):
    """Offsets are code points of the normalised text, which JSON keeps as they are."""
    import json

    text = normalise(text)
    assume(text)
    assert json.loads(json.dumps(text, ensure_ascii=False)) == text
