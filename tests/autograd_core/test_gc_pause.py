"""Graph walks pause Python's cyclic GC's automatic collections and always give the caller's
settings back: after a normal return, after an exception, with the GC off, with walks
overlapping in two threads, and with the user switching the GC on or off meanwhile: the switch
(``gc.enable()`` / ``gc.disable()``) is the user's alone."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from autograd_core import Value, topological_order, zero_grad
from autograd_core.gc_pause import PAUSED, gc_paused

TIMEOUT = 30


@pytest.fixture(autouse=True)
def gc_back_on() -> Iterator[None]:
    """Whatever a test does, the next one starts with the GC on and its thresholds as they were."""
    thresholds = gc.get_threshold()
    yield
    gc.enable()
    gc.set_threshold(*thresholds)


def paused() -> bool:
    """True while automatic collections are paused by a walk."""
    return gc.get_threshold()[0] == PAUSED


class _Probe(float):
    """A local derivative that reports whether the GC is on when backward reaches it,
    and optionally raises or waits there."""

    seen: list[bool]
    error: BaseException | None = None
    reached: threading.Event | None = None
    resume: threading.Event | None = None

    def __rmul__(self, upstream: float) -> float:
        self.seen.append(paused())
        if self.reached is not None:
            self.reached.set()
            assert self.resume is not None and self.resume.wait(TIMEOUT)
        if self.error is not None:
            raise self.error
        return upstream * float(self)


def probed(**options: object) -> tuple[Value, _Probe]:
    x = Value(0.7, name="x")
    y = x * 3.0
    probe = _Probe(y._d0)
    probe.seen = []
    for key, value in options.items():
        setattr(probe, key, value)
    y._d0 = probe
    return (y * y).tanh(), probe


@pytest.mark.parametrize("enabled", [True, False])
def test_backward_pauses_the_gc_and_restores_the_callers_setting(enabled):
    (gc.enable if enabled else gc.disable)()
    root, probe = probed()
    thresholds = gc.get_threshold()
    root.backward()
    assert probe.seen == [True]
    assert gc.isenabled() is enabled and gc.get_threshold() == thresholds


@pytest.mark.parametrize("enabled", [True, False])
def test_the_setting_is_restored_when_backward_raises(enabled):
    (gc.enable if enabled else gc.disable)()
    thresholds = gc.get_threshold()
    root, _ = probed(error=KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        root.backward()
    assert gc.isenabled() is enabled and gc.get_threshold() == thresholds
    root, _ = probed(error=ValueError("derivative failed"))
    with pytest.raises(ValueError):
        root.backward(create_graph=False)
    assert gc.isenabled() is enabled and gc.get_threshold() == thresholds


def test_topological_sort_and_zero_grad_restore_the_setting():
    root, _ = probed()
    thresholds = gc.get_threshold()
    assert len(topological_order(root)) == 5 and gc.isenabled()  # x, 3, x*3, (x*3)**2, tanh
    zero_grad(root)
    assert gc.isenabled() and gc.get_threshold() == thresholds
    gc.disable()
    topological_order(root)
    zero_grad(root)
    assert not gc.isenabled() and gc.get_threshold() == thresholds


def test_overlapping_backward_in_two_threads_leaves_the_gc_on():
    # A pauses the GC, B starts while A is still inside (and sees it paused), A finishes first:
    # the GC must stay paused for B, then come back on, not stay off for good.
    reached, resume = threading.Event(), threading.Event()
    root_a, probe_a = probed(reached=reached, resume=resume)
    root_b, probe_b = probed()
    b_done = threading.Event()
    errors: list[BaseException] = []

    def a() -> None:
        try:
            root_a.backward()
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            errors.append(error)

    def b() -> None:
        try:
            assert reached.wait(TIMEOUT)
            root_b.backward()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            b_done.set()
            resume.set()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not errors and not any(t.is_alive() for t in threads)
    assert probe_a.seen == [True] and probe_b.seen == [True]
    assert gc.isenabled() and not paused()


@pytest.mark.parametrize("users_choice", [gc.disable, gc.enable])
def test_a_backward_in_another_thread_never_overrides_the_users_switch(users_choice):
    """The reported case: a backward running in another thread while the user calls
    ``gc.disable()`` turned the GC back on when it finished."""
    (gc.enable if users_choice is gc.disable else gc.disable)()
    reached, resume = threading.Event(), threading.Event()
    root, probe = probed(reached=reached, resume=resume)
    errors: list[BaseException] = []

    def walk() -> None:
        try:
            root.backward()
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            errors.append(error)

    thread = threading.Thread(target=walk)
    thread.start()
    try:
        assert reached.wait(TIMEOUT)
        users_choice()  # the user's own switch, while the walk is paused mid-way
    finally:
        resume.set()
        thread.join(TIMEOUT)
    assert not errors and not thread.is_alive() and probe.seen == [True]
    assert gc.isenabled() is (users_choice is gc.enable) and not paused()


def test_a_pause_left_behind_is_ended_by_the_next_walk():
    """Should a walk's end ever be skipped, the next walk does not take the paused threshold for
    the user's: it puts back the one seen before."""
    thresholds = gc.get_threshold()
    gc_paused.__enter__()  # a pause whose end never comes
    assert paused()
    topological_order(probed()[0])
    assert gc.get_threshold() == thresholds


def test_thresholds_the_user_sets_between_walks_are_kept():
    gc.set_threshold(500, 7, 3)
    root, probe = probed()
    root.backward()
    assert probe.seen == [True] and gc.get_threshold() == (500, 7, 3)
