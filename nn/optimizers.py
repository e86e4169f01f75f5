"""Optimizers: SGD, Momentum, AdaGrad and Adam, updating parameters in place.

Two ways to use each one:

- PyTorch's: ``opt = Adam(model.parameters(), lr=1e-3)``, then after ``loss.backward()``,
  ``opt.step()`` and ``opt.zero_grad()``.  Each parameter's ``.data`` is changed in place from
  its ``.grad``; nothing is recorded on the graph.
- The textbook's: ``opt = SGD(lr=0.1)``, then ``opt.update(network.params, grads)`` with two
  dicts of arrays (``params[key] -= ...`` in place, as the book does).

The update rules (``g`` the gradient, ``t`` the step count from 1):

- SGD:      ``p -= lr * g``
- Momentum: ``v = momentum * v - lr * g;  p += v``
- AdaGrad:  ``h += g * g;  p -= lr * g / (sqrt(h) + eps)``
- Adam:     ``m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g*g;
  p -= lr * (m / (1-b1**t)) / (sqrt(v / (1-b2**t)) + eps)``

Weight decay (``weight_decay=λ``, every optimizer; 0 by default) is the textbook's L2 penalty
``λ/2 * sum(W**2)`` added to the loss, applied through its gradient: ``g = g + λ * W`` before
the update rule above.  It applies to *weights* only, the parameters of two or more dimensions
(Linear's ``W``, Conv2d's kernels); biases and BatchNorm's ``gamma``/``beta`` (one dimension) are
not decayed, as in the textbook's networks, where only ``W1, W2, ...`` enter the penalty.  (For
Adam this is L2 regularisation, not AdamW's decoupled decay.)

Example:
    >>> import numpy as np
    >>> params, grads = {"w": np.array([1.0, 2.0])}, {"w": np.array([0.5, -1.0])}
    >>> SGD(lr=0.1).update(params, grads)
    >>> params["w"]
    array([0.95, 2.1 ])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np


class Optimizer:
    """Base class: keeps the parameters, the learning rate and per-parameter state.

    Subclasses define ``_apply(key, p, g)``, changing the array ``p`` in place.
    """

    def __init__(self, params: Iterable[Any] | None = None, lr: float = 0.01, weight_decay: float = 0.0) -> None:
        if not lr > 0:
            raise ValueError(f"{type(self).__name__}: learning rate must be positive, got {lr!r}")
        if not 0.0 <= weight_decay < float("inf"):
            raise ValueError(f"{type(self).__name__}: weight_decay must be a finite number >= 0, got {weight_decay!r}")
        self.params: list[Any] = [] if params is None else list(params)
        for i, p in enumerate(self.params):
            if not hasattr(p, "data") or not hasattr(p, "grad"):
                raise TypeError(
                    f"{type(self).__name__}: parameter {i} is a {type(p).__name__}, expected a Tensor "
                    "(with .data and .grad); for dicts of arrays use .update(params, grads)"
                )
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.state: dict[Hashable, dict[str, Any]] = {}

    def _apply(self, key: Hashable, p: np.ndarray, g: np.ndarray) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _check(self, key: Hashable, p: np.ndarray, g: Any) -> np.ndarray:
        """The gradient to apply: checked against the parameter, plus ``λ * p`` for a decayed weight."""
        g = np.asarray(g)
        if g.shape != p.shape:
            raise ValueError(f"{type(self).__name__}: gradient of {key!r} has shape {g.shape}, parameter {p.shape}")
        if self.weight_decay and p.ndim >= 2:
            g = g + self.weight_decay * p  # a new array: the caller's gradient is left as it was
        return g

    def step(self) -> None:
        """Update every parameter given at construction from its ``.grad`` (skipping those without)."""
        for i, p in enumerate(self.params):
            if p.grad is not None:
                self._apply(i, p.data, self._check(getattr(p, "name", None) or i, p.data, p.grad))

    def zero_grad(self) -> None:
        """Forget the gradients of every parameter (``grad`` back to ``None``)."""
        for p in self.params:
            p.grad = None

    def update(self, params: Mapping[str, np.ndarray], grads: Mapping[str, Any]) -> None:
        """The textbook's interface: ``params[key]`` updated in place from ``grads[key]``.

        >>> import numpy as np
        >>> params = {"W": np.ones(2)}
        >>> Momentum(lr=0.5, momentum=0.9).update(params, {"W": np.ones(2)})
        >>> params["W"]
        array([0.5, 0.5])
        """
        for key, p in params.items():
            if key not in grads:
                raise ValueError(f"{type(self).__name__}.update: no gradient for parameter {key!r}")
            if not isinstance(p, np.ndarray):
                name = type(self).__name__
                raise TypeError(f"{name}.update: parameter {key!r} is a {type(p).__name__}, not an array")
            self._apply(("dict", key), p, self._check(key, p, grads[key]))

    def __repr__(self) -> str:
        decay = f", weight_decay={self.weight_decay:g}" if self.weight_decay else ""
        return f"{type(self).__name__}(lr={self.lr:g}{decay}, {len(self.params)} parameters)"


class SGD(Optimizer):
    """Plain gradient descent: ``p -= lr * g``.

    >>> import numpy as np
    >>> p = {"b": np.zeros(1)}
    >>> SGD(lr=0.1).update(p, {"b": np.array([2.0])}); p["b"]
    array([-0.2])
    """

    def __init__(self, params: Iterable[Any] | None = None, lr: float = 0.01, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)

    def _apply(self, key: Hashable, p: np.ndarray, g: np.ndarray) -> None:
        p -= self.lr * g


class Momentum(Optimizer):
    """Gradient descent with a velocity: ``v = momentum*v - lr*g; p += v``.

    >>> import numpy as np
    >>> p, opt = {"w": np.zeros(1)}, Momentum(lr=1.0, momentum=0.5)
    >>> for _ in range(2): opt.update(p, {"w": np.ones(1)})
    >>> p["w"]       # -1, then -1 + (0.5 * -1 - 1)
    array([-2.5])
    """

    def __init__(
        self, params: Iterable[Any] | None = None, lr: float = 0.01, momentum: float = 0.9, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = float(momentum)

    def _apply(self, key: Hashable, p: np.ndarray, g: np.ndarray) -> None:
        state = self.state.setdefault(key, {})
        v = state.get("v")
        if v is None:
            v = state["v"] = np.zeros_like(p)
        v *= self.momentum
        v -= self.lr * g
        p += v


class AdaGrad(Optimizer):
    """Per-coordinate step sizes shrinking with the gradients seen: ``h += g*g; p -= lr*g/(sqrt(h)+eps)``.

    >>> import numpy as np
    >>> p = {"w": np.zeros(1)}
    >>> AdaGrad(lr=0.1, eps=0.0).update(p, {"w": np.array([4.0])}); p["w"]
    array([-0.1])
    """

    def __init__(
        self, params: Iterable[Any] | None = None, lr: float = 0.01, eps: float = 1e-7, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.eps = float(eps)

    def _apply(self, key: Hashable, p: np.ndarray, g: np.ndarray) -> None:
        state = self.state.setdefault(key, {})
        h = state.get("h")
        if h is None:
            h = state["h"] = np.zeros_like(p)
        h += g * g
        p -= self.lr * g / (np.sqrt(h) + self.eps)


class Adam(Optimizer):
    """Adam (Kingma & Ba): moving averages of the gradient and its square, bias-corrected.

    >>> import numpy as np
    >>> p = {"w": np.zeros(1)}
    >>> Adam(lr=0.1, eps=0.0).update(p, {"w": np.array([3.0])}); p["w"]   # first step moves by lr
    array([-0.1])
    """

    def __init__(
        self,
        params: Iterable[Any] | None = None,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
            raise ValueError(f"Adam: beta1 and beta2 must lie in [0, 1), got {beta1!r} and {beta2!r}")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def _apply(self, key: Hashable, p: np.ndarray, g: np.ndarray) -> None:
        state = self.state.setdefault(key, {})
        if "m" not in state:
            state.update(t=0, m=np.zeros_like(p), v=np.zeros_like(p))
        state["t"] += 1
        t, m, v = state["t"], state["m"], state["v"]
        b1, b2 = self.beta1, self.beta2
        m *= b1
        m += (1.0 - b1) * g
        v *= b2
        v += (1.0 - b2) * (g * g)
        step = self.lr / (1.0 - b1**t)
        denom = np.sqrt(v / (1.0 - b2**t))
        denom += self.eps
        p -= step * m / denom
