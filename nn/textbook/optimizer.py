"""Chapter 6's parameter updates, the book's way: ``optimizer.update(params, grads)`` changes
every array of the ``params`` dict in place (so layers holding them see the change).

The rules (``g`` a gradient; state starts at zero on the first update; ``1e-7`` keeps the
divisions finite, as in the book):

- ``SGD(lr=0.01)``: ``p -= lr g``
- ``Momentum(lr=0.01, momentum=0.9)``: ``v = momentum v - lr g;  p += v``
- ``Nesterov(lr=0.01, momentum=0.9)``: ``v = momentum v - lr g;  p += momentum² v - (1 + momentum) lr g``
- ``AdaGrad(lr=0.01)``: ``h += g²;  p -= lr g / (sqrt(h) + 1e-7)``
- ``RMSprop(lr=0.01, decay_rate=0.99)``: ``h = decay_rate h + (1 - decay_rate) g²;  p -= lr g / (sqrt(h) + 1e-7)``
- ``Adam(lr=0.001, beta1=0.9, beta2=0.999)``: step ``k``;
  ``m += (1 - beta1)(g - m);  v += (1 - beta2)(g² - v);
  p -= lr sqrt(1 - beta2^k) / (1 - beta1^k) m / (sqrt(v) + 1e-7)``

Example:
    >>> import numpy as np
    >>> params, grads = {"W": np.array([1.0, -1.0])}, {"W": np.array([0.5, 0.5])}
    >>> Momentum(lr=0.1).update(params, grads)
    >>> params["W"]
    array([ 0.95, -1.05])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["SGD", "AdaGrad", "Adam", "Momentum", "Nesterov", "RMSprop"]

_DELTA = 1e-7


class _Update:
    """The shared part: check the dicts, keep per-key state, update in place."""

    def __init__(self, lr: float) -> None:
        if not lr > 0:
            raise ValueError(f"{type(self).__name__}: lr must be positive, got {lr!r}")
        self.lr = lr
        self.state: dict[str, dict[str, np.ndarray]] = {}

    def update(self, params: Mapping[str, np.ndarray], grads: Mapping[str, Any]) -> None:
        """Update every ``params[key]`` in place from ``grads[key]``."""
        self._begin()
        for key, p in params.items():
            if key not in grads:
                raise ValueError(f"{type(self).__name__}.update: no gradient for {key!r}")
            g = np.asarray(grads[key])
            if not isinstance(p, np.ndarray) or g.shape != p.shape:
                raise ValueError(
                    f"{type(self).__name__}.update: {key!r} is {type(p).__name__} of shape {np.shape(p)}, "
                    f"its gradient has shape {g.shape}; params must hold arrays updated in place"
                )
            state = self.state.setdefault(key, {})
            self._apply(p, g, state)

    def _begin(self) -> None:
        """Called once per update, before the parameters (Adam counts its steps here)."""

    def _apply(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]) -> None:  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def _zeros(state: dict[str, np.ndarray], name: str, like: np.ndarray) -> np.ndarray:
        if name not in state:
            state[name] = np.zeros_like(like, dtype=np.result_type(like, np.float64))
        return state[name]


class SGD(_Update):
    """``p -= lr g``.

    >>> p = {"b": np.zeros(1)}
    >>> SGD(lr=0.1).update(p, {"b": np.array([2.0])}); p["b"]
    array([-0.2])
    """

    def __init__(self, lr: float = 0.01) -> None:
        super().__init__(lr)

    def _apply(self, p, g, state):
        p -= self.lr * g


class Momentum(_Update):
    """``v = momentum v - lr g;  p += v``."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        super().__init__(lr)
        self.momentum = momentum

    def _apply(self, p, g, state):
        v = self._zeros(state, "v", p)
        v *= self.momentum
        v -= self.lr * g
        p += v


class Nesterov(Momentum):
    """Nesterov's momentum: ``v = momentum v - lr g;  p += momentum² v - (1 + momentum) lr g``."""

    def _apply(self, p, g, state):
        v = self._zeros(state, "v", p)
        v *= self.momentum
        v -= self.lr * g
        p += self.momentum * self.momentum * v
        p -= (1 + self.momentum) * self.lr * g


class AdaGrad(_Update):
    """``h += g²;  p -= lr g / (sqrt(h) + 1e-7)``."""

    def __init__(self, lr: float = 0.01) -> None:
        super().__init__(lr)

    def _apply(self, p, g, state):
        h = self._zeros(state, "h", p)
        h += g * g
        p -= self.lr * g / (np.sqrt(h) + _DELTA)


class RMSprop(_Update):
    """``h = decay_rate h + (1 - decay_rate) g²;  p -= lr g / (sqrt(h) + 1e-7)``."""

    def __init__(self, lr: float = 0.01, decay_rate: float = 0.99) -> None:
        super().__init__(lr)
        self.decay_rate = decay_rate

    def _apply(self, p, g, state):
        h = self._zeros(state, "h", p)
        h *= self.decay_rate
        h += (1 - self.decay_rate) * g * g
        p -= self.lr * g / (np.sqrt(h) + _DELTA)


class Adam(_Update):
    """Adam with the book's bias correction folded into the step size (see the module).

    >>> p = {"w": np.array([1.0])}
    >>> Adam(lr=0.1).update(p, {"w": np.array([3.0])}); p["w"].round(6)   # first step: about lr * sign(g)
    array([0.9])
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999) -> None:
        super().__init__(lr)
        self.beta1, self.beta2 = beta1, beta2
        self.iter = 0

    def _begin(self) -> None:
        self.iter += 1
        self.lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)

    def _apply(self, p, g, state):
        m, v = self._zeros(state, "m", p), self._zeros(state, "v", p)
        m += (1 - self.beta1) * (g - m)
        v += (1 - self.beta2) * (g * g - v)
        p -= self.lr_t * m / (np.sqrt(v) + _DELTA)
