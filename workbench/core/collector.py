"""Pausing Python's cycle collector while many long-lived objects are made at once."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[Callable[[], None]]:
    """No cyclic garbage collection inside the block, or until the function it gives is called.

    Loading a project or importing a study makes hundreds of thousands of objects that all
    outlive the block and form no cycles; the collector would walk them again and again (a
    fifth of a large load, a tenth of a large import) to free nothing. Starting the interface
    is the same (modules, classes, styles, widgets), until its first frame: the block runs the
    whole interface, which calls the function it was given once that frame is shown. The
    collector is as it was before the block from then on.
    """
    enabled = gc.isenabled()
    paused = True

    def resume() -> None:
        nonlocal paused
        if paused:
            paused = False
            if enabled:
                gc.enable()

    gc.disable()
    try:
        yield resume
    finally:
        resume()
