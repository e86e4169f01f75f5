"""The gradient check of :func:`autograd_core.testing.assert_grad_close` for another engine's
values: a learner's micrograd-style ``Value`` (``.data``, ``.grad``, ``.backward()``).

Backprop through the learner's engine against central differences of the same function, each
input nudged through its ``.data``; the report is a :class:`GradcheckReport` whose rows carry
the function's own parameter names.  Each op cannot be checked alone here (the graph is the
learner's): :func:`autograd_core.testing.check_engine` does that and names the wrong op.

Example:
    >>> from micrograd.engine import Value
    >>> gradcheck_engine_values(lambda x, y: x * y + x, Value(2.0), Value(3.0)).passed
    True
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ...graph import Node
from ..gradcheck import parameter_names
from ..report import GradcheckError, GradcheckReport, compare

__all__ = ["gradcheck_engine_values", "is_engine_value"]

_NOTE = (
    "checked through your own engine: check_engine({cls}) checks each op alone, a node used twice and the "
    "order of backward, and names the op that is wrong"
)


def is_engine_value(x: Any) -> bool:
    """True for a node of another engine: not chainrule's, with ``data``, ``grad`` and ``backward()``.

    >>> from micrograd.engine import Value
    >>> is_engine_value(Value(1.0)), is_engine_value(2.0)
    (True, False)
    """
    if isinstance(x, (Node, numbers.Number, np.ndarray, list, tuple, str)):
        return False
    return hasattr(x, "data") and hasattr(x, "grad") and callable(getattr(x, "backward", None))


def gradcheck_engine_values(
    fn: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-7,
    rtol: float = 1e-5,
    names: Sequence[str] | None = None,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Backprop of ``fn`` through the inputs' own engine against central differences.

    Each input's ``.data`` and ``.grad`` are left as they were found.  Raises
    :class:`GradcheckError` (an ``AssertionError``) when a gradient differs, unless
    ``raise_exception=False``.
    """
    __tracebackhide__ = True  # under pytest a failure shows the verdict, not this function's source
    if names is not None and len(names) != len(inputs):
        raise ValueError(f"assert_grad_close: {len(names)} names for {len(inputs)} inputs")
    parameters = parameter_names(fn, len(inputs))
    labels = [str(names[i]) if names is not None else (parameters[i] or f"input{i}") for i in range(len(inputs))]
    saved = [(x.data, x.grad) for x in inputs]
    try:
        for x in inputs:
            x.grad = 0.0
        out = fn(*inputs)
        _check_output(out)
        out.backward()
        analytic = [_number(x.grad, f"{label}.grad after backward()") for x, label in zip(inputs, labels)]
        numerical = [_difference(fn, inputs, i, eps) for i in range(len(inputs))]
    finally:
        for x, (data, grad) in zip(inputs, saved):
            x.data, x.grad = data, grad
    report = GradcheckReport(
        [compare(label, a, n, atol=atol, rtol=rtol) for label, a, n in zip(labels, analytic, numerical)],
        eps, atol, rtol, title="assert_grad_close",
    )
    if not report.passed:
        report.notes.append(_NOTE.format(cls=type(inputs[0]).__name__))
        if raise_exception:
            raise GradcheckError(report)
    return report


def _check_output(out: Any) -> None:
    if not (hasattr(out, "data") and callable(getattr(out, "backward", None))):
        raise TypeError(
            f"assert_grad_close: fn must return a node of your engine (with .data and .backward()), got "
            f"{type(out).__name__}: {out!r:.60}"
        )


def _number(x: Any, what: str) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        raise TypeError(f"assert_grad_close: {what} is {type(x).__name__} {x!r:.40}, not a number") from None


def _difference(fn: Callable[..., Any], inputs: Sequence[Any], i: int, eps: float) -> float:
    """Central difference of ``fn`` in input ``i`` (its ``.data`` nudged, then put back)."""
    x = inputs[i]
    saved = x.data
    try:
        x.data = saved + eps
        up = _number(fn(*inputs).data, "fn's result")
        x.data = saved - eps
        down = _number(fn(*inputs).data, "fn's result")
    finally:
        x.data = saved
    return (up - down) / (2 * eps)
