"""Speaker turns of a normalised text: labels, utterances, roles and times.

A paragraph is one non-empty line. A line may begin with a speaker **label**: ``Interviewer:``,
``R2:``, ``Респондент:``, ``[Aigerim]``, ``**Q:**``, ``[00:12:31] Speaker 1:``, or a line
``Speaker 1  0:03`` on its own (as Otter writes). A paragraph without a label continues the
turn before it. The label stays in the text, so offsets never move; the words after it are the
turn's **utterance**, which is what is coded, quoted and searched.

What counts as a label is decided for the whole document: a name the role vocabulary knows
(Interviewer, Respondent 3, Q, Модератор, Сұхбат алушы, ...), a name the importer knew (a
caption voice) or the user named, or a short capitalised name that starts at least two lines.
A header line such as ``Date: 12 May``, ``Interview 1:`` or ``Duration: 52 min`` is not a label.

Each label has a **role**, ``interviewer``, ``respondent`` or ``other`` (:func:`detect_roles`):
from the vocabulary, else the speaker who asks the most questions is the interviewer.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.core.model import Paragraph, paragraph_record
from workbench.store import migrations

if TYPE_CHECKING:
    from workbench.core.model import Document

ROLES = ("interviewer", "respondent", "other")


class _Lazy:
    """A regular expression compiled when first used: every start of the interface imports
    this module, and showing a document needs few of its patterns (the labels of a document
    are found when it is imported)."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled

    def match(self, text: str, *bounds: int) -> re.Match[str] | None:
        return self.pattern.match(text, *bounds)

    def search(self, text: str, *bounds: int) -> re.Match[str] | None:
        return self.pattern.search(text, *bounds)

    def sub(self, replacement: str, text: str) -> str:
        return self.pattern.sub(replacement, text)


# --------------------------------------------------------------------------- the vocabulary

_INTERVIEWER_WORDS = {
    "interviewer", "int", "intv", "i", "iv", "q", "question", "moderator", "mod", "facilitator",
    "researcher", "интервьюер", "интервьюерка", "интервьюерша", "и", "в", "вопрос", "модератор",
    "модераторка", "исследователь", "исследовательница", "ведущий", "ведущая", "сұхбат алушы",
    "зерттеуші", "сұрақ",
}
_RESPONDENT_WORDS = {
    "respondent", "resp", "r", "a", "answer", "participant", "part", "p", "interviewee",
    "informant", "респондент", "респондентка", "информант", "информантка", "участник",
    "участница", "р", "о", "ответ", "опрашиваемый", "опрашиваемая", "сұхбат беруші", "қатысушы",
    "жауап", "ақпарат беруші",
}
_OTHER_WORDS = {
    "translator", "interpreter", "observer", "note-taker", "notetaker", "assistant",
    "переводчик", "переводчица", "наблюдатель", "наблюдательница", "ассистент", "аудармашы",
    "бақылаушы",
}
#: Labels that name a speaker without saying their role ("Speaker 2", "Unknown speaker").
_SPEAKER_WORDS = {
    "speaker", "unknown speaker", "voice", "спикер", "говорящий", "говорящая", "голос",
    "сөйлеуші",
}
_ROLE_OF_WORD = {
    **{w: "interviewer" for w in _INTERVIEWER_WORDS},
    **{w: "respondent" for w in _RESPONDENT_WORDS},
    **{w: "other" for w in _OTHER_WORDS},
}
#: First words of header lines, never labels ("Date: 12 May", "Interview 1:", "Тема: ...").
_HEADER_WORDS = {
    "date", "time", "place", "location", "venue", "duration", "length", "interview",
    "transcript", "transcription", "transcriber", "transcribed", "recording", "recorded", "file",
    "audio", "video", "subject", "title", "topic", "theme", "note", "notes", "comment",
    "comments", "language", "mode", "setting", "format", "project", "study", "pseudonym", "age",
    "gender", "pronouns", "city", "occupation", "education", "participants", "attendees",
    "present", "source", "url", "link", "page", "summary", "keywords", "tags", "started", "ended",
    "start", "end", "дата", "время", "место", "длительность", "продолжительность", "интервью",
    "транскрипт", "расшифровка", "запись", "файл", "тема", "примечание", "примечания",
    "комментарий", "язык", "формат", "проект", "возраст", "пол", "город", "участники", "начало",
    "конец", "күні", "уақыты", "орны", "ұзақтығы", "сұхбат", "тақырып", "ескерту", "тіл", "жасы",
    "қала",
}
#: Bracketed stage directions at a line start, never labels ("[Laughter]", "[Пауза]").
_DIRECTIONS = {
    "laughs", "laughter", "laughing", "pause", "inaudible", "crosstalk", "silence", "music",
    "applause", "unclear", "noise", "interruption", "overlapping", "смеётся", "смеется", "смех",
    "пауза", "неразборчиво", "тишина", "шум", "күледі", "күлкі", "үзіліс",
}
_NUMBERED = _Lazy(r"(?:[\s_#№-]*\d+|\s+[^\W\d_])$")


