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
            assert frame.running[i][0] == "so far " + viz.walk.pieces.value_text(steps.gradient(order[i]), 4)[0]


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
