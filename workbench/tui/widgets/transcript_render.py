"""Painting one visual row of the transcript view into a Strip.

The view decides *what* is on a row (codings, matches, selection, cursor); this module decides
how it looks. Colours come from the view's component classes (so Textual themes apply) and from
the codes' own colours, blended into the background so text stays readable; where the terminal
has only 16 colours, or the theme uses the terminal's own ANSI colours, the code colour is used
as it is, with a contrasting text colour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from workbench.core.model import Coding
from workbench.tui.widgets.transcript_layout import TextLayout, display_text

#: Gutter: line number, a space, the time of a turn and a space (when the document has times),
#: up to STRIPES coding stripes, a space.
STRIPES = 4
STRIPE_CHAR = "\u258c"  # left half block
RULE_CHAR = "\u2500"
def gutter_width(line_count: int, time_width: int = 0) -> int:
    """Cells left of the text: line numbers of ``line_count`` lines, times ``time_width``
    wide (none when 0), the stripes."""
    return len(str(max(line_count, 1))) + 2 + STRIPES + (time_width + 1 if time_width else 0)


@dataclass
class Palette:
    """The styles rows are painted with; rebuilt when the theme or CSS changes."""

    base: Style
    background: Color
    gutter: Style
    gutter_current: Style
    cursor: Style
    cursor_blurred: Style
    selection: Style
    match: Style
    match_current: Style
    speakers: Sequence[Style]
    rule: Style
    strong: bool  # 16 colours or an ANSI theme: no blending
    _codes: dict[str, tuple[Style, Style, Style]] = field(default_factory=dict)

    def code_styles(self, color: str) -> tuple[Style, Style, Style]:
        """(background where one coding covers, where several overlap, gutter stripe)."""
        found = self._codes.get(color)
        if found is not None:
            return found
        try:
            code = Color.parse(color)
        except Exception:  # noqa: BLE001 - a bad colour in a project file must not crash the view
            code = Color(136, 136, 136)
        if self.strong:
            text = code.get_contrast_text(1.0)
            single = Style(bgcolor=code.rich_color, color=text.rich_color)
            overlap = Style(
                bgcolor=code.rich_color, color=text.rich_color, underline=True, bold=True
            )
        else:
            one = self.background.blend(code, 0.35)
            many = self.background.blend(code, 0.6)
            single = Style(bgcolor=one.rich_color)
            overlap = Style(
                bgcolor=many.rich_color,
                color=(many + many.get_contrast_text(0.9)).rich_color,
                underline=True,
            )
        stripe = Style(color=code.rich_color, bgcolor=self.base.bgcolor)
        found = self._codes[color] = (single, overlap, stripe)
        return found


def overlay_style(widget, name: str) -> Style:  # noqa: ANN001 - a Textual widget
    """Only what a component class sets (colour, background, text style) as a Rich style."""
    styles = widget.get_component_styles(name)
    full = widget.get_component_rich_style(name)
    out = Style(
        color=full.color if styles.has_rule("color") else None,
        bgcolor=full.bgcolor if styles.has_rule("background") else None,
    )
    if styles.has_rule("text_style"):
        out += styles.text_style
    return out


def build_palette(widget, *, strong: bool = False) -> Palette:  # noqa: ANN001 - the view
    """The palette of a transcript view from its component classes and background."""
    base = widget.rich_style
    background = widget.background_colors[1]
    strong = strong or background.ansi is not None
    if widget.is_attached and not widget.app.is_headless:
        strong = strong or widget.app.console.color_system in ("standard", "windows")
    return Palette(
        base=base,
        background=background if background.a else Color(0, 0, 0),
        gutter=base + overlay_style(widget, "transcript--gutter"),
        gutter_current=base + overlay_style(widget, "transcript--gutter-current"),
        cursor=overlay_style(widget, "transcript--cursor") or Style(reverse=True),
        cursor_blurred=overlay_style(widget, "transcript--cursor-blurred"),
        selection=overlay_style(widget, "transcript--selection"),
        match=overlay_style(widget, "transcript--match"),
        match_current=overlay_style(widget, "transcript--match-current"),
        speakers=[overlay_style(widget, f"transcript--speaker-{n}") for n in (1, 2, 3)],
        rule=base + overlay_style(widget, "transcript--rule"),
        strong=strong,
    )


@dataclass(slots=True)
class RowState:
    """Everything besides the text that decides how a row looks."""

    codings: Sequence[Coding]
    color_of: Callable[[str], str]
    matches: Iterable[tuple[int, int, bool]]
    selection: tuple[int, int] | None
    cursor: int | None
    cursor_line: bool
    focused: bool
    speaker: int | None  # style index of the speaker label, if the row starts one
    label: int = 0  # how many characters of the row's line the label takes
    time: str | None = None  # the time of the turn the row starts
    time_width: int = 0  # the width of the gutter's time column (0: none)


def paint_row(
    layout: TextLayout,
    line: int,
    k: int,
    width: int,
    palette: Palette,
    state: RowState,
) -> Strip:
    """The strip of the k-th text row of ``line``, ``width`` cells wide (gutter included)."""
    gutter = gutter_width(layout.line_count, state.time_width)
    area = max(width - gutter, 1)
    start, end = layout.row_span(line, k)
    last = layout.is_last_row(line, k)
    reach = end + 1 if last else end  # a line break belongs to the last row

    segments: list[Segment] = []
    _paint_gutter(segments, layout, line, k, start, reach, palette, state)

    text = layout.text
    base = palette.base
    # Where the look may change: every edge of a mark, clipped to the row.
    cuts = {start, end}
    codings = [
        (max(c.start, start), min(c.end, end), c)
        for c in state.codings
        if c.start < end and c.end > start
    ]
    for a, b, _ in codings:
        cuts.add(a)
        cuts.add(b)
    matches = [(max(a, start), min(b, end), cur) for a, b, cur in state.matches]
    for a, b, _ in matches:
        cuts.add(a)
        cuts.add(b)
    sel = state.selection
    if sel is not None:
        sel = (max(sel[0], start), min(sel[1], end))
        cuts.update(sel)
    label = None
    if state.speaker is not None and k == 0 and state.label:
        label = (start, start + state.label)
        cuts.add(min(label[1], end))
    cursor = state.cursor
    if cursor is not None and start <= cursor < end:
        cuts.add(cursor)
        cuts.add(cursor + 1)
    points = sorted(p for p in cuts if start <= p <= end)

    used = 0
    for a, b in zip(points, points[1:], strict=False):
        if a >= b:
            continue
        style = base
        if label is not None and a < label[1]:
            style = style + palette.speakers[state.speaker % len(palette.speakers)]
        covering = [c for ca, cb, c in codings if ca <= a and b <= cb]
        if covering:
            if len(covering) == 1:
                style = style + palette.code_styles(state.color_of(covering[0].id))[0]
            else:
                inner = min(covering, key=lambda c: (c.end - c.start, c.start))
                style = style + palette.code_styles(state.color_of(inner.id))[1]
        for ma, mb, current in matches:
            if ma <= a and b <= mb:
                style = style + (palette.match_current if current else palette.match)
                break
        if sel is not None and sel[0] <= a and b <= sel[1]:
            style = style + palette.selection
        if cursor is not None and a == cursor:
            style = style + (palette.cursor if state.focused else palette.cursor_blurred)
        chunk = text[a:b]
        shown = display_text(chunk)
        cells = layout.cells_between(line, a, b)
        used += cells
        segments.append(Segment(shown, style))

    if cursor is not None and last and cursor == end:
        style = base
        if sel is not None and sel[0] <= end < sel[1]:
            style = style + palette.selection
        style = style + (palette.cursor if state.focused else palette.cursor_blurred)
        segments.append(Segment(" ", style))
        used += 1
    if used < area:
        segments.append(Segment(" " * (area - used), base))
        used = area
    return Strip(segments, gutter + used).simplify()


def _paint_gutter(
    segments: list[Segment],
    layout: TextLayout,
    line: int,
    k: int,
    start: int,
    reach: int,
    palette: Palette,
    state: RowState,
) -> None:
    digits = len(str(max(layout.line_count, 1)))
    if k == 0:
        number = str(line + 1).rjust(digits)
        style = palette.gutter_current if state.cursor_line else palette.gutter
        segments.append(Segment(number + " ", style))
    else:
        segments.append(Segment(" " * (digits + 1), palette.gutter))
    if state.time_width:
        time = (state.time or "").rjust(state.time_width)
        segments.append(Segment(time + " ", palette.gutter))
    _paint_stripes(segments, state, start, reach, palette)


def _paint_stripes(
    segments: list[Segment],
    state: RowState,
    start: int,
    reach: int,
    palette: Palette,
) -> None:
    colors: list[str] = []
    seen: set[str] = set()
    for coding in sorted(
        (c for c in state.codings if c.start < reach and c.end > start),
        key=lambda c: (c.start, -c.end, c.id),  # the outer of two starting together first
    ):
        if coding.code not in seen:
            seen.add(coding.code)
            colors.append(state.color_of(coding.id))
    shown = colors if len(colors) <= STRIPES else colors[: STRIPES - 1]
    for color in shown:
        segments.append(Segment(STRIPE_CHAR, palette.code_styles(color)[2]))
    if len(colors) > STRIPES:
        segments.append(Segment("+", palette.gutter_current))
    segments.append(Segment(" " * (STRIPES + 1 - min(len(colors), STRIPES)), palette.gutter))


def paint_spacer(
    layout: TextLayout,
    line: int,
    width: int,
    palette: Palette,
    codings: Sequence[Coding],
    color_of: Callable[[str], str],
    *,
    time_width: int = 0,
) -> Strip:
    """The row that separates a speaker turn from the line above it."""
    gutter = gutter_width(layout.line_count, time_width)
    area = max(width - gutter, 1)
    start = layout.line_starts[line]
    segments = [Segment(" " * (gutter - 1 - STRIPES), palette.gutter)]
    # Codings running on from the line above keep their stripes across the gap.
    running = [c for c in codings if c.start < start]
    state = RowState(running, color_of, (), None, None, False, False, None)
    _paint_stripes(segments, state, start - 1, start, palette)
    rule = min(area - 1, 24)
    segments.append(Segment(RULE_CHAR * rule, palette.rule))
    segments.append(Segment(" " * (area - rule), palette.base))
    return Strip(segments, gutter + area).simplify()
