"""Conv2d, MaxPool2d and Flatten: forward against direct loops, VJPs against finite differences
(float64) and against HIPS autograd differentiating an independent formulation."""

from __future__ import annotations

import warnings

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as hips_grad
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Tensor
from nn import Conv2d, Flatten, MaxPool2d
from nn.conv import conv2d
from nn.pool import max_pool2d


# -- independent oracles -----------------------------------------------------------------------
def naive_conv(x, w, b, stride, padding):
    """out[n, f, i, j] = sum over c, p, q of xpad[n, c, i*sh + p, j*sw + q] * w[f, c, p, q] + b[f]."""
    (sh, sw), (ph, pw) = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, _, hp, wp = xp.shape
    fn, c, kh, kw = w.shape
    oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    out = np.zeros((n, fn, oh, ow))
    for a in range(n):
        for f in range(fn):
            for i in range(oh):
                for j in range(ow):
                    out[a, f, i, j] = np.sum(xp[a, :, i * sh : i * sh + kh, j * sw : j * sw + kw] * w[f]) + b[f]
    return out


def naive_pool(x, kernel, stride):
    (kh, kw), (sh, sw) = kernel, stride
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = x[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].max(axis=(2, 3))
    return out


def hips_conv(x, w, b, stride, padding):
    """The same convolution as a sum over kernel offsets of channel contractions, in autograd.numpy."""
    (sh, sw), (ph, pw) = stride, padding
    xp = anp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    fn, c, kh, kw = w.shape
    oh, ow = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    out = 0.0
    for p in range(kh):
        for q in range(kw):
            patch = xp[:, :, p : p + sh * (oh - 1) + 1 : sh, q : q + sw * (ow - 1) + 1 : sw]
            out = out + anp.einsum("nchw,fc->nfhw", patch, w[:, :, p, q])
    return out + anp.reshape(b, (1, fn, 1, 1))


def numerical(f, x, eps=1e-6):
    """Central differences of the scalar f at every entry of x (float64)."""
    g = np.zeros_like(x)
    flat, gflat = x.reshape(-1), g.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return g


# Geometries: square and non-square inputs and kernels, stride > 1, padding > 0, several channels.
GEOMETRIES = [
    # (N, C, H, W), (FN, KH, KW), stride, padding
    ((2, 1, 6, 6), (3, 3, 3), (1, 1), (0, 0)),
    ((2, 2, 7, 5), (3, 3, 2), (2, 1), (1, 0)),
    ((1, 3, 5, 8), (2, 2, 3), (1, 2), (2, 1)),
    ((3, 2, 9, 9), (4, 5, 5), (3, 3), (2, 2)),
]


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", GEOMETRIES)
def test_conv2d_forward_matches_direct_loops(x_shape, w_shape, stride, padding):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal((w_shape[0], x_shape[1], *w_shape[1:]))
    b = rng.standard_normal(w_shape[0])
    out = conv2d(x, Tensor(w, requires_grad=True), Tensor(b, requires_grad=True), stride, padding)
    # float64 sums of at most 75 products: agreement to rounding error.
    np.testing.assert_allclose(out.data, naive_conv(x, w, b, stride, padding), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", GEOMETRIES)
def test_conv2d_vjp_matches_finite_differences_and_hips_autograd(x_shape, w_shape, stride, padding):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal((w_shape[0], x_shape[1], *w_shape[1:]))
    b = rng.standard_normal(w_shape[0])
    xt, wt, bt = (Tensor(a, requires_grad=True) for a in (x, w, b))
    out = conv2d(xt, wt, bt, stride, padding)
    upstream = rng.standard_normal(out.shape)
    out.backward(grad=upstream)

    def loss(xa, wa, ba):
        return anp.sum(hips_conv(xa, wa, ba, stride, padding) * upstream)

    for index, ours in enumerate((xt.grad, wt.grad, bt.grad)):
        theirs = hips_grad(loss, index)(x, w, b)
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)
    # Finite differences of the forward pass itself: the loss is linear in each input, so central
    # differences are exact up to rounding (eps 1e-6 on values ~1: errors ~1e-9).
    for array, ours in ((x, xt.grad), (w, wt.grad), (b, bt.grad)):
        def f():
            return float(np.sum(conv2d(x, Tensor(w), Tensor(b), stride, padding).data * upstream))
        np.testing.assert_allclose(ours, numerical(f, array), rtol=1e-6, atol=1e-7)


