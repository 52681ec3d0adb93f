"""A code's criteria in a description: our own form exactly, other tools' labelled lines."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from workbench.io.criteria import compose_description, parse_description, read_description

EMPTY = {"inclusion": "", "exclusion": "", "example": ""}

value = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
                max_size=40)


@given(description=value, inclusion=value, exclusion=value, example=value)
def test_our_form_comes_back_exactly(description: str, inclusion: str, exclusion: str,
                                     example: str) -> None:
    fields = {"description": description, "inclusion": inclusion, "exclusion": exclusion,
              "example": example}
    text = compose_description(**fields)
    assume(parse_description(text) == fields)  # the export warns about the few that are not
    assume(inclusion or exclusion or example)
    assert read_description(text) == fields


@pytest.mark.parametrize(("text", "want"), [
    ("Friends.\n\nInclusion: a named friend\nExclusion: organisations\nExample: “A. said”",
     {"description": "Friends.", "inclusion": "a named friend", "exclusion": "organisations",
      "example": "“A. said”"}),
    # other spellings, in any order, with bullets, bold marks and continuation lines
    ("Who brought them.\n- **Inclusion criteria:** a friend\n  or a partner\n"
     "* Examples: one\n* Exclude: mentors",
     {"description": "Who brought them.", "inclusion": "a friend\nor a partner",
      "exclusion": "mentors", "example": "one"}),
    ("When to use: anger at the state\nWhen not to use: irritation",
     {"description": "", "inclusion": "anger at the state", "exclusion": "irritation",
      "example": ""}),
    # Russian, as our Russian-speaking researchers write it
    ("Про друзей.\nКритерии включения: друг привёл\nКритерии исключения: организации\n"
     "Пример: «подруга позвала»",
     {"description": "Про друзей.", "inclusion": "друг привёл", "exclusion": "организации",
      "example": "«подруга позвала»"}),
    ("Включение: чаты\nИсключение: форумы\nПримеры: «чат»\n«группа»",
     {"description": "", "inclusion": "чаты", "exclusion": "форумы",
      "example": "«чат»\n«группа»"}),
    # a label seen twice adds to its criterion
    ("X.\nExample: one\nExample: two", {"description": "X.", **EMPTY, "example": "one\ntwo"}),
])
def test_labelled_lines_of_other_tools(text: str, want: dict[str, str]) -> None:
    assert read_description(text) == want


@pytest.mark.parametrize("text", [
    "Plain description without criteria.",
    "Note: a label we do not know stays in the description.",
    "Inclusionary politics: not a label, a phrase.",
    "Line one.\n\nLine three: still the description.",
    "",
])
def test_text_without_known_labels_is_all_description(text: str) -> None:
    assert read_description(text) == {"description": text, **EMPTY}
