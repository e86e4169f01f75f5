"""The one model of a walk (viz.walk): its frames say what the stepper says, are plain data, and
the walk is laid out once whatever view draws it."""

from __future__ import annotations

import json

import pytest

import viz
import viz.walk.layout as layout_module
from autograd_core import Backprop, Value, topological_order
from nn.scalar import MLP
from viz.walk import walk
from viz.walk.pieces import fold_pieces, value_text


def mlp_loss() -> Value:
    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    return (model([Value(2.0, name="x0"), Value(-1.0, name="x1")]) - 1.0) ** 2


def test_every_frame_states_what_the_stepper_says() -> None:
    loss = mlp_loss()
    walked = walk(loss, collapse=1)
    order = topological_order(loss)
    # an independent pass, stepped here: the states a table of it would show at each step
    steps = Backprop(loss)
    expected = [tuple(steps.state(n) for n in order)]
    for _ in range(len(steps)):
        steps.step()
        expected.append(tuple(steps.state(n) for n in order))
    assert [f.states for f in walked.frames[1:]] == expected
    assert walked.frames[0].kind == "forward" and walked.frames[1].kind == "seed"
    # the node each step processed, and what became final there
    for frame, step in zip(walked.frames[2:], steps.history):
        assert order[frame.current] is step.node
        assert {order[i] for i in frame.finished} == {n for n, _ in step.final_grads}
    # running sums are the stepper's own: steps.gradient of the nodes still gathering
    steps.rewind()
    for frame in walked.frames[2:]:
        steps.step()
        gathering = [i for i, state in enumerate(frame.states) if state == "gathering"]
        assert sorted(frame.running) == gathering
        for i in gathering:
            assert frame.running[i][0] == "so far " + value_text(steps.gradient(order[i]), 4)[0]


def test_a_walk_is_plain_data() -> None:
    walked = walk(mlp_loss(), collapse=1)
    walked.layout()
    data = json.loads(json.dumps(walked.to_dict()))
    assert len(data["frames"]) == len(walked.frames)
    assert data["frames"][5]["states"] == list(walked.frames[5].states)
    assert set(data["layout"]["nodes"]) >= {"v0", f"v{len(walked.order) - 1}"}
    assert data["picture"]["overlays"][0]["scope"] == "layer1/neuron0"


@pytest.mark.parametrize("view", ["lecture", "slides"])
def test_one_layout_per_view_whatever_the_number_of_frames(tmp_path, monkeypatch, view: str) -> None:
    calls = []
    real = layout_module.layout_json
    monkeypatch.setattr(layout_module, "layout_json", lambda *a, **k: calls.append(1) or real(*a, **k))
    loss = mlp_loss()
    # the walk's layout, whatever the number of frames; and (the forward pass folds this big network
    # into layer boxes) the folded picture's, across and down, the larger kept
    if view == "lecture":
        viz.lecture(loss, tmp_path / "mlp.html")
    else:
        viz.slides(loss, tmp_path / "mlp.pdf")
    assert len(calls) == 3


def test_the_walk_layout_puts_the_neurons_of_a_layer_in_index_order() -> None:
    walked = walk(mlp_loss(), collapse=1)
    laid = walked.layout()
    numbers = walked.picture.cluster_numbers()
    for layer in ("layer1", "layer2"):
        tops = [laid.box(f"s{numbers[f'{layer}/neuron{n}']}")[3] for n in range(4)]
        assert tops == sorted(tops, reverse=True), (layer, tops)  # neuron0 on top (y points up)


def test_a_value_used_once_sits_next_to_its_use() -> None:
    # a neuron is sum_k = sum_(k-1) + prod_k: each product is read once, by its own +, so the one
    # layout puts it in the column of sum_(k-1), beside that +; the long wires are those of values
    # read by many (a layer's inputs, read by every neuron of the next layer)
    loss = mlp_loss()
    order = topological_order(loss)
    laid = walk(loss, collapse=1).layout()
    x = {i: laid.nodes[f"v{i}"]["x"] for i in range(len(order))}
    checked = 0
    for i, node in enumerate(order):
        if node.op == "add" and (node.name or "").startswith("sum") and node.name != "sum0":
            running, product = (order.index(p) for p in node.parents)
            assert order[product].name.startswith("prod"), order[product].name
            assert x[product] == pytest.approx(x[running], abs=1), (node.scope, node.name)
            assert x[product] < laid.nodes[f"o{i}"]["x"] < x[i]
            checked += 1
    assert checked == 4 + 4 * 3 + 3  # layer 1: sum1 in 4 neurons; layer 2: sum1..sum3 in 4; layer 3: sum1..sum3


def test_the_neurons_of_an_open_layer_are_laid_out_in_index_order() -> None:
    loss = mlp_loss()
    walked = walk(loss, collapse=1)
    laid = walked.layout()
    numbers = walked.picture.cluster_numbers()
    for layer in ("layer1", "layer2"):
        tops = [laid.box(f"s{numbers[f'{layer}/neuron{k}']}")[3] for k in range(4)]
        assert tops == sorted(tops, reverse=True), (layer, tops)  # top to bottom (y points up)


def test_a_layer_folded_around_a_folded_neuron_keeps_all_its_values_in_and_out():
    net = MLP(2, [4, 4, 1], act="tanh", seed=0)
    loss = (net([Value(0.5, name="x0"), Value(-1.0, name="x1")]) - 1.0) ** 2
    order = topological_order(loss)
    def members(scope: str) -> list[int]:
        return [i for i, node in enumerate(order) if node.scope and (node.scope + "/").startswith(scope + "/")]

    alone = fold_pieces(order, {"layer1": members("layer1")})
    nested = fold_pieces(order, {"layer1": members("layer1"), "layer1/neuron0": members("layer1/neuron0")})
    layer_alone, layer_nested = alone[0].lines, nested[0].lines
    assert layer_nested == layer_alone  # the neuron folded inside changes nothing the layer says
    assert any(text.startswith("out 4 values") for word, text in layer_nested if word == "out")  # 4 neurons
    neuron = nested[1].lines
    assert any(text.startswith("in 2 values") for word, text in neuron if word == "in")  # x0, x1
    assert any(text.startswith("out 1 value ") for word, text in neuron if word == "out")
