"""The transcript view: keys, selection, codings, search, rendering and the layout mapping."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.binding import Binding

from workbench.core.model import Coding, Document
from workbench.core.turns import paragraphs_of
from workbench.core.words import trim_whitespace
from workbench.tui.widgets.transcript import TranscriptView
from workbench.tui.widgets.transcript_layout import TextLayout, display_text, text_cells
from workbench.tui.widgets.transcript_render import gutter_width

SIZE = (80, 24)


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test with asyncio (no async pytest plugin is installed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def make_doc(text: str, doc_id: str = "d1") -> Document:
    return Document(id=doc_id, name="doc", text=text, paragraphs=paragraphs_of(text))


def coding(cid: str, code: str, start: int, end: int, text: str, doc_id: str = "d1") -> Coding:
    return Coding(id=cid, document=doc_id, code=code, start=start, end=end, text=text[start:end])


class ViewApp(App):
    """The transcript view alone, showing one document (selections keep the characters swept
    unless ``snap``: these tests move by character)."""

    BINDINGS = [Binding("escape", "app_escape", "App escape")]

    def __init__(
        self,
        document: Document,
        codings: list[Coding] | None = None,
        colors: dict[str, str] | None = None,
        cursor: int = 0,
        *,
        snap: bool = False,
    ) -> None:
        super().__init__()
        self.snap = snap
        self.document = document
        self.codings = codings or []
        self.code_colors = colors or {}
        self.start_cursor = cursor
        self.moves: list[int] = []
        self.selections: list[tuple[int, int] | None] = []
        self.escapes = 0

    def compose(self) -> ComposeResult:
        yield TranscriptView(snap_to_words=self.snap)

    def on_mount(self) -> None:
        view = self.query_one(TranscriptView)
        view.show(self.document, self.codings, self.code_colors, cursor=self.start_cursor)
        view.focus()

    def on_transcript_view_cursor_moved(self, message: TranscriptView.CursorMoved) -> None:
        self.moves.append(message.offset)

    def on_transcript_view_selection_changed(
        self, message: TranscriptView.SelectionChanged
    ) -> None:
        self.selections.append(message.selection)

    def action_app_escape(self) -> None:
        self.escapes += 1


def view_of(app: App) -> TranscriptView:
    return app.query_one(TranscriptView)


def row_texts(view: TranscriptView) -> list[str]:
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


ENGLISH = (
    "Interviewer: How did you come to activism? Tell me about the first time you went to a "
    "meeting and what you felt there.\n"
    "Respondent 3: Through friends. It was a network of acquaintances, and one of them just "
    "said come along, and I did.\n"
    "\n"
    "Interviewer: And the anger?\n"
    "Respondent 3: Anger, yes. That was a personal struggle and I felt it every day."
)
RUSSIAN = (
    "Интервьюер: Как вы пришли в активизм? Расскажите о первом разе, когда вы пошли на "
    "собрание, и что вы там почувствовали.\n"
    "Респондент 5: Через друзей. Это была сеть знакомых, и один из них просто сказал: пойдём, "
    "и я пошла. Қазақ тілінде де сөйледік.\n"
)
CJK = (
    "采访者：你是怎么开始参与社会运动的？请告诉我你第一次去参加会议的情况，以及你在那里的感受。\n"
    "受访者：通过朋友。那是一个熟人网络，其中一个人只是说一起来吧，然后我就去了。我们每天都在想这件事。\n"
)
EMOJI = (
    "R1: we met 😀 every week 🎉🎉 and talked 👩‍💻 about it ❤️ for hours 🙂 and hours and "
    "hours 😀😀😀😀 until late.\n"
    "R2: ok 👍 thanks\tbye 🙏🏽 see you 🇰🇿 soon.\n"
)


# ---------------------------------------------------------------- layout (no Textual)


ALPHABET = st.sampled_from(
    [*"ab cd  .,дЖщ中文字😀🎉\n\n\t", "word ", "слово ", "再见 ", "\u0301", "\u200d", "\ufe0f"]
)


@settings(max_examples=50, deadline=None)
@given(
    text=st.lists(ALPHABET, max_size=80).map("".join),
    width=st.integers(min_value=4, max_value=40),
    spacers=st.sets(st.integers(min_value=0, max_value=12), max_size=4),
)
def test_layout_round_trip_is_exact(text: str, width: int, spacers: set[int]) -> None:
    layout = TextLayout(text, width, spacers)
    rows_with_offsets = set()
    for offset in range(len(text) + 1):
        row, cell = layout.locate(offset)
        line, k = layout.row_at(row)
        assert k >= 0, "an offset mapped into a spacer row"
        start, end = layout.row_span(line, k)
        assert start <= offset <= end
        assert cell == text_cells(text[start:offset])
        assert layout.offset_at(row, cell) == offset
        rows_with_offsets.add(row)
    for row in range(layout.row_count):
        line, k = layout.row_at(row)
        if k < 0:
            continue
        assert row in rows_with_offsets
        start, end = layout.row_span(line, k)
        shown = display_text(text[start:end])
        assert cell_len(shown) == text_cells(text[start:end])
        limit = width if layout.is_last_row(line, k) else width + 1
        assert text_cells(text[start:end]) <= limit


def test_layout_wraps_at_word_boundaries() -> None:
    text = "the quick brown fox jumps"
    layout = TextLayout(text, 10)
    rows = [layout.row_span(0, k) for k in range(layout.row_counts(0))]
    assert [text[s:e] for s, e in rows] == ["the quick ", "brown fox ", "jumps"]
    hard = TextLayout("abcdefghijklmnop", 5)
    assert hard.row_counts(0) == 4


def test_layout_wide_characters_take_two_cells() -> None:
    layout = TextLayout("中文字😀ab", 40)
    assert [layout.locate(o)[1] for o in range(7)] == [0, 2, 4, 6, 8, 9, 10]
    assert layout.offset_at(0, 3) == 1  # the second cell of 文 is still 文


# ---------------------------------------------------------------- keys


@sync
async def test_down_up_keep_the_column() -> None:
    text = "first line here\nsecond\nthird line is long enough"
    app = ViewApp(make_doc(text), cursor=10)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("down")
        assert view.cursor == 16 + 6  # "second" is shorter: its end
        await pilot.press("j")
        assert view.cursor == 23 + 10  # back to column 10
        await pilot.press("k", "up")
        assert view.cursor == 10
        await pilot.press("up")
        assert view.cursor == 0  # above the first row: the start
        await pilot.press("right", "right", "right", "left")
        assert view.cursor == 2


@sync
async def test_up_down_move_by_visual_rows_of_a_wrapped_line() -> None:
    text = " ".join(["word"] * 60)
    app = ViewApp(make_doc(text))
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        layout = view.layout
        assert layout is not None and layout.row_counts(0) > 2
        await pilot.press("down")
        assert view.cursor == layout.row_span(0, 1)[0]
        await pilot.press("down")
        assert view.cursor == layout.row_span(0, 2)[0]
        await pilot.press("end")
        assert view.cursor == len(text)
        await pilot.press("home")
        assert view.cursor == 0


@sync
async def test_home_end_and_turn_keys() -> None:
    app = ViewApp(make_doc(ENGLISH), cursor=5)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        lines = ENGLISH.split("\n")
        second = len(lines[0]) + 1
        await pilot.press("end")
        assert view.cursor == len(lines[0])
        await pilot.press("home")
        assert view.cursor == 0
        # on a turn's label: the next turn is the one after it (the words beside the label
        # are on the same line: ] looked as if it did nothing)
        await pilot.press("right_square_bracket")
        assert view.cursor == second + len("Respondent 3: ")
        await pilot.press("left_square_bracket")  # the turn before: the first one's words
        assert view.cursor == len("Interviewer: ")
        await pilot.press("right_square_bracket")  # from its words: the next turn
        assert view.cursor == second + len("Respondent 3: ")
        await pilot.press("right_square_bracket")
        fourth = ENGLISH.index("And the anger")
        assert view.cursor == fourth  # the blank line is not a turn
        await pilot.press("right", "left_square_bracket")
        assert view.cursor == fourth  # inside a turn: the start of its words
        await pilot.press("left_square_bracket")
        assert view.cursor == second + len("Respondent 3: ")
        assert view.current_paragraph() == (second, second + len(lines[1]))
        assert view.current_turn() == (view.cursor, second + len(lines[1]))


@sync
async def test_page_down_and_up() -> None:
    text = "\n".join(f"line {n}" for n in range(200))
    app = ViewApp(make_doc(text))
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        height = view.scrollable_content_region.height
        await pilot.press("pagedown")
        assert view.line_number(view.cursor) == 1 + height
        assert view.scroll_offset.y == height
        await pilot.press("pagedown", "pageup")
        assert view.line_number(view.cursor) == 1 + height
        await pilot.press("pageup")
        assert view.cursor == 0


@sync
async def test_v_starts_a_selection_and_escape_cancels_it() -> None:
    app = ViewApp(make_doc(ENGLISH))
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("v")
        assert view.selection is None and view.selecting
        await pilot.press("right", "right", "right")
        assert view.selection == (0, 3)
        await pilot.press("down")
        row1 = view.layout.row_span(0, 1)[0]
        assert view.selection == (0, row1 + 3)
        await pilot.press("escape")
        assert view.selection is None and not view.selecting
        assert app.escapes == 0
        await pilot.press("escape")  # nothing selected: the key goes on to the app
        assert app.escapes == 1
        await pilot.press("v", "right", "v")
        assert view.selection is None
        await pilot.pause()
        assert app.selections[-1] is None and (3, 4) not in app.selections
        assert (0, 3) in app.selections


@sync
async def test_shift_arrows_extend_a_selection() -> None:
    text = "alpha beta\ngamma delta\nepsilon"
    app = ViewApp(make_doc(text), cursor=6)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("shift+right", "shift+right")
        assert view.selection == (6, 8)
        await pilot.press("shift+down")
        assert view.selection == (6, 11 + 8)
        await pilot.press("shift+up")
        assert view.selection == (6, 8)
        await pilot.press("shift+up")  # above the first row: the start
        assert view.selection == (0, 5) and view.cursor == 0  # not the space before "beta"
        await pilot.press("shift+left")
        assert view.selection == (0, 5)
        await pilot.press("right")  # plain movement ends a shift selection
        assert view.selection is None
        assert view.cursor == 1


@pytest.mark.parametrize("text", [ENGLISH, RUSSIAN, CJK, EMOJI], ids=["en", "ru", "cjk", "emoji"])
@sync
async def test_selections_never_drift(text: str) -> None:
    app = ViewApp(make_doc(text))
    async with app.run_test(size=(50, 20)) as pilot:
        view = view_of(app)
        layout = view.layout
        assert layout is not None
        # every visual row shows exactly the text of its span
        gutter = gutter_width(layout.line_count)
        for row in range(min(layout.row_count, 18)):
            line, k = layout.row_at(row)
            strip = view.render_line(row)
            if k < 0:
                continue
            start, end = layout.row_span(line, k)
            shown = display_text(text[start:end])
            assert strip.text[gutter:].startswith(shown)
            assert strip.cell_length == view.scrollable_content_region.width
        # walk down the wrapped rows, selecting, with the column kept where it started
        await pilot.press("right", "right", "right", "right", "right", "v")
        start_offset = view.cursor
        goal = layout.locate(start_offset)[1]
        assert goal == text_cells(text[:5])
        for _ in range(4):
            await pilot.press("down")
            row, cell = layout.locate(view.cursor)
            assert view.cursor == layout.offset_at(row, goal)
            assert cell <= goal
            assert text_cells(text[layout.row_span(*layout.row_at(row))[0]:view.cursor]) == cell
        await pilot.press("shift+right", "shift+right")
        s, e = view.selection
        assert s == start_offset
        # what was swept, without whitespace at its edges (a line break it ends on)
        assert (s, e) == trim_whitespace(text, start_offset, view.cursor)
        assert view.selection_or_turn() == (s, e)


# ---------------------------------------------------------------- codings


@sync
async def test_n_and_shift_n_jump_between_codings() -> None:
    text = ENGLISH
    codings = [
        coding("a", "k1", 14, 40, text),
        coding("b", "k2", 20, 60, text),
        coding("c", "k1", 200, 230, text),
    ]
    app = ViewApp(make_doc(text), codings, {"k1": "#e6194b", "k2": "#3cb44b"})
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("n")
        assert view.cursor == 14
        await pilot.press("n")
        assert view.cursor == 20
        await pilot.press("n")
        assert view.cursor == 200
        await pilot.press("n")
        assert view.cursor == 200  # no coding after the last
        await pilot.press("N")
        assert view.cursor == 20
        await pilot.press("shift+n")
        assert view.cursor == 14
        assert [c.id for c in view.codings_at()] == ["a"]
        await pilot.press("n")
        assert [c.id for c in view.codings_at()] == ["a", "b"]  # innermost first
        assert [c.id for c in view.codings_at(45)] == ["b"]


@sync
async def test_add_and_remove_coding_update_codings_at() -> None:
    text = RUSSIAN
    app = ViewApp(make_doc(text), [], {})
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        assert view.codings_at(30) == []
        new = coding("x", "k9", 12, 40, text)
        view.add_coding(new, "#4363d8")
        await pilot.pause()
        assert view.codings_at(30) == [new]
        assert view.codings_at(40) == []
        stripes = view.render_line(0).text
        assert "▌" in stripes
        view.remove_coding("x")
        await pilot.pause()
        assert view.codings_at(30) == []
        assert "▌" not in view.render_line(0).text
        view.set_codings([new], {"k9": "#4363d8"})
        assert view.codings_at(12) == [new]
        view.add_coding(coding("other", "k9", 1, 5, text, doc_id="elsewhere"), "#000000")
        assert view.codings_at(2) == []


@sync
async def test_current_paragraph_on_a_speaker_turn() -> None:
    text = ENGLISH
    turn = text.index("Respondent 3: Anger")
    app = ViewApp(make_doc(text), cursor=turn + 20)
    async with app.run_test(size=SIZE):
        view = view_of(app)
        assert view.current_paragraph() == (turn, len(text))
        assert view.line_number(view.cursor) == 5
        view.move_cursor(text.index("\n\n") + 1)  # the blank line
        blank = text.index("\n\n") + 1
        assert view.current_paragraph() == (blank, blank)


# ---------------------------------------------------------------- search


@sync
async def test_search_counts_and_navigation() -> None:
    text = ENGLISH
    app = ViewApp(make_doc(text), cursor=50)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        count = view.set_search("interviewer")
        assert count == 2
        assert view.cursor == text.index("Interviewer: And")  # first at/after the cursor
        await pilot.press("ctrl+n")
        assert view.cursor == 0  # wrapped around
        await pilot.press("ctrl+b")
        assert view.cursor == text.index("Interviewer: And")
        assert view.set_search("interviewer", case_sensitive=True) == 0
        assert view.set_search("Respondent 3", case_sensitive=True) == 2
        view.next_match()
        view.previous_match()
        assert view.current_match is not None
        assert text[slice(*view.current_match)] == "Respondent 3"
        assert view.set_search("") == 0 and view.match_count == 0


# ---------------------------------------------------------------- rendering


@sync
async def test_rendered_rows_hold_line_numbers_and_text() -> None:
    codings = [coding("a", "k1", 0, 12, ENGLISH)]
    app = ViewApp(make_doc(ENGLISH), codings, {"k1": "#e6194b"})
    async with app.run_test(size=SIZE):
        view = view_of(app)
        rows = row_texts(view)
        assert rows[0].startswith("1 ▌")
        assert "Interviewer: How did you come" in rows[0]
        assert any(r.startswith("2 ") and "Respondent 3: Through friends" in r for r in rows)
        assert any(r.startswith("5 ") for r in rows)
        assert any("─" in r for r in rows)  # turns without a blank line between are separated
        assert all(len(r) == view.scrollable_content_region.width for r in rows)


@sync
async def test_cursor_and_selection_messages() -> None:
    app = ViewApp(make_doc(ENGLISH))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "shift+right")
        await pilot.pause()
        assert app.moves[-2:] == [1, 2]
        assert app.selections == [(1, 2)]
        view = view_of(app)
        view.clear_selection()
        await pilot.pause()
        assert app.selections == [(1, 2), None]


@sync
async def test_mouse_click_and_drag_select() -> None:
    app = ViewApp(make_doc("hello world\nsecond line"))
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        gutter = gutter_width(2)
        await pilot.click(TranscriptView, offset=(gutter + 6, 0))
        assert view.cursor == 6
        assert view.selection is None
        await pilot.mouse_down(TranscriptView, offset=(gutter + 1, 0))
        await pilot.hover(TranscriptView, offset=(gutter + 3, 1))
        await pilot.mouse_up(TranscriptView, offset=(gutter + 3, 1))
        assert view.selection == (1, 15)
        assert app.document.text[1:15] == "ello world\nsec"


def test_bindings_have_ids_and_leave_the_app_keys_free() -> None:
    bindings = [b for b in TranscriptView.BINDINGS if isinstance(b, Binding)]
    assert all(b.id for b in bindings)
    assert len({b.id for b in bindings}) == len(bindings)
    keys = {k.strip() for b in bindings for k in b.key.split(",")}
    for reserved in ["g", "c", "i", "x", "y", "m", "u", "q", "slash", "question_mark", "/", "?"]:
        assert reserved not in keys
    assert not keys & {str(n) for n in range(1, 10)}
    assert {"N", "n", "left_square_bracket", "right_square_bracket", "v", "escape"} <= keys


# ---------------------------------------------------------------- snapshot

SNAPSHOT_TEXT = (
    "Интервьюер: Как вы пришли в активизм? Расскажите о первом разе.\n"
    "Респондент 5: Через друзей — social networks as an entryway. Потом я просто осталась, "
    "потому что злость была сильнее страха.\n"
    "\n"
    "Interviewer: And the anger, where did it come from?\n"
    "Respondent 5: From a personal struggle. I felt it every day, 每天 😀."
)


class SnapshotApp(App):
    def compose(self) -> ComposeResult:
        yield TranscriptView()

    def on_mount(self) -> None:
        text = SNAPSHOT_TEXT
        codes = {"anger": "#e6194b", "networks": "#3cb44b", "struggle": "#4363d8"}
        a = text.index("Через друзей")
        b = text.index("entryway") + len("entryway")
        c = text.index("злость")
        codings = [
            coding("c1", "networks", a, b, text),
            coding("c2", "anger", c, c + len("злость была сильнее страха"), text),
            coding("c3", "anger", text.index("And the anger"), text.index("And the anger") + 13,
                   text),
            coding("c4", "struggle", text.index("personal"), len(text), text),
            coding("c5", "anger", text.index("I felt"), text.index("I felt") + 6, text),
        ]
        view = self.query_one(TranscriptView)
        view.show(make_doc(text), codings, codes, cursor=text.index("social"))
        view.focus()
        view.move_cursor(text.index("networks as"), select=True)


def test_snapshot(snap_compare) -> None:
    assert snap_compare(SnapshotApp(), terminal_size=SIZE)



# ---------------------------------------------------------------- edges


@sync
async def test_keys_can_be_remapped_by_binding_id() -> None:
    app = ViewApp(make_doc("one\ntwo\nthree"))
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"cursor_down": "ctrl+j", "next_coding": "ctrl+o"})
        view = view_of(app)
        await pilot.press("ctrl+j")
        assert view.cursor == 4
        await pilot.press("down")  # no longer bound
        assert view.cursor == 4


@sync
async def test_resize_rewraps_and_keeps_the_cursor() -> None:
    text = " ".join(["word"] * 200)
    app = ViewApp(make_doc(text), cursor=500)
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        rows_wide = view.layout.row_count
        await pilot.resize_terminal(40, 24)
        await pilot.pause()
        assert view.layout.row_count > rows_wide
        assert view.cursor == 500
        row, _ = view.layout.locate(500)
        top = round(view.scroll_offset.y)
        assert top <= row < top + view.scrollable_content_region.height
        assert all(len(r) == view.scrollable_content_region.width for r in row_texts(view))


@sync
async def test_empty_document_and_focus_loss() -> None:
    app = ViewApp(make_doc(""))
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        await pilot.press("down", "right", "end", "n", "N", "v", "pagedown", "right_square_bracket")
        assert view.cursor == 0 and view.selection is None
        assert view.current_paragraph() == (0, 0)
        assert view.render_line(0).text.startswith("1 ")
        view.show(make_doc(ENGLISH), [coding("a", "k", 0, 5, ENGLISH)], {"k": "#ff0000"})
        view.blur()
        await pilot.pause()
        assert "Interviewer" in view.render_line(0).text
        app.theme = "textual-light"
        await pilot.pause()
        assert "Interviewer" in view.render_line(0).text


def test_tabs_and_invisible_code_points_keep_their_own_cells() -> None:
    text = "a\tb\u200dc\u0301d"
    layout = TextLayout(text, 40)
    assert [layout.locate(o)[1] for o in range(len(text) + 1)] == [0, 1, 5, 6, 7, 8, 9, 10]
    assert display_text(text) == "a    b·c◌\u0301d"


@sync
async def test_set_codings_updates_only_what_changed() -> None:
    text = ENGLISH
    a, b, c = coding("a", "k1", 0, 11, text), coding("b", "k2", 14, 30, text), coding(
        "c", "k1", 120, 140, text
    )
    app = ViewApp(make_doc(text), [a, b, c], {"k1": "#e6194b", "k2": "#3cb44b"})
    async with app.run_test(size=SIZE) as pilot:
        view = view_of(app)
        generation = view._generation
        moved = coding("b", "k2", 40, 50, text)  # same id, new span (a new record)
        d = coding("d", "k2", 60, 70, text)
        view.set_codings([a, moved, d], {"k1": "#e6194b", "k2": "#3cb44b"})
        await pilot.pause()
        assert view._generation == generation  # no full rebuild for a few changes
        assert view.codings_at(20) == [] and view.codings_at(45) == [moved]
        assert view.codings_at(65) == [d] and view.codings_at(130) == []
        assert view.codings_at(5) == [a]
        many = [coding(f"m{n}", "k1", n, n + 3, text) for n in range(300)]
        view.set_codings(many, {"k1": "#000000"})
        assert view._generation > generation  # many changes: rebuilt
        assert {x.id for x in view.codings_at(10)} == {"m8", "m9", "m10"}
        await pilot.press("n")
        assert view.cursor == 1
