"""The public strategies and helpers of autograd_core.testing: what they draw stays inside the
promised ranges, off kinks and domain edges, and they can express reuse; the profiles load."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from autograd_core import OPS, Tensor, Value, topological_order
from autograd_core.check import GradcheckError
from autograd_core.expr import parse
from autograd_core.testing import (
    KINK_MARGIN,
    arrays,
    assert_grad_close,
    broadcastable_shapes,
    expressions,
    load_profile,
    tensors,
    values,
)


@given(values(-1.0, 1.0, away_from=(0.0, 0.5)))
def test_values_stay_in_range_and_off_the_given_points(x):
    assert isinstance(x, Value) and x.requires_grad
    assert -1.0 - KINK_MARGIN <= x.data <= 1.0 + KINK_MARGIN
    assert abs(x.data) >= KINK_MARGIN and abs(x.data - 0.5) >= KINK_MARGIN


@given(expressions())
def test_expressions_are_finite_small_and_off_kinks(expression):
    out = expression(*expression.values())
    for node in topological_order(out):
        assert math.isfinite(node.data)
        # Intermediates stay small (squashed by tanh), so rounding in finite differences stays small.
        assert abs(node.data) < 1e4, expression
        if node.op == "relu":
            assert abs(node.parents[0].data) >= KINK_MARGIN, expression


@given(expressions())
def test_expression_source_is_the_same_graph_in_the_formula_language(expression):
    # Independent path: chainrule's formula parser builds the graph from the printed source.
    leaves = expression.values()
    out = expression(*leaves)
    out.backward()
    program = parse(expression.source)
    given_inputs = {f"x{i}": x for i, x in enumerate(expression.inputs)}
    nodes = program.evaluate({name: given_inputs[name] for name in program.inputs})
    parsed = nodes[program.output]
    parsed.backward()
    assert parsed.data == pytest.approx(out.data, rel=1e-12, abs=1e-12)
    for leaf in leaves:
        other = nodes[leaf.name].grad if leaf.name in nodes else 0.0
        assert other == pytest.approx(leaf.grad, rel=1e-9, abs=1e-12)


@given(expressions())
def test_expression_with_numpy_computes_the_same_function(expression):
    via_numpy = expression.with_numpy(np)(*expression.inputs)
    assert float(via_numpy) == pytest.approx(expression(*expression.values()).data, rel=1e-12, abs=1e-12)


@given(expressions(ops=("mul", "neg")))
def test_expressions_use_only_the_ops_asked_for(expression):
    ops = {node.op for node in topological_order(expression(*expression.values()))}
    # tanh squashes large operands of mul; add sums the unused nodes into the result.
    assert ops <= {"", "const", "mul", "neg", "tanh", "add"}


def test_expressions_can_reuse_nodes():
    def fan_out(expression):
        counts = {}
        for _kind, operands, _ in expression.steps:
            for i in operands:
                counts[i] = counts.get(i, 0) + 1
        return max(counts.values(), default=0) >= 3

    found = find(expressions(), fan_out, settings=settings(max_examples=500, database=None))
    assert fan_out(found)


def test_expressions_refuse_unknown_ops():
    with pytest.raises(ValueError, match="arcsin"):
        expressions(ops=("arcsin",))


@given(arrays((2, 3), np.float32, min_value=-1, max_value=1, away_from=(0.0,)))
def test_arrays_shape_dtype_and_away_from(a):
    assert a.shape == (2, 3) and a.dtype == np.float32
    assert np.all(np.abs(a) >= KINK_MARGIN * 0.999)  # float32 rounding of the margin


@given(tensors(st.sampled_from([(5,), (2, 4)]), min_gap=1e-2))
def test_tensors_with_min_gap_have_no_near_ties(t):
    assert isinstance(t, Tensor) and t.requires_grad and t.dtype == np.float64
    values_sorted = np.sort(t.data.ravel())
    assert np.all(np.diff(values_sorted) >= 1e-2 * (1 - 1e-9))


@given(broadcastable_shapes())
def test_broadcastable_shapes_broadcast(pair):
    a, b = pair
    result = np.broadcast_shapes(a, b)
    assert len(result) == max(len(a), len(b))


def test_assert_grad_close_names_a_wrong_op(monkeypatch):
    monkeypatch.setattr(OPS["sigmoid"], "derivative", lambda x, out: (out * (1.0 - out) * 0.99,))
    with pytest.raises(GradcheckError, match="sigmoid node"):
        assert_grad_close(lambda x: x.sigmoid() * x, Value(0.3, name="x"))


def test_profiles_are_registered_with_their_sizes():
    previous = settings._current_profile
    try:
        for name, examples in (("dev", 20), ("ci", 100), ("thorough", 1000)):
            assert load_profile(name) == name
            assert settings.default.max_examples == examples
            assert settings.default.deadline is None
    finally:
        settings.load_profile(previous)


def test_expressions_and_the_formula_parser_share_one_arithmetic_dispatch(monkeypatch):
    """A change to the arithmetic table reaches both the parser and the random expressions:
    there is one operator dispatch, not two that could drift apart."""
    import autograd_core.expr as expr_module

    seen = []

    def recording_mul(a, b):
        seen.append((type(a).__name__, type(b).__name__))
        return a * b

    monkeypatch.setitem(expr_module.ARITHMETIC, "mul", recording_mul)
    parse("y = x * x").evaluate({"x": 3.0})
    assert seen == [("Value", "Value")]
    expression = find(expressions(ops=("mul",)), lambda e: any(k == "mul" for k, _, _ in e.steps),
                      settings=settings(max_examples=200, database=None))
    seen.clear()
    expression(*expression.values())
    assert ("Value", "Value") in seen
