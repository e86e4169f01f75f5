"""nn.scalar against micrograd's own nn.py: same weights in, same outputs and gradients out."""

from __future__ import annotations

import math
import random

import pytest
from micrograd import nn as mg_nn
from micrograd.engine import Value as MgValue

from autograd_core import Value, topological_order
from nn.scalar import MLP, Layer, Neuron


def mg_tanh(x: MgValue) -> MgValue:
    """tanh as micrograd's lecture adds it (micrograd 0.1.0's engine has relu only)."""
    t = math.tanh(x.data)
    out = MgValue(t, (x,), "tanh")

    def _backward() -> None:
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def copy_weights(ours: MLP, theirs: mg_nn.MLP) -> None:
    for mine, other in zip(ours.parameters(), theirs.parameters(), strict=True):
        mine.data = float(other.data)


def test_global_random_reproduces_micrograds_weights() -> None:
    random.seed(7)
    theirs = mg_nn.MLP(3, [4, 4, 1])
    random.seed(7)
    ours = MLP(3, [4, 4, 1])
    assert [p.data for p in ours.parameters()] == [float(p.data) for p in theirs.parameters()]
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_outputs_and_gradients_match_micrograd(act: str) -> None:
    ours = MLP(2, [4, 4, 1], act=act, seed=3)
    theirs = mg_nn.MLP(2, [4, 4, 1])
    copy_weights(ours, theirs)
    samples = [([2.0, 3.0], 1.0), ([-1.0, 0.5], -1.0), ([0.3, -2.0], 1.0)]
    loss_ours = sum(((ours([Value(a), Value(b)]) - y) ** 2 for (a, b), y in samples), Value(0.0))
    outs = []
    for (a, b), _ in samples:
        x = [MgValue(a), MgValue(b)]
        h = x
        for k, layer in enumerate(theirs.layers):
            # micrograd's neurons are ReLU; apply tanh by hand for the tanh case, from the same sums.
            sums = [sum((wi * xi for wi, xi in zip(n.w, h)), n.b) for n in layer.neurons]
            last = k == len(theirs.layers) - 1
            h = sums if last else [s.relu() if act == "relu" else mg_tanh(s) for s in sums]
        outs.append(h[0])
    loss_theirs = sum(((o - y) ** 2 for o, ((_, _), y) in zip(outs, samples)), MgValue(0.0))
    assert loss_ours.data == pytest.approx(loss_theirs.data, rel=1e-12)
    loss_ours.backward()
    loss_theirs.backward()
    for mine, other in zip(ours.parameters(), theirs.parameters()):
        assert mine.grad == pytest.approx(other.grad, rel=1e-9, abs=1e-12)
    ours.zero_grad()
    assert all(p.grad == 0 for p in ours.parameters())


def test_relu_call_is_micrograds_call() -> None:
    ours = MLP(3, [5, 2], seed=1)
    theirs = mg_nn.MLP(3, [5, 2])
    copy_weights(ours, theirs)
    out_ours, out_theirs = ours([1.0, -2.0, 0.5]), theirs([1.0, -2.0, 0.5])
    assert isinstance(out_ours, list) and len(out_ours) == 2
    assert [o.data for o in out_ours] == pytest.approx([o.data for o in out_theirs], rel=1e-12)
    single = MLP(3, [1], seed=1)([1.0, 2.0, 3.0])
    assert isinstance(single, Value)


def test_every_node_sits_in_its_neurons_scope() -> None:
    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    x = [Value(1.0, name="x0"), Value(-1.0, name="x1")]
    out = model(x)
    neuron = model.layers[1].neurons[3]
    assert [p.name for p in neuron.parameters()] == ["w0", "w1", "w2", "w3", "b"]
    assert {p.scope for p in neuron.parameters()} == {"layer2/neuron3"}
    scopes = {node.scope for node in topological_order(out) if node not in x}
    expected = {f"layer{k}/neuron{j}" for k, n in ((1, 4), (2, 4), (3, 1)) for j in range(n)}
    assert scopes == expected
    # micrograd's graph of one sample: per neuron, nin products, nin additions, one activation.
    nodes = len(topological_order(out))
    params, products = 37, 2 * 4 + 4 * 4 + 4
    assert nodes == 2 + params + 2 * products + 8  # inputs, weights, mul and add nodes, 8 tanh


def test_seed_is_reproducible_and_bad_input_is_named() -> None:
    assert [p.data for p in MLP(2, [3], seed=5).parameters()] == [p.data for p in MLP(2, [3], seed=5).parameters()]
    with pytest.raises(ValueError, match="act must be one of relu, tanh, sigmoid"):
        Neuron(2, act="gelu")
    with pytest.raises(ValueError, match="nout must be a positive integer"):
        Layer(2, 0)
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        Neuron(2)([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="seed must be an integer"):
        MLP(2, [1], seed="x")
