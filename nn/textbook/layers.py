"""The book's network layers (chapter 5): ``Relu`` (also spelled ``ReLU``), ``Sigmoid``, ``Affine``,
``SoftmaxWithLoss``, plus chapter 6's ``Dropout``.  Each has ``forward`` and ``backward(dout)``, remembers what its
backward pass needs, and keeps its parameter gradients in ``dW``/``db`` as the book does.

Unlike the book's ``Relu``, ``backward`` does not write into ``dout`` (the numbers are the same).

Example:
    >>> import numpy as np
    >>> W, b = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.array([0.5, -0.5])
    >>> affine = Affine(W, b)
    >>> affine.forward(np.array([[1.0, 0.0, 1.0]]))
    array([[6.5, 7.5]])
    >>> affine.backward(np.array([[1.0, 1.0]]))
    array([[ 3.,  7., 11.]])
    >>> affine.dW, affine.db
    (array([[1., 1.],
           [0., 0.],
           [1., 1.]]), array([1., 1.]))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .functions import cross_entropy_error, sigmoid, softmax

__all__ = ["Affine", "Dropout", "ReLU", "Relu", "Sigmoid", "SoftmaxWithLoss"]


def _not_yet(layer: Any, what: str) -> ValueError:
    return ValueError(f"{type(layer).__name__}.backward: call forward first (backward needs {what})")


class Relu:
    """``max(0, x)``; ``mask`` marks where ``x <= 0``, and backward zeroes ``dout`` there.

    >>> relu = Relu()
    >>> relu.forward(np.array([[1.0, -0.5], [-2.0, 3.0]]))
    array([[1., 0.],
           [0., 3.]])
    >>> relu.backward(np.array([[5.0, 5.0], [5.0, 5.0]]))
    array([[5., 0.],
           [0., 5.]])
    """

    def __init__(self) -> None:
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x <= 0
        out = np.array(x, copy=True)
        out[self.mask] = 0
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.mask is None:
            raise _not_yet(self, "the mask of x <= 0")
        dx = np.array(dout, copy=True)
        dx[self.mask] = 0
        return dx


#: The same layer under the spelling some chapters and readers' notes use (``ReLU``).
ReLU = Relu


class Sigmoid:
    """``1 / (1 + exp(-x))``; backward reads only the remembered output: ``dout * (1 - out) * out``.

    >>> s = Sigmoid()
    >>> s.forward(np.array([0.0]))
    array([0.5])
    >>> s.backward(np.array([1.0]))
    array([0.25])
    """

    def __init__(self) -> None:
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.out is None:
            raise _not_yet(self, "the output")
        return dout * (1.0 - self.out) * self.out


class Affine:
    """``x @ W + b`` with the book's weight ``W`` (in, out) and bias ``b`` (out,), held by
    reference: updating ``W`` in place (``W -= lr * dW``) is what the next forward pass sees.

    Any input of more than two dimensions (images of shape ``(N, C, H, W)``) is flattened to
    ``(N, -1)``; ``original_x_shape`` remembers its shape and backward returns ``dx`` in it.
    After backward, ``dW`` and ``db`` hold the parameters' gradients.

    >>> layer = Affine(np.zeros((12, 5)), np.zeros(5))
    >>> layer.forward(np.ones((2, 3, 2, 2))).shape
    (2, 5)
    >>> layer.backward(np.ones((2, 5))).shape
    (2, 3, 2, 2)
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        W, b = np.asarray(W), np.asarray(b)
        if W.ndim != 2 or b.ndim != 1 or b.shape[0] != W.shape[1]:
            raise ValueError(
                f"Affine(W, b): W must be (in, out) and b (out,), got W of shape {W.shape} and b of shape {b.shape}"
            )
        self.W = W
        self.b = b
        self.x: np.ndarray | None = None
        self.original_x_shape: tuple[int, ...] | None = None
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1) if x.ndim > 1 else x.reshape(1, -1)
        if x.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"Affine.forward: input of shape {self.original_x_shape} has {x.shape[1]} features per row, "
                f"W has shape {self.W.shape} (expects {self.W.shape[0]})"
            )
        if x.dtype != self.W.dtype:
            # The result NumPy would give anyway (float32 pixels with float64 weights give float64),
            # converted first: a matmul of mixed dtypes skips BLAS and runs many times slower.
            x = x.astype(np.result_type(x.dtype, self.W.dtype))
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.x is None or self.original_x_shape is None:
            raise _not_yet(self, "the input x")
        dout = np.asarray(dout).reshape(self.x.shape[0], -1)
        dx = dout @ self.W.T
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return dx.reshape(self.original_x_shape)


class SoftmaxWithLoss:
    """Softmax then the book's ``cross_entropy_error`` (with its ``1e-7``), one layer.

    ``forward(x, t)`` takes scores ``x`` (N, classes) and labels ``t`` (one-hot rows or class
    indices) and returns the mean loss; ``y`` keeps the probabilities, ``t`` the labels.
    ``backward(dout=1)`` returns ``dout * (y - t) / N``, the gradient of the mean loss (of
    ``log(y)``: the ``1e-7`` is left out, as in the book).

    >>> layer = SoftmaxWithLoss()
    >>> round(layer.forward(np.array([[0.0, 0.0]]), np.array([1])), 6)
    0.693147
    >>> layer.backward()
    array([[ 0.5, -0.5]])
    """

    def __init__(self) -> None:
        self.loss: float | None = None
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        self.t = np.asarray(t)
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout: Any = 1) -> np.ndarray:
        if self.y is None or self.t is None:
            raise _not_yet(self, "the softmax output and the labels")
        y = self.y if self.y.ndim > 1 else self.y.reshape(1, -1)
        batch_size = y.shape[0]
        if self.t.size == y.size:  # one-hot rows
            dx = y - self.t.reshape(y.shape)
        else:
            dx = y.copy()
            dx[np.arange(batch_size), self.t.reshape(-1).astype(int)] -= 1
        return (dout * dx / batch_size).reshape(self.y.shape)


class Dropout:
    """Chapter 6's dropout: in training (``train_flg=True``) each unit is kept when a fresh
    ``np.random.rand`` draw exceeds ``dropout_ratio``; at test time every unit is kept and scaled
    by ``1 - dropout_ratio``.  Backward lets the gradient through the kept units only.

    >>> np.random.seed(0)
    >>> d = Dropout(0.5)
    >>> d.forward(np.ones((1, 4)))
    array([[1., 1., 1., 1.]])
    >>> d.forward(np.ones((1, 4)), train_flg=False)
    array([[0.5, 0.5, 0.5, 0.5]])
    """

    def __init__(self, dropout_ratio: float = 0.5) -> None:
        if not 0 <= dropout_ratio < 1:
            raise ValueError(f"Dropout: dropout_ratio must be in [0, 1), got {dropout_ratio!r}")
        self.dropout_ratio = dropout_ratio
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        if train_flg:
            self.mask = np.random.rand(*np.shape(x)) > self.dropout_ratio
            return x * self.mask
        return x * (1.0 - self.dropout_ratio)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.mask is None:
            raise _not_yet(self, "the mask drawn in training")
        return dout * self.mask
