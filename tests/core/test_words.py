"""Words and sentences for motions and snapping: examples, then properties over any script."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from workbench.core.words import (
    inside_word,
    is_word_end,
    is_word_start,
    next_sentence_start,
    next_word_end,
    next_word_start,
    previous_sentence_start,
    previous_word_end,
    previous_word_start,
    sentence_at,
    sentences_of_line,
    snap_to_words,
    trim_whitespace,
    word_at,
)

MIXED = (
    "Respondent: It was hard 😔 but we laughed 😂👍🏽, don't you think? Да, по-русски.\n"
    "Әже айтты: «қорықпа». Dr. Smith came… then left. 3.5 km, 👩‍👩‍👧 x\u0301y!"
)


def words(text: str) -> list[str]:
    """Every word of ``text``, walking with ``next_word_start``."""
    out = []
    pos = 0 if is_word_start(text, 0) else next_word_start(text, 0)
    while pos < len(text):
        start, end = word_at(text, pos)
        out.append(text[start:end])
        pos = next_word_start(text, pos)
    return out


# --------------------------------------------------------------------------- examples
def test_words_of_mixed_scripts_and_emoji() -> None:
    assert words(MIXED) == [
        "Respondent", "It", "was", "hard", "😔", "but", "we", "laughed", "😂👍🏽", "don't",
        "you", "think", "Да", "по-русски", "Әже", "айтты", "қорықпа", "Dr", "Smith", "came",
        "then", "left", "3", "5", "km", "👩‍👩‍👧", "x\u0301y",
    ]


def test_snap_moves_edges_out_to_whole_words_and_drops_whitespace() -> None:
    text = "  Through friends, honestly.  "
    assert snap_to_words(text, 5, 12) == (2, 17)  # "rough fr" -> "Through friends"
    assert text[slice(*snap_to_words(text, 0, 9))] == "Through"
    assert snap_to_words(text, 17, 19) == (17, 18)  # ", " -> ","
    assert snap_to_words(text, 0, 2) == (2, 2)  # only whitespace: empty
    kk = "Әже айтты: «қорықпа»"
    assert kk[slice(*snap_to_words(kk, 13, 15))] == "қорықпа"
    emoji = "so 👍🏽 ok"
    assert emoji[slice(*snap_to_words(emoji, 4, 5))] == "👍🏽"  # never a lone skin tone


def test_word_motions() -> None:
    text = "Hello, world!  Ещё раз."
    assert next_word_start(text, 0) == 7
    assert next_word_start(text, 7) == text.index("Ещё")
    assert next_word_start(text, text.index("раз")) == len(text)
    assert previous_word_start(text, len(text)) == text.index("раз")
    assert previous_word_start(text, 9) == 7  # inside "world": its start
    assert previous_word_start(text, 7) == 0
    assert next_word_end(text, 0) == 5  # the caret goes to 4, the "o"
    assert next_word_end(text, 4) == 12  # from a word's last letter: the next word's end
    assert next_word_end(text, len(text) - 1) == len(text)


def test_sentences() -> None:
    text = "Hi. Which year... the second one. Dr. Smith came?! «Да.» Ok\nNext line"
    assert [text[s:e] for s, e in sentences_of_line(text, 0)] == [
        "Hi.", "Which year... the second one.", "Dr. Smith came?!", "«Да.»", "Ok",
    ]
    at = text.index("second")
    assert text[slice(*sentence_at(text, at))] == "Which year... the second one."
    assert next_sentence_start(text, at) == text.index("Dr.")
    assert previous_sentence_start(text, at) == text.index("Which")
    assert previous_sentence_start(text, text.index("Which")) == 0
    assert next_sentence_start(text, text.index("Ok")) == text.index("Next")
    assert previous_sentence_start(text, text.index("Next")) == text.index("Ok")
    assert sentence_at("a\n\nb", 2) == (2, 2)  # a blank line: nothing


# --------------------------------------------------------------------------- properties
PIECES = [
    "a", "B", "z", "é", "Ж", "ы", "ә", "Ғ", "қ", "ң", "ө", "ұ", "ү", "һ", "і", "7", "_",
    " ", " ", "  ", "\t", "\n", "\u00a0", ".", ",", "!", "?", "…", "'", "’", "-", "«", "»",
    "(", ")", "\"", "😂", "👍🏽", "👩‍👩‍👧", "❤️", "q\u0301", "\u0301", "\u200d", "$", "+",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map(
    lambda parts: unicodedata.normalize("NFC", "".join(parts))
)


@st.composite
def text_and_span(draw):
    text = draw(texts)
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, len(text)))
    return text, a, b


@given(text_and_span())
def test_trim_whitespace_is_strip(case) -> None:
    text, a, b = case
    s, e = trim_whitespace(text, a, b)
    assert a <= s <= e <= b
    assert text[s:e] == text[a:b].strip()


@given(text_and_span())
def test_snap_gives_whole_words_without_edge_whitespace(case) -> None:
    text, a, b = case
    s, e = snap_to_words(text, a, b)
    assert 0 <= s <= e <= len(text)
    core = text[a:b].strip()
    if not core:
        assert s == e
        return
    assert text[s:e] == text[s:e].strip()
    assert not inside_word(text, s) and not inside_word(text, e)
    assert core in text[s:e]  # it only grows around what was selected
    ta, tb = trim_whitespace(text, a, b)
    assert s <= ta and tb <= e
    assert not any(c.isspace() for c in text[s:ta] + text[tb:e])  # grown within words only
    assert snap_to_words(text, s, e) == (s, e)


@given(text_and_span())
def test_word_motions_land_on_the_nearest_word_edges(case) -> None:
    text, offset, _ = case
    n = len(text)
    r = next_word_start(text, offset)
    assert r > offset or r == n
    assert r == n or is_word_start(text, r)
    assert not any(is_word_start(text, i) for i in range(offset + 1, r))
    r = previous_word_start(text, offset)
    assert r < offset or r == 0
    assert r == 0 or is_word_start(text, r)
    assert not any(is_word_start(text, i) for i in range(r + 1, offset))
    r = next_word_end(text, offset)
    assert r == n or (r >= offset + 2 and is_word_end(text, r))
    assert not any(is_word_end(text, i) for i in range(offset + 2, r))
    r = previous_word_end(text, offset)
    assert r < offset or r == 0
    assert r == 0 or is_word_end(text, r)
    assert not any(is_word_end(text, i) for i in range(r + 1, min(offset, n + 1)))


@given(text_and_span())
def test_words_hold_their_marks_and_joiners(case) -> None:
    text, offset, _ = case
    found = word_at(text, offset)
    if found is None:  # the end, whitespace or punctuation (a joiner not between letters)
        assert offset == len(text) or text[offset].isspace() or (
            unicodedata.category(text[offset])[0] == "P" and text[offset] != "_"
        )
        return
    start, end = found
    assert start <= offset < end
    assert is_word_start(text, start) and is_word_end(text, end)
    assert not any(c.isspace() for c in text[start:end])
    for i in range(1, len(text)):
        mark = unicodedata.category(text[i])[0] == "M" or text[i] == "\u200d"
        if mark and not (text[i - 1].isspace() or unicodedata.category(text[i - 1])[0] == "P"):
            assert inside_word(text, i)  # a combining mark or joiner never starts a word


@given(text_and_span())
def test_sentences_are_trimmed_ordered_and_on_one_line(case) -> None:
    text, offset, _ = case
    spans = sentences_of_line(text, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", line_start)
    line_end = len(text) if line_end == -1 else line_end
    last = line_start
    for s, e in spans:
        assert last <= s < e <= line_end
        assert text[s:e] == text[s:e].strip()
        last = e
    s, e = sentence_at(text, offset)
    assert (s, e) in spans or (s == e == min(offset, len(text)) and not spans)
    r = next_sentence_start(text, offset)
    assert r > offset or r == len(text)
    r = previous_sentence_start(text, offset)
    assert r < offset or r == 0
