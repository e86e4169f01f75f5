"""``Linear`` (alias ``Affine``, the textbook's name): ``x @ W + b``.

``W`` has shape ``(in_features, out_features)`` as in the textbook (so ``x @ W``, no transpose);
inputs of more than two dimensions are flattened to ``(batch, -1)`` first, as the textbook's
Affine layer does with images.

Example:
    >>> import numpy as np
    >>> layer = Linear(784, 100, init="he", seed=0)
    >>> layer(np.zeros((5, 1, 28, 28))).shape
    (5, 100)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Tensor

from .init import init_weight
from .module import Module


def as_batch(x: Any, weight: Tensor, owner: str) -> Any:
    """``x`` ready for ``x @ weight``: converted to the weight's dtype, flattened to
    ``(batch, -1)`` when it has more than two dimensions, and checked to have as many features
    as ``weight`` has rows (a ``ValueError`` naming ``owner``, the input's shape and the weight's).

    A data batch of another dtype (float32 images, float64 weights) is converted first: NumPy's
    matmul of mixed dtypes bypasses BLAS and runs many times slower.

    >>> W = Tensor(np.zeros((784, 10)), name="W1")
    >>> as_batch(np.zeros((5, 1, 28, 28), np.float32), W, "TwoLayerNet").shape
    (5, 784)
    >>> as_batch(np.zeros((5, 7)), W, "TwoLayerNet")
    Traceback (most recent call last):
    ...
    ValueError: TwoLayerNet: input of shape (5, 7) has 7 features, the layer expects 784 (W1 has shape (784, 10))
    """
    if not hasattr(x, "shape"):
        x = np.asarray(x, dtype=weight.dtype)
    elif isinstance(x, np.ndarray) and x.dtype != weight.dtype:
        x = x.astype(weight.dtype)
    shape = tuple(x.shape)
    if len(shape) > 2:
        x = x.reshape(shape[0], -1)
    in_features = weight.shape[0]
    if len(shape) == 0 or x.shape[-1] != in_features:
        raise ValueError(
            f"{owner}: input of shape {shape} has {x.shape[-1] if shape else 0} features, the layer expects "
            f"{in_features} ({weight.name or 'W'} has shape {weight.shape})"
        )
    return x


_GIVEN_ARRAYS = (
    "Linear (alias nn.Affine) takes sizes, Linear(in_features, out_features), and makes its own weights; "
    "it was given arrays ({shapes}). For the textbook's layer that holds your W and b, use "
    "nn.textbook.Affine(W, b)"
)


def _shapes(*args: Any) -> str:
    return ", ".join(f"shape {a.shape}" if isinstance(a, np.ndarray) else repr(a) for a in args)


class Linear(Module):
    """A fully connected layer with weight ``W`` (in, out) and bias ``b`` (out,), zeros at first.

    ``init``: ``"he"`` (default, for ReLU), ``"xavier"`` (sigmoid, tanh) or a standard deviation.
    ``rng`` or ``seed`` make the initial weights reproducible; ``dtype`` float64 or float32.

    >>> layer = Linear(3, 2, init=0.01, seed=1)
    >>> layer
    Linear(in_features=3, out_features=2, bias=True, dtype=float64)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        init: str | float = "he",
        rng: np.random.Generator | None = None,
        seed: int | None = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        if isinstance(in_features, np.ndarray) or isinstance(out_features, np.ndarray):
            raise TypeError(_GIVEN_ARRAYS.format(shapes=_shapes(in_features, out_features)))
        for label, n in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(n, int | np.integer) or n < 1:
                raise ValueError(f"Linear: {label} must be a positive integer, got {n!r:.60}")
        rng = rng if rng is not None else np.random.default_rng(seed)
        self.in_features, self.out_features = int(in_features), int(out_features)
        weight = init_weight(self.in_features, self.out_features, init, rng, dtype)
        self.W = Tensor(weight, requires_grad=True, name="W")
        self.b = Tensor(np.zeros(self.out_features, dtype=dtype), requires_grad=True, name="b") if bias else None

    def forward(self, x: Any) -> Tensor:
        x = as_batch(x, self.W, "Linear")
        out = x @ self.W
        return out + self.b if self.b is not None else out

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.b is not None}, dtype={self.W.dtype}"
        )


Affine = Linear