def _word_key(name: str) -> str:
    """A label as the vocabulary knows it: ``Interviewer 2`` -> ``interviewer``, ``R3`` -> ``r``."""
    key = " ".join(name.casefold().replace("*", "").split()).strip(".")
    stripped = _NUMBERED.sub("", key)
    return stripped or key


def role_of_label(name: str) -> str | None:
    """The role a label's words say (``Interviewer 1``, ``Q``, ``Респондент``, ``Сұхбат алушы``),
    or ``None`` when they do not say."""
    return _ROLE_OF_WORD.get(_word_key(name))


def _known_word(name: str) -> bool:
    key = _word_key(name)
    return key in _ROLE_OF_WORD or key in _SPEAKER_WORDS


def _is_header(name: str) -> bool:
    first = name.casefold().replace("*", "").split()[0].strip(".")
    return (first in _HEADER_WORDS or first in _DIRECTIONS) and not _known_word(name)


# --------------------------------------------------------------------------- labels of a line

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_LEAD = rf"(?:(?:[\[(](?P<lead>{_TIME})[\])]|(?P<bare>{_TIME}))[ \t]+)?"
_AFTER = rf"(?:[ \t]*[\[(](?P<after>{_TIME})[\])])?"
_TRAIL = rf"(?:[ \t]*[\[(](?P<trail>{_TIME})[\])](?=[ \t]|$))?"  # "Dana: [00:01:40] ..."
_MD = r"(?:\*\*|__)?"
_NAME = r"[^\W\d_][\w.'’\-]*(?:[ \t]+[\w.'’\-]+){0,3}?"
_COLON = _Lazy(
    rf"^[ \t]*{_LEAD}{_MD}(?P<name>{_NAME}){_AFTER}{_MD}[ \t]*:{_MD}(?=[ \t]|$){_TRAIL}[ \t]*"
)
_BRACKET = _Lazy(
    rf"^[ \t]*{_LEAD}\[(?P<name>[^\]\n\d\W][^\]\n]{{0,39}})\]{_AFTER}[ \t]*:?{_TRAIL}[ \t]*"
)
_ALONE = _Lazy(rf"^[ \t]*(?P<name>{_NAME})[ \t]+(?P<after>{_TIME})[ \t]*$")
#: What a header goes on with: a date, a time, a number ("12 May", "14:00", "52 minutes").
_VALUE_REST = _Lazy(r"^\d[\d\s.,:/\-]*(?:\s*\w+){0,2}\.?$")


@dataclass(frozen=True, slots=True)
class Label:
    """A speaker label at the start of a line: the name as written and where the words begin
    (``end``, an offset in the line); ``time`` is a time mark written with it."""

    name: str
    end: int
    time: str | None = None
    form: str = "colon"  # "colon" | "bracket" | "alone" | "given"


