"""Code written for micrograd's Value runs unchanged and gives micrograd's numbers
(micrograd itself is the independent oracle here)."""

from __future__ import annotations

import random

import micrograd.engine
import pytest

from autograd_core import Value


def micrograd_style_program(V):
    # micrograd's README example, verbatim apart from the class.
    a = V(-4.0)
    b = V(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return g, a, b


def test_readme_program_matches_micrograd():
    ours = micrograd_style_program(Value)
    theirs = micrograd_style_program(micrograd.engine.Value)
    for o, t in zip(ours, theirs):
        assert o.data == pytest.approx(t.data)
        assert o.grad == pytest.approx(t.grad)
    g, a, b = ours
    assert g.data == pytest.approx(24.7041, abs=1e-4)
    assert a.grad == pytest.approx(138.8338, abs=1e-4)
    assert b.grad == pytest.approx(645.5773, abs=1e-4)


def test_neuron_sum_and_zero_grad_spelling():
    rng = random.Random(0)
    ws = [rng.uniform(-1, 1) for _ in range(3)]
    xs = [0.5, -1.0, 2.0]
    results = []
    for V in (Value, micrograd.engine.Value):
        w = [V(x) for x in ws]
        b = V(0)
        act = sum((wi * xi for wi, xi in zip(w, xs)), b).relu()
        loss = (act - 1) ** 2
        for p in w + [b]:
            p.grad = 0
        loss.backward()
        results.append([p.grad for p in w + [b]])
        assert {p for p in act._prev} == set(act._prev)
    assert results[0] == pytest.approx(results[1])


def test_op_spelling_matches_micrograd():
    for V in (Value, micrograd.engine.Value):
        a = V(2.0)
        spelled = [(a + 1)._op, (a * 3)._op, (a**2)._op, a.relu()._op, V(1.0)._op]
        if V is Value:
            ours = spelled
        else:
            theirs = spelled
    assert ours == theirs
