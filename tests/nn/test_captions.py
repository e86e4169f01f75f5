"""One naming rule for captions: the scalar MLP's products and sums are numbered like their
weights in every layer, every layer of a Sequential is called the same way, the input batch is
``x`` and an unnamed loss is ``out``, never ``pow = pow(...)``."""

from __future__ import annotations

import numpy as np

from autograd_core import Value
from nn import Linear, ReLU, Sequential, TwoLayerNet, softmax_cross_entropy
from nn.scalar import MLP


def test_scalar_mlp_products_are_numbered_like_their_weights_in_every_layer():
    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    loss = (model([Value(2.0, name="x0"), Value(-1.0, name="x1")]) - 1.0) ** 2
    steps = loss.backprop()
    labels = {steps.label(n) for n in steps._ops}
    for layer, inputs in (("layer1", 2), ("layer2", 4), ("layer3", 4)):
        neuron = "neuron3" if layer != "layer3" else "neuron0"
        for i in range(inputs):
            assert f"{layer}.{neuron}.prod{i}" in labels and f"{layer}.{neuron}.sum{i}" in labels
    # prod_i is w_i times the layer's input i, in layer 2 as in layer 1
    prod3 = next(n for n in steps._ops if steps.label(n) == "layer2.neuron1.prod3")
    w3 = model.layers[1].neurons[1].w[3]
    assert prod3.parents[0] is w3 and prod3.data == w3.data * prod3.parents[1].data
    first = str(steps.step()).splitlines()[0]
    assert first.startswith("step 1/") and "out = pow(" in first and "pow = pow" not in first


def test_every_layer_of_a_sequential_is_named_the_same_way_and_the_batch_is_x():
    net = Sequential(Linear(4, 3, seed=0), ReLU(), Linear(3, 3, seed=1), ReLU(), Linear(3, 2, seed=2))
    loss = softmax_cross_entropy(net(np.ones((5, 4))), np.array([0, 1, 0, 1, 0]))
    steps = loss.backprop()
    labels = [steps.label(n) for n in steps._ops]
    assert labels[0] == "out"
    for layer in ("0", "2", "4"):
        assert f"{layer}.Linear.matmul" in labels and f"{layer}.Linear.matmul + {layer}.b" in labels
    first = next(n for n in steps._ops if steps.label(n) == "0.Linear.matmul")
    assert first.parents[0].name == "x" and first.parents[0].data.dtype == net[0].W.dtype
    assert "const" not in " ".join(labels)


def test_the_textbook_two_layer_net_calls_its_batch_x_too():
    net = TwoLayerNet(input_size=4, hidden_size=3, output_size=2, seed=0)
    x = np.ones((2, 4))
    grads = net.gradient(x, np.array([0, 1]))
    assert set(grads) == {"W1", "b1", "W2", "b2"}
    from autograd_core import topological_order

    out = net._forward(x, net._leaves(True))
    [batch] = [n for n in topological_order(out) if not n.requires_grad and n.data.shape == (2, 4)]
    assert batch.name == "x"
