"""The textbook's ``TwoLayerNet``, with its gradient computed by chainrule's backprop.

The interface is the book's, so its training loop and gradient check run with only the import
changed: ``params`` is a dict of plain NumPy arrays (``W1``, ``b1``, ``W2``, ``b2``) that you
may read and update in place (``network.params[key] -= lr * grad[key]``, or an optimizer's
``update(params, grads)``); ``predict`` returns the scores before softmax (the book's chapter 5
network), ``loss`` the mean softmax cross-entropy, ``accuracy`` the fraction right (labels as
integers or one-hot rows), ``gradient`` the backprop gradient and ``numerical_gradient`` the
central-difference one, both as dicts of arrays.

Inside, every call wraps the current arrays in ``Tensor`` leaves (no copy), so whatever you do
to ``params`` is what the next forward pass sees.

Example:
    >>> import numpy as np
    >>> net = TwoLayerNet(input_size=4, hidden_size=5, output_size=3, seed=0)
    >>> x, t = np.random.default_rng(1).random((2, 4)), np.array([0, 2])
    >>> grads = net.gradient(x, t)
    >>> sorted(grads), grads["W1"].shape
    (['W1', 'W2', 'b1', 'b2'], (4, 5))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Tensor, no_grad, numerical_gradient, softmax_cross_entropy

from .linear import as_batch
from .module import INPUT_NAME

ACTIVATIONS = ("relu", "sigmoid")
_CHUNK = 10000  # rows per forward pass in predict()


def _labels(t: Any) -> np.ndarray:
    t = np.asarray(t)
    return t.argmax(axis=1) if t.ndim != 1 else t


class TwoLayerNet:
    """input -> Affine -> ReLU (or Sigmoid) -> Affine -> softmax cross-entropy, the textbook's way.

    ``weight_init_std`` scales standard normal initial weights (the book's 0.01); biases start at
    zero.  ``seed`` makes the weights reproducible (the book draws from ``np.random``, which is
    what happens when ``seed`` is None).

    >>> net = TwoLayerNet(784, 50, 10)
    >>> {k: v.shape for k, v in net.params.items()}
    {'W1': (784, 50), 'b1': (50,), 'W2': (50, 10), 'b2': (10,)}
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        weight_init_std: float = 0.01,
        activation: str = "relu",
        seed: int | None = None,
    ) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"TwoLayerNet: activation must be one of {ACTIVATIONS}, got {activation!r}")
        self.activation = activation
        if seed is None:
            randn = np.random.randn
        else:
            rng = np.random.default_rng(seed)
            randn = lambda *shape: rng.standard_normal(shape)
        self.params: dict[str, np.ndarray] = {
            "W1": weight_init_std * randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def _leaves(self, requires_grad: bool) -> dict[str, Tensor]:
        leaves = {}
        for key in ("W1", "b1", "W2", "b2"):
            array = self.params.get(key)
            if not isinstance(array, np.ndarray):
                raise TypeError(f"TwoLayerNet: params[{key!r}] must be a NumPy array, got {type(array).__name__}")
            leaves[key] = Tensor(array, requires_grad=requires_grad, name=key)
        return leaves

    def _forward(self, x: Any, p: dict[str, Tensor]) -> Tensor:
        x = Tensor(as_batch(np.asarray(x), p["W1"], "TwoLayerNet"), name=INPUT_NAME)
        a1 = x @ p["W1"] + p["b1"]
        z1 = a1.relu() if self.activation == "relu" else a1.sigmoid()
        return z1 @ p["W2"] + p["b2"]

    def predict(self, x: Any) -> np.ndarray:
        """The scores (logits) for each class, before softmax, as an array.

        A large input (the whole training set, to measure accuracy) goes through in chunks, so
        converting it to the weights' dtype never needs a second copy of all of it.
        """
        x = np.asarray(x)
        leaves = self._leaves(False)
        with no_grad():
            if x.ndim == 0 or len(x) <= _CHUNK:
                return self._forward(x, leaves).data
            return np.concatenate([self._forward(x[i : i + _CHUNK], leaves).data for i in range(0, len(x), _CHUNK)])

    def loss(self, x: Any, t: Any) -> float:
        """Mean softmax cross-entropy of the scores against ``t`` (integer labels or one-hot rows)."""
        with no_grad():
            return softmax_cross_entropy(self._forward(x, self._leaves(False)), t).item()

    def accuracy(self, x: Any, t: Any) -> float:
        """The fraction of examples whose highest score is the right class."""
        y = self.predict(x).argmax(axis=1)
        return float(np.sum(y == _labels(t)) / len(y))

    def gradient(self, x: Any, t: Any) -> dict[str, np.ndarray]:
        """The gradient of ``loss(x, t)`` with respect to each parameter, by backprop.

        The loss of that forward pass is kept in ``last_loss`` (no second pass needed to log it).
        """
        leaves = self._leaves(True)
        loss = softmax_cross_entropy(self._forward(x, leaves), t)
        loss.backward()
        self.last_loss = loss.item()
        return {key: leaf.grad for key, leaf in leaves.items()}

    def numerical_gradient(self, x: Any, t: Any) -> dict[str, np.ndarray]:
        """The same gradient by central differences (slow: two forward passes per weight).

        Each weight in turn is nudged by +-1e-4 in place and restored, as the book does, with the
        engine's :func:`autograd_core.numerical_gradient`.
        """
        loss_W = lambda W: self.loss(x, t)  # the book's spelling; W is the array being nudged
        return {key: numerical_gradient(loss_W, self.params[key]) for key in ("W1", "b1", "W2", "b2")}
