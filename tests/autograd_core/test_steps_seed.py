"""Starting a step-by-step pass changes no gradient: the seed waits in ``pending`` until step 1,
so passes and backward() calls can be mixed and still add up exactly as backward() does."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Tensor, Value, topological_order
from autograd_core.steps import GradientAccumulationWarning


def orange_graph():
    apple, apple_num = Value(100, name="apple"), Value(2, name="apple_num")
    orange, orange_num = Value(150, name="orange"), Value(3, name="orange_num")
    tax = Value(1.1, name="tax")
    price = (apple * apple_num + orange * orange_num) * tax
    price.name = "price"
    return price


def grads(root):
    return [node.grad for node in topological_order(root)]


def test_creating_a_pass_changes_no_gradient():
    price = orange_graph()
    before = grads(price)
    steps = price.backprop()
    assert grads(price) == before
    # ...but everything that shows the pass shows the seed
    assert steps.gradient(price) == 1.0 and steps.pending == {price: 1.0}
    assert "seeded" in str(steps.table())


def test_an_abandoned_pass_then_a_full_one_equals_one_backward():
    price, reference = orange_graph(), orange_graph()
    price.backprop()  # never stepped: must leave no trace
    steps = price.backprop()
    steps.run()
    reference.backward()
    assert grads(price) == grads(reference)
    assert price.grad == 1.0


def test_backprop_then_backward_equals_one_backward():
    price, reference = orange_graph(), orange_graph()
    price.backprop()
    price.backward()
    reference.backward()
    assert grads(price) == grads(reference)
    assert price.grad == 1.0


def test_run_on_top_of_backward_equals_two_backwards():
    price, reference = orange_graph(), orange_graph()
    price.backward()
    with pytest.warns(GradientAccumulationWarning):
        steps = price.backprop()
    assert steps.gradient(price) == 2.0  # the running value: .grad 1 plus the seed 1
    steps.run()
    reference.backward()
    reference.backward()
    assert grads(price) == grads(reference)


def test_back_to_the_start_restores_the_gradients_from_before_the_pass():
    price = orange_graph()
    price.backward()  # some gradient already there, so "restored" is not just "zero"
    before = grads(price)
    with pytest.warns(GradientAccumulationWarning):
        steps = price.backprop()
    steps.run()
    assert grads(price) != before
    while steps.position:
        steps.back()
    assert grads(price) == before
    assert steps.gradient(price) == 2.0 and steps.pending == {price: 1.0}


def test_the_root_gets_its_gradient_at_step_one():
    price = orange_graph()
    steps = price.backprop()
    assert price.grad == 0.0
    first = steps.step()
    assert first.node is price and price.grad == 1.0
    steps.back()
    assert price.grad == 0.0 and steps.gradient(price) == 1.0


def test_a_lone_input_gets_its_gradient_when_the_pass_runs():
    x, reference = Value(3.0, name="x"), Value(3.0, name="x")
    steps = x.backprop()
    assert x.grad == 0.0 and steps.gradient(x) == 1.0 and len(steps) == 0
    assert list(steps.run()) == []
    reference.backward()
    assert x.grad == reference.grad == 1.0
    steps.back()
    assert x.grad == 0.0
    with pytest.raises(ValueError, match="no step to undo"):
        steps.back()
    assert list(steps) == [] and x.grad == 1.0  # iterating to the end finishes the pass too


def test_step_text_says_which_gradients_are_final_and_which_are_still_gathering():
    price = orange_graph()
    tax = price.parents[1]
    total = price.parents[0]
    steps = price.backprop()
    first = steps.step()
    lines = repr(first).splitlines()
    assert lines[-2] == "  final, now in .grad: price = 1, tax = 650"
    assert lines[-1] == f"  still gathering, .grad not updated yet: {steps.label(total)}"
    # the text tells the truth about the attributes
    assert price.grad == 1.0 and tax.grad == pytest.approx(650) and total.grad == 0.0
    assert first.gathering == (total,)
    assert [node for node, _ in first.final_grads] == [price, tax]
    *_, last = steps.run()
    assert "still gathering" not in repr(last)
    # the last step is apple*apple_num: it and both its inputs are done (1.1 x 100, 1.1 x 2)
    assert repr(last).splitlines()[-1] == "  final, now in .grad: apple*apple_num = 1.1, apple = 2.2, apple_num = 110"


def test_fan_out_input_is_gathering_until_its_last_use():
    a = Value(2.0, name="a")
    out = a * a + a
    out.name = "out"
    steps = out.backprop()
    first = steps.step()
    assert repr(first).splitlines()[-1] == "  still gathering, .grad not updated yet: a*a, a"
    assert a.grad == 0.0 and steps.gradient(a) == 1.0
    second = steps.step()
    assert repr(second).splitlines()[-1] == "  final, now in .grad: a*a = 1, a = 5"


def test_long_lists_of_final_gradients_wrap_within_80_columns():
    xs = [Value(float(i), name=f"input_number_{i}") for i in range(8)]
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    steps = total.backprop()
    for step in steps:
        assert all(len(line) <= 80 for line in repr(step).splitlines()), repr(step)


def test_backprop_takes_the_seed_like_backward():
    x, reference = Value(3.0, name="x"), Value(3.0, name="x")
    y, y_ref = x * x, reference * reference
    y.backprop(grad=2.5).run()
    y_ref.backward(grad=2.5)
    assert x.grad == reference.grad == 15.0
    with pytest.raises(TypeError, match=r"^backprop\(grad=\.\.\.\): expected a real number"):
        y.backprop(grad="one")


def test_tensor_output_needs_a_seed_and_the_message_says_how():
    def graph():
        x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True, name="x")
        return x, (x * x).tanh()

    x, t = graph()
    with pytest.raises(ValueError, match=r"backprop: .*backprop\(grad=array of shape \(3,\)\)") as error:
        t.backprop()
    assert "backward" not in str(error.value)
    with pytest.raises(ValueError, match=r"backprop: grad= has shape \(2,\)"):
        t.backprop(grad=np.ones(2))
    seed = np.array([1.0, 0.5, -2.0])
    steps = t.backprop(grad=seed)
    assert x.grad is None and np.array_equal(steps.gradient(t), seed)
    steps.run()
    rx, rt = graph()
    rt.backward(grad=seed)
    assert np.array_equal(x.grad, rx.grad) and np.array_equal(t.grad, rt.grad)
