"""One door for every op: names, symbols and formulas checked once for both kinds of op,
redefinition that never touches a graph already built, and a user's VJP that returns nonsense
named by its op.  Oracles: hand derivatives (d(x²)/dx = 2x at 3 is 6, d(x³)/dx is 27)."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import OPS, TENSOR_OPS, Tensor, Value, define_op, define_tensor_op
from autograd_core.words import local_text, vjp_text


def _square(name: str, **options):
    return define_op(name, lambda x: x * x, lambda x, out: (2 * x,), formula=("2 * {x}",), **options)


def test_redefining_an_op_never_changes_a_graph_already_built():
    sq = _square("sq_door")
    x = Value(3.0, name="x")
    y = sq(x)
    y.name = "y"
    define_op("sq_door", lambda x: x**3, lambda x, out: (3 * x**2,), formula=("3 * {x}²",), replace=True)
    y.backward()
    assert x.grad == 6.0  # d(x²)/dx at 3, as built
    x.grad = 0.0
    y.backward(create_graph=True)
    assert x.grad.data == 6.0  # not 27: the derivative recomputed on Values is the node's own op's
    assert local_text(y, 0) == "local d/dx = 2 * x = 2 * 3 = 6"
    y.zero_grad()
    assert "2 * x = 2 * 3 = 6" in str(y.backprop().step())
    cube = OPS["sq_door"]  # the registry holds the new definition, for graphs built from now on
    assert cube.forward(3.0) == 27.0 and cube.formula == ("3 * {x}²",)
    assert sq(x).data == 9.0  # the function defined first applies the first definition


def test_redefining_a_tensor_op_needs_replace_and_keeps_built_graphs():
    double = define_tensor_op("double_door", lambda x: 2 * x, lambda g, inputs, out: (2 * g,), formula=("2 g",))
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    y = double(x)
    with pytest.raises(ValueError, match="'double_door' is already defined.*replace=True"):
        define_tensor_op("double_door", lambda x: 3 * x, lambda g, inputs, out: (3 * g,))
    define_tensor_op("double_door", lambda x: 3 * x, lambda g, inputs, out: (3 * g,), formula=("3 g",), replace=True)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    assert vjp_text(y, 0) == "2 g"
    assert TENSOR_OPS["double_door"].formula == ("3 g",)


@pytest.mark.parametrize("name", ["add", "tanh", "sin"])
def test_a_built_in_scalar_op_is_never_replaced(name):
    with pytest.raises(ValueError, match=f"'{name}' is a built-in scalar op"):
        define_op(name, lambda x, y: x, lambda x, y, out: (1.0, 0.0), replace=True)


@pytest.mark.parametrize("name", ["conv2d", "max_pool2d", "avg_pool2d", "batch_norm", "softmax_cross_entropy", "mul"])
def test_a_built_in_tensor_op_is_never_replaced(name):
    with pytest.raises(ValueError, match=f"'{name}' is a built-in tensor op"):
        define_tensor_op(name, lambda x: x, lambda g, inputs, out: (g,), replace=True)


def test_gradcheck_of_a_real_conv_layer_works_after_a_refused_redefinition():
    from autograd_core import check_model
    from nn import Conv2d, Flatten, Sequential, softmax_cross_entropy

    with pytest.raises(ValueError, match="built-in"):
        define_tensor_op("conv2d", lambda x: x, lambda g, inputs, out: (g,))
    model = Sequential(Conv2d(1, 2, 2, seed=0, dtype=np.float64), Flatten())
    x = np.random.default_rng(0).standard_normal((2, 1, 3, 3))
    report = check_model(model, x, np.array([0, 5]), loss=softmax_cross_entropy)
    assert report.passed and not report.local_mismatches


@pytest.mark.parametrize("define", ["scalar", "tensor"])
@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("ｍｕｌ", "not plain ASCII \\(Unicode reads it as 'mul'\\)"),
        ("input", "Python's built-in input"),
        ("print", "Python's built-in print"),
        ("class", "Python keyword"),
        ("const", "not an op"),
        ("two words", "Python identifier"),
        ("x" * 65, "at most 64 characters"),
    ],
)
def test_names_are_checked_once_for_both_kinds(define, name, words):
    with pytest.raises(ValueError, match=words):
        if define == "scalar":
            define_op(name, lambda x: x, lambda x, out: (1.0,))
        else:
            define_tensor_op(name, lambda x: x, lambda g, inputs, out: (g,))


@pytest.mark.parametrize("define", ["scalar", "tensor"])
@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"symbol": "\x01"}, ValueError, "control character U\\+0001"),
        ({"symbol": ""}, TypeError, "symbol must be a non-empty string"),
        ({"symbol": "s" * 65}, ValueError, "symbol must be at most 64"),
        ({"formula": ("{x:>300000000}",)}, ValueError, "formats \\{x:>300000000\\}.*write \\{x\\}"),
        ({"formula": ("{x:d}",)}, ValueError, "formats \\{x:d\\}"),
        ({"formula": ("{x!r}",)}, ValueError, "formats \\{x!r\\}"),
        ({"formula": ("{0}",)}, ValueError, "uses \\{0\\}"),
        ({"formula": ("{x.real}",)}, ValueError, "uses \\{x.real\\}"),
        ({"formula": ("2 \x01 {x}",)}, ValueError, "control character"),
        ({"formula": ("{x",)}, ValueError, "literal brace"),
        ({"formula": ("x" * 161,)}, ValueError, "at most 160 characters"),
    ],
)
def test_symbols_and_formulas_are_checked_once_for_both_kinds(define, options, error, words):
    with pytest.raises(error, match=words) as caught:
        if define == "scalar":
            define_op("checked_door", lambda x: x, lambda x, out: (1.0,), replace=True, **options)
        else:
            define_tensor_op("checked_door", lambda x: x, lambda g, inputs, out: (g,), replace=True, **options)
    assert "'checked_door'" in str(caught.value)  # the message names the op


def test_a_vjp_returning_text_is_named_by_its_op():
    bad = define_tensor_op("textual_vjp", lambda x: 2 * x, lambda g, inputs, out: ("abc",), replace=True)
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    with pytest.raises(TypeError, match="textual_vjp: its vjp returned a str \\('abc'\\) for input 0 'x'"):
        bad(x).sum().backward()
    assert x.grad is None  # all or nothing


def test_every_view_reads_the_node_record():
    """A scalar and a Tensor op keep the record they were made with; symbol, words and replay
    are read from it (the diagrams' symbol of a Tensor op is its own, not a scalar op's)."""
    cube = define_tensor_op("cube_door", lambda x: x**3, lambda g, inputs, out: (3 * g * inputs[0] ** 2,),
                            symbol="∛", formula=("3 g ⊙ {a}²",), replace=True)
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    y = cube(x)
    assert y.op_record is TENSOR_OPS["cube_door"] and y.op_record.symbol == "∛"
    from viz.labels import op_symbol

    assert op_symbol(y) == "∛"
    assert vjp_text(y, 0) == "3 g ⊙ x²"
