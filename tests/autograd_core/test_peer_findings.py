"""What peers' test suites (DeZero, MyGrad, torch as oracle) found, fixed and pinned, against
torch-free oracles: NumPy's own results, central differences and HIPS ``autograd``.

- ``std`` where the spread is 0: the gradient is 0 (torch's choice; central differences give 0
  too, std being symmetric there), not NaN; also over ``axis=()``;
- ``Tensor(5.0).repeat(3, axis=0)`` gives ``[5, 5, 5]`` as NumPy does;
- ``Value.sin`` and ``Value.cos``, through the op door, to the second order;
- average pooling (``nn.AvgPool2d``) and ``Tensor.tolist``.
"""

from __future__ import annotations

import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from autograd_core import OPS, Tensor, Value, avg_pool2d, gradcheck
from autograd_core.check.numerical import central_differences


def _central(f, x: np.ndarray) -> np.ndarray:
    x = np.array(x, dtype=np.float64)
    return central_differences(lambda _: float(f(x)), x, 1e-6)


@pytest.mark.parametrize(("data", "axis"), [([3.0, 3.0], None), ([[2.0, 2.0, 2.0], [1.0, 5.0, 0.5]], 1),
                                              ([[7.0], [7.0]], 0), ([1.5, -2.0], ())])
def test_std_at_zero_spread_has_gradient_zero_as_central_differences_give(data, axis):
    x = Tensor(data, requires_grad=True)
    y = x.std(axis=axis)
    np.testing.assert_allclose(y.data, np.std(np.asarray(data), axis=axis))
    y.sum().backward()
    assert np.isfinite(x.grad).all()
    expected = _central(lambda a: np.std(a, axis=axis).sum(), data)
    np.testing.assert_allclose(x.grad, expected, atol=1e-6)


def test_std_elsewhere_agrees_with_hips_autograd_first_and_second_order():
    data = np.array([[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]])
    for ddof in (0, 1):
        x = Tensor(data, requires_grad=True)
        x.std(axis=1, ddof=ddof).sum().backward()
        reference = autograd.grad(lambda a, ddof=ddof: anp.sum(anp.std(a, axis=1, ddof=ddof)))(data)
        np.testing.assert_allclose(x.grad, reference, rtol=1e-12)
    # second order along a direction: d/dt of <grad std(x + t v), v>
    v = np.array([[0.3, -0.2, 0.1], [0.05, 0.4, -0.7]])
    x = Tensor(data, requires_grad=True)
    x.std().backward(create_graph=True)
    slope, x.grad = x.grad, None
    (slope * v).sum().backward()
    hessian_v = autograd.grad(lambda a: anp.sum(autograd.grad(lambda b: anp.std(b))(a) * v))(data)
    np.testing.assert_allclose(x.grad, hessian_v, rtol=1e-9)


def test_std_is_one_op_with_words_and_gradcheck_passes_at_zero_spread():
    x = Tensor([2.0, 2.0, 2.0], requires_grad=True, name="x")
    y = x.std()
    assert y.op == "std" and "0 where" in y.op_record.formula[0]
    assert gradcheck(lambda t: t.std() * 3, np.array([0.5, 1.5, -1.0])).passed


@pytest.mark.parametrize(("repeats", "axis"), [(3, 0), (3, -1), (3, None), ([2], 0), (0, 0)])
def test_repeat_on_a_single_number_matches_numpy(repeats, axis):
    x = Tensor(5.0, requires_grad=True)
    y = x.repeat(repeats, axis=axis)
    np.testing.assert_array_equal(y.data, np.repeat(np.array(5.0), repeats, axis=axis))
    y.sum().backward()
    copies = int(np.sum(repeats))
    assert x.grad.shape == () and float(x.grad) == copies  # d(sum of n copies)/dx = n


def test_repeat_on_a_single_number_refuses_other_axes_as_numpy_does():
    with pytest.raises(ValueError, match="axis 1 is out of range"):
        Tensor(5.0).repeat(3, axis=1)
    with pytest.raises(Exception, match="out of bounds"):
        np.repeat(np.array(5.0), 3, axis=1)


@pytest.mark.parametrize("x0", [0.0, 0.5, -2.3, 4.0])
def test_sin_and_cos_on_values_first_and_second_order(x0):
    for method, first, second in (("sin", math.cos, lambda a: -math.sin(a)), ("cos", lambda a: -math.sin(a),
                                                                             lambda a: -math.cos(a))):
        x = Value(x0, name="x")
        y = getattr(x, method)()
        assert y.op == method and y.op_record is OPS[method]
        assert y.data == getattr(math, method)(x0)
        y.backward(create_graph=True)
        assert x.grad.data == pytest.approx(first(x0), abs=1e-15)
        slope = x.grad
        x.grad = 0.0
        slope.backward()
        assert x.grad == pytest.approx(second(x0), abs=1e-15)


def test_sin_and_cos_are_in_the_parser_and_the_strategies():
    from autograd_core.expr import parse
    from autograd_core.testing import expressions

    nodes = parse("y = sin(x) * cos(x)").evaluate({"x": 0.3})
    nodes["y"].backward()
    assert nodes["x"].grad == pytest.approx(math.cos(0.6), rel=1e-12)  # d(sin 2x / 2)/dx
    assert expressions(ops=("sin", "cos", "mul")) is not None


def test_average_pooling_agrees_with_hips_autograd():
    rng = np.random.default_rng(1)
    data = rng.standard_normal((2, 3, 6, 4))
    weights = rng.standard_normal((2, 3, 3, 2))

    def reference(a):  # 2x2 windows side by side: the mean of each block
        return anp.sum(anp.mean(anp.reshape(a, (2, 3, 3, 2, 2, 2)), axis=(3, 5)) * weights)

    x = Tensor(data, requires_grad=True)
    out = avg_pool2d(x, 2)
    np.testing.assert_allclose((out.data * weights).sum(), reference(data), rtol=1e-12)
    (out * weights).sum().backward()
    np.testing.assert_allclose(x.grad, autograd.grad(reference)(data), rtol=1e-12)


def test_overlapping_average_pooling_agrees_with_central_differences():
    rng = np.random.default_rng(2)
    report = gradcheck(lambda t: avg_pool2d(t, (3, 2), stride=1), rng.standard_normal((1, 2, 5, 4)))
    assert report.passed and not report.local_mismatches


def test_nn_avg_pool2d_wraps_the_engine_op():
    from nn import AvgPool2d

    x = np.arange(32.0).reshape(1, 2, 4, 4)
    out = AvgPool2d(2)(x)
    assert out.op == "avg_pool2d"
    np.testing.assert_array_equal(out.data, x.reshape(1, 2, 2, 2, 2, 2).mean(axis=(3, 5)))


def test_tolist_is_numpys():
    data = np.array([[1.5, -2.0], [0.25, 3.0]], dtype=np.float32)
    assert Tensor(data).tolist() == data.tolist()
    assert Tensor(2.0).tolist() == 2.0 and isinstance(Tensor(2.0).tolist(), float)
