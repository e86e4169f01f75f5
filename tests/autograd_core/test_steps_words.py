"""Every contribution line says its local derivative as a formula and as a number, read from the
op's own definition; the numbers agree with finite differences of the op's forward computation."""

from __future__ import annotations

import math
import random
import re

import pytest

from autograd_core import OPS, Value, define_op, name_scope
from autograd_core.steps.exercises import read_number
from autograd_core.words import Captions, caption, local_text

# A central difference with h = 1e-6 on these smooth functions is accurate to about 1e-9; the
# texts print 4 significant digits, so they agree with it to a relative 5e-4 (1e-3 allowed).
H = 1e-6
REL = 1e-3


def finite_difference(node, index):
    """d(node)/d(input index) from the op's forward computation alone."""
    spec = OPS[node.op]
    values = [p.data for p in node.parents]

    def f(shift):
        shifted = list(values)
        shifted[index] += shift
        return spec.forward(*shifted, node.arg) if spec.has_arg else spec.forward(*shifted)

    return (f(H) - f(-H)) / (2 * H)


def stated_value(text):
    """The number a local-derivative text ends with."""
    return float(text.rsplit(" = ", 1)[1])


def mlp(seed=0, sizes=(2, 4, 4, 1)):
    """A micrograd-style tanh MLP, each neuron in its name scope layerL/neuronJ."""
    rng = random.Random(seed)
    layer_in = [Value(rng.uniform(-1, 1), name=f"x{i}") for i in range(sizes[0])]
    for layer, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        outs = []
        with name_scope(f"layer{layer + 1}"):
            for j in range(n_out):
                with name_scope(f"neuron{j}"):
                    w = [Value(rng.uniform(-1, 1), name=f"w{i}") for i in range(n_in)]
                    act = sum((wi * xi for wi, xi in zip(w, layer_in)), Value(rng.uniform(-1, 1), name="b"))
                    outs.append(act.tanh())
        layer_in = outs
    return layer_in[0]


def test_every_contribution_of_an_mlp_shows_its_local_derivative_matching_finite_differences():
    out = mlp()
    steps = out.backprop()
    contributions = 0
    for step in steps:
        text = step.text
        assert all(len(line) <= 80 for line in text.splitlines()), text
        # one "d(...) +=" line per contribution, each followed by its local derivative
        lines = text.splitlines()
        plus = [k for k, line in enumerate(lines) if " += " in line]
        assert len(plus) == len(step.contributions)
        for k, c in zip(plus, step.contributions):
            local = c.local_text
            assert local.startswith("local d/d")
            block = " ".join(line.strip() for line in lines[k: k + 3])
            assert local.split(" = ")[0] in block and block.count("local") >= 1
            assert stated_value(local) == pytest.approx(finite_difference(step.node, c.index), rel=REL, abs=1e-4)
            contributions += 1
        assert "#" not in text  # no caption points at a table row
    assert contributions == 2 * 65 - 1 * 9 - 0  # 65 steps: 56 two-input ops, 9 tanh
    assert steps.label(out) == "layer3.neuron0.act"


@pytest.mark.parametrize(
    ("build", "symbols"),
    [
        (lambda a, b: a + b, "1"),
        (lambda a, b: a - b, "1"),
        (lambda a, b: a * b, "b"),
        (lambda a, b: a / b, "1/b"),
        (lambda a, b: -a, "-1"),
        (lambda a, b: a**3, "3 * a**(3 - 1)"),
        (lambda a, b: a**b, "b * a**(b - 1)"),
        (lambda a, b: a.exp(), "exp(a)"),
        (lambda a, b: a.log(), "1/a"),
        (lambda a, b: a.tanh(), "1 - tanh(a)²"),
        (lambda a, b: a.sigmoid(), "sigmoid(a) * (1 - sigmoid(a))"),
        (lambda a, b: a.relu(), "1 if a > 0 else 0"),
    ],
)
def test_each_value_op_says_its_derivative_with_captions_with_numbers_and_its_value(build, symbols):
    a, b = Value(0.5, name="a"), Value(1.5, name="b")
    node = build(a, b)
    text = local_text(node, 0)
    head, *parts = text.split(" = ")
    assert head == "local d/da"
    assert parts[0] == symbols
    assert stated_value(text) == pytest.approx(finite_difference(node, 0), rel=REL)
    if len(parts) == 3 and node.op != "relu":
        # the formula with numbers, evaluated on its own, gives the stated value
        assert read_number(parts[1].replace("²", "**2")) == pytest.approx(stated_value(text), rel=REL)


