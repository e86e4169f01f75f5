"""``Dropout``: in training, zero each activation with probability ``p`` and scale the rest by 1/(1-p).

In evaluation mode (``model.eval()``) it passes its input through unchanged, so the expected
activation is the same in both modes (inverted dropout).

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> drop = Dropout(0.5, seed=0)
    >>> drop(Tensor(np.ones(6))).data
    array([2., 0., 0., 0., 2., 2.])
    >>> drop.eval()(Tensor(np.ones(3))).data
    array([1., 1., 1.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Tensor

from .module import Module


class Dropout(Module):
    """Randomly zero activations during training (probability ``p``), identity in eval mode."""

    def __init__(self, p: float = 0.5, rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout: p must lie in [0, 1), got {p!r}")
        self.p = float(p)
        self.rng = rng if rng is not None else np.random.default_rng(seed)

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x)
        if not self.training or self.p == 0.0:
            return x
        keep = self.rng.random(x.shape) >= self.p
        scale = np.asarray(1.0 / (1.0 - self.p), dtype=x.dtype)
        return x * (keep * scale)

    def extra_repr(self) -> str:
        return f"p={self.p}"
