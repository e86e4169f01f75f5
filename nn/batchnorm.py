"""``BatchNorm``: normalise each feature (or each channel) over the batch, then scale and shift.

In training mode each feature is normalised with the mean and (biased) variance of the current
batch, ``xhat = (x - mean) / sqrt(var + eps)``, and the output is ``gamma * xhat + beta``.  For a
batch of rows (N, C) the statistics are per column; for images (N, C, H, W) they are per channel,
over the batch and every position (N, H, W), as the textbook's convolutional networks use it.

Running statistics, kept for evaluation mode, follow PyTorch's convention: after each training
batch ``running = (1 - momentum) * running + momentum * batch_statistic`` with ``momentum=0.1``,
the variance entering the running average being the unbiased one (``var * m / (m - 1)``, ``m``
the number of values per feature).  In evaluation mode (``model.eval()``) the output is
``gamma * (x - running_mean) / sqrt(running_var + eps) + beta`` and nothing is updated.  The
running statistics are buffers: saved and loaded with the weights.

The whole layer is one graph op with the fused VJP (``g`` the output's gradient, means over the
normalised axes):

- ``dgamma = sum(g * xhat)``, ``dbeta = sum(g)``;
- training: ``dx = (gamma / sqrt(var + eps)) * (g - mean(g) - xhat * mean(g * xhat))``
  (the batch statistics depend on x too);
- evaluation: ``dx = g * gamma / sqrt(running_var + eps)``.

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

from autograd_core import Tensor
from autograd_core.tensor import as_tensor, new_node

from .conv import require_first_order
from .module import Module


def _axes(x: Tensor, features: int, op: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The axes statistics are taken over, and the shape a per-feature array is viewed in."""
    if x.ndim == 2:
        axes, shape = (0,), (1, features)
    elif x.ndim == 4:
        axes, shape = (0, 2, 3), (1, features, 1, 1)
    else:
        raise ValueError(
            f"{op}: input {x._describe()} has shape {x.shape}; expected (N, C) or (N, C, H, W)"
        )
    if x.shape[1] != features:
        raise ValueError(f"{op}: input of shape {x.shape} has {x.shape[1]} features (axis 1), the layer has {features}")
    return axes, shape


def _per_feature_sum(a: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """Sum over every axis but the feature axis; a channels-first image array (a Conv2d output)
    is summed as contiguous rows."""
    if a.ndim == 4 and not a.flags.c_contiguous:
        physical = a.transpose(1, 0, 2, 3)
        if physical.flags.c_contiguous:
            return physical.reshape(physical.shape[0], -1).sum(axis=1)
    return a.sum(axis=axes)


def _batch_norm_vjp(node: Tensor, g: np.ndarray) -> tuple:
    require_first_order("batch_norm", g)
    x, gamma, beta = node.parents
    xhat, scale, axes, training = node._saved
    dx = None
    g_xhat = _per_feature_sum(g * xhat, axes)  # dgamma
    g_sum = _per_feature_sum(g, axes)  # dbeta
    if x.requires_grad:
        # scale = gamma / sqrt(var + eps), in the per-feature shape.
        if training:
            count = g.size // g_sum.size
            shape = scale.shape
            # dx = scale * (g - mean(g) - xhat * mean(g * xhat)), built in one array.
            dx = xhat * (g_xhat.reshape(shape) * (-1.0 / count)).astype(g.dtype, copy=False)
            dx += g
            dx -= (g_sum.reshape(shape) * (1.0 / count)).astype(g.dtype, copy=False)
            dx *= scale
        else:
            dx = g * scale
    return dx, g_xhat if gamma.requires_grad else None, g_sum if beta.requires_grad else None


def batch_norm(
    x: Any,
    gamma: Tensor,
    beta: Tensor,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    training: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise ``x`` per feature (axis 1) with batch statistics (``training``) or the running ones.

    In training, ``running_mean`` and ``running_var`` (arrays of shape (C,)) are updated in place.

    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> gamma, beta = Tensor(np.ones(1), requires_grad=True), Tensor(np.zeros(1), requires_grad=True)
    >>> y = batch_norm(np.array([[0.0], [2.0]]), gamma, beta, np.zeros(1), np.ones(1), eps=0.0)
    >>> y.data.ravel()
    array([-1.,  1.])
    """
    features = gamma.shape[0]
    if type(x) is not Tensor or x.dtype != gamma.dtype:
        x = as_tensor(x.data if isinstance(x, Tensor) and not x.requires_grad else x, gamma, "batch_norm")
    axes, shape = _axes(x, features, "batch_norm")
    data = x.data
    dtype = data.dtype
    if training:
        count = data.size // features
        if count < 2:
            raise ValueError(
                f"batch_norm: training needs more than one value per feature to normalise, got input of shape "
                f"{x.shape}; use eval() for single examples"
            )
        mean = (_per_feature_sum(data, axes) * (1.0 / count)).astype(dtype, copy=False).reshape(shape)
        centered = data - mean
        var = (_per_feature_sum(centered * centered, axes) * (1.0 / count)).astype(dtype, copy=False).reshape(shape)
        running_mean *= 1.0 - momentum
        running_mean += momentum * mean.reshape(features)
        running_var *= 1.0 - momentum
        running_var += (momentum * count / (count - 1)) * var.reshape(features)
    else:
        centered = data - running_mean.reshape(shape)
        var = running_var.reshape(shape)
    inv_std = (1.0 / np.sqrt(var + eps)).astype(dtype, copy=False)
    xhat = centered
    xhat *= inv_std
    out = xhat * gamma.data.reshape(shape)
    out += beta.data.reshape(shape)
    scale = gamma.data.reshape(shape) * inv_std
    saved = (xhat, scale, axes, bool(training))
    mode = "train" if training else "eval"
    return new_node(out, "batch_norm", (x, gamma, beta), _batch_norm_vjp, saved=saved, arg=mode)


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
