"""NumPy called on Tensors never drops the graph silently: a NumPy function records the Tensor op
of the same meaning (the gradient equals the Tensor method's, checked against finite
differences), or refuses with a TypeError naming the function; and the shape fixes found by other
projects' suites (transpose with negative axes, transpose(None), t[[]])."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from autograd_core import Tensor, Value, no_grad
from autograd_core.testing import assert_grad_close, tensors


def leaf(array) -> Tensor:
    return Tensor(np.array(array, dtype=float), requires_grad=True, name="t")


# Each NumPy spelling next to a function of plain arrays that computes the same thing: the
# gradient of the NumPy spelling on a Tensor is checked against central differences of the
# plain-array function (an oracle that does not go through the Tensor at all).
SPELLINGS = {
    "exp": (lambda t: np.exp(t), np.exp),
    "log": (lambda t: np.log(t * t + 1), lambda a: np.log(a * a + 1)),
    "tanh": (lambda t: np.tanh(t), np.tanh),
    "sin/cos": (lambda t: np.sin(t) * np.cos(t), lambda a: np.sin(a) * np.cos(a)),
    "add/multiply": (lambda t: np.add(np.multiply(t, 3.0), t), lambda a: a * 3.0 + a),
    "array op tensor": (lambda t: np.full((2, 3), 2.0) * t - np.ones(3) / (t * t + 1),
                        lambda a: 2.0 * a - 1 / (a * a + 1)),
    "sum": (lambda t: np.sum(t), np.sum),
    "sum axis": (lambda t: np.sum(t, axis=0, keepdims=True), lambda a: np.sum(a, axis=0, keepdims=True)),
    "mean": (lambda t: np.mean(t, axis=-1), lambda a: np.mean(a, axis=-1)),
    "max": (lambda t: np.max(t), np.max),
    "min": (lambda t: np.min(t, axis=0), lambda a: np.min(a, axis=0)),
    "var/std": (lambda t: np.var(t) + np.std(t, axis=1), lambda a: np.var(a) + np.std(a, axis=1)),
    "transpose": (lambda t: np.transpose(t) * np.arange(6.0).reshape(3, 2),
                  lambda a: a.T * np.arange(6.0).reshape(3, 2)),
    "reshape": (lambda t: np.reshape(t, (3, 2)) * np.arange(6.0).reshape(3, 2),
                lambda a: a.reshape(3, 2) * np.arange(6.0).reshape(3, 2)),
    "concatenate": (lambda t: np.concatenate([t, t * 2], axis=1), lambda a: np.concatenate([a, a * 2], axis=1)),
    "stack": (lambda t: np.stack([t, np.exp(t)]), lambda a: np.stack([a, np.exp(a)])),
    "matmul": (lambda t: np.matmul(t, np.ones((3, 2))) + t @ np.ones(3)[:, None],
               lambda a: a @ np.ones((3, 2)) + a.sum(1)[:, None]),
    "array @ tensor": (lambda t: np.ones((4, 2)) @ t, lambda a: np.ones((4, 2)) @ a),
    "dot": (lambda t: np.dot(t, np.arange(3.0)), lambda a: a @ np.arange(3.0)),
    "maximum/where": (lambda t: np.maximum(t, 0.5) + np.where(np.ones((2, 3), bool), t, 0.0),
                      lambda a: np.maximum(a, 0.5) + a),
    "square/abs/sqrt": (lambda t: np.square(t) + np.abs(t) + np.sqrt(t * t + 1),
                        lambda a: a * a + np.abs(a) + np.sqrt(a * a + 1)),
    "clip": (lambda t: np.clip(t, -0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5)),
    "squeeze/expand_dims": (lambda t: np.squeeze(np.expand_dims(t, 0)), lambda a: a),
    "swapaxes/moveaxis": (lambda t: np.moveaxis(np.swapaxes(t, 0, 1), 0, 1) * np.arange(6.0).reshape(2, 3),
                          lambda a: a * np.arange(6.0).reshape(2, 3)),
    "broadcast_to/ravel": (lambda t: np.ravel(np.broadcast_to(t, (4, 2, 3))), lambda a: np.tile(a.ravel(), 4)),
    "repeat/roll": (lambda t: np.roll(np.repeat(t, 2, axis=1), 1), lambda a: np.roll(np.repeat(a, 2, axis=1), 1)),
}


def central_difference_vjp(f, x: np.ndarray, u: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = np.sum(u * (f(up) - f(down))) / (2 * eps)
    return grad


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_numpy_functions_record_the_tensor_op(name):
    spelled, plain = SPELLINGS[name]
    # Entries away from 0, +-0.5 and from each other: off every kink and tie above.
    x = np.array([[0.3, -1.2, 2.1], [-0.8, 1.7, 0.9]])
    t = leaf(x)
    out = spelled(t)
    assert isinstance(out, Tensor) and out.requires_grad, f"{name} dropped the graph: {type(out).__name__}"
    np.testing.assert_allclose(out.data, plain(x), rtol=1e-12)
    u = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(u)
    # Central differences, eps 1e-6, of smooth functions: agreement to about 1e-8 relative.
    np.testing.assert_allclose(t.grad, central_difference_vjp(plain, x, u), rtol=1e-6, atol=1e-8)


@given(tensors((2, 3)))
def test_numpy_reductions_and_ufuncs_pass_gradcheck(x):
    assert_grad_close(lambda x: np.sum(np.tanh(x) * np.exp(x), axis=1), x)
    assert_grad_close(lambda x: np.mean(np.concatenate([x, np.transpose(x).reshape(2, 3)])), x)


@pytest.mark.parametrize(
    "call, named",
    [
        (lambda t: np.arctan(t), "np.arctan"),
        (lambda t: np.cumsum(t), "np.cumsum"),
        (lambda t: np.sort(t), "np.sort"),  # a permutation of the values: it has a gradient
        (lambda t: np.add.reduce(t), "np.add.reduce"),
        (lambda t: np.add(t, 1, out=np.zeros((2, 3))), "np.add"),
        (lambda t: np.linalg.norm(t), "np.linalg.norm"),
        (lambda t: np.asarray(t), "detach().numpy()"),
        (lambda t: np.array([t, t]), "detach().numpy()"),
    ],
)
def test_numpy_functions_without_a_tensor_op_refuse_by_name(call, named):
    t = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with pytest.raises(TypeError) as info:
        call(t)
    message = str(info.value)
    assert named.replace("np.linalg.", "") in message and (".detach().numpy()" in message or "t.data" in message)


def test_out_keyword_and_value_results():
    t = leaf([[1.0, -2.0, 3.0]])
    for call in (lambda: np.sum(t, out=np.zeros(())), lambda: np.mean(t, dtype=np.float32)):
        with pytest.raises(TypeError, match="np.(sum|mean)"):
            call()
    # Results that carry no gradient are computed on the values: shapes, indices, masks.
    assert np.shape(t) == (1, 3) and np.argmax(t) == 2 and np.isfinite(t).all()
    np.testing.assert_array_equal(np.sign(t), [[1.0, -1.0, 1.0]])
    np.testing.assert_array_equal(np.zeros_like(t), np.zeros((1, 3)))


def test_tensors_that_need_no_gradient_convert_freely():
    constant = Tensor([1.0, 4.0])
    assert np.asarray(constant) is constant.numpy()
    np.testing.assert_allclose(np.arctan(constant), np.arctan([1.0, 4.0]))  # no graph: nothing dropped
    t = leaf([1.0, 4.0])
    with no_grad():  # nothing is recorded: converting drops nothing
        np.testing.assert_allclose(np.cumsum(t), [1.0, 5.0])
    assert np.asarray(t.detach()) is t.numpy() and np.shares_memory(t.data, t.numpy())


def test_mixing_with_value_is_refused():
    with pytest.raises(TypeError, match="Value"):
        Tensor([1.0], requires_grad=True) * Value(2.0)


# -- shape fixes -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, axes", [((2, 3, 4), (-1, 0, 1)), ((1, 3), (0, -1)), ((2, 3, 4), (0, -1, -2))])
def test_transpose_with_negative_axes_has_the_right_gradient(shape, axes):
    x = np.arange(float(np.prod(shape))).reshape(shape) / 7
    t = leaf(x)
    out = t.transpose(*axes)
    expected = x.transpose(axes)
    np.testing.assert_array_equal(out.data, expected)
    u = np.random.default_rng(1).standard_normal(expected.shape)
    out.backward(u)
    assert t.grad.shape == shape
    # The gradient of sum(u * x.transpose(axes)) is u moved back: u.transpose(argsort(axes mod ndim)).
    np.testing.assert_array_equal(t.grad, u.transpose(np.argsort([a % len(shape) for a in axes])))


def test_transpose_none_reverses_like_numpy():
    t = leaf(np.arange(24.0).reshape(2, 3, 4))
    np.testing.assert_array_equal(t.transpose(None).data, np.arange(24.0).reshape(2, 3, 4).transpose(None))
    assert np.transpose(t, None).shape == (4, 3, 2)


def test_indexing_with_an_empty_list_gives_an_empty_result_and_a_zero_gradient():
    x = np.arange(6.0).reshape(2, 3)
    t = leaf(x)
    out = t[[]]
    assert out.shape == x[[]].shape == (0, 3)
    out.sum().backward()
    np.testing.assert_array_equal(t.grad, np.zeros((2, 3)))
