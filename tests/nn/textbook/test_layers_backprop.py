"""layers_backprop: the book's layered network stepped one layer at a time, in the stepper's
states and words.  Oracles: central differences of the loss (the gradients the steps leave),
and the states the engine's stepper gives the same chain of operations."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

from nn.textbook import Affine, ReLU, SoftmaxWithLoss, TwoLayerNet, layers_backprop


def numerical_gradient(f, array, eps=1e-6):
    """Central differences of ``f()`` for every entry of ``array`` (nudged in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        kept = array[index]
        array[index] = kept + eps
        up = f(array)
        array[index] = kept - eps
        down = f(array)
        array[index] = kept
        grad[index] = (up - down) / (2 * eps)
    return grad


def _net(seed=0):
    np.random.seed(seed)
    return TwoLayerNet(input_size=6, hidden_size=5, output_size=3, weight_init_std=0.5)


def _data(n=2, seed=1):
    rng = np.random.default_rng(seed)
    return rng.random((n, 6)), np.eye(3)[rng.integers(0, 3, n)]


def test_stepping_every_layer_gives_the_gradients_of_the_loss():
    net = _net()
    x, t = _data()
    steps = layers_backprop(net, x, t)
    taken = steps.run()
    assert [s.name for s in taken] == ["SoftmaxWithLoss", "Affine2", "Relu1", "Affine1"]
    # backward differentiates the mean cross-entropy of the softmax, log(y) (the book's loss adds
    # 1e-7 inside the log): that function, written out here, is the oracle
    def cross_entropy(scores):
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_y = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -np.sum(t * log_y) / len(scores)

    for key, layer, attribute in (("W1", "Affine1", "W"), ("b1", "Affine1", "b"), ("W2", "Affine2", "W")):
        index = steps.names.index(layer)
        numerical = numerical_gradient(lambda _: cross_entropy(net.predict(x)), net.params[key])
        np.testing.assert_allclose(steps.sent(index)["d" + attribute], numerical, atol=1e-8)
    # the dout Affine1 receives is the gradient of the loss with respect to its output
    hidden = net.layers["Affine1"].forward(x)

    def loss_from_hidden(h):
        return cross_entropy(net.layers["Affine2"].forward(net.layers["Relu1"].forward(h)))

    np.testing.assert_allclose(steps.received(0), numerical_gradient(loss_from_hidden, hidden.copy()), atol=1e-8)


def test_states_follow_the_steppers_vocabulary():
    steps = layers_backprop(_net(), *_data())
    states = [[steps.state(i) for i in range(4)]]
    for _ in steps:
        states.append([steps.state(i) for i in range(4)])
    assert states == [
        ["pending", "pending", "pending", "seeded"],
        ["pending", "pending", "gathering", "current"],
        ["pending", "gathering", "current", "done"],
        ["gathering", "current", "done", "done"],
        ["done", "done", "done", "done"],
    ]
    steps.back()
    assert [steps.state(i) for i in range(4)] == ["gathering", "current", "done", "done"]
    steps.rewind()
    assert steps.position == 0 and steps.received(2) is None


def test_a_step_says_what_the_layer_received_and_sent_back_in_words():
    steps = layers_backprop(_net(), *_data())
    steps.step()
    text = str(steps.step())
    assert text.startswith("step 2/4  Affine2 = Affine(Relu1)")
    assert "upstream dout (2×3) =" in text and "dx = dout @ Wᵀ  (2×5) =" in text
    assert "dW = xᵀ @ dout  (5×3) =" in text and "db = dout summed over the batch, axis 0  (3) = [" in text
    assert text.endswith("dx goes back to Relu1 as its dout; dW, db stay on the layer")
    assert all(len(line) <= 80 for line in text.splitlines())


def test_the_seeds_own_network_class_with_its_relu_writing_into_dout():
    """The seed's TwoLayerNet is a plain class (an OrderedDict of layers, a lastLayer) and its
    ReLU zeroes ``dout`` in place: the dx recorded for the layer before is left as it was sent."""

    class SeedReLU:
        def __init__(self):
            self.mask = None

        def forward(self, x):
            self.mask = x <= 0
            out = x.copy()
            out[self.mask] = 0
            return out

        def backward(self, dout):
            dout[self.mask] = 0
            return dout

    class SeedNet:
        def __init__(self):
            rng = np.random.default_rng(2)
            self.layers = OrderedDict()
            self.layers["Affine1"] = Affine(rng.standard_normal((6, 5)), np.zeros(5))
            self.layers["Relu1"] = SeedReLU()
            self.layers["Affine2"] = Affine(rng.standard_normal((5, 3)), np.zeros(3))
            self.lastLayer = SoftmaxWithLoss()

    steps = layers_backprop(SeedNet(), *_data())
    steps.run()
    sent_by_affine2 = steps.sent(2)["dx"]
    assert steps.received(1) is sent_by_affine2 and (sent_by_affine2 != 0).all()
    assert steps.words[1] == {"dx": "backward(dout)"}  # not a book class: no words claimed for it
    assert ReLU().__class__.__name__ == "Relu"


def test_check_marks_the_layer_check_layers_finds_wrong():
    class SeedSoftmaxWithLoss(SoftmaxWithLoss):
        def backward(self, dout=1):
            return (self.y - self.t) / (self.t.shape[0] + 1)

    net = _net()
    net.lastLayer = SeedSoftmaxWithLoss()
    steps = layers_backprop(net, *_data(3), check=True)
    assert list(steps.wrong) == [3]
    assert steps.wrong[3].startswith("layer 4 'lastLayer' (SeedSoftmaxWithLoss): dx is wrong, relative error 0.14")
    assert layers_backprop(_net(), *_data(3), check=True).wrong == {}


def test_bad_networks_are_refused_by_name():
    x, t = _data()
    with pytest.raises(TypeError, match="has layers but no lastLayer"):
        layers_backprop([Affine(np.zeros((6, 2)), np.zeros(2))], x, None)
    net = _net()
    net.layers["Affine2"] = Affine(np.zeros((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"layer 3 'Affine2' \(Affine\): forward raised ValueError: Affine.forward"):
        layers_backprop(net, x, t)
    steps = layers_backprop(_net(), x, t)
    steps.run()
    with pytest.raises(ValueError, match="all 4 steps are done"):
        steps.step()
