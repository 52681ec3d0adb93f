"""Whose words a quote is: the label a write-up, a copied quote or a list of segments gives it.

Attribution follows the role of the speaker. A respondent's words are theirs: ``Respondent 3``,
with the case attributes asked for (``Respondent 3, she/her, Almaty``) and, on request, the
time (``Respondent 3, 00:12:31``). An interviewer's words are never the respondent's:
``Interviewer, interview with Respondent 3``; another speaker (a translator) is named by their
label. In a document with several respondents (a focus group) each is named by their label
too: ``R2, Focus group 1``. Text without a speaker label (field notes) is the case's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.core.model import Document
    from workbench.core.project import Project
    from workbench.core.turns import Segment


def case_label(project: Project, document: Document, attrs: Sequence[str] = ()) -> str:
    """``Respondent 5, she/her, Almaty``: the document's case with the chosen attributes that
    it has (a quote's label is in brackets already); a document without a case is named by
    itself."""
    case = project.cases.of(document)
    if case is None:
        return document.name
    values = [case.attributes[a] for a in attrs if case.attributes.get(a)]
    return ", ".join([case.name, *values])


def attribution(
    project: Project,
    document: Document,
    segment: Segment,
    *,
    attrs: Sequence[str] = (),
    with_time: bool = False,
) -> str:
    """The label of a quote (without brackets): who said ``segment`` of ``document``.

    ``segment`` comes from ``project.codings.segment(coding)`` or
    ``project.documents.segment(document, start, end)``.
    """
    who = case_label(project, document, attrs)
    speaker, role = segment.speaker, segment.role
    if speaker is None:
        label = who
    elif role == "interviewer":
        label = f"Interviewer, interview with {who}"
    elif role == "respondent":
        respondents = [r for r in document.roles.values() if r == "respondent"]
        label = f"{speaker}, {who}" if len(respondents) > 1 else who
    else:  # "other", or a label whose role is not known: never the respondent's words
        label = f"{speaker}, interview with {who}"
    if with_time and segment.time:
        label = f"{label}, {segment.time}"
    return label
