"""The training page's recorder on micrograd's demo loop: what it keeps equals an independent
recomputation, it changes nothing the loop sees, and bad arguments are refused at the door."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from mlp_oracle import mlp_point_oracle

from autograd_core import OPS, Value, define_op
from nn.datasets import moons, yin_yang
from nn.scalar import MLP
from viz.training.recorder import TrainingPage
from viz.training.replay import Replay

SIZES = [2, 4, 4, 1]


def demo_loop(model, X, y, steps, page=None, *, alpha=1e-4):
    """micrograd's demo loop: max-margin loss over every point plus L2, SGD with a decaying rate."""
    for k in range(steps):
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -float(t) * s).relu() for t, s in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        total = data_loss + alpha * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= rate * p.grad
        if page is not None:
            page.record(total)
    return total


@pytest.fixture
def recorded():
    X, y = moons(30, noise=0.1, seed=2)
    y = y * 2 - 1
    model = MLP(2, SIZES[1:], seed=3)
    page = TrainingPage(model, X, y, watch=[0, 7], grid=10)
    demo_loop(model, X, y, 4, page)
    return page, model, X, y


def _scope(node) -> str:
    return (node.scope or "").strip("/")


def test_every_watched_node_equals_a_forward_and_backward_written_by_hand(recorded) -> None:
    page, _, X, y = recorded
    for point, numbers in zip(page.watched, page.point_numbers):
        n = len(point.order)
        assert len(numbers) == page.steps + 1
        checked = 0
        for step, row in enumerate(numbers):
            expected = mlp_point_oracle(page.weights[step], SIZES, X[point.index], float(y[point.index]))
            values, grads = row[:n], row[n:2 * n]
            for i, node in enumerate(point.order):
                key = (_scope(node), node.name) if node.name else (_scope(node), node.op)
                if key not in expected:
                    continue
                value, grad = expected[key]
                assert values[i] == pytest.approx(value, rel=1e-12, abs=1e-12), (step, key)
                assert grads[i] == pytest.approx(grad, rel=1e-12, abs=1e-12), (step, key)
                checked += 1
        # every weight, product, sum, activation, both inputs and the loss, at every step
        products_and_sums = 2 * (4 * 2 + 4 * 4 + 1 * 4)
        weights = 4 * 3 + 4 * 5 + 1 * 5
        per_step = products_and_sums + weights + 8 + 2 + 1  # + activations, inputs, loss
        assert checked == (page.steps + 1) * per_step


def test_local_derivatives_are_the_graphs_own(recorded) -> None:
    page, *_ = recorded
    point, numbers = page.watched[0], page.point_numbers[0]
    n = len(point.order)
    local = numbers[-1][2 * n:]
    values = numbers[-1][:n]
    place = {id(node): i for i, node in enumerate(point.order)}
    for (i, k), d in zip(point.edges, local):
        node = point.order[i]
        if node.op == "mul":  # d(a*b)/da = b: the other factor's value at this step
            other = place[id(node.parents[1 - k])]
            assert d == values[other]
        elif node.op == "add":
            assert d == 1.0
        elif node.op == "relu":
            assert d == (1.0 if values[place[id(node.parents[0])]] > 0 else 0.0)


def test_losses_gradients_updates_and_accuracy_are_the_loops() -> None:
    X, y = moons(24, noise=0.15, seed=5)
    y = y * 2 - 1
    model = MLP(2, SIZES[1:], seed=6)
    page = TrainingPage(model, X, y, watch=[3], grid=6)
    seen = []
    for _ in range(3):
        before = np.array([p.data for p in model.parameters()])
        total = demo_loop(model, X, y, 1)
        grads = np.array([p.grad for p in model.parameters()])
        after = np.array([p.data for p in model.parameters()])
        # the loop's rate at its own k = 0 each call: 1.0
        page.record(total)
        seen.append((total.data, grads, after - before, before))
        # recording changed none of the model's numbers
        assert np.array_equal([p.data for p in model.parameters()], after)
        assert np.array_equal([p.grad for p in model.parameters()], grads)
    assert page.losses == [s[0] for s in seen]
    assert np.array_equal(np.array(page.gradients), np.array([s[1] for s in seen]))
    assert np.array_equal(page.updates(), np.array([s[2] for s in seen]))
    for step, weights in enumerate(page.weights):
        scores = [mlp_point_oracle(weights, SIZES, x, 1.0)[("layer3/neuron0", "sum3")][0] for x in X]
        accuracy = np.mean((np.array(scores) > 0) == (y > 0))
        assert page.accuracy[step] == pytest.approx(accuracy)


def test_the_boundary_grid_is_the_models_output_over_the_plane(recorded) -> None:
    page, *_ = recorded
    x0, x1, y0, y1 = page.bounds
    xs, ys = np.linspace(x0, x1, page.grid), np.linspace(y0, y1, page.grid)
    for step in (0, page.steps):
        surface = page.surfaces[step][0]
        for r in (0, 3, page.grid - 1):
            for c in (0, 5, page.grid - 1):
                expected = mlp_point_oracle(page.weights[step], SIZES, (xs[c], ys[r]), 1.0)
                assert surface[r, c] == pytest.approx(expected[("layer3/neuron0", "sum3")][0], rel=1e-12, abs=1e-12)
    assert not np.array_equal(page.surfaces[0], page.surfaces[-1])


