"""Ops of your own through define_op: computed, differentiated (first and second order), checked
by gradcheck's per-op check, drawn by the public strategies and in diagrams, refused clearly
when malformed.  Also the built-in two-argument maximum / minimum defined the same way."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import viz
from autograd_core import OPS, GradcheckError, Value, define_op, gradcheck
from autograd_core.ops import exp, log, sigmoid
from autograd_core.testing import assert_grad_close, expressions, values

# Ops of the module's own (names unique to this file: the registry is process-wide).
softplus = define_op(
    "softplus_t", lambda x: log(1 + exp(x)), lambda x, out: (sigmoid(x),), symbol="ζ", formula=("σ({x})",)
)
# The deliberate bug: the derivative of softplus taken as exp(x) / (1 + exp(x))**2 (the sigmoid's slope).
softplus_bad = define_op(
    "softplus_bad_t", lambda x: log(1 + exp(x)), lambda x, out: (exp(x) / (1 + exp(x)) ** 2,)
)
logaddexp = define_op(
    "logaddexp_t", lambda x, y: max(x, y) + math.log1p(math.exp(-abs(x - y))),
    lambda x, y, out: (exp(x - out), exp(y - out)),
)
hypot = define_op(
    "hypot_t", lambda x, y: math.hypot(x, y), lambda x, y, out: (x / out, y / out), formula=("{x}/{out}", "{y}/{out}")
)


def plain_sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# Tolerances: assert_grad_close's defaults (central differences, step 1e-6, float64) agree with
# exact derivatives to ~1e-9 on these smooth functions of inputs in [-3, 3].
@given(values())
def test_softplus_matches_finite_differences(x):
    assert_grad_close(lambda x: softplus(x) * x, x)


@given(values(0.5, 3.0), values(0.5, 3.0))
def test_a_two_input_op_matches_finite_differences(x, y):
    assert_grad_close(lambda x, y: hypot(x, y * x), x, y)


def test_the_wrong_derivative_is_caught_by_the_property_test():
    @given(values())
    def property_test(x):
        assert_grad_close(lambda x: softplus_bad(x), x)

    with pytest.raises(AssertionError):
        property_test()


def test_gradcheck_names_the_wrong_custom_op_node_and_input():
    x = Value(0.7, name="x")

    def f(x):
        h = softplus_bad(x)
        h.name = "h"
        return h * 2

    with pytest.raises(GradcheckError) as caught:
        gradcheck(f, x)
    text = str(caught.value)
    local = math.exp(0.7) / (1 + math.exp(0.7)) ** 2  # the wrong derivative, by hand
    # The true slope, sigmoid(0.7), is what central differences find.
    expected = f"local derivative {local:.6g}, numerical {plain_sigmoid(0.7):.6g}"
    assert f"softplus_bad_t node 'h' input 0 ('x'): {expected}" in text


def test_second_order_through_create_graph_matches_the_hand_derivation():
    x = Value(0.3, name="x")
    softplus(x).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value)
    s = plain_sigmoid(0.3)
    assert first.data == pytest.approx(s, abs=1e-15)
    x.grad = 0.0
    first.backward()
    assert x.grad == pytest.approx(s * (1 - s), rel=1e-12)  # softplus'' = σ(x)(1 - σ(x))


@given(expressions(ops=("mul", "softplus_t", "logaddexp_t", "tanh")))
def test_expressions_draw_custom_ops(expression):
    assert_grad_close(expression, *expression.values())


def test_expressions_can_use_a_custom_op():
    # Every drawn expression uses only the ops asked for, and the custom one is among them.
    seen: set[str] = set()

    @given(expressions(ops=("softplus_t",), max_steps=3))
    def collect(expression):
        seen.update(kind for kind, _, _ in expression.steps)

    collect()
    assert "softplus_t" in seen


def test_the_registry_gives_views_the_symbol_and_formula():
    op = OPS["softplus_t"]
    assert (op.symbol, op.formula) == ("ζ", ("σ({x})",))
    assert OPS["hypot_t"].formula == ("{x}/{out}", "{y}/{out}")


def test_a_custom_op_is_drawn_with_its_symbol():
    x = Value(0.5, name="x")
    y = softplus(x)
    y.name = "y"
    source = viz.draw(y).source
    assert "ζ" in source


def test_numbers_become_constants():
    y = hypot(3, Value(4.0, name="b"))
    assert y.data == 5.0
    assert y.parents[0].op == "const" and not y.parents[0].requires_grad


def test_create_graph_derivative_raising_leaves_grads_alone():
    def derivative(x, out):
        if isinstance(x, Value):
            raise KeyboardInterrupt  # as if Ctrl-C arrived while the derivative's graph was built
        return (sigmoid(x),)

    fragile = define_op("fragile_t", lambda x: log(1 + exp(x)), derivative)
    x = Value(0.2, name="x")
    y = fragile(x * 3) * 2
    y.backward()
    before = x.grad
    with pytest.raises(KeyboardInterrupt):
        y.backward(create_graph=True)
    assert x.grad == before and y.grad == 1.0


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: define_op("softplus_t", math.exp, lambda x, out: (out,)), ValueError, "already defined"),
        (lambda: define_op("two words", math.exp, lambda x, out: (out,)), ValueError, "identifier"),
        (lambda: define_op("const", math.exp, lambda x, out: (out,)), ValueError, "not an op"),
        (lambda: define_op("f3_t", lambda x, y, z: x, lambda x, y, z, out: (1, 1, 1)), ValueError, "1 or 2"),
        (lambda: define_op("f0_t", lambda: 1.0, lambda out: ()), ValueError, "1 or 2"),
        (lambda: define_op("nc_t", 3.0, lambda x, out: (1,)), TypeError, "forward must be callable"),
        (lambda: define_op("nd_t", math.exp, "x"), TypeError, "derivative must be callable"),
        (lambda: define_op("da_t", lambda x: x, lambda x: (1,)), TypeError, "derivative must take (x, out)"),
        (lambda: define_op("va_t", lambda *xs: 0.0, lambda x, out: (1,)), TypeError, "not *args"),
        (lambda: define_op("fo_t", lambda x: x, lambda x, out: (1,), formula=("{z}",)), ValueError, "{z}"),
        (lambda: define_op("fl_t", lambda x: x, lambda x, out: (1,), formula=("1", "2")), ValueError, "1 string"),
    ],
)
def test_malformed_definitions_are_refused_clearly(call, error, words):
    before = dict(OPS)
    with pytest.raises(error, match=f".*{words}".replace("(", r"\(").replace(")", r"\)").replace("*args", r"\*args")):
        call()
    assert OPS == before  # nothing half-registered


def test_a_derivative_returning_the_wrong_count_is_named():
    two = define_op("wrongcount_t", lambda x, y: x + y, lambda x, y, out: (1.0,))
    with pytest.raises(TypeError, match="wrongcount_t: the derivative returned 1 value for 2 inputs"):
        two(Value(1.0), Value(2.0))
    with pytest.raises(TypeError, match="hypot_t: takes 2 inputs, got 1 argument"):
        hypot(Value(1.0))


def test_micrograds_way_of_adding_an_op_points_at_define_op():
    x = Value(2.0)
    with pytest.raises(TypeError, match="define_op"):
        Value(4.0, (x,), "square")
    out = x * x
    with pytest.raises(TypeError, match="define_op"):
        out._backward = lambda: None


# -- maximum / minimum of two Values -----------------------------------------------------------
@pytest.mark.parametrize(
    "a, b, big, small",
    [(2.0, 5.0, (0.0, 1.0), (1.0, 0.0)), (5.0, 2.0, (1.0, 0.0), (0.0, 1.0)), (3.0, 3.0, (0.5, 0.5), (0.5, 0.5))],
)
def test_max_and_min_send_the_gradient_to_the_chosen_input(a, b, big, small):
    # Ties split the gradient evenly, as torch.maximum / torch.minimum do.
    x, y = Value(a), Value(b)
    m = x.max(y)
    m.backward()
    assert (m.data, x.grad, y.grad) == (max(a, b), *big)
    x, y = Value(a), Value(b)
    m = x.min(y)
    m.backward()
    assert (m.data, x.grad, y.grad) == (min(a, b), *small)


@given(st.floats(-3, 3), st.floats(-3, 3))
def test_max_min_match_finite_differences_off_ties(a, b):
    # the function has a kink at each tie, x = y (max) and y = 2x (min): central differences straddle it
    assume(abs(a - b) >= 1e-3 and abs(b - 2 * a) >= 1e-3)
    assert_grad_close(lambda x, y: x.max(y) * y.min(x * 2), Value(a), Value(b))


def test_max_with_a_number_and_as_a_drawn_op():
    x = Value(1.5)
    assert x.max(2).data == 2.0 and x.min(2).data == 1.5
    assert OPS["maximum"].symbol == "max"


@given(expressions(ops=("maximum", "minimum", "mul")))
def test_expressions_with_max_and_min(expression):
    assert_grad_close(expression, *expression.values())


def test_replace_redefines_your_own_op_but_never_a_built_in():
    first = define_op("again_t", lambda x: 2 * x, lambda x, out: (2.0,))
    assert first(Value(1.0)).data == 2.0
    with pytest.raises(ValueError, match="already defined.*replace=True"):
        define_op("again_t", lambda x: 3 * x, lambda x, out: (3.0,))
    second = define_op("again_t", lambda x: 3 * x, lambda x, out: (3.0,), replace=True)
    assert second(Value(1.0)).data == 3.0
    with pytest.raises(ValueError, match="'tanh' is a built-in scalar op"):
        define_op("tanh", math.tanh, lambda x, out: (1 - out * out,), replace=True)


def test_the_custom_op_example_gives_the_hand_derived_gradients():
    import runpy
    from pathlib import Path

    example = runpy.run_path(str(Path(__file__).resolve().parents[2] / "examples" / "custom_op.py"))
    y = example["build"]()
    y.backward()
    h, floor = y.parents
    x, w = h.parents[0].parents
    # y = max(softplus(x w), floor) with softplus(-1.05) = 0.300 > 0.2: dy/dx = w σ(x w), dy/dw = x σ(x w).
    slope = plain_sigmoid(0.7 * -1.5)
    assert y.data == pytest.approx(math.log1p(math.exp(-1.05)), rel=1e-12)
    assert (x.grad, w.grad, floor.grad) == (pytest.approx(-1.5 * slope), pytest.approx(0.7 * slope), 0.0)


def test_an_expression_with_a_custom_op_has_no_numpy_form():
    from autograd_core.testing import Expression

    e = Expression((0.5,), (("softplus_t", (0,), None),), (1,))
    assert e(*e.values()).data == pytest.approx(math.log1p(math.exp(0.5)), rel=1e-12)
    assert e.source == "t0 = softplus_t(x0); out = t0"
    with pytest.raises(ValueError, match="'softplus_t' .*no NumPy form"):
        e.with_numpy(np)(0.5)
    with pytest.raises(ValueError, match="unknown ops \\['nope'\\]"):
        expressions(ops=("nope",))
