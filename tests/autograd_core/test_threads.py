"""Recording state is per thread: no_grad, enable_grad, name_scope, detect_anomaly and backward's
own switch in one thread never change what another thread records.

Each test forces the overlap with events (no sleeps, no timing), so it fails every time on
process-wide switches.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from autograd_core import Value, detect_anomaly, enable_grad, is_grad_enabled, name_scope, no_grad
from autograd_core.modes import SWITCHES, Switch, current_mode

TIMEOUT = 30  # seconds: only reached if a thread is stuck, which is then reported as a failure


def run_threads(*targets: Callable[[], None]) -> None:
    """Run each target in its own thread and re-raise the first error or failed assertion."""
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as error:  # noqa: BLE001 - handed to the main thread
                errors.append(error)

        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a thread did not finish"
    if errors:
        raise errors[0]


def wait(event: threading.Event) -> None:
    assert event.wait(TIMEOUT), "the other thread never got there"


def test_overlapping_no_grad_in_two_threads_leaves_recording_on():
    # A enters, B enters, A leaves, B leaves: with one process-wide switch, B restores the
    # False it saw on entry and recording stays off for good.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    after: dict[str, bool] = {}

    def a() -> None:
        with no_grad():
            a_in.set()
            wait(b_in)
        after["a"] = is_grad_enabled()
        a_out.set()

    def b() -> None:
        wait(a_in)
        with no_grad():
            b_in.set()
            wait(a_out)
        after["b"] = is_grad_enabled()

    run_threads(a, b)
    assert after == {"a": True, "b": True}
    assert is_grad_enabled()
    current_mode()  # reading drops the blocks that have been left
    assert SWITCHES == []  # every thread is back to the defaults: node creation skips the look-up
    x = Value(2.0)
    assert (x * x).requires_grad


def test_graph_built_while_another_thread_is_in_no_grad_is_recorded():
    a_in, b_done = threading.Event(), threading.Event()
    grads: dict[str, float] = {}

    def a() -> None:
        with no_grad():
            a_in.set()
            wait(b_done)
            y = Value(3.0) * Value(4.0)
            assert y.parents == ()

    def b() -> None:
        wait(a_in)
        try:
            x = Value(3.0)
            y = x * x
            y.backward()
            grads["x"] = x.grad
        finally:
            b_done.set()

    run_threads(a, b)
    assert grads == {"x": 6.0}


class _Pause(float):
    """A local derivative that, when backward multiplies by it, lets the other thread work and
    waits for it: the backward pass is then certainly under way in this thread."""

    started: threading.Event
    resume: threading.Event

    def __rmul__(self, upstream: float) -> float:
        self.started.set()
        wait(self.resume)
        return upstream * float(self)


def test_graphs_built_while_another_thread_runs_backward_are_all_recorded():
    started, resume = threading.Event(), threading.Event()
    pause = _Pause(2.0)
    pause.started, pause.resume = started, resume
    x = Value(1.5, name="x")
    y = x * 2.0
    y._d0 = pause  # d(y)/dx, as recorded at the forward pass
    z = (y * y).tanh()
    unrecorded: list[int] = []

    def a() -> None:
        z.backward()

    def b() -> None:
        wait(started)
        try:
            for i in range(2_000):  # all while thread A is inside backward()
                u = Value(float(i))
                v = (u * 3.0 + 1.0).relu()
                if not v.requires_grad or v.parents == ():
                    unrecorded.append(i)
        finally:
            resume.set()

    run_threads(a, b)
    assert unrecorded == []
    # A's backward itself finished correctly: y = 2x = 3, dz/dx = (1 - tanh(y²)²) * 2y * 2.
    assert abs(x.grad - (1 - math.tanh(9.0) ** 2) * 2 * 3.0 * 2) < 1e-12


def test_name_scope_and_enable_grad_stay_in_their_thread():
    a_in, b_done = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def a() -> None:
        with name_scope("layer1"), no_grad(), enable_grad():
            a_in.set()
            wait(b_done)
            h = Value(1.0) * 2
            seen["a"] = (h.scope, h.requires_grad)

    def b() -> None:
        wait(a_in)
        try:
            h = Value(1.0) * 2
            seen["b"] = (h.scope, h.requires_grad)
        finally:
            b_done.set()

    run_threads(a, b)
    assert seen == {"a": ("layer1", True), "b": (None, True)}


def test_detect_anomaly_stays_in_its_thread():
    a_in, b_done = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def a() -> None:
        with detect_anomaly():
            a_in.set()
            wait(b_done)
            outcome["a"] = current_mode().anomaly

    def b() -> None:
        wait(a_in)
        try:
            x = Value(0.0)
            (x**0.5).backward()  # infinite slope: only an error under detect_anomaly
            outcome["b"] = x.grad
        finally:
            b_done.set()

    run_threads(a, b)
    assert outcome == {"a": True, "b": float("inf")}


def test_a_new_thread_starts_with_the_defaults_whatever_the_creator_does():
    seen: list[tuple] = []
    with no_grad(), name_scope("outer"), detect_anomaly():
        run_threads(lambda: seen.append((is_grad_enabled(), current_mode().scope, current_mode().anomaly)))
    assert seen == [(True, None, False)]


def test_a_switch_entered_and_left_by_hand_is_seen_by_this_thread_only():
    # Code that enters a Switch itself (as backward does) gets the same per-thread behaviour.
    seen: list[bool] = []
    switch = Switch(grad_enabled=False)
    switch.__enter__()
    try:
        run_threads(lambda: seen.append((Value(1.0) * 2).requires_grad))
        assert not (Value(1.0) * 2).requires_grad
    finally:
        switch.__exit__(None, None, None)
    assert seen == [True]
    assert (Value(1.0) * 2).requires_grad and SWITCHES == []
