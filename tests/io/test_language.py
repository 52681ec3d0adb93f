"""The language of a quote, told by its script."""

from __future__ import annotations

import pytest

from workbench.io.writeup.language import language_of, marks_for


@pytest.mark.parametrize(("text", "language"), [
    ("I grew up in a small town.", "en"),
    ("Мне было страшно, но я пошла.", "ru"),
    # Russian with a Kazakh word or two stays Russian (Word checks the Russian)
    ("Апа говорила: „Қызым, оқу керек“, то есть учиться надо.", "ru"),
    ("Ата был против… қыз… ұят… но мама поддержала.", "ru"),
    ("На той приехал весь ауыл, рақмет им.", "ru"),
    # Kazakh prose
    ("Біз отбасымызбен көп уақыт өткіземіз.", "kk"),
    ("Мен ауылда тұрамын, жұмысым мектепте.", "kk"),
    ("Үйдегі әңгіме үйде қалады", "kk"),
    ("жұмыс", "kk"),
    ("апа", "ru"),  # no letter tells it from Russian
    ("12:30 — 😡", None),
])
def test_language_by_words(text: str, language: str | None) -> None:
    assert language_of(text) == language


def test_marks_of_each_language() -> None:
    assert marks_for("ru") == marks_for("kk") == ("«", "»")
    assert marks_for("en") == marks_for(None) == ("“", "”")
