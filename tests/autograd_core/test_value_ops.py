"""Every scalar op's local derivative against an independent oracle: central finite
differences of the same function written with Python's ``math`` module."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd_core import Value

# Inputs away from overflow; each op below restricts its own domain.
reals = st.floats(-3, 3, allow_nan=False)
positives = st.floats(0.1, 5, allow_nan=False)


def central_difference(f, args, i, h=1e-6):
    up = list(args)
    down = list(args)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def check(value_fn, math_fn, args, rel=1e-5, abs_=1e-6):
    """Gradient of value_fn at args (by backprop) against finite differences of math_fn.

    Tolerance: central differences with h=1e-6 in float64 carry a truncation error ~h^2 f'''
    and a rounding error ~1e-16/h ~ 1e-10 relative to f, so 1e-5 relative is comfortable.
    """
    inputs = [Value(a, name=f"x{i}") for i, a in enumerate(args)]
    out = value_fn(*inputs)
    assert out.data == pytest.approx(math_fn(*args), rel=1e-12, abs=1e-12)
    out.backward()
    for i, v in enumerate(inputs):
        expected = central_difference(math_fn, args, i)
        assert v.grad == pytest.approx(expected, rel=rel, abs=abs_), f"input {i}"


@given(reals, reals)
def test_add_sub_mul(a, b):
    check(lambda x, y: x + y, lambda x, y: x + y, [a, b])
    check(lambda x, y: x - y, lambda x, y: x - y, [a, b])
    check(lambda x, y: x * y, lambda x, y: x * y, [a, b])


@given(reals, reals.filter(lambda b: abs(b) > 0.1))
def test_div(a, b):
    check(lambda x, y: x / y, lambda x, y: x / y, [a, b])


@given(reals)
def test_numbers_on_either_side(a):
    check(lambda x: 3 + x, lambda x: 3 + x, [a])
    check(lambda x: 3 - x, lambda x: 3 - x, [a])
    check(lambda x: x - 3, lambda x: x - 3, [a])
    check(lambda x: 2.5 * x, lambda x: 2.5 * x, [a])
    check(lambda x: x * 2.5, lambda x: x * 2.5, [a])
    check(lambda x: x / 4, lambda x: x / 4, [a])
    check(lambda x: -x, lambda x: -x, [a])


@given(st.floats(0.2, 3), st.sampled_from([2, 3, -1, 0.5, -1.5, 1.7]))
def test_pow_number_exponent(a, n):
    check(lambda x: x**n, lambda x: x**n, [a])


@given(st.floats(-3, 3).filter(lambda a: abs(a) > 0.1), st.sampled_from([2, 3, -2]))
def test_pow_integer_exponent_of_negative_base(a, n):
    check(lambda x: x**n, lambda x: x**n, [a])


@given(positives, st.floats(-2, 2))
def test_pow_value_exponent(a, e):
    check(lambda x, y: x**y, lambda x, y: x**y, [a, e])
    check(lambda y: 2.0**y, lambda y: 2.0**y, [e])


@given(reals)
def test_exp_tanh_sigmoid(a):
    check(lambda x: x.exp(), math.exp, [a])
    check(lambda x: x.tanh(), math.tanh, [a])
    check(lambda x: x.sigmoid(), lambda x: 1 / (1 + math.exp(-x)), [a])


@given(positives)
def test_log(a):
    check(lambda x: x.log(), math.log, [a])


@given(reals)
def test_relu(a):
    assume(abs(a) > 1e-3)  # finite differences straddle the kink at 0
    check(lambda x: x.relu(), lambda x: max(x, 0.0), [a])


def test_relu_at_zero_has_slope_zero():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


@given(reals, reals, reals)
def test_composite_with_fan_out(a, b, c):
    def f_value(x, y, z):
        t = (x * y).tanh()
        return t * t + t * z - (z * x).sigmoid() + (1 + y * y).log()

    def f_math(x, y, z):
        t = math.tanh(x * y)
        return t * t + t * z - 1 / (1 + math.exp(-z * x)) + math.log(1 + y * y)

    check(f_value, f_math, [a, b, c])


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_numpy_scalars_are_numbers():
    import numpy

    x = Value(numpy.float32(2.0))
    y = x * numpy.float64(3.0) + numpy.int64(1)
    y.backward()
    assert y.data == 7.0 and x.grad == 3.0
    assert type(y.data) is float
