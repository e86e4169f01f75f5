"""One vocabulary of states for steps.state() and the table; a second pass is never silent."""

from __future__ import annotations

import warnings

import pytest

from autograd_core import Value, topological_order, zero_grad
from autograd_core.steps import GradientAccumulationWarning
from autograd_core.words import STATES


def apple():
    a, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = a * count * tax
    price.name = "price"
    return price, a, count, tax


def table_states(steps):
    """{caption: state} read from the table's text."""
    rows = str(steps.table()).splitlines()[1:]
    return {row.split()[1]: row.split()[-1] for row in rows}


def test_state_and_table_agree_at_every_step():
    price, *_ = apple()
    price.backward()
    price.zero_grad()
    steps = price.backprop()
    while True:
        states = table_states(steps)
        assert states == {steps.label(n): steps.state(n) for n in topological_order(price)}
        assert set(states.values()) <= set(STATES)
        if steps.done:
            break
        steps.step()
    assert set(states.values()) == {"done"}


def test_before_any_step_inputs_are_pending_even_with_gradients_from_before():
    price, a, count, tax = apple()
    price.backward()
    with pytest.warns(GradientAccumulationWarning):
        steps = price.backprop()
    assert steps.state(price) == "seeded"
    assert [steps.state(n) for n in (a, count, tax)] == ["pending"] * 3
    assert table_states(steps)["apple"] == "pending"
    steps.step()
    assert steps.state(price.parents[0]) == "gathering" and steps.state(a) == "pending"


def test_a_second_pass_warns_once_and_says_what_each_node_held():
    price, a, count, tax = apple()
    price.backprop().run()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        steps = price.backprop()
    assert len(caught) == 1 and caught[0].category is GradientAccumulationWarning
    assert "zero_grad(price)" in str(caught[0].message)
    first = str(steps.step())
    # tax held 200 from the first pass; this pass adds 200 more: 1 x 200 -> 200 + 200 = 400
    assert "-> 200 + 200 = 400" in first
    assert "tax.grad was 200 before this pass" in first and "price.grad was 1 before this pass" in first
    steps.run()
    assert tax.grad == pytest.approx(400)


def test_after_zero_grad_a_second_pass_is_silent_and_fresh():
    price, a, count, tax = apple()
    price.backprop().run()
    zero_grad(price)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        steps = price.backprop()
    assert "before this pass" not in str(steps.step())
    assert tax.grad == pytest.approx(200)
