"""Stepping through backprop by hand: the textbook's numbers, step by step, and exact agreement
with backward()."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Tensor, Value, detect_anomaly
from autograd_core.steps import Backprop, GradientAccumulationWarning
from autograd_core.words import format_number


def apple_graph():
    apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = apple * count * tax
    price.name = "price"
    return price, apple, count, tax


def orange_graph():
    apple, apple_num = Value(100, name="apple"), Value(2, name="apple_num")
    orange, orange_num = Value(150, name="orange"), Value(3, name="orange_num")
    tax = Value(1.1, name="tax")
    price = (apple * apple_num + orange * orange_num) * tax
    price.name = "price"
    return price, dict(apple=apple, apple_num=apple_num, orange=orange, orange_num=orange_num, tax=tax)


def by_parent(step):
    """{parent name: (local, contribution, grad after)} for a step's contributions."""
    return {c.parent.name or c.parent: (c.local, c.contribution, c.grad_after) for c in step.contributions}


def test_backprop_seeds_the_output_and_propagates_nothing():
    price, apple, count, tax = apple_graph()
    steps = price.backprop()
    assert isinstance(steps, Backprop)
    assert steps.gradient(price) == 1.0 and steps.pending == {price: 1.0}  # the seed, not yet in .grad
    assert (price.grad, apple.grad, count.grad, tax.grad, price.parents[0].grad) == (0.0,) * 5
    assert len(steps) == 2  # two multiplication nodes; inputs are not steps of their own
    assert steps.position == 0 and not steps.done and steps.current_step is None
    assert steps.state(price) == "seeded" and steps.state(apple) == "pending"


def test_apple_steps_give_the_textbooks_numbers():
    price, apple, count, tax = apple_graph()
    steps = price.backprop()
    apple_price = price.parents[0]

    first = steps.step()
    assert first.node is price and first.number == 1 and first.total == 2
    assert first.upstream == 1.0
    [to_apple_price, to_tax] = first.contributions
    # mul node: each input receives upstream x the other input (textbook figure 5-14)
    assert to_apple_price.parent is apple_price and to_apple_price.contribution == pytest.approx(1.1)
    assert to_tax.parent is tax and to_tax.local == pytest.approx(200) and to_tax.contribution == pytest.approx(200)
    assert tax.grad == pytest.approx(200)  # tax is used only here: its gradient is final
    assert first.finished == (tax,)
    assert steps.state(price) == "current" and steps.state(tax) == "done" and steps.state(apple) == "pending"

    second = steps.step()
    assert second.node is apple_price and second.upstream == pytest.approx(1.1)
    numbers = by_parent(second)
    assert numbers["apple"][1] == pytest.approx(2.2) and numbers["count"][1] == pytest.approx(110)
    assert steps.done
    assert (apple.grad, count.grad, tax.grad) == (pytest.approx(2.2), pytest.approx(110), pytest.approx(200))
    assert apple_price.grad == pytest.approx(1.1)


def test_apple_step_reads_like_the_design():
    price, *_ = apple_graph()
    steps = price.backprop()
    assert repr(steps.step()) == (
        "step 1/2  price = mul(apple*count, tax)     upstream dprice = 1\n"
        "  d(apple*count) += 1 x 1.1 (local d/d(apple*count) = tax = 1.1)   -> 1.1\n"
        "  d(tax)         += 1 x 200 (local d/dtax = apple*count = 200)     -> 200\n"
        "  final, now in .grad: price = 1, tax = 200\n"
        "  still gathering, .grad not updated yet: apple*count"
    )
    text = repr(steps.step())
    assert text.splitlines()[0].startswith("step 2/2  apple*count = mul(apple, count)")
    assert "upstream d(apple*count) = 1.1" in text
    assert "d(apple) += 1.1 x 2" in text and "-> 2.2" in text
    assert "d(count) += 1.1 x 100" in text and "-> 110" in text  # no 110.00000000000001 noise


def test_apple_and_orange_steps():
    price, leaves = orange_graph()
    steps = price.backprop()
    assert len(steps) == 4
    first = steps.step()
    numbers = by_parent(first)
    assert numbers["tax"][1] == pytest.approx(650)  # d price / d tax = apple price + orange price
    total = first.contributions[0]
    assert total.parent.op == "add" and total.contribution == pytest.approx(1.1)
    add = steps.step()
    # add node: the upstream gradient passes through unchanged to both inputs
    assert [c.local for c in add.contributions] == [1.0, 1.0]
    assert [c.contribution for c in add.contributions] == [pytest.approx(1.1)] * 2
    rest = list(steps)
    assert len(rest) == 2 and steps.done
    numbers = {**by_parent(rest[0]), **by_parent(rest[1])}
    expected = {"apple": 2.2, "apple_num": 110, "orange": 3.3, "orange_num": 165}
    for name, value in expected.items():
        assert numbers[name][1] == pytest.approx(value)
        assert leaves[name].grad == pytest.approx(value)
    assert leaves["tax"].grad == pytest.approx(650)


