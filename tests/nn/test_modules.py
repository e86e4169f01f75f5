"""Modules: parameters found automatically, modes, state dicts, layers against NumPy by hand."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Tensor
from nn import Affine, Dropout, Linear, Module, ReLU, Sequential, Sigmoid, Tanh, mse, softmax_cross_entropy
from nn.multilayer import mlp


class _Block(Module):
    def __init__(self):
        super().__init__()
        self.scale = Tensor(np.ones(3), requires_grad=True)
        self.fixed = Tensor(np.ones(3))  # requires_grad False: not a parameter
        self.inner = Linear(3, 2, seed=0)
        self.heads = [Linear(2, 1, seed=1), Linear(2, 1, seed=2)]
        self.shared = self.inner  # the same module twice: its parameters are listed once

    def forward(self, x):
        return self.inner(x * self.scale)


def test_parameters_found_by_attribute_with_dotted_names():
    block = _Block()
    names = [name for name, _ in block.named_parameters()]
    assert names == ["scale", "inner.W", "inner.b", "heads.0.W", "heads.0.b", "heads.1.W", "heads.1.b"]
    assert len(block.parameters()) == 7
    assert all(p.requires_grad for p in block.parameters())


def test_linear_matches_numpy_and_flattens_images():
    layer = Linear(12, 4, seed=3)
    x = np.random.default_rng(0).random((5, 1, 3, 4))
    np.testing.assert_allclose(layer(x).data, x.reshape(5, 12) @ layer.W.data + layer.b.data, rtol=1e-12)
    assert Affine is Linear
    with pytest.raises(ValueError, match=r"Linear: input of shape \(5, 7\) has 7 features, the layer expects 12"):
        layer(np.ones((5, 7)))


def test_initialisations_have_the_promised_scale():
    # 400 x 300 = 120,000 draws: the sample std is within 1% of the target with overwhelming probability.
    for init, std in (("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(1 / 400)), (0.01, 0.01)):
        W = Linear(400, 300, init=init, seed=0).W.data
        assert abs(W.std() / std - 1) < 0.01
    assert Linear(4, 3, dtype=np.float32).W.dtype == np.float32
    with pytest.raises(ValueError, match="unknown initialisation 'lecun'"):
        Linear(2, 2, init="lecun")


def test_linear_gradients_against_the_hand_derivation():
    layer = Linear(3, 2, seed=4)
    x = np.random.default_rng(1).random((4, 3))
    out = layer(x)
    upstream = np.random.default_rng(2).random((4, 2))
    out.backward(grad=upstream)
    np.testing.assert_allclose(layer.W.grad, x.T @ upstream, rtol=1e-12)
    np.testing.assert_allclose(layer.b.grad, upstream.sum(axis=0), rtol=1e-12)


def test_activations():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    np.testing.assert_array_equal(ReLU()(Tensor(x)).data, np.maximum(x, 0))
    np.testing.assert_allclose(Sigmoid()(Tensor(x)).data, 1 / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(Tanh()(Tensor(x)).data, np.tanh(x), rtol=1e-12)


def test_dropout_in_training_and_eval():
    drop = Dropout(0.25, seed=0)
    x = Tensor(np.ones((200, 50)), requires_grad=True)
    y = drop(x)
    kept = y.data != 0
    # 10,000 Bernoulli(0.75) draws: the kept fraction is within 0.02 of 0.75 (about 5 standard deviations).
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(y.data[kept], 1 / 0.75)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, kept / 0.75)
    net = Sequential(drop)
    net.eval()
    assert not drop.training
    np.testing.assert_array_equal(net(np.ones(4)).data, np.ones(4))
    net.train()
    assert drop.training
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\)"):
        Dropout(1.0)


def test_sequential_names_and_zero_grad():
    net = mlp([4, 5, 3], seed=0)
    assert [n for n, _ in net.named_parameters()] == ["0.W", "0.b", "2.W", "2.b"]
    loss = softmax_cross_entropy(net(np.ones((2, 4))), np.array([0, 1]))
    loss.backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    with pytest.raises(TypeError, match="layer 1 is a ufunc, not a Module"):
        Sequential(ReLU(), np.tanh)


def test_state_dict_round_trip_and_errors():
    a, b = mlp([4, 3, 2], seed=0), mlp([4, 3, 2], seed=1)
    state = a.state_dict()
    state["0.W"][0, 0] = 123.0  # a copy: changing it leaves the model alone
    assert a[0].W.data[0, 0] != 123.0
    b.load_state_dict(a.state_dict())
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data)
    before = b[0].W.data.copy()
    bad = {"0.W": np.zeros((4, 3)), "0.b": np.zeros(5), "extra": np.zeros(1)}
    with pytest.raises(ValueError) as info:
        b.load_state_dict(bad)
    message = str(info.value)
    assert "missing array(s) '2.W', '2.b'" in message
    assert "unexpected array(s) 'extra'" in message
    assert "array '0.b' has shape (5,), the model expects (3,)" in message
    np.testing.assert_array_equal(b[0].W.data, before)  # nothing changed


def test_mse_against_numpy_and_its_gradient():
    p = Tensor(np.array([[1.0, 2.0], [3.0, 5.0]]), requires_grad=True)
    t = np.array([[0.0, 2.0], [1.0, 1.0]])
    loss = mse(p, t)
    assert loss.item() == pytest.approx(np.mean((p.data - t) ** 2), rel=1e-15)
    loss.backward()
    np.testing.assert_allclose(p.grad, 2 * (p.data - t) / 4, rtol=1e-15)
    with pytest.raises(ValueError, match=r"mse: prediction has shape \(2, 2\) but target has shape \(3,\)"):
        mse(p, np.zeros(3))


def test_softmax_cross_entropy_stable_for_large_logits_and_one_hot():
    logits = Tensor(np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]]), requires_grad=True)
    loss = softmax_cross_entropy(logits, np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
    assert loss.item() == pytest.approx((1000.0 + np.log(3)) / 2, rel=1e-12)
    loss.backward()
    expected = (np.array([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]]) - [[0, 1, 0], [0, 0, 1]]) / 2
    np.testing.assert_allclose(logits.grad, expected, atol=1e-15)
