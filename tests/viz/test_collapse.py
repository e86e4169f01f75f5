"""Folding name scopes, the node budget, much-used nodes and unprintable names.

Expected numbers come from the network's weights through math.tanh, and node counts from the
structure of a neuron (nin products, nin additions, one activation), never from the drawing code.
"""

from __future__ import annotations

import html
import math
import re
import warnings

import numpy as np
import pytest

import viz
from autograd_core import Value, name_scope
from nn import Linear, ReLU, Sequential, softmax_cross_entropy
from nn.scalar import MLP
from viz import CollapsedWarning, GraphTooLargeError, draw

BOX = re.compile(r"^\t(c\d+) \[label=<(.*)> shape=box", re.M)


def texts(label: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", part)).strip() for part in label.split("<br/>")]


def boxes(source: str) -> dict[str, list[str]]:
    """Folded scope title -> its label's lines."""
    found = {}
    for _, label in BOX.findall(source):
        lines = texts(label)
        found[lines[0]] = lines
    return found


def mlp_loss() -> tuple[MLP, list[Value], Value]:
    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    x = [Value(2.0, name="x0"), Value(-1.0, name="x1")]
    loss = (model(x) - 1.0) ** 2
    loss.name = "loss"
    loss.backward()
    return model, x, loss


def layer1_outputs(model: MLP) -> list[float]:
    return [math.tanh(n.b.data + n.w[0].data * 2.0 + n.w[1].data * -1.0) for n in model.layers[0].neurons]


def test_collapse_true_draws_one_box_per_layer_with_what_crosses_it() -> None:
    model, _, loss = mlp_loss()
    source = draw(loss, collapse=True).source
    found = boxes(source)
    assert sorted(found) == ["layer1", "layer2", "layer3"]
    # layer1: 4 neurons x (2 weights + b + 2 mul + 2 add + tanh) = 32 nodes, 12 of them weights.
    assert found["layer1"][1] == "32 nodes, 12 inputs/weights"
    # layer2: 4 x (4 + 1 + 4 + 4 + 1) = 56; layer3: 4 + 1 + 4 + 4 = 13 (no activation).
    assert found["layer2"][1].startswith("56 nodes") and found["layer3"][1].startswith("13 nodes")
    assert found["layer1"][2] == "in 2 values [2  -1]"
    shown = re.findall(r"−?[\d.]+", found["layer1"][4].replace("−", "-"))
    assert found["layer1"][4].startswith("out 4 values")
    assert [float(v) for v in shown[1:]] == pytest.approx(layer1_outputs(model), abs=5e-4)
    # Gradients of what leaves layer1 = the tanh nodes' grads (red line under "out").
    assert found["layer1"][5].startswith("grad [")
    # Nothing of layer1 but its box: no weight of it is drawn.
    assert "<b>w0</b>" not in source and "x0" in source
    assert source.count("-> c1") == 1  # layer1 -> layer2: one edge, not 16


def test_collapse_depth_list_and_the_current_step_stays_open() -> None:
    _, _, loss = mlp_loss()
    by_neuron = BOX.findall(draw(loss, collapse=1).source)
    assert len(by_neuron) == 9  # 4 + 4 + 1 neurons, each a box inside its open layer box
    assert sorted({texts(label)[0] for _, label in by_neuron}) == ["neuron0", "neuron1", "neuron2", "neuron3"]
    only2 = draw(loss, collapse=["layer2"]).source
    assert list(boxes(only2)) == ["layer2"] and "<b>w0</b>" in only2
    _, _, fresh = mlp_loss()
    fresh.zero_grad()  # mlp_loss ran backward(): step a pass of its own
    steps = fresh.backprop()
    for _ in range(4):  # loss, sub, then layer3's add chain: the current node is in layer3
        steps.step()
    assert steps.current_step.node.scope == "layer3/neuron0"
    assert sorted(boxes(draw(steps, collapse=True).source)) == ["layer1", "layer2"]
    with pytest.raises(ValueError, match="collapse must be True"):
        draw(loss, collapse=2.5)


def test_over_budget_folds_scopes_with_a_warning_and_a_note() -> None:
    _, _, loss = mlp_loss()  # 106 nodes + the loss's 4
    with pytest.warns(CollapsedWarning, match="more than max_nodes=60"):
        graph = draw(loss, max_nodes=60)
    # The least folding that fits: one box per neuron (9), not one per layer.
    assert len(BOX.findall(graph.source)) == 9 and graph.node_count <= 60
    assert "name scopes folded into boxes" in graph.source and graph.collapse_note
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # within the budget: no folding, no warning
        assert not BOX.findall(draw(loss, max_nodes=200).source)
    with pytest.warns(CollapsedWarning):
        assert len(BOX.findall(draw(loss, max_nodes=12).source)) == 3
    with pytest.raises(GraphTooLargeError, match=r"has \d+ nodes, more than max_nodes=5.*fold more scopes"):
        draw(loss, max_nodes=5)
    with pytest.raises(GraphTooLargeError, match="more than max_nodes=60"):
        draw(loss, max_nodes=60, collapse=False)


def test_huge_graph_is_refused_before_it_is_walked_to_the_end() -> None:
    x = Value(1.0, name="x")
    y = x
    for _ in range(60_000):  # 120,001 nodes with the constants
        y = y + 1.0
    with pytest.raises(GraphTooLargeError) as info:
        draw(y)
    message = str(info.value)
    assert "more than 100,000 nodes (counting stopped there)" in message
    assert "name_scope" in message and "max_nodes" in message


def test_a_node_used_sixty_times_is_copied_beside_its_uses() -> None:
    x = Value(2.0, name="x")
    y = x
    for _ in range(59):
        y = y + x
    y.backward()
    source = draw(y).source
    copies = re.findall(r"^\t(g0_\d+) \[label=<<i>x</i>>", source, re.M)
    assert len(copies) == 59  # 60 uses: the first reads x itself, the others a copy
    assert source.count("\tv0 -> ") == 1
    assert "used 60×" in source and "grad 60" in source  # dy/dx = 60
    # Every copy carries its use's local derivative (1) and what flows back (1).
    assert len(re.findall(r"g0_\d+ -> o\d+ \[label=<[^>]*>local 1<", source)) == 59


@pytest.mark.parametrize("terms", [60, 300])
def test_fan_out_renders(tmp_path, terms: int) -> None:
    x = Value(0.5, name="x")
    y = x
    for _ in range(terms - 1):
        y = y + x
    y.backward()
    svg = viz.render(y, tmp_path / "fan.svg", timeout=60).read_text()
    assert f"grad {terms}" in svg  # 300 uses used to crash dot with SIGSEGV


def test_tensor_layers_get_boxes_and_distinct_names() -> None:
    net = Sequential(Linear(4, 8, seed=0), ReLU(), Linear(8, 3, seed=1))
    loss = softmax_cross_entropy(net(np.ones((2, 4))), np.array([0, 2]))
    loss.backward()
    source = draw(loss).source
    for scope in ("0.Linear", "1.ReLU", "2.Linear"):
        assert f"label=<<b>{scope}</b>>" in source
    assert "<b>0.W</b>" in source and "<b>2.W</b>" in source and "<b>W</b>" not in source
    assert [name for name, _ in net.named_parameters()] == [p.name for p in net.parameters()]
    folded = boxes(draw(loss, collapse=True).source)
    assert sorted(folded) == ["0.Linear", "1.ReLU", "2.Linear"]
    # What leaves 2.Linear is the logits, 2x3: its norm from NumPy.
    logits = np.maximum(np.ones((2, 4)) @ net[0].W.data + net[0].b.data, 0) @ net[2].W.data + net[2].b.data
    assert folded["2.Linear"][-2] == f"out 1 value 2×3 ‖·‖ {np.linalg.norm(logits):.3g}"
    # The fused loss's long name is shortened in its node; the full name is the tooltip.
    assert 'label=<softmax CE> shape=box' in source and 'tooltip="softmax_cross_entropy"' in source


def test_unprintable_names_are_refused_at_creation_and_drawn_as_escapes_if_set_later(tmp_path) -> None:
    # Value and name_scope refuse them at once; a name assigned afterwards (node.name = ...) or a
    # title still reaches dot, which must get a visible escape rather than a cryptic dot error.
    with pytest.raises(ValueError, match="U\\+0000"):
        Value(1.0, name="a\x00b")
    with pytest.raises(ValueError, match="U\\+001B"):
        with name_scope("bad\x1bscope"):
            pass
    a, b = Value(1.0), Value(2.0)
    a.name, b.name = "a\x00b", "line\nbreak\ud800"
    c = a * b
    c.scope = "bad\x1bscope"
    c.backward()
    svg = viz.render(c, tmp_path / "names.svg", title="t\x07").read_text(encoding="utf-8")
    assert "a\\x00b" in svg and "line\\nbreak\\ud800" in svg and "bad\\x1bscope" in svg


def test_legend_names_every_colour_it_uses_and_only_those() -> None:
    _, _, loss = mlp_loss()
    source = draw(loss, legend=True, collapse=True).source
    for words in ("gradient", "local derivative", "flows back", "folded scope", "constant", "unnamed"):
        assert words in source
    # a finished diagram has no current, pending or gathering node: its key says none
    for words in ("current node", "not reached yet", "gathering", "running sum", "this step"):
        assert words not in source
    assert "local derivative" not in draw(loss, collapse=True).source


def _nested(depths: list[int], per_scope: int = 3) -> Value:
    """A chain through scopes nested ``depth`` deep (``s/s/s``), ``per_scope`` nodes in each."""
    from contextlib import ExitStack

    x = Value(1.0, name="x")
    y = x
    for depth in depths:
        with ExitStack() as stack:
            for level in range(depth):
                stack.enter_context(name_scope(f"s{level}"))
            for _ in range(per_scope):
                y = y * 1.01
    return y


@pytest.mark.parametrize("depths", [[1, 2, 3, 2, 1], [5, 1, 4, 4, 2, 3], [3] * 6, [1]])
def test_automatic_folding_chooses_what_trying_every_depth_chooses(depths: list[int]) -> None:
    # the one-pass count against the plain definition: fold below each depth and count the boxes
    from autograd_core import topological_order
    from viz.budget import choose_collapse
    from viz.collapse import group_nodes

    order = topological_order(_nested(depths))
    deepest = max(depths)
    for budget in range(1, len(order) + 2):
        expected = None
        for depth in range(deepest - 1, -1, -1):
            if group_nodes(order, depth).drawn_count <= budget:
                expected = True if depth == 0 else depth
                break
        chosen = choose_collapse(order, budget)
        assert (chosen[0] if chosen else None) == expected, (budget, chosen and chosen[0], expected)


def test_thousands_of_nested_scopes_are_folded_without_trying_each_depth(monkeypatch) -> None:
    # 3,000 scopes each inside the one before: the fold is found by one grouping, not 3,000
    import sys
    from contextlib import ExitStack

    import viz.budget as budget

    calls = []
    real = budget.group_nodes
    monkeypatch.setattr(budget, "group_nodes", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    limit = sys.getrecursionlimit()
    x = Value(1.0, name="x")
    y = x
    with ExitStack() as stack:
        for _ in range(3000):
            stack.enter_context(name_scope("s"))
            y = y * 1.0001
    assert sys.getrecursionlimit() == limit
    with pytest.warns(CollapsedWarning):
        graph = draw(y, max_nodes=500)
    assert len(calls) == 1 and graph.node_count <= 500


@pytest.mark.parametrize("scope", ["a/", "a//b", "/", "a/b/"])
def test_scopes_with_an_empty_part_are_drawn(tmp_path, scope: str) -> None:
    x = Value(2.0, name="x")
    with name_scope(scope):
        y = x * 3
    z = y + 1
    z.backward()
    for suffix in (".svg", ".png"):
        assert viz.render(z, tmp_path / f"z{suffix}").stat().st_size > 200
    assert viz.render(z, tmp_path / "folded.svg", collapse=True).stat().st_size > 200
    assert viz.lecture(z, tmp_path / "z.html").stat().st_size > 1000
    source = draw(z).source
    assert "<b></b>" not in source
    parts = [p for p in scope.split("/") if p]
    assert all(f"<b>{p}</b>" in source for p in parts)


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_the_neurons_of_a_layer_are_drawn_in_index_order(rankdir: str) -> None:
    from viz.dot import layout_json

    _, _, loss = mlp_loss()
    laid = layout_json(draw(loss, collapse=1, rankdir=rankdir).source)
    places: dict[str, list[tuple[int, float]]] = {}
    for item in laid["objects"]:
        tooltip = item.get("tooltip", "")
        if tooltip.endswith("(folded)"):
            layer, neuron = tooltip.split()[0].split("/")
            x, y = (float(v) for v in item["pos"].split(","))
            # across the page (TB) left to right, down the page (LR) top to bottom (y points up)
            places.setdefault(layer, []).append((int(neuron.removeprefix("neuron")), x if rankdir == "TB" else -y))
    for layer in ("layer1", "layer2"):
        ordered = [n for n, _ in sorted(places[layer], key=lambda item: item[1])]
        assert ordered == [0, 1, 2, 3], (layer, ordered)
