"""Position units: the map from stored positions to our normalised text, and the detection."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.text import normalise
from workbench.io.refi.positions import (
    CODE_POINTS,
    READINGS,
    Reading,
    Selection,
    TextMap,
    choose_reading,
    name_matches,
)

UTF16_CRLF2, UTF16_CRLF1 = Reading(True, True), Reading(True, False)
CP_CRLF1 = Reading(False, False)


def units(raw: str, index: int, reading: Reading) -> int:
    """Where raw index ``index`` is in ``reading``'s units."""
    part = raw[:index]
    if not reading.crlf2:
        part = part.replace("\r\n", "\n")
    return len(part.encode("utf-16-le")) // 2 if reading.utf16 else len(part)


def test_plain_ascii_is_the_identity() -> None:
    tmap = TextMap("hello world\n")
    assert tmap.readings() == [CODE_POINTS]
    assert tmap.span(CODE_POINTS, 6, 11) == (6, 11, False)


def test_bom_is_never_counted_and_crlf_becomes_lf() -> None:
    tmap = TextMap("\ufeffab\r\ncd\r\n")
    assert tmap.text == "ab\ncd\n"
    assert tmap.span(CODE_POINTS, 4, 6) == (3, 5, False)  # "cd" with CRLF as 2
    assert tmap.span(CP_CRLF1, 3, 5) == (3, 5, False)  # "cd" with CRLF as 1
    assert tmap.span(CODE_POINTS, 3, 4) == (2, 3, False)  # the LF of the pair is the line break
    assert tmap.span(CODE_POINTS, 2, 3) == (2, 3, False)  # so is its CR


def test_emoji_in_utf16_units_and_halves_move_outwards() -> None:
    tmap = TextMap("a😀b")
    assert tmap.size(UTF16_CRLF2) == 4
    assert tmap.span(UTF16_CRLF2, 3, 4) == (2, 3, False)
    assert tmap.span(UTF16_CRLF2, 2, 3) == (1, 2, False)  # half of the emoji: the whole of it
    assert tmap.span(UTF16_CRLF2, 1, 2) == (1, 2, False)
    assert tmap.span(UTF16_CRLF2, 2, 4) == (1, 3, False)
    assert tmap.span(CODE_POINTS, 1, 2) == (1, 2, False)


def test_nfc_changes_lengths_and_positions_follow() -> None:
    raw = "cafe\u0301 au lait, e\u0301te\u0301\r\nfin"
    tmap = TextMap(raw)
    assert tmap.text == normalise(raw)
    start, end = raw.index("au lait"), raw.index("au lait") + 7
    s, e, _ = tmap.span(CODE_POINTS, start, end)
    assert tmap.text[s:e] == "au lait"
    s, e, _ = tmap.span(CODE_POINTS, raw.index("fin"), len(raw))
    assert tmap.text[s:e] == "fin"
    # a position between a letter and its accent keeps the whole composed letter
    s, e, _ = tmap.span(CODE_POINTS, 0, 4)
    assert tmap.text[s:e] == "café"


def test_outside_positions_are_clamped() -> None:
    tmap = TextMap("short")
    assert tmap.span(CODE_POINTS, 2, 50) == (2, 5, True)
    assert tmap.span(CODE_POINTS, -3, 2) == (0, 2, True)


def test_name_matching() -> None:
    assert name_matches("a real  question", "a real\nquestion")
    assert name_matches("For some reason babies…", "For some reason babies aren't")
    assert name_matches("Oh, that was great...", "Oh, that was great. See you")
    assert not name_matches("line:3", "third line")
    assert not name_matches("", "anything")
    assert name_matches("cafe\u0301", "café")


def test_detection_falls_back_to_the_producers_habit() -> None:
    tmap = TextMap("x😀\r\ny")
    assert choose_reading(tmap, [Selection(0, 1, "")], "NVivo 12").mattered is False
    # "x" two units on: as good a fit in UTF-16 units as in code points; the habit decides
    tmap = TextMap("😀😀 x x x")
    sels = [Selection(5, 6, "")]
    nvivo = choose_reading(tmap, sels, "NVivo 12 (Windows)")
    assert nvivo.reading.utf16 and "habit of NVivo" in nvivo.reason
    assert tmap.span(nvivo.reading, 5, 6)[:2] == (3, 4)
    other = choose_reading(tmap, sels, "SomeTool")
    assert other.reading == CODE_POINTS and tmap.span(other.reading, 5, 6)[:2] == (5, 6)
    # a reading under which a span cuts words loses to one that does not
    assert choose_reading(TextMap("😀 ab cd"), [Selection(3, 5, "")], "X").reading.utf16


# --------------------------------------------------------------------------- properties

PIECES = ["word", "Слово", "café", "cafe\u0301", "😀", "🏳️‍🌈", " ", " ", "\r\n", "\n", ", ",
          "Ұят", "e\u0301te\u0301", "x"]


@st.composite
def texts(draw) -> str:
    return "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40)))


def _boundaries(raw: str) -> list[int]:
    """Raw indexes a selection can sensibly start or end at (not inside CRLF or a letter)."""
    out = []
    for i in range(len(raw) + 1):
        if i < len(raw) and (unicodedata.combining(raw[i]) or raw[i] in "\u200d\ufe0f"):
            continue
        if 0 < i < len(raw) and raw[i - 1] == "\r" and raw[i] == "\n":
            continue
        if 0 < i < len(raw) and raw[i - 1] == "\u200d":
            continue
        out.append(i)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts(), st.data())
