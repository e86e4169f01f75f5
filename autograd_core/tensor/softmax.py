"""Softmax, log-softmax and the fused softmax cross-entropy loss, all numerically stable.

Every one subtracts the row's maximum before exponentiating (the log-sum-exp trick), so logits
of 1000 give exact probabilities instead of ``inf / inf``.  The fused loss never takes the log
of a probability (no ``log(y + 1e-7)`` guard is needed) and its VJP is the textbook's
``(softmax - one_hot) / N``.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor, softmax_cross_entropy
    >>> logits = Tensor([[1000.0, 0.0], [0.0, 0.0]], requires_grad=True)
    >>> loss = softmax_cross_entropy(logits, np.array([0, 1]))
    >>> round(loss.item(), 6)                      # (0 + log 2) / 2
    0.346574
    >>> loss.backward()
    >>> logits.grad
    array([[ 0.  ,  0.  ],
           [ 0.25, -0.25]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import Tensor, _leaf, as_tensor, new_node, tensor_op


def _check_axis(a: Tensor, axis: int, op: str) -> int:
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op}: axis must be an int, got {axis!r} (node {a._describe()})")
    if not -a._data.ndim <= axis < a._data.ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for node {a._describe()} of shape {a.shape}")
    return int(axis)


def _softmax_vjp(node: Tensor, g: Any) -> tuple:
    s = node if type(g) is Tensor else node._data
    gs = g * s
    return (gs - s * gs.sum(axis=node.arg, keepdims=True),)


def softmax(a: Tensor, axis: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along ``axis``."""
    axis = _check_axis(a, axis, "softmax")
    x = a._data
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return new_node(e, SOFTMAX, (a,), arg=axis)


def _log_softmax_vjp(node: Tensor, g: Any) -> tuple:
    if type(g) is Tensor:
        return (g - node.exp() * g.sum(axis=node.arg, keepdims=True),)
    # softmax = e / total, from the forward step: no exp to recompute.
    e, total = node._saved
    return (g - e * (g.sum(axis=node.arg, keepdims=True) / total),)


def log_softmax(a: Tensor, axis: int = -1) -> Tensor:
    """x - log(sum(exp(x))) along ``axis``."""
    axis = _check_axis(a, axis, "log_softmax")
    x = a._data
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=axis, keepdims=True)
    shifted -= np.log(total)
    return new_node(shifted, LOG_SOFTMAX, (a,), saved=(e, total), arg=axis)


SOFTMAX = tensor_op("softmax", _softmax_vjp, softmax, formula=("{out} ⊙ (g − Σ g ⊙ {out})",),
                    replay=lambda node, a: a.softmax(node.arg))
LOG_SOFTMAX = tensor_op("log_softmax", _log_softmax_vjp, log_softmax, formula=("g − softmax ⊙ Σ g",),
                        replay=lambda node, a: a.log_softmax(node.arg), symbol="log softmax")


# -- the fused loss ----------------------------------------------------------------------------
def _sce_vjp(node: Tensor, g: Any) -> tuple:
    logits, labels = node.parents
    prob, index, target, batch = node._saved
    if type(g) is Tensor:
        return _sce_vjp_graph(node, g)
    scale = g * (1.0 / batch)
    d_logits = d_labels = None
    if logits.requires_grad:
        if index is not None:
            d_logits = prob * scale
            if prob.ndim == 2:
                d_logits[np.arange(batch), index] -= scale
            else:
                d_logits[index] -= scale
        else:
            # -sum(t * log_softmax(x)) has gradient softmax * sum(t) - t: (softmax - t) for one-hot rows.
            d_logits = (prob * target.sum(axis=-1, keepdims=True) - target) * scale
    if labels.requires_grad:
        x = logits._data
        shifted = x - x.max(axis=-1, keepdims=True)
        log_prob = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        d_labels = -log_prob * scale
    return d_logits, d_labels


def _sce_vjp_graph(node: Tensor, g: Tensor) -> tuple:
    """The same gradients, built from Tensor ops so they can be differentiated again."""
    logits, labels = node.parents
    _, index, target, batch = node._saved
    scale = g * (1.0 / batch)
    d_logits = d_labels = None
    if logits.requires_grad:
        prob = logits.softmax(axis=-1)
        if index is not None:
            onehot = np.zeros(logits.shape, dtype=logits.dtype)
            if onehot.ndim == 2:
                onehot[np.arange(batch), index] = 1
            else:
                onehot[index] = 1
            d_logits = (prob - onehot) * scale
        else:
            target_node = labels
            d_logits = (prob * target_node.sum(axis=-1, keepdims=True) - target_node) * scale
    if labels.requires_grad:
        d_labels = -logits.log_softmax(axis=-1) * scale
    return d_logits, d_labels


