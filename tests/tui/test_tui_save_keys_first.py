"""A save on its thread steps aside while a key is answered (both share one interpreter), and
never for long: at most KEY_HOLD for a key whose frame never comes, SAVE_HOLD in all, and not
at all once the app is stopping (SIGTERM, SIGHUP, a quit)."""

from __future__ import annotations

import signal
import threading
import time

from tui_support import reopen, until

from workbench.tui import saver as saver_module
from workbench.tui.saver import KeysFirst, SaveState


def _in_thread(work) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def _timed(between, times: int = 1) -> list[float]:
    took = []
    for _ in range(times):
        began = time.monotonic()
        between()
        took.append(time.monotonic() - began)
    return took


def test_a_key_holds_the_save_until_the_frame_after_its_dispatch(monkeypatch) -> None:
    monkeypatch.setattr(saver_module, "KEY_HOLD", 30.0)
    keys = KeysFirst()
    between = keys.for_a_save()
    assert max(_timed(between, 100)) < 0.5  # no key: the save goes on
    keys.key_arrived()
    waiting = _in_thread(between)
    waiting.join(0.05)
    assert waiting.is_alive()
    keys.frame_written()  # a frame composed before the key reached its handler: not its answer
    waiting.join(0.05)
    assert waiting.is_alive()
    keys.key_dispatched()
    keys.frame_written()
    waiting.join(5)
    assert not waiting.is_alive()
    assert max(_timed(between, 100)) < 0.5


def test_a_key_never_answered_holds_a_save_once_and_briefly(monkeypatch) -> None:
    monkeypatch.setattr(saver_module, "KEY_HOLD", 0.05)
    keys = KeysFirst()
    between = keys.for_a_save()
    keys.key_arrived()  # no frame ever comes for it
    took = _timed(between, 50)
    assert took[0] >= 0.05
    assert sum(took) < 0.05 + 1.0  # and then never again for this key
    assert sum(1 for t in took if t >= 0.04) == 1


def test_keys_that_keep_coming_hold_one_save_at_most_save_hold(monkeypatch) -> None:
    monkeypatch.setattr(saver_module, "KEY_HOLD", 0.05)
    monkeypatch.setattr(saver_module, "SAVE_HOLD", 0.2)
    keys = KeysFirst()
    between = keys.for_a_save()
    took = []
    for _ in range(40):  # a typist faster than the frames
        keys.key_arrived()
        took.extend(_timed(between))
    assert 0.2 <= sum(took) < 0.2 + 1.0
    assert sum(took[10:]) < 0.2  # the budget spent: the save goes on at once
    assert _timed(keys.for_a_save())[0] >= 0.04  # the next save has its own


def test_stop_frees_a_waiting_save_at_once_and_for_good(monkeypatch) -> None:
    monkeypatch.setattr(saver_module, "KEY_HOLD", 30.0)
    keys = KeysFirst()
    keys.key_arrived()
    waiting = _in_thread(keys.for_a_save())
    waiting.join(0.05)
    assert waiting.is_alive()
    keys.stop()
    waiting.join(5)
    assert not waiting.is_alive()
    keys.key_arrived()  # keys after the stop hold nothing
    assert _timed(keys.for_a_save())[0] < 1.0


def _hold_the_save(app) -> tuple[threading.Event, threading.Event]:
    """The app's next save stops at its first pause between pieces until ``release`` is set
    (``reached`` says it got there), then pauses for keys as usual."""
    reached, release = threading.Event(), threading.Event()
    keys = app.saver.keys
    for_a_save = keys.for_a_save

    def held() -> object:
        between = for_a_save()

        def pause() -> None:
            reached.set()
            release.wait(30)
            between()

        return pause

    keys.for_a_save = held
    return reached, release


def test_a_key_during_a_save_gets_its_answer_and_the_save_completes(drive, study):
    async def scenario(pilot, app):
        reached, release = _hold_the_save(app)
        view = app.main_screen.transcript
        await pilot.press("right_square_bracket", "1")  # a coding: saved on a thread
        await until(pilot, reached.is_set)
        assert app.save_state is SaveState.SAVING
        before = view.cursor
        await pilot.press("down")  # during the save
        assert view.cursor != before
        release.set()
        await until(pilot, lambda: app.save_state is SaveState.SAVED)
        assert len(reopen(study).codings) == 4  # "saved" only once the bytes are on disk
        status = app.main_screen.query_one("#status-saved").plain
        assert status == "saved"

    drive(scenario)


def test_a_save_held_by_a_key_never_answered_still_completes(drive, study, monkeypatch):
    monkeypatch.setattr(saver_module, "KEY_HOLD", 0.2)

    async def scenario(pilot, app):
        app.saver.keys.key_arrived()  # a key whose frame never comes
        await pilot.press("right_square_bracket", "1")
        app.saver.keys.key_arrived()
        await until(pilot, lambda: app.save_state is SaveState.SAVED, timeout=5)
        assert len(reopen(study).codings) == 4

    drive(scenario)


def test_sigterm_during_a_save_held_by_a_key_does_not_wait_for_it(drive, study, monkeypatch):
    """The signal's save waits for the running save, which must stop waiting for keys."""
    monkeypatch.setattr(saver_module, "KEY_HOLD", 30.0)
    monkeypatch.setattr(saver_module, "SAVE_HOLD", 60.0)

    async def scenario(pilot, app):
        reached, release = _hold_the_save(app)
        await pilot.press("right_square_bracket", "1")
        await until(pilot, reached.is_set)
        await pilot.press("m", *" After")  # changes the save on its thread does not have
        app.saver.keys.key_arrived()  # a key the save now waits for; no frame will come
        release.set()
        began = time.monotonic()
        app.stop_now(signal.SIGTERM)
        assert time.monotonic() - began < 10
        await until(pilot, lambda: app.return_code is not None)

    app = drive(scenario)
    assert app.return_code == 128 + signal.SIGTERM
    project = reopen(study)
    assert len(project.codings) == 4
    assert [m.text for m in project.memos.all() if m.target_kind == "coding"] == [" After"]
