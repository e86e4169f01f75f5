"""The book's networks: gradients by layers against chainrule's Tensor engine (nn.TwoLayerNet
on the same weights), the book's printed simpleNet session, weight decay by hand, central
differences for the CNN, and the params/layers sharing the book's training loop relies on."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from autograd_core import GradcheckWarning
from nn import TwoLayerNet as EngineTwoLayerNet
from nn.textbook import (
    MultiLayerNet,
    MultiLayerNetExtend,
    SimpleConvNet,
    TwoLayerNet,
    numerical_gradient,
    simpleNet,
)


def test_simple_net_reproduces_the_books_session():
    # The book's chapter 4 session (also quoted in the seed): these weights, x, t print these numbers.
    net = simpleNet()
    net.W = np.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
    x, t = np.array([0.6, 0.9]), np.array([0, 0, 1])
    np.testing.assert_allclose(net.predict(x), [1.05414809, 0.63071653, 1.1328074], atol=1e-8)
    # The book prints 0.92806853663411326; with the 1e-7 inside the log the loss is lower by
    # 1e-7 / y_t, y_t = softmax(...)[2] = 0.3953: 2.5e-7, as the book's printed value lacks it.
    y_t = np.exp(1.1328074) / np.exp([1.05414809, 0.63071653, 1.1328074]).sum()
    assert net.loss(x, t) == pytest.approx(0.92806853663411326 - 1e-7 / y_t, abs=1e-8)
    dW = numerical_gradient(lambda W: net.loss(x, t), net.W)
    np.testing.assert_allclose(dW, [[0.21924763, 0.14356247, -0.36281009], [0.32887144, 0.2153437, -0.54421514]],
                               atol=1e-7)


def test_numerical_gradient_of_a_copy_is_zero_as_the_seed_found():
    # The chapter-4 question seed: nudging an array the loss does not read changes nothing.
    net = simpleNet()
    x, t = np.array([0.6, 0.9]), np.array([0, 0, 1])
    a = net.W.copy()
    with pytest.warns(GradcheckWarning, match="may not read x at all"):  # now said, not silent
        assert not numerical_gradient(lambda W: net.loss(x, t), a).any()
    with warnings.catch_warnings():
        warnings.simplefilter("error", GradcheckWarning)
        assert numerical_gradient(lambda W: net.loss(x, t), net.W).any()


def test_numerical_gradient_refuses_integers():
    with pytest.raises(TypeError, match="dtype int"):
        numerical_gradient(lambda W: 0.0, np.array([1, 2]))


def test_layered_two_layer_net_matches_the_tensor_engine():
    np.random.seed(0)
    net = TwoLayerNet(input_size=6, hidden_size=5, output_size=3, weight_init_std=1.0)
    engine = EngineTwoLayerNet(6, 5, 3, seed=0)
    for key in net.params:
        engine.params[key][...] = net.params[key]
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((4, 6)), np.eye(3)[[0, 2, 1, 1]]
    ours, theirs = net.gradient(x, t), engine.gradient(x, t)
    assert list(ours) == ["W1", "b1", "W2", "b2"]
    for key in ours:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-10, atol=1e-14)
    assert net.accuracy(x, t) == engine.accuracy(x, t)
    np.testing.assert_allclose(net.predict(x), engine.predict(x), rtol=1e-12)


def test_in_place_updates_reach_the_layers():
    np.random.seed(1)
    net = TwoLayerNet(4, 3, 2)
    assert net.layers["Affine1"].W is net.params["W1"]
    x, t = np.random.rand(2, 4), np.array([0, 1])
    before = net.loss(x, t)
    grad = net.gradient(x, t)
    for key in ("W1", "b1", "W2", "b2"):
        net.params[key] -= 0.5 * grad[key]
    assert net.loss(x, t) < before


def test_weight_decay_adds_half_lambda_w_squared_and_lambda_w():
    np.random.seed(2)
    plain = MultiLayerNet(3, [4], 2)
    np.random.seed(2)
    decayed = MultiLayerNet(3, [4], 2, weight_decay_lambda=0.3)
    x, t = np.random.rand(5, 3), np.array([0, 1, 1, 0, 1])
    squares = sum(np.sum(decayed.params[k] ** 2) for k in ("W1", "W2"))
    assert decayed.loss(x, t) == pytest.approx(plain.loss(x, t) + 0.5 * 0.3 * squares, rel=1e-14)
    g0, g1 = plain.gradient(x, t), decayed.gradient(x, t)
    np.testing.assert_allclose(g1["W1"], g0["W1"] + 0.3 * decayed.params["W1"], rtol=1e-12)
    np.testing.assert_allclose(g1["b1"], g0["b1"], rtol=1e-12)


def test_he_and_xavier_initial_scales():
    np.random.seed(3)
    he = MultiLayerNet(400, [300], 10, weight_init_std="he")
    xavier = MultiLayerNet(400, [300], 10, activation="sigmoid", weight_init_std="xavier")
    assert he.params["W1"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert xavier.params["W2"].std() == pytest.approx(np.sqrt(1 / 300), rel=0.05)
    with pytest.raises(ValueError, match="weight_init_std"):
        MultiLayerNet(4, [3], 2, weight_init_std="lecun")


def test_batchnorm_network_gradient_matches_central_differences():
    np.random.seed(4)
    net = MultiLayerNetExtend(5, [6, 4], 3, use_batchnorm=True, weight_decay_lambda=0.05)
    x, t = np.random.randn(8, 5), np.array([0, 1, 2, 0, 1, 2, 0, 1])
    # The hidden layers' biases come right before a batch normalisation, which subtracts them
    # again: the loss does not depend on them, and numerical_gradient says so.
    with pytest.warns(GradcheckWarning, match="batch normalisation") as caught:
        grad, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    assert sorted(str(w.message).split("(shape ")[1].split(")")[0] for w in caught) == ["(4,", "(6,"]
    assert not numerical["b1"].any() and not numerical["b2"].any()
    assert {"gamma1", "beta2"} <= set(grad)
    for key in grad:
        # h = 1e-4 central differences plus the loss's 1e-7 inside the log: agreement to ~1e-6.
        np.testing.assert_allclose(grad[key], numerical[key], atol=1e-5, err_msg=key)


def test_simple_conv_net_gradient_matches_central_differences(tmp_path):
    np.random.seed(5)
    net = SimpleConvNet(input_dim=(2, 6, 6), conv_param={"filter_num": 3, "filter_size": 3, "pad": 1, "stride": 1},
                        hidden_size=4, output_size=3, weight_init_std=0.3)
    x, t = np.random.randn(2, 2, 6, 6), np.array([2, 0])
    grad, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    assert net.params["W2"].shape == (3 * 3 * 3, 4)
    for key in grad:
        np.testing.assert_allclose(grad[key], numerical[key], atol=1e-6, err_msg=key)
    # save_params / load_params round trip, into the arrays the layers read.
    net.save_params(str(tmp_path / "params.pkl"))
    expected = net.predict(x)
    for array in net.params.values():
        array[...] = 0
    net.load_params(str(tmp_path / "params.pkl"))
    np.testing.assert_array_equal(net.predict(x), expected)
    assert net.accuracy(x, t, batch_size=1) == np.mean(expected.argmax(axis=1) == t)
