"""uninterrupted(): Ctrl-C held back for a block, then delivered to the user's own handler."""

from __future__ import annotations

import os
import signal
import threading

import pytest
from interrupts import interrupt_everywhere

from autograd_core.interrupts import uninterrupted


@pytest.fixture
def default_sigint():
    """Python's own SIGINT handler for the test (whatever the test runner installed), then restored."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def busy(n: int = 10_000) -> None:
    """Bytecodes with backward jumps, where Python runs pending signal handlers."""
    for _ in range(n):
        pass


def test_a_sigint_in_the_block_is_raised_after_it(default_sigint):
    done = []
    with pytest.raises(KeyboardInterrupt):
        with uninterrupted():
            signal.raise_signal(signal.SIGINT)
            busy()
            done.append("block")
    assert done == ["block"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_sigint_received_by_another_thread_is_held_too(default_sigint):
    """A terminal's Ctrl-C goes to the process; any thread may receive it, the main thread handles it."""
    done = []
    with pytest.raises(KeyboardInterrupt):
        with uninterrupted():
            sender = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT))
            sender.start()
            sender.join()
            busy()
            done.append("block")
    assert done == ["block"]


def test_the_users_handler_runs_once_after_the_block():
    calls = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: calls.append(len(done)))
    done = []
    try:
        with uninterrupted():
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)  # two quick Ctrl-Cs: one interrupt, as Python would see them
            done.append("block")
        assert calls == [1]  # called after the block's last line
    finally:
        signal.signal(signal.SIGINT, previous)


def test_an_ignored_sigint_stays_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with uninterrupted():
            signal.raise_signal(signal.SIGINT)
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_an_error_in_the_block_restores_the_handler_and_keeps_the_interrupt(default_sigint):
    with pytest.raises(ValueError, match="inside"):
        with uninterrupted():
            raise ValueError("inside")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt) as info:
        with uninterrupted():
            signal.raise_signal(signal.SIGINT)
            raise ValueError("inside, interrupted")
    assert isinstance(info.value.__context__, ValueError)


def test_nested_blocks_deliver_after_the_outer_one(default_sigint):
    done = []
    with pytest.raises(KeyboardInterrupt):
        with uninterrupted():
            with uninterrupted():
                signal.raise_signal(signal.SIGINT)
            busy()
            done.append("outer block")
    assert done == ["outer block"]


def test_in_another_thread_the_block_just_runs(default_sigint):
    seen = []

    def work():
        with uninterrupted():
            seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [signal.default_int_handler]


def test_two_assignments_in_the_block_are_all_or_nothing_at_every_bytecode():
    """Interrupted at every bytecode of the block and of the guard's own code (entering, holding, leaving)."""

    def both(d):
        with uninterrupted():
            d["a"] = 1
            d["b"] = 1

    report = interrupt_everywhere(
        lambda: {"a": 0, "b": 0}, both, dict, [__name__, "autograd_core.interrupts"], granularity="opcode"
    )
    assert report.before and report.after and not report.failures
    guard = [where for where in report.where if where.startswith("autograd_core.interrupts:")]
    assert any("(__enter__)" in where for where in guard) and any("(__exit__)" in where for where in guard)


def test_one_guard_holds_one_block_at_a_time(default_sigint):
    guard = uninterrupted()
    with guard:
        with pytest.raises(RuntimeError, match="already holding a block"):
            with guard:
                pass
        assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler  # still held
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with guard:  # used again after its block: fine
        pass
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
