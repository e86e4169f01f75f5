"""check_model on the textbook's own networks explains what is not a wrong backward: a parameter
the loss never reads (a layer holds a copy) and the loss's 1e-7 inside log(y + 1e-7).  Oracles:
the hand-derived factor y/(y + 1e-7) and deliberately planted bugs."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core.check import GradcheckError, check_model
from nn.textbook import SoftmaxWithLoss, TwoLayerNet, softmax

RNG = np.random.default_rng(0)
RAW_PIXELS = RNG.integers(0, 256, (3, 20)).astype(float)  # the seed's unnormalized 0-255 inputs
T = np.eye(4)[[0, 1, 3]]


def _net(std):
    np.random.seed(0)
    return TwoLayerNet(20, 10, 4, weight_init_std=std)


class SeedSoftmaxWithLoss(SoftmaxWithLoss):
    def backward(self, dout=1):
        return (self.y - self.t) / (self.t.shape[0] + 1)


def test_raw_pixels_saturate_the_softmax_and_the_1e_7_is_named():
    net = _net(0.1)
    with pytest.raises(GradcheckError) as caught:
        check_model(net, RAW_PIXELS, T)
    report = caught.value.report
    assert report.verdict == "INCONCLUSIVE from the loss's log(y + 1e-07)"
    # By hand: the right class's probability; the loss's true gradient is backprop's times
    # y/(y + 1e-7) per row, far from 1 for the saturated row.
    y_t = softmax(net.predict(RAW_PIXELS))[[0, 1, 2], [0, 1, 3]]
    assert y_t.min() < 1e-9
    note = report.notes[-1]
    assert "1e-07 inside log(y + 1e-07)" in note and "backward is right" in note
    assert f"{(y_t / (y_t + 1e-7)).min():.6g}" in note
    assert "inconclusive from the loss's log(y + 1e-07)" in str(caught.value)


def test_the_same_network_on_scaled_pixels_passes():
    assert check_model(_net(0.1), RAW_PIXELS / 255, T).passed


def test_the_seeds_bug_on_raw_pixels_is_not_explained_away():
    net = _net(0.1)
    net.lastLayer = SeedSoftmaxWithLoss()
    report = check_model(net, RAW_PIXELS, T, raise_exception=False)
    assert report.verdict == "FAILED"
    assert not any("1e-07" in n for n in report.notes)
    # Every parameter fails; the report points to the check that names the layer.
    assert {r.name for r in report.rows if not r.passed} == {"W1", "b1", "W2", "b2"}
    assert "nn.textbook.check_layers(model, x, t)" in str(report)


def test_a_parameter_the_loss_does_not_read_is_named():
    net = _net(0.05)
    x = RAW_PIXELS / 255
    grad = net.gradient(x, T)
    # The slip: a new array for params['W1'], while the Affine layer keeps reading the old one.
    net.params["W1"] = net.params["W1"] - 0.1 * grad["W1"]
    with pytest.raises(GradcheckError) as caught:
        check_model(net, x, T)
    report = caught.value.report
    assert [r.name for r in report.rows if not r.passed] == ["W1"]
    assert not report.row("W1").numerical_gradient.any()
    message = str(caught.value)
    assert "the loss does not read params['W1'] (does a layer hold a copy?)" in message
    assert "layer 'Affine1' holds W" in message
    assert "the loss does not read params['W1']" in str(report) and "does a layer" in report._repr_html_()


def test_an_unused_parameter_with_zero_backprop_is_a_warning():
    class Line:
        def __init__(self):
            self.params = {"w": np.array([0.5]), "unused": np.array([1.0])}

        def loss(self, x, t):
            return float(np.sum((self.params["w"] * x - t) ** 2) / 2)

        def gradient(self, x, t):
            return {"w": np.array([np.sum((self.params["w"] * x - t) * x)]), "unused": np.zeros(1)}

    with pytest.warns(UserWarning, match=r"params\['unused'\] left the loss unchanged and backprop gives 0 too"):
        report = check_model(Line(), np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    assert report.passed


def test_a_model_that_cannot_take_one_row_gets_no_explanation_and_no_crash():
    net = _net(0.1)

    class OnlyBatches(TwoLayerNet):
        def gradient(self, x, t):
            if len(x) < 2:
                raise ValueError("needs a batch")
            return super().gradient(x, t)

    model = OnlyBatches(20, 10, 4, weight_init_std=0.1)
    for key in model.params:
        model.params[key][...] = net.params[key]
    report = check_model(model, RAW_PIXELS, T, raise_exception=False)
    assert report.verdict == "FAILED" and not any("1e-07" in n for n in report.notes)
