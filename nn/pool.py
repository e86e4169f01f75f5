"""Pooling layers: ``MaxPool2d`` and ``AvgPool2d`` over the engine's ``max_pool2d`` and ``avg_pool2d``.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    >>> MaxPool2d(2)(x).data[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    >>> AvgPool2d(2)(x).data[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
"""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor, avg_pool2d, max_pool2d
from autograd_core.tensor.conv import Pair, pair

from .module import Module

__all__ = ["AvgPool2d", "MaxPool2d"]


class MaxPool2d(Module):
    """Max pooling over ``kernel_size`` windows moved by ``stride`` (default: the kernel size).

    >>> MaxPool2d(2)
    MaxPool2d(kernel_size=(2, 2), stride=(2, 2))
    """

    def __init__(self, kernel_size: Pair, stride: Pair | None = None) -> None:
        super().__init__()
        self.kernel_size = pair(kernel_size, "kernel_size", "MaxPool2d", 1)
        self.stride = self.kernel_size if stride is None else pair(stride, "stride", "MaxPool2d", 1)

    def forward(self, x: Any) -> Tensor:
        return max_pool2d(x, self.kernel_size, self.stride)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"


class AvgPool2d(Module):
    """Average pooling over ``kernel_size`` windows moved by ``stride`` (default: the kernel size).

    >>> AvgPool2d(2)
    AvgPool2d(kernel_size=(2, 2), stride=(2, 2))
    """

    def __init__(self, kernel_size: Pair, stride: Pair | None = None) -> None:
        super().__init__()
        self.kernel_size = pair(kernel_size, "kernel_size", "AvgPool2d", 1)
        self.stride = self.kernel_size if stride is None else pair(stride, "stride", "AvgPool2d", 1)

    def forward(self, x: Any) -> Tensor:
        return avg_pool2d(x, self.kernel_size, self.stride)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"
