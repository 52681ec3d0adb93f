"""Words and sentences of a normalised text, for moving by word and snapping a selection.

Offsets are code points, half-open, as everywhere (a span is ``text[start:end]``).

A **word** is a run of letters and digits (any script: Latin, Cyrillic, Kazakh ә ғ қ ң ө ұ ү һ і,
...) or a run of symbols such as emoji. Combining marks, emoji modifiers, variation selectors
and zero-width joiners belong to the character before them, so ``é`` written with a combining
accent, ``👍🏽`` or a family emoji is never cut. An apostrophe or hyphen between two letters
joins them (``don't``, ``по-русски``, ``қыз-келіншек``). Punctuation and whitespace are not
part of any word.

A **sentence** ends after ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets)
that is followed by whitespace and then not by a lower-case letter, or at a line break.

Every function looks only at the text around the offset it is given, so moving by word in a
long transcript costs the same as in a short one.
"""

from __future__ import annotations

import unicodedata

_SPACE, _LETTER, _SYMBOL, _PUNCT, _MARK = range(5)

#: Characters that join two letters into one word.
JOINERS = frozenset("'’ʼ-‐‑")
#: Characters that end a sentence, and those that may close it after them.
SENTENCE_ENDS = frozenset(".!?…。！？؟")
SENTENCE_CLOSERS = frozenset("\"'»”’)]}›")
#: Words ending in "." that do not end a sentence (compared case-insensitively).
ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "e.g", "i.e", "cf", "т.е", "т.к", "т.н", "ул"}
)


def _raw_kind(ch: str) -> int:
    if ch.isspace():
        return _SPACE
    cat = unicodedata.category(ch)
    if cat[0] in "LN" or cat == "Pc":
        return _LETTER
    if cat[0] == "M" or cat == "Cf" or "\U0001f3fb" <= ch <= "\U0001f3ff":
        return _MARK  # combining marks, ZWJ, variation selectors, skin tones, emoji tags
    if cat[0] == "P" or cat == "Cc":
        return _PUNCT
    return _SYMBOL


def _base_kind(text: str, i: int) -> int:
    """The kind of ``text[i]``, a mark taking the kind of the character it belongs to."""
    kind = _raw_kind(text[i])
    j = i
    while kind == _MARK:
        j -= 1
        if j < 0:
            return _SYMBOL
        kind = _raw_kind(text[j])
        if kind in (_SPACE, _PUNCT):
            return _SYMBOL  # a mark standing alone
    return kind


def _word_kind(text: str, i: int) -> int | None:
    """``_LETTER`` or ``_SYMBOL`` when ``text[i]`` is part of a word, else ``None``."""
    kind = _base_kind(text, i)
    if kind in (_LETTER, _SYMBOL):
        return kind
    if (
        text[i] in JOINERS
        and 0 < i < len(text) - 1
        and _base_kind(text, i - 1) == _LETTER
        and _base_kind(text, i + 1) == _LETTER
    ):
        return _LETTER
    return None


def _joined(text: str, i: int) -> bool:
    """True when ``text[i - 1]`` and ``text[i]`` belong to one word (``0 < i < len(text)``)."""
    kind = _word_kind(text, i)
    return kind is not None and kind == _word_kind(text, i - 1)


def inside_word(text: str, offset: int) -> bool:
    """True when ``offset`` falls between two characters of one word."""
    return 0 < offset < len(text) and _joined(text, offset)


def is_word_start(text: str, offset: int) -> bool:
    """True when a word begins at ``offset``."""
    return (
        0 <= offset < len(text)
        and _word_kind(text, offset) is not None
        and not (offset > 0 and _joined(text, offset))
    )