def label_of(line: str, known: Collection[str] = ()) -> Label | None:
    """The label a line begins with, if it could be one (the document decides, see
    :func:`paragraphs_of`). ``known`` names labels to take as they are written."""
    for name in sorted(known, key=len, reverse=True):
        found = _given(name).match(line)
        if found:
            time = _TIME_IN_LABEL.search(line, 0, found.end())
            return Label(name, found.end(), clock(time.group()) if time else None, "given")
    for pattern, form in ((_BRACKET, "bracket"), (_COLON, "colon"), (_ALONE, "alone")):
        found = pattern.match(line)
        if found is None:
            continue
        name = found.group("name").strip()
        groups = found.groupdict()
        time = next((groups[g] for g in ("lead", "bare", "after", "trail") if groups.get(g)), None)
        end = len(line) if form == "alone" else found.end()
        label = Label(name, end, clock(time) if time else None, form)
        return label if _plausible(label, line) else None
    return None


def speaker_of(line: str) -> str | None:
    """The name of the label a line starts with, judged by the line alone (a caption cue, a
    line of speech), or ``None``."""
    label = label_of(line)
    return label.name if label is not None else None


@functools.lru_cache(maxsize=256)
def _given(name: str) -> re.Pattern[str]:
    """A pattern for a label known by name: ``[Name]``, ``Name:`` or ``Name  0:03``, with the
    time marks and Markdown emphasis :data:`_COLON` allows."""
    e = re.escape(name)
    lead = rf"(?:(?:[\[(]{_TIME}[\])]|{_TIME})[ \t]+)?"
    after = rf"(?:[ \t]*[\[(]{_TIME}[\])])?"
    trail = rf"(?:[ \t]*[\[(]{_TIME}[\])](?=[ \t]|$))?"
    return re.compile(
        rf"^[ \t]*{lead}(?:\[{e}\]{after}[ \t]*:?{trail}"
        rf"|{_MD}{e}{after}{_MD}[ \t]*:{_MD}(?=[ \t]|$){trail}"
        rf"|{e}[ \t]+{_TIME}[ \t]*$)[ \t]*"
    )


_TIME_IN_LABEL = _Lazy(_TIME)


def _plausible(label: Label, line: str) -> bool:
    """Whether a label could be a speaker's (a short name, not a header line)."""
    name = label.name
    if not name or len(name) > 40 or name[0].isdigit() or _is_header(name):
        return False
    if _known_word(name):
        return True
    words = name.replace("*", "").split()
    if not all(w[0].isupper() or w[0].isdigit() for w in words):
        return False  # "so I said: no" is speech
    rest = line[label.end:].strip()
    return not (label.form == "colon" and _VALUE_REST.match(rest))


def _stands_alone(label: Label) -> bool:
    """A label that needs no other line to be believed: a role word or a speaker number."""
    return label.form == "given" or _known_word(label.name)


# --------------------------------------------------------------------------- paragraphs


def paragraphs_of(text: str, known: Collection[str] = ()) -> list[Paragraph]:
    """One :class:`Paragraph` per non-empty line, with its speaker when it begins with a label.

    A candidate label counts when it is in ``known``, is a role word or a numbered speaker, or
    starts at least two lines of the text.
    """
    lines: list[tuple[int, int, Label | None]] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            lines.append((pos, end, label_of(line, known)))
        pos = end + 1
    counts = Counter(label.name for _, _, label in lines if label is not None)
    return [
        Paragraph(start, end, label.name if label and _accepted(label, counts) else None)
        for start, end, label in lines
    ]


def _accepted(label: Label, counts: Mapping[str, int]) -> bool:
    return _stands_alone(label) or counts[label.name] >= 2


def relabel(
    text: str, paragraphs: Sequence[Paragraph], known: Collection[str] = ()
) -> list[Paragraph]:
    """The paragraphs of ``text`` read again by the rules, keeping what an importer knew: cue
    times, and the speakers of timed paragraphs (caption voices) are taken as known labels."""
    voices = {p.speaker for p in paragraphs if p.speaker and (p.begin_time or p.end_time)}
    fresh = paragraphs_of(text, {*known, *voices})
    by_span = {(p.start, p.end): p for p in paragraphs}
    for p in fresh:
        old = by_span.get((p.start, p.end))
        if old is not None:
            p.begin_time, p.end_time = old.begin_time, old.end_time
    return fresh


