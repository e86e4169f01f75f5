"""Weight decay: the textbook's L2 penalty, g + λW for weights (2+ dimensions), biases untouched."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Tensor
from nn import Linear, convnet, softmax_cross_entropy
from nn.optimizers import SGD, AdaGrad, Adam, Momentum


def test_sgd_weight_decay_by_hand_weights_only():
    W, b = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([1.0, -1.0])
    gW, gb = np.array([[0.1, 0.2], [0.3, 0.4]]), np.array([0.5, 0.5])
    params = {"W1": W.copy(), "b1": b.copy()}
    SGD(lr=0.1, weight_decay=0.01).update(params, {"W1": gW, "b1": gb})
    # The book's rule: dW += λ W, then W -= lr dW; the bias is not decayed.
    np.testing.assert_allclose(params["W1"], W - 0.1 * (gW + 0.01 * W), rtol=0, atol=1e-15)
    np.testing.assert_allclose(params["b1"], b - 0.1 * gb, rtol=0, atol=1e-15)


def test_decay_equals_the_gradient_of_the_l2_penalty_through_backward():
    """Decaying with λ is the same as adding λ/2 * sum(W**2) to the loss (the textbook's loss term)."""
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)
    decayed, penalised = Linear(4, 3, seed=1), Linear(4, 3, seed=1)
    lam = 0.3
    loss = softmax_cross_entropy(decayed(x), t)
    loss.backward()
    SGD(decayed.parameters(), lr=0.5, weight_decay=lam).step()
    loss = softmax_cross_entropy(penalised(x), t) + 0.5 * lam * (penalised.W * penalised.W).sum()
    loss.backward()
    SGD(penalised.parameters(), lr=0.5).step()
    np.testing.assert_allclose(decayed.W.data, penalised.W.data, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(decayed.b.data, penalised.b.data, rtol=1e-12, atol=1e-14)


def test_adam_with_decay_by_hand_and_gradient_left_alone():
    p = Tensor(np.array([[2.0, -1.0]]), requires_grad=True)
    g = np.array([[0.5, 0.25]])
    p.grad = g.copy()
    Adam([p], lr=0.1, weight_decay=0.1, eps=0.0).step()
    d = g + 0.1 * np.array([[2.0, -1.0]])
    m, v = 0.1 * d, 0.001 * d * d
    expected = np.array([[2.0, -1.0]]) - 0.1 * (m / 0.1) / np.sqrt(v / 0.001)
    np.testing.assert_allclose(p.data, expected, rtol=1e-12)
    np.testing.assert_array_equal(p.grad, g)  # the decay never writes into the caller's gradient


@pytest.mark.parametrize("make", [SGD, Momentum, AdaGrad, Adam])
def test_every_optimizer_takes_weight_decay_and_keeps_float32(make):
    model = convnet(batchnorm=True, seed=0)
    opt = make(model.parameters(), lr=0.01, weight_decay=1e-3)
    assert opt.weight_decay == 1e-3 and "weight_decay=0.001" in repr(opt)
    x = np.random.default_rng(1).random((4, 1, 28, 28)).astype(np.float32)
    softmax_cross_entropy(model(x), np.arange(4)).backward()
    opt.step()
    assert all(p.data.dtype == np.float32 for p in model.parameters())


def test_weight_decay_errors():
    with pytest.raises(ValueError, match=r"SGD: weight_decay must be a finite number >= 0, got -0.1"):
        SGD(lr=0.1, weight_decay=-0.1)
    with pytest.raises(ValueError, match=r"Adam: weight_decay must be a finite number >= 0, got nan"):
        Adam(lr=0.1, weight_decay=float("nan"))
