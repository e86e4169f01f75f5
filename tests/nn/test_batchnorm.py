"""BatchNorm: training and evaluation outputs and running statistics against hand computation,
the fused VJP against HIPS autograd and finite differences (float64), buffers in the state dict."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as hips_grad

from autograd_core import Tensor
from nn import BatchNorm, Sequential, convnet
from nn.batchnorm import batch_norm


def hand_bn(x, gamma, beta, mean, var, eps):
    """The textbook's formula, per feature on axis 1 (statistics given)."""
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return gamma.reshape(shape) * (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) + beta.reshape(shape)


def hips_bn_train(x, gamma, beta, axes, eps):
    mean = anp.mean(x, axis=axes, keepdims=True)
    var = anp.mean((x - mean) ** 2, axis=axes, keepdims=True)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return anp.reshape(gamma, shape) * (x - mean) / anp.sqrt(var + eps) + anp.reshape(beta, shape)


def _layer(c, rng):
    bn = BatchNorm(c, dtype=np.float64)
    bn.gamma.data[...] = rng.standard_normal(c)
    bn.beta.data[...] = rng.standard_normal(c)
    return bn


@pytest.mark.parametrize("shape, axes", [((6, 3), (0,)), ((4, 3, 5, 2), (0, 2, 3))])
def test_training_output_and_running_statistics_by_hand(shape, axes):
    rng = np.random.default_rng(0)
    bn = _layer(shape[1], rng)
    batches = [rng.standard_normal(shape) * 3 + 1 for _ in range(2)]
    running_mean, running_var = np.zeros(shape[1]), np.ones(shape[1])
    for x in batches:
        out = bn(x)
        mean, var = x.mean(axis=axes), x.var(axis=axes)  # biased variance normalises the batch
        np.testing.assert_allclose(out.data, hand_bn(x, bn.gamma.data, bn.beta.data, mean, var, 1e-5), rtol=1e-10)
        m = x.size // shape[1]
        running_mean = 0.9 * running_mean + 0.1 * mean
        running_var = 0.9 * running_var + 0.1 * var * m / (m - 1)  # unbiased in the running average
    np.testing.assert_allclose(bn.running_mean.data, running_mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.data, running_var, rtol=1e-12)


def test_eval_uses_running_statistics_and_changes_nothing():
    rng = np.random.default_rng(1)
    bn = _layer(3, rng)
    bn.running_mean.data[...] = [0.5, -1.0, 2.0]
    bn.running_var.data[...] = [4.0, 0.25, 1.0]
    bn.eval()
    x = rng.standard_normal((1, 3, 2, 2))  # a single image works in eval mode
    out = bn(x)
    expected = hand_bn(x, bn.gamma.data, bn.beta.data, bn.running_mean.data, bn.running_var.data, 1e-5)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    np.testing.assert_array_equal(bn.running_mean.data, [0.5, -1.0, 2.0])
    np.testing.assert_array_equal(bn.running_var.data, [4.0, 0.25, 1.0])
    # Train mode again: batch statistics, so a shifted batch comes out centred.
    bn.train()
    y = bn(rng.standard_normal((8, 3)) + 100.0)
    np.testing.assert_allclose((y.data - bn.beta.data).mean(axis=0), 0.0, atol=1e-10)


@pytest.mark.parametrize("shape, axes", [((5, 3), (0,)), ((3, 2, 4, 3), (0, 2, 3))])
def test_training_vjp_matches_hips_autograd_and_finite_differences(shape, axes):
    rng = np.random.default_rng(2)
    bn = _layer(shape[1], rng)
    x = rng.standard_normal(shape)
    xt = Tensor(x, requires_grad=True)
    out = bn(xt)
    upstream = rng.standard_normal(shape)
    out.backward(grad=upstream)
    args = (x, bn.gamma.data.copy(), bn.beta.data.copy())

    def loss(xa, ga, ba):
        return anp.sum(hips_bn_train(xa, ga, ba, axes, 1e-5) * upstream)

    for index, ours in enumerate((xt.grad, bn.gamma.grad, bn.beta.grad)):
        np.testing.assert_allclose(ours, hips_grad(loss, index)(*args), rtol=1e-9, atol=1e-10)
    # Central differences (eps 1e-6) of a smooth function of values ~1: error ~1e-9.
    numeric = np.zeros_like(x)
    for i in range(x.size):
        for sign in (1, -1):
            shifted = x.copy()
            shifted.flat[i] += sign * 1e-6
            numeric.flat[i] += sign * loss(shifted, *args[1:]) / 2e-6
    np.testing.assert_allclose(xt.grad, numeric, rtol=1e-5, atol=1e-7)


