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


class _PythonSwitch:
    """A switch whose ``__exit__`` is Python code: CPython can raise a pending Ctrl-C as that
    function starts, before it restores anything."""

    def __init__(self, state):
        self.state = state

    def __enter__(self):
        self.state["on"] = 1

    def __exit__(self, *exc_info):
        self.state["on"] = 0


def _with_python_switch(d):
    with _PythonSwitch(d):
        d["work"] = 1


def test_delivery_points_are_where_cpython_raises_a_pending_ctrl_c():
    def loop(d):
        for _ in range(3):  # each pass ends in a backward jump: a point
            d["n"] += 1

    started = lambda d: min(d["n"], 1)  # noqa: E731 - any pass done counts as after: only the points matter here
    report = interrupt_everywhere(lambda: {"n": 0}, loop, started, [__name__], granularity="delivery")
    opcode = interrupt_everywhere(lambda: {"n": 0}, loop, started, [__name__], granularity="opcode")
    assert report.points < opcode.points  # loads, stores and additions are not points
    assert sum("JUMP_BACKWARD" in where for where in report.where) == 3
    assert "(loop) at bytecode 2 " in report.where[0]  # the frame's first bytecode


def test_delivery_finds_a_python_exit_interrupted_as_it_starts():
    """The hole of a Python ``__exit__``: the state is left switched on.  A bytecode-by-bytecode
    test reports it too, with the with statement's own bytecodes, which CPython never interrupts."""
    fresh_state = lambda: {"on": 0, "work": 0}  # noqa: E731
    with pytest.raises(AssertionError, match=r"(?s)neither before nor after.*\(__exit__\) at bytecode 2 "):
        interrupt_everywhere(fresh_state, _with_python_switch, dict, [__name__], granularity="delivery")


def test_delivery_spares_a_with_statement_whose_exit_is_a_c_call():
    """A lock's ``__exit__`` is C: nothing runs between the block's end and the release, and the
    with statement's own bytecodes (loading its arguments) are no points of CPython's."""
    import threading

    def locked_work(d):
        with d["lock"]:
            d["work"] = 1

    fresh = lambda: {"lock": threading.Lock(), "work": 0}  # noqa: E731
    snapshot = lambda d: (d["work"], d["lock"].locked())  # noqa: E731
    report = interrupt_everywhere(fresh, locked_work, snapshot, [__name__], granularity="delivery")
    assert report.after and not report.failures
    with pytest.raises(AssertionError, match="neither before nor after"):
        interrupt_everywhere(fresh, locked_work, snapshot, [__name__], granularity="opcode")
