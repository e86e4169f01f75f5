"""Graph walks pause Python's cyclic GC and always give the caller's setting back: after a
normal return, after an exception, with the GC already off, and with walks overlapping in
two threads."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from autograd_core import Value, topological_order, zero_grad

TIMEOUT = 30


@pytest.fixture(autouse=True)
def gc_back_on() -> Iterator[None]:
    """Whatever a test does, the next one starts with the GC on."""
    yield
    gc.enable()


class _Probe(float):
    """A local derivative that reports whether the GC is on when backward reaches it,
    and optionally raises or waits there."""

    seen: list[bool]
    error: BaseException | None = None
    reached: threading.Event | None = None
    resume: threading.Event | None = None

    def __rmul__(self, upstream: float) -> float:
        self.seen.append(gc.isenabled())
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
    root.backward()
    assert probe.seen == [False]
    assert gc.isenabled() is enabled


@pytest.mark.parametrize("enabled", [True, False])
def test_the_setting_is_restored_when_backward_raises(enabled):
    (gc.enable if enabled else gc.disable)()
    root, _ = probed(error=KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        root.backward()
    assert gc.isenabled() is enabled
    root, _ = probed(error=ValueError("derivative failed"))
    with pytest.raises(ValueError):
        root.backward(create_graph=False)
    assert gc.isenabled() is enabled


def test_topological_sort_and_zero_grad_restore_the_setting():
    root, _ = probed()
    assert len(topological_order(root)) == 5 and gc.isenabled()  # x, 3, x*3, (x*3)**2, tanh
    zero_grad(root)
    assert gc.isenabled()
    gc.disable()
    topological_order(root)
    zero_grad(root)
    assert not gc.isenabled()


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
    assert probe_a.seen == [False] and probe_b.seen == [False]
    assert gc.isenabled()