def _labels(labels: Any, x: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None, Tensor | None]:
    """Class indices (ints) or target rows (floats, the logits' shape): (index, target, node)."""
    node = labels if isinstance(labels, Tensor) else None
    raw = labels._data if node is not None else np.asarray(labels)
    classes = x.shape[-1]
    if raw.shape == x.shape and raw.dtype.kind in "biuf":
        target = raw if raw.dtype == x.dtype else raw.astype(x.dtype)
        return None, target, node
    if raw.shape == x.shape[:-1] and raw.dtype.kind in "iuf":
        if raw.dtype.kind == "f":
            if not np.array_equal(raw, np.round(raw)):
                raise ValueError(
                    "softmax_cross_entropy: labels of shape equal to the batch must be class indices; "
                    f"got non-integer values such as {raw.flat[0]!r}"
                )
            raw = raw.astype(np.intp)
        if raw.size and (raw.min() < 0 or raw.max() >= classes):
            raise ValueError(
                f"softmax_cross_entropy: class indices must lie in [0, {classes}) for logits of shape {x.shape}; "
                f"got values from {raw.min()} to {raw.max()}"
            )
        return raw, None, node
    raise ValueError(
        f"softmax_cross_entropy: labels of shape {raw.shape} (dtype {raw.dtype}) do not fit logits of shape {x.shape}: "
        f"give class indices of shape {x.shape[:-1]} or one-hot rows of shape {x.shape}"
    )


def softmax_cross_entropy(logits: Any, labels: Any) -> Tensor:
    """Mean cross-entropy of softmax(logits) against ``labels``, fused and numerically stable.

    ``logits``: shape (batch, classes), or (classes,) for one example.  ``labels``: integer class
    indices of shape (batch,) or one-hot (or probability) rows of the logits' shape.  The loss is
    ``mean(logsumexp(x) - x[label])``, with the row maximum subtracted first.  If ``labels`` is a
    Tensor it is a parent of the loss (with a gradient when it requires one); otherwise it becomes
    a constant leaf named ``labels``.

    >>> from autograd_core import Tensor, softmax_cross_entropy
    >>> logits = Tensor([[2.0, 0.0, 0.0]], requires_grad=True)
    >>> loss = softmax_cross_entropy(logits, [0])
    >>> round(loss.item(), 4)
    0.2395
    """
    if type(logits) is not Tensor:
        logits = as_tensor(logits, None, "softmax_cross_entropy")
    x = logits._data
    if x.ndim not in (1, 2) or x.shape[-1] == 0:
        raise ValueError(
            f"softmax_cross_entropy: logits must have shape (batch, classes) or (classes,), got {x.shape} "
            f"(node {logits._describe()})"
        )
    index, target, label_node = _labels(labels, x)
    batch = x.shape[0] if x.ndim == 2 else 1
    if batch == 0:
        raise ValueError(f"softmax_cross_entropy: empty batch (logits {logits._describe()} of shape {x.shape})")
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=-1, keepdims=True)
    log_total = np.log(total)
    if index is not None:
        picked = shifted[np.arange(batch), index] if x.ndim == 2 else shifted[index]
        loss = (log_total.sum() - picked.sum()) * (1.0 / batch)
    else:
        loss = -((shifted - log_total) * target).sum() * (1.0 / batch)
    e /= total  # the probabilities, kept for the VJP
    if label_node is None:
        shown = index if index is not None else target
        label_node = _leaf(shown.astype(x.dtype, copy=False), "const", False, "labels")
    saved = (e, index, target, batch)
    return new_node(np.asarray(loss, dtype=x.dtype), SOFTMAX_CROSS_ENTROPY, (logits, label_node), saved)


# The words of the textbook's result: with one-hot (or probability) rows, one_hot(labels) is the rows.
SOFTMAX_CROSS_ENTROPY = tensor_op(
    "softmax_cross_entropy", _sce_vjp, softmax_cross_entropy,
    formula=("g (softmax({a}) − one_hot({b})) / N", "−g log softmax({a}) / N"),
    replay=lambda node, a, b: softmax_cross_entropy(a, b), arity=2, symbol="softmax CE", role="loss",
)
