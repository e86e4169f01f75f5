"""Odd values at the engine's doors get a TypeError or ValueError naming the function and the
argument, never an AttributeError from inside."""

from __future__ import annotations

import pytest

from autograd_core import Value, backward, topological_order, zero_grad


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: zero_grad(3.0), "zero_grad"),
        (lambda: backward(3.0), "backward"),
        (lambda: topological_order("x"), "topological_order"),
        (lambda: zero_grad(None), "zero_grad"),
        (lambda: backward([Value(1.0)]), "backward"),
    ],
)
def test_a_root_that_is_not_a_node_is_refused_by_name(call, name):
    with pytest.raises(TypeError, match=rf"^{name}: root must be a graph node \(a Value or a Tensor\), got "):
        call()


def test_the_refusal_shows_what_was_given():
    with pytest.raises(TypeError, match=r"got str: 'x'$"):
        topological_order("x")
    x = Value(2.0)
    y = x * x
    backward(y)
    zero_grad(y)
    assert [n.grad for n in topological_order(y)] == [0.0, 0.0]
