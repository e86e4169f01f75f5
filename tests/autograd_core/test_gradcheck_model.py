"""check_model on models written two ways: the textbook's (a params dict of arrays, a
hand-written gradient) and a module of Tensor parameters.  A correct model agrees to ~1e-10 per
parameter as the seeds say; a wrong backward is flagged with the parameter named."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import TENSOR_OPS, Tensor, softmax_cross_entropy
from autograd_core.check import GradcheckError, check_model


class HandWrittenNet:
    """The textbook's network with hand-derived backprop: x -> Affine -> sigmoid -> Affine -> MSE/2."""

    def __init__(self, seed: int = 0, bug: str | None = None) -> None:
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": rng.standard_normal((3, 4)),
            "b1": rng.standard_normal(4),
            "W2": rng.standard_normal((4, 2)),
            "b2": rng.standard_normal(2),
        }
        self.bug = bug

    def _forward(self, x):
        p = self.params
        z = x @ p["W1"] + p["b1"]
        a = 1 / (1 + np.exp(-z))
        return z, a, a @ p["W2"] + p["b2"]

    def loss(self, x, t):
        return 0.5 * float(np.sum((self._forward(x)[2] - t) ** 2))

    def gradient(self, x, t):
        p = self.params
        z, a, y = self._forward(x)
        dy = y - t
        grads = {"W2": a.T @ dy, "b2": dy.sum(axis=0)}
        da = dy @ p["W2"].T
        # The seed's classic slip: using a instead of a * (1 - a) as the sigmoid's derivative.
        dz = da * (a if self.bug == "sigmoid" else a * (1 - a))
        grads["W1"] = x.T @ dz
        grads["b1"] = dz.sum(axis=0)
        if self.bug == "W2":
            grads["W2"] = grads["W2"] * 1.02
        return grads


class TensorNet:
    """A module of Tensor parameters: named_parameters() and loss(x, t)."""

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.W1 = Tensor(rng.standard_normal((3, 5)), requires_grad=True, name="W1")
        self.b1 = Tensor(rng.standard_normal(5), requires_grad=True, name="b1")
        self.W2 = Tensor(rng.standard_normal((5, 4)), requires_grad=True, name="W2")

    def named_parameters(self):
        return [("W1", self.W1), ("b1", self.b1), ("W2", self.W2)]

    def __call__(self, x):
        return (x @ self.W1 + self.b1).tanh() @ self.W2

    def loss(self, x, t):
        return softmax_cross_entropy(self(x), t)


X = np.random.default_rng(5).standard_normal((6, 3))
T_REGRESSION = np.random.default_rng(6).standard_normal((6, 2))
T_LABELS = np.array([0, 3, 1, 2, 2, 0])


def test_correct_hand_written_net_agrees_to_1e_10():
    report = check_model(HandWrittenNet(), X, T_REGRESSION)
    assert [r.name for r in report.rows] == ["W1", "b1", "W2", "b2"]
    # The seeds' figure: mean absolute difference per parameter around 1e-10.
    assert all(r.mean_abs_error < 1e-8 for r in report.rows)
    assert report.summary().startswith("W1: ")


@pytest.mark.parametrize("bug, wrong", [("sigmoid", {"W1", "b1"}), ("W2", {"W2"})])
def test_wrong_hand_written_backward_names_the_parameter(bug, wrong):
    with pytest.raises(GradcheckError) as caught:
        check_model(HandWrittenNet(bug=bug), X, T_REGRESSION)
    report = caught.value.report
    assert {r.name for r in report.rows if not r.passed} == wrong
    first = sorted(wrong)[0]
    assert f"gradient of {first!r} differs" in str(caught.value)


def test_tensor_module_passes():
    report = check_model(TensorNet(), X, T_LABELS)
    assert report.passed
    assert [r.name for r in report.rows] == ["W1", "b1", "W2"]


def test_tensor_module_with_a_wrong_vjp_names_parameter_and_op(monkeypatch):
    # tanh's VJP 3% off: every parameter before the tanh (W1, b1) gets a wrong gradient.
    monkeypatch.setattr(TENSOR_OPS["tanh"], "vjp", lambda node, g: (1.03 * g * (1 - node.data**2),))
    with pytest.raises(GradcheckError) as caught:
        check_model(TensorNet(), X, T_LABELS)
    report = caught.value.report
    assert {r.name for r in report.rows if not r.passed} == {"W1", "b1"}
    assert [m.op for m in report.local_mismatches] == ["tanh"]
    assert str(caught.value).startswith("check_model failed: tanh node")


def test_loss_argument_and_parameters_only():
    class Bare:
        def __init__(self):
            self.w = Tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)

        def parameters(self):
            return [self.w]

        def __call__(self, x):
            return x @ self.w

    report = check_model(Bare(), X, np.zeros(6), loss=lambda y, t: ((y - t) ** 2).mean())
    assert [r.name for r in report.rows] == ["param0"]
    # By hand: d/dw mean((Xw - t)^2) = 2 X^T (Xw - t) / n
    w = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(report.rows[0].backprop_gradient, 2 * X.T @ (X @ w) / 6, rtol=1e-12)


def test_model_without_a_loss_is_refused():
    class NoLoss:
        def parameters(self):
            return [Tensor(np.ones(2), requires_grad=True)]

    with pytest.raises(TypeError, match="loss"):
        check_model(NoLoss(), X, T_LABELS)
