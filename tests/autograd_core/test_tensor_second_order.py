"""backward(create_graph=True) on Tensors: the gradient is a graph that can be differentiated again.

Oracles: Hessian-vector products against central differences of first-order gradients (for every
op family); DeZero's higher-order examples (tanh to the 6th derivative against the polynomial
recurrence d/dx P(tanh x) = P'(tanh x) (1 - tanh² x) and HIPS autograd; Newton's method on
x⁴ - 2x² against the analytic iteration x - (4x³ - 4x) / (12x² - 4))."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Tensor, concatenate, maximum, softmax_cross_entropy, stack, where
from autograd_core.testing import arrays

LABELS = np.array([2, 0, 1])
WEIGHTS = np.linspace(-1.0, 1.0, 12).reshape(3, 4)

# Scalar functions of a (3, 4) Tensor, each exercising a family of ops' VJPs under create_graph.
FUNCTIONS = {
    "elementwise": lambda x: (x.exp() * x.tanh() + x.sigmoid() / (1 + x * x) + (x * x + 1).log()).sum(),
    "trig and powers": lambda x: (x.sin() * x.cos() + (x * x + 0.5) ** 1.5 + (x * x + 1).sqrt() - x ** 3).sum(),
    "division and tensor powers": lambda x: (1 / (x * x + 1) + (x * x + 1) ** (x * 0.3)).mean(),
    "matmul": lambda x: ((x @ x.T) @ x).tanh().sum() + (x[0] @ x[1]) + (x @ np.arange(4.0)).sum(),
    "batched matmul": lambda x: (x.reshape(3, 2, 2) @ x.reshape(3, 2, 2).swapaxes(-1, -2)).tanh().sum(),
    "broadcasting": lambda x: ((x * x.sum(axis=0)) * (x.mean(axis=1, keepdims=True) - x)).sum(),
    "reductions": lambda x: (x * x).max(axis=1).sum() + x.var(axis=0).sum() + (x * x).std() + (x ** 3).min(),
    "softmax family": lambda x: (x.softmax(axis=1) * WEIGHTS).sum() + x.log_softmax(axis=0)[0].sum() ** 2,
    "cross-entropy": lambda x: (
        softmax_cross_entropy(x * x, LABELS) + softmax_cross_entropy(x.T * x.T, np.eye(3)[[0, 1, 2, 0]])
    ),
    "generic loss": lambda x: -(x * x).log_softmax(axis=1)[np.arange(3), LABELS].mean(),
    "indexing": lambda x: ((x[np.array([0, 0, 2])] ** 2) * x[1:, ::2].sum()).sum() + (x[x.data > 0] ** 3).sum(),
    "shapes": lambda x: (
        concatenate([x, x * x], axis=1).T.reshape(4, 6).reshape(8, 3).T.tanh()
        * stack([x, x.exp()]).sum_to((1, 3, 4)).roll(1, 2).moveaxis(0, 2).squeeze(2).repeat(2, axis=1)
    ).sum(),
    "choosing": lambda x: (
        where(x.data > 0, x * x, x ** 3) + maximum(x * x, 1.0) + (x * x).clip(0.2, 2.0) * x + x.leaky_relu(0.1) * x
        + x.relu() * x.sigmoid() + abs(x) * x
    ).sum(),
    "broadcast_to": lambda x: (x.sum(axis=0).broadcast_to((2, 4)) ** 2).sum() + x.flatten().expand_dims(0).sum() ** 2,
}


def gradient(f, x: np.ndarray) -> np.ndarray:
    t = Tensor(x, requires_grad=True)
    f(t).backward()
    return t.grad


@st.composite
def off_the_kinks(draw) -> np.ndarray:
    """A (3, 4) array whose magnitudes are 0.1 + 0.11 k (k = 0..11) plus a jitter below 0.005, with
    random signs, shuffled: no two |x| within 0.1 (no ties for max, min), and every |x| at least
    0.01 from the kinks of the functions above (0; x² = 0.2, 1, 2 for clip and maximum)."""
    jitter = draw(arrays((12,), min_value=0.0, max_value=0.005))
    signs = np.where(draw(arrays((12,))) >= 0, 1.0, -1.0)
    order = draw(st.permutations(range(12)))
    magnitudes = 0.1 + 0.11 * np.arange(12.0) + jitter
    return (signs * magnitudes)[list(order)].reshape(3, 4)


# 14 functions, each a few graphs per example: at most 30 examples each keeps the file within its
# share of the suite's time on 2 cores (the profile's count when smaller).
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@settings(max_examples=min(settings().max_examples, 30))
@given(x=off_the_kinks(), data=st.data())
def test_hessian_vector_products_match_finite_differences_of_gradients(name, x, data):
    f = FUNCTIONS[name]
    v = data.draw(arrays((3, 4)))
    t = Tensor(x, requires_grad=True)
    f(t).backward(create_graph=True)
    g = t.grad
    assert isinstance(g, Tensor)
    np.testing.assert_allclose(g.data, gradient(f, x), rtol=1e-12, atol=1e-12)  # the first order is unchanged
    t.grad = None
    (g * v).sum().backward()
    hvp = t.grad if t.grad is not None else np.zeros_like(x)
    # Central differences of the gradient along v (|v| <= 3), eps 1e-5: truncation ~1e-10 |f'''| and
    # rounding ~1e-11 |grad|; the nudges (3e-5) never cross a kink (the inputs stay 0.01 away).
    eps = 1e-5
    numerical = (gradient(f, x + eps * v) - gradient(f, x - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hvp, numerical, rtol=1e-5, atol=1e-6)


def test_first_order_gradients_stay_arrays():
    x = Tensor(np.ones(3), requires_grad=True)
    (x * x).sum().backward()
    assert type(x.grad) is np.ndarray


def tanh_derivative_polynomials(order: int) -> list[np.polynomial.Polynomial]:
    """P_k with d^k/dx^k tanh(x) = P_k(tanh x): P_0 = t, P_{k+1} = P_k'(t) (1 - t²)."""
    polys = [np.polynomial.Polynomial([0.0, 1.0])]
    one_minus_t2 = np.polynomial.Polynomial([1.0, 0.0, -1.0])
    for _ in range(order):
        polys.append(polys[-1].deriv() * one_minus_t2)
    return polys


