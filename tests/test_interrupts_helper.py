"""The interrupt-everywhere helper itself: it finds what it claims to find."""

from __future__ import annotations

import signal

import pytest
from interrupts import interrupt_everywhere, same_state


def fresh():
    return {"a": 0, "b": 0}


def test_it_finds_a_state_left_in_between_and_names_the_line():
    def two_steps(d):
        d["a"] = 1
        d["b"] = 1

    with pytest.raises(AssertionError, match=r"(?s)1 of 2 interrupts .*\(two_steps\): the state is neither"):
        interrupt_everywhere(fresh, two_steps, dict, [__name__])


def test_it_finds_a_swallowed_interrupt():
    def swallowing(d):
        try:
            d["a"] = 1
            d["b"] = 1
        except KeyboardInterrupt:
            d.update(a=1, b=1)

    with pytest.raises(AssertionError, match="the interrupt was swallowed"):
        interrupt_everywhere(fresh, swallowing, dict, [__name__])


def test_it_finds_a_handler_left_changed():
    def ignoring(d):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        d.update(a=1, b=1)

    with pytest.raises(AssertionError, match="SIGINT's handler was left changed"):
        interrupt_everywhere(fresh, ignoring, dict, [__name__])
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN


def test_raising_directly_interrupts_inside_a_try_too():
    def undoing(d):
        d["a"] = 1
        try:
            d["b"] = 1
        except BaseException:
            d["a"] = 0
            raise

    # A raise at the line of "d['a'] = 0" is not caught by that handler: the state stays in between.
    with pytest.raises(AssertionError, match="neither before nor after"):
        interrupt_everywhere(fresh, undoing, dict, [__name__], via="raise")


def test_bytecodes_are_finer_than_lines():
    def one_line(d):
        d["a"] = 1; d["b"] = 1  # noqa: E702 - two statements, one line event

    line = interrupt_everywhere(fresh, one_line, dict, [__name__])
    assert line.points == 1 and line.before == [1]
    with pytest.raises(AssertionError, match="neither before nor after"):
        interrupt_everywhere(fresh, one_line, dict, [__name__], granularity="opcode")


def test_an_operation_that_changes_nothing_proves_nothing():
    with pytest.raises(AssertionError, match="changed nothing"):
        interrupt_everywhere(fresh, lambda d: None, dict, [__name__])
    with pytest.raises(ValueError, match="granularity"):
        interrupt_everywhere(fresh, lambda d: None, dict, [__name__], granularity="word")


def test_same_state_compares_arrays_exactly():
    import numpy as np

    assert same_state({"w": [np.array([np.nan])]}, {"w": [np.array([np.nan])]})
    assert not same_state({"w": np.array([1.0])}, {"w": np.array([1.0 + 1e-15])})
    assert not same_state((1, 2), [1, 2])
