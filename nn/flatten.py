"""``Flatten``: an image batch (N, C, H, W) as rows (N, C*H*W), for a ``Linear`` layer to read.

It is the Tensor ``reshape`` op (VJP: the gradient reshaped back), so it adds no code of its own
to the backward pass.  A C-contiguous input (as ``MaxPool2d`` gives) is flattened without a copy.

Example:
    >>> import numpy as np
    >>> Flatten()(np.zeros((5, 30, 12, 12))).shape
    (5, 4320)
"""

from __future__ import annotations

from typing import Any

from autograd_core import Tensor

from .module import Module


class Flatten(Module):
    """Keep the first (batch) axis, merge all the others into one.

    >>> Flatten()
    Flatten()
    """

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x)
        if x.ndim < 1:
            raise ValueError(f"Flatten: input {x._describe()} is a single number; expected a batch (N, ...)")
        return x.reshape(x.shape[0], -1)
