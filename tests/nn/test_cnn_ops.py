"""A small CNN's graph: every op comes through the one registry, says its VJP in words, and is
checked on its own by gradcheck's per-op check, which names a deliberately wrong one.

Oracles: central differences (check_model) and planted bugs; the words are compared with the
op records they must come from (the step text and the diagram edge read the same template)."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import TENSOR_OPS, GradcheckError, check_model, topological_order
from autograd_core.check.local import checked_ops
from autograd_core.words import Captions, vjp_text
from nn import AvgPool2d, BatchNorm, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, softmax_cross_entropy

CNN_OPS = {"conv2d", "batch_norm", "max_pool2d", "avg_pool2d", "matmul", "add", "softmax_cross_entropy"}


def small_cnn() -> Sequential:
    # Pooling reads the convolution directly (no ReLU before it): zeros from a ReLU would tie in a
    # window, where finite differences cannot check max pooling.
    return Sequential(
        Conv2d(1, 2, 3, padding=1, seed=0, dtype=np.float64), MaxPool2d(2), BatchNorm(2, dtype=np.float64),
        AvgPool2d(2), ReLU(), Flatten(), Linear(2 * 2 * 2, 3, seed=1),
    )


def graph():
    rng = np.random.default_rng(3)
    x, t = rng.standard_normal((4, 1, 8, 8)), np.array([0, 1, 2, 1])
    model = small_cnn()
    return model, x, t, softmax_cross_entropy(model(x), t)


def test_every_op_of_a_small_cnn_is_in_the_one_registry_with_words():
    _, _, _, loss = graph()
    captions = Captions(loss)
    ops = [n for n in topological_order(loss) if n.parents]
    assert {n.op for n in ops} >= CNN_OPS
    for node in ops:
        assert node.op_record is TENSOR_OPS[node.op]  # the registry's record, kept by the node
        for index, parent in enumerate(node.parents):
            if parent.requires_grad:
                words = vjp_text(node, index, captions)
                assert words and words != "vjp" and "VJP of g" not in words, (node.op, index, words)


def test_the_layer_ops_say_their_vjps_in_words():
    _, _, _, loss = graph()
    by_op = {n.op: n for n in topological_order(loss) if n.parents}
    captions = Captions(loss)
    conv, bn = by_op["conv2d"], by_op["batch_norm"]
    assert vjp_text(conv, 1, captions) == "g @ im2col(x)ᵀ"  # the im2col product
    assert vjp_text(conv, 0, captions).startswith("col2im(")
    assert vjp_text(conv, 2, captions) == "g summed over the batch and positions"
    assert "max" in vjp_text(by_op["max_pool2d"], 0, captions)  # the max's position
    assert "window" in vjp_text(by_op["avg_pool2d"], 0, captions)
    assert "x̂" in vjp_text(bn, 0, captions) and "mean g" in vjp_text(bn, 0, captions)  # the batch-norm formula
    assert vjp_text(bn, 1, captions) == "Σ g ⊙ x̂ over the batch"


def test_gradcheck_checks_every_layer_op_on_its_own():
    model, x, t, loss = graph()
    assert set(checked_ops(loss)) >= CNN_OPS
    report = check_model(model, x, t, loss=softmax_cross_entropy)
    assert report.passed and not report.local_mismatches and not report.warnings


@pytest.mark.parametrize("op", ["conv2d", "max_pool2d", "avg_pool2d", "batch_norm"])
def test_a_wrong_layer_vjp_is_named_by_the_per_op_check(monkeypatch, op):
    good = TENSOR_OPS[op].vjp

    def off_by_ten_percent(node, g):
        return tuple(None if d is None else 1.1 * d for d in good(node, g))

    monkeypatch.setattr(TENSOR_OPS[op], "vjp", off_by_ten_percent)
    model, x, t, _ = graph()
    with pytest.raises(GradcheckError) as caught:
        check_model(model, x, t, loss=softmax_cross_entropy)
    assert {m.op for m in caught.value.report.local_mismatches} == {op}
