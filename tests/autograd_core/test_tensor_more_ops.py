"""The Tensor ops DeZero and MyGrad readers reach for: sin, cos, min, var, std, clip, leaky_relu,
where, maximum, minimum, masks, squeeze, expand_dims, swapaxes, moveaxis, broadcast_to, sum_to,
flatten/ravel, repeat, roll.

Each is checked three ways on hypothesis shapes: assert_grad_close (end gradient and the op's
own VJP against central differences: |a - n| <= 1e-7 + 1e-5 |n|, eps 1e-6, float64); HIPS
autograd's gradient of sum(u * f(x)) for a random upstream u (two analytic gradients: they differ
only by rounding, rel 1e-9); and float32 in, float32 out (forward and gradient)."""

from __future__ import annotations

import re

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd_core import Tensor, maximum, minimum, where
from autograd_core.testing import arrays, assert_grad_close, broadcastable_shapes, tensors

small_shapes = st.sampled_from([(), (3,), (2, 3), (2, 1, 3)])


def leaf(array: np.ndarray) -> Tensor:
    return Tensor(array, requires_grad=True)


def agrees_with_hips(ours, theirs, *arrays_in: np.ndarray, seed: int = 0) -> None:
    """Our gradient of sum(u * f(x...)) equals HIPS autograd's for a random upstream u."""
    arrays_in = tuple(np.asarray(a) for a in arrays_in)  # HIPS autograd dispatches on exactly ndarray
    nodes = [leaf(a.copy()) for a in arrays_in]
    out = ours(*nodes)
    u = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(u)
    for i, node in enumerate(nodes):
        expected = autograd.grad(lambda *xs: anp.sum(u * theirs(*xs)), i)(*arrays_in)
        got = node.grad if node.grad is not None else np.zeros_like(arrays_in[i])
        assert got.shape == arrays_in[i].shape
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


# -- elementwise -------------------------------------------------------------------------------------
@given(tensors(small_shapes, min_value=-6, max_value=6))
def test_sin_and_cos(x):
    assert_grad_close(lambda x: x.sin(), x)
    assert_grad_close(lambda x: x.cos() * x, x)
    agrees_with_hips(lambda x: np.sin(x) * x.cos(), lambda x: anp.sin(x) * anp.cos(x), x.data)


@given(tensors(small_shapes, away_from=(0.0, -1.0, 1.0)), st.sampled_from([0.01, 0.2, -0.5]))
def test_leaky_relu_and_clip_off_their_kinks(x, slope):
    assert_grad_close(lambda x: x.leaky_relu(slope), x)
    assert_grad_close(lambda x: x.clip(-1.0, 1.0), x)
    assert_grad_close(lambda x: x.clip(high=1.0), x)
    agrees_with_hips(lambda x: x.leaky_relu(slope), lambda x: anp.where(x > 0, x, slope * x), x.data)
    agrees_with_hips(lambda x: np.clip(x, -1.0, 1.0), lambda x: anp.clip(x, -1.0, 1.0), x.data)


@given(broadcastable_shapes(), st.data())
def test_where_maximum_minimum_broadcast(shapes, data):
    a = data.draw(arrays(shapes[0]))
    b = data.draw(arrays(shapes[1]))
    # maximum/minimum have a kink where a == b: central differences straddle it within eps, so keep
    # a and b apart (ties are pinned by their own test below).  The mask is fixed before the check.
    assume(np.all(np.abs(a - b) > 1e-3))
    mask = data.draw(arrays(np.broadcast_shapes(a.shape, b.shape))) > 0
    assert_grad_close(lambda a, b: where(mask, a, b), leaf(a), leaf(b))
    assert_grad_close(lambda a, b: maximum(a, b), leaf(a), leaf(b))
    assert_grad_close(lambda a, b: minimum(a, b), leaf(a), leaf(b))
    # HIPS autograd's where does not sum its gradient over broadcast axes: the oracle selects by arithmetic.
    agrees_with_hips(lambda a, b: where(mask, a * b, b), lambda a, b: mask * (a * b) + (1 - mask) * b, a, b)
    agrees_with_hips(lambda a, b: maximum(a, b) + np.minimum(a, b) * 2,
                     lambda a, b: anp.maximum(a, b) + anp.minimum(a, b) * 2, a, b)


