"""The book's optimizers: two steps computed by hand from the update rules, Adam against nn's
independently written Adam, and the in-place update the layers rely on."""

from __future__ import annotations

import numpy as np
import pytest

from nn import Adam as EngineAdam
from nn.textbook import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop, TwoLayerNet

G1, G2 = np.array([0.5, -2.0]), np.array([1.0, 1.0])


def _two_steps(optimizer):
    params = {"w": np.array([1.0, 1.0])}
    array = params["w"]
    optimizer.update(params, {"w": G1})
    optimizer.update(params, {"w": G2})
    assert params["w"] is array  # in place
    return params["w"]


def test_sgd_and_momentum_by_hand():
    np.testing.assert_allclose(_two_steps(SGD(lr=0.1)), 1 - 0.1 * (G1 + G2))
    v1 = -0.1 * G1
    v2 = 0.9 * v1 - 0.1 * G2
    np.testing.assert_allclose(_two_steps(Momentum(lr=0.1, momentum=0.9)), 1 + v1 + v2)


def test_nesterov_by_hand():
    v1 = -0.1 * G1
    p1 = 1 + 0.81 * v1 - 1.9 * 0.1 * G1
    v2 = 0.9 * v1 - 0.1 * G2
    np.testing.assert_allclose(_two_steps(Nesterov(lr=0.1, momentum=0.9)), p1 + 0.81 * v2 - 1.9 * 0.1 * G2)


def test_adagrad_and_rmsprop_by_hand():
    h1, h2 = G1**2, G1**2 + G2**2
    expected = 1 - 0.1 * G1 / (np.sqrt(h1) + 1e-7) - 0.1 * G2 / (np.sqrt(h2) + 1e-7)
    np.testing.assert_allclose(_two_steps(AdaGrad(lr=0.1)), expected)
    r1 = 0.01 * G1**2
    r2 = 0.99 * r1 + 0.01 * G2**2
    expected = 1 - 0.1 * G1 / (np.sqrt(r1) + 1e-7) - 0.1 * G2 / (np.sqrt(r2) + 1e-7)
    np.testing.assert_allclose(_two_steps(RMSprop(lr=0.1)), expected)


def test_adam_matches_nn_adam():
    rng = np.random.default_rng(0)
    ours, theirs = {"w": rng.standard_normal(5)}, {"w": None}
    theirs["w"] = ours["w"].copy()
    a, b = Adam(lr=0.01), EngineAdam(lr=0.01)
    for _ in range(20):
        g = rng.standard_normal(5)
        a.update(ours, {"w": g})
        b.update(theirs, {"w": g.copy()})
    # The book folds the bias correction into the step and adds 1e-7 to sqrt(v) (not to sqrt(v̂)):
    # with |g| ~ 1 that moves each step by ~1e-7 relative, far below this tolerance.
    np.testing.assert_allclose(ours["w"], theirs["w"], rtol=1e-5)


def test_training_a_layered_net_with_adam_lowers_the_loss():
    np.random.seed(0)
    net = TwoLayerNet(4, 8, 3, weight_init_std=0.5)
    x, t = np.random.rand(16, 4), np.random.randint(0, 3, 16)
    before = net.loss(x, t)
    optimizer = Adam(lr=0.05)
    for _ in range(50):
        optimizer.update(net.params, net.gradient(x, t))
    assert net.loss(x, t) < 0.5 * before


def test_bad_update_is_refused_by_name():
    with pytest.raises(ValueError, match="no gradient for 'b'"):
        SGD().update({"b": np.zeros(2)}, {})
    with pytest.raises(ValueError, match=r"'W' is ndarray of shape \(2,\), its gradient has shape \(3,\)"):
        SGD().update({"W": np.zeros(2)}, {"W": np.zeros(3)})
    with pytest.raises(ValueError, match="lr must be positive"):
        Adam(lr=0)