def test_every_reading_maps_back_onto_the_normalised_text(raw: str, data) -> None:
    tmap = TextMap(raw)
    assert tmap.text == normalise(raw)
    spots = _boundaries(raw)
    i = data.draw(st.sampled_from(spots))
    j = data.draw(st.sampled_from([s for s in spots if s >= i]))
    expected = (len(normalise(raw[:i])), len(normalise(raw[:j])))
    for reading in READINGS:
        got = tmap.span(reading, units(raw, i, reading), units(raw, j, reading))
        assert got == (*expected, False), reading


WORDS = ["alpha", "беta", "😀", "gamma", "Ұят", "delta", "🎉🎉", "omega", "naïve", "чай"]


@st.composite
def named_selections(draw):
    lines = [" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=6)))
             for _ in range(draw(st.integers(2, 6)))]
    raw = draw(st.sampled_from(["\r\n", "\n"])).join(lines) + "\n"
    reading = draw(st.sampled_from(READINGS))
    picks = []
    for _ in range(draw(st.integers(1, 6))):
        line = draw(st.integers(0, len(lines) - 1))
        start = sum(len(x) for x in lines[:line]) + line * (2 if "\r\n" in raw else 1)
        words = lines[line].split(" ")
        a = draw(st.integers(0, len(words) - 1))
        b = draw(st.integers(a + 1, len(words)))
        start += sum(len(w) + 1 for w in words[:a])
        covered = " ".join(words[a:b])
        picks.append((start, start + len(covered), covered))
    return raw, reading, picks


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(named_selections(), st.sampled_from(["NVivo 12", "QualCoder 3.5", "ATLAS.ti 9", "X"]))
def test_detection_with_names_puts_every_selection_on_its_words(case, origin: str) -> None:
    raw, reading, picks = case
    tmap = TextMap(raw)
    sels = [Selection(units(raw, s, reading), units(raw, e, reading), text)
            for s, e, text in picks]
    chosen = choose_reading(tmap, sels, origin).reading
    for sel, (_, _, text) in zip(sels, picks, strict=True):
        start, end, clamped = tmap.span(chosen, sel.start, sel.end)
        assert tmap.text[start:end] == text and not clamped


# --------------------------------------------------------------------------- definitions
# TextMap keeps only the places where units or lengths change; these tests work every position
# out character by character from the definitions and compare.

RAW_PIECES = ["ab", "Слово", "😀", "🏳️‍🌈", "e\u0301", "cafe\u0301", "\u1100\u1161\u11a8", " ",
              "\r\n", "\r", "\n", "Ұят"]


def _units_table(raw: str, reading: Reading) -> list[int]:
    """Units before each raw index, counted one character at a time."""
    table = [0]
    for i, ch in enumerate(raw):
        if ch == "\r" and raw[i + 1 : i + 2] == "\n" and not reading.crlf2:
            step = 0  # the CR of a pair counted once
        else:
            step = 2 if reading.utf16 and ord(ch) > 0xFFFF else 1
        table.append(table[-1] + step)
    return table


def _cuts(raw: str) -> list[int]:
    """Raw indexes where cutting the text does not change how it normalises."""
    whole = normalise(raw)
    return [i for i in range(len(raw) + 1) if normalise(raw[:i]) + normalise(raw[i:]) == whole]


def _reference_span(raw: str, reading: Reading, start: int, end: int) -> tuple[int, int, bool]:
    units = _units_table(raw, reading)
    size = units[-1]
    clamped = not (0 <= start <= size and 0 <= end <= size)
    start, end = min(max(start, 0), size), min(max(end, 0), size)
    first = units.index(start) if start in units else max(
        i for i, u in enumerate(units) if u < start)  # inside a character: its start
    last = min(i for i, u in enumerate(units) if u >= end)
    cuts = _cuts(raw)
    before = max(c for c in cuts if c <= first)
    after = min(c for c in cuts if c >= last)
    return len(normalise(raw[:before])), len(normalise(raw[:after])), clamped


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(RAW_PIECES), min_size=1, max_size=16))
def test_every_position_lands_as_counted_character_by_character(pieces: list[str]) -> None:
    raw = "".join(pieces)
    tmap = TextMap(raw)
    assert tmap.text == normalise(raw)
    for reading in READINGS:
        size = _units_table(raw, reading)[-1]
        assert tmap.size(reading) == size
        for unit in range(-1, size + 2):
            assert tmap.span(reading, unit, unit) == _reference_span(raw, reading, unit, unit)
        positions = [(0, size), (1, size - 1), (size // 2, size + 3)]
        assert tmap.spans(reading, positions) == [
            _reference_span(raw, reading, s, e) for s, e in positions]


def test_astral_characters_are_told_apart_from_the_rest_of_unicode() -> None:
    assert not TextMap("Слово, café, Ұят, \uffff, \ud7ff").has_astral
    assert TextMap("x 😀").has_astral and TextMap("\U00010000").has_astral
    assert TextMap("🏳️‍🌈").readings() == [CODE_POINTS, UTF16_CRLF2]


def test_only_the_lines_that_change_are_mapped() -> None:
    lines = ["plain line", "Слово в строке", "cafe\u0301 and e\u0301te\u0301",
             "\u1100\u1161\u11a8 x"]
    raw = "\r\n".join(lines * 50)
    tmap = TextMap(raw)
    assert tmap.text == normalise(raw)
    for n in (0, 77, 199):
        start = raw.index(lines[n % 4], sum(len(x) + 2 for x in (lines * 50)[:n]))
        s, e, _ = tmap.span(CODE_POINTS, start, start + len(lines[n % 4]))
        assert tmap.text[s:e] == normalise(lines[n % 4])
