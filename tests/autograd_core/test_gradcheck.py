"""The gradient checker itself: it must pass correct gradients, fail wrong ones (a derivative off
by 1%, a transposed gradient, a missing broadcast reduction), name the op that is wrong, and
handle the textbook's numerical_gradient traps (an f that ignores x, an exception mid-way)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from autograd_core import TENSOR_OPS, Tensor, Value
from autograd_core.check import (
    GradcheckError,
    GradcheckWarning,
    gradcheck,
    numerical_gradient,
)
from autograd_core.check.report import compare
from autograd_core.define import apply_op
from autograd_core.testing import assert_grad_close


# -- numerical_gradient ---------------------------------------------------------------------------
def test_numerical_gradient_matches_hand_derivative():
    x = np.array([[0.3, -1.2], [2.0, 0.7]])
    grad = numerical_gradient(lambda _: float(np.sum(np.sin(x) * x)), x)
    expected = np.cos(x) * x + np.sin(x)  # d/dx (x sin x), by hand
    np.testing.assert_allclose(grad, expected, rtol=1e-7, atol=1e-9)


def test_numerical_gradient_restores_x_exactly():
    # 0.1 + 1e-4 - 1e-4 is not 0.1 in floating point: only saving the value restores it.
    x = np.array([0.1, 0.7, 1e-5, -3.3])
    before = x.copy()
    numerical_gradient(lambda _: float(np.sum(x**3)), x)
    assert np.array_equal(x, before)


def test_numerical_gradient_restores_x_after_an_exception():
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()
    calls = []

    def f(w):
        calls.append(w.copy())
        if len(calls) == 4:  # fail while the second element is perturbed
            raise RuntimeError("boom")
        return float(w.sum())

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    assert not np.array_equal(calls[-1], before)  # it really was perturbed when f failed
    assert np.array_equal(x, before)


def test_numerical_gradient_warns_when_f_ignores_x():
    # The textbook reader's mistake: f reads the network's weights, not the array passed.
    weights = np.array([[0.2, 0.1], [0.1, -0.3]])
    a = weights.copy()

    def f(_):
        return float(np.sum(weights**2))

    with pytest.warns(GradcheckWarning, match="may not read x"):
        grad = numerical_gradient(f, a)
    assert np.all(grad == 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        numerical_gradient(f, weights)  # the right array: no warning


def test_numerical_gradient_refuses_copies_and_ints():
    with pytest.raises(TypeError, match="NumPy array"):
        numerical_gradient(lambda w: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="dtype int"):
        numerical_gradient(lambda w: 0.0, np.array([1, 2]))


# -- gradcheck passes correct gradients -------------------------------------------------------------
def test_correct_value_function_passes_with_tiny_errors():
    report = gradcheck(lambda x, y: x**3 * y.exp() + (x * y).tanh(), 2.0, 0.5)
    assert report.passed
    # Hand derivation: d/dx = 3x^2 e^y + y (1 - tanh^2(xy)), d/dy = x^3 e^y + x (1 - tanh^2(xy))
    sech2 = 1 - math.tanh(1.0) ** 2
    assert report.row("x").backprop == pytest.approx(12 * math.exp(0.5) + 0.5 * sech2, rel=1e-12)
    assert report.row("y").backprop == pytest.approx(8 * math.exp(0.5) + 2 * sech2, rel=1e-12)
    assert all(r.relative_error < 1e-8 for r in report.rows)


def test_correct_tensor_function_passes():
    rng = np.random.default_rng(0)
    W = Tensor(rng.standard_normal((3, 4)), requires_grad=True, name="W")
    b = Tensor(rng.standard_normal(4), requires_grad=True, name="b")
    x = rng.standard_normal((5, 3))
    report = gradcheck(lambda W, b: (x @ W + b).tanh(), W, b)  # non-scalar output: random upstream
    assert report.passed
    assert [r.name for r in report.rows] == ["W", "b"]
    assert report.row("W").shape == (3, 4)


def test_non_scalar_output_uses_the_given_upstream():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True, name="x")
    report = gradcheck(lambda x: x * x, x, upstream=np.array([1.0, 10.0]))
    # d/dx sum(u * x^2) = 2 u x = [2, 40]
    np.testing.assert_allclose(report.row("x").backprop_gradient, [2.0, 40.0])


def test_numbers_and_arrays_are_wrapped():
    report = gradcheck(lambda a, w: (w * a).sum(), 3.0, np.array([1.0, 2.0]))
    assert [r.name for r in report.rows] == ["a", "w"]  # named after fn's parameters
    assert report.passed


def test_gradcheck_leaves_gradients_as_it_found_them():
    x = Value(0.4, name="x")
    x.grad = 5.0
    W = Tensor(np.ones(2), requires_grad=True, name="W")
    gradcheck(lambda x: x.tanh() * 2, x)
    gradcheck(lambda W: (W * W).sum(), W)
    assert x.grad == 5.0
    assert W.grad is None


# -- and fails wrong ones ---------------------------------------------------------------------------
def test_derivative_off_by_one_percent_fails_and_names_the_op(wrong_scalar_op):
    wrong_scalar_op("tanh", 1.01)
    x = Value(0.4, name="x")

    def f(x):
        h1 = (x * 2).tanh()
        h1.name = "h1"
        return h1 * x

    with pytest.raises(GradcheckError) as caught:
        gradcheck(f, x)
    message = str(caught.value)
    assert "tanh node 'h1' input 0" in message
    assert "gradient of 'x' differs" in message
    [mismatch] = caught.value.report.local_mismatches
    # The recorded derivative is 1.01 (1 - tanh^2(0.8)), the true one 1 - tanh^2(0.8).
    assert mismatch.local == pytest.approx(1.01 * (1 - math.tanh(0.8) ** 2), rel=1e-12)
    assert mismatch.numerical == pytest.approx(1 - math.tanh(0.8) ** 2, rel=1e-8)


def test_two_percent_error_in_mul_is_caught_by_assert_grad_close(wrong_scalar_op):
    wrong_scalar_op("mul", 1.02)
    with pytest.raises(AssertionError, match="mul node"):
        assert_grad_close(lambda a, b: a * b + a, Value(1.5), Value(-0.5))


def test_transposed_gradient_fails(monkeypatch):
    def transposed_vjp(node, g):
        a, b = node.parents
        return (g @ b.data.T if a.requires_grad else None, (a.data.T @ g).T if b.requires_grad else None)

    monkeypatch.setattr(TENSOR_OPS["matmul"], "vjp", transposed_vjp)
    x = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [0.0, 1.0, 1.0]])
    W = Tensor(np.arange(9.0).reshape(3, 3) / 10, requires_grad=True, name="W")
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda W: (x @ W).tanh().sum(), W)
    report = caught.value.report
    assert not report.row("W").passed
    assert [m.op for m in report.local_mismatches] == ["matmul"]
    assert report.local_mismatches[0].input_index == 1


def test_missing_broadcast_reduction_fails(monkeypatch):
    def no_unbroadcast(node, g):
        return (g, g)

    monkeypatch.setattr(TENSOR_OPS["add"], "vjp", no_unbroadcast)
    x = np.ones((2, 3))
    b = Tensor(np.array([0.1, 0.2, 0.3]), requires_grad=True, name="b")
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda b: ((x + b) ** 2).sum(), b)
    message = str(caught.value)
    assert "'b'" in message and "shape (2, 3)" in message
    assert "add node" in message  # the VJP of add alone returns the wrong shape


def test_nondeterministic_backward_fails_the_twice_check(monkeypatch):
    calls = []

    def drifting_vjp(node, g):
        calls.append(1)
        return (g * node.data * (1 + 1e-3 * len(calls)),)

    monkeypatch.setattr(TENSOR_OPS["exp"], "vjp", drifting_vjp)
    x = Tensor(np.array([0.5, 1.0]), requires_grad=True, name="x")
    report = gradcheck(lambda x: x.exp().sum(), x, raise_exception=False)
    assert any("twice" in c for c in report.failed_checks)


def test_zero_upstream_must_give_zero_gradient(monkeypatch):
    monkeypatch.setattr(TENSOR_OPS["exp"], "vjp", lambda node, g: (g * node.data + 1e-12,))
    x = Tensor(np.array([0.5, 1.0]), requires_grad=True, name="x")
    report = gradcheck(lambda x: x.exp().sum(), x, raise_exception=False)
    assert any("zero upstream" in c and "'x'" in c for c in report.failed_checks)


def test_gradient_dtype_must_match(monkeypatch):
    monkeypatch.setattr(TENSOR_OPS["tanh"], "vjp", lambda node, g: ((g * (1 - node.data**2)).astype(np.float32),))
    x = Tensor(np.array([0.5, 1.0]), requires_grad=True, name="x")
    report = gradcheck(lambda x: x.tanh(), x, raise_exception=False, atol=1e-3, rtol=1e-3)
    assert any("dtype float32" in c for c in report.failed_checks)


# -- warnings ---------------------------------------------------------------------------------------
def test_float32_inputs_warn_to_check_in_float64():
    x = Tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True, name="x")
    with pytest.warns(GradcheckWarning, match="float64"):
        report = gradcheck(lambda x: (x * x).sum(), x, raise_exception=False)
    assert any("float32" in w for w in report.warnings)


def test_float32_failure_is_blamed_on_float32_not_on_backprop():
    """(x*x).sum() in float32: backprop is exact (2x) but central differences with eps=1e-6 are
    not; the report must say so and point to float64, not accuse the routing of gradients."""
    x = Tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True, name="x")
    with pytest.warns(GradcheckWarning, match="check in float64"):
        with pytest.raises(GradcheckError) as caught:
            gradcheck(lambda t: (t * t).sum(), x)
    report = caught.value.report
    np.testing.assert_array_equal(np.asarray(report.row("x").backprop), 3.0)  # 2 * 1.5, the worst element
    assert report.inconclusive and report.inconclusive_reason == "in float32"
    assert not report.passed
    notes = " ".join(report.notes)
    assert "expected from float32 finite differences" in notes and "float64" in notes
    assert "routed" not in notes
    assert str(report).startswith("gradcheck INCONCLUSIVE in float32")
    assert str(caught.value).startswith("gradcheck inconclusive in float32:")
    # The same function in float64 passes: the float32 verdict was about precision only.
    assert gradcheck(lambda t: (t * t).sum(), Tensor(np.array([0.5, 1.5]), requires_grad=True)).passed


def test_float32_does_not_excuse_a_wrong_float64_input(monkeypatch):
    """A float64 input whose gradient is wrong is not explained by another input being float32."""
    monkeypatch.setattr(TENSOR_OPS["exp"], "vjp", lambda node, g: (1.5 * g * node.data,))
    low = Tensor(np.array([0.5], dtype=np.float32), requires_grad=True, name="low")
    y = Tensor(np.array([0.3, 0.7]), requires_grad=True, name="y")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GradcheckWarning)
        report = gradcheck(lambda a, b: a.sum() + b.exp().sum(), low, y, raise_exception=False)
    assert not report.row("y").passed
    assert not report.inconclusive
    assert "FAILED" in str(report)


@pytest.mark.parametrize("build", [lambda x: x.relu(), lambda x: x.relu() * 3 + x * x])
def test_disagreement_at_a_kink_is_inconclusive(build):
    x = Value(0.0, name="x")
    with pytest.warns(GradcheckWarning, match="kink"):
        report = gradcheck(build, x, raise_exception=False)
    assert not report.row("x").passed  # backprop takes relu'(0) = 0, finite differences 0.5
    assert report.inconclusive and report.inconclusive_reason == "at a kink"
    assert "proves nothing" in " ".join(report.notes)
    assert str(report).startswith("gradcheck INCONCLUSIVE at a kink")


def test_kink_does_not_excuse_an_input_that_does_not_reach_it(wrong_scalar_op):
    """x sits at relu's kink, but y's gradient is wrong through a bad mul: that is a failure."""
    wrong_scalar_op("mul", 1.5)
    x, y = Value(0.0, name="x"), Value(0.7, name="y")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GradcheckWarning)
        report = gradcheck(lambda x, y: x.relu() + y * y, x, y, raise_exception=False)
    assert not report.row("y").passed
    assert not report.inconclusive and "FAILED" in str(report)


@pytest.mark.parametrize("build", [lambda x: x.relu() * 3, lambda x: (x * 1).relu()])
def test_input_at_a_kink_warns(build):
    x = Value(1e-8, name="x")
    with pytest.warns(GradcheckWarning, match="kink"):
        gradcheck(build, x, raise_exception=False)


def test_a_kink_warning_calls_unnamed_inputs_by_the_functions_parameter_names():
    # Value(0.0) and Value(2.0) have no names: the warnings say x and y, as the function does, not 'leaf'.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GradcheckWarning)
        report = gradcheck(lambda x, y: x.relu() * y + apply_op("maximum", x, x * 1), Value(0.0), Value(2.0),
                           raise_exception=False)
    relu, tie = sorted(report.warnings, key=lambda w: not w.startswith("relu"))
    assert relu.startswith("relu node: its input 'x' = 0 is within")
    assert "its inputs 'x' = 0 and 'mul' = 0" in tie  # the second input is an op's node: called by its op
    assert "leaf" not in " ".join(report.warnings)


def test_tensor_max_tie_warns():
    x = Tensor(np.array([1.0, 1.0 + 1e-9, 0.0]), requires_grad=True, name="x")
    with pytest.warns(GradcheckWarning, match="tie"):
        gradcheck(lambda x: x.max(), x, raise_exception=False)


# -- the report -------------------------------------------------------------------------------------
def test_relative_error_is_the_seeds_formula():
    row = compare("w", np.array([1.0, -2.0]), np.array([1.5, -2.0]), atol=0, rtol=0)
    a, n = np.array([1.0, -2.0]), np.array([1.5, -2.0])
    assert row.relative_error == pytest.approx(np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)))
    assert row.worst_index == (0,) and (row.backprop, row.numerical) == (1.0, 1.5)
    assert compare("z", np.zeros(3), np.zeros(3), atol=0, rtol=0).relative_error == 0.0  # 0/0 shown as 0
    assert compare("s", -1.0, 1.0, atol=0, rtol=0).relative_error == 1.0  # wrong sign


def test_report_repr_is_a_table_with_one_row_per_input():
    x = Tensor(0.3, requires_grad=True, name="x")
    W = Tensor(np.ones((2, 3)), requires_grad=True, name="W")
    report = gradcheck(lambda x, W: (W * x).tanh().sum(), x, W)
    lines = repr(report).splitlines()
    assert lines[0].startswith("gradcheck passed")
    assert lines[1].split()[:4] == ["input", "shape", "max", "abs"]
    assert lines[2].split()[:2] == ["x", "()"]
    assert lines[3].split()[:3] == ["W", "(2,", "3)"]


def test_input_at_a_domain_edge_is_reported_by_name():
    with pytest.raises(ValueError, match="'x'.*nudged"):
        gradcheck(lambda x: x.log(), Value(1e-7, name="x"))


def test_input_without_gradient_is_refused():
    with pytest.raises(ValueError, match="requires_grad=False"):
        gradcheck(lambda x: x * 2, Value(1.0, requires_grad=False))


def test_fn_that_branches_on_its_inputs_is_explained():
    x = Tensor(np.array([1e-7, 0.5, -0.2]), requires_grad=True, name="x")
    with pytest.raises(ValueError, match="changed shape.*mask"):
        gradcheck(lambda x: x[x.data > 0], x)
