"""Stepping through backprop is all or nothing under Ctrl-C: a step is taken and can be undone, or
it is not taken; ``run()`` takes every remaining step or none; ``back()`` and ``rewind()`` undo
whole steps.  The reported case: a Ctrl-C inside a step (after the chain rule, before the step was
recorded) left it applied but not undoable: after ``rewind()``, ``y.grad`` was 1.0, not 0.0, and
``state(y)`` said pending."""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np
import pytest
from interrupts import interrupt_everywhere

from autograd_core import Tensor, Value
from autograd_core.steps import Backprop

STEPPING = [
    "autograd_core.steps",
    "autograd_core.value",
    "autograd_core.modes",
    "autograd_core.interrupts",
    "autograd_core.graph",
    "autograd_core.gc_pause",
]


def value_pass() -> tuple[Backprop, list]:
    x = Value(2.0, name="x")
    w = Value(-3.0, name="w")
    y = (x * w + x).tanh()
    y.name = "y"
    return y.backprop(), [x, w, y]


def tensor_pass() -> tuple[Backprop, list]:
    x = Tensor(np.array([0.5, -1.0]), requires_grad=True, name="x")
    y = (x * x).sum()
    y.name = "y"
    return y.backprop(), [x, y]


def _value(grad: object) -> object:
    return None if grad is None else np.array(grad, dtype=float).tolist()


def state(subject: tuple[Backprop, list]) -> tuple:
    """Everything a pass keeps, then what rewinding it (a copy of it) gives: the output's grad
    and state."""
    steps, nodes = subject
    kept = (
        [_value(n.grad) for n in nodes],
        steps.position,
        sorted((steps.label(n), str(_value(g))) for n, g in steps.pending.items()),
        [steps.state(n) for n in nodes],
    )
    steps, nodes = copy.deepcopy(subject)
    steps.rewind()
    root = nodes[-1]
    return kept, (_value(root.grad), steps.state(root))


def after_steps(passes: Callable, taken: int | None) -> Callable[[], tuple[Backprop, list]]:
    """A fresh pass with ``taken`` steps taken (None: all of them)."""

    def make() -> tuple[Backprop, list]:
        steps, nodes = passes()
        if taken is None:
            steps.run()
        else:
            for _ in range(taken):
                steps.step()
        return steps, nodes

    return make


CASES = {
    "step": (1, lambda s: s.step(), "opcode"),
    "back": (2, lambda s: s.back(), "opcode"),
    "rewind": (None, lambda s: s.rewind(), "opcode"),
    "run": (1, lambda s: s.run(), "delivery"),  # run pauses the GC around its steps: a try/finally
}


@pytest.mark.parametrize("passes", [value_pass, tensor_pass])
@pytest.mark.parametrize("name", sorted(CASES))
def test_stepping_interrupted_anywhere_is_all_or_nothing(name, passes):
    taken, operation, granularity = CASES[name]
    if passes is tensor_pass and taken == 2:
        taken = 1  # the tensor pass has two steps: back() undoes the only one taken
    report = interrupt_everywhere(
        after_steps(passes, taken), lambda subject: operation(subject[0]), state, STEPPING, granularity=granularity
    )
    # run() undoes its own steps on any interrupt: always before; the others end either way.
    assert report.before and (report.after or name == "run") and not report.failures
    # Whatever happened, rewinding puts the output back as it was before the pass.
    empty = None if passes is tensor_pass else 0.0
    assert state(after_steps(passes, taken)())[1] == (empty, "seeded")


def test_the_reported_case_a_run_interrupted_then_rewound():
    """Ctrl-C at each point of ``run()``: rewinding gives y.grad 0.0 and y seeded again."""
    outcomes = set()

    def rewound(subject: tuple[Backprop, list]) -> tuple:
        steps, nodes = copy.deepcopy(subject)
        position = steps.position
        steps.rewind()
        outcomes.add(position)
        return (position, _value(nodes[-1].grad), steps.state(nodes[-1]))

    report = interrupt_everywhere(
        after_steps(value_pass, 0), lambda subject: subject[0].run(), rewound, STEPPING,
        granularity="delivery",
    )
    assert not report.failures
    steps, nodes = value_pass()
    with pytest.raises(KeyboardInterrupt):
        _interrupted_run(steps)
    steps.rewind()
    assert (nodes[-1].grad, steps.state(nodes[-1])) == (0.0, "seeded")


def _interrupted_run(steps: Backprop) -> None:
    """``steps.run()`` with a Ctrl-C raised by the second step's chain rule."""
    calls = []
    chain_rule = steps._chain_rule

    def interrupting(nodes, pending, create_graph):
        calls.append(1)
        chain_rule(nodes, pending, create_graph)
        if len(calls) == 2:
            raise KeyboardInterrupt

    steps._chain_rule = interrupting
    try:
        steps.run()
    finally:
        steps._chain_rule = chain_rule


def test_an_interrupted_run_takes_back_the_steps_it_took():
    steps, nodes = value_pass()
    steps.step()
    before = ([n.grad for n in nodes], steps.position)
    with pytest.raises(KeyboardInterrupt):
        _interrupted_run(steps)
    assert ([n.grad for n in nodes], steps.position) == before
    steps.run()
    reference, reference_nodes = value_pass()
    reference.run()
    assert [n.grad for n in nodes] == [n.grad for n in reference_nodes]


def test_without_holding_ctrl_c_a_step_can_be_left_applied_but_not_undoable(monkeypatch):
    """The test can fail: without ``uninterrupted()`` around a step, a Ctrl-C between the chain
    rule and the step's record leaves the gradients changed and no step to undo."""
    import contextlib

    import autograd_core.steps.backprop as backprop

    monkeypatch.setattr(backprop, "uninterrupted", contextlib.nullcontext)
    with pytest.raises(AssertionError, match=r"(?s)neither before nor after.*\(step\)"):
        interrupt_everywhere(
            after_steps(value_pass, 0), lambda subject: subject[0].step(), state, STEPPING, granularity="delivery"
        )
