"""Weight initialisation: He (for ReLU), Xavier/Glorot (for sigmoid and tanh), or a fixed scale.

He: ``N(0, 2 / fan_in)``, keeping a ReLU layer's activations at the same scale layer after layer.
Xavier: ``N(0, 1 / fan_in)``, the textbook's choice for sigmoid and tanh.  A number is used as the
standard deviation itself (the textbook's ``weight_init_std=0.01``).

Example:
    >>> import numpy as np
    >>> W = init_weight(1000, 500, "he", np.random.default_rng(0))
    >>> round(float(W.std()), 3), round(float(np.sqrt(2 / 1000)), 3)
    (0.045, 0.045)
"""

from __future__ import annotations

import numpy as np

INITS = ("he", "xavier")


def init_std(fan_in: int, init: str | float) -> float:
    """The standard deviation an initialisation gives a layer with ``fan_in`` inputs.

    >>> init_std(100, "he"), init_std(100, "xavier"), init_std(100, 0.01)
    (0.1414213562373095, 0.1, 0.01)
    """
    if isinstance(init, str):
        key = init.lower()
        if key == "he":
            return float(np.sqrt(2.0 / fan_in))
        if key in ("xavier", "glorot"):
            return float(np.sqrt(1.0 / fan_in))
        raise ValueError(f"init: unknown initialisation {init!r}; use 'he', 'xavier' or a standard deviation")
    std = float(init)
    if not std >= 0:
        raise ValueError(f"init: the standard deviation must be >= 0, got {init!r}")
    return std


def init_weight(
    fan_in: int, fan_out: int, init: str | float, rng: np.random.Generator, dtype: np.dtype | type = np.float64
) -> np.ndarray:
    """A ``(fan_in, fan_out)`` weight matrix drawn from ``N(0, init_std(fan_in, init)**2)``."""
    std = init_std(fan_in, init)
    return (rng.standard_normal((fan_in, fan_out)) * std).astype(dtype, copy=False)