def test_fan_out_shows_two_contributions_adding_up():
    a = Value(2.0, name="a")
    out = a * a + a
    steps = out.backprop()
    first = steps.step()
    into_a = [c for c in first.contributions if c.parent is a]
    assert len(into_a) == 1 and into_a[0].grad_before is None and into_a[0].grad_after == 1.0
    second = steps.step()
    assert [c.parent for c in second.contributions] == [a, a]
    assert [c.index for c in second.contributions] == [0, 1]
    # d(a*a)/da gives a = 2 per edge; a already holds 1 from the add node: 1 -> 3 -> 5
    assert [(c.grad_before, c.grad_after) for c in second.contributions] == [(1.0, 3.0), (3.0, 5.0)]
    lines = repr(second).splitlines()
    assert lines[1].endswith("-> 1 + 2 = 3") and lines[2].endswith("-> 3 + 2 = 5")
    assert lines[3] == "  final, now in .grad: a*a = 1, a = 5"
    assert a.grad == 5.0  # 2a + 1 at a = 2


def test_back_restores_gradients_exactly_and_step_redoes_the_same():
    price, leaves = orange_graph()
    nodes = [price, *price.parents, *price.parents[0].parents, *leaves.values()]
    steps = price.backprop()
    snapshots = [[n.grad for n in nodes]]
    texts = []
    for s in steps:
        snapshots.append([n.grad for n in nodes])
        texts.append(repr(s))
    for k in range(len(steps), 0, -1):
        steps.back()
        assert [n.grad for n in nodes] == snapshots[k - 1]
        assert steps.position == k - 1
    assert steps.current_step is None and price.grad == 0.0 and steps.gradient(price) == 1.0
    with pytest.raises(ValueError, match="no step to undo"):
        steps.back()
    redone = [repr(s) for s in steps]
    assert redone == texts
    assert [n.grad for n in nodes] == snapshots[-1]
    with pytest.raises(ValueError, match="all 4 steps are done"):
        steps.step()


def test_run_finishes_and_equals_backward_exactly():
    price, leaves = orange_graph()
    reference, reference_leaves = orange_graph()
    price.backprop().step()  # a first object left part-way is not the point: start afresh
    price.zero_grad()
    steps = price.backprop()
    taken = steps.run()
    assert len(taken) == 4 and steps.done
    assert "step 4/4" in repr(taken)
    reference.backward()
    assert {k: v.grad for k, v in leaves.items()} == {k: v.grad for k, v in reference_leaves.items()}


def test_gradients_accumulate_like_backward():
    price, leaves = orange_graph()
    twice, twice_leaves = orange_graph()
    price.backward()
    with pytest.warns(GradientAccumulationWarning, match=r"zero_grad\(price\)"):
        price.backprop().run()
    twice.backward()
    twice.backward()
    assert {k: v.grad for k, v in leaves.items()} == {k: v.grad for k, v in twice_leaves.items()}
    assert price.grad == twice.grad == 2.0


def test_constants_get_no_contribution():
    x = Value(3.0, name="x")
    y = 2 * x + 1
    y.name = "y"
    steps = y.backprop()
    first = steps.step()
    assert [c.parent.op for c in first.contributions] == ["mul"]  # nothing flows into the constant 1
    second = steps.step()
    assert [c.parent for c in second.contributions] == [x]
    assert x.grad == 2.0
    assert "d(2*x) += 1 x 1" in repr(first)
    table = steps.table()
    assert "const" in table


def test_a_lone_input_has_no_steps():
    x = Value(3.0, name="x")
    steps = x.backprop()
    assert len(steps) == 0 and steps.done and steps.gradient(x) == 1.0
    assert steps.state(x) == "done"
    assert list(steps) == [] and x.grad == 1.0  # the pass is over: the seed is x's gradient


def test_refuses_what_cannot_be_stepped():
    with pytest.raises(RuntimeError, match="does not require a gradient"):
        (Value(1.0, requires_grad=False) * 2).backprop()
    with pytest.raises(TypeError, match="expected a graph node"):
        Backprop(3.0)


