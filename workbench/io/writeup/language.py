"""The language of a passage, told by its script, and the quotation marks it takes.

A study may mix English, Russian and Kazakh, often within one interview, so each quote is
looked at on its own: mostly Cyrillic letters make it Russian, or Kazakh when a third of its
Cyrillic words or more have letters only Kazakh uses (a Kazakh word or two in a Russian sentence
leave it Russian: Word's spelling checker then checks the Russian); mostly Latin letters are
taken as English (the script cannot tell English
from another language written in Latin letters). Text with no letters has no language.
"""

from __future__ import annotations

import re

RUSSIAN, KAZAKH, ENGLISH = "ru", "kk", "en"
#: Letters of the Kazakh alphabet that Russian does not use.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
#: Kazakh text: at least this share of its Cyrillic words have a Kazakh-only letter (about
#: two words in three of Kazakh prose do; in Russian with Kazakh words, one in five or fewer).
KAZAKH_SHARE = 1 / 3
#: Opening and closing quotation marks of each language (the first level).
MARKS = {RUSSIAN: ("«", "»"), KAZAKH: ("«", "»"), ENGLISH: ("“", "”")}
#: The marks of a quotation inside a quotation, for the marks around it.
INNER_MARKS = {"«": ("«", "»", "„", "“"), "“": ("“", "”", "‘", "’")}
DEFAULT_MARKS = MARKS[ENGLISH]
#: Opening marks and the closing marks that may answer them, in any language.
PAIRS = {
    "“": "”",
    "«": "»",
    "„": "“”",
    "‘": "’",
    "‹": "›",
    "»": "«",
    '"': '"',
    "'": "'",
}
#: A passage longer than this is judged by its first part (enough letters to tell).
SAMPLE = 1000
_CYRILLIC = re.compile(r"[\u0400-\u0481\u048a-\u052f]")  # the letters (no signs or accents)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_KAZAKH = re.compile(f"[{''.join(sorted(KAZAKH_LETTERS))}]")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u0481\u048a-\u052f]+")


def language_of(text: str) -> str | None:
    """``"ru"``, ``"kk"``, ``"en"``, or ``None`` when the text has no Cyrillic or Latin letters."""
    sample = text[:SAMPLE]
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if not cyrillic and not latin:
        return None
    if cyrillic > latin:
        words = _CYRILLIC_WORD.findall(sample)
        kazakh = sum(1 for word in words if _KAZAKH.search(word))
        return KAZAKH if kazakh >= KAZAKH_SHARE * len(words) else RUSSIAN
    return ENGLISH


def marks_for(language: str | None) -> tuple[str, str]:
    """The opening and closing quotation marks of ``language`` (English ones when unknown)."""
    return MARKS.get(language or "", DEFAULT_MARKS)


def nested(text: str, opening: str) -> str:
    """``text`` to go between ``opening`` and its closing mark, its own quotations given the
    inner marks (``«она сказала: „нет“»``, ``“she said ‘no’”``) when they pair up."""
    if opening not in INNER_MARKS:
        return text
    outer_open, outer_close, inner_open, inner_close = INNER_MARKS[opening]
    if outer_open not in text or text.count(outer_open) != text.count(outer_close):
        return text
    depth = 0
    for ch in text:
        depth += (ch == outer_open) - (ch == outer_close)
        if depth < 0 or depth > 1:
            return text  # not simple pairs: leave the marks as the transcript has them
    return text.replace(outer_open, inner_open).replace(outer_close, inner_close)


def unquoted(text: str) -> str:
    """``text`` without the quotation marks around it, when it is one quotation already
    (``"Я пошла"`` gives ``Я пошла``); any other text as it is.

    ``"Yes," she said, "no."`` is not one quotation (the marks open again inside), so it stays.
    """
    if len(text) < 2:
        return text
    opening, closing = text[0], text[-1]
    if closing not in PAIRS.get(opening, ""):
        return text
    inner = text[1:-1]
    if opening in inner or closing in inner:
        return text
    return inner


def main_language(texts: list[str], default: str = ENGLISH) -> str:
    """The language most of ``texts`` is written in, weighed by length (``default`` when none
    has letters to tell by)."""
    weight: dict[str, int] = {}
    for text in texts:
        language = language_of(text)
        if language is not None:
            weight[language] = weight.get(language, 0) + min(len(text), SAMPLE)
    return max(weight, key=lambda k: (weight[k], k == default)) if weight else default