def test_the_second_input_of_div_and_powv():
    a, b = Value(0.5, name="a"), Value(1.5, name="b")
    quotient, power = a / b, a**b
    assert local_text(quotient, 1).startswith("local d/db = -a/b² = -0.5/1.5² = ")
    assert local_text(power, 1).startswith("local d/db = (a**b) * log(a) = 0.3536 * log(0.5) = ")
    for node in (quotient, power):
        assert stated_value(local_text(node, 1)) == pytest.approx(finite_difference(node, 1), rel=REL)


def test_tanh_reads_like_the_issue():
    a = Value(0.5, name="a")
    assert local_text(a.tanh(), 0) == "local d/da = 1 - tanh(a)² = 1 - 0.4621² = 0.7864"


def test_an_op_defined_without_words_says_its_name_and_number():
    softplus = define_op("softplus_unworded", lambda x: math.log1p(math.exp(x)),
                         lambda x, out: (1 / (1 + math.exp(-x)),), replace=True)
    node = softplus(Value(0.0, name="x"))
    assert local_text(node, 0) == "local d/dx = softplus_unworded'(x) = softplus_unworded'(0) = 0.5"
    steps = node.backprop()
    assert "local d/dx = softplus_unworded'(x)" in str(steps.step())


def test_captions_never_repeat_the_header_nor_point_at_rows():
    a = Value(0.3, name="a")
    out = (a * 2 + 1).tanh()
    steps = out.backprop()
    first = str(steps.step()).splitlines()[0]
    assert first.startswith("step 1/3  tanh(a*2 + 1)") and "= tanh(a*2 + 1)" not in first
    assert not re.search(r"#\d", str(steps.table()))


def test_long_expressions_get_scope_and_role_names_numbered_in_order():
    with name_scope("layer1"), name_scope("neuron0"):
        w = [Value(0.1 * i, name=f"w{i}") for i in range(5)]
        x = [Value(1.0 + i, name=f"x{i}") for i in range(5)]
        total = w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + w[3] * x[3] + w[4] * x[4]
        act = total.tanh()
    words = Captions(act)
    assert words.label(act) == "layer1.neuron0.act"  # tanh(layer1.neuron0.sum2): 25 characters
    assert words.label(total) == "layer1.neuron0.sum2"  # the second long sum of the scope
    assert words.label(total.parents[0]) == "layer1.neuron0.sum"  # w0*x0 + ... + w3*x3: 29 characters
    assert words.label(total.parents[0].parents[0]) == "w0*x0 + w1*x1 + w2*x2"  # 21: still an expression
    assert words.grad_name(act) == "d(layer1.neuron0.act)"


def test_names_shared_across_scopes_carry_their_scope():
    with name_scope("n0"):
        w0 = Value(1.0, name="w")
    with name_scope("n1"):
        w1 = Value(2.0, name="w")
    out = w0 * w1
    words = Captions(out)
    assert (words.label(w0), words.label(w1)) == ("n0.w", "n1.w")
    assert caption(w0) == "w"  # alone, the name is unambiguous


def test_tensor_steps_fit_80_columns_with_matrices_as_rows_and_big_arrays_summarised():
    import numpy as np

    from autograd_core import Tensor

    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(3, 4)), name="x")
    w = Tensor(rng.normal(size=(4, 5)), requires_grad=True, name="W1")
    b = Tensor(rng.normal(size=(5,)), requires_grad=True, name="b1")
    big = Tensor(rng.normal(size=(100, 784)), requires_grad=True, name="images")
    loss = ((x @ w + b).relu() ** 2).mean() + big.mean()
    loss.name = "loss"
    steps = loss.backprop()
    text = repr(steps.run())
    lines = text.splitlines() + str(steps.table()).splitlines()
    assert max(len(line) for line in lines) <= 80
    # W1's gradient xᵀ @ g, written as its 4 rows of 5 numbers, equal to the gradient itself
    start = lines.index(next(line for line in lines if line.startswith("  d(W1) += xᵀ @ g  (4×5)")))
    rows = [[float(v) for v in line.strip(" []").split()] for line in lines[start + 1: start + 5]]
    assert np.allclose(rows, w.grad, rtol=1e-3, atol=1e-4)
    # a 100×784 array is summarised by its shape and range, never printed out
    assert "  d(images) += g / n spread out  (100×784)" in text
    assert "100×784 array, mean 1.276e-5" in text  # 1 / 78400 in every entry


def test_showing_a_step_of_a_huge_graph_captions_only_what_it_shows():
    from autograd_core.words import WHOLE_GRAPH

    x = Value(0.5, name="x")
    y = x
    for _ in range(WHOLE_GRAPH + 10):
        y = y * 1.0
    steps = y.backprop()
    text = str(steps.step())
    assert text.startswith(f"step 1/{WHOLE_GRAPH + 10}  ") and "local d/d" in text
    # a few dozen captions (the expression below the node, then role names), not the whole graph
    assert len(steps.captions._text) < 100
    steps.back()
    assert steps.position == 0 and y.grad == 0.0
