"""Background saving: every change reaches the disk within a second, off the UI thread.

The app tells the saver of each change (:meth:`Saver.changed`, on ``ProjectChanged``). The
snapshot of the records is taken on the UI thread (cheap: cached serialised lines); a thread
worker renders and writes it atomically. A failed write (disk full, permissions) is reported and
the changes stay in memory; the saver tries again a little later. The saver reports each
:class:`SaveState` it reaches; the app keeps it as a reactive the status line shows.

A save that finds the file changed on disk (``git pull``, a sync tool) writes nothing: the
saver has the project take the change in on the UI thread (a merge into memory, one undoable
step that redraws the panes like any change), tells what came in, and saves the merged
project. A file on disk that cannot be merged is never written over: the status says
"not saved" and the saver keeps trying.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from functools import partial

from textual.app import App
from textual.timer import Timer
from textual.worker import Worker, WorkerFailed, WorkerState

from workbench.core.project import Project, TakenFromDisk
from workbench.errors import WorkbenchError
from workbench.store.seen import ChangedOnDisk, DiskChange

#: Seconds between a change and the save that writes it (longer for projects that take long
#: to write, so bursts of changes share one write; never more than MAX_DELAY).
DELAY = 0.3
MAX_DELAY = 1.0
#: Seconds before trying again after a failed save.
RETRY = 5.0
GROUP = "project-save"
#: The interpreter's thread switch interval while a save runs (seconds): the UI thread then
#: waits at most this long for the interpreter each time it wakes for a key or a frame. With
#: Python's 5 ms, a key pressed during a save waited for it several times, ~45 ms in all.
SAVE_SWITCH_INTERVAL = 0.0005
#: Longest one key holds a save on its thread (seconds): until the frame answering it is
#: written, or this long when none comes (a key that changes nothing on the screen).
KEY_HOLD = 0.05
#: Longest all keys together hold one save: a typist never keeps the work from the disk long.
SAVE_HOLD = 0.25


class KeysFirst:
    """Lets a save on its thread step aside while the interface answers a key.

    Both threads share one interpreter: a key handled while the save renders the file took
    twice its time. The app calls :meth:`key_arrived` when a key comes in, :meth:`key_dispatched`
    once it has gone to its handler, and :meth:`frame_written` after each frame: a key is
    answered by the first frame written after it was dispatched. A save calls the callable of
    :meth:`for_a_save` between pieces of its work; while a key waits for its answer, so does
    the save: at most :data:`KEY_HOLD` for each key and :data:`SAVE_HOLD` in all. After
    :meth:`stop` (the app is stopping, or a quit waits for the save) nothing waits.
    """

    def __init__(self) -> None:
        self._answered = threading.Event()
        self._answered.set()
        self._keys = 0  # keys arrived
        self._dispatched = 0  # the newest key gone to its handler
        self._held_longest = 0  # the newest key that held a save KEY_HOLD (it holds no more)
        self._stopped = False

    # -- on the UI thread
    def key_arrived(self) -> None:
        self._keys += 1
        self._answered.clear()

    def key_dispatched(self) -> None:
        self._dispatched = self._keys

    def frame_written(self) -> None:
        if self._dispatched == self._keys:
            self._answered.set()

    def stop(self) -> None:
        """Saves wait for no key from now on (until :meth:`resume`)."""
        self._stopped = True
        self._answered.set()

    def resume(self) -> None:
        self._stopped = False

    # -- on the save's thread
    def for_a_save(self) -> Callable[[], None]:
        """What one save calls between pieces of its work: returns at once, unless a key
        waits for its answer (then when it is answered, or the save waited its longest)."""
        left = SAVE_HOLD

        def between_pieces() -> None:
            nonlocal left
            key = self._keys
            if self._stopped or self._answered.is_set() or left <= 0 \
                    or key == self._held_longest:
                return
            began = time.monotonic()
            if not self._answered.wait(min(KEY_HOLD, left)):
                self._held_longest = key
            left -= time.monotonic() - began

        return between_pieces



@contextmanager
def _switching_often() -> Iterator[None]:
    """The block runs with :data:`SAVE_SWITCH_INTERVAL` (the previous interval after)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, SAVE_SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class SaveState(Enum):
    """Whether what is on disk is the project as it is, with the word the status line shows
    it with."""

    SAVED = "saved"
    SAVING = "saving…"
    UNSAVED = "unsaved"
    FAILED = "not saved"
    READ_ONLY = "read-only"

    @property
    def label(self) -> str:
        """The word the status line shows."""
        return self.value


