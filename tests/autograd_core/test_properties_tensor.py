"""Properties of the Tensor engine, drawn with autograd_core.testing's public strategies.

assert_grad_close checks each op three ways at once: the end gradient against central
differences, every node's VJP against central differences of that op alone, and the cheap
checks (zero upstream, backward twice, gradient shape and dtype).  Tolerances are gradcheck's
defaults (|a - n| <= 1e-7 + 1e-5 |n|, eps 1e-6, float64).  Comparisons between two analytic
gradients (HIPS autograd, the explicit broadcast, the scalar engine) differ only by rounding:
rel 1e-9."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_core import Tensor, Value, concatenate, softmax_cross_entropy, stack
from autograd_core.testing import arrays, assert_grad_close, broadcastable_shapes, expressions, tensors

small_shapes = st.sampled_from([(), (3,), (2, 3), (2, 1, 3)])


def leaf(array: np.ndarray) -> Tensor:
    return Tensor(array, requires_grad=True)


@given(tensors(small_shapes))
def test_elementwise_functions(x):
    assert_grad_close(lambda x: -x, x)
    assert_grad_close(lambda x: x.exp(), x)
    assert_grad_close(lambda x: x.tanh(), x)
    assert_grad_close(lambda x: x.sigmoid(), x)
    assert_grad_close(lambda x: x**2, x)
    assert_grad_close(lambda x: x**3, x)


@given(tensors(small_shapes, min_value=0.05, max_value=4.0))
def test_functions_of_positive_inputs(x):
    assert_grad_close(lambda x: x.log(), x)
    assert_grad_close(lambda x: x.sqrt(), x)
    assert_grad_close(lambda x: x**-1.5, x)


@given(tensors(small_shapes, away_from=(0.0,)))
def test_relu_and_abs_off_their_kink(x):
    assert_grad_close(lambda x: x.relu(), x)
    assert_grad_close(lambda x: x.abs(), x)


@given(broadcastable_shapes(), st.data())
def test_broadcasting_binary_ops(shapes, data):
    a = leaf(data.draw(arrays(shapes[0])))
    b = leaf(data.draw(arrays(shapes[1])))
    assert_grad_close(lambda a, b: a + b, a, b)
    assert_grad_close(lambda a, b: a - b, a, b)
    assert_grad_close(lambda a, b: a * b, a, b)
    divisor = leaf(data.draw(arrays(shapes[1], min_value=0.2, max_value=3.0)))
    assert_grad_close(lambda a, b: a / b, a, divisor)
    assert_grad_close(lambda a, b: b**a, a, divisor)  # positive base, tensor exponent


@given(broadcastable_shapes(), st.data())
def test_broadcasting_sum_rule(shapes, data):
    """The gradient of a broadcast input is the gradient of its broadcast copy summed over the
    axes broadcasting added or stretched."""
    a_array = data.draw(arrays(shapes[0]))
    b_array = data.draw(arrays(shapes[1]))
    out_shape = np.broadcast_shapes(a_array.shape, b_array.shape)
    u = data.draw(arrays(out_shape))
    a, b = leaf(a_array), leaf(b_array)
    (a * b).backward(u)
    b_full = leaf(np.broadcast_to(b_array, out_shape).copy())
    (leaf(a_array) * b_full).backward(u)
    summed = b_full.grad.sum(axis=tuple(range(len(out_shape) - b_array.ndim)))
    stretched = tuple(i for i, n in enumerate(b_array.shape) if n == 1 and summed.shape[i] != 1)
    summed = summed.sum(axis=stretched, keepdims=True)
    np.testing.assert_allclose(b.grad, summed.reshape(b_array.shape), rtol=1e-9, atol=1e-12)
    # And against HIPS autograd.
    expected = autograd.grad(lambda a, b: anp.sum(u * (a * b)), 1)(a_array, b_array)
    np.testing.assert_allclose(b.grad, expected, rtol=1e-9, atol=1e-12)


@st.composite
def matmul_shapes(draw):
    n, k, m, batch = (draw(st.integers(1, 4)) for _ in range(4))
    pairs = [((n, k), (k, m)), ((k,), (k, m)), ((n, k), (k,)), ((k,), (k,)), ((batch, n, k), (k, m))]
    return draw(st.sampled_from(pairs))


@given(matmul_shapes(), st.data())
def test_matmul(shapes, data):
    a = leaf(data.draw(arrays(shapes[0])))
    b = leaf(data.draw(arrays(shapes[1])))
    assert_grad_close(lambda a, b: a @ b, a, b)


@given(tensors((2, 3, 4), min_gap=1e-2), st.sampled_from([None, 0, 1, -1, (0, 2)]), st.booleans())
def test_reductions(x, axis, keepdims):
    assert_grad_close(lambda x: x.sum(axis=axis, keepdims=keepdims), x)
    assert_grad_close(lambda x: x.mean(axis=axis, keepdims=keepdims), x)
    assert_grad_close(lambda x: x.max(axis=axis, keepdims=keepdims), x)  # min_gap: no ties


@given(tensors((2, 3, 4)))
def test_shapes_and_indexing(x):
    assert_grad_close(lambda x: x.reshape(4, 6), x)
    assert_grad_close(lambda x: x.transpose(2, 0, 1), x)
    assert_grad_close(lambda x: x.T, x)
    assert_grad_close(lambda x: x[1, :, 1:3], x)
    assert_grad_close(lambda x: x[np.array([0, 1, 1, 0])], x)  # repeated rows accumulate
    mask = x.data > 0  # fixed before the check: fn must not branch on the values it is nudged at
    assert_grad_close(lambda x: x[mask], x)


@given(tensors((2, 3)), tensors((1, 3)))
def test_concatenate_and_stack(a, b):
    assert_grad_close(lambda a, b: concatenate([a, b, a], axis=0), a, b)
    assert_grad_close(lambda a: stack([a, a * 2], axis=1), a)


@given(tensors((3, 4), min_value=-5, max_value=5), st.lists(st.integers(0, 3), min_size=3, max_size=3))
def test_softmax_family(x, labels):
    assert_grad_close(lambda x: x.softmax(axis=-1), x)
    assert_grad_close(lambda x: x.log_softmax(axis=0), x)
    assert_grad_close(lambda x: softmax_cross_entropy(x, np.array(labels)), x)
    assert_grad_close(lambda x: softmax_cross_entropy(x, np.eye(4)[labels]), x)


@given(tensors((3, 2)), arrays((3, 2)), arrays((3, 2)), st.floats(-3, 3), st.floats(-3, 3))
def test_backward_is_linear_in_the_upstream_gradient(x, u1, u2, alpha, beta):
    def gradient(u):
        x.grad = None
        ((x * x).tanh() @ np.ones((2, 2))).backward(u)
        return x.grad

    combined = gradient(alpha * u1 + beta * u2)
    np.testing.assert_allclose(combined, alpha * gradient(u1) + beta * gradient(u2), rtol=1e-9, atol=1e-12)


@given(tensors((2, 3)))
def test_fan_out_accumulates(x):
    a, b = leaf(x.data.copy()), leaf(x.data.copy())
    (a * b.tanh() + a).sum().backward()
    (x * x.tanh() + x).sum().backward()
    np.testing.assert_allclose(x.grad, a.grad + b.grad, rtol=1e-12)


@given(expressions())
def test_elementwise_graphs_agree_with_the_scalar_engine(expression):
    # The same random graph on Tensors filled with the drawn inputs, element by element.
    scalars = expression.values()
    expression(*scalars).backward()
    filled = [leaf(np.full((2, 2), x)) for x in expression.inputs]
    out = expression(*filled)
    out = out if out.shape == (2, 2) else out + np.zeros((2, 2))
    out.sum().backward()
    for scalar, tensor in zip(scalars, filled):
        grad = tensor.grad if tensor.grad is not None else np.zeros((2, 2))
        np.testing.assert_allclose(grad, np.full((2, 2), scalar.grad), rtol=1e-9, atol=1e-12)
    assert isinstance(scalars[0], Value)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gradients_keep_the_input_dtype(dtype):
    x = Tensor(np.array([0.5, -1.0], dtype=dtype), requires_grad=True)
    (x.tanh() * x).sum().backward()
    assert x.grad.dtype == dtype
