"""Every use of Textual's private parts, in one place.

Workbench needs a few things Textual offers only privately: the layout pass's size update of
a widget (to wrap the transcript before the frame is painted, not a frame later), the tree's
invalidation (to add hundreds of codes with one relayout instead of one each), a node's label
(a count changed: its own line repainted, not the lines of the codes below it), the tree's
resize handler (its lines are not built again at a resize) and its drawing of one line (with
the widget's style worked out once a repaint), the app's frame writer (a save steps aside
until the frame answering a key is written), the screen's frame clock (:class:`FrameTimer`:
a timer's loop, tick and start, and the screen's timers), the compositor's drawing of a
partial update (each widget draws only its rows that are repainted and not under the
picker), a widget's size update (containers that do not scroll ask for no second layout
pass) and, for tests and benchmarks, the
screen's composed lines, the app's driver, and the layout pass, the restyle of a node and the
registration of new widgets (counted by :func:`count_work`). Nothing else in the package
touches them: :data:`PRIVATE` lists each, and :func:`missing` (run by the test suite) says
which of them a Textual upgrade moved, so such an upgrade fails in one obvious place.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from rich.style import Style
from textual import events
from textual.app import App
from textual.containers import Vertical
from textual.css.scalar import ScalarOffset
from textual.geometry import Offset, Region, Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, TextArea, Tree

if TYPE_CHECKING:
    from rich.text import Text
    from textual.widgets.tree import TreeNode

__all__ = [
    "PRIVATE",
    "BatchTree",
    "FrameTimer",
    "InputNotRestyledOnFocus",
    "InputSizedInPlace",
    "PromptFrameScreen",
    "Work",
    "count_work",
    "ScrollViewSizedInPlace",
    "SizedInLayoutScrollView",
    "TextAreaSizedInPlace",
    "VerticalNotScrolled",
    "missing",
    "move_without_repaint",
    "on_frame",
    "on_update",
    "screen_lines",
    "send_event",
]

NodeType = TypeVar("NodeType")


def _compositor_class() -> Any:
    from textual._compositor import Compositor

    return Compositor


def _screen_module() -> Any:
    import textual.screen

    return textual.screen


def _probe_tree() -> Any:
    return Tree("probe")


def _probe_node() -> Any:
    return Tree("probe").root


def _time_module() -> Any:
    import textual._time

    return textual._time


#: Every private part used: (what it is, a way to get what holds it, its name, the parameters
#: it must take; None for a class or an attribute).
PRIVATE: tuple[tuple[str, Callable[[], Any], str, tuple[str, ...] | None], ...] = (
    ("a widget's size update in the layout pass", lambda: Widget, "_size_updated",
     ("self", "size", "virtual_size", "container_size", "layout")),
    ("a scroll view's size update in the layout pass", lambda: ScrollView, "_size_updated",
     ("self", "size", "virtual_size", "container_size", "layout")),
    ("a widget's outer size", Widget, "_size", None),
    ("the tree's invalidation", lambda: Tree, "_invalidate", ("self",)),
    ("the tree's drawn lines", lambda: Tree, "_clear_line_cache", ("self",)),
    ("the tree's repaint of a node's lines", lambda: Tree, "_refresh_node", ("self", "node")),
    ("the tree's repaint of one line", lambda: Tree, "_refresh_line", ("self", "line")),
    ("the tree's drawing of one line", lambda: Tree, "_render_line",
     ("self", "y", "x1", "x2", "base_style")),
    ("the tree's resize handler", lambda: Tree, "_on_resize", ("self", "event")),
    ("the tree's drawn lines by line", _probe_tree, "_line_cache", None),
    ("the tree's drawn lines made room for more", lambda: type(_probe_tree()._line_cache),
     "grow", ("self", "maxsize")),
    ("the tree's built lines", _probe_tree, "_tree_lines_cached", None),
    ("a tree node's label", _probe_node, "_label", None),
    ("a tree node's change count", _probe_node, "_updates", None),
    ("a tree node's line", _probe_node, "_line", None),
    ("a widget's scrollbar update", lambda: Widget, "_scroll_update", ("self", "virtual_size")),
    ("a screen's compositor", Screen, "_compositor", None),
    ("the compositor's lines", _compositor_class, "render_strips", ("self",)),
    ("the compositor's layout pass", _compositor_class, "reflow", ("self", "parent", "size")),
    ("the compositor's widgets drawn for a frame", _compositor_class, "_get_renders",
     ("self", "crop")),
    ("the compositor's widgets on the screen", _compositor_class, "visible_widgets", None),
    ("the compositor's repaint of what changed", _compositor_class, "render_partial_update",
     ("self",)),
    ("the compositor's regions to repaint", lambda: _compositor_class()(), "_dirty_regions",
     None),
    ("the compositor's arrangement of a screen", _compositor_class, "_arrange_root",
     ("self", "root", "size", "visible_only")),
    ("the compositor's stale full map", lambda: _compositor_class()(), "_full_map_invalidated",
     None),
    ("the app's frame writer", lambda: App, "_display", ("self", "screen", "renderable")),
    ("the app's driver", App, "_driver", None),
    ("a screen's layout pass", lambda: Screen, "_refresh_layout", ("self", "size", "scroll")),
    ("a widget's content made for a repaint", lambda: Widget, "_render", ("self",)),
    ("the app's widget registration", lambda: App, "_register", ("self", "parent", "widgets")),
    ("the app's registered widgets", App, "_registry", None),
    ("a widget's focus handler", lambda: Widget, "_on_focus", ("self", "event")),
    ("a widget's blur handler", lambda: Widget, "_on_blur", ("self", "event")),
    ("a timer's loop", lambda: Timer, "_run", ("self",)),
    ("a timer's tick", lambda: Timer, "_tick", ("self", "next_timer", "count")),
    ("a timer's start", lambda: Timer, "_start", ("self",)),
    ("a screen's frame clock", lambda: Screen, "_update_timer", None),
    ("a screen's frame", lambda: Screen, "_on_timer_update", ("self",)),
    ("the screen's frame period", _screen_module, "UPDATE_PERIOD", None),
    ("the clock's time and sleep", _time_module, "get_time", None),
    ("the clock's sleep", _time_module, "sleep", None),
)


def missing() -> list[str]:
    """The private parts of :data:`PRIVATE` this Textual lacks, or whose parameters changed."""
    gone: list[str] = []
    for what, holder, name, parameters in PRIVATE:
        owner = holder()
        if not hasattr(owner, name):
            gone.append(f"{what} ({name})")
        elif parameters is not None:
            found = tuple(inspect.signature(getattr(owner, name)).parameters)
            if found[: len(parameters)] != parameters:
                gone.append(f"{what} ({name}{found}, expected {parameters})")
    return gone


# --------------------------------------------------------------------------- layout
def _focused_without_repaint(widget: Widget, event: events.Focus | events.Blur) -> None:
    """What Textual does when a widget gains or loses the focus, except repainting all of it
    (for a widget that repaints what its focus changes itself): the stock handler, which
    follows, is skipped."""
    event.prevent_default()
    focused = isinstance(event, events.Focus)
    widget.has_focus = focused
    if widget.parent is not None:
        message = events.DescendantFocus if focused else events.DescendantBlur
        widget.parent.post_message(message(widget))


def _size_updated_when_changed(
    view: ScrollView, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
) -> bool:
    """``ScrollView._size_updated``, skipped when the layout pass gives the view the size it
    gave it last time while its scrollable size is the one its scrollbars were set for then.

    The stock method compares the scrollable size the compositor passes (the size of the
    view's children, never the view's own) with the view's own, so every layout pass set
    and repainted the scrollbars of every scroll view on the screen (a picker shown or
    hidden repainted the scrollbars of all four panes)."""
    if getattr(view, "_laid_out_as", None) == (size, container_size, view.virtual_size):
        return False
    changed = ScrollView._size_updated(view, size, virtual_size, container_size, layout)
    view._laid_out_as = (size, container_size, view.virtual_size)  # type: ignore[attr-defined]
    return changed


def move_without_repaint(widget: Widget, offset: Offset) -> None:
    """Move ``widget`` by its offset, as ``widget.styles.offset = offset`` does (a layout
    pass), without drawing its lines again: Textual 8.2's inline styles ask for a repaint of
    the whole widget with the layout pass (they drop ``repaint=False``), though a move
    changes none of its lines. The cells it leaves and covers are painted by the layout pass
    (the picker's box of 20 lines took ~1 ms to draw again each time it opened)."""
    if widget.styles.set_rule("offset", ScalarOffset.from_offset(offset)):
        widget.refresh(layout=True, repaint=False)


class SizedInLayoutScrollView(ScrollView):
    """A ScrollView told of its new size inside Textual's layout pass, and not repainted
    whole when it gains or loses the focus.

    Textual sends ``Resize`` after the frame the layout pass paints, so content that depends
    on the width (wrapped text) would show one frame at the old width. Override
    :meth:`size_changing`: it runs before the new size is taken, and what it returns (if
    anything) is called right after. What the focus changes (a cursor's row), the subclass
    repaints itself (``on_focus``/``on_blur``).
    """

    def _on_focus(self, event: events.Focus) -> None:
        _focused_without_repaint(self, event)

    def _on_blur(self, event: events.Blur) -> None:
        _focused_without_repaint(self, event)

    def size_changing(self, old: Size, new: Size) -> Callable[[], None] | None:
        """The size goes from ``old`` (the outer size; 0x0 before the first layout) to
        ``new``; return a callable to run once it is taken, or ``None``."""
        return None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        after = self.size_changing(self._size, size)
        changed = _size_updated_when_changed(self, size, virtual_size, container_size, layout)
        if after is not None:
            after()
        return changed


class VerticalNotScrolled(Vertical):
    """A Vertical that never scrolls (its overflow stays hidden), whose children's size
    changing asks for no second layout pass.

    The layout pass tells every widget the size of its children (its scrollable size), and a
    stock widget asks for a layout pass of the whole screen when that changes: showing
    another pane in the narrow layout laid the screen out twice, the second time a tick
    later. A container that does not scroll has nothing to do with that size."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class ScrollViewSizedInPlace(ScrollView):
    """A ScrollView whose scrollable size changes without a layout pass of the screen (its
    own size is set by the layout; the scrollbars are updated in place)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        if self.is_mounted:
            self._scroll_update(size)

    _size_updated = _size_updated_when_changed


class TextAreaSizedInPlace(TextArea):
    """A TextArea whose text can change without a layout pass of the whole screen, and that
    is not repainted whole when it gains or loses the focus.

    Its own size is set by the layout; a new text changes only its scrollable size, which
    the stock widget declares as needing a layout pass (of every widget on the screen, and a
    repaint of all of it). Here the scrollbars are updated in place instead. The text cursor,
    the one thing the focus changes, is shown and hidden by the text area itself (a
    stylesheet must not make its look depend on ``:focus``).
    """

    def _on_focus(self, event: events.Focus) -> None:
        _focused_without_repaint(self, event)

    def _on_blur(self, event: events.Blur) -> None:
        _focused_without_repaint(self, event)

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        if self.is_mounted:
            self._scroll_update(size)

    _size_updated = _size_updated_when_changed


class InputSizedInPlace(Input):
    """An Input whose text can change without a layout pass of the whole screen.

    The stock input sets its scrollable size at every change of its value, which it declares
    as needing a layout pass of the screen (the picker's filter line: one per letter typed);
    its own size is fixed by the layout, so the scroll is updated in place instead.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        if self.is_mounted:
            self._scroll_update(size)

    _size_updated = _size_updated_when_changed


class InputNotRestyledOnFocus(InputSizedInPlace):
    """An :class:`InputSizedInPlace` whose look does not depend on the focus: gaining or
    losing it repaints the input (its cursor) but does not restyle it and its four component
    classes (~2 ms each way). Its stylesheet must give it one look with and without the
    focus."""

    def watch_has_focus(self, has_focus: bool) -> None:
        self.refresh()


class BatchTree(Tree[NodeType]):
    """A Tree that can be filled with many nodes at once and laid out once at the end, that
    is not laid out again when it is restyled, and that is not restyled when it gains or
    loses the focus.

    The stock tree drops its line cache and asks for a new layout for every node added: 540
    codes took 540 layout requests. A focus move restyled it (with its seven component
    classes) and painted every line again (twice). Here only the lines of the cursor's node
    are painted again: a stylesheet must not make the tree's look depend on ``:focus`` (what
    depends on the focus, the tree draws itself, reading ``has_focus``).
    """

    _batching = False
    _base_style = Style()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Add nodes in the block; the tree is invalidated once, when it ends."""
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
            self._invalidate()

    def _invalidate(self) -> None:
        if not self._batching:
            super()._invalidate()

    def notify_style_update(self) -> None:
        """A restyle (the focus came or went, a new theme) changes how the lines look, not
        which lines there are: the stock tree built all its lines again and asked for a
        layout pass of the screen; here only the drawn lines are forgotten."""
        ScrollView.notify_style_update(self)
        self._clear_line_cache()
        self.refresh()

    _size_updated = _size_updated_when_changed

    def _on_resize(self, event: events.Resize) -> None:
        """A new size changes no line of the tree (each drawn line is kept with the width it
        was drawn at): the stock tree built its lines again and asked for a layout pass of
        the screen, so the frame after the first one drew the whole tree again."""
        event.prevent_default()
        self._line_cache.grow(event.size.height)  # (a new size repaints it: _size_updated)
        if not self._tree_lines_cached:
            self._invalidate()  # no lines: the tree's scrollable width is its own width

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in ``crop``; :meth:`render_line` draws them only from here."""
        self._base_style = self.rich_style  # once for the lines drawn now, not once a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """As the stock tree's, with the widget's style worked out once a repaint (Textual
        works it out from every ancestor each time it is asked); called by
        :meth:`render_lines`."""
        scroll_x, scroll_y = self.scroll_offset
        return self._render_line(y + scroll_y, scroll_x, scroll_x + self.size.width,
                                 self._base_style)

    def relabel(self, node: TreeNode[NodeType], label: str | Text) -> None:
        """Give ``node`` a new label, repainting its own line only. The stock ``set_label``
        repaints the lines of every node below it too (a theme's count changed: the lines
        of all its codes), though a label is drawn on its node's line alone. A label wider
        than the one before builds the lines again (the tree's scrollable width may grow:
        a count that gains a digit, rarely)."""
        width = self.get_label_width(node)
        node._label = self.process_label(label)
        node._updates += 1  # its line's drawing is stale (the next paint of it draws anew)
        if self.get_label_width(node) > width:
            self._invalidate()
            return
        lines, line = self._tree_lines_cached, node._line
        if lines is not None and 0 <= line < len(lines) and lines[line].node is node:
            self._refresh_line(line)

    def watch_has_focus(self, has_focus: bool) -> None:
        node = self.cursor_node
        if node is not None:
            self._refresh_node(node)

    def _on_focus(self, event: events.Focus) -> None:
        _focused_without_repaint(self, event)

    def _on_blur(self, event: events.Blur) -> None:
        _focused_without_repaint(self, event)


# --------------------------------------------------------------------------- the frame clock
class FrameTimer(Timer):
    """A screen's frame clock, as Textual's own but for the frame after an idle spell.

    The screen's clock ticks on a grid of frames (60 a second) and pauses when there is
    nothing to draw. When a frame is due again after a pause, Textual 8.2 counts the grid
    point it just passed twice: the next frame waits for the grid point after the next one,
    17-33 ms instead of at most one frame (a key pressed just after a frame, the second frame
    of a key, a key while a save's frames come). This clock waits for the next grid point.
    """

    _answering = False  # the next frame asked for answers a key
    _hurried = False  # a key's frame is asked for: the sleep to the next tick was cut short
    _sleeper: asyncio.Future[None] | None = None  # the sleep to the next tick

    @classmethod
    def started(cls, target: Any, interval: float, callback: Callable[[], Any], *,
                name: str) -> FrameTimer:
        """A clock calling ``callback``, started paused (``resume`` asks for a tick)."""
        timer = cls(target, interval, name=name, callback=callback, pause=True)
        timer._start()
        return timer

    def answer_next(self) -> None:
        """The next frame asked for answers a key: it is written at once, even within an
        interval of the last frame (a status message going, a save's state word), instead
        of at the next tick. One frame per key: under key repeat, frames follow the keys."""
        self._answering = True

    def resume(self) -> None:
        super().resume()
        if self._answering:
            self._answering = False
            if self._sleeper is not None:  # else the frame comes at once anyway
                self._hurried = True
                self._sleeper.cancel()

    async def _run(self) -> None:
        from textual._time import get_time, sleep
        from textual.timer import EventTargetGone

        interval = self._interval
        await self._active.wait()
        start = get_time()
        count = 0
        while self._repeat is None or count <= self._repeat:
            due = start + (count + 1) * interval
            now = get_time()
            if self._skip and due < now:  # frames were missed: the next grid point is due
                count = int((now - start) / interval)
                due = start + (count + 1) * interval
            delay = due - get_time()
            if delay > 0 and not self._hurried:
                # Textual's own sleep (its precision on each platform), cut short by a key
                sleeper = self._sleeper = asyncio.ensure_future(sleep(delay))
                try:
                    await asyncio.wait({sleeper})  # not raising when the sleep is cut short
                finally:
                    self._sleeper = None
                    sleeper.cancel()
            if self._hurried:  # a key's frame: now, and the grid starts again from it
                self._hurried = False
                start, count = get_time() - interval, 0
            count += 1
            await self._active.wait()
            if self._reset:
                start, count, self._reset = get_time(), 0, False
                continue
            try:
                await self._tick(next_timer=due, count=count)
            except EventTargetGone:
                break


#: The class of a widget that hides what lies beneath it (an overlay such as the picker): the
#: screen's compositor does not draw the widgets wholly under it.
COVERING = "overlay"


def _map_keeping_compositor() -> Any:
    """A compositor that knows the map its layout pass just made is whole. Textual's layout
    pass arranges every widget into a new full map but leaves the map marked stale when a
    scroll marked it so (its scroll fast path arranges only the visible widgets): the first
    widget drawn after the pass then had every widget arranged again (~0.5-1 ms)."""

    class MapKeepingCompositor(_compositor_class()):  # type: ignore[misc]
        def reflow(self, parent: Widget, size: Size) -> Any:
            result = super().reflow(parent, size)
            self._full_map_invalidated = False  # arranged in full just now
            return result

        #: the regions the partial update being drawn repaints (None outside one)
        _repainting: list[Region] | None = None

        def render_partial_update(self) -> Any:
            self._repainting = list(self._dirty_regions)  # the update clears them
            try:
                return super().render_partial_update()
            finally:
                self._repainting = None

        def _get_renders(self, crop: Region | None = None) -> Iterator[Any]:
            """The widgets' lines for a frame, top first, as Textual's, but only the rows
            of each widget that are repainted and not hidden under an open picker.

            Textual asks every widget that overlaps the box around all the regions to
            repaint for all its visible lines, and keeps only the repainted rows: a cursor
            moved next to the status line had every pane draw all its lines, and each widget
            under the picker's box drew all its lines, to be thrown away, at every repaint
            of the box (~2-4 ms when it opened). Here a widget draws the band of rows in
            which some of its cells are repainted and not covered; a widget with none is not
            asked at all. A whole frame (no partial update) is drawn whole, as Textual's."""
            repainting = self._repainting
            if crop is None or repainting is None:
                yield from super()._get_renders(crop)
                return
            covers: list[Region] = []
            for widget, (region, clip) in self.visible_widgets.items():
                if not crop.overlaps(clip):
                    continue
                shown = region.intersection(clip)
                parts = [part for part in (shown.intersection(area) for area in repainting)
                         if part and not any(cover.contains_region(part) for cover in covers)]
                if parts:
                    top = min(part.y for part in parts)
                    bottom = max(part.bottom for part in parts)
                    band = Region(shown.x, top, shown.width, bottom - top)
                    yield region, band, widget.render_lines(band.translate(-region.offset))
                if widget.has_class(COVERING):
                    covers.append(shown)

    return MapKeepingCompositor()


class PromptFrameScreen(Screen):
    """A screen whose frames follow :class:`FrameTimer`, and whose compositor keeps the full
    map its layout pass made (see :func:`_map_keeping_compositor`)."""

    _frame_timer: FrameTimer | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compositor = _map_keeping_compositor()

    def answer_key(self) -> None:
        """A key came in: the frame that answers it is written as soon as it is asked for
        (see :meth:`FrameTimer.answer_next`)."""
        timer = self._update_timer
        if isinstance(timer, FrameTimer):
            timer.answer_next()

    @property
    def _update_timer(self) -> Timer:
        if self._frame_timer is None:
            from textual.screen import UPDATE_PERIOD

            timer = FrameTimer.started(self, UPDATE_PERIOD, self._on_timer_update,
                                       name="screen_update")
            self._timers.add(timer)
            self._frame_timer = timer
        return self._frame_timer


# --------------------------------------------------------------------------- tests and benchmarks
def screen_lines(screen: Screen) -> list[Strip]:
    """The lines of a screen as its last frame composed them (for tests)."""
    return screen._compositor.render_strips()


def on_frame(app: App, callback: Callable[[], None]) -> None:
    """Call ``callback`` after each frame the app composes and writes (the app's save steps
    aside until a key's frame is written; benchmarks stamp frames)."""
    on_update(app, lambda _update: callback())


def on_update(app: App, callback: Callable[[Any], None]) -> None:
    """Call ``callback`` with each update the app writes, after it is written: a Rich
    renderable of the whole screen or of the parts that changed, placed by cursor moves
    (tests replay them as a terminal would)."""
    original = app._display

    def display(screen: Screen, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None:
            callback(renderable)

    app._display = display  # type: ignore[method-assign]


def send_event(app: App, event: events.Event) -> None:
    """Post an event as the terminal driver does (for benchmarks timing a key)."""
    app._driver.send_message(event)


@dataclass
class Work:
    """What Textual did since counting started (see :func:`count_work`)."""

    layouts: int = 0  # layout passes of the app's screens
    restyles: int = 0  # nodes whose styles were computed again (a new widget counts too)
    mounts: int = 0  # widgets registered (mounted)
    frames: int = 0  # frames composed and written
    arrangements: int = 0  # times a compositor arranged every widget of a screen
    #: widgets asked for their content through Textual's content pipeline for a repaint (a
    #: Static, a Label, a container's blank; widgets that draw their own lines are not)
    contents: int = 0

    def since(self, before: Work) -> Work:
        """The work done after ``before`` (a copy taken earlier)."""
        return Work(self.layouts - before.layouts, self.restyles - before.restyles,
                    self.mounts - before.mounts, self.frames - before.frames,
                    self.arrangements - before.arrangements, self.contents - before.contents)

    def copy(self) -> Work:
        return Work(self.layouts, self.restyles, self.mounts, self.frames, self.arrangements,
                    self.contents)


@contextmanager
def count_work(app: App) -> Iterator[Work]:
    """Count the layout passes, restyles, mounted widgets, frames, full arrangements and
    contents made of ``app`` inside the block (for tests and benchmarks; the app must have
    its stylesheet, i.e. be created)."""
    work = Work()
    original_layout = Screen._refresh_layout

    def refresh_layout(screen: Screen, size: Size | None = None, scroll: bool = False) -> None:
        if screen.app is app:
            work.layouts += 1
        original_layout(screen, size, scroll)

    stylesheet = app.stylesheet
    original_apply = stylesheet.apply

    def apply(node: Any, *args: Any, **kwargs: Any) -> Any:
        work.restyles += 1
        return original_apply(node, *args, **kwargs)

    original_register = app._register

    def register(parent: Any, *widgets: Widget, **kwargs: Any) -> list[Widget]:
        registry = app._registry
        work.mounts += sum(1 for widget in widgets if widget not in registry)
        return original_register(parent, *widgets, **kwargs)

    original_display = app._display

    def display(screen: Screen, renderable: Any) -> None:
        original_display(screen, renderable)
        if renderable is not None:
            work.frames += 1

    compositor = _compositor_class()
    original_arrange = compositor._arrange_root

    def arrange(self: Any, root: Widget, size: Size, visible_only: bool = True) -> Any:
        if root.app is app and not visible_only:
            work.arrangements += 1
        return original_arrange(self, root, size, visible_only)

    original_content = Widget._render

    def render_content(widget: Widget) -> Any:
        if widget.app is app:
            work.contents += 1
        return original_content(widget)

    Screen._refresh_layout = refresh_layout  # type: ignore[method-assign]
    Widget._render = render_content  # type: ignore[method-assign]
    stylesheet.apply = apply  # type: ignore[method-assign]
    app._register = register  # type: ignore[method-assign]
    app._display = display  # type: ignore[method-assign]
    compositor._arrange_root = arrange
    try:
        yield work
    finally:
        compositor._arrange_root = original_arrange
        Screen._refresh_layout = original_layout  # type: ignore[method-assign]
        Widget._render = original_content  # type: ignore[method-assign]
        del stylesheet.apply
        del app._register
        app._display = original_display  # type: ignore[method-assign]