class Saver:
    """Schedules saves after changes and reports each :class:`SaveState` through ``on_state``."""

    def __init__(
        self, app: App, project: Project, on_state: Callable[[SaveState], None]
    ) -> None:
        self.app = app
        self.project = project
        self.on_state = on_state
        self.state = SaveState.SAVED
        self.error: str | None = None
        self._timer: Timer | None = None
        self._worker: Worker | None = None
        self.lock = threading.Lock()  # one write at a time, worker or final save
        self._warming: threading.Thread | None = None
        self._started = 0.0
        self.last_duration = 0.0  # seconds the last write took
        self.typing = False  # text is typed that is not in the project yet (a memo draft)
        #: keys answered before the save on its thread goes on (told of keys by the app)
        self.keys = KeysFirst()

    def _set(self, state: SaveState) -> None:
        if state != self.state:
            self.state = state
            self.on_state(state)

    def warm_up(self) -> None:
        """Serialise every record once, on a thread, while the user is still only reading.

        A file in Workbench's own layout comes with every record's line already cached
        (store/reader.py), so this takes milliseconds; a file that had to be read whole (made
        by hand, by another tool, or just migrated) has none, and serialising 50,000 codings
        on the UI thread at the first change took seconds. Nothing changes records until
        :meth:`ready_for_changes` (called by the app before every change) has waited for it.
        """
        if self.project.read_only or self._warming is not None:
            return
        self._warming = threading.Thread(
            target=self.project.snapshot, name="warm project lines", daemon=True
        )
        self._warming.start()

    def ready_for_changes(self) -> None:
        """Wait for the warm-up thread (immediate unless the project was opened just now)."""
        if self._warming is not None:
            self._warming.join()

    def typed(self, pending: bool) -> None:
        """Whether text typed in the app (a memo) is still to go into the project: until it
        has, and has been written, the status says "unsaved", never "saved"."""
        if self.project.read_only:
            return
        self.typing = pending
        if pending and self.state == SaveState.SAVED:
            self._set(SaveState.UNSAVED)
        elif not pending and self.state == SaveState.UNSAVED and not self.project.dirty:
            self._set(SaveState.SAVED)

    def _settled(self) -> SaveState:
        """The state once everything in the project is on disk."""
        return SaveState.UNSAVED if self.typing else SaveState.SAVED

    def changed(self) -> None:
        """The project changed: a save follows within a second (nothing when what changed is
        already on disk, as after the final save of a quit)."""
        if self.project.read_only or not self.project.dirty:
            return
        if self.state != SaveState.SAVING:
            self._set(SaveState.UNSAVED)
        self._schedule(self.delay)

    @property
    def delay(self) -> float:
        """How long to wait for more changes before writing."""
        return min(MAX_DELAY, max(DELAY, self.last_duration))

    def _schedule(self, delay: float) -> None:
        if self._timer is None:
            self._timer = self.app.set_timer(delay, self._begin, name="save")

    def _begin(self) -> None:
        self._timer = None
        if self._worker is not None and self._worker.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        ):
            self._schedule(self.delay)  # one write at a time; the next one follows
            return
        if not self.project.dirty:
            self._set(self._settled())
            return
        snapshot = self.project.snapshot()
        revision = self.project.revision
        self._set(SaveState.SAVING)
        self._started = time.monotonic()
        self._worker = self.app.run_worker(
            partial(self._write, snapshot, revision),
            name="save project",
            # without a description Textual stores repr(work): the whole snapshot, made into
            # text on the UI thread (a second's freeze and hundreds of MB on a large project)
            description="save project",
            group=GROUP,
            thread=True,
            exit_on_error=False,
        )

    def _write(self, snapshot: dict[str, dict[str, bytes]], revision: int) -> None:
        with self.lock, _switching_often():  # runs on the worker thread
            self.project.save_snapshot(snapshot, revision, between=self.keys.for_a_save())

    def on_worker_state(self, worker: Worker) -> None:
        """The app forwards its ``Worker.StateChanged`` messages of save workers here."""
        if worker is not self._worker:
            return
        if worker.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.last_duration = time.monotonic() - self._started
        if worker.state == WorkerState.SUCCESS:
            self.error = None
            if self.project.dirty:
                self._set(SaveState.UNSAVED)
                self._schedule(self.delay)
            else:
                self._set(self._settled())
        elif worker.state == WorkerState.ERROR:
            if isinstance(worker.error, ChangedOnDisk):
                self._take_in(worker.error.change)
            else:
                self._report(worker.error)
                self._schedule(RETRY)

    def _take_in(self, change: DiskChange) -> None:
        """The file changed on disk: merge it into the project, say so, save the result."""
        try:
            taken = self.project.take_disk_change(change)
        except WorkbenchError as exc:
            self._report(exc)
            self._schedule(RETRY)
            return
        self.error = None
        self._tell(taken)
        self._set(SaveState.UNSAVED)
        self._schedule(DELAY)

    def _tell(self, taken: TakenFromDisk) -> None:
        self.app.notify(
            taken.message,
            title="Changed on disk",
            severity="warning" if taken.conflicts else "information",
            timeout=12,
            markup=False,
        )

    def _report(self, exc: BaseException | None) -> None:
        message = str(exc) if isinstance(exc, WorkbenchError) else f"could not save: {exc!r}"
        if message != self.error:
            hint = (  # the work stays in memory: say how to keep it if the disk stays full
                f"Your changes are still in memory; trying again every {RETRY:g} s. "
                "To keep your work elsewhere meanwhile: "
                "ctrl+p, “Save a copy of the project as…” on another disk"
            )
            self.app.notify(
                f"{message}\n{hint}", title="Not saved", severity="error", timeout=20, markup=False
            )
        self.error = message
        self._set(SaveState.FAILED)

    async def flush(self) -> bool:
        """Wait for a running save, then save what is left synchronously; True when saved."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        worker = self._worker
        if worker is not None and worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
            self.keys.stop()  # the running save waits for no key
            try:
                await worker.wait()
            except WorkerFailed:
                pass
            finally:
                self.keys.resume()
        self._worker = None  # what it found (a change on disk) is seen again by the save below
        if self.project.read_only or not self.project.dirty:
            if not self.project.read_only:
                self._set(self._settled())
            return True
        try:
            with self.lock:
                taken = self.project.save()
        except WorkbenchError as exc:
            self._report(exc)
            self._schedule(RETRY)  # the app stays open (a quit refused): keep trying
            return False
        for each in taken:
            self._tell(each)
        self.error = None
        self._set(self._settled())
        return True

    def save_now(self) -> None:
        """Save what is left at once, on this thread (after a write running on the worker's
        thread): for when the app must stop now (the terminal went away). Raises
        :class:`WorkbenchError` if the write fails."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.keys.stop()  # a save running on its thread waits for no key: the app stops
        if self.project.read_only:
            return
        with self.lock:
            if self.project.dirty:
                self.project.save()
