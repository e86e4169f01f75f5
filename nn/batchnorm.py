"""``BatchNorm``: the layer holding batch normalisation's ``gamma``, ``beta`` and running statistics.

The op is the engine's ``batch_norm`` (batch statistics in ``train()`` mode, the running ones in
``eval()`` mode, PyTorch's momentum convention); the running statistics are buffers, saved and
loaded with the weights.

Example:
    >>> import numpy as np
    >>> bn = BatchNorm(2)
    >>> y = bn(np.array([[1.0, 10.0], [3.0, 30.0]], dtype=np.float32))
    >>> y.data
    array([[-0.999995, -1.      ],
           [ 0.999995,  1.      ]], dtype=float32)
    >>> bn.running_mean.data                     # 0.9 * 0 + 0.1 * batch mean
    array([0.2, 2. ], dtype=float32)
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from autograd_core import Tensor, batch_norm

from .module import Module

__all__ = ["BatchNorm"]


class BatchNorm(Module):
    """Batch normalisation of ``num_features`` features (rows (N, C)) or channels (images (N, C, H, W)).

    Parameters ``gamma`` (ones) and ``beta`` (zeros); buffers ``running_mean`` (zeros) and
    ``running_var`` (ones).  ``momentum`` weighs each new batch in the running statistics.

    >>> BatchNorm(30)
    BatchNorm(30, eps=1e-05, momentum=0.1, dtype=float32)
    """

    buffer_names = ("running_mean", "running_var")
    # Checked by load_weights: a negative variance makes every eval output nan.
    nonnegative_names = ("running_var",)

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, dtype: Any = np.float32) -> None:
        super().__init__()
        if not isinstance(num_features, numbers.Integral) or isinstance(num_features, bool) or num_features < 1:
            raise ValueError(f"BatchNorm: num_features must be a positive integer, got {num_features!r}")
        if not eps > 0:
            raise ValueError(f"BatchNorm: eps must be positive, got {eps!r}")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"BatchNorm: momentum must lie in [0, 1], got {momentum!r}")
        self.num_features, self.eps, self.momentum = int(num_features), float(eps), float(momentum)
        self.gamma = Tensor(np.ones(num_features, dtype=dtype), requires_grad=True, name="gamma")
        self.beta = Tensor(np.zeros(num_features, dtype=dtype), requires_grad=True, name="beta")
        self.running_mean = Tensor(np.zeros(num_features, dtype=dtype), name="running_mean")
        self.running_var = Tensor(np.ones(num_features, dtype=dtype), name="running_var")

    def forward(self, x: Any) -> Tensor:
        try:
            return batch_norm(
                x, self.gamma, self.beta, self.running_mean.data, self.running_var.data,
                self.training, self.momentum, self.eps,
            )
        except ValueError as exc:  # the op names the shapes; say which layer it was
            layer = self.__dict__.get("_scope_name", type(self).__name__)
            mode = "train" if self.training else "eval"
            raise ValueError(f"layer {layer} ({self.num_features} features, {mode} mode): {exc}") from None

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps:g}, momentum={self.momentum:g}, dtype={self.gamma.dtype}"
