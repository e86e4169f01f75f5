"""The sum over paths: every path from an input to the output, the product of the local
derivatives along it, and the sum, which is the gradient backprop gives."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given

import autograd_core.steps.sum_over_paths as paths_module
from autograd_core import Tensor, Value, paths, topological_order
from autograd_core.steps import TooManyPathsError, count_paths
from autograd_core.testing import expressions


def close(a: float, b: float) -> bool:
    """Within 1e-9, relative to the size of the numbers (paths add in another order than backprop)."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def test_two_paths_through_two_products_sum_to_the_gradient():
    """f = x*y + x*z: one path through x*y (local y, then 1), one through x*z (local z, then 1);
    by hand df/dx = y + z = 3 - 5 = -2."""
    x, y, z = Value(2.0, name="x"), Value(3.0, name="y"), Value(-5.0, name="z")
    f = x * y + x * z
    f.name = "f"
    found = paths(f, x)
    assert [[found.captions.label(n) for n in p.nodes] for p in found] == [["x", "x*y", "f"], ["x", "x*z", "f"]]
    assert [p.locals for p in found] == [(3.0, 1.0), (-5.0, 1.0)]
    assert [p.product for p in found] == [3.0, -5.0]
    f.backward()
    assert close(sum(p.product for p in found), x.grad) and x.grad == -2.0
    assert str(found).splitlines()[-1] == "  sum over the paths: 3 - 5 = -2 = dx"


@given(expressions(ops=("add", "mul", "tanh", "exp", "log", "sub", "div", "pow", "sigmoid", "sin")))
def test_on_random_graphs_the_products_sum_to_backprops_gradient(expression):
    leaves = expression.values()
    out = expression(*leaves)
    if not isinstance(out, Value) or not out.parents:  # an input alone: nothing to walk
        return
    out.backward()
    graph = {id(node) for node in topological_order(out)}
    for leaf in leaves:
        if id(leaf) not in graph:  # an input the output does not read: no path, no gradient
            assert leaf.grad == 0.0
            continue
        found = paths(out, leaf, max_paths=None)
        assert close(sum(p.product for p in found), leaf.grad)
        assert close(found.total, leaf.grad)
        for p in found:  # each product is the product of its own locals
            assert close(math.prod(p.locals), p.product)


def test_an_input_used_twice_by_one_op_has_two_paths():
    a = Value(3.0, name="a")
    out = a * a
    found = paths(out, a)
    assert len(found) == 2 and [p.edges[0][1] for p in found] == [0, 1]  # in by input 0, then by input 1
    assert found.total == 6.0  # d(a²)/da = 2a, by hand


def test_paths_from_an_intermediate_node_and_from_the_output_itself():
    x, y = Value(1.5, name="x"), Value(-0.4, name="y")
    h = x * y
    h.name = "h"
    f = h * h + h
    assert close(paths(f, h).total, 2 * h.data + 1)  # by hand: d(h² + h)/dh = 2h + 1
    alone = paths(f, f)
    assert len(alone) == 1 and alone[0].edges == () and alone.total == 1.0


def test_a_diamond_chain_is_counted_and_refused_before_any_path_is_listed(monkeypatch):
    x = Value(1.0, name="x")
    y = x
    for _ in range(60):
        y = y * 0.5 + y * 0.5  # each diamond doubles the paths; d/dx of each level is 1
    assert count_paths(y, x) == 2**60

    def listing(*args):
        raise AssertionError("a path was listed")

    monkeypatch.setattr(paths_module, "_listed", listing)
    with pytest.raises(TooManyPathsError) as caught:
        paths(y, x)
    assert caught.value.count == 2**60 and close(caught.value.total, 1.0)
    assert "1,152,921,504,606,846,976 paths lead from 'x'" in str(caught.value)
    assert "more than max_paths=1000" in str(caught.value)


def test_bad_calls_are_refused_clearly():
    x, y = Value(1.0, name="x"), Value(2.0, name="y")
    f = x * 3
    with pytest.raises(ValueError, match="'y' is not in the graph of"):
        paths(f, y)
    with pytest.raises(ValueError, match="max_paths must be a positive integer or None"):
        paths(f, x, max_paths=0)
    t = Tensor(np.ones(2), requires_grad=True, name="t")
    with pytest.raises(TypeError, match="local derivative is a Jacobian"):
        paths((t * t).sum(), t)
    with pytest.raises(TypeError, match="expected two graph nodes"):
        paths(f, 1.0)
