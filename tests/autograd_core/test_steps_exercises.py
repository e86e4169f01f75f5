"""Exercises: the learner computes a gradient, steps.answer checks it, steps.quiz walks them all."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Tensor, Value
from autograd_core.steps.exercises import read_number


def orange():
    apple, apple_num = Value(100, name="apple"), Value(2, name="apple_num")
    orange, orange_num = Value(150, name="orange"), Value(3, name="orange_num")
    tax = Value(1.1, name="tax")
    price = (apple * apple_num + orange * orange_num) * tax
    price.name = "price"
    return price, dict(apple=apple, apple_num=apple_num, orange=orange, orange_num=orange_num, tax=tax)


# The textbook's figure-14 answers, derived by hand: d/dapple = apple_num x tax = 2 x 1.1, ...
ANSWERS = {"apple": 2.2, "apple_num": 110, "orange": 3.3, "orange_num": 165, "tax": 650}


def test_right_answers_are_right_with_arithmetic_and_rounding():
    price, leaves = orange()
    steps = price.backprop()
    for name, value in ANSWERS.items():
        assert steps.answer(leaves[name], value).correct
    assert steps.answer(leaves["apple"], "2*1.1").correct
    assert steps.answer(leaves["tax"], "100*2 + 150*3").correct
    assert steps.answer(leaves["apple"], 2.2004).correct  # within 3 significant digits
    assert not steps.answer(leaves["apple"], 2.21).correct
    # checking changes nothing: no gradient was written
    assert all(v.grad == 0.0 for v in leaves.values()) and steps.position == 0


def test_a_wrong_answer_gets_hints_that_grow_without_giving_the_answer_at_once():
    price, leaves = orange()
    steps = price.backprop()
    apple = leaves["apple"]
    first = steps.answer(apple, 2)
    assert not first.correct and "2.2" not in first.hint and "2.2" not in repr(first)
    assert "upstream d(apple*apple_num)" in first.hint and "count" not in first.hint
    assert "local d/dapple = apple_num" in first.hint
    second = steps.answer(apple, 3)
    assert "d(apple*apple_num) = 1.1" in second.hint and "apple_num = 2" in second.hint  # the numbers
    third = steps.answer(apple, 4)
    assert "1.1 x 2" in third.hint  # the product, at last


def test_a_node_used_twice_sums_its_uses():
    a = Value(3.0, name="a")
    out = a * a + a
    steps = out.backprop()
    verdict = steps.answer(a, 1)
    assert not verdict.correct and len(verdict.hint.splitlines()) == 1 + 3  # a heading, then three uses of a
    assert steps.answer(a, "2*3 + 1").correct  # d(a² + a)/da = 2a + 1


def test_bad_answers_and_bad_nodes_are_refused_clearly():
    price, leaves = orange()
    steps = price.backprop()
    with pytest.raises(ValueError, match="write a number"):
        steps.answer(leaves["tax"], "__import__('os')")
    with pytest.raises(ValueError, match="gets no gradient"):
        steps.answer(Value(1.0, name="stranger"), 1)
    with pytest.raises(TypeError, match="a node of this graph"):
        steps.answer("tax", 1)
    assert read_number("-(1.5)**2") == pytest.approx(-2.25)


def test_quiz_asks_every_gradient_before_showing_it_and_scores():
    price, leaves = orange()
    steps = price.backprop()
    asked, shown = [], []
    # step 1: the sum, tax; step 2: apple*apple_num, orange*orange_num; step 3: orange, orange_num
    # (wrong, then shown on request); step 4: apple (wrong, then right), apple_num
    answers = iter(["1.1", "650", "1.1", "1.1", "3.3", "164", "", "2", "2.2", "110"])

    def ask(prompt):
        asked.append(prompt)
        shown.append(f"<asked {prompt}>")
        return next(answers)

    score = steps.quiz(read=ask, show=shown.append)
    text = "\n".join(shown)
    # each gradient is asked when its last contribution arrives, before the step's text shows it
    assert asked[:2] == ["dsum = ? ", "dtax = ? "]  # the sum is too long to read as an expression
    assert asked.count("dapple = ? ") == 2 and len(asked) == 10
    assert text.index("<asked dtax = ? >") < text.index("d(tax) += 1 x 650")
    assert steps.done and leaves["orange_num"].grad == pytest.approx(165)
    # a shown answer is counted as shown, not as wrong; the review says how the shown and the
    # second-try answers are found
    assert (score.asked, score.right, score.first_try, score.revealed, score.missed) == (8, 7, 6, 1, 0)
    assert str(score).startswith("score: 7/7 right, 6 at the first try; 1 shown on request")
    assert "the answer: dorange_num = 165" in text and str(score) in text
    assert score.review == ["dorange_num = upstream d(orange*orange_num) x local d/dorange_num = orange",
                            "dapple = upstream d(apple*apple_num) x local d/dapple = apple_num"]


def test_quiz_in_the_repl_reads_input_and_prints(monkeypatch, capsys):
    import io

    x, y = Value(10, name="x"), Value(5, name="y")
    z = x * y
    # figure 13: upstream 1.3 -> dx = 1.3 x 5, dy = 1.3 x 10 (first a wrong 12, then 13)
    monkeypatch.setattr("sys.stdin", io.StringIO("1.3*5\n12\n13\n"))
    score = z.backprop(grad=1.3).quiz()
    out = capsys.readouterr().out
    assert "right: dx = 6.5" in out and "not yet: dy is not 12" in out and "right: dy = 13" in out
    assert (score.asked, score.right, score.first_try) == (2, 2, 1)
    assert x.grad == pytest.approx(6.5) and y.grad == pytest.approx(13)


def test_an_answer_rounded_to_three_significant_digits_is_right_and_two_are_not():
    import math

    from autograd_core import Value

    w, x, b = Value(-2.0, name="w"), Value(0.5, name="x"), Value(0.3, name="b")
    y = (w * x + b).tanh()
    steps = y.backprop()
    exact = (1 - math.tanh(-0.7) ** 2) * 0.5  # dy/dw by hand: 0.31737...
    assert steps.answer(w, float(f"{exact:.3g}")).correct  # 0.317: cut at the third digit
    assert steps.answer(w, float(f"{exact:.4g}")).correct
    assert not steps.answer(w, float(f"{exact:.2g}")).correct  # 0.32


def test_answers_on_a_tensor_graph_are_checked_against_the_vjps():
    """An array node has no local derivatives: its answer key comes from its op's VJP.  Hand
    derivation: y = sum(a * a + b) gives dy/da = 2a, dy/db = 1 in every entry."""
    a = Tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True, name="a")
    b = Tensor(np.array([3.0, 4.0, 5.0]), requires_grad=True, name="b")
    y = (a * a + b).sum()
    steps = y.backprop()
    assert steps.answer(a, np.array([2.0, -4.0, 1.0])).correct
    assert steps.answer(b, np.ones(3)).correct
    assert not steps.answer(a, np.array([1.0, -2.0, 0.5])).correct
    assert a.grad is None and b.grad is None  # checking wrote no gradient


def test_an_answer_of_the_wrong_shape_is_refused():
    price, leaves = orange()
    steps = price.backprop()
    with pytest.raises(ValueError, match="dtax is one number; got an array of shape"):
        steps.answer(leaves["tax"], np.array([650.0, 650.0]))
    a = Tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True, name="a")
    y = (a * a).sum()
    steps = y.backprop()
    with pytest.raises(ValueError, match="da is a 3 array: give an array of that shape"):
        steps.answer(a, "2")
    with pytest.raises(ValueError, match=r"da is a 3 array; got an array of shape \(2,\)"):
        steps.answer(a, np.array([2.0, -4.0]))


def test_local_derivatives_are_checked_against_the_ops_own_record():
    """By hand: d/dx tanh(x) = 1 - tanh(x)², d/dy of x*y = x."""
    import math

    x, y = Value(0.5, name="x"), Value(-3.0, name="y")
    t = x.tanh()
    out = t * y
    steps = out.backprop()
    assert steps.answer_local(t, 0, repr(1 - math.tanh(0.5) ** 2)).correct
    assert steps.answer_local(out, 1, "tanh(0.5)").correct
    first = steps.answer_local(out, 0, 1)
    assert not first.correct
    assert first.hint == "tanh(x)*y = mul(tanh(x), y): local d/d(tanh(x)) = y (the value of y in the forward pass)"
    wrong = steps.answer_local(t, 0, 1)
    assert "1 - tanh(x)²" in wrong.hint and "0.7864" not in wrong.hint
    again = steps.answer_local(t, 0, 2)
    assert "1 - 0.4621²" in again.hint and "0.7864" not in again.hint  # the numbers, never the value
    with pytest.raises(ValueError, match="has 1 input"):
        steps.answer_local(t, 1, 0)
    with pytest.raises(ValueError, match="not an operation this pass goes through"):
        steps.answer_local(x, 0, 1)


def test_a_tensor_quiz_asks_no_local_derivative_and_the_ask_is_checked():
    from autograd_core.steps.quiz import plan

    a = Tensor(np.array([1.0, -2.0]), requires_grad=True, name="a")
    steps = (a * a).sum().backprop()
    # an answer typed is a number: the arrays' gradients (a*a's, a's) are shown by their steps
    assert plan(steps, "both").questions == ((), ())
    s = Tensor(np.array(3.0), requires_grad=True, name="s")
    asked = [(q.kind, q.caption) for step in plan((s * s).backprop(), "both").questions for q in step]
    assert asked == [("grad", "ds")]  # a 0-d Tensor's gradient is one number: asked, no local derivative
    with pytest.raises(ValueError, match="ask must be one of 'grads', 'locals', 'both', got 'all'"):
        plan(steps, "all")
