"""The textbook's numerical differentiation (chapter 4): ``numerical_diff``,
``numerical_gradient`` and ``gradient_descent``.

``numerical_gradient(f, x)`` perturbs ``x`` itself, element by element, in place, and calls
``f(x)``: so ``f`` may ignore its argument and read the array some other way (the book's
``f = lambda W: net.loss(x, t)``), as long as ``x`` is the very array it reads.  Every element is
restored afterwards, also when ``f`` raises.

Example:
    >>> import numpy as np
    >>> def function_2(x):
    ...     return x[0] ** 2 + x[1] ** 2
    >>> numerical_gradient(function_2, np.array([3.0, 4.0])).round(6)
    array([6., 8.])
    >>> gradient_descent(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=100).round(6)
    array([-0.,  0.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import numerical_gradient as engine_numerical_gradient

__all__ = ["gradient_descent", "numerical_diff", "numerical_gradient"]


def numerical_diff(f: Callable[[Any], Any], x: Any, h: float = 1e-4) -> Any:
    """The central difference ``(f(x + h) - f(x - h)) / 2h`` (the book's ``h = 1e-4``).

    >>> round(numerical_diff(lambda x: 0.01 * x ** 2 + 0.1 * x, 5.0), 6)
    0.2
    """
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Central-difference gradient of ``f`` with respect to every element of the array ``x``
    (any number of dimensions), nudging ``x`` in place and restoring it: chainrule's one
    ``numerical_gradient`` under the book's name, so it warns when ``f`` does not read ``x`` (the
    book's ``numerical_gradient(f, a)`` with an array the loss never uses gives zeros) and
    refuses an integer array, which cannot be nudged by ``h``.

    >>> W = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> numerical_gradient(lambda _: float(np.sum(W ** 2)), W).round(6)
    array([[2., 4.],
           [6., 8.]])
    >>> W
    array([[1., 2.],
           [3., 4.]])
    """
    return engine_numerical_gradient(f, x, h)


def gradient_descent(
    f: Callable[[np.ndarray], Any], init_x: np.ndarray, lr: float = 0.01, step_num: int = 100
) -> np.ndarray:
    """``step_num`` steps of ``x -= lr * numerical_gradient(f, x)`` from ``init_x`` (which is
    updated in place, as in the book, and returned).

    >>> x = gradient_descent(lambda x: float(np.sum((x - 1.0) ** 2)), np.array([3.0]), lr=0.5, step_num=3)
    >>> x.round(6)
    array([1.])
    """
    x = init_x
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
    return x