def test_maximum_ties_share_the_gradient_like_max():
    a, b = leaf(np.array([1.0, 2.0, 3.0])), leaf(np.array([1.0, 5.0, 0.0]))
    maximum(a, b).sum().backward()
    # Hand-derived: tie at 0 (half each), b wins at 1, a wins at 2.
    np.testing.assert_array_equal(a.grad, [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(b.grad, [0.5, 1.0, 0.0])


def test_comparisons_give_masks_and_equality_stays_identity():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    for mask, expected in [(x < 2, [1, 0, 0]), (x <= 2, [1, 1, 0]), (x > 2, [0, 0, 1]), (x >= 2, [0, 1, 1]),
                           (x.eq(2.0), [0, 1, 0]), (x.ne(2.0), [1, 0, 1]), (np.greater(x, 1.5), [0, 1, 1])]:
        assert isinstance(mask, np.ndarray) and mask.dtype == bool
        np.testing.assert_array_equal(mask, np.array(expected, dtype=bool))
    y = Tensor([1.0, 2.0, 3.0])
    assert (x == y) is False and x == x and len({x, y}) == 2  # nodes hash and compare by identity


# -- reductions ----------------------------------------------------------------------------------------
# min_gap 0.1: no ties for min, and no standard deviation near 0, where sqrt's slope (1 / 2 std) is so
# steep that central differences with eps 1e-6 lose the 1e-5 relative agreement.
@given(tensors((2, 3, 4), min_gap=0.1), st.sampled_from([None, 0, 1, -1, (0, 2)]), st.booleans())
def test_min_var_std(x, axis, keepdims):
    assert_grad_close(lambda x: x.min(axis=axis, keepdims=keepdims), x)  # min_gap: no ties
    assert_grad_close(lambda x: x.var(axis=axis, keepdims=keepdims), x)
    assert_grad_close(lambda x: x.std(axis=axis, keepdims=keepdims, ddof=1), x)
    agrees_with_hips(lambda x: np.var(x, axis=axis, keepdims=keepdims) + x.min(axis=axis, keepdims=keepdims),
                     lambda x: anp.var(x, axis=axis, keepdims=keepdims) + anp.min(x, axis=axis, keepdims=keepdims),
                     x.data)
    agrees_with_hips(lambda x: x.std(axis=axis, keepdims=keepdims), lambda x: anp.std(x, axis=axis, keepdims=keepdims),
                     x.data)
    np.testing.assert_allclose(x.std(axis=axis, ddof=1).data, np.std(x.data, axis=axis, ddof=1), rtol=1e-12)


# -- shapes --------------------------------------------------------------------------------------------
@given(tensors((2, 1, 3)))
def test_axis_moves(x):
    assert_grad_close(lambda x: x.squeeze() * np.arange(6.0).reshape(2, 3), x)
    assert_grad_close(lambda x: x.squeeze(1).expand_dims(0) * 2, x)
    assert_grad_close(lambda x: x.swapaxes(0, -1) * np.arange(6.0).reshape(3, 1, 2), x)
    assert_grad_close(lambda x: x.moveaxis(0, -1) * np.arange(6.0).reshape(1, 3, 2), x)
    assert_grad_close(lambda x: x.flatten() * np.arange(6.0), x)
    assert_grad_close(lambda x: np.ravel(x) * np.arange(6.0), x)
    agrees_with_hips(lambda x: np.moveaxis(x, (0, 2), (2, 0)).swapaxes(0, 1),
                     lambda x: anp.swapaxes(anp.moveaxis(x, (0, 2), (2, 0)), 0, 1), x.data)
    agrees_with_hips(lambda x: np.expand_dims(np.squeeze(x, axis=1), -1),
                     lambda x: anp.expand_dims(anp.squeeze(x, axis=1), -1), x.data)


@given(broadcastable_shapes(), st.data())
def test_broadcast_to_and_sum_to_are_adjoint(shapes, data):
    target = np.broadcast_shapes(*shapes)
    small = leaf(data.draw(arrays(shapes[0])))
    big = leaf(data.draw(arrays(target)))
    assert_grad_close(lambda a: a.broadcast_to(target) * np.arange(1.0, 1 + np.prod(target)).reshape(target), small)
    assert_grad_close(lambda b: b.sum_to(shapes[0]), big)
    # HIPS autograd's broadcast_to cannot add leading axes: broadcast by adding zeros instead.
    agrees_with_hips(lambda a: np.broadcast_to(a, target), lambda a: a + anp.zeros(target), small.data)
    # <broadcast_to(a), b> == <a, sum_to(b)>: the two are each other's transpose.
    left = float(np.sum(small.broadcast_to(target).data * big.data))
    right = float(np.sum(small.data * big.sum_to(shapes[0]).data))
    np.testing.assert_allclose(left, right, rtol=1e-9, atol=1e-12)


@given(tensors((2, 3)), st.sampled_from([(2, None), (3, 0), ([1, 0, 2], 1), (2, -1), (-1, None), ((1, 2), (0, 1))]))
def test_repeat_and_roll(x, args):
    repeats_or_shift, axis = args
    if isinstance(repeats_or_shift, int) and repeats_or_shift >= 0:
        assert_grad_close(lambda x: x.repeat(repeats_or_shift, axis) * 1.5, x)
        # HIPS autograd's repeat VJP is wrong for a negative axis: give it the same axis counted from 0.
        agrees_with_hips(lambda x: np.repeat(x, repeats_or_shift, axis),
                         lambda x: anp.repeat(x, repeats_or_shift, None if axis is None else axis % 2), x.data)
    if isinstance(repeats_or_shift, list):
        assert_grad_close(lambda x: x.repeat(repeats_or_shift, axis), x)
        expected = np.repeat(x.data, repeats_or_shift, axis)
        np.testing.assert_array_equal(x.repeat(repeats_or_shift, axis).data, expected)
    if not isinstance(repeats_or_shift, list):
        assert_grad_close(lambda x: x.roll(repeats_or_shift, axis) * np.arange(6.0).reshape(2, 3), x)
        np.testing.assert_array_equal(np.roll(x, repeats_or_shift, axis).data, np.roll(x.data, repeats_or_shift, axis))


# -- dtype and errors ------------------------------------------------------------------------------------
def test_float32_stays_float32_through_the_new_ops():
    rng = np.random.default_rng(3)
    a = Tensor(rng.standard_normal((2, 1, 3)).astype(np.float32), requires_grad=True)
    b = Tensor(rng.standard_normal(3).astype(np.float32), requires_grad=True)
    outputs = [
        a.sin(), a.cos(), a.min(), a.var(axis=2), a.std(), a.clip(-0.5, 0.5), a.leaky_relu(0.1),
        where(a.data > 0, a, b), maximum(a, b), minimum(a, 1.0), a.squeeze(), a.expand_dims(0), a.swapaxes(0, 2),
        a.moveaxis(0, 1), b.broadcast_to((4, 3)), a.sum_to((1, 1, 3)), a.flatten(), a.ravel(), a.repeat(2, axis=1),
        a.roll(1, axis=2),
    ]
    for out in outputs:
        assert out.dtype == np.float32, out.op
        a.grad = b.grad = None
        out.backward(np.ones(out.shape, dtype=np.float32))
        for leaf_node in (a, b):
            assert leaf_node.grad is None or leaf_node.grad.dtype == np.float32, out.op


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda a: a.squeeze(0), ["squeeze", "axis 0", r"\(2, 3\)"]),
        (lambda a: a.broadcast_to((3, 3)), ["broadcast_to", r"\(2, 3\)", r"\(3, 3\)"]),
        (lambda a: a.sum_to((4,)), ["sum_to", r"\(2, 3\)", r"\(4,\)"]),
        (lambda a: maximum(a, np.ones(4)), ["maximum", r"\(2, 3\)", r"\(4,\)"]),
        (lambda a: where(np.ones((4,), bool), a, 0.0), ["where", r"\(4,\)", r"\(2, 3\)"]),
        (lambda a: a.clip(np.zeros(4)), ["clip", r"\(4,\)", r"\(2, 3\)"]),
        (lambda a: a.var(axis=0, ddof=2), ["var", "ddof=2"]),
        (lambda a: a.swapaxes(0, 5), ["swapaxes", "axis 5", r"\(2, 3\)"]),
        (lambda a: a.moveaxis((0, 1), 0), ["moveaxis"]),
        (lambda a: a.repeat(-1), ["repeat", "non-negative"]),
        (lambda a: a.min(axis=3), ["min", "axis 3"]),
    ],
)
def test_bad_arguments_name_the_op_and_the_shapes(make, words):
    a = Tensor(np.ones((2, 3)), requires_grad=True, name="a")
    with pytest.raises((ValueError, TypeError)) as info:
        make(a)
    for word in words:
        assert re.search(word, str(info.value)), (word, str(info.value))