def test_table_lists_every_node_aligned():
    price, apple, count, tax = apple_graph()
    steps = price.backprop()
    steps.step()
    lines = str(steps.table()).splitlines()
    assert lines[0].split() == ["#", "node", "op", "value", "grad", "state"]
    rows = {line.split()[1]: line.split() for line in lines[1:]}
    assert set(rows) == {"apple", "count", "apple*count", "tax", "price"}
    assert rows["tax"][4:] == ["200", "done"]
    assert rows["apple*count"][4:] == ["1.1", "gathering"]  # gathered from price, not processed yet
    assert rows["apple"][4:] == ["pending"]  # nothing has reached apple yet
    # right-aligned numbers: the value column ends at the same place on every line
    value_end = lines[0].index("value") + len("value")
    assert all(line[value_end - 1] != " " for line in lines)
    assert repr(steps.table()) == str(steps.table())  # shows as a table in the REPL, not a quoted string


def test_unnamed_nodes_read_as_expressions():
    x, y = Value(1.5, name="x"), Value(-2.0, name="y")
    z = ((x + y) * x).tanh() / (x - y) ** 2
    steps = z.backprop()
    labels = [steps.label(n) for n in steps._ops]
    # "tanh((x + y)*x)/(x - y)**2" is too long to be a caption: the output is called "out" (as the
    # formula parser calls an unnamed result), never by a table row number
    assert labels[0] == "out" and "#" not in "".join(labels)
    assert "(x - y)**2" in labels and "tanh((x + y)*x)" in labels and "x - y" in labels
    text = repr(steps.run())
    # pow's formula n * x**(n - 1) with captions, with numbers (x - y = 3.5), then its value 2 * 3.5 = 7
    assert "local d/d(x - y) = 2 * (x - y)**(2 - 1) = 2 * 3.5**(2 - 1) = 7" in text
    assert all(len(line) <= 80 for line in text.splitlines())


@pytest.mark.parametrize(
    ("number", "text"),
    [(110.00000000000001, "110"), (220.00000000000003, "220"), (2.2, "2.2"), (-0.0, "0"), (1.0, "1"),
     (123456789.0, "1.235e8"), (0.1 + 0.2, "0.3"), (float("inf"), "inf"), (-1e-5, "-1e-5")],
)
def test_numbers_read_without_float_noise(number, text):
    assert format_number(number) == text


def test_tensor_graphs_step_with_their_vector_jacobian_products():
    def graph():
        x = Tensor(np.array([1.0, -2.0]), requires_grad=True, name="x")
        w = Tensor(np.array([[0.5, 2.0], [-1.0, 0.25]]), requires_grad=True, name="W")
        return x, w, ((x @ w).tanh() * x).sum()

    x, w, out = graph()
    rx, rw, reference = graph()
    steps = out.backprop()
    taken = steps.run()
    reference.backward()
    assert np.array_equal(x.grad, rx.grad) and np.array_equal(w.grad, rw.grad)
    # x is used twice (matmul and mul): two contributions reach it, in two different steps
    into_x = [c for s in taken for c in s.contributions if c.parent is x]
    assert len(into_x) == 2
    assert np.array_equal(into_x[0].contribution + into_x[1].contribution, x.grad)
    text = repr(taken)
    # the VJPs in words, with shapes: W gets xᵀ @ g, a 2×2 matrix shown as two rows
    assert "d(W) += xᵀ @ g  (2×2)" in text and "d(x) += g @ Wᵀ  (2)" in text
    w_rows = text[text.index("d(W) += xᵀ @ g"):].splitlines()[1:3]
    assert [float(v) for v in w_rows[0].strip(" []").split()] == pytest.approx(w.grad[0], rel=1e-3)
    assert [float(v) for v in w_rows[1].strip(" []").split()] == pytest.approx(w.grad[1], rel=1e-3)
    assert all(len(line) <= 80 for line in text.splitlines() + str(steps.table()).splitlines())


def test_detect_anomaly_names_the_step_that_made_a_gradient_infinite():
    x = Value(0.0, name="x")
    y = x**0.5 * 2  # the slope of sqrt at 0 is infinite
    y.name = "y"
    steps = y.backprop()
    steps.step()
    grads = (x.grad, y.grad)
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"pow \(x\*\*0.5\) into input 0 'x'"):
            steps.step()
    # the failed step changed nothing: the pass can be looked at, or stepped without the check
    assert (x.grad, y.grad) == grads and steps.position == 1
    assert steps.step().contributions[0].grad_after == float("inf")
