"""backward() is all or nothing: whatever raises on the way (a derivative, Ctrl-C, an anomaly
check), every ``.grad`` is left exactly as it was before the call."""

from __future__ import annotations

import _thread

import numpy as np
import pytest

from autograd_core import OPS, Tensor, Value, detect_anomaly
from autograd_core.ops.record import TENSOR, Op
from autograd_core.tensor import new_node

N = 100_000


class _Raising(float):
    """A recorded local derivative whose use in the chain rule raises ``error``."""

    error: BaseException

    def __rmul__(self, upstream: float) -> float:
        raise self.error


class _Interrupting(float):
    """A local derivative that asks for a Ctrl-C when backward reaches it, as a user would:
    the KeyboardInterrupt arrives wherever Python next checks for signals."""

    def __rmul__(self, upstream: float) -> float:
        _thread.interrupt_main()
        return upstream * float(self)


def chain(n: int) -> tuple[Value, list[Value]]:
    """x -> x*0.99999 -> ... (n steps, every third a tanh): returns the root and every node."""
    x = Value(0.5, name="x")
    nodes = [x]
    y = x
    for i in range(n):
        y = y.tanh() if i % 3 == 0 else y * 0.99999
        nodes.append(y)
    return y, nodes


def grads(nodes: list[Value]) -> list[float]:
    return [n.grad for n in nodes]


@pytest.mark.parametrize("error", [ValueError("derivative failed"), KeyboardInterrupt()])
def test_a_failure_half_way_through_a_long_chain_leaves_every_grad_as_it_was(error):
    root, nodes = chain(N)
    root.backward()  # every grad non-empty: the put-back must restore values, not just zeros
    first = grads(nodes)
    middle = nodes[N // 2]
    kept = middle._d0
    bad = _Raising(kept)
    bad.error = error
    middle._d0 = bad
    with pytest.raises(type(error)):
        root.backward()
    assert grads(nodes) == first
    # The repro of the bug: after the failed call, one more backward gives exactly twice the grads.
    middle._d0 = kept
    root.backward()
    assert grads(nodes) == [2 * g for g in first]


def test_a_failure_leaves_fresh_intermediates_empty():
    root, nodes = chain(1000)
    bad = _Raising(nodes[500]._d0)
    bad.error = ValueError("boom")
    nodes[500]._d0 = bad
    with pytest.raises(ValueError, match="boom"):
        root.backward()
    assert all(n.grad == 0.0 for n in nodes)


def test_ctrl_c_delivered_as_a_signal_mid_walk():
    root, nodes = chain(N)
    nodes[N // 3]._d0 = _Interrupting(nodes[N // 3]._d0)
    for n in nodes:
        n.grad = 0.25
    with pytest.raises(KeyboardInterrupt):
        root.backward()
    assert all(n.grad == 0.25 for n in nodes)


def test_a_create_graph_derivative_raising_leaves_grads_alone(monkeypatch):
    x = Value(0.3, name="x")
    y = x * x
    z = y.sigmoid() * 3.0
    z.backward()
    first = (x.grad, y.grad, z.grad)

    good = OPS["sigmoid"].derivative

    def derivative(x, out):
        if isinstance(x, Value):
            raise ArithmeticError("no second order here")
        return good(x, out)

    monkeypatch.setattr(OPS["sigmoid"], "derivative", derivative)
    with pytest.raises(ArithmeticError):
        z.backward(create_graph=True)
    assert (x.grad, y.grad, z.grad) == first


def test_detect_anomaly_stopping_backward_leaves_grads_alone():
    x = Value(0.0, name="x")
    y = (x**0.5) * 2 + x
    x.grad, y.grad = 5.0, 7.0
    with detect_anomaly(), pytest.raises(FloatingPointError):
        y.backward()
    assert (x.grad, y.grad) == (5.0, 7.0)


def test_a_tensor_vjp_raising_leaves_grads_alone():
    t = Tensor(np.array([1.0, 2.0]), requires_grad=True, name="t")
    u = t * 3.0

    def failing_vjp(node, g):
        raise RuntimeError("vjp failed")

    boom = new_node(u.data * 1.0, Op("boom", TENSOR, vjp=failing_vjp), (u,))
    out = (boom + t).sum()
    t.grad = np.array([10.0, 20.0])
    with pytest.raises(RuntimeError, match="vjp failed"):
        out.backward()
    np.testing.assert_array_equal(t.grad, [10.0, 20.0])
    assert u.grad is None and boom.grad is None and out.grad is None


def test_put_back_when_interrupted_between_recording_a_node_and_its_grad():
    # The one place in the walk where Ctrl-C can land between recording a node and its grad:
    # after the node was appended, before its grad was; nothing was written to it yet.
    from autograd_core.value import _put_back

    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    a.grad, b.grad, c.grad = 11.0, 7.0, 5.0  # a: written during the walk (was 1.5); b: untouched
    _put_back([a, b, c], b, [a, 1.5, b])
    assert (a.grad, b.grad, c.grad) == (1.5, 7.0, 5.0)
