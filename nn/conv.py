"""``Conv2d``: the layer holding a convolution's weights; the op is the engine's ``conv2d``.

``autograd_core.conv2d`` (as ``torch.nn.functional.conv2d``) computes the convolution as one
graph op with im2col; this module keeps the weight ``W`` (out_channels, in_channels, KH, KW) and
the bias ``b``, initialised for the activation that follows.

Example:
    >>> import numpy as np
    >>> conv = Conv2d(1, 2, kernel_size=3, seed=0)
    >>> conv(np.zeros((4, 1, 8, 8))).shape
    (4, 2, 6, 6)
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from autograd_core import Tensor, conv2d
from autograd_core.tensor.conv import Pair, pair

from .init import init_std
from .module import Module

__all__ = ["Conv2d"]


class Conv2d(Module):
    """A convolution layer: weight ``W`` (out_channels, in_channels, KH, KW), bias ``b`` (out_channels,).

    ``kernel_size``, ``stride`` and ``padding`` are an int or an (height, width) pair.  ``init``:
    ``"he"`` (default, for ReLU), ``"xavier"`` or a standard deviation (the textbook's 0.01), with
    fan-in ``in_channels * KH * KW``; the bias starts at zero.  ``rng`` or ``seed`` make the
    weights reproducible; ``dtype`` float32 (default) or float64.

    >>> Conv2d(1, 30, 5, seed=0)
    Conv2d(1, 30, kernel_size=(5, 5), stride=(1, 1), padding=(0, 0), bias=True, dtype=float32)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Pair,
        stride: Pair = 1,
        padding: Pair = 0,
        bias: bool = True,
        init: str | float = "he",
        rng: np.random.Generator | None = None,
        seed: int | None = None,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        for label, count in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(count, numbers.Integral) or isinstance(count, bool) or count < 1:
                raise ValueError(f"Conv2d: {label} must be a positive integer, got {count!r}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2d", 1)
        self.stride = pair(stride, "stride", "Conv2d", 1)
        self.padding = pair(padding, "padding", "Conv2d", 0)
        rng = rng if rng is not None else np.random.default_rng(seed)
        kh, kw = self.kernel_size
        std = init_std(self.in_channels * kh * kw, init)
        weight = rng.standard_normal((self.out_channels, self.in_channels, kh, kw)) * std
        self.W = Tensor(weight.astype(dtype), requires_grad=True, name="W")
        self.b = Tensor(np.zeros(self.out_channels, dtype=dtype), requires_grad=True, name="b") if bias else None

    def forward(self, x: Any) -> Tensor:
        return conv2d(x, self.W, self.b, self.stride, self.padding)

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}, bias={self.b is not None}, dtype={self.W.dtype}"
        )
