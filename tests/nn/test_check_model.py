"""check_model on the nn package's own models: the textbook's TwoLayerNet (params dict,
gradient by backprop) and a Sequential module with a loss.  Correct gradients agree to about
1e-10 per parameter (the seeds' figure, unlike the seed's buggy 'W2: 0.39'); a wrong backward
is flagged with the parameter named."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import TENSOR_OPS
from autograd_core.check import GradcheckError, check_model
from nn import Linear, ReLU, Sequential, Tanh, softmax_cross_entropy
from nn.two_layer_net import TwoLayerNet

RNG = np.random.default_rng(3)
X = RNG.standard_normal((4, 6))
T = np.array([0, 2, 1, 2])


def test_two_layer_net_passes_per_parameter():
    # weight_init_std=1: pre-activations of order 1, so no ReLU input sits within eps of its kink.
    net = TwoLayerNet(6, 5, 3, weight_init_std=1.0, seed=0)
    report = check_model(net, X, T)
    assert [r.name for r in report.rows] == ["W1", "b1", "W2", "b2"]
    assert all(r.mean_abs_error < 1e-8 for r in report.rows)
    assert all(r.relative_error < 1e-6 for r in report.rows)


def test_two_layer_net_with_a_wrong_relu_backward_is_flagged(monkeypatch):
    # ReLU passes the gradient where x <= 0 too: W1 and b1 (before the ReLU) are wrong.
    monkeypatch.setattr(TENSOR_OPS["relu"], "vjp", lambda node, g: (g,))
    net = TwoLayerNet(6, 5, 3, weight_init_std=1.0, seed=0)
    with pytest.raises(GradcheckError) as caught:
        check_model(net, X, T)
    failing = {r.name for r in caught.value.report.rows if not r.passed}
    assert failing == {"W1", "b1"}
    assert "gradient of 'W1' differs" in str(caught.value)


def test_sequential_with_a_loss_passes_and_names_parameters():
    model = Sequential(Linear(6, 5, seed=0), Tanh(), Linear(5, 3, seed=1))
    report = check_model(model, X, T, loss=softmax_cross_entropy)
    names = [name for name, _ in model.named_parameters()]
    assert [r.name for r in report.rows] == names
    assert report.passed


def test_sequential_with_a_wrong_matmul_backward_names_the_op(monkeypatch):
    original = TENSOR_OPS["matmul"].vjp

    def weight_gradient_doubled(node, g):
        ga, gb = original(node, g)
        return ga, None if gb is None else 2 * gb

    monkeypatch.setattr(TENSOR_OPS["matmul"], "vjp", weight_gradient_doubled)
    model = Sequential(Linear(6, 5, seed=0), ReLU(), Linear(5, 3, seed=1))
    with pytest.raises(GradcheckError) as caught:
        check_model(model, X, T, loss=softmax_cross_entropy)
    report = caught.value.report
    assert {r.name for r in report.rows if not r.passed} == {"0.W", "2.W"}  # the weights, not the biases
    assert {m.op for m in report.local_mismatches} == {"matmul"}
