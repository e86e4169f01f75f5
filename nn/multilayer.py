"""``mlp``: a multi-layer perceptron as a ``Sequential`` of Linear, activation (and Dropout) layers.

Example:
    >>> net = mlp([784, 256, 10], seed=0)
    >>> net
    Sequential(
      (0): Linear(in_features=784, out_features=256, bias=True, dtype=float64)
      (1): ReLU()
      (2): Linear(in_features=256, out_features=10, bias=True, dtype=float64)
    )
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .activations import ReLU, Sigmoid, Tanh
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .sequential import Sequential

ACTIVATIONS: dict[str, type[Module]] = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}


def mlp(
    sizes: Sequence[int],
    activation: str = "relu",
    dropout: float = 0.0,
    init: str | float | None = None,
    dtype: Any = np.float64,
    seed: int | None = None,
) -> Sequential:
    """Layers of the given sizes (input first, output last), ``activation`` between them.

    ``init`` defaults to He for ReLU and Xavier otherwise; ``dropout`` > 0 adds a Dropout after
    each hidden activation.  One seeded generator draws every layer's weights (and dropout masks).
    """
    if len(sizes) < 2:
        raise ValueError(f"mlp: need at least an input and an output size, got {list(sizes)}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"mlp: unknown activation {activation!r}; use one of {sorted(ACTIVATIONS)}")
    init = init if init is not None else ("he" if activation == "relu" else "xavier")
    rng = np.random.default_rng(seed)
    layers: list[Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(n_in, n_out, init=init, rng=rng, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(Dropout(dropout, rng=rng))
    return Sequential(*layers)
