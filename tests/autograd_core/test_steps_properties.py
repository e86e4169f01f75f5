"""Properties of stepping on random expression graphs: the end equals backward() exactly, and
back() then step() changes nothing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from autograd_core import Value, topological_order

UNARY = ("tanh", "sigmoid", "relu", "neg", "square", "exp_small", "log_safe")
BINARY = ("add", "sub", "mul", "div_safe", "add_const", "mul_const")


@st.composite
def recipes(draw):
    """A random graph as data: leaf values, then ops on earlier nodes (so inputs are reused:
    fan-out, shared subexpressions, repeated operands like ``x*x``)."""
    leaves = draw(st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=4))
    ops = []
    for k in range(draw(st.integers(1, 12))):
        available = len(leaves) + k
        if draw(st.booleans()):
            ops.append((draw(st.sampled_from(UNARY)), draw(st.integers(0, available - 1)), None))
        else:
            index = st.integers(0, available - 1)
            ops.append((draw(st.sampled_from(BINARY)), draw(index), draw(index)))
    return leaves, ops


def build(recipe):
    """The graph a recipe describes (all ops finite on any input); returns (leaves, output)."""
    values, ops = recipe
    nodes = [Value(v, name=f"x{i}") for i, v in enumerate(values)]
    leaves = list(nodes)
    for op, i, j in ops:
        a = nodes[i]
        b = nodes[j] if j is not None else None
        if op == "tanh":
            out = a.tanh()
        elif op == "sigmoid":
            out = a.sigmoid()
        elif op == "relu":
            out = a.relu()
        elif op == "neg":
            out = -a
        elif op == "square":
            out = a**2
        elif op == "exp_small":
            out = (a.tanh()).exp()  # bounded exponent: no overflow
        elif op == "log_safe":
            out = (a * a + 1).log()
        elif op == "add":
            out = a + b
        elif op == "sub":
            out = a - b
        elif op == "mul":
            out = a * b
        elif op == "div_safe":
            out = a / (b * b + 1)
        elif op == "add_const":
            out = a + 0.5
        else:
            out = 1.5 * a
        nodes.append(out)
    # Sum everything so every node is on a path to the output (and fan-out is common).
    output = nodes[0]
    for node in nodes[1:]:
        output = output + node
    return leaves, output


def grads(output):
    return [node.grad for node in topological_order(output)]


@given(recipes())
def test_stepping_to_the_end_equals_backward_exactly(recipe):
    _, stepped = build(recipe)
    _, reference = build(recipe)
    steps = stepped.backprop()
    taken = list(steps)
    reference.backward()
    # Same chain-rule code, same order of additions: equality, not approximation.
    assert grads(stepped) == grads(reference)
    assert len(taken) == len(steps) == sum(1 for n in topological_order(stepped) if n.parents and n.requires_grad)
    assert all(steps.state(n) in ("done", "const", "no grad") for n in topological_order(stepped))


@given(recipes(), st.data())
def test_back_then_step_is_the_identity(recipe, data):
    _, output = build(recipe)
    steps = output.backprop()
    stop = data.draw(st.integers(1, len(steps)))
    for _ in range(stop):
        steps.step()
    before = grads(output)
    pending = dict(steps.pending)
    text = repr(steps.current_step)
    steps.back()
    assert steps.position == stop - 1
    again = steps.step()
    assert grads(output) == before
    assert steps.pending == pending
    assert repr(again) == text


@given(recipes())
def test_every_step_fits_in_80_columns(recipe):
    _, output = build(recipe)
    steps = output.backprop()
    for step in steps:
        for line in repr(step).splitlines():
            assert len(line) <= 80, line
    # an upstream gradient times each local derivative is what each input received
    for step in steps.history:
        for c in step.contributions:
            assert c.contribution == step.upstream * c.local