@given(arrays((4, 3)), st.lists(st.integers(0, 2), min_size=4, max_size=4), st.booleans())
def test_gathering_one_entry_per_row_scatters_the_gradient_back(x, labels, repeat_rows):
    # x[rows, labels] with rows = arange (each entry once: written back directly) or with a row picked
    # twice (accumulated); the oracle is np.add.at on plain arrays.
    rows = np.array([0, 1, 1, 3]) if repeat_rows else np.arange(4)
    labels = np.array(labels)
    t = leaf(x)
    u = np.arange(1.0, 5.0)
    t[rows, labels].backward(u)
    expected = np.zeros((4, 3))
    np.add.at(expected, (rows, labels), u)
    np.testing.assert_array_equal(t.grad, expected)


def test_gradcheck_reports_the_new_kinks_as_inconclusive_not_wrong():
    from autograd_core import GradcheckError, GradcheckWarning, gradcheck

    # At clip's and leaky_relu's kinks central differences average the two one-sided slopes
    # ((1 + 0) / 2, (1 + 0.1) / 2), which backprop does not give: inconclusive, not blamed on the op.
    for op, fn, x in [("clip", lambda x: x.clip(-1.0, 1.0), np.array([1.0, 0.5])),
                      ("leaky_relu", lambda x: x.leaky_relu(0.1), np.array([0.0]))]:
        with pytest.raises(GradcheckError, match="INCONCLUSIVE at a kink"), pytest.warns(GradcheckWarning, match=op):
            gradcheck(fn, x)
    # At ties, min and maximum split the gradient evenly: exactly what central differences give.
    with pytest.warns(GradcheckWarning, match="min node: two entries"):
        assert gradcheck(lambda x: x.min(axis=0), np.array([[1.0, 2.0], [1.0, 3.0]])).passed
    with pytest.warns(GradcheckWarning, match="maximum node: its two inputs"):
        assert gradcheck(lambda x: maximum(x, 1.0), np.array([1.0, 2.0])).passed
