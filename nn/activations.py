"""Activation layers: ``ReLU``, ``Sigmoid``, ``Tanh`` (modules around the Tensor ops).

Example:
    >>> from autograd_core import Tensor
    >>> ReLU()(Tensor([-1.0, 2.0])).data.tolist() == [0.0, 2.0]
    True
"""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor

from .module import Module


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


class ReLU(Module):
    """max(0, x), elementwise.

    >>> ReLU()
    ReLU()
    """

    def forward(self, x: Any) -> Tensor:
        return _tensor(x).relu()


class Sigmoid(Module):
    """1 / (1 + exp(-x)), elementwise (computed stably)."""

    def forward(self, x: Any) -> Tensor:
        return _tensor(x).sigmoid()


class Tanh(Module):
    """tanh(x), elementwise."""

    def forward(self, x: Any) -> Tensor:
        return _tensor(x).tanh()
