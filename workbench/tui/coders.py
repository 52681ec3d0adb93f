"""Whose codings the transcript shows: every coder's, only mine, or one other coder's.

The app keeps one :class:`CoderView` (``app.coder_view``). The main screen passes the codings
of a document through :func:`shown_codings` before the transcript gets them, so ``n``/``N``,
``x`` and ``y`` act on what is shown. **Blind mode** (``blind = true`` in the config file, or
``WORKBENCH_BLIND=1``) shows only my own codings everywhere and cannot be cycled out of.
The gutter can be coloured by coder instead of by code (a fixed palette by coder name).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from workbench.core.model import Coding

if TYPE_CHECKING:
    from workbench.core.project import Project

#: Colours of coders in the gutter (picked by a hash of the name, so fixed from run to run).
CODER_COLORS = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4",
    "#42d4f4", "#f032e6", "#9a6324", "#808000", "#469990",
)


def blind_mode(config: Any) -> bool:
    """True when the config says ``blind = true`` or ``WORKBENCH_BLIND`` is set to a yes."""
    env = os.environ.get("WORKBENCH_BLIND", "").strip().casefold()
    return bool(getattr(config, "blind", False)) or env in ("1", "true", "yes", "on")


def coder_color(name: str) -> str:
    """The fixed gutter colour of a coder."""
    return CODER_COLORS[zlib.crc32(name.encode("utf-8")) % len(CODER_COLORS)]


def coder_names(project: Project) -> list[str]:
    """Every coder with a coding, by name."""
    names = {c.coder for c in project.codings.values()}
    return sorted(names, key=str.casefold)


class CoderView:
    """Whose codings are shown (``only``: ``None`` for everybody) and how they are coloured."""

    def __init__(self, me: str, *, blind: bool = False) -> None:
        self.me = me
        self.blind = blind
        self.only: str | None = me if blind else None
        self.by_coder = False

    @property
    def label(self) -> str:
        """``showing: all coders`` / ``showing: ann`` (``blind`` added in blind mode)."""
        who = "all coders" if self.only is None else self.only
        return f"showing: {who}" + (" (blind)" if self.blind else "")

    def choices(self, project: Project) -> list[str | None]:
        """All, mine, then every other coder in turn."""
        others = [n for n in coder_names(project) if n != self.me]
        return [None, self.me, *others]

    def cycle(self, project: Project) -> str | None:
        """Show the next choice; returns it."""
        choices = self.choices(project)
        index = choices.index(self.only) if self.only in choices else 0
        self.only = choices[(index + 1) % len(choices)]
        return self.only

    def keep(self, codings: Iterable[Coding]) -> list[Coding]:
        """The codings that are shown."""
        if self.only is None:
            return list(codings)
        return [c for c in codings if c.coder == self.only]

    def colors(self, codings: Sequence[Coding], code_colors: Mapping[str, str]) -> dict[str, str]:
        """Colours for the transcript: by code id, or (by coder) per coding id as well."""
        if not self.by_coder:
            return dict(code_colors)
        out = dict(code_colors)
        out.update({c.id: coder_color(c.coder) for c in codings})
        return out


def coder_view(app: Any) -> CoderView:
    """The app's coder view (made with the app, from the config and the coder name)."""
    return app.coder_view


def shown_codings(
    app: Any, codings: Sequence[Coding], code_colors: Mapping[str, str]
) -> tuple[list[Coding], dict[str, str]]:
    """The codings the transcript shows and the colours to show them in."""
    view = coder_view(app)
    kept = view.keep(codings)
    return kept, view.colors(kept, code_colors)


def status_part(app: Any) -> str:
    """What the status line says about whose codings are shown ('' when all, by code)."""
    view = coder_view(app)
    if view.only is None and not view.blind and not view.by_coder:
        return ""
    return view.label + (" · colour by coder" if view.by_coder else "")


# --------------------------------------------------------------------------- actions
def _refresh(app: Any) -> None:
    """Show the codings of the coders now chosen (the project did not change)."""
    main = app.main_screen
    if main is not None and main.is_mounted:
        main.refresh_panes()


def cycle_coders(app: Any, to: str | None | bool = False) -> None:
    """Show the next coder's codings (or ``to``: a coder name, ``None`` for everybody)."""
    view = coder_view(app)
    if view.blind:
        app.notify("Blind mode is on: only your own codings are shown", severity="warning",
                   markup=False)
        return
    if to is False:
        view.cycle(app.project)
    else:
        view.only = to  # type: ignore[assignment]
    _refresh(app)
    app.notify(view.label.capitalize(), markup=False, timeout=3)


def toggle_colour_by_coder(app: Any) -> None:
    """Colour the gutter by coder, or by code again."""
    view = coder_view(app)
    view.by_coder = not view.by_coder
    _refresh(app)
    app.notify("Codings coloured by coder" if view.by_coder else "Codings coloured by code",
               markup=False, timeout=3)


def palette_commands(app: Any) -> Iterator[tuple[str, str, Any]]:
    """(title, help, callback) for the command palette."""
    view = coder_view(app)
    if not view.blind:
        yield ("Show codings of: next coder", f"cycle all / mine / each coder (ctrl+k) · "
               f"{view.label}", partial(cycle_coders, app))
        for name in view.choices(app.project):
            who = "all coders" if name is None else ("me, " + name if name == view.me else name)
            yield (f"Show codings of: {who}", "whose codings the transcript shows",
                   partial(cycle_coders, app, name))
    yield ("Colour codings by coder", "the gutter by coder instead of by code (again: by code)",
           partial(toggle_colour_by_coder, app))
    yield ("Review disagreements…", "walk where two coders differ and decide (ctrl+d)",
           app.action_review_disagreements)


def counted_coder(app: Any) -> str | None:
    """Whose codings the codebook counts and retrieval lists: mine in blind mode, else all."""
    view = coder_view(app)
    return view.me if view.blind else None
