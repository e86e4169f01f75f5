"""define_tensor_op: a user's Tensor op is a first-class citizen, through the same registry as the
built-in ops: gradients against finite differences and HIPS autograd, drawn under its name with its
own VJP words, stepped, gradchecked (a wrong VJP is named), differentiated twice."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given

from autograd_core import TENSOR_OPS, Tensor, define_tensor_op, gradcheck
from autograd_core.check.report import GradcheckError
from autograd_core.testing import assert_grad_close, tensors

softplus = define_tensor_op(
    "softplus",
    forward=lambda x: np.logaddexp(0.0, x),
    # sigmoid(x) = 1 - exp(-softplus(x)): written with ndarray/Tensor arithmetic, so it differentiates twice.
    vjp=lambda g, inputs, out: (g * (1 - np.exp(-out)),),
    formula=("g ⊙ σ({a})",),
)

# Two inputs and a parameter: a * x**p, with p passed through as a keyword.
scaled_power = define_tensor_op(
    "scaled_power",
    forward=lambda a, x, p: a * x**p,
    vjp=lambda g, inputs, out, p: (g * inputs[1] ** p, g * p * inputs[0] * inputs[1] ** (p - 1)),
    formula=("g ⊙ {b}^p", "g ⊙ p {a} {b}^(p−1)"),
)


def hips_softplus(x):
    return anp.logaddexp(0.0, x)


@given(tensors((2, 3), min_value=-4, max_value=4))
def test_a_custom_op_agrees_with_finite_differences_and_hips_autograd(x):
    assert_grad_close(lambda x: softplus(x * x - 1), x)
    u = np.linspace(-1, 1, 6).reshape(2, 3)
    x.grad = None
    (softplus(x) * u).sum().backward()
    expected = autograd.grad(lambda a: anp.sum(u * hips_softplus(a)))(x.numpy())
    np.testing.assert_allclose(x.grad, expected, rtol=1e-9, atol=1e-12)


@given(tensors((3,), min_value=0.5, max_value=2.0), tensors((2, 3), min_value=0.5, max_value=2.0))
def test_a_custom_op_with_two_broadcast_inputs_and_a_parameter(a, x):
    # The VJP returns gradients of the broadcast shape (2, 3); a's is summed back to (3,) for it.
    assert_grad_close(lambda a, x: scaled_power(a, x, p=2.5) * x, a, x)


def test_a_custom_op_differentiates_twice():
    x = Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
    softplus(x).sum().backward(create_graph=True)
    g = x.grad  # sigmoid(x)
    x.grad = None
    g.sum().backward()
    s = 1 / (1 + np.exp(-x.data))
    np.testing.assert_allclose(g.data, s, rtol=1e-12)
    np.testing.assert_allclose(x.grad, s * (1 - s), rtol=1e-9)  # sigmoid' by hand


def test_a_wrong_custom_vjp_is_named_by_gradcheck():
    wrong = define_tensor_op("wrong_softplus", lambda x: np.logaddexp(0.0, x),
                             lambda g, inputs, out: (1.1 * g * (1 - np.exp(-out)),))
    with pytest.raises(GradcheckError, match="wrong_softplus node input 0"):
        gradcheck(lambda x: wrong(x * 2).tanh(), np.array([0.3, -1.0]), raise_exception=True)
    assert gradcheck(lambda x: softplus(x * 2).tanh(), np.array([0.3, -1.0])).passed


def test_built_in_and_custom_ops_share_one_registry_read_by_the_diagram_words():
    import viz
    from autograd_core.words import vjp_text

    assert TENSOR_OPS["mul"].formula == ("g ⊙ {b}", "g ⊙ {a}") and TENSOR_OPS["softplus"].formula == ("g ⊙ σ({a})",)
    x = Tensor([[0.5, -1.0]], requires_grad=True, name="x")
    W = Tensor([[1.0], [2.0]], requires_grad=True, name="W")
    h = softplus(x)
    y = (h @ W).sum()
    assert h.op == "softplus" and vjp_text(h, 0) == "g ⊙ σ(x)" and vjp_text(y.parents[0], 1) == "softplus(x)ᵀ @ g"
    dot = viz.draw(y).source
    assert "softplus" in dot and ">g ⊙ σ(x)</font>" in dot and ">softplus(x)ᵀ @ g</font>" in dot


def test_a_custom_op_is_stepped_like_a_built_in_one():
    x = Tensor([[0.5, -1.0]], requires_grad=True, name="x")
    steps = (softplus(x) * 2.0).sum().backprop()
    texts = [str(steps.step()) for _ in range(3)]
    assert "softplus" in texts[-1]
    s = 1 / (1 + np.exp(-x.data))
    np.testing.assert_allclose(x.grad, 2 * s, rtol=1e-12)  # d/dx 2 softplus(x) = 2 sigmoid(x)


def test_bad_definitions_and_bad_vjps_are_named():
    with pytest.raises(ValueError, match="built-in"):
        define_tensor_op("mul", np.multiply, lambda g, inputs, out: (g, g))
    with pytest.raises(ValueError, match="identifier"):
        define_tensor_op("my op", np.exp, lambda g, inputs, out: (g,))
    too_many = define_tensor_op("too_many", np.exp, lambda g, inputs, out: (g, g))
    with pytest.raises(TypeError, match="too_many.*one gradient per input"):
        too_many(Tensor([1.0], requires_grad=True)).sum().backward()
    bad_shape = define_tensor_op("bad_shape", np.exp, lambda g, inputs, out: (g.sum(),))
    with pytest.raises(ValueError, match=r"bad_shape.*shape \(\).*shape \(2,\)"):
        bad_shape(Tensor([1.0, 2.0], requires_grad=True)).sum().backward()


def test_forward_dtype_follows_the_inputs():
    x32 = Tensor(np.array([0.5, 1.0], dtype=np.float32), requires_grad=True)
    y = softplus(x32)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x32.grad.dtype == np.float32


def test_every_built_in_op_is_registered_with_words_and_a_replay():
    """One door: each op a Tensor graph can hold has its registry entry (VJP words per input for the
    diagrams, a replay for gradcheck's per-op check), and the replay recomputes the node's values."""
    from autograd_core import concatenate, maximum, minimum, softmax_cross_entropy, stack, where

    a = Tensor(np.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]]), requires_grad=True, name="a")
    b = Tensor(np.array([0.4, 1.1, 0.9]), requires_grad=True, name="b")
    nodes = [
        a + b, a - b, a * b, a / b, -a, a**3, b**b, a.astype(np.float32), a.exp(), b.log(), b.sqrt(), a.tanh(),
        a.sigmoid(), a.sin(), a.cos(), a.relu(), a.leaky_relu(0.2), abs(a), a.clip(-1, 1), where(a.data > 0, a, b),
        maximum(a, b), minimum(a, b), a @ b, a.sum(axis=0), a.mean(), a.max(axis=1), a.min(), a.var(axis=1),
        a.reshape(3, 2), a.transpose(-1, 0), a.swapaxes(0, 1), a.moveaxis(0, 1), a[:1].squeeze(0),
        a.expand_dims(1), b.broadcast_to((2, 3)), a.sum_to((1, 3)), a.repeat(2, axis=0), a.roll(1, 1),
        a[np.array([0, 0])], concatenate([a, a]), stack([a, a]), a.softmax(), a.log_softmax(axis=0),
        softmax_cross_entropy(a, np.array([0, 2])),
    ]
    for node in nodes:
        entry = TENSOR_OPS.get(node.op)
        assert entry is not None and entry.replay is not None, node.op
        assert len(entry.formula) >= len(set(map(id, node.parents))) or node.op in ("concatenate", "stack"), node.op
        replayed = entry.replay(node, *node.parents)
        np.testing.assert_allclose(replayed.data, node.data, rtol=1e-12, err_msg=node.op)


def test_a_vjp_that_sends_nothing_to_an_input_is_stepped_like_backward():
    # backward() skips a node no gradient reached; the stepper must too, not fail on it.
    only_first = define_tensor_op("only_first_input", lambda x, y: x + 0 * y, lambda g, inputs, out: (g, None))
    p, q = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    r = only_first(p, q * 2).sum()
    steps = r.backprop()
    texts = [str(s) for s in steps.run()]
    assert "no gradient reached" in texts[-1]
    np.testing.assert_array_equal(p.grad, [1.0, 1.0])
    assert q.grad is None


def test_one_array_returned_for_two_inputs_gives_each_leaf_its_own_gradient():
    both = define_tensor_op("add_both_inputs", lambda x, y: x + y, lambda g, inputs, out: (g * 1.0,) * 2)
    p, q = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    both(p, q).sum().backward()
    assert p.grad is not q.grad and not np.shares_memory(p.grad, q.grad)
    p.grad *= 10  # an optimizer updating in place must not touch q's gradient
    np.testing.assert_array_equal(q.grad, [1.0, 1.0])
