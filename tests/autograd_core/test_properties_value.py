"""Properties of the scalar engine, drawn with autograd_core.testing's public strategies:
every op against central differences, linearity of backward in the upstream gradient, fan-out
accumulation, and random expression graphs against finite differences and against HIPS autograd.

Tolerances: assert_grad_close uses gradcheck's defaults (|a - n| <= 1e-7 + 1e-5 |n|, eps 1e-6
in float64; measured by bench/gradcheck_defaults.py to give no false failures on these graphs).
Comparisons between two analytic gradients (HIPS autograd, or the same graph evaluated twice)
only differ by rounding, so they use rel 1e-9."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_core import Value
from autograd_core.testing import assert_grad_close, expressions, values

positive = values(0.05, 4.0)
nonzero = values(-3.0, 3.0, away_from=(0.0,), margin=0.05)


@given(values(), values())
def test_add_sub_mul(a, b):
    assert_grad_close(lambda a, b: a + b, a, b)
    assert_grad_close(lambda a, b: a - b, a, b)
    assert_grad_close(lambda a, b: a * b, a, b)


@given(values(), nonzero)
def test_div(a, b):
    assert_grad_close(lambda a, b: a / b, a, b)


@given(values())
def test_neg_exp_tanh_sigmoid(a):
    assert_grad_close(lambda a: -a, a)
    assert_grad_close(lambda a: a.exp(), a)
    assert_grad_close(lambda a: a.tanh(), a)
    assert_grad_close(lambda a: a.sigmoid(), a)


@given(positive)
def test_log(a):
    assert_grad_close(lambda a: a.log(), a)


@given(values(away_from=(0.0,)))
def test_relu_off_its_kink(a):
    assert_grad_close(lambda a: a.relu(), a)


@given(nonzero, st.sampled_from([2, 3, -2, 0]))
def test_pow_integer_exponent(a, n):
    assert_grad_close(lambda a: a**n, a)


@given(positive, st.sampled_from([0.5, -0.5, 1.5, 2.5]))
def test_pow_fractional_exponent(a, n):
    assert_grad_close(lambda a: a**n, a)


@given(positive, values(-2.0, 2.0))
def test_powv_value_exponent(a, b):
    assert_grad_close(lambda a, b: a**b, a, b)
    assert_grad_close(lambda a, b: 2.0**b * a, a, b)


@given(expressions())
def test_random_graphs_match_finite_differences(expression):
    assert_grad_close(expression, *expression.values())


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@given(expressions())
def test_random_graphs_match_hips_autograd(expression):
    leaves = expression.values()
    expression(*leaves).backward()
    f = expression.with_numpy(anp)
    for i, leaf in enumerate(leaves):
        expected = autograd.grad(f, i)(*expression.inputs)
        assert leaf.grad == pytest.approx(float(expected), rel=1e-9, abs=1e-12), (expression, i)


@given(expressions(), st.floats(-5.0, 5.0, allow_nan=False))
def test_backward_is_linear_in_the_upstream_gradient(expression, c):
    once = expression.values()
    expression(*once).backward()
    scaled = expression.values()
    expression(*scaled).backward(c)
    for a, b in zip(once, scaled):
        assert b.grad == pytest.approx(c * a.grad, rel=1e-9, abs=1e-12)


@given(expressions(n_inputs=2))
def test_fan_out_gradients_accumulate(expression):
    # f(x, x): the gradient of x used twice is the sum of the two partial derivatives.
    x = expression.inputs[0]
    separate = [Value(x, name="a"), Value(x, name="b")]
    expression(*separate).backward()
    shared = Value(x, name="x")
    expression(shared, shared).backward()
    assert shared.grad == pytest.approx(separate[0].grad + separate[1].grad, rel=1e-9, abs=1e-12)
