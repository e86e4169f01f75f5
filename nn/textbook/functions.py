"""The textbook's activation and loss functions (chapters 3–5), on plain NumPy arrays.

Same names, arguments and results as the book's ``common/functions.py``, so a reader's script
runs with only the import changed.  ``cross_entropy_error`` keeps the book's ``1e-7`` inside the
logarithm (so ``log(0)`` never happens); remember it when a gradient check disagrees on a
saturated softmax: backprop differentiates ``log(y)``, not ``log(y + 1e-7)``.

Example:
    >>> import numpy as np
    >>> y = softmax(np.array([0.3, 2.9, 4.0]))
    >>> y.round(3), float(y.sum())
    (array([0.018, 0.245, 0.737]), 1.0)
    >>> round(float(cross_entropy_error(y, np.array([0, 0, 1]))), 4)
    0.3057
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "CROSS_ENTROPY_DELTA",
    "cross_entropy_error",
    "identity_function",
    "mean_squared_error",
    "relu",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "step_function",
]

#: What ``cross_entropy_error`` adds inside the logarithm, as the book does.
CROSS_ENTROPY_DELTA = 1e-7


def identity_function(x: Any) -> Any:
    """The output layer's activation for regression: ``x`` itself.

    >>> identity_function(3.0)
    3.0
    """
    return x


def step_function(x: Any) -> np.ndarray:
    """The perceptron's activation: 1 where ``x > 0``, else 0 (as integers).

    >>> step_function(np.array([-1.0, 0.0, 2.0]))
    array([0, 0, 1])
    """
    return np.array(np.asarray(x) > 0, dtype=int)


def sigmoid(x: Any) -> Any:
    """``1 / (1 + exp(-x))``, element by element.

    >>> sigmoid(np.array([-1.0, 0.0, 1.0])).round(4)
    array([0.2689, 0.5   , 0.7311])
    """
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x: Any) -> Any:
    """The sigmoid's derivative at ``x``: ``(1 - sigmoid(x)) * sigmoid(x)``.

    >>> float(sigmoid_grad(0.0))
    0.25
    """
    s = sigmoid(x)
    return (1.0 - s) * s


def relu(x: Any) -> Any:
    """``max(0, x)``, element by element.

    >>> relu(np.array([-2.0, 0.5]))
    array([0. , 0.5])
    """
    return np.maximum(0, x)


def softmax(x: Any) -> np.ndarray:
    """Softmax of a vector, or of each row of a batch; the largest score is subtracted first,
    so large scores do not overflow.

    >>> softmax(np.array([[1010.0, 1000.0, 990.0]])).round(3)
    array([[1., 0., 0.]])
    """
    x = np.asarray(x)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def mean_squared_error(y: Any, t: Any) -> float:
    """The book's squared error: ``0.5 * sum((y - t) ** 2)``.

    >>> mean_squared_error(np.array([0.1, 0.6, 0.3]), np.array([0, 1, 0]))
    0.13
    """
    return float(0.5 * np.sum((np.asarray(y) - np.asarray(t)) ** 2))


def cross_entropy_error(y: Any, t: Any) -> float:
    """Mean cross-entropy of softmax outputs ``y`` against labels ``t`` (one-hot rows or class
    indices), with the book's ``1e-7`` inside the log: ``-sum(log(y[n, t_n] + 1e-7)) / N``.

    A single sample (1-D ``y``) counts as a batch of one.

    >>> y = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]])
    >>> round(cross_entropy_error(y, np.array([1, 0])), 6)
    0.524911
    >>> round(cross_entropy_error(y, np.array([[0, 1, 0], [1, 0, 0]])), 6)
    0.524911
    """
    y = np.asarray(y)
    t = np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, y.size)
        t = t.reshape(1, t.size)
    if t.size == y.size:  # one-hot rows: their label is where the 1 is
        t = t.argmax(axis=1)
    t = t.reshape(-1)
    batch_size = y.shape[0]
    if t.shape[0] != batch_size:
        raise ValueError(
            f"cross_entropy_error: {t.shape[0]} label(s) for a batch of {batch_size} row(s) (y has shape {y.shape})"
        )
    return float(-np.sum(np.log(y[np.arange(batch_size), t.astype(int)] + CROSS_ENTROPY_DELTA)) / batch_size)
