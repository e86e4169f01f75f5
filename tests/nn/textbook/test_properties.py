"""Property tests: for any image and filter shape, stride and padding, col2im is the adjoint of
im2col, and the Convolution and Pooling layers' backward agree with central differences of
their forward (check_layer)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nn.textbook import Convolution, Pooling, check_layer, col2im, im2col


@st.composite
def conv_cases(draw):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    fh, fw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, pad = draw(st.integers(1, 2)), draw(st.integers(0, 1))
    h = draw(st.integers(max(1, fh - 2 * pad), 6))
    w = draw(st.integers(max(1, fw - 2 * pad), 6))
    seed = draw(st.integers(0, 2**16))
    return (n, c, h, w), (fh, fw), stride, pad, np.random.default_rng(seed)


@given(conv_cases())
def test_col2im_is_the_adjoint_of_im2col(case):
    shape, (fh, fw), stride, pad, rng = case
    x = rng.standard_normal(shape)
    col = im2col(x, fh, fw, stride, pad)
    c = rng.standard_normal(col.shape)
    # <im2col(x), c> = <x, col2im(c)>: exact up to float64 rounding of sums of ~100 products.
    assert np.isclose(np.sum(col * c), np.sum(x * col2im(c, shape, fh, fw, stride, pad)), rtol=1e-10, atol=1e-10)


@given(conv_cases())
def test_convolution_backward_agrees_with_its_forward(case):
    shape, (fh, fw), stride, pad, rng = case
    layer = Convolution(rng.standard_normal((2, shape[1], fh, fw)), rng.standard_normal(2), stride=stride, pad=pad)
    # check_layer's default tolerance: |a - n| <= 1e-7 + 1e-5 |n| (central differences, eps 1e-6,
    # of a function linear in each argument: only rounding error remains).
    report = check_layer(layer, rng.standard_normal(shape))
    assert report.passed, str(report)
    assert [r.output for r in report.rows] == ["dx", "dW", "db"]


@given(conv_cases())
def test_pooling_backward_agrees_with_its_forward(case):
    shape, (fh, fw), stride, _, rng = case
    if shape[2] < fh or shape[3] < fw:
        shape = (shape[0], shape[1], max(shape[2], fh), max(shape[3], fw))
    # Continuous random inputs: ties (kinks of max) have probability zero.
    report = check_layer(Pooling(fh, fw, stride=stride), rng.standard_normal(shape))
    assert report.passed, str(report)
