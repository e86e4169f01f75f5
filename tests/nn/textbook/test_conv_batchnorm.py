"""Chapters 6–7's layers against HIPS autograd (an independent autodiff library) computing the
same functions written directly, and ``im2col`` against its definition."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from nn.textbook import BatchNormalization, Convolution, Pooling, col2im, im2col

RNG = np.random.default_rng(1)


def _conv_direct(x, W, b, stride, pad):
    """Convolution by its definition: each output is a filter's dot product with one patch."""
    fn, _, fh, fw = W.shape
    n, _, h, w = x.shape
    x = anp.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode="constant")
    out_h, out_w = (h + 2 * pad - fh) // stride + 1, (w + 2 * pad - fw) // stride + 1
    rows = []
    for i in range(out_h):
        cols = []
        for j in range(out_w):
            patch = x[:, :, i * stride : i * stride + fh, j * stride : j * stride + fw]
            cols.append(anp.tensordot(patch, W, axes=([1, 2, 3], [1, 2, 3])) + b)  # (n, fn)
        rows.append(anp.stack(cols, axis=-1))
    return anp.stack(rows, axis=-2)  # (n, fn, out_h, out_w)


def test_im2col_rows_are_the_patches():
    x = RNG.standard_normal((2, 3, 5, 6))
    col = im2col(x, 3, 2, stride=2, pad=1)
    padded = np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)])
    out_h, out_w = (5 + 2 - 3) // 2 + 1, (6 + 2 - 2) // 2 + 1
    assert col.shape == (2 * out_h * out_w, 3 * 3 * 2)
    for n in range(2):
        for i in range(out_h):
            for j in range(out_w):
                patch = padded[n, :, 2 * i : 2 * i + 3, 2 * j : 2 * j + 2]
                np.testing.assert_array_equal(col[(n * out_h + i) * out_w + j], patch.ravel())


def test_col2im_is_the_transpose_of_im2col():
    # <im2col(x), c> == <x, col2im(c)> for all x, c: col2im is im2col's adjoint (its gradient).
    x = RNG.standard_normal((2, 2, 7, 6))
    c = RNG.standard_normal(im2col(x, 3, 3, stride=2, pad=1).shape)
    lhs = np.sum(im2col(x, 3, 3, stride=2, pad=1) * c)
    rhs = np.sum(x * col2im(c, x.shape, 3, 3, stride=2, pad=1))
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_im2col_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\), got shape \(3, 4\)"):
        im2col(np.zeros((3, 4)), 2, 2)
    with pytest.raises(ValueError, match="does not fit"):
        im2col(np.zeros((1, 1, 2, 2)), 3, 3)


@pytest.mark.parametrize("stride, pad", [(1, 0), (2, 1)])
def test_convolution_matches_autograd(stride, pad):
    x = RNG.standard_normal((2, 3, 6, 5))
    W, b = RNG.standard_normal((4, 3, 3, 3)), RNG.standard_normal(4)
    layer = Convolution(W, b, stride=stride, pad=pad)
    out = layer.forward(x)
    expected = _conv_direct(x, W, b, stride, pad)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    g = RNG.standard_normal(out.shape)
    dx = layer.backward(g)
    for index, got in ((0, dx), (1, layer.dW), (2, layer.db)):
        want = grad(lambda *a: anp.sum(_conv_direct(*a, stride, pad) * g), index)(x, W, b)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_pooling_matches_autograd():
    x = RNG.standard_normal((2, 3, 4, 6))  # continuous values: no ties in a window

    def pool(x):
        windows = [x[:, :, i : i + 2, j : j + 2].reshape(2, 3, 4) for i in (0, 2) for j in (0, 2, 4)]
        return anp.stack([anp.max(w, axis=-1) for w in windows], axis=-1).reshape(2, 3, 2, 3)

    layer = Pooling(2, 2, stride=2)
    out = layer.forward(x)
    np.testing.assert_array_equal(out, pool(x))
    g = RNG.standard_normal(out.shape)
    np.testing.assert_allclose(layer.backward(g), grad(lambda x: anp.sum(pool(x) * g))(x), rtol=1e-12)


def test_batch_normalization_matches_autograd_in_training():
    x = RNG.standard_normal((5, 2, 2, 2)) * 3 + 1
    gamma, beta = RNG.standard_normal(8), RNG.standard_normal(8)

    def bn(x, gamma, beta):
        flat = anp.reshape(x, (5, 8))
        xc = flat - anp.mean(flat, axis=0)
        xn = xc / anp.sqrt(anp.mean(xc**2, axis=0) + 10e-7)
        return anp.reshape(gamma * xn + beta, x.shape)

    layer = BatchNormalization(gamma, beta, momentum=0.9)
    out = layer.forward(x, train_flg=True)
    np.testing.assert_allclose(out, bn(x, gamma, beta), rtol=1e-12)
    g = RNG.standard_normal(out.shape)
    dx = layer.backward(g)
    for index, got in ((0, dx), (1, layer.dgamma), (2, layer.dbeta)):
        want = grad(lambda *a: anp.sum(bn(*a) * g), index)(x, gamma, beta)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    # Running statistics: 0.9 * 0 + 0.1 * the batch's mean and (biased) variance.
    flat = x.reshape(5, 8)
    np.testing.assert_allclose(layer.running_mean, 0.1 * flat.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(layer.running_var, 0.1 * flat.var(axis=0), rtol=1e-12)


def test_batch_normalization_uses_running_statistics_at_test_time():
    layer = BatchNormalization(np.array([2.0]), np.array([0.5]), running_mean=np.array([1.0]),
                               running_var=np.array([4.0]))
    out = layer.forward(np.array([[3.0], [5.0]]), train_flg=False)
    # By hand: 2 * (x - 1) / sqrt(4 + 1e-6) + 0.5
    np.testing.assert_allclose(out[:, 0], 2 * (np.array([3.0, 5.0]) - 1) / np.sqrt(4 + 1e-6) + 0.5, rtol=1e-14)
    assert layer.running_mean.tolist() == [1.0]
