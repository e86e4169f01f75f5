"""The one central-difference gradient: the textbook's ``numerical_gradient``, that every check uses.

``numerical_gradient(f, x)`` nudges each element of the array ``x`` in place (``x[i] + h``, then
``x[i] - h``), calls ``f(x)`` and restores the element exactly, also when ``f`` raises; so ``f``
may ignore its argument and read the array some other way (the book's ``f = lambda W:
net.loss(x, t)``), as long as ``x`` is the very array it reads.  When no nudge changes ``f``,
it warns (:class:`GradcheckWarning`): ``f`` does not read ``x``, the classic mistake of passing
a copy.  ``nn.textbook.numerical_gradient`` is this function under the book's name.

>>> w = np.array([1.0, 2.0])
>>> numerical_gradient(lambda _: float((w ** 2).sum()), w).round(6)
array([2., 4.])
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..graph import Node
from .report import GradcheckWarning

__all__ = ["as_number", "central_differences", "numerical_gradient"]


def numerical_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Central-difference gradient of ``f`` at ``x``, in the textbook's form.

    ``x`` is an ndarray that ``f`` reads (typically a model's weights): each element is set to
    ``x[i] + h`` and ``x[i] - h`` in place, ``f(x)`` is evaluated, and the element is restored
    exactly, also when ``f`` raises.  ``f`` returns a number (a float, a 0-d array or a node
    holding one number).  If no perturbation changes ``f`` at all, a :class:`GradcheckWarning`
    says that ``f`` may not read ``x``: the classic mistake of passing an array the loss does
    not use (``f = lambda W: net.loss(x, t)`` with a copy of the weights).

    >>> import numpy as np
    >>> w = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda _: float((w ** 2).sum()), w).round(6)
    array([2., 4.])
    """
    return _central_differences(f, x, h, warn=True)


def central_differences(f: Callable[[np.ndarray], Any], x: np.ndarray, h: float) -> np.ndarray:
    """:func:`numerical_gradient` without its warning: for checkers that say themselves what an
    unread array means (``gradcheck``, ``check_model``)."""
    return _central_differences(f, x, h, warn=False)


def _central_differences(f: Callable[[np.ndarray], Any], x: np.ndarray, h: float, *, warn: bool) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"numerical_gradient: x must be the NumPy array that f reads (perturbed in place), "
            f"got {type(x).__name__}; a copy would leave f unchanged"
        )
    if x.dtype.kind != "f":
        raise TypeError(
            f"numerical_gradient: x has dtype {x.dtype}; it must hold floats to be nudged by h={h:g} "
            "(convert it with x.astype(np.float64))"
        )
    if not h > 0:
        raise ValueError(f"numerical_gradient: the step h must be positive, got {h!r}")
    grad = np.zeros(x.shape, dtype=np.float64)
    # Whether any nudge changed f (at a minimum f(x + h) == f(x - h), but not f(x)).
    base = as_number(f(x), "numerical_gradient: f(x)") if warn and x.size else None
    changed = False
    for index in np.ndindex(*x.shape):
        saved = x[index].copy()
        try:
            x[index] = saved + h
            up = as_number(f(x), "numerical_gradient: f(x)")
            x[index] = saved - h
            down = as_number(f(x), "numerical_gradient: f(x)")
        finally:
            x[index] = saved
        changed = changed or up != base or down != base
        grad[index] = (up - down) / (2 * h)
    if warn and x.size and not changed:
        warnings.warn(
            f"numerical_gradient: f returned the same value for every perturbation of x (shape {x.shape}); "
            "f may not read x at all (is x the very array f uses, not a copy?), or not depend on it (a bias "
            "followed by batch normalisation)",
            GradcheckWarning,
            stacklevel=2,
        )
    return grad.astype(x.dtype, copy=False)


def as_number(result: Any, where: str) -> float:
    """The single number a loss returns (a float, a 0-d or 1-element array, or a node)."""
    data = result.data if isinstance(result, Node) else result
    try:
        array = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: expected a number, got {type(result).__name__}: {result!r:.60}") from None
    if array.size != 1:
        raise TypeError(f"{where}: expected a single number, got an array of shape {array.shape}")
    return float(array.reshape(()))
