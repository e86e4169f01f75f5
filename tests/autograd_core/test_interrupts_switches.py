"""A Ctrl-C anywhere never leaves a recording switch on, half-entered or counted twice.

Each test interrupts a ``with`` block of a switch (or a backward pass, which switches recording
itself and pauses the GC) at every point of the engine's code in turn, then checks the mode of
this thread, that no block is left open, and that another thread, in a block of its own the whole
time, still records as it chose.  The reported failure: a Ctrl-C on a training loop left recording
off for the rest of the session (a shared counter ended at -4).
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from interrupts import interrupt_everywhere

from autograd_core import Tensor, Value, detect_anomaly, enable_grad, name_scope, no_grad
from autograd_core.modes import SWITCHES, Switch, current_mode

SWITCH_CODE = ["autograd_core.modes", "autograd_core.value"]
BACKWARD_CODE = ["autograd_core.graph", "autograd_core.value", "autograd_core.modes", "autograd_core.gc_pause",
                 "autograd_core.tensor"]
TIMEOUT = 30


class OtherThread:
    """A thread inside ``no_grad()`` and ``name_scope("other")`` for the whole test, which says on
    request what it records: its mode, and a node it makes."""

    def __init__(self) -> None:
        self.requests: queue.Queue = queue.Queue()
        self.replies: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        with no_grad(), name_scope("other"):
            while self.requests.get() is not None:
                node = Value(1.0) * 2
                mode = current_mode()
                self.replies.put((mode.grad_enabled, mode.scope, node.requires_grad, node.scope))

    def records(self) -> tuple:
        self.requests.put(True)
        return self.replies.get(timeout=TIMEOUT)

    def stop(self) -> None:
        self.requests.put(None)
        self.thread.join(TIMEOUT)


@pytest.fixture
def other() -> Iterator[OtherThread]:
    thread = OtherThread()
    yield thread
    thread.stop()
    assert not thread.thread.is_alive()


def modes(other: OtherThread) -> tuple:
    """This thread's mode, the blocks still open in this thread, and what the other thread records."""
    mode = current_mode()
    mine = _this_thread_open()
    return (mode.grad_enabled, mode.anomaly, mode.scope, mine, other.records())


def _this_thread_open() -> int:
    ident = threading.get_ident()
    return sum(1 for m in SWITCHES if m.thread == ident and m.is_open())


OTHER = (False, "other", False, "other")  # what the other thread must always report
DEFAULTS = (True, False, None, 0, OTHER)


def recorded(node: Value) -> tuple:
    return (node.requires_grad, node.scope, node.data)


BLOCKS: dict[str, Callable[[list], None]] = {}


def block(function: Callable[[list], None]) -> Callable[[list], None]:
    BLOCKS[function.__name__] = function
    return function


@block
def in_no_grad(made: list) -> None:
    with no_grad():
        made.append(recorded(Value(1.0) * 2))


@block
def in_name_scope(made: list) -> None:
    with name_scope("layer1"):
        made.append(recorded(Value(1.0) * 2))


@block
def in_enable_grad_inside_no_grad(made: list) -> None:
    with no_grad():
        with enable_grad():
            made.append(recorded(Value(1.0) * 2))
        made.append(recorded(Value(1.0) * 3))


@block
def in_detect_anomaly_and_scopes(made: list) -> None:
    with detect_anomaly(), name_scope("net"), name_scope("layer1"):
        made.append((current_mode().anomaly, *recorded(Value(1.0) * 2)))


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_a_switch_interrupted_at_every_bytecode_leaves_the_mode_as_before(name, other):
    work = BLOCKS[name]
    complete: list = []
    work(complete)  # what the block makes, untraced: nodes recorded or not, in which scope
    report = interrupt_everywhere(
        list, work, lambda made: (made == complete, modes(other)), SWITCH_CODE, granularity="opcode"
    )
    # Every point is before the block's work is done (the with statement's own entering and leaving
    # are C calls, with no point in them): the after state is the untraced run's, checked as well.
    assert report.points > 100 and report.before and not report.failures
    assert modes(other) == DEFAULTS
    assert (Value(1.0) * 2).requires_grad  # and recording is on


