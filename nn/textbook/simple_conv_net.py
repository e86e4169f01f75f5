"""Chapter 7's ``SimpleConvNet``: conv - ReLU - pool - affine - ReLU - affine - softmax.

``params`` holds ``W1``/``b1`` (the filters), ``W2``/``b2`` and ``W3``/``b3`` (the two Affine
layers); the layers ``Conv1``, ``Relu1``, ``Pool1``, ``Affine1``, ``Relu2``, ``Affine2`` hold the
very same arrays.  Inputs are images (N, C, H, W), e.g. ``load_mnist(flatten=False)``.

Example:
    >>> import numpy as np
    >>> np.random.seed(0)
    >>> net = SimpleConvNet(input_dim=(1, 8, 8), conv_param={"filter_num": 3, "filter_size": 3, "pad": 0, "stride": 1},
    ...                     hidden_size=5, output_size=4, weight_init_std=0.1)
    >>> {k: v.shape for k, v in net.params.items()}
    {'W1': (3, 1, 3, 3), 'b1': (3,), 'W2': (27, 5), 'b2': (5,), 'W3': (5, 4), 'b3': (4,)}
    >>> x, t = np.random.rand(2, 1, 8, 8), np.array([1, 3])
    >>> grad, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    >>> max(float(np.abs(grad[k] - numerical[k]).max()) for k in grad) < 1e-6
    True
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from .conv_layers import Convolution, Pooling
from .im2col import conv_output_size
from .layered_net import LayeredNet
from .layers import Affine, Relu, SoftmaxWithLoss

__all__ = ["SimpleConvNet"]

_DEFAULT_CONV = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}


class SimpleConvNet(LayeredNet):
    """The book's small CNN; weights are ``weight_init_std * np.random.randn(...)``, biases zero.

    >>> net = SimpleConvNet()
    >>> net.params["W2"].shape
    (4320, 100)
    """

    def __init__(
        self,
        input_dim: tuple[int, int, int] = (1, 28, 28),
        conv_param: dict[str, Any] | None = None,
        hidden_size: int = 100,
        output_size: int = 10,
        weight_init_std: float = 0.01,
    ) -> None:
        conv = {**_DEFAULT_CONV, **(conv_param or {})}
        filter_num, filter_size = conv["filter_num"], conv["filter_size"]
        pad, stride = conv["pad"], conv["stride"]
        channels, height, width = input_dim
        conv_h = conv_output_size(height, filter_size, stride, pad)
        conv_w = conv_output_size(width, filter_size, stride, pad)
        pool_output_size = filter_num * (conv_h // 2) * (conv_w // 2)
        self.params = {
            "W1": weight_init_std * np.random.randn(filter_num, channels, filter_size, filter_size),
            "b1": np.zeros(filter_num),
            "W2": weight_init_std * np.random.randn(pool_output_size, hidden_size),
            "b2": np.zeros(hidden_size),
            "W3": weight_init_std * np.random.randn(hidden_size, output_size),
            "b3": np.zeros(output_size),
        }
        self.layers = OrderedDict()
        self.layers["Conv1"] = Convolution(self.params["W1"], self.params["b1"], stride, pad)
        self.layers["Relu1"] = Relu()
        self.layers["Pool1"] = Pooling(pool_h=2, pool_w=2, stride=2)
        self.layers["Affine1"] = Affine(self.params["W2"], self.params["b2"])
        self.layers["Relu2"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W3"], self.params["b3"])
        self.lastLayer = SoftmaxWithLoss()
        self._param_of = {
            "W1": ("Conv1", "W"),
            "b1": ("Conv1", "b"),
            "W2": ("Affine1", "W"),
            "b2": ("Affine1", "b"),
            "W3": ("Affine2", "W"),
            "b3": ("Affine2", "b"),
        }

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int = 100) -> float:
        """The fraction right, computed ``batch_size`` images at a time (as the book does)."""
        labels = np.asarray(t)
        labels = labels.argmax(axis=1) if labels.ndim != 1 else labels
        right = 0
        for start in range(0, np.shape(x)[0], batch_size):
            y = np.argmax(self.predict(x[start : start + batch_size]), axis=1)
            right += int(np.sum(y == labels[start : start + batch_size]))
        return right / np.shape(x)[0]
