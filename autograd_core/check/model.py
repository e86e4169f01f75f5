"""``check_model``: a model's gradient checked for every parameter, as the seeds do for W1, b1, W2, b2.

The engine knows one kind of model itself, a module of ``Tensor`` parameters (``named_parameters()``
or ``parameters()``, and ``model.loss(x, t)`` or a ``loss`` function): its gradients come from
backprop, and every op of the loss's graph is also checked alone, so a wrong op is named.

Other kinds of model (whose gradients are written by hand, with no graph to look into) come
with a reader, registered with :func:`register_model_kind`: given a model, it returns a
:class:`HandWrittenModel` (the named arrays, the loss, the hand-written gradients, and what to
say about a disagreement that is not a wrong backward), or None when the model is not of its
kind.  ``nn.textbook`` registers the book's models (a ``params`` dict and ``gradient(x, t)``).

>>> import numpy as np
>>> class Line:                       # y = w * x, loss = sum((y - t) ** 2) / 2
...     def __init__(self): self.w = np.array([0.5])
>>> def read_line(model, x, t):
...     if not isinstance(model, Line):
...         return None
...     return HandWrittenModel(
...         {"w": model.w}, lambda: float(np.sum((model.w * x - t) ** 2) / 2),
...         lambda: {"w": np.array([np.sum((model.w * x - t) * x)])})
>>> register_model_kind(read_line)
>>> check_model(Line(), np.array([1.0, 2.0]), np.array([1.0, 1.0])).passed
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..graph import Node, no_grad, topological_order, zero_grad
from ..value import Value
from .gradcheck import _emit_warnings, _float32_warnings, _grad_array, _judge, _kink_rows, _low_precision, _saved_grads
from .local import check_local_derivatives
from .numerical import as_number, central_differences
from .report import GradcheckError, GradcheckReport, compare

__all__ = ["HandWrittenModel", "check_model", "register_model_kind"]


@dataclass
class HandWrittenModel:
    """What ``check_model`` needs from a model whose gradients are written by hand.

    - ``arrays``: each parameter by name, the very array the loss reads (nudged in place);
    - ``loss()``: the loss as a number, at the arrays' current values;
    - ``gradients()``: the hand-written gradient of each parameter, by the same names;
    - ``unread(name, backprop)``: what to say when every nudge of a parameter left the loss
      unchanged (None: a plain sentence);
    - ``explain(report)``: notes on a disagreement that is not a wrong backward (it may mark the
      report inconclusive), called when some rows fail;
    - ``notes_when_failing``: notes to add when the check fails for real.
    """

    arrays: dict[str, np.ndarray]
    loss: Callable[[], Any]
    gradients: Callable[[], dict[str, Any]]
    unread: Callable[[str, np.ndarray], str] | None = None
    explain: Callable[[GradcheckReport], None] | None = None
    notes_when_failing: list[str] = field(default_factory=list)


_KINDS: list[Callable[[Any, Any, Any], HandWrittenModel | None]] = []


def register_model_kind(reader: Callable[[Any, Any, Any], HandWrittenModel | None]) -> None:
    """Teach :func:`check_model` a kind of model: ``reader(model, x, t)`` returns a
    :class:`HandWrittenModel`, or None for a model that is not of its kind.  Readers are asked in
    the order they were registered, before the engine's own kind (modules of Tensors)."""
    if reader not in _KINDS:
        _KINDS.append(reader)


