"""Words that teach on Tensors: a broadcast input's line says over which axes its gradient is
summed, softmax cross-entropy says softmax − one_hot in the step text and on the diagram edge
(one template), and long words wrap instead of shrinking to ``vjp``.

Oracles: the numbers printed are the gradients backward() computes (read back from the text),
and the summed axes are the ones NumPy's broadcasting adds or stretches."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Tensor, softmax_cross_entropy
from autograd_core.words import summed_over


def test_a_bias_line_says_the_batch_sum_with_the_summed_numbers():
    x = Tensor(np.arange(6.0).reshape(3, 2), name="x")
    W = Tensor(np.ones((2, 2)), requires_grad=True, name="W")
    b = Tensor(np.zeros(2), requires_grad=True, name="b")
    loss = softmax_cross_entropy(x @ W + b, np.array([0, 1, 0]))
    loss.name = "loss"
    text = str(loss.backprop().run())
    [line] = [line for line in text.splitlines() if line.startswith("  d(b) += ")]
    assert line.startswith("  d(b) += g summed over the batch, axis 0  (2) = ")
    shown = [float(v) for v in line.rsplit("= ", 1)[1].strip("[]").split()]
    # by hand: d(mean cross-entropy)/db = mean over the batch of softmax(z) - one_hot(t)
    z = x.data @ W.data + b.data
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(shown, (p - np.eye(2)[[0, 1, 0]]).mean(axis=0), rtol=1e-3)


@pytest.mark.parametrize(
    ("shape", "broadcast", "words"),
    [
        ((3,), (2, 3), "summed over the batch, axis 0"),
        ((1, 4, 1, 1), (8, 4, 5, 5), "summed over the batch and axes 2, 3"),
        ((2, 1), (2, 3), "summed over axis 1"),
        ((3,), (4, 2, 3), "summed over the batch and axis 1"),
        ((2, 3), (2, 3), ""),
    ],
)
def test_the_summed_axes_are_numpys_broadcast_axes(shape, broadcast, words):
    assert summed_over(shape, broadcast) == words
    # the oracle: NumPy broadcasts the input over exactly those axes, so summing over them brings
    # the broadcast array back to the input's entries
    axes = tuple(int(a) for a in words.replace(",", " ").split() if a.isdigit())
    axes = tuple(sorted({0, *axes})) if "the batch" in words else axes
    spread = np.broadcast_to(np.arange(float(np.prod(shape))).reshape(shape), broadcast)
    summed = spread.sum(axis=axes, keepdims=True) if axes else spread
    copies = np.prod([broadcast[a] for a in axes]) if axes else 1
    np.testing.assert_array_equal(summed.reshape(-1) / copies, np.arange(float(np.prod(shape))))


def test_softmax_cross_entropy_says_softmax_minus_one_hot_in_the_step_and_on_the_edge():
    import viz

    logits = Tensor([[2.0, 0.0, 1.0], [0.0, 1.0, 0.0]], requires_grad=True, name="a")
    loss = softmax_cross_entropy(logits, np.array([0, 2]))
    step = str(loss.backprop().step())
    assert "d(a) += g (softmax(a) − one_hot(labels)) / N  (2×3)" in step
    # the diagram edge into the op: the same words (one template, one function)
    assert ">g (softmax(a) − one_hot(labels)) / N</font>" in viz.draw(loss).source


def test_long_words_wrap_and_are_never_replaced_by_vjp():
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((4, 3)), requires_grad=True, name="a_rather_long_input_name_for_the_logits")
    loss = softmax_cross_entropy(x, np.array([0, 1, 2, 0]))
    text = str(loss.backprop().step())
    assert "vjp" not in text and "one_hot(labels)) / N" in text
    assert max(len(line) for line in text.splitlines()[1:]) <= 80  # the header: a caption longer than that