def test_the_points_cover_entering_leaving_and_reading_the_mode(other):
    report = interrupt_everywhere(
        list, in_no_grad, lambda made: (list(made), modes(other)), SWITCH_CODE, granularity="opcode"
    )
    where = " ".join(report.where)
    assert all(f"({name})" in where for name in ("__get__", "_prepared", "current_mode", "_new"))


def test_the_same_switch_object_serves_nested_and_successive_blocks():
    switch = no_grad()
    with switch:
        with switch:
            assert not current_mode().grad_enabled
        assert not current_mode().grad_enabled and _this_thread_open() == 1
    with switch:
        assert not (Value(1.0) * 2).requires_grad
    assert (Value(1.0) * 2).requires_grad and _this_thread_open() == 0


def test_switches_work_with_exit_stack_and_by_hand():
    import contextlib

    with contextlib.ExitStack() as stack:
        stack.enter_context(name_scope("a"))
        stack.enter_context(no_grad())
        assert (current_mode().scope, current_mode().grad_enabled) == ("a", False)
    switch = Switch(scope="b")
    switch.__enter__()
    assert current_mode().scope == "b"
    switch.__exit__(None, None, None)
    assert current_mode().scope is None and _this_thread_open() == 0


def chain_graph() -> tuple[Value, list[Value]]:
    x = Value(0.5, name="x")
    w = Value(-1.5, name="w")
    y = ((x * w).tanh() + x) * w
    return y, [x, w, y]


def tensor_graph() -> tuple[Tensor, list[Tensor]]:
    x = Tensor(np.array([0.5, -1.0]), requires_grad=True, name="x")
    w = Tensor(np.array([[1.0, 2.0], [3.0, -1.0]]), requires_grad=True, name="w")
    y = (x @ w).tanh().sum()
    return y, [x, w, y]


def _grads(nodes: list) -> list:
    """Each node's grad as an array (create_graph makes them nodes: their values)."""
    return [None if n.grad is None else np.array(getattr(n.grad, "data", n.grad), dtype=float) for n in nodes]


@pytest.mark.parametrize("graph", [chain_graph, tensor_graph])
@pytest.mark.parametrize("create_graph", [False, True])
def test_backward_interrupted_anywhere_leaves_mode_gc_and_grads_as_before_or_after(graph, create_graph, other):
    """backward switches recording (on for create_graph, else off) and pauses the GC: both come
    back, whatever point CPython delivers the Ctrl-C at, and the grads are all or nothing."""
    thresholds = gc.get_threshold()

    def state(subject: tuple) -> tuple:
        root, nodes = subject
        return (_grads(nodes), modes(other), gc.get_threshold())

    report = interrupt_everywhere(
        graph, lambda subject: subject[0].backward(create_graph=create_graph), state, BACKWARD_CODE,
        granularity="delivery",
    )
    assert report.before and report.after and not report.failures
    assert gc.get_threshold() == thresholds and modes(other) == DEFAULTS


def test_the_test_finds_a_switch_left_by_python_code(monkeypatch, other):
    """The test can fail: with ``__exit__`` written in Python (as contextlib's switches are), a
    Ctrl-C as it starts leaves the block open, and recording off."""
    import autograd_core.modes as modes_module

    def python_exit(descriptor, switch, owner=None):
        mode = switch._mode if switch._mode is not None and switch._mode.is_open() else switch._prepared()

        def leave(*exc_info):
            mode._open.release()

        return leave

    monkeypatch.setattr(modes_module._Leaving, "__get__", python_exit)
    with pytest.raises(AssertionError, match=r"(?s)neither before nor after.*\(leave\)"):
        interrupt_everywhere(
            list, in_no_grad, lambda made: (bool(made), modes(other)), [__name__, *SWITCH_CODE],
            granularity="delivery", functions=["leave", "__get__", "_prepared", "current_mode"],
        )
    SWITCHES.clear()  # the blocks the failing points left open
