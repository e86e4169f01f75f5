"""The backward pass: fan-out, accumulation across calls, zero_grad, no_grad, depth,
higher-order gradients and the absence of reference cycles."""

from __future__ import annotations

import gc
import math

import pytest

from autograd_core import Value, no_grad, topological_order, zero_grad


def test_parents_keep_order_and_repeats():
    a, b = Value(2.0, name="a"), Value(3.0, name="b")
    assert (a * a).parents == (a, a)
    assert (b - a).parents == (b, a)
    assert (a * a).local == (2.0, 2.0)


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda a: a * a, lambda x: 2 * x),
        (lambda a: a + a, lambda x: 2.0),
        (lambda a: (a + a) + (a + a), lambda x: 4.0),
        (lambda a: a * a + a, lambda x: 2 * x + 1),
    ],
)
def test_fan_out_accumulates(build, expected):
    a = Value(3.0)
    build(a).backward()
    assert a.grad == expected(3.0)


def test_b_plus_b_where_b_is_a_plus_a():
    a = Value(1.5)
    b = a + a
    c = b + b
    c.backward()
    assert (a.grad, b.grad, c.grad) == (4.0, 2.0, 1.0)


def test_diamond():
    x = Value(2.0)
    left, right = x * 3, x.exp()
    top = left * right
    top.backward()
    assert x.grad == pytest.approx(3 * math.exp(2) + 6 * math.exp(2))


def test_backward_twice_accumulates_exactly_twice():
    # micrograd's bug gives 36 here: its second call re-propagates z's stale gradient.
    x = Value(3.0)
    z = x * x
    y = 2 * z
    y.backward()
    y.backward()
    assert x.grad == 24.0
    assert z.grad == 4.0


def test_zero_grad_resets_every_reachable_node():
    x = Value(3.0)
    z = x * x
    y = 2 * z
    y.backward()
    zero_grad(y)
    assert (x.grad, z.grad, y.grad) == (0.0, 0.0, 0.0)
    y.backward()
    assert x.grad == 12.0


def test_no_grad_records_nothing():
    x = Value(2.0)
    with no_grad():
        y = x * 3 + 1
    assert y.parents == () and not y.requires_grad
    assert y.data == 7.0
    with pytest.raises(RuntimeError, match="does not require a gradient"):
        y.backward()
    z = x * 3  # recording is back on after the block
    assert z.parents[0] is x


def test_constants_get_no_gradient():
    x = Value(2.0)
    y = 5 * x
    y.backward()
    constant = y.parents[0]
    assert constant.op == "const" and constant.label == "5"
    assert constant.grad == 0.0 and x.grad == 5.0


def test_million_node_chain_backprops_without_recursion():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1e-6
    y.backward()
    assert x.grad == 1.0
    assert y.data == pytest.approx(2.0)
    del y  # freeing the chain must not recurse either


def test_topological_order_parents_first():
    a = Value(1.0, name="a")
    b = Value(2.0, name="b")
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order[-1] is d
    for node in order:
        for parent in node.parents:
            assert order.index(parent) < order.index(node)


def test_gc_finds_nothing_of_a_dropped_graph():
    gc.collect()
    gc.disable()
    try:
        x = Value(2.0)
        y = x
        for _ in range(1000):
            y = (y * 1.001).tanh() + x
        y.backward()
        del y, x
        assert gc.collect() == 0  # reference counting already freed all of it: no cycles
    finally:
        gc.enable()


class TestSecondDerivatives:
    def second(self, f, x0):
        x = Value(x0)
        y = f(x)
        y.backward(create_graph=True)
        first = x.grad
        assert isinstance(first, Value)
        zero_grad(first)
        x.grad = 0.0
        first.backward()
        return first.data, x.grad

    def test_cube(self):
        first, second = self.second(lambda x: x**3, 2.0)
        assert (first, second) == (12.0, 12.0)

    def test_tanh(self):
        t = math.tanh(0.7)
        first, second = self.second(lambda x: x.tanh(), 0.7)
        assert first == pytest.approx(1 - t * t)
        assert second == pytest.approx(-2 * t * (1 - t * t))

    def test_exp_of_product(self):
        x, y = Value(0.5), Value(1.5)
        f = (x * y).exp()
        f.backward(create_graph=True)
        dfdx = x.grad
        x.grad = y.grad = 0.0
        dfdx.backward()
        e = math.exp(0.75)
        assert dfdx.data == pytest.approx(1.5 * e)
        assert x.grad == pytest.approx(1.5 * 1.5 * e)  # d2f/dx2 = y^2 e^{xy}
        assert y.grad == pytest.approx(e + 0.5 * 1.5 * e)  # d2f/dxdy = e^{xy} (1 + xy)