def test_eval_vjp_is_the_scaled_gradient():
    rng = np.random.default_rng(3)
    bn = _layer(2, rng).eval()
    bn.running_var.data[...] = [4.0, 9.0]
    xt = Tensor(rng.standard_normal((3, 2)), requires_grad=True)
    upstream = rng.standard_normal((3, 2))
    bn(xt).backward(grad=upstream)
    # y = gamma * (x - rm) / sqrt(rv + eps) + beta: dy/dx = gamma / sqrt(rv + eps), by hand.
    np.testing.assert_allclose(xt.grad, upstream * bn.gamma.data / np.sqrt(np.array([4.0, 9.0]) + 1e-5), rtol=1e-12)
    xhat = (xt.data - bn.running_mean.data) / np.sqrt(bn.running_var.data + 1e-5)
    np.testing.assert_allclose(bn.gamma.grad, (upstream * xhat).sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.beta.grad, upstream.sum(axis=0), rtol=1e-12)


def test_running_statistics_are_saved_and_loaded_with_the_weights():
    rng = np.random.default_rng(4)
    model = convnet(batchnorm=True, seed=0)
    model(rng.random((4, 1, 28, 28)).astype(np.float32))  # one training batch moves the statistics
    state = model.state_dict()
    assert {"1.running_mean", "1.running_var", "6.running_mean", "6.running_var", "1.gamma", "6.beta"} <= set(state)
    other = convnet(batchnorm=True, seed=1)
    other.load_state_dict(state)
    np.testing.assert_array_equal(other[1].running_var.data, model[1].running_var.data)
    assert not np.allclose(other[1].running_var.data, 1.0)
    assert [n for n, _ in Sequential(BatchNorm(2)).named_parameters()] == ["0.gamma", "0.beta"]  # not trained


def test_float32_is_kept_and_errors_name_the_layer():
    bn = BatchNorm(3)
    out = bn(np.random.default_rng(5).random((4, 3)))  # float64 data, float32 layer
    assert out.dtype == np.float32 and bn.running_mean.data.dtype == np.float32
    with pytest.raises(ValueError, match=r"batch_norm: input of shape \(4, 2\) has 2 features \(axis 1\), the layer "
                                         r"has 3"):
        bn(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"batch_norm: training needs more than one value per feature"):
        bn(np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"expected \(N, C\) or \(N, C, H, W\)"):
        bn(np.zeros((4, 3, 2)))
    with pytest.raises(ValueError, match=r"BatchNorm: num_features must be a positive integer"):
        BatchNorm(0)
    gamma, beta = Tensor(np.ones(1), requires_grad=True), Tensor(np.zeros(1), requires_grad=True)
    out = batch_norm(np.array([[1.0], [3.0]]), gamma, beta, np.zeros(1), np.ones(1), eps=1e-5)
    np.testing.assert_allclose(out.data.ravel(), [-1 / np.sqrt(1 + 1e-5), 1 / np.sqrt(1 + 1e-5)], rtol=1e-12)


@pytest.mark.parametrize("layer", ["conv", "pool", "batchnorm"])
def test_fused_layer_ops_refuse_second_order_instead_of_wrong_numbers(layer):
    from nn import BatchNorm, Conv2d, MaxPool2d

    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((2, 3, 6, 6)), requires_grad=True)
    module = {"conv": Conv2d(3, 2, 3, dtype=np.float64, seed=0), "pool": MaxPool2d(2),
              "batchnorm": BatchNorm(3)}[layer]
    if layer == "batchnorm":
        module.eval()
    y = module(x)
    with pytest.raises(NotImplementedError, match="create_graph=True"):
        (y * y).sum().backward(create_graph=True)
    assert x.grad is None  # all or nothing: nothing half-written


def test_a_batch_of_one_in_train_mode_names_the_layer_and_the_shape():
    from nn import Linear, Sequential

    layer = BatchNorm(3)
    with pytest.raises(ValueError, match=r"^layer BatchNorm \(3 features, train mode\): .* shape \(1, 3\)"):
        layer(np.ones((1, 3), np.float32))
    net = Sequential(Linear(2, 3, seed=0, dtype=np.float32), BatchNorm(3))
    with pytest.raises(ValueError, match=r"^layer 1\.BatchNorm \(3 features, train mode\): .* shape \(1, 3\)"):
        net(np.ones((1, 2), np.float32))
    net.eval()  # one example on the running statistics: fine
    assert net(np.ones((1, 2), np.float32)).shape == (1, 3)