def utterance_start(text: str, paragraph: Paragraph) -> int:
    """Where the words of a paragraph begin, after its speaker label (if it has one)."""
    if not paragraph.speaker:
        return paragraph.start
    line = text[paragraph.start:paragraph.end]
    label = label_of(line, (paragraph.speaker,))
    return paragraph.start + (label.end if label is not None else 0)


# --------------------------------------------------------------------------- roles


def detect_roles(
    text: str, paragraphs: Sequence[Paragraph], interviewers: Collection[str] = ()
) -> dict[str, str]:
    """The role of every speaker label of a text.

    The labels in ``interviewers`` are the interviewer's; other labels take the role their
    words say (``Interviewer``, ``Respondent 2``, ``Translator``, ``Интервьюер``, ...). When no
    label is the interviewer's, the speaker whose turns ask the most questions is. Labels still
    without a role are respondents when there is an interviewer (or they are alone), else
    ``other``.
    """
    turns = build_turns(text, paragraphs)
    labels = list(dict.fromkeys(t.speaker for t in turns if t.speaker))
    roles: dict[str, str] = {}
    for label in labels:
        if label in interviewers:
            roles[label] = "interviewer"
        elif (said := role_of_label(label)) is not None:
            roles[label] = said
    unknown = [label for label in labels if label not in roles]
    if unknown and "interviewer" not in roles.values() and len(labels) > 1:
        asker = _most_questions(text, turns, unknown)
        if asker is not None:
            roles[asker] = "interviewer"
            unknown.remove(asker)
    sure = "interviewer" in roles.values() or len(unknown) == 1
    for label in unknown:
        roles[label] = "respondent" if sure else "other"
    return roles


def _most_questions(text: str, turns: Sequence[Turn], labels: list[str]) -> str | None:
    """The label whose turns hold the most questions (ties broken by the share of their turns
    that ask); ``None`` when nobody asks or two tie exactly."""
    asked: Counter[str] = Counter()
    spoke: Counter[str] = Counter()
    for turn in turns:
        if turn.speaker in labels:
            spoke[turn.speaker] += 1
            if "?" in text[turn.utterance:turn.end] or "؟" in text[turn.utterance:turn.end]:
                asked[turn.speaker] += 1
    scored = sorted(
        ((asked[label], asked[label] / spoke[label], label) for label in labels if asked[label]),
        reverse=True,
    )
    if not scored or (len(scored) > 1 and scored[0][:2] == scored[1][:2]):
        return None
    return scored[0][2]


def check_roles(roles: Mapping[str, str]) -> str | None:
    """Why a label -> role mapping is not valid, or ``None``."""
    for label, role in roles.items():
        if not isinstance(label, str) or not label.strip():
            return f"a speaker label must be text, not {label!r}"
        if role not in ROLES:
            return f"the role of {label!r} must be interviewer, respondent or other, not {role!r}"
    return None


# --------------------------------------------------------------------------- times

#: Time marks in a text: "[00:12:31]" or "(12:31)" anywhere, "00:12:31" at a line start (two
#: patterns, each beginning with what the regular expression engine can search for quickly).
_MARK = re.compile(rf"[\[(]({_TIME})[\])]")
_LINE_MARK = re.compile(r"\n[ \t]*(\d{1,2}:\d{2}:\d{2})(?:[.,]\d{1,3})?(?=\s|$)")


def clock(value: str) -> str | None:
    """A time mark (``12:31``, ``1:02:03``, ``00:00:02.100``) as ``HH:MM:SS``; ``None`` when it
    is not one (minutes and seconds above 59)."""
    parts = value.replace(",", ".").split(".")[0].split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    if len(numbers) == 2:
        numbers.insert(0, 0)
    hours, minutes, seconds = numbers
    if minutes > 59 or seconds > 59:
        return None
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


