"""The book's layers against independent oracles: hand derivations, central differences and
chainrule's Tensor engine (a different implementation of the same derivatives)."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Tensor, softmax_cross_entropy
from nn.textbook import (
    AddLayer,
    Affine,
    Dropout,
    MulLayer,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
    cross_entropy_error,
    sigmoid,
    sigmoid_grad,
    softmax,
)

RNG = np.random.default_rng(0)


def test_mul_and_add_nodes_give_the_books_numbers():
    # By hand: d(xy)/dx = y, d(xy)/dy = x; d(x+y)/dx = d(x+y)/dy = 1, times the upstream 1.3.
    mul, add = MulLayer(), AddLayer()
    assert mul.forward(10, 5) == 50
    assert mul.backward(1.3) == pytest.approx((6.5, 13.0))
    assert add.forward(10, 5) == 15
    assert add.backward(1.3) == pytest.approx((1.3, 1.3))


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(ValueError, match="MulLayer.backward: call forward"):
        MulLayer().backward(1.0)
    with pytest.raises(ValueError, match="Affine.backward: call forward"):
        Affine(np.zeros((2, 2)), np.zeros(2)).backward(np.ones((1, 2)))


def test_relu_and_sigmoid_match_the_tensor_engine():
    x = RNG.standard_normal((4, 5))
    g = RNG.standard_normal((4, 5))
    for layer, op in ((Relu(), Tensor.relu), (Sigmoid(), Tensor.sigmoid)):
        xt = Tensor(x.copy(), requires_grad=True)
        out = op(xt)
        out.backward(g)
        np.testing.assert_allclose(layer.forward(x.copy()), out.data, rtol=1e-12)
        np.testing.assert_allclose(layer.backward(g.copy()), xt.grad, rtol=1e-12)


def test_relu_backward_leaves_the_upstream_gradient_alone():
    relu = Relu()
    relu.forward(np.array([-1.0, 2.0]))
    dout = np.array([3.0, 4.0])
    assert relu.backward(dout).tolist() == [0.0, 4.0]
    assert dout.tolist() == [3.0, 4.0]


def test_sigmoid_grad_is_the_derivative():
    x = np.linspace(-4, 4, 9)
    h = 1e-6  # central differences: error ~h² f''' ~ 1e-12
    np.testing.assert_allclose(sigmoid_grad(x), (sigmoid(x + h) - sigmoid(x - h)) / (2 * h), atol=1e-9)


@pytest.mark.parametrize("shape", [(3, 6), (3, 2, 1, 3)])
def test_affine_matches_the_tensor_engine_also_on_images(shape):
    x = RNG.standard_normal(shape)
    W, b = RNG.standard_normal((6, 4)), RNG.standard_normal(4)
    g = RNG.standard_normal((shape[0], 4))
    layer = Affine(W, b)
    out = layer.forward(x)
    dx = layer.backward(g)
    xt = Tensor(x.reshape(shape[0], -1), requires_grad=True)
    Wt, bt = Tensor(W, requires_grad=True), Tensor(b, requires_grad=True)
    ot = xt @ Wt + bt
    ot.backward(g)
    np.testing.assert_allclose(out, ot.data, rtol=1e-12)
    assert dx.shape == shape and layer.original_x_shape == shape
    np.testing.assert_allclose(dx, xt.grad.reshape(shape), rtol=1e-12)
    np.testing.assert_allclose(layer.dW, Wt.grad, rtol=1e-12)
    np.testing.assert_allclose(layer.db, bt.grad, rtol=1e-12)


def test_affine_holds_the_callers_arrays():
    W, b = np.ones((2, 1)), np.zeros(1)
    layer = Affine(W, b)
    W -= 1.0  # an in-place update, as the book's training loop does
    assert layer.forward(np.array([[3.0, 4.0]])).tolist() == [[0.0]]


def test_affine_refuses_mismatched_shapes_by_name():
    with pytest.raises(ValueError, match=r"Affine\(W, b\): W must be \(in, out\).*b of shape \(3,\)"):
        Affine(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"input of shape \(2, 5\) has 5 features.*expects 4"):
        Affine(np.zeros((4, 2)), np.zeros(2)).forward(np.zeros((2, 5)))


@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_with_loss_matches_the_tensor_engine(one_hot):
    x = RNG.standard_normal((5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    t = np.eye(4)[labels] if one_hot else labels
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, t)
    dx = layer.backward()
    xt = Tensor(x, requires_grad=True)
    lt = softmax_cross_entropy(xt, labels)
    lt.backward()
    # The layer's loss has the book's 1e-7 inside the log: -log(y + 1e-7) = -log(y) - 1e-7/y + ...,
    # so it is below the exact loss by about 1e-7 / y (y >= 0.01 here).
    assert loss == pytest.approx(float(lt.data), abs=1e-5)
    assert loss < float(lt.data)
    np.testing.assert_allclose(dx, xt.grad, rtol=1e-12, atol=1e-15)


def test_softmax_with_loss_backward_scales_by_dout():
    layer = SoftmaxWithLoss()
    layer.forward(np.array([[0.0, 0.0]]), np.array([1]))
    # By hand: y = (0.5, 0.5), t = (0, 1): (y - t) / 1 = (0.5, -0.5), times 2.
    assert layer.backward(2.0).tolist() == [[1.0, -1.0]]


def test_cross_entropy_error_by_hand():
    y = np.array([[0.1, 0.6, 0.3], [0.8, 0.1, 0.1]])
    expected = -(np.log(0.6 + 1e-7) + np.log(0.8 + 1e-7)) / 2
    assert cross_entropy_error(y, np.array([1, 0])) == pytest.approx(expected, rel=1e-15)
    assert cross_entropy_error(y, np.array([[0, 1, 0], [1, 0, 0]])) == pytest.approx(expected, rel=1e-15)
    assert cross_entropy_error(y[0], np.array([0, 1, 0])) == pytest.approx(-np.log(0.6 + 1e-7), rel=1e-15)
    with pytest.raises(ValueError, match="3 label"):
        cross_entropy_error(y, np.array([0, 1, 2]))


def test_softmax_rows_and_large_scores():
    x = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]])
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(softmax(x)[0], e / e.sum(), rtol=1e-14)
    np.testing.assert_allclose(softmax(x)[1], [1 / 3] * 3, rtol=1e-14)


def test_dropout_keeps_units_above_the_ratio_and_routes_gradient():
    np.random.seed(3)
    draws = np.random.rand(2, 6)
    np.random.seed(3)
    d = Dropout(0.4)
    out = d.forward(np.full((2, 6), 2.0))
    np.testing.assert_array_equal(out, np.where(draws > 0.4, 2.0, 0.0))
    np.testing.assert_array_equal(d.backward(np.ones((2, 6))), (draws > 0.4).astype(float))
    assert d.forward(np.ones(3), train_flg=False).tolist() == pytest.approx([0.6] * 3)


def test_nn_affine_given_arrays_points_to_the_textbook_layer():
    from nn import Affine as ModuleAffine

    with pytest.raises(TypeError) as caught:
        ModuleAffine(np.zeros((784, 50)), np.zeros(50))
    message = str(caught.value)
    assert "nn.textbook.Affine(W, b)" in message and "shape (784, 50)" in message
    assert "0., 0." not in message  # the array itself is not printed
