"""Tensor behaviour beyond single VJPs: requires_grad gating (with a spy proving skipped work),
float32 kept everywhere, numerical stability, max ties, the shared graph switches, and the
attributes diagrams read."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import (
    Tensor,
    concatenate,
    detect_anomaly,
    name_scope,
    no_grad,
    softmax_cross_entropy,
    stack,
    topological_order,
)


class CountingArray(np.ndarray):
    """An ndarray that counts the matrix products it takes part in (views count too)."""

    calls = 0

    def __matmul__(self, other):
        CountingArray.calls += 1
        return np.matmul(np.asarray(self), np.asarray(other))

    def __rmatmul__(self, other):
        CountingArray.calls += 1
        return np.matmul(np.asarray(other), np.asarray(self))


@pytest.mark.parametrize("batch_requires_grad", [False, True])
def test_matmul_computes_no_gradient_for_an_input_that_needs_none(batch_requires_grad):
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((5, 4)), requires_grad=batch_requires_grad, name="x")
    W = Tensor(rng.standard_normal((4, 3)), requires_grad=True, name="W")
    W.data = W.data.view(CountingArray)  # spy on every product that reads W
    y = x @ W
    CountingArray.calls = 0
    y.backward(grad=np.ones((5, 3)))
    # dL/dx = g @ W.T is the only backward product that reads W: done only if x needs it.
    assert CountingArray.calls == (1 if batch_requires_grad else 0)
    assert (x.grad is not None) == batch_requires_grad
    np.testing.assert_allclose(W.grad, x.data.T @ np.ones((5, 3)))


def test_only_tensors_that_require_grad_and_what_depends_on_them_get_gradients():
    x = Tensor(np.ones((2, 3)), name="x")
    W = Tensor(np.ones((3, 2)), requires_grad=True, name="W")
    scaled = x * 2  # depends on nothing that needs a gradient: a leaf, nothing recorded
    assert scaled.parents == () and not scaled.requires_grad
    y = (scaled @ W).sum()
    y.backward()
    assert x.grad is None and scaled.grad is None
    assert W.grad is not None and y.grad is not None
    assert set(topological_order(y, requiring_grad=True)) == {W, y.parents[0], y}


def test_parents_include_constants_in_argument_order():
    W = Tensor(np.ones(3), requires_grad=True, name="W")
    y = 2.0 * W
    left, right = y.parents
    assert left.op == "const" and not left.requires_grad and float(left.data) == 2.0
    assert right is W
    z = W * W
    assert z.parents == (W, W)


def test_float32_stays_float32_through_every_op_and_gradient():
    rng = np.random.default_rng(2)
    a = Tensor(rng.random((3, 4)).astype(np.float32) + 0.5, requires_grad=True)
    b = Tensor(rng.random(4).astype(np.float32) + 0.5, requires_grad=True)
    m = Tensor(rng.random((4, 2)).astype(np.float32), requires_grad=True)
    outputs = [
        a + b, a - 1, 2 - a, a * b, a / b, 1 / a, a**2, a**0.5, 2**a, a**b, -a, a @ m, a.exp(), a.log(),
        a.tanh(), a.sigmoid(), a.relu(), a.sqrt(), abs(a), a.sum(), a.sum(axis=0), a.mean(axis=1),
        a.max(axis=0, keepdims=True), a.reshape(12), a.T, a[1:, [0, 0, 2]], a[a.data > 1],
        concatenate([a, a], axis=1), stack([a, a]), a.softmax(), a.log_softmax(axis=0),
        softmax_cross_entropy(a, np.array([0, 3, 1])), a + np.ones(4, dtype=np.int64),
    ]
    total = outputs[0].sum()
    for out in outputs[1:]:
        assert out.dtype == np.float32, out
        total = total + out.sum()
    assert total.dtype == np.float32
    total.backward()
    for t in (a, b, m, *outputs):
        assert t.grad is not None and t.grad.dtype == np.float32 and t.grad.shape == t.shape, t


def test_float32_step_agrees_with_float64():
    rng = np.random.default_rng(3)
    x = rng.random((8, 6))
    labels = rng.integers(0, 3, 8)
    W = rng.standard_normal((6, 3))
    grads = {}
    for dtype in (np.float64, np.float32):
        w = Tensor(W.astype(dtype), requires_grad=True)
        softmax_cross_entropy((x.astype(dtype) @ w).tanh(), labels).backward()
        grads[dtype] = w.grad
    # float32 carries about 7 significant digits.
    np.testing.assert_allclose(grads[np.float32], grads[np.float64], rtol=1e-4, atol=1e-6)


def test_softmax_family_is_stable_for_large_logits():
    logits = Tensor(np.array([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 1000.0]]), requires_grad=True)
    np.testing.assert_allclose(logits.softmax().data, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-15)
    np.testing.assert_allclose(logits.log_softmax().data[1], np.full(3, -np.log(3)))
    assert logits.log_softmax().data[0, 2] == -2000.0
    loss = softmax_cross_entropy(logits, np.array([2, 0]))
    # Row 0: logsumexp = 1000, picked -1000 -> 2000; row 1: log 3.  Mean of the two.
    np.testing.assert_allclose(loss.item(), (2000 + np.log(3)) / 2)
    loss.backward()
    expected = np.array([[1, 0, -1], [1 / 3 - 1, 1 / 3, 1 / 3]]) / 2
    np.testing.assert_allclose(logits.grad, expected, atol=1e-15)


def test_max_splits_the_gradient_evenly_between_ties():
    x = Tensor(np.array([[3.0, 1.0, 3.0, 3.0], [0.0, 2.0, 1.0, 2.0]]), requires_grad=True)
    x.max(axis=1).backward(grad=np.array([6.0, 1.0]))
    np.testing.assert_allclose(x.grad, [[2, 0, 2, 2], [0, 0.5, 0, 0.5]])
    y = Tensor(np.array([5.0, 5.0]), requires_grad=True)
    y.max().backward()
    np.testing.assert_allclose(y.grad, [0.5, 0.5])


def test_repeated_indices_accumulate_and_masks_scatter():
    x = Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    x[np.array([2, 0, 2, 2])].backward(grad=np.ones((4, 2)))
    np.testing.assert_array_equal(x.grad, [[1, 1], [0, 0], [3, 3]])
    y = Tensor(np.arange(4.0), requires_grad=True)
    y[y.data > 1].backward(grad=np.array([10.0, 20.0]))
    np.testing.assert_array_equal(y.grad, [0, 0, 10, 20])


def test_detect_anomaly_names_the_node_that_made_a_gradient_infinite():
    x = Tensor(np.array([4.0, 0.0]), requires_grad=True, name="x")
    y = x.sqrt().sum()
    with detect_anomaly(), pytest.raises(FloatingPointError, match="sqrt"):
        y.backward()


def test_name_scope_and_no_grad_are_the_shared_switches():
    W = Tensor(np.ones((2, 2)), requires_grad=True, name="W")
    with name_scope("layer1"):
        h = (W @ np.ones(2)).relu()
    assert h.scope == "layer1" and h.parents[0].scope == "layer1"
    with no_grad():
        z = W * 3
    assert z.parents == () and not z.requires_grad


def test_nodes_have_what_diagrams_read():
    W = Tensor(np.ones((2, 2)), requires_grad=True, name="W1")
    y = (W @ W).sum()
    y.backward()
    for node in topological_order(y):
        assert isinstance(node.data, np.ndarray)
        assert node.shape == node.data.shape and node.dtype == node.data.dtype
        assert isinstance(node.parents, tuple)
        for attribute in ("name", "op", "grad", "scope", "arg"):
            assert hasattr(node, attribute)
    assert repr(y.parents[0]) == (
        "Tensor(shape=(2, 2), dtype=float64, op='matmul', grad=[[1., 1.],\n [1., 1.]], data=[[2., 2.],\n [2., 2.]])"
    )
    big = Tensor(np.zeros((100, 784)), name="x")
    assert repr(big) == "Tensor(shape=(100, 784), dtype=float64, name='x', grad=None)"


def test_a_long_chain_needs_no_recursion():
    x = Tensor(np.ones(2), requires_grad=True)
    y = x
    for _ in range(20000):
        y = y + 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_size_one_outputs_need_no_grad_argument_and_0d_gradients_are_arrays():
    x = Tensor(np.array([[2.0]]), requires_grad=True)
    (x * x).backward()
    np.testing.assert_array_equal(x.grad, [[4.0]])
    s = Tensor(3.0, requires_grad=True)
    (s * s + s).backward()
    assert isinstance(s.grad, np.ndarray) and s.grad.shape == () and s.grad == 7.0


def test_comparisons_and_argmax_read_forward_values():
    t = Tensor(np.array([[1.0, 3.0], [2.0, 0.0]]), requires_grad=True)
    np.testing.assert_array_equal(t > 1.5, [[False, True], [True, False]])
    np.testing.assert_array_equal(t <= Tensor(np.ones((2, 2))), [[True, False], [False, True]])
    np.testing.assert_array_equal(t.argmax(axis=1), [1, 0])
    assert len({t, t}) == 1  # still hashed by identity


def test_backward_twice_gives_twice_the_gradient_through_ops_that_work_in_place_on_their_own_arrays():
    # The fused loss and the index scatter write into arrays they allocate; what they saved
    # for backward must stay intact for a second pass.
    rng = np.random.default_rng(4)
    logits = Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    loss = softmax_cross_entropy(logits[np.array([0, 1, 1, 3])].softmax().log(), np.array([2, 0, 1, 1]))
    loss.backward()
    once = logits.grad.copy()
    loss.backward()
    np.testing.assert_allclose(logits.grad, 2 * once)


def test_every_node_keeps_its_gradient_for_diagrams():
    W = Tensor(np.array([[1.0, -1.0]]), requires_grad=True)
    h = W * 3
    r = h.relu()
    s = r.sum()
    s.backward()
    np.testing.assert_array_equal(s.grad, 1.0)
    np.testing.assert_array_equal(r.grad, [[1.0, 1.0]])
    np.testing.assert_array_equal(h.grad, [[1.0, 0.0]])
    np.testing.assert_array_equal(W.grad, [[3.0, 0.0]])


def test_detach_and_array_conversion():
    W = Tensor(np.ones(2), requires_grad=True, name="W")
    d = W.detach()
    assert d.numpy() is W.numpy() and not d.requires_grad and d.parents == () and d.grad is None
    assert np.asarray(d, dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError, match=r"requires grad.*detach\(\)\.numpy\(\)"):
        np.asarray(W)  # would drop W's graph silently
    with no_grad():
        assert np.asarray(W, dtype=np.float32).dtype == np.float32  # nothing recorded: nothing dropped
    assert float(Tensor([2.5])) == 2.5


def test_constructors():
    assert Tensor.zeros(2, 3).shape == (2, 3) and Tensor.ones((4,), dtype=np.float32).dtype == np.float32
    r = Tensor.randn(3, 2, requires_grad=True, name="W", rng=np.random.default_rng(0))
    np.testing.assert_array_equal(r.data, np.random.default_rng(0).standard_normal((3, 2)))
    assert r.requires_grad and r.name == "W"


def test_a_float32_network_fed_float64_data_stays_float32():
    W = Tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    batch = np.ones((4, 3))  # float64, as np.random or a careless loader gives
    y = softmax_cross_entropy(batch @ W + np.zeros(2), np.array([0, 1, 0, 1]))
    y.backward()
    assert y.dtype == np.float32 and W.grad.dtype == np.float32
    assert y.parents[0].parents[0].parents[0].dtype == np.float32  # the batch, as a constant


def test_mixed_dtype_tensors_compute_in_float64_and_return_gradients_in_each_dtype():
    a = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    b = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    y = a * b
    assert y.dtype == np.float64  # as NumPy promotes
    y.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad, [3.0, 4.0])
    np.testing.assert_array_equal(b.grad, [1.0, 2.0])
