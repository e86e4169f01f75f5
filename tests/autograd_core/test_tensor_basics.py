"""Tensor: construction, the contract nn relies on, core ops against finite differences, and the
textbook's two-layer net against its hand-derived backprop."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Tensor, no_grad, softmax_cross_entropy, zero_grad


def numerical_vjp(f, arrays, upstream, index, eps=1e-6):
    """Central differences of sum(upstream * f(*arrays)) with respect to arrays[index]."""
    base = [a.copy() for a in arrays]
    x = base[index]
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = np.sum(upstream * f(*base))
        x[i] = old - eps
        minus = np.sum(upstream * f(*base))
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def test_construction_dtypes():
    assert Tensor([1, 2, 3]).dtype == np.float64
    assert Tensor(np.array([True, False])).dtype == np.float64
    assert Tensor(np.ones(3, dtype=np.float32)).dtype == np.float32
    assert Tensor([1.0, 2.0], dtype=np.float32).dtype == np.float32
    assert Tensor(3).shape == ()


def test_construction_wraps_without_copy():
    # Parameters are wrapped, not copied: an optimizer's p.data -= ... updates the user's array.
    array = np.zeros((2, 2))
    t = Tensor(array)
    assert t.numpy() is array
    t.data -= 1.0
    np.testing.assert_array_equal(array, np.full((2, 2), -1.0))


@pytest.mark.parametrize("bad", [np.array(["a", "b"]), np.array([object(), 1], dtype=object), "text"])
def test_object_and_string_arrays_are_refused(bad):
    with pytest.raises(TypeError, match="dtype"):
        Tensor(bad)


def test_array_protocol_and_properties():
    t = Tensor(np.arange(6.0).reshape(2, 3), name="t")
    assert np.asarray(t) is t.numpy()
    assert np.shares_memory(t.numpy(), t.data) and type(t.numpy()) is np.ndarray
    assert (t.shape, t.ndim, t.size, len(t)) == ((2, 3), 2, 6, 2)
    assert Tensor([[4.0]]).item() == 4.0
    assert t.T.shape == (3, 2)
    assert "shape=(2, 3)" in repr(t) and "name='t'" in repr(t) and "grad=None" in repr(t)


def test_grad_is_none_until_backward_and_zero_grad_restores_none():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = (x * 3).sum()
    assert x.grad is None
    y.backward()
    assert isinstance(x.grad, np.ndarray) and x.grad.shape == (2, 3) and x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 3.0))
    zero_grad(y)
    assert x.grad is None


def test_gradients_accumulate_across_backward_calls():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()
    np.testing.assert_array_equal(x.grad, 2 * (2 * x.data))


def test_leaf_gradients_own_their_arrays():
    # a + b passes the same upstream array to both inputs; in-place clipping of one leaf's
    # gradient must not change the other's.
    a = Tensor(np.ones(3), requires_grad=True)
    b = Tensor(np.ones(3), requires_grad=True)
    (a + b).backward(grad=np.ones(3))
    a.grad *= 0
    np.testing.assert_array_equal(b.grad, np.ones(3))


def test_no_grad_records_nothing():
    w = Tensor(np.ones(2), requires_grad=True)
    with no_grad():
        y = w * 2
    assert y.parents == () and not y.requires_grad


CORE = {
    "add": (lambda a, b: a + b, [(3, 4), (4,)]),
    "sub": (lambda a, b: a - b, [(3, 1), (1, 4)]),
    "mul": (lambda a, b: a * b, [(2, 3, 4), (3, 1)]),
    "div": (lambda a, b: a / (b * b + 1.0), [(3, 4), (3, 4)]),
    "matmul": (lambda a, b: a @ b, [(3, 4), (4, 5)]),
    "relu": (lambda a: (a * 1.0).relu() if isinstance(a, Tensor) else np.maximum(a, 0), [(3, 4)]),
    "sigmoid": (lambda a: a.sigmoid() if isinstance(a, Tensor) else 1 / (1 + np.exp(-a)), [(3, 4)]),
    "tanh": (lambda a: a.tanh() if isinstance(a, Tensor) else np.tanh(a), [(3, 4)]),
    "exp": (lambda a: a.exp() if isinstance(a, Tensor) else np.exp(a), [(3, 4)]),
    "log": (lambda a: (a * a + 0.5).log() if isinstance(a, Tensor) else np.log(a * a + 0.5), [(3, 4)]),
    "sum": (lambda a: a.sum(axis=0), [(3, 4)]),
    "mean": (lambda a: a.mean(axis=1, keepdims=True), [(3, 4)]),
    "reshape": (lambda a: a.reshape(4, 3), [(3, 4)]),
    "transpose": (lambda a: a.T, [(3, 4)]),
    "getitem": (lambda a: a[1:, ::2], [(3, 4)]),
}


@pytest.mark.parametrize("name", sorted(CORE))
def test_core_op_vjp_matches_finite_differences(name):
    fn, shapes = CORE[name]
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal(s) + 0.1 for s in shapes]
    tensors = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    out = fn(*tensors)
    upstream = rng.standard_normal(out.shape)
    out.backward(grad=upstream)
    for i, t in enumerate(tensors):
        expected = numerical_vjp(fn, arrays, upstream, i)
        # float64 central differences with eps 1e-6 are accurate to about 1e-8 here.
        np.testing.assert_allclose(t.grad, expected, rtol=1e-6, atol=1e-7)


def test_two_layer_net_matches_textbook_backprop():
    rng = np.random.default_rng(0)
    batch, n_in, n_hidden, n_out = 5, 6, 4, 3
    x = rng.standard_normal((batch, n_in))
    labels = rng.integers(0, n_out, batch)
    t = np.eye(n_out)[labels]
    W1, b1 = rng.standard_normal((n_in, n_hidden)), rng.standard_normal(n_hidden)
    W2, b2 = rng.standard_normal((n_hidden, n_out)), rng.standard_normal(n_out)

    # The textbook's backprop, by hand (sigmoid hidden layer, softmax with loss).
    a1 = x @ W1 + b1
    z1 = 1 / (1 + np.exp(-a1))
    a2 = z1 @ W2 + b2
    y = np.exp(a2 - a2.max(axis=1, keepdims=True))
    y /= y.sum(axis=1, keepdims=True)
    dy = (y - t) / batch
    dW2 = z1.T @ dy
    db2 = dy.sum(axis=0)
    dz1 = dy @ W2.T
    da1 = (1 - z1) * z1 * dz1
    dW1 = x.T @ da1
    db1 = da1.sum(axis=0)
    loss = -np.sum(t * np.log(y)) / batch

    params = [Tensor(p.copy(), requires_grad=True) for p in (W1, b1, W2, b2)]
    tW1, tb1, tW2, tb2 = params
    for label_form in (labels, t):
        for p in params:
            p.grad = None
        out = softmax_cross_entropy((x @ tW1 + tb1).sigmoid() @ tW2 + tb2, label_form)
        out.backward()
        np.testing.assert_allclose(out.item(), loss, rtol=1e-12)
        for got, expected in zip((tW1.grad, tb1.grad, tW2.grad, tb2.grad), (dW1, db1, dW2, db2)):
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)


def test_float32_stays_float32():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    W = Tensor(rng.standard_normal((5, 3)).astype(np.float32), requires_grad=True)
    b = Tensor(np.zeros(3, dtype=np.float32), requires_grad=True)
    h = (x @ W + b).relu() * 2.0 - 1 / (1 + (x @ W).tanh() ** 2)
    loss = softmax_cross_entropy(h.sigmoid().exp(), np.array([0, 1, 2, 0]))
    loss.backward()
    for node in (h, loss, W, b):
        assert node.data.dtype == np.float32 and node.grad.dtype == np.float32, node
