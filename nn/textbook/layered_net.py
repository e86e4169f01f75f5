"""What the book's layered networks share (chapters 5–7): run ``layers`` in order, finish with
``lastLayer``, and read the gradients the layers leave behind.

A network sets ``params`` (a dict of arrays), ``layers`` (an ``OrderedDict`` of layers that hold
those very arrays) and ``lastLayer``, and says in ``_param_of`` which layer attribute each
parameter is (``{"W1": ("Affine1", "W"), ...}``).  Everything else is here: ``predict``,
``loss`` (plus ``0.5 * weight_decay_lambda * sum(W ** 2)`` over the weights ``W1, W2, ...``),
``accuracy``, ``numerical_gradient`` and ``gradient`` by backprop through the layers.

Layers that behave differently in training (``Dropout``, ``BatchNormalization``) get
``train_flg``: ``gradient`` runs the forward pass in training mode, ``predict``, ``loss`` and
``accuracy`` in test mode unless told otherwise, as the book's ``MultiLayerNetExtend`` does.
"""

from __future__ import annotations

import pickle
from collections import OrderedDict
from typing import Any

import numpy as np

from autograd_core.files import write_atomically

from .batch_norm import BatchNormalization
from .gradient import numerical_gradient
from .layers import Dropout

__all__ = ["LayeredNet"]


def _labels(t: Any) -> np.ndarray:
    t = np.asarray(t)
    return t.argmax(axis=1) if t.ndim != 1 else t


class LayeredNet:
    """The shared methods of the book's layered networks (see the module)."""

    params: dict[str, np.ndarray]
    layers: OrderedDict
    lastLayer: Any
    weight_decay_lambda: float = 0.0
    _param_of: dict[str, tuple[str, str]]

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """The scores before softmax: ``x`` through every layer in order."""
        for layer in self.layers.values():
            if isinstance(layer, (Dropout, BatchNormalization)):
                x = layer.forward(x, train_flg)
            else:
                x = layer.forward(x)
        return x

    def loss(self, x: np.ndarray, t: np.ndarray, train_flg: bool = False) -> float:
        """The mean softmax cross-entropy of the batch, plus the weight decay term if any."""
        y = self.predict(x, train_flg)
        decay = 0.0
        if self.weight_decay_lambda:
            for key, W in self.params.items():
                if key.startswith("W"):
                    decay += 0.5 * self.weight_decay_lambda * np.sum(W**2)
        return self.lastLayer.forward(y, t) + decay

    def accuracy(self, x: np.ndarray, t: np.ndarray) -> float:
        """The fraction of rows whose highest score is the label (labels or one-hot rows)."""
        y = np.argmax(self.predict(x), axis=1)
        return float(np.sum(y == _labels(t)) / float(np.shape(x)[0]))

    def numerical_gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Every parameter's gradient by central differences of ``loss`` (slow: two forward
        passes per weight; for checking ``gradient`` on a few rows)."""

        def loss_w(_: np.ndarray) -> float:
            return self.loss(x, t, train_flg=True)

        return {key: numerical_gradient(loss_w, self.params[key]) for key in self._param_of}

    def gradient(self, x: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Every parameter's gradient by backprop: forward (training mode), then each layer's
        ``backward`` in reverse order, reading ``dW``, ``db``, ... from the layers."""
        self.loss(x, t, train_flg=True)
        dout = self.lastLayer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        grads = {}
        for key, (layer_key, attribute) in self._param_of.items():
            grad = getattr(self.layers[layer_key], "d" + attribute)
            if key.startswith("W") and self.weight_decay_lambda:
                grad = grad + self.weight_decay_lambda * self.params[key]
            grads[key] = grad
        return grads

    def save_params(self, file_name: str = "params.pkl") -> None:
        """Write ``params`` to a pickle file, as the book does (load only files you trust)."""
        params = {key: np.array(val) for key, val in self.params.items()}
        write_atomically(file_name, lambda file: pickle.dump(params, file), "save_params")

    def load_params(self, file_name: str = "params.pkl") -> None:
        """Read parameters saved by :meth:`save_params` into this network's arrays, in place,
        so the layers see them."""
        with open(file_name, "rb") as f:
            saved = pickle.load(f)
        for key, array in self.params.items():
            if key not in saved:
                raise ValueError(f"load_params: {file_name} has no {key!r} (it has {', '.join(map(repr, saved))})")
            if np.shape(saved[key]) != array.shape:
                raise ValueError(
                    f"load_params: {key!r} in {file_name} has shape {np.shape(saved[key])}, "
                    f"this network's has {array.shape}"
                )
            array[...] = saved[key]
