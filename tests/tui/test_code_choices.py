"""The code picker's choices are kept while the codebook and the recent codes stay the same
(a coding changes only the counts beside them), and made again when either changes; the counts
are the codebook pane's: a code with the codes below it."""

from __future__ import annotations

from workbench.core.project import Project
from workbench.tui.screens.code_picker import CodeChoices
from workbench.tui.widgets.codebook_counts import CodeCounts


def counted(project: Project) -> CodeChoices:
    """Choices whose counts are those of the codebook pane, counted afresh each time."""
    return CodeChoices(lambda code: CodeCounts(project).of(code))

TEXT = "Respondent: Anger at the state. My sister brought me in.\n"


def _details(choices) -> dict[str, str]:
    return {choice.label: choice.detail_text() for choice in choices}


def test_a_coding_keeps_the_choices_and_changes_their_counts(project: Project) -> None:
    doc = project.documents.add("r1", TEXT, case="R1")
    anger = project.codebook.add("Emotion/Anger")
    kept = counted(project)
    first = kept.of(project, [])
    assert [c.label for c in first] == ["Emotion", "Emotion/Anger"]
    assert _details(first) == {"Emotion": "0·0", "Emotion/Anger": "0·0"}

    start = TEXT.index("Anger")
    project.codings.add(doc, start, start + len("Anger"), anger, "ann")
    again = kept.of(project, [])
    assert again is first  # not made again for a coding
    # but its count is the new one, and its parent's too (the codes below it count)
    assert _details(again) == {"Emotion": "1·1", "Emotion/Anger": "1·1"}

    project.undo()
    assert _details(kept.of(project, []))["Emotion/Anger"] == "0·0"


def test_a_change_of_the_codebook_or_of_the_recent_codes_makes_them_again(
    project: Project,
) -> None:
    anger = project.codebook.add("Anger")
    kept = counted(project)
    first = kept.of(project, [])

    project.codebook.rename(anger, "Rage")
    renamed = kept.of(project, [])
    assert renamed is not first and [c.label for c in renamed] == ["Rage"]

    family = project.codebook.add("Family")
    added = kept.of(project, [])
    assert [c.label for c in added] == ["Rage", "Family"]  # codebook order

    recent = kept.of(project, [family])
    assert [(c.key, c.label) for c in recent] == [("1", "Family"), (" ", "Rage")]

    project.undo()  # Family gone: the choices follow the codebook back
    assert [c.label for c in kept.of(project, [])] == ["Rage"]


def test_another_project_is_never_shown_the_first_ones_choices(tmp_path) -> None:
    one = Project.create(tmp_path / "one", name="one")
    two = Project.create(tmp_path / "two", name="two")
    try:
        one.codebook.add("Only in one")
        kept = counted(one)
        assert [c.label for c in kept.of(one, [])] == ["Only in one"]
        assert kept.of(two, []) == []
    finally:
        for proj in (one, two):
            if proj.lock is not None:
                proj.lock.release()
