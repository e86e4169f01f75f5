"""Explanations ``check_model`` gives for a textbook model (``params`` dict, hand-written
``gradient``) whose gradients disagree for a reason other than a wrong backward.

- :func:`unread_parameter` — every nudge of ``params[name]`` left the loss unchanged: the loss
  does not read that array (a layer holds a copy of it, or ``params[name]`` was rebound to a
  new array by ``params[name] = params[name] - lr * grad``).
- :func:`explain_log_delta` — the textbook's ``cross_entropy_error`` computes
  ``log(y + 1e-7)`` while backward differentiates ``log(y)``.  Where the right class's
  probability ``y_t`` is small (raw 0–255 pixels, a saturated softmax), the loss's true gradient
  is backward's times ``y_t / (y_t + 1e-7)``, row by row.  The per-row gradients
  (``gradient(x[n:n+1], t[n:n+1])``), rescaled by that factor and averaged, must then agree
  with the numerical gradient: if they do, the disagreement is explained.

Example:
    >>> import numpy as np
    >>> class Net:
    ...     def __init__(self):
    ...         self.params = {"W": np.ones(2)}
    ...         self.layer_W = self.params["W"].copy()       # the layer reads a copy
    >>> unread_parameter(Net(), "W", np.array([0.5, 0.0]))[:64]
    "the loss does not read params['W'] (does a layer hold a copy?): "
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .report import compare

__all__ = ["LOG_DELTA", "explain_log_delta", "unread_parameter"]

#: What the textbook's ``cross_entropy_error`` adds inside the logarithm.
LOG_DELTA = 1e-7


def unread_parameter(model: Any, name: str, backprop: np.ndarray) -> str:
    """The sentence for a parameter whose numerical gradient is exactly zero everywhere."""
    if np.any(backprop != 0):
        text = (
            f"the loss does not read params[{name!r}] (does a layer hold a copy?): every nudge of it left the loss "
            f"unchanged (numerical gradient 0) while backprop gives up to {float(np.max(np.abs(backprop))):.3g}"
        )
    else:
        text = (
            f"every nudge of params[{name!r}] left the loss unchanged and backprop gives 0 too: the loss may not "
            "read it (does a layer hold a copy?), or every unit it feeds is inactive (dead ReLUs)"
        )
    holder = _copy_holder(model, name)
    if holder:
        text += (
            f"; {holder} has the shape of params[{name!r}] but is another array: update params in place "
            "(params[key] -= lr * grad[key]) so the layers keep reading it"
        )
    return text


def _copy_holder(model: Any, name: str) -> str:
    """``layer 'Affine1' holds W``: a layer array shaped like ``params[name]`` that is not it."""
    params = getattr(model, "params", {})
    target = params.get(name)
    layers = getattr(model, "layers", None)
    if not isinstance(target, np.ndarray) or layers is None:
        return ""
    items = layers.items() if hasattr(layers, "items") else enumerate(layers)
    used = {id(a) for a in params.values()}
    for key, layer in items:
        for attribute, value in vars(layer).items() if hasattr(layer, "__dict__") else ():
            if (
                isinstance(value, np.ndarray)
                and value.shape == target.shape
                and value is not target
                and id(value) not in used
                and not attribute.startswith("d")
            ):
                return f"layer {key!r} holds {attribute}, which"
    return ""


def explain_log_delta(
    model: Any,
    x: Any,
    t: Any,
    numerical: dict[str, np.ndarray],
    backprop: dict[str, np.ndarray],
    names: list[str],
    *,
    atol: float,
    rtol: float,
    loss: Callable[[], Any],
) -> str:
    """A note if the disagreement of ``names`` is the loss's ``1e-7``, else ``""`` (see the module).

    ``loss()`` runs ``model.loss(x, t)`` (so a ``lastLayer`` keeps its probabilities).
    """
    found = _right_class_probabilities(model, x, t, loss)
    if found is None:
        return ""
    y_t, labels = found
    factor = y_t / (y_t + LOG_DELTA)
    if float(np.max(1 - factor)) < rtol / 10:
        return ""  # too small to matter at this tolerance
    xs = np.asarray(x)
    n = xs.shape[0]
    if n != y_t.shape[0]:
        return ""
    try:
        rows = [model.gradient(xs[i : i + 1], labels[i : i + 1]) for i in range(n)]
        loss()  # leave the layers as the whole batch left them
    except Exception:  # a model that cannot take one row at a time: no claim either way
        return ""
    worst = 0.0
    for name in names:
        per_row = [np.asarray(r[name], dtype=np.float64) for r in rows]
        # The rows must add up to the batch's gradient (a mean of per-row losses), else no claim.
        if not np.allclose(sum(per_row) / n, backprop[name], rtol=1e-6, atol=1e-12):
            return ""
        rescaled = sum(f * g for f, g in zip(factor, per_row)) / n
        row = compare(name, rescaled, numerical[name], atol=atol, rtol=rtol)
        if not row.passed:
            return ""
        worst = max(worst, row.relative_error)
    listed = ", ".join(repr(name) for name in names)
    return (
        f"The disagreement ({listed}) is the loss's {LOG_DELTA:g} inside log(y + {LOG_DELTA:g}) (the textbook's "
        f"cross_entropy_error): backward differentiates log(y), and the right class's probability is as small as "
        f"{float(y_t.min()):.2g} here, so the loss's true gradient is backward's times y/(y + {LOG_DELTA:g}) row by "
        f"row (down to {float(factor.min()):.6g}).  Rescaled by it, backprop agrees with the numerical gradient "
        f"(relative error {worst:.1e}): backward is right.  Check at a point where it does not matter, e.g. with "
        "inputs scaled to [0, 1] (pixels / 255)."
    )


def _right_class_probabilities(model: Any, x: Any, t: Any, loss: Callable[[], Any]) -> tuple | None:
    """The softmax probability of the right class per row, and the labels as the model takes them."""
    try:
        loss()
        last = getattr(model, "lastLayer", None)
        y = getattr(last, "y", None)
        if not isinstance(y, np.ndarray) and callable(getattr(model, "predict", None)):
            y = np.asarray(model.predict(x), dtype=np.float64)
            if not (np.all(y >= 0) and np.allclose(y.sum(axis=-1), 1)):
                shifted = np.exp(y - y.max(axis=-1, keepdims=True))
                y = shifted / shifted.sum(axis=-1, keepdims=True)
    except Exception:  # a model this explanation does not understand: no explanation
        return None
    if not isinstance(y, np.ndarray) or y.ndim != 2:
        return None
    labels = np.asarray(t)
    index = labels.argmax(axis=1) if labels.ndim == 2 and labels.shape == y.shape else labels.reshape(-1)
    if index.shape[0] != y.shape[0] or index.dtype.kind not in "iuf":
        return None
    return y[np.arange(y.shape[0]), index.astype(int)], labels