def is_word_end(text: str, offset: int) -> bool:
    """True when a word ends just before ``offset``."""
    return (
        0 < offset <= len(text)
        and _word_kind(text, offset - 1) is not None
        and not (offset < len(text) and _joined(text, offset))
    )


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word holding the character at ``offset``, as ``(start, end)``, or ``None``."""
    if not 0 <= offset < len(text) or _word_kind(text, offset) is None:
        return None
    start = offset
    while start > 0 and _joined(text, start):
        start -= 1
    end = offset + 1
    while end < len(text) and _joined(text, end):
        end += 1
    return start, end


def next_word_start(text: str, offset: int) -> int:
    """Where the next word after ``offset`` begins (``len(text)`` when there is none).

    The ``w`` motion: from inside a word or from the start of one, the start of the word after.
    """
    i = max(offset + 1, 0)
    while i < len(text) and not is_word_start(text, i):
        i += 1
    return min(i, len(text))


def previous_word_start(text: str, offset: int) -> int:
    """Where the word before ``offset`` begins, or the one ``offset`` is inside (``0`` when
    there is none). The ``b`` motion."""
    i = min(offset, len(text)) - 1
    while i > 0 and not is_word_start(text, i):
        i -= 1
    return max(i, 0)


def next_word_end(text: str, offset: int) -> int:
    """The end (exclusive) of the first word that ends after the character at ``offset``
    (``len(text)`` when there is none).

    The ``e`` motion: the caret goes to ``result - 1``, the last character of that word; a
    selection being extended takes ``result`` as its end. From the last character of a word it
    goes on to the end of the next word.
    """
    i = max(offset + 2, 1)
    while i < len(text) and not is_word_end(text, i):
        i += 1
    return min(i, len(text))


def previous_word_end(text: str, offset: int) -> int:
    """Where the last word that ends before ``offset`` ends (``0`` when there is none): the
    end of a selection or a coding taken back by one word."""
    i = min(offset, len(text)) - 1
    while i > 0 and not is_word_end(text, i):
        i -= 1
    return max(i, 0)


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without whitespace at either edge (empty, at ``start``, if it held only
    whitespace)."""
    start, end = _clamp(text, start, end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A selection made of whole words: whitespace at its edges is dropped, and an edge that
    falls inside a word moves out to that word's edge (the selection only grows to do so).

    A selection of only whitespace comes back empty, at its trimmed ``start``.
    """
    start, end = trim_whitespace(text, start, end)
    if start == end:
        return start, end
    while inside_word(text, start):
        start -= 1
    while inside_word(text, end):
        end += 1
    return start, end


# --------------------------------------------------------------------------- sentences


def _sentence_end(text: str, i: int, line_end: int) -> int | None:
    """When a sentence ends with the terminator at ``text[i]``, the offset just after it (and
    after the terminators and closers that follow); else ``None``."""
    j = i
    while j < line_end and text[j] in SENTENCE_ENDS:
        j += 1
    while j < line_end and text[j] in SENTENCE_CLOSERS:
        j += 1
    if j < line_end and not text[j].isspace():
        return None  # "3.5", "e.g.,", "www.example.org"
    if text[i] == "." and j == i + 1 and _abbreviation_before(text, i):
        return None
    k = j
    while k < line_end and text[k].isspace():
        k += 1
    if k < line_end and text[k].islower():
        return None  # "Which year... the second one"
    return j


def _abbreviation_before(text: str, i: int) -> bool:
    start = i
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    return text[start:i].casefold() in ABBREVIATIONS


def sentences_of_line(text: str, offset: int) -> list[tuple[int, int]]:
    """The sentences of the line holding ``offset``, each without whitespace at its edges."""
    line_start = text.rfind("\n", 0, max(0, min(offset, len(text)))) + 1
    line_end = text.find("\n", line_start)
    if line_end == -1:
        line_end = len(text)
    out: list[tuple[int, int]] = []
    start = line_start
    i = line_start
    while i < line_end:
        if text[i] in SENTENCE_ENDS:
            after = _sentence_end(text, i, line_end)
            if after is not None:
                span = trim_whitespace(text, start, after)
                if span[0] < span[1]:
                    out.append(span)
                start = i = after
                continue
            while i < line_end and text[i] in SENTENCE_ENDS:
                i += 1  # the rest of a run that does not end the sentence
            continue
        i += 1
    span = trim_whitespace(text, start, line_end)
    if span[0] < span[1]:
        out.append(span)
    return out


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The sentence holding ``offset``; between sentences, the next one on the line (else the
    one before). Empty, at ``offset``, on a blank line."""
    sentences = sentences_of_line(text, offset)
    for start, end in sentences:
        if offset < end:
            return (start, end)
    if sentences:
        return sentences[-1]
    offset = max(0, min(offset, len(text)))
    return offset, offset


def next_sentence_start(text: str, offset: int) -> int:
    """Where the next sentence after ``offset`` begins (``len(text)`` when there is none). The
    ``)`` motion."""
    pos = max(0, min(offset, len(text)))
    while pos < len(text):
        for start, _ in sentences_of_line(text, pos):
            if start > offset:
                return start
        line_end = text.find("\n", pos)
        if line_end == -1:
            break
        pos = line_end + 1
    return len(text)


def previous_sentence_start(text: str, offset: int) -> int:
    """Where the sentence holding ``offset`` begins, or the sentence before when ``offset`` is
    at a sentence's start (``0`` when there is none). The ``(`` motion."""
    pos = max(0, min(offset, len(text)))
    while True:
        starts = [start for start, _ in sentences_of_line(text, pos) if start < offset]
        if starts:
            return starts[-1]
        line_start = text.rfind("\n", 0, pos) + 1
        if line_start == 0:
            return 0
        pos = line_start - 1  # the line break that ends the line before: search that line


def _clamp(text: str, start: int, end: int) -> tuple[int, int]:
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    return start, end