def check_model(
    model: Any,
    x: Any,
    t: Any,
    *,
    loss: Callable[[Any, Any], Any] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-7,
    rtol: float = 1e-5,
    check_locals: bool = True,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Check a model's gradient for every parameter, reported per parameter as the seeds do.

    A module of ``Tensor`` parameters: ``named_parameters()`` (or ``parameters()``) and either
    ``model.loss(x, t)`` or the ``loss`` argument, called as ``loss(model(x), t)``, returning a
    node that ``backward()`` starts from; each op of the loss's graph is also checked alone
    (``check_locals``).  Any other kind of model is read by a registered reader (see the
    module's docstring; ``nn.textbook`` reads the book's ``params`` and ``gradient``).

    The numerical gradient of each parameter is the textbook's central difference with step
    ``eps``.  The loss must be deterministic: put dropout layers in eval mode first.
    ``report.summary()`` reads ``W1: 3.2e-10, b1: 1.1e-12, ...`` (mean absolute differences); a
    failing parameter is named in the :class:`GradcheckError`.
    """
    report = GradcheckReport([], eps, atol, rtol, title="check_model")
    hand_written = next((view for view in (read(model, x, t) for read in _KINDS) if view is not None), None)
    if hand_written is not None:
        low_precision = _check_hand_written(hand_written, report)
        # A hand-written gradient has no recorded graph: its ops cannot be checked one by one.
        _judge(report, False, low_precision, set())
        _explain(hand_written, report)
    else:
        low_precision, kinks = _check_module(model, x, t, loss, report, check_locals)
        _judge(report, check_locals, low_precision, kinks)
    _emit_warnings(report)
    if raise_exception and not report.passed:
        raise GradcheckError(report)
    return report


# -- models with hand-written gradients --------------------------------------------------------------
class _Holder:
    """Gives an array the ``data`` attribute :func:`_float32_warnings` reads."""

    def __init__(self, data: Any) -> None:
        self.data = data


def _check_hand_written(model: HandWrittenModel, report: GradcheckReport) -> dict[str, str]:
    """Fill the report's rows; return the low-precision rows."""
    arrays = model.arrays
    holders = [_Holder(a) for a in arrays.values()]
    report.warnings.extend(_float32_warnings(holders, arrays))
    analytic = model.gradients()
    if not isinstance(analytic, dict):
        raise TypeError(f"check_model: the model's gradients must be a dict of arrays, got {type(analytic).__name__}")
    missing = [name for name in arrays if name not in analytic]
    if missing:
        raise ValueError(f"check_model: the model's gradients have no entry for {', '.join(map(repr, missing))}")

    def f(_: np.ndarray) -> float:
        with no_grad():
            return as_number(model.loss(), "check_model: the model's loss")

    for name, array in arrays.items():
        grad = analytic[name]
        grad = grad.data if isinstance(grad, Node) else np.asarray(grad)
        if grad.shape != array.shape:
            report.failed_checks.append(
                f"gradient of {name!r} has shape {grad.shape} but the parameter has shape {array.shape}"
            )
            continue
        numerical = central_differences(f, array, report.eps)
        row = compare(name, grad, numerical, atol=report.atol, rtol=report.rtol)
        if array.size and not np.any(numerical):
            unread = model.unread or _unread
            problem = unread(name, row.backprop_gradient)
            if row.passed:  # both zero: nothing to blame backprop for, but worth knowing
                report.warnings.append(problem)
            else:
                row = dataclasses.replace(row, problem=problem)
        report.rows.append(row)
    return _low_precision(holders, list(arrays))


def _unread(name: str, backprop: np.ndarray) -> str:
    return (
        f"every nudge of {name!r} left the loss unchanged (numerical gradient 0) while backprop gives up to "
        f"{float(np.max(np.abs(backprop))):.3g}: the loss may not read this array"
    )


def _explain(model: HandWrittenModel, report: GradcheckReport) -> None:
    if report.passed:
        return
    if model.explain is not None and not report.failed_checks and not report.inconclusive:
        model.explain(report)
    if not report.passed and not report.inconclusive:
        report.notes.extend(model.notes_when_failing)


# -- modules of Tensors (or Values) ----------------------------------------------------------------
def _named_parameters(model: Any) -> list[tuple[str, Node]]:
    if callable(getattr(model, "named_parameters", None)):
        return [(str(n), p) for n, p in model.named_parameters()]
    if callable(getattr(model, "parameters", None)):
        return [(f"param{i}", p) for i, p in enumerate(model.parameters())]
    raise TypeError(
        f"check_model: {type(model).__name__} has no named_parameters()/parameters(), and no registered kind of "
        "model reads it (a model with the textbook's params dict and gradient(x, t) is read once nn.textbook is "
        "imported)"
    )


def _check_module(
    model: Any, x: Any, t: Any, loss: Any, report: GradcheckReport, check_locals: bool
) -> tuple[dict[str, str], set[str]]:
    """Fill the report's rows; return the low-precision rows and the rows at a kink."""
    named = _named_parameters(model)
    if not named:
        raise ValueError(f"check_model: {type(model).__name__} has no parameters to check")
    if loss is None and not callable(getattr(model, "loss", None)):
        raise TypeError(
            f"check_model: {type(model).__name__} has no loss(x, t); pass loss=fn, called as fn(model(x), t)"
        )

    def compute() -> Node:
        return loss(model(x), t) if loss is not None else model.loss(x, t)

    nodes = [p for _, p in named]
    report.warnings.extend(_float32_warnings(nodes, [n for n, _ in named]))
    with _saved_grads(nodes) as saved:
        for p in nodes:
            p.grad = p._empty_grad
        out = compute()
        if not isinstance(out, Node):
            raise TypeError(f"check_model: the loss must be a Tensor or Value node, got {type(out).__name__}")
        saved.extend(topological_order(out))
        zero_grad(out)
        out.backward()
        analytic = [_grad_array(p) for p in nodes]
        if check_locals:
            mismatches, kinks = check_local_derivatives(out, eps=report.eps, atol=report.atol, rtol=report.rtol)
            report.local_mismatches.extend(mismatches)
            report.warnings.extend(kinks)
        zero_grad(out)

    def f(_: np.ndarray) -> float:
        with no_grad():
            return as_number(compute(), "check_model: loss")

    for (name, p), grad in zip(named, analytic):
        if isinstance(p, Value):
            saved_value = p.data
            try:
                p.data = saved_value + report.eps
                up = f(None)
                p.data = saved_value - report.eps
                down = f(None)
            finally:
                p.data = saved_value
            numerical: Any = np.float64((up - down) / (2 * report.eps))
        else:
            numerical = central_differences(f, p.data, report.eps)
        report.rows.append(compare(name, grad, numerical, atol=report.atol, rtol=report.rtol))
    labels = [n for n, _ in named]
    return _low_precision(nodes, labels, out), _kink_rows(out, nodes, labels, 10 * report.eps)
