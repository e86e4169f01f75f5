"""Chapter 5's ``TwoLayerNet``, built from layers: ``Affine1 -> Relu1 -> Affine2``, then
``SoftmaxWithLoss`` as ``lastLayer``; ``gradient`` is backprop through the layers.

``params`` holds ``W1``, ``b1``, ``W2``, ``b2``, and the Affine layers hold the very same arrays:
update them in place (``network.params[key] -= lr * grad[key]``) so the layers see the change.
(``network.params[key] = network.params[key] - ...`` would give ``params`` a new array that no
layer reads: ``check_model`` then says so.)

Example:
    >>> import numpy as np
    >>> np.random.seed(0)
    >>> network = TwoLayerNet(input_size=4, hidden_size=5, output_size=3)
    >>> list(network.layers), type(network.lastLayer).__name__
    (['Affine1', 'Relu1', 'Affine2'], 'SoftmaxWithLoss')
    >>> x, t = np.random.rand(2, 4), np.array([[1, 0, 0], [0, 0, 1]])
    >>> grad = network.gradient(x, t)
    >>> numerical = network.numerical_gradient(x, t)
    >>> all(np.abs(grad[k] - numerical[k]).mean() < 1e-6 for k in grad)  # 1e-7: the loss's log(y + 1e-7)
    True
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .layered_net import LayeredNet
from .layers import Affine, Relu, SoftmaxWithLoss

__all__ = ["TwoLayerNet"]


class TwoLayerNet(LayeredNet):
    """input -> Affine -> ReLU -> Affine -> softmax cross-entropy; weights are
    ``weight_init_std * np.random.randn(...)`` (the book's 0.01), biases zero.

    >>> {k: v.shape for k, v in TwoLayerNet(784, 50, 10).params.items()}
    {'W1': (784, 50), 'b1': (50,), 'W2': (50, 10), 'b2': (10,)}
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, weight_init_std: float = 0.01) -> None:
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.lastLayer = SoftmaxWithLoss()
        self._param_of = {
            "W1": ("Affine1", "W"),
            "b1": ("Affine1", "b"),
            "W2": ("Affine2", "W"),
            "b2": ("Affine2", "b"),
        }