def test_conv2d_skips_the_input_gradient_of_a_data_batch_and_keeps_float32():
    rng = np.random.default_rng(2)
    layer = Conv2d(1, 4, 3, seed=0)
    x = rng.random((2, 1, 6, 6))  # float64 data: converted to the layer's float32
    out = layer(x)
    assert out.dtype == np.float32
    out.sum().backward()
    assert out.parents[0].grad is None  # the batch needs no gradient: none computed
    assert layer.W.grad.dtype == np.float32 and layer.b.grad.dtype == np.float32
    expected = naive_conv(x, layer.W.data.astype(np.float64), layer.b.data.astype(np.float64), (1, 1), (0, 0))
    np.testing.assert_allclose(out.data, expected, rtol=1e-5, atol=1e-5)  # float32 rounding


@given(
    n=st.integers(1, 2), c=st.integers(1, 3), h=st.integers(3, 8), w=st.integers(3, 8),
    kh=st.integers(1, 3), kw=st.integers(1, 3), sh=st.integers(1, 3), sw=st.integers(1, 3),
    ph=st.integers(0, 2), pw=st.integers(0, 2), seed=st.integers(0, 2**16),
)
@settings(max_examples=25, deadline=None)
def test_conv2d_property_forward_and_gradients_against_hips(n, c, h, w, kh, kw, sh, sw, ph, pw, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w))
    wt = rng.standard_normal((2, c, kh, kw))
    b = rng.standard_normal(2)
    xs, ws, bs = (Tensor(a, requires_grad=True) for a in (x, wt, b))
    out = conv2d(xs, ws, bs, (sh, sw), (ph, pw))
    upstream = rng.standard_normal(out.shape)
    out.backward(grad=upstream)
    # Two float64 formulations of the same sums: they differ by rounding only (1e-10).
    np.testing.assert_allclose(out.data, hips_conv(x, wt, b, (sh, sw), (ph, pw)), rtol=1e-10, atol=1e-10)
    for index, ours in enumerate((xs.grad, ws.grad, bs.grad)):
        theirs = hips_grad(lambda *a: anp.sum(hips_conv(*a, (sh, sw), (ph, pw)) * upstream), index)(x, wt, b)
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


def test_conv2d_errors_name_the_op_and_shapes():
    layer = Conv2d(3, 4, 5, dtype=np.float64, seed=0)
    with pytest.raises(ValueError, match=r"conv2d: input of shape \(2, 1, 8, 8\) has 1 channels, the weight of shape "
                                         r"\(4, 3, 5, 5\) expects 3"):
        layer(np.zeros((2, 1, 8, 8)))
    with pytest.raises(ValueError, match=r"conv2d: kernel \(5, 5\) is larger than the input's height \(4\)"):
        layer(np.zeros((2, 3, 4, 8)))
    with pytest.raises(ValueError, match=r"conv2d: input .* has shape \(3, 8, 8\); expected 4 axes"):
        layer(np.zeros((3, 8, 8)))
    with pytest.raises(ValueError, match=r"Conv2d: stride must be at least 1, got 0"):
        Conv2d(1, 1, 3, stride=0)
    with pytest.raises(ValueError, match=r"Conv2d: kernel_size must be an integer or a pair of integers"):
        Conv2d(1, 1, 2.5)
    with pytest.raises(ValueError, match=r"Conv2d: in_channels must be a positive integer"):
        Conv2d(0, 1, 3)
    with pytest.raises(ValueError, match=r"conv2d: bias must be a Tensor of shape \(4,\)"):
        conv2d(np.zeros((1, 3, 8, 8)), layer.W, Tensor(np.zeros(3)))
    with pytest.raises(TypeError, match=r"conv2d: input .* is float32 but the weight is float64"):
        layer(Tensor(np.zeros((1, 3, 8, 8), dtype=np.float32), requires_grad=True))


# -- max pooling -------------------------------------------------------------------------------
POOLS = [((2, 2), (2, 2), (2, 3, 6, 6)), ((3, 2), (1, 2), (1, 2, 7, 6)), ((2, 3), (1, 1), (2, 1, 5, 7)),
         ((3, 3), (2, 2), (1, 2, 7, 8))]


