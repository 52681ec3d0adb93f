"""Zoom, Otter and Teams captions (.vtt, .srt) as speaker turns.

Every cue yields pieces of speech: a Teams voice tag ``<v Name>`` names the speaker, else a
``Name:`` or ``[Name]`` label at the start of a cue line does (see ``core.turns.label_of``).
Consecutive pieces by one speaker become one turn, written on one line as ``Speaker: text``;
a piece without a speaker continues the turn before it, or stands alone when there is none.
Every turn's :class:`Paragraph` carries the start of its first cue and the end of its last.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import timedelta

from workbench.core.model import Paragraph
from workbench.core.text import normalise
from workbench.core.turns import label_of
from workbench.errors import WorkbenchError

# WebVTT cue text: every <...> is a tag (a literal "<" must be written &lt;).
_VTT_TAG = re.compile(r"<([^>\n]*)>")
# SubRip has no tag syntax of its own; players know a few HTML-like tags and ASS overrides.
_SRT_TAG = re.compile(
    r"<(/?(?:[ibusc]|v|font|span|ruby|rt|lang)(?:[\s.][^>\n]*)?)>|\{\\[^}\n]*\}", re.IGNORECASE
)
_VOICE = re.compile(r"v(?:\.[^\s.>]+)*\s+(\S.*)", re.DOTALL | re.IGNORECASE)


@dataclass(slots=True)
class _Piece:
    """Speech from one cue by one speaker (``None`` when the cue does not say)."""

    speaker: str | None
    words: list[str]
    begin_ms: int
    end_ms: int


@dataclass(slots=True)
class _Turn:
    speaker: str | None
    words: list[str] = field(default_factory=list)
    begin_ms: int = 0
    end_ms: int = 0


def read_vtt(text: str, source: str) -> tuple[str, list[Paragraph]]:
    """Turns of a WebVTT file, already decoded and normalised."""
    import webvtt

    if not text.startswith("WEBVTT"):
        text = "WEBVTT\n\n" + text  # be lenient: some tools drop the header
    try:
        captions = webvtt.WebVTT.from_string(text).captions
        cues = [
            (c.start_time.in_milliseconds(), c.end_time.in_milliseconds(), "\n".join(c.lines))
            for c in captions
        ]
    except Exception as exc:  # webvtt raises its own errors, ValueError, ...
        raise WorkbenchError(f"{source} is not a readable .vtt file ({_reason(exc)})") from None
    return _build(cues, _VTT_TAG, source, unescape=True)


def read_srt(text: str, source: str) -> tuple[str, list[Paragraph]]:
    """Turns of a SubRip file, already decoded and normalised."""
    import srt

    if text.startswith("WEBVTT"):
        return read_vtt(text, source)  # a WebVTT file saved as .srt
    try:
        subs = list(srt.parse(text))
        cues = [(_ms(s.start), _ms(s.end), s.content) for s in subs]
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        raise WorkbenchError(
            f"{source} is not a readable .srt file: unexpected text on line {line}"
        ) from None
    except Exception as exc:  # timestamps too large (OverflowError), ...
        raise WorkbenchError(f"{source} is not a readable .srt file ({_reason(exc)})") from None
    return _build(cues, _SRT_TAG, source, unescape=False)


def clock(ms: int) -> str:
    """Milliseconds as ``HH:MM:SS.mmm``."""
    hours, rest = divmod(max(ms, 0), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


# --------------------------------------------------------------------------- internals


def _ms(delta: timedelta) -> int:
    return delta // timedelta(milliseconds=1)


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:80]
    return text or type(exc).__name__


def _build(
    cues: list[tuple[int, int, str]], tags: re.Pattern[str], source: str, *, unescape: bool
) -> tuple[str, list[Paragraph]]:
    if not cues:
        raise WorkbenchError(f"{source} has no cues (no timed captions were found)")
    pieces: list[_Piece] = []
    for begin, end, raw in cues:
        for speaker, body in _voice_segments(raw, tags):
            if unescape:
                body = html.unescape(body)
                speaker = html.unescape(speaker) if speaker else None
            pieces.extend(_label_pieces(speaker, body, begin, end))
    lines: list[str] = []
    paragraphs: list[Paragraph] = []
    pos = 0
    for turn in _merge(pieces):
        body = normalise(" ".join(turn.words))
        if not body.strip():
            continue  # only characters that normalising drops, such as a stray BOM
        speaker = normalise(turn.speaker or "").strip() or None
        line = normalise(f"{speaker}: {body}" if speaker else body)
        lines.append(line)
        paragraphs.append(
            Paragraph(pos, pos + len(line), speaker, clock(turn.begin_ms), clock(turn.end_ms))
        )
        pos += len(line) + 1
    if not lines:
        raise WorkbenchError(f"{source} has cues but no words in them")
    return "\n".join(lines) + "\n", paragraphs


def _voice_segments(raw: str, tags: re.Pattern[str]) -> list[tuple[str | None, str]]:
    """Split a cue's text at voice tags and drop every other tag: ``[(voice, text), ...]``."""
    segments: list[tuple[str | None, str]] = []
    voice: str | None = None
    buf: list[str] = []
    pos = 0
    for match in tags.finditer(raw):
        buf.append(raw[pos:match.start()])
        pos = match.end()
        tag = (match.group(1) or "").strip()
        found = _VOICE.fullmatch(tag)
        if found or tag.lower() == "/v":
            segments.append((voice, "".join(buf)))
            buf = []
            voice = (" ".join(found.group(1).split()) or None) if found else None
    buf.append(raw[pos:])
    segments.append((voice, "".join(buf)))
    return [(v, t) for v, t in segments if v or t.strip()]


def _label_pieces(voice: str | None, body: str, begin: int, end: int) -> list[_Piece]:
    """Pieces of one cue segment; without a voice, a labelled line starts a new speaker."""
    pieces = [_Piece(voice, [], begin, end)]
    for line in body.split("\n"):
        if voice is None:
            label = label_of(line)
            if label is not None:
                line = line[label.end:]
                if pieces[-1].speaker is None and not pieces[-1].words:
                    pieces.pop()
                pieces.append(_Piece(" ".join(label.name.split()), [], begin, end))
        pieces[-1].words.extend(line.split())
    return [p for p in pieces if p.speaker or p.words]


def _merge(pieces: list[_Piece]) -> list[_Turn]:
    """Join consecutive pieces of one speaker (or of no speaker after a speaker) into turns."""
    turns: list[_Turn] = []
    for piece in pieces:
        last = turns[-1] if turns else None
        if last is not None and last.speaker is not None and piece.speaker in (None, last.speaker):
            last.words.extend(piece.words)
            last.end_ms = max(last.end_ms, piece.end_ms)
            continue
        turns.append(_Turn(piece.speaker, list(piece.words), piece.begin_ms, piece.end_ms))
    return [t for t in turns if t.words]
