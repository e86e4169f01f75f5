"""The book's layered network drawn: viz.draw(network, x, t) shows its four layers, the arrays
flowing forward and the dout each layer receives, backpropagated by the layers' own backward;
a layer check_layers finds wrong says so on the same picture.  Oracle: central differences of
the mean cross-entropy (the function backward differentiates) with respect to each layer's
output give that layer's dout."""

from __future__ import annotations

import re

import numpy as np
import pytest

import viz
from autograd_core import Value
from autograd_core.steps.exercises import agrees
from nn.textbook import SoftmaxWithLoss, TwoLayerNet, layers_backprop


def network():
    np.random.seed(0)
    net = TwoLayerNet(input_size=4, hidden_size=3, output_size=2, weight_init_std=0.8)
    x = np.random.default_rng(1).random((2, 4))
    return net, x, np.eye(2)[[0, 1]]


def cross_entropy(scores, t):
    shifted = scores - scores.max(axis=1, keepdims=True)
    return -np.sum(t * (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))) / len(scores)


def central(f, array, eps=1e-6):
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


def douts(net, x, t):
    """Each layer's dout by central differences: the loss as a function of that layer's output."""
    layers = list(net.layers.values())
    outputs = [x]
    for layer in layers:
        outputs.append(layer.forward(outputs[-1]))
    found = []
    for i in range(len(layers)):
        def rest(out, i=i):
            for layer in layers[i + 1:]:
                out = layer.forward(out)
            return cross_entropy(out, t)
        found.append(central(rest, outputs[i + 1].copy()))
    return found


def labels(source: str) -> dict[str, str]:
    """Each value box's label text by its title (HTML tags dropped, lines joined by |)."""
    boxes = {}
    for label in re.findall(r"label=<(.*?)> shape=box", source):
        lines = [re.sub(r"<[^>]+>", "", line) for line in label.split("<br/>")]
        boxes[lines[0]] = "|".join(lines)
    return boxes


def numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", text)]


def test_the_four_layers_and_the_dout_of_each():
    net, x, t = network()
    expected = douts(net, x, t)
    boxes = labels(viz.draw(net, x, t).source)
    for name, dout in zip(("Affine1", "Relu1", "Affine2"), expected):
        box = boxes[name]
        assert "2×3  float64" in box or "2×2  float64" in box  # the shape of what flows forward
        shown = numbers(box.split("|dout ", 1)[1])  # the dout lines, 3 significant digits
        assert len(shown) == dout.size and all(agrees(a, b) for a, b in zip(shown, dout.ravel())), (name, shown)
    loss = boxes["SoftmaxWithLoss"]
    assert loss.split("|")[1] == f"{net.loss(x, t):.4g}" and loss.endswith("|dout 1")
    assert {"x", "t", "Affine1.W", "Affine1.b", "Affine2.W", "Affine2.b"} <= set(boxes)


def test_what_each_backward_sends_back_is_on_its_edges_in_words():
    net, x, t = network()
    source = viz.draw(net, x, t).source
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", source))  # long words are wrapped on two lines
    assert "dx = dout @ Wᵀ" in text and "dW = xᵀ @ dout" in text and "db = dout summed over the batch, axis 0" in text
    assert "dx = dout where x &gt; 0, else 0" in text
    assert "label=<softmax CE>" in source and source.count("label=<x@W+b>") == 2 and "label=<relu>" in source
    assert text.count("← dx ") == 4 and text.count("← dW ") == 2 and text.count("← db ") == 2


def test_part_way_the_layers_are_in_the_steppers_states():
    net, x, t = network()
    steps = layers_backprop(net, x, t)
    steps.step()
    source = viz.draw(steps).source
    boxes = {name: line for line in source.splitlines()
             for name in ("Affine1", "Relu1", "Affine2", "SoftmaxWithLoss") if f"<b>{name}</b>" in line}
    assert 'penwidth="2.5"' in boxes["SoftmaxWithLoss"]  # current
    assert "dashed" in boxes["Affine2"] and "<i>dout" in boxes["Affine2"]  # gathering: dout arrived, not run
    assert "dout" not in boxes["Relu1"] and "dout" not in boxes["Affine1"]  # pending


def test_a_layer_check_layers_finds_wrong_is_marked_on_the_picture():
    class SeedSoftmaxWithLoss(SoftmaxWithLoss):
        def backward(self, dout=1):
            return (self.y - self.t) / (self.t.shape[0] + 1)

    net, x, t = network()
    net.lastLayer = SeedSoftmaxWithLoss()
    boxes = labels(viz.draw(net, x, t, check=True).source)
    # the loss layer is called by its class; off by N / (N + 1) with N = 2: relative error 1 / (2N + 1)
    assert boxes["SeedSoftmaxWithLoss"].endswith("|✗ check_layers: dx is wrong, relative error 0.2")
    assert not any("✗" in box for name, box in boxes.items() if name != "SeedSoftmaxWithLoss")


def test_bad_calls_are_refused_by_name(tmp_path):
    net, x, t = network()
    with pytest.raises(TypeError, match=r"draw: a layered network \(TwoLayerNet: layers, lastLayer\) is drawn with"):
        viz.draw(net)
    with pytest.raises(TypeError, match="a batch and labels are for a layered network"):
        viz.draw(Value(1.0), x, t)
    net.layers["Affine2"].W = np.zeros((5, 2))
    with pytest.raises(ValueError, match=r"draw: layer 3 'Affine2' \(Affine\): forward raised ValueError"):
        viz.draw(net, x, t)


def test_the_network_renders_and_its_lecture_steps_through_its_layers(tmp_path):
    net, x, t = network()
    assert viz.render(net, tmp_path / "net.png", x, t).stat().st_size > 10_000
    page = viz.lecture(layers_backprop(net, x, t), tmp_path / "net.html")
    assert page.steps == 4 and "step 4/4  Affine1 = Affine(x)" in page.read_text()