def test_tanh_derivatives_to_the_sixth_order():
    # DeZero step 35: y = tanh(x), differentiated again and again.
    points = np.linspace(-3.0, 3.0, 13)
    x = Tensor(points, requires_grad=True)
    x.tanh().sum().backward(create_graph=True)
    derivatives = [x.grad]
    for _ in range(5):
        gx = x.grad
        x.grad = None
        gx.sum().backward(create_graph=True)
        derivatives.append(x.grad)
    polys = tanh_derivative_polynomials(6)
    hips = anp.tanh
    for order, got in enumerate(derivatives, start=1):
        hips = autograd.elementwise_grad(hips)
        expected = polys[order](np.tanh(points))
        # Two analytic computations of the same polynomial in tanh: they differ by rounding only.
        np.testing.assert_allclose(got.data, expected, rtol=1e-9, atol=1e-9 * np.abs(expected).max())
        np.testing.assert_allclose(got.data, hips(points), rtol=1e-9, atol=1e-9 * np.abs(expected).max())


def test_newtons_method_on_a_quartic_converges_as_dezero_shows():
    # DeZero step 33: minimise y = x⁴ - 2x² from x = 2 with the second derivative by double backprop.
    x = Tensor(2.0, requires_grad=True)
    expected = 2.0
    path = []
    for _ in range(10):
        y = x**4 - 2 * x**2
        x.grad = None
        y.backward(create_graph=True)
        gx = x.grad
        x.grad = None
        gx.backward()
        gx2 = x.grad
        x.data = x.data - gx.data / gx2
        expected = expected - (4 * expected**3 - 4 * expected) / (12 * expected**2 - 4)
        path.append(float(x.data))
        assert float(x.data) == pytest.approx(expected, rel=1e-12)
    # DeZero's printout: 2.0, 1.4545..., 1.1510..., 1.0253..., 1.0009..., 1.0000012..., 1.0
    assert path[0] == pytest.approx(1.4545454545454546, rel=1e-12) and path[-1] == 1.0


def test_float32_gradient_graphs_stay_float32():
    x = Tensor(np.array([0.5, -1.0], dtype=np.float32), requires_grad=True)
    (x.tanh() * x).sum().backward(create_graph=True)
    g = x.grad
    assert g.dtype == np.float32
    x.grad = None
    g.sum().backward()
    assert x.grad.dtype == np.float32


def test_an_infinite_slope_gives_inf_under_create_graph_as_in_first_order():
    # d/dx x**0.5 = 0.5 x**-0.5: inf at 0 in both orders (the forward step checked the domain).
    first = Tensor(0.0, requires_grad=True)
    (first**0.5).backward()
    second = Tensor(0.0, requires_grad=True)
    (second**0.5).backward(create_graph=True)
    assert np.isinf(first.grad) and np.isinf(second.grad.data)


def test_double_backprop_through_a_gradient_term():
    # DeZero step 36: z = (dy/dx)**3 + y with y = x**2; by hand dz/dx = 24 x² + 2x = 100 at x = 2.
    x = Tensor(2.0, requires_grad=True)
    y = x**2
    y.backward(create_graph=True)
    gx = x.grad
    x.grad = None
    z = gx**3 + y
    z.backward()
    assert x.grad == pytest.approx(100.0, rel=1e-12)


def test_the_full_hessian_of_a_small_network_matches_hips_autograd():
    rng = np.random.default_rng(5)
    batch = rng.standard_normal((4, 3))
    targets = rng.standard_normal((4, 2))
    w0 = rng.standard_normal((3, 2))

    def hips_loss(w):
        return anp.mean((anp.tanh(anp.dot(batch, w)) - targets) ** 2)

    expected = autograd.hessian(hips_loss)(w0).reshape(6, 6)
    rows = []
    for k in range(6):  # one Hessian-vector product per basis direction
        W = Tensor(w0.copy(), requires_grad=True)
        (((batch @ W).tanh() - targets) ** 2).mean().backward(create_graph=True)
        g = W.grad
        W.grad = None
        (g * np.eye(6)[k].reshape(3, 2)).sum().backward()
        rows.append(W.grad.reshape(6))
    # Two analytic second derivatives of the same function: they differ by rounding only.
    np.testing.assert_allclose(np.array(rows), expected, rtol=1e-9, atol=1e-12)