# --------------------------------------------------------------------------- turns


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker's turn: ``text[start:end]`` holds its label and all its paragraphs, the
    words begin at ``utterance``. ``paragraphs`` is the range of the document's paragraphs it
    spans; ``time`` is ``HH:MM:SS`` when the turn has a cue time or a time mark at its start."""

    speaker: str | None
    start: int
    utterance: int
    end: int
    paragraphs: range
    time: str | None = None

    @property
    def utterance_span(self) -> tuple[int, int]:
        """``(utterance, end)``: what coding the whole turn codes."""
        return self.utterance, self.end


@dataclass(frozen=True, slots=True)
class Segment:
    """A span as it is quoted: ``text`` is ``document.text[start:end]`` without a speaker label
    at its edges, with the speaker, role and time of the turn it begins in."""

    start: int
    end: int
    text: str
    speaker: str | None = None
    role: str | None = None
    time: str | None = None


#: What may follow "Name: " and not be the first word of the utterance.
_NOT_WORDS = frozenset(" \t[(*_0123456789")


def build_turns(text: str, paragraphs: Sequence[Paragraph]) -> list[Turn]:
    """The turns of a text from its paragraphs (a paragraph without a speaker continues the
    turn before it; paragraphs before the first label form a turn of no speaker)."""
    turns: list[Turn] = []
    first = 0
    for n in range(1, len(paragraphs) + 1):
        if n < len(paragraphs) and not paragraphs[n].speaker:
            continue
        turns.append(_turn(text, paragraphs, range(first, n)))
        first = n
    return turns


def _turn(text: str, paragraphs: Sequence[Paragraph], span: range) -> Turn:
    head = paragraphs[span.start]
    speaker = head.speaker
    label = None
    after = head.start + len(speaker) + 2 if speaker else 0
    if speaker and text.startswith(f"{speaker}: ", head.start) and after < head.end \
            and text[after] not in _NOT_WORDS:
        utterance = after  # "Name: words", most turns: no pattern to match
    else:
        label = label_of(text[head.start:head.end], (speaker,)) if speaker else None
        utterance = head.start + (label.end if label is not None else 0)
    if utterance >= head.end and len(span) > 1:
        utterance = paragraphs[span.start + 1].start  # a label on a line of its own
    time = clock(head.begin_time) if head.begin_time else None
    if time is None and label is not None:
        time = label.time
    return Turn(head.speaker, head.start, utterance, paragraphs[span.stop - 1].end, span, time)


class Turns(Sequence[Turn]):
    """The turns of one document, with the lookups a quote, a search hit or a keypress needs."""

    def __init__(self, text: str, paragraphs: Sequence[Paragraph]) -> None:
        self.text = text
        self.paragraphs = list(paragraphs) or paragraphs_of(text)
        self._turns = build_turns(text, self.paragraphs)
        self._starts = [t.start for t in self._turns]
        self._labels = [(t.start, t.utterance) for t in self._turns if t.utterance > t.start]
        self._label_starts = [s for s, _ in self._labels]
        times: dict[int, str] = {}
        for p in self.paragraphs:
            if p.begin_time and (found := clock(p.begin_time)):
                times[p.start] = found
        for turn in self._turns:
            if turn.time is not None:
                times.setdefault(turn.start, turn.time)
        for pattern, lead in ((_MARK, 0), (_LINE_MARK, 1)):
            for match in pattern.finditer("\n" + text if lead else text):
                found = clock(match.group(1))
                if found is not None:
                    times.setdefault(match.start(), found)  # after "\n": the line start
        self._times = sorted(times.items())
        self._time_offsets = [offset for offset, _ in self._times]

    def __getitem__(self, index):  # type: ignore[override]
        return self._turns[index]

    def __len__(self) -> int:
        return len(self._turns)

    def __iter__(self) -> Iterator[Turn]:
        return iter(self._turns)

    def at(self, offset: int) -> Turn | None:
        """The turn holding ``offset`` (a blank line belongs to the turn above it); ``None``
        before the first paragraph."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._turns[i] if i >= 0 else None

    def index_at(self, offset: int) -> int:
        """The index of :meth:`at`'s turn (``-1`` before the first)."""
        return bisect.bisect_right(self._starts, offset) - 1

    def label_at(self, offset: int) -> tuple[int, int] | None:
        """The label ``(start, utterance)`` that ``offset`` falls in, if any."""
        i = bisect.bisect_right(self._label_starts, offset) - 1
        if i >= 0 and offset < self._labels[i][1]:
            return self._labels[i]
        return None

    def speaker_at(self, offset: int) -> str | None:
        """The speaker of the turn holding ``offset``."""
        turn = self.at(offset)
        return turn.speaker if turn is not None else None

    def time_at(self, offset: int) -> str | None:
        """The last time known at or before ``offset``: a cue time or a time mark."""
        i = bisect.bisect_right(self._time_offsets, offset) - 1
        return self._times[i][1] if i >= 0 else None

    def trim(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` without a speaker label at its edges: a start inside a label moves
        to the utterance, an end inside one moves back before it (and before the whitespace
        there), as often as labels follow each other. A span that is only labels is returned as
        it was."""
        text = self.text
        new_start, new_end = start, end
        while new_start < new_end and (label := self.label_at(new_start)) is not None:
            new_start = label[1]
            while new_start < new_end and text[new_start].isspace():
                new_start += 1
        while new_end > new_start and (label := self.label_at(new_end - 1)) is not None:
            new_end = label[0]
            while new_end > new_start and text[new_end - 1].isspace():
                new_end -= 1
        if new_end <= new_start:
            return start, end
        return new_start, new_end

    def segment(self, start: int, end: int, roles: Mapping[str, str]) -> Segment:
        """The span as quoted (:meth:`trim`), with its speaker, role and time."""
        start, end = self.trim(start, end)
        speaker = self.speaker_at(start)
        return Segment(
            start,
            end,
            self.text[start:end],
            speaker,
            roles.get(speaker) if speaker else None,
            self.time_at(start),
        )


_CACHE: OrderedDict[str, tuple[str, list[Paragraph], Turns]] = OrderedDict()
_CACHE_SIZE = 1024  # every document of a large study


def turns_of(document: Document) -> Turns:
    """The turns of a document, built once for each version of its text and paragraphs."""
    text, paragraphs = document.text, document.paragraphs
    hit = _CACHE.get(document.id)
    if hit is not None and hit[0] is text and hit[1] is paragraphs:
        _CACHE.move_to_end(document.id)
        return hit[2]
    turns = Turns(text, paragraphs)
    _CACHE[document.id] = (text, paragraphs, turns)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return turns


def segment_of(document: Document, start: int, end: int) -> Segment:
    """``document.text[start:end]`` as it is quoted: no label, with speaker, role and time."""
    return turns_of(document).segment(start, end, document.roles)


def speakers_of(document: Document) -> list[tuple[str, int]]:
    """The document's speaker labels in order of first appearance, with their turn counts."""
    counts: Counter[str] = Counter(t.speaker for t in turns_of(document) if t.speaker)
    return list(counts.items())


# --------------------------------------------------------------------------- older files


def upgrade_document(record: dict[str, Any]) -> dict[str, Any]:
    """A schema-1 document record with its paragraphs read by today's rules (cue times and
    caption voices kept) and the role of each speaker label."""
    text = record.get("text")
    if not isinstance(text, str):
        return record  # a damaged record: `workbench check` names it
    old: Iterable[Any] = record.get("paragraphs") or []
    paragraphs = [
        Paragraph(p["start"], p["end"], p.get("speaker"), p.get("begin_time"), p.get("end_time"))
        for p in old
        if isinstance(p, dict) and isinstance(p.get("start"), int) and isinstance(p.get("end"), int)
    ]
    fresh = relabel(text, paragraphs)
    return {
        **record,
        "paragraphs": [paragraph_record(p) for p in fresh],
        "roles": detect_roles(text, fresh),
    }


migrations.read_turns_with(upgrade_document)