def test_several_outputs_take_softmax_and_class_numbers() -> None:
    X, y = yin_yang(30, seed=1)
    model = MLP(2, [5, 3], seed=2)
    page = TrainingPage(model, X, y, watch=[0], grid=5)
    assert page.loss_name == "softmax" and page.classes == 3 and page.surfaces[0].shape == (3, 5, 5)
    point = page.watched[0]
    root = point.graph()
    outs = model([Value(float(v)) for v in X[0]])
    logits = np.array([o.data for o in outs])
    expected = math.log(np.exp(logits - logits.max()).sum()) - (logits[y[0]] - logits.max())
    assert root.data == pytest.approx(expected)


def test_replay_runs_ops_without_a_numpy_form_and_your_own_ops() -> None:
    softplus = define_op("softplus_replay_test", lambda x: math.log1p(math.exp(x)),
                         lambda x, out: (1 / (1 + math.exp(-x)),), formula=("σ({x})",))
    x, w = Value(0.5, name="x"), Value(2.0, name="w")
    y = softplus(w / (x * x + 1.0)) ** 2 - x / w
    run = Replay([y], inputs=[x], params=[w])
    points = np.array([-1.5, 0.0, 0.5, 3.0])
    got = run([points], np.array([2.0]))[0]
    expected = [math.log1p(math.exp(2.0 / (p * p + 1))) ** 2 - p / 2.0 for p in points]
    assert np.allclose(got, expected, rtol=1e-14)
    assert OPS["div"].numpy_form is None  # the case above: a forward for numbers only, run point by point


def test_a_point_outside_an_ops_domain_is_nan_on_the_grid_not_an_error() -> None:
    x, w = Value(1.0, name="x"), Value(1.0, name="w")
    y = (x * w).log()
    got = Replay([y], inputs=[x], params=[w])([np.array([-1.0, math.e])], np.array([1.0]))[0]
    assert math.isnan(got[0]) and got[1] == pytest.approx(1.0)


def test_a_model_whose_graph_changes_shape_is_refused_naming_the_step() -> None:
    w = Value(1.0, name="w")

    class Branchy:
        def __call__(self, x):
            return w * x[0] if w.data > 0 else w * x[0] + x[1]

        def parameters(self):
            return [w]

    page = TrainingPage(Branchy(), np.array([[1.0, 2.0]]), np.array([1]))
    w.data = -1.0
    with pytest.raises(ValueError, match="graph of point 0 changed shape at step 1"):
        page.record(0.5)


def test_record_called_before_the_update_warns_once() -> None:
    X, y = moons(10, seed=0)
    model = MLP(2, [2, 1], seed=0)
    page = TrainingPage(model, X, y)
    for p in model.parameters():
        p.grad = 0.5
    with pytest.warns(UserWarning, match="after the update"):
        page.record(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        page.record(1.0)


def test_max_steps_is_a_limit_said_in_the_error() -> None:
    X, y = moons(10, seed=0)
    page = TrainingPage(MLP(2, [2, 1], seed=0), X, y, max_steps=2)
    page.record(1.0)
    page.record(0.5)
    with pytest.raises(ValueError, match="max_steps=2"):
        page.record(0.25)


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        (dict(model=lambda x: x), TypeError, "parameters()"),
        (dict(X=np.zeros((5, 3))), ValueError, r"shape \(n, 2\)"),
        (dict(X=np.full((10, 2), np.nan)), ValueError, "nan or inf"),
        (dict(y=np.arange(10)), ValueError, "labels -1/\\+1"),
        (dict(y=np.ones(9)), ValueError, r"one label per point, shape \(10,\)"),
        (dict(watch=[10]), ValueError, "not the index of one of the 10 points"),
        (dict(watch=[1, 1]), ValueError, "lists a point twice"),
        (dict(watch=[]), ValueError, "1 to 8 point indices"),
        (dict(loss="mse"), ValueError, "hinge, softmax"),
        (dict(loss="softmax"), ValueError, "several outputs"),
        (dict(grid=1), ValueError, "grid must be a whole number >= 2"),
        (dict(grid=1000), ValueError, "at most 200"),
        (dict(max_steps=0), ValueError, "max_steps"),
    ],
)
def test_bad_arguments_are_refused_at_the_door(change, error, words) -> None:
    X, y = moons(10, seed=0)
    arguments = dict(model=MLP(2, [2, 1], seed=0), X=X, y=y)
    arguments.update(change)
    with pytest.raises(error, match=words):
        TrainingPage(arguments.pop("model"), arguments.pop("X"), arguments.pop("y"), **arguments)


def test_a_micrograd_model_is_refused_naming_what_to_use() -> None:
    from micrograd.nn import MLP as MicrogradMLP

    X, y = moons(10, seed=0)
    with pytest.raises(TypeError, match="nn.scalar"):
        TrainingPage(MicrogradMLP(2, [2, 1]), X, y)


def test_a_model_that_takes_other_inputs_is_refused_with_its_own_words() -> None:
    X, y = moons(10, seed=0)
    with pytest.raises(ValueError, match="cannot take a 2-D point.*expected 3 inputs, got 2"):
        TrainingPage(MLP(3, [2, 1], seed=0), X, y)