@pytest.mark.parametrize("kernel, stride, shape", POOLS)
def test_max_pool_forward_matches_loops_and_vjp_matches_finite_differences(kernel, stride, shape):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)  # continuous values: no ties, the maximum is differentiable
    xt = Tensor(x, requires_grad=True)
    out = max_pool2d(xt, kernel, stride)
    np.testing.assert_array_equal(out.data, naive_pool(x, kernel, stride))
    upstream = rng.standard_normal(out.shape)
    out.backward(grad=upstream)
    # Piecewise linear: away from ties, central differences (eps 1e-6) are exact up to rounding.
    expected = numerical(lambda: float(np.sum(naive_pool(x, kernel, stride) * upstream)), x)
    np.testing.assert_allclose(xt.grad, expected, rtol=1e-6, atol=1e-8)


def test_max_pool_ties_go_to_the_first_maximum_and_layout_of_a_conv_output_is_handled():
    x = Tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad[0, 0], [[1.0, 0.0], [0.0, 0.0]])  # as np.argmax: one winner
    # A Conv2d output is a channels-first array seen as (N, C, H, W): same numbers as a C-ordered copy.
    rng = np.random.default_rng(4)
    conv = Conv2d(2, 3, 3, dtype=np.float64, seed=1)
    y = conv(Tensor(rng.standard_normal((2, 2, 8, 8)), requires_grad=True))
    assert not y.data.flags.c_contiguous
    pooled = max_pool2d(y, 2)
    np.testing.assert_array_equal(pooled.data, naive_pool(np.ascontiguousarray(y.data), (2, 2), (2, 2)))
    upstream = rng.standard_normal(pooled.shape)
    pooled.backward(grad=upstream)
    yt = Tensor(np.ascontiguousarray(y.data), requires_grad=True)
    max_pool2d(yt, 2).backward(grad=upstream)
    np.testing.assert_array_equal(y.grad, yt.grad)


def test_max_pool_errors():
    with pytest.raises(ValueError, match=r"max_pool2d: kernel \(3, 3\) is larger than the input's width \(2\)"):
        MaxPool2d(3)(np.zeros((1, 1, 4, 2)))
    with pytest.raises(ValueError, match=r"max_pool2d: input .* has shape \(4, 4\); expected 4 axes"):
        MaxPool2d(2)(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"MaxPool2d: kernel_size must be at least 1, got 0"):
        MaxPool2d(0)


def test_flatten_and_its_gradient():
    x = Tensor(np.arange(24.0).reshape(2, 3, 2, 2), requires_grad=True)
    y = Flatten()(x)
    np.testing.assert_array_equal(y.data, np.arange(24.0).reshape(2, 12))
    weights = np.arange(24.0).reshape(2, 12)
    (y * weights).sum().backward()
    np.testing.assert_array_equal(x.grad, weights.reshape(2, 3, 2, 2))  # d(sum(y*w))/dx = w, reshaped


def test_check_model_passes_on_a_small_float64_convnet_with_batchnorm():
    """chainrule's own gradient checker, parameter by parameter and op by op (conv2d, batch_norm,
    max_pool2d, reshape each checked alone), on a network built by ``convnet``."""
    from autograd_core.check import check_model
    from nn import convnet, softmax_cross_entropy

    rng = np.random.default_rng(7)
    model = convnet((2, 8, 7), filters=3, kernel_size=3, padding=1, hidden=5, classes=3, batchnorm=True,
                    dtype=np.float64, seed=0)
    x, t = rng.standard_normal((4, 2, 8, 7)), np.array([0, 2, 1, 2])
    # ReLU before the pooling zeroes whole windows: the per-op check says which points sit on a
    # tie and cannot be checked there; that note is the only warning a passing model may give.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = check_model(model, x, t, loss=softmax_cross_entropy)
    assert all("a tie" in str(w.message) for w in caught), [str(w.message) for w in caught]
    assert report.passed, report.summary()
    assert [r.name for r in report.rows][:2] == ["0.W", "0.b"]
    assert all(r.mean_abs_error < 1e-7 for r in report.rows)
