"""Optimizer update rules against updates computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nn.optimizers import SGD, AdaGrad, Adam, Momentum


class _Param:
    """A stand-in with ``.data`` and ``.grad``, the two attributes optimizers use."""

    def __init__(self, data, grad=None):
        self.data, self.grad, self.name = np.array(data, dtype=float), grad, None


def test_sgd_two_steps():
    p = _Param([1.0, -2.0], np.array([0.5, 1.0]))
    opt = SGD([p], lr=0.2)
    opt.step()
    opt.step()
    # 1 - 2 * 0.2 * 0.5 = 0.8 ; -2 - 2 * 0.2 * 1 = -2.4
    np.testing.assert_allclose(p.data, [0.8, -2.4], rtol=0, atol=1e-15)


def test_momentum_three_steps_by_hand():
    params, opt = {"w": np.array([0.0])}, Momentum(lr=0.1, momentum=0.9)
    grads = [2.0, -1.0, 4.0]
    v = w = 0.0
    for g in grads:
        opt.update(params, {"w": np.array([g])})
    # v1 = -0.2, w=-0.2 ; v2 = 0.9*-0.2 + 0.1 = -0.08, w=-0.28 ; v3 = 0.9*-0.08 - 0.4 = -0.472, w=-0.752
    v, w = -0.472, -0.752
    np.testing.assert_allclose(params["w"], [w], atol=1e-15)
    np.testing.assert_allclose(opt.state[("dict", "w")]["v"], [v], atol=1e-15)


def test_adagrad_two_steps_by_hand():
    params, opt = {"w": np.array([1.0, 1.0])}, AdaGrad(lr=0.5, eps=1e-7)
    opt.update(params, {"w": np.array([3.0, 0.0])})
    opt.update(params, {"w": np.array([4.0, 1.0])})
    # coordinate 0: h=9 -> 1 - 0.5*3/(3+eps); h=25 -> minus 0.5*4/(5+eps)
    w0 = 1.0 - 0.5 * 3 / (3 + 1e-7) - 0.5 * 4 / (5 + 1e-7)
    # coordinate 1: first gradient 0 moves nothing; then h=1 -> 1 - 0.5/(1+eps)
    w1 = 1.0 - 0.5 / (1 + 1e-7)
    np.testing.assert_allclose(params["w"], [w0, w1], rtol=1e-14)


def test_adam_three_steps_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    p = _Param([0.5])
    opt = Adam([p], lr=lr, beta1=b1, beta2=b2, eps=eps)
    m = v = 0.0
    w = 0.5
    for t, g in enumerate([0.3, -0.2, 1.5], start=1):
        p.grad = np.array([g])
        opt.step()
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
        np.testing.assert_allclose(p.data, [w], rtol=1e-13)


def test_parameters_without_grad_are_left_alone_and_zero_grad_clears():
    a, b = _Param([1.0], np.array([1.0])), _Param([2.0])
    opt = Adam([a, b], lr=0.1)
    opt.step()
    assert b.data[0] == 2.0 and a.data[0] != 1.0
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_float32_parameters_stay_float32():
    p = _Param([1.0])
    p.data = p.data.astype(np.float32)
    p.grad = np.array([0.5])
    for opt in (SGD([p], lr=0.1), Momentum([p]), AdaGrad([p]), Adam([p])):
        opt.step()
    assert p.data.dtype == np.float32


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="SGD: learning rate must be positive"):
        SGD(lr=0)
    with pytest.raises(TypeError, match="parameter 0 is a ndarray, expected a Tensor"):
        SGD([np.zeros(2)])
    with pytest.raises(ValueError, match="no gradient for parameter 'b1'"):
        SGD(lr=0.1).update({"b1": np.zeros(2)}, {})
    with pytest.raises(ValueError, match=r"gradient of 'W' has shape \(3,\), parameter \(2,\)"):
        SGD(lr=0.1).update({"W": np.zeros(2)}, {"W": np.zeros(3)})


@pytest.mark.parametrize(
    "make, steps",
    [
        (lambda ps: SGD(ps, lr=0.1), 200),
        (lambda ps: Momentum(ps, lr=0.05, momentum=0.9), 200),
        (lambda ps: AdaGrad(ps, lr=0.5), 300),
        (lambda ps: Adam(ps, lr=0.05), 400),
    ],
)
def test_each_optimizer_minimises_a_quadratic_through_backward(make, steps):
    from autograd_core import Tensor

    target = np.array([[1.0, -2.0], [0.5, 3.0]])
    W = Tensor(np.zeros((2, 2)), requires_grad=True, name="W")
    opt = make([W])
    for _ in range(steps):
        loss = ((W - target) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    # The only minimum is W = target (a convex quadratic); the step counts leave each rule ample
    # room to get within 1e-2 of it (AdaGrad, whose steps shrink like 1/sqrt(t), gets the most).
    np.testing.assert_allclose(W.data, target, atol=1e-2)
