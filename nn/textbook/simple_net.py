"""Chapter 4's ``simpleNet``: one 2x3 weight matrix, softmax and cross-entropy, for computing a
gradient by numerical differentiation.

Example (the book's session, with the weights fixed instead of random):
    >>> import numpy as np
    >>> from nn.textbook import numerical_gradient
    >>> net = simpleNet()
    >>> net.W = np.array([[0.47355232, 0.9977393, 0.84668094], [0.85557411, 0.03563661, 0.69422093]])
    >>> x, t = np.array([0.6, 0.9]), np.array([0, 0, 1])
    >>> net.predict(x).round(6)
    array([1.054148, 0.630717, 1.132807])
    >>> round(net.loss(x, t), 6)
    0.928068
    >>> def f(W):
    ...     return net.loss(x, t)
    >>> numerical_gradient(f, net.W).round(4)
    array([[ 0.2192,  0.1436, -0.3628],
           [ 0.3289,  0.2153, -0.5442]])
"""

from __future__ import annotations

import numpy as np

from .functions import cross_entropy_error, softmax

__all__ = ["simpleNet"]


class simpleNet:  # noqa: N801 - the book's name
    """``W`` (2, 3) drawn from ``np.random.randn``; ``predict(x) = x @ W``; ``loss`` is the
    cross-entropy of ``softmax(predict(x))`` against ``t``.

    >>> simpleNet().W.shape
    (2, 3)
    """

    def __init__(self) -> None:
        self.W = np.random.randn(2, 3)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.dot(x, self.W)

    def loss(self, x: np.ndarray, t: np.ndarray) -> float:
        return cross_entropy_error(softmax(self.predict(x)), t)
