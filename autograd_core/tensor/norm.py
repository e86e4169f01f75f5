"""``batch_norm``: normalise each feature (or each channel) over the batch, then scale and shift.

In training mode each feature is normalised with the mean and (biased) variance of the current
batch, ``xhat = (x - mean) / sqrt(var + eps)``, and the output is ``gamma * xhat + beta``.  For a
batch of rows (N, C) the statistics are per column; for images (N, C, H, W) they are per channel,
over the batch and every position (N, H, W), as the textbook's convolutional networks use it.

Running statistics, kept for evaluation mode (``training=False``), follow PyTorch's convention: after each training
batch ``running = (1 - momentum) * running + momentum * batch_statistic`` with ``momentum=0.1``,
the variance entering the running average being the unbiased one (``var * m / (m - 1)``, ``m``
the number of values per feature).  In evaluation mode the output is
``gamma * (x - running_mean) / sqrt(running_var + eps) + beta`` and nothing is updated.
``nn.BatchNorm`` is the layer that holds ``gamma``, ``beta`` and the running statistics.

The whole layer is one graph op with the fused VJP (``g`` the output's gradient, means over the
normalised axes):

- ``dgamma = sum(g * xhat)``, ``dbeta = sum(g)``;
- training: ``dx = (gamma / sqrt(var + eps)) * (g - mean(g) - xhat * mean(g * xhat))``
  (the batch statistics depend on x too);
- evaluation: ``dx = g * gamma / sqrt(running_var + eps)``.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor, batch_norm
    >>> gamma, beta = Tensor(np.ones(2), requires_grad=True), Tensor(np.zeros(2), requires_grad=True)
    >>> running_mean, running_var = np.zeros(2), np.ones(2)
    >>> y = batch_norm(np.array([[1.0, 10.0], [3.0, 30.0]]), gamma, beta, running_mean, running_var)
    >>> y.data.round(4)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> running_mean                     # 0.9 * 0 + 0.1 * batch mean
    array([0.2, 2. ])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .conv import require_first_order
from .core import Tensor, as_tensor, new_node, tensor_op


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
    """``dgamma = Σ g ⊙ x̂``, ``dbeta = Σ g``; ``dx = γ/σ ⊙ (g − mean g − x̂ ⊙ mean(g ⊙ x̂))`` in
    training (the batch statistics depend on x too), ``γ/σ ⊙ g`` in evaluation."""
    require_first_order("batch_norm", g)
    x, gamma, beta = node.parents
    xhat, scale, axes, training, _ = node._saved
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
        x = as_tensor(x._data if isinstance(x, Tensor) and not x.requires_grad else x, gamma, "batch_norm")
    axes, shape = _axes(x, features, "batch_norm")
    data = x._data
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
    out = xhat * gamma._data.reshape(shape)
    out += beta._data.reshape(shape)
    scale = gamma._data.reshape(shape) * inv_std
    # Evaluation mode keeps the statistics it used, for gradcheck's replay (C numbers each).
    used = None if training else (np.array(running_mean, copy=True), np.array(running_var, copy=True))
    saved = (xhat, scale, axes, bool(training), used)
    mode = "train" if training else "eval"
    return new_node(out, BATCH_NORM, (x, gamma, beta), saved=saved, arg=(mode, float(momentum), float(eps)))


def _replay(node: Tensor, x: Tensor, gamma: Tensor, beta: Tensor) -> Tensor:
    """The op again on fresh inputs: training mode uses the batch's statistics (copies of the
    running ones are updated and thrown away); evaluation mode, the statistics it was run with."""
    mode, momentum, eps = node.arg
    features = gamma.shape[0]
    if mode == "train":
        return batch_norm(x, gamma, beta, np.zeros(features), np.ones(features), True, momentum, eps)
    running_mean, running_var = node._saved[4]
    return batch_norm(x, gamma, beta, running_mean.copy(), running_var.copy(), False, momentum, eps)


BATCH_NORM = tensor_op(
    "batch_norm", _batch_norm_vjp, batch_norm, replay=_replay, arity=3, symbol="BN", role="norm",
    formula=("γ/σ ⊙ (g − mean g − x̂ ⊙ mean(g ⊙ x̂)); in eval(): γ/σ ⊙ g", "Σ g ⊙ x̂ over the batch",
             "Σ g over the batch"),
)
