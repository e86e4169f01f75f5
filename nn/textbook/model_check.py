"""The book's models for ``check_model``: a ``params`` dict, ``loss(x, t)`` and a hand-written
``gradient(x, t)``, and what to say when their gradients disagree for a reason other than a
wrong backward.

Importing ``nn.textbook`` registers :func:`read_textbook_model` with
``autograd_core.check.model.register_model_kind``, so ``check_model(network, x, t)`` checks the
book's networks (and ``nn.TwoLayerNet``) parameter by parameter.  The explanations:

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

from autograd_core.check.model import HandWrittenModel, register_model_kind
from autograd_core.check.report import GradcheckReport, compare
from autograd_core.graph import Node, no_grad

from .functions import CROSS_ENTROPY_DELTA as LOG_DELTA

__all__ = ["LOG_DELTA", "explain_log_delta", "log_delta_reason", "read_textbook_model", "unread_parameter"]

_NOTE_LAYERS = (
    "A gradient wrong here makes every parameter before the wrong layer look wrong too.  The model has "
    "layers: nn.textbook.check_layers(model, x, t) checks each layer's backward against its own forward "
    "and names the first wrong one."
)


def read_textbook_model(model: Any, x: Any, t: Any) -> HandWrittenModel | None:
    """The book's kind of model, for ``check_model``: a ``params`` dict of arrays (nudged in
    place), ``loss(x, t)`` and ``gradient(x, t)`` returning a dict with the same keys; None for
    another kind of model."""
    params = getattr(model, "params", None)
    if not isinstance(params, dict) or not callable(getattr(model, "gradient", None)):
        return None
    arrays = {name: (p.data if isinstance(p, Node) else p) for name, p in params.items()}

    def loss() -> Any:
        with no_grad():
            return model.loss(x, t)

    def gradients() -> dict[str, Any]:
        grads = model.gradient(x, t)
        if not isinstance(grads, dict):
            raise TypeError(
                f"check_model: model.gradient(x, t) must return a dict of arrays, got {type(grads).__name__}"
            )
        return grads

    return HandWrittenModel(
        arrays,
        loss=loss,
        gradients=gradients,
        unread=lambda name, backprop: unread_parameter(model, name, backprop),
        explain=lambda report: _explain(model, x, t, report, loss),
        notes_when_failing=[_NOTE_LAYERS] if getattr(model, "layers", None) is not None else [],
    )


def _explain(model: Any, x: Any, t: Any, report: GradcheckReport, loss: Callable[[], Any]) -> None:
    """Explain a disagreement that is the loss's 1e-7 inside log(y + 1e-7): a note, and the report
    marked inconclusive when it explains every failing row."""
    failing = [r for r in report.rows if not r.passed and not r.problem]
    if not failing:
        return
    note = explain_log_delta(
        model, x, t,
        {r.name: r.numerical_gradient for r in failing},
        {r.name: r.backprop_gradient for r in failing},
        [r.name for r in failing],
        atol=report.atol, rtol=report.rtol, loss=loss,
    )
    if not note:
        return
    report.notes.append(note)
    if len(failing) == len([r for r in report.rows if not r.passed]):
        report.inconclusive_reason = f"from the loss's log(y + {LOG_DELTA:g})"


def log_delta_reason(y_t: np.ndarray, factor: np.ndarray) -> str:
    """Why backward and the loss disagree where the book's ``1e-7`` matters (one sentence for
    ``check_model`` and ``check_layers``).

    >>> log_delta_reason(np.array([1e-9, 0.5]), np.array([0.0099, 0.9999998]))[:46]
    "the loss's 1e-07 inside log(y + 1e-07) (the te"
    """
    return (
        f"the loss's {LOG_DELTA:g} inside log(y + {LOG_DELTA:g}) (the textbook's cross_entropy_error): backward "
        f"differentiates log(y), and the right class's probability is as small as {float(y_t.min()):.2g}, so the "
        f"loss's true gradient is backward's times y/(y + {LOG_DELTA:g}) row by row (down to {float(factor.min()):.6g})"
    )


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
        f"The disagreement ({listed}) is {log_delta_reason(y_t, factor)}.  Rescaled by it, backprop agrees with the "
        f"numerical gradient (relative error {worst:.1e}): backward is right.  Check at a point where it does not "
        "matter, e.g. with inputs scaled to [0, 1] (pixels / 255)."
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


register_model_kind(read_textbook_model)  # check_model reads the book's models
