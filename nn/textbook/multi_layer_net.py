"""Chapter 6's fully connected networks of any depth: ``MultiLayerNet`` (with the book's weight
decay ``weight_decay_lambda``) and ``MultiLayerNetExtend`` (adding ``BatchNormalization`` and
``Dropout`` after each hidden ``Affine``).

Layers are named as in the book: ``Affine1``, (``BatchNorm1``,) ``Activation_function1``,
(``Dropout1``,) ..., ``Affine{n}``; parameters ``W1``, ``b1``, ... (and ``gamma1``, ``beta1``, ...).
``weight_init_std`` is a number, ``'relu'``/``'he'`` (``sqrt(2 / fan_in)``) or
``'sigmoid'``/``'xavier'`` (``sqrt(1 / fan_in)``).

Example:
    >>> import numpy as np
    >>> np.random.seed(0)
    >>> net = MultiLayerNet(input_size=4, hidden_size_list=[6, 5], output_size=3, weight_decay_lambda=0.1)
    >>> list(net.layers)
    ['Affine1', 'Activation_function1', 'Affine2', 'Activation_function2', 'Affine3']
    >>> x, t = np.random.rand(3, 4), np.array([0, 2, 1])
    >>> grad, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    >>> max(float(np.abs(grad[k] - numerical[k]).max()) for k in grad) < 1e-5  # 1e-6: the loss's 1e-7
    True
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from .batch_norm import BatchNormalization
from .layered_net import LayeredNet
from .layers import Affine, Dropout, Relu, Sigmoid, SoftmaxWithLoss

__all__ = ["MultiLayerNet", "MultiLayerNetExtend"]

_ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid}


def _init_std(weight_init_std: Any, fan_in: int) -> float:
    if isinstance(weight_init_std, str):
        name = weight_init_std.lower()
        if name in ("relu", "he"):
            return float(np.sqrt(2.0 / fan_in))
        if name in ("sigmoid", "xavier"):
            return float(np.sqrt(1.0 / fan_in))
        raise ValueError(
            f"weight_init_std must be a number, 'relu', 'he', 'sigmoid' or 'xavier', got {weight_init_std!r}"
        )
    return float(weight_init_std)


class MultiLayerNet(LayeredNet):
    """Affine and activation layers for each size in ``hidden_size_list``, then a last Affine
    and ``SoftmaxWithLoss``; ``weight_decay_lambda`` adds ``0.5 λ ΣW²`` to the loss and ``λ W``
    to each weight's gradient.

    >>> net = MultiLayerNet(784, [100, 100], 10)
    >>> sorted(net.params)
    ['W1', 'W2', 'W3', 'b1', 'b2', 'b3']
    """

    def __init__(
        self,
        input_size: int,
        hidden_size_list: list[int],
        output_size: int,
        activation: str = "relu",
        weight_init_std: Any = "relu",
        weight_decay_lambda: float = 0,
        *,
        use_dropout: bool = False,
        dropout_ration: float = 0.5,
        use_batchnorm: bool = False,
    ) -> None:
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be 'relu' or 'sigmoid', got {activation!r}")
        self.input_size = input_size
        self.output_size = output_size
        self.hidden_size_list = list(hidden_size_list)
        self.hidden_layer_num = len(self.hidden_size_list)
        self.weight_decay_lambda = weight_decay_lambda
        self.use_dropout = use_dropout
        self.use_batchnorm = use_batchnorm
        self.params: dict[str, np.ndarray] = {}
        self._param_of: dict[str, tuple[str, str]] = {}
        self.layers = OrderedDict()
        sizes = [input_size, *self.hidden_size_list, output_size]
        for idx in range(1, len(sizes)):
            std = _init_std(weight_init_std, sizes[idx - 1])
            self.params[f"W{idx}"] = std * np.random.randn(sizes[idx - 1], sizes[idx])
            self.params[f"b{idx}"] = np.zeros(sizes[idx])
            self.layers[f"Affine{idx}"] = Affine(self.params[f"W{idx}"], self.params[f"b{idx}"])
            self._param_of[f"W{idx}"] = (f"Affine{idx}", "W")
            self._param_of[f"b{idx}"] = (f"Affine{idx}", "b")
            if idx == len(sizes) - 1:
                break
            if use_batchnorm:
                self.params[f"gamma{idx}"] = np.ones(sizes[idx])
                self.params[f"beta{idx}"] = np.zeros(sizes[idx])
                gamma, beta = self.params[f"gamma{idx}"], self.params[f"beta{idx}"]
                self.layers[f"BatchNorm{idx}"] = BatchNormalization(gamma, beta)
                self._param_of[f"gamma{idx}"] = (f"BatchNorm{idx}", "gamma")
                self._param_of[f"beta{idx}"] = (f"BatchNorm{idx}", "beta")
            self.layers[f"Activation_function{idx}"] = _ACTIVATIONS[activation]()
            if use_dropout:
                self.layers[f"Dropout{idx}"] = Dropout(dropout_ration)
        self.lastLayer = SoftmaxWithLoss()


class MultiLayerNetExtend(MultiLayerNet):
    """``MultiLayerNet`` with the book's extras: ``use_batchnorm`` puts a ``BatchNormalization``
    (parameters ``gamma{i}``, ``beta{i}``) after each hidden Affine, ``use_dropout`` a
    ``Dropout(dropout_ration)`` after each activation.

    >>> net = MultiLayerNetExtend(4, [5], 3, use_batchnorm=True, use_dropout=True)
    >>> list(net.layers)
    ['Affine1', 'BatchNorm1', 'Activation_function1', 'Dropout1', 'Affine2']
    """

    def __init__(
        self,
        input_size: int,
        hidden_size_list: list[int],
        output_size: int,
        activation: str = "relu",
        weight_init_std: Any = "relu",
        weight_decay_lambda: float = 0,
        use_dropout: bool = False,
        dropout_ration: float = 0.5,
        use_batchnorm: bool = False,
    ) -> None:
        super().__init__(
            input_size,
            hidden_size_list,
            output_size,
            activation,
            weight_init_std,
            weight_decay_lambda,
            use_dropout=use_dropout,
            dropout_ration=dropout_ration,
            use_batchnorm=use_batchnorm,
        )
