"""The textbook's TwoLayerNet: backprop against numerical gradients and the book's hand-written
backward pass, params the user updates in place, and the seeds' training loop on real data."""

from __future__ import annotations

import numpy as np
import pytest

from nn import SGD, load_mnist
from nn.two_layer_net import TwoLayerNet


def _hand_written_gradient(params, x, t, activation):
    """The book's chapter-5 backward pass, written out in NumPy (an independent oracle)."""
    a1 = x @ params["W1"] + params["b1"]
    z1 = np.maximum(a1, 0) if activation == "relu" else 1 / (1 + np.exp(-a1))
    a2 = z1 @ params["W2"] + params["b2"]
    y = np.exp(a2 - a2.max(axis=1, keepdims=True))
    y /= y.sum(axis=1, keepdims=True)
    dy = (y - t) / len(x)
    dz1 = dy @ params["W2"].T
    da1 = dz1 * (a1 > 0) if activation == "relu" else dz1 * z1 * (1 - z1)
    return {"W1": x.T @ da1, "b1": da1.sum(axis=0), "W2": z1.T @ dy, "b2": dy.sum(axis=0)}


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_gradient_matches_the_hand_written_backward_pass(activation):
    rng = np.random.default_rng(0)
    net = TwoLayerNet(6, 5, 4, weight_init_std=0.5, activation=activation, seed=1)
    x = rng.random((7, 6))
    t = np.eye(4)[rng.integers(0, 4, 7)]
    grads = net.gradient(x, t)
    expected = _hand_written_gradient(net.params, x, t, activation)
    for key in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-12, atol=1e-15)


def test_gradient_check_as_the_seed_does_it():
    (x_train, t_train), _ = load_mnist(normalize=True, one_hot_label=True)
    network = TwoLayerNet(input_size=784, hidden_size=10, output_size=10, seed=0)
    x_batch, t_batch = x_train[:3], t_train[:3]
    grad_numerical = network.numerical_gradient(x_batch, t_batch)
    grad_backprop = network.gradient(x_batch, t_batch)
    for key in grad_numerical:
        diff = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
        # Central differences with h=1e-4 on a smooth float64 loss: truncation error ~h^2 * f''' ~ 1e-9
        # at most; the seed's "correct" level is about 1e-10, a wrong gradient gives 1e-3 or more.
        assert diff < 1e-8, (key, diff)


def test_params_are_plain_arrays_updated_in_place_or_replaced():
    net = TwoLayerNet(3, 4, 2, seed=0)
    x, t = np.ones((2, 3)), np.array([0, 1])
    before = net.loss(x, t)
    grads = net.gradient(x, t)
    for key in ("W1", "b1", "W2", "b2"):
        assert isinstance(net.params[key], np.ndarray)
        net.params[key] -= 0.5 * grads[key]
    assert net.loss(x, t) < before
    net.params["W2"] = np.zeros((4, 2))  # replaced, not updated: the next forward pass sees it
    np.testing.assert_array_equal(net.predict(x), np.zeros((2, 2)) + net.params["b2"])
    b2 = net.params["b2"]
    log_softmax = b2 - np.log(np.exp(b2).sum())  # every row's scores are b2 now
    assert net.loss(x, t) == pytest.approx(-(log_softmax[0] + log_softmax[1]) / 2, rel=1e-12)


def test_accuracy_with_integer_or_one_hot_labels_and_textbook_optimizer():
    net = TwoLayerNet(2, 3, 2, seed=0)
    net.params["W1"][...] = np.eye(2, 3)
    net.params["W2"][...] = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    x = np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 3.0]])
    assert net.accuracy(x, np.array([0, 1, 0])) == pytest.approx(2 / 3)
    assert net.accuracy(x, np.eye(2)[[0, 1, 1]]) == 1.0
    optimizer = SGD(lr=0.1)
    optimizer.update(net.params, net.gradient(x, np.array([0, 1, 1])))
    assert net.accuracy(x, np.array([0, 1, 1])) == 1.0


def test_the_seeds_training_loop_with_only_the_import_changed():
    """The chapter-4 loop, on a 2,000-image slice of Fashion-MNIST (a few hundred steps)."""
    np.random.seed(0)
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
    x_train, t_train, x_test, t_test = x_train[:2000], t_train[:2000], x_test[:1000], t_test[:1000]
    iters_num, batch_size, learning_rate = 300, 100, 0.1
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size / batch_size, 1)
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size, replace=False)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        loss = network.loss(x_batch, t_batch)
        train_loss_list.append(loss)
        if i % iter_per_epoch == 0:
            train_acc_list.append(network.accuracy(x_train, t_train))
            test_acc_list.append(network.accuracy(x_test, t_test))
    assert np.mean(train_loss_list[:20]) > 2.0  # log 10 = 2.30 at the start: weights of scale 0.01
    assert np.mean(train_loss_list[-20:]) < 0.8 * np.mean(train_loss_list[:20])
    assert test_acc_list[-1] > 0.5  # chance is 0.1
    assert len(test_acc_list) == 15


def test_bad_arguments():
    with pytest.raises(ValueError, match="activation must be one of"):
        TwoLayerNet(2, 2, 2, activation="tanh")
    net = TwoLayerNet(4, 3, 2)
    with pytest.raises(ValueError, match=r"input of shape \(1, 5\) has 5 features, the layer expects 4 \(W1 has shape"):
        net.predict(np.ones((1, 5)))
    net.params["W1"] = [[0.0]]
    with pytest.raises(TypeError, match=r"params\['W1'\] must be a NumPy array, got list"):
        net.loss(np.ones((1, 4)), np.array([0]))


@pytest.mark.parametrize("method", ["predict", "gradient", "loss"])
def test_bad_batches_are_refused_like_linear_does(method):
    """TwoLayerNet prepares its batch as Linear does: same checks, same message naming both shapes."""
    from nn.linear import Linear

    net = TwoLayerNet(4, 3, 2, seed=0)
    layer = Linear(4, 3, seed=0)
    layer.W.name = "W1"
    call = getattr(net, method)
    run = (lambda x: call(x)) if method == "predict" else (lambda x: call(x, np.array([0])))
    for bad in (np.float64(3.0), np.ones((1, 2, 3)), np.ones(5, dtype=np.float32)):
        with pytest.raises(ValueError) as from_layer:
            layer(bad)
        with pytest.raises(ValueError) as from_net:
            run(bad)
        assert str(from_net.value) == str(from_layer.value).replace("Linear:", "TwoLayerNet:", 1)
        assert str(bad.shape) in str(from_net.value) and "W1 has shape (4, 3)" in str(from_net.value)


def test_image_batch_of_another_dtype_is_flattened_and_converted():
    net = TwoLayerNet(6, 3, 2, seed=0)
    images = np.random.default_rng(2).random((2, 1, 2, 3)).astype(np.float32)
    flat = images.reshape(2, 6).astype(np.float64)
    scores = net.predict(images)
    assert scores.dtype == np.float64
    # Oracle: the two affine layers by hand in NumPy.
    p = net.params
    expected = np.maximum(flat @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]
    np.testing.assert_allclose(scores, expected, rtol=1e-12)
