"""Losses: the fused, numerically stable ``softmax_cross_entropy`` and ``mse``.

``softmax_cross_entropy(logits, labels)`` is the engine's own fused op: log-sum-exp with the row
maximum subtracted (logits of 1000 are fine), no ``log(y + 1e-7)`` guard (which would make the
gradient check disagree once logits grow), integer labels or one-hot rows, mean over the batch.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> logits = Tensor([[1000.0, 0.0]], requires_grad=True)
    >>> softmax_cross_entropy(logits, np.array([1])).item()
    1000.0
    >>> mse(Tensor([1.0, 3.0]), np.array([0.0, 0.0])).item()     # (1 + 9) / 2
    5.0
"""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor, softmax_cross_entropy


def mse(prediction: Any, target: Any) -> Tensor:
    """Mean squared error over every element: ``mean((prediction - target) ** 2)``.

    (The textbook's sum-of-squares error is ``0.5 * sum(...)``; this is PyTorch's ``MSELoss``.)
    """
    prediction = prediction if isinstance(prediction, Tensor) else Tensor(prediction)
    target_shape = getattr(target, "shape", None)
    if target_shape is not None and tuple(target_shape) != prediction.shape:
        raise ValueError(f"mse: prediction has shape {prediction.shape} but target has shape {tuple(target_shape)}")
    diff = prediction - target
    return (diff * diff).mean()


__all__ = ["mse", "softmax_cross_entropy"]
