"""Moving an edge of a coding by a word, and the caret's selection: examples, then properties
over texts in any script with speaker labels."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from workbench.core.turns import Turns, paragraphs_of
from workbench.core.words import (
    inside_word,
    is_word_end,
    is_word_start,
    previous_word_end,
    snap_to_words,
    trim_whitespace,
)
from workbench.tui.coding_edges import moved_edge
from workbench.tui.widgets.transcript_caret import Caret

TEXT = (
    "Interviewer: How did you come to activism?\n"
    "Respondent 1: Through friends. A chat group pulled me in.\n"
)


def turns_of_text(text: str) -> Turns:
    return Turns(text, paragraphs_of(text))


def span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


# --------------------------------------------------------------------------- examples
def test_edges_move_by_a_word_and_step_over_labels() -> None:
    turns = turns_of_text(TEXT)
    s, e = span("friends. A")
    assert moved_edge(TEXT, turns, s, e, "end", 1) == span("friends. A chat")
    assert moved_edge(TEXT, turns, s, e, "end", -1) == span("friends")
    assert moved_edge(TEXT, turns, s, e, "start", -1) == span("Through friends. A")
    assert moved_edge(TEXT, turns, s, e, "start", 1) == span("A")
    s, e = span("Through")
    grown = moved_edge(TEXT, turns, s, e, "start", -1)
    assert TEXT[slice(*grown)] == "activism?\nRespondent 1: Through"  # over the label
    assert moved_edge(TEXT, turns, *grown, "start", 1) == (s, e)  # and back over it
    assert moved_edge(TEXT, turns, s, e, "start", 1) is None  # one word: it stays
    assert moved_edge(TEXT, turns, s, e, "end", -1) is None
    s, e = span("activism")
    assert TEXT[slice(*moved_edge(TEXT, turns, s, e, "end", 1))] == (
        "activism?\nRespondent 1: Through"
    )
    s, e = span("How")
    assert moved_edge(TEXT, turns, s, e, "start", -1) is None  # only a label before it
    s, e = span("in")
    assert moved_edge(TEXT, turns, s, e, "end", 1) is None  # the last word


def test_previous_word_end() -> None:
    text = "so 👍🏽 ok"
    assert previous_word_end(text, len(text)) == text.index(" ok")  # after the emoji
    assert previous_word_end(text, text.index("🏽")) == 2  # never inside the emoji
    assert previous_word_end("  so", 2) == 0


def test_caret_selection_snaps_or_only_trims() -> None:
    caret = Caret(text=TEXT)
    start = TEXT.index("hrough")
    caret.reset(start)
    caret.anchor = start
    caret.cursor = start + len("hrough fr")
    assert caret.selection == span("Through friends")
    caret.snap = False
    assert caret.selection == (start, start + len("hrough fr"))
    caret.cursor = start + len("hrough ")
    assert caret.selection == (start, start + len("hrough"))  # not the space
    caret.anchor = caret.cursor - 1
    assert caret.swept is not None and caret.selection is None  # only a space


# --------------------------------------------------------------------------- properties
PIECES = [
    "Interviewer: ", "R2: ", "Респондент: ", "\n", "\n\n", " ", "  ", "word", "Да", "по-русски",
    "қыз", "don't", "3.5", ".", ",", "?", "!", "…", "«", "»", "😂", "👍🏽", "x\u0301y", "(", ")",
]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map(
    lambda parts: unicodedata.normalize("NFC", "".join(parts))
)


@st.composite
def text_and_span(draw):
    text = draw(texts)
    if len(text) < 1:
        text = "word"
    a = draw(st.integers(0, len(text) - 1))
    b = draw(st.integers(a + 1, len(text)))
    return text, a, b


def _free(turns: Turns, offset: int) -> bool:
    return turns.label_at(offset) is None


@given(text_and_span(), st.sampled_from(["start", "end"]), st.sampled_from([-1, 1]))
def test_a_moved_edge_is_the_nearest_word_edge_outside_a_label(case, edge, step) -> None:
    text, start, end = case
    turns = turns_of_text(text)
    moved = moved_edge(text, turns, start, end, edge, step)
    if edge == "start":
        # the candidates: word starts outside labels, between the old start and the old end
        candidates = [
            i for i in range(len(text)) if is_word_start(text, i) and _free(turns, i)
        ]
        wanted = [i for i in candidates if i < start] if step < 0 else [
            i for i in candidates if start < i < end
        ]
        pick = (max(wanted) if step < 0 else min(wanted)) if wanted else None
        assert moved == (None if pick is None else (pick, end))
    else:
        candidates = [
            i for i in range(1, len(text) + 1) if is_word_end(text, i) and _free(turns, i - 1)
        ]
        wanted = [i for i in candidates if i > end] if step > 0 else [
            i for i in candidates if start < i < end
        ]
        pick = (min(wanted) if step > 0 else max(wanted)) if wanted else None
        assert moved == (None if pick is None else (start, pick))
    if moved is not None:
        s, e = moved
        assert 0 <= s < e <= len(text)
        grows = (edge == "start") == (step < 0)
        assert (s <= start and end <= e) if grows else (start <= s and e <= end)


@given(text_and_span(), st.booleans())
def test_a_selection_never_has_whitespace_at_its_edges(case, snap) -> None:
    text, anchor, cursor = case
    caret = Caret(anchor=anchor, cursor=cursor, text=text, snap=snap)
    selection = caret.selection
    trimmed = trim_whitespace(text, anchor, cursor)
    if trimmed[0] == trimmed[1]:
        assert selection is None
        return
    s, e = selection
    assert not text[s].isspace() and not text[e - 1].isspace()
    if snap:
        assert (s, e) == snap_to_words(text, anchor, cursor)
        assert not inside_word(text, s) and not inside_word(text, e)
    else:
        assert (s, e) == trimmed
    caret.anchor, caret.cursor = cursor, anchor  # swept the other way: the same selection
    assert caret.selection == (s, e)
