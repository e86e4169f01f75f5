"""micrograd's ``Neuron``, ``Layer`` and ``MLP`` on chainrule's scalar ``Value``.

The same constructors and calls as micrograd's ``nn.py`` (``MLP(2, [4, 4, 1])``, ``model(x)``
returning a Value for one output and a list otherwise, ``parameters()``, ``zero_grad()``, the
``nonlin`` flag), so micrograd code runs unchanged.  Two additions for diagrams and lectures:

- every layer and neuron lives in its own name scope (``layer1/neuron0``): its weights are
  created there and named ``w0``, ``w1``, ... and ``b``, and every node its call makes is tagged
  with the same scope, so a diagram can draw or collapse a neuron or a layer as one box; the
  products and the running sums are numbered like the weights, in every layer (``prod0 = w0 *
  x0``, ``sum0 = b + prod0``, ``sum1 = sum0 + prod1``), so every view calls them
  ``layer1.neuron3.prod0`` and so on;
- ``act="tanh"`` (or ``"sigmoid"``) picks the activation of the hidden layers (micrograd's is
  ReLU, the default), and ``seed=`` makes the initial weights reproducible.  Without a seed the
  weights come from Python's global ``random`` in micrograd's order, so ``random.seed(k)``
  before building gives micrograd's very weights.

Example (the lecture's 2-4-4-1 tanh network):
    >>> from autograd_core import Value
    >>> model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    >>> len(model.parameters())
    37
    >>> out = model([Value(2.0), Value(-1.0)])
    >>> out.scope, model.layers[0].neurons[1].w[0].name, model.layers[0].neurons[1].w[0].scope
    ('layer3/neuron0', 'w0', 'layer1/neuron1')
    >>> out.backward(); model.zero_grad(); model.parameters()[0].grad
    0.0
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from autograd_core import Value, name_scope

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Module", "Neuron"]

#: The activations a neuron can apply (the names of ``Value`` methods).
ACTIVATIONS = ("relu", "tanh", "sigmoid")


class Module:
    """What micrograd's modules share: ``parameters()`` and ``zero_grad()``."""

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (micrograd's spelling)."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """Every weight and bias, in micrograd's order."""
        return []


def _rng(seed: int | random.Random | None) -> Any:
    if isinstance(seed, random.Random) or seed is random:
        return seed
    if seed is None:
        return random  # micrograd's source of weights, so random.seed(k) reproduces micrograd
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an integer or None, got {type(seed).__name__}: {seed!r}")
    return random.Random(seed)


def _check_size(owner: str, label: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{owner}: {label} must be a positive integer, got {n!r}")
    return n


class Neuron(Module):
    """One neuron: ``act(w · x + b)`` (no activation when ``nonlin`` is False).

    Built inside the scope ``name`` (nested in any enclosing scope): ``w0``, ``w1``, ... are
    drawn uniformly from [-1, 1] as in micrograd, ``b`` starts at 0.

    >>> n = Neuron(3, act="tanh", seed=1)
    >>> [p.name for p in n.parameters()], n.b.scope
    (['w0', 'w1', 'w2', 'b'], 'neuron')
    >>> n
    TanhNeuron(3)
    """

    def __init__(
        self, nin: int, nonlin: bool = True, *, act: str = "relu", seed: int | random.Random | None = None,
        name: str = "neuron",
    ) -> None:
        _check_size("Neuron", "nin", nin)
        if act not in ACTIVATIONS:
            raise ValueError(f"Neuron: act must be one of {', '.join(ACTIVATIONS)}, got {act!r}")
        rng = _rng(seed)
        self.name = name
        with name_scope(name):
            self.w = [Value(rng.uniform(-1, 1), name=f"w{i}") for i in range(nin)]
            self.b = Value(0.0, name="b")
        self.nonlin = bool(nonlin)
        self.act = act

    def __call__(self, x: Sequence[Any]) -> Value:
        if len(x) != len(self.w):
            raise ValueError(f"Neuron {self.name!r}: expected {len(self.w)} inputs, got {len(x)}")
        with name_scope(self.name):
            total = self.b
            for i, (wi, xi) in enumerate(zip(self.w, x)):
                # numbered like the weight, in every layer: prod{i} = w{i} * x{i}, sum{i} = b + prod0 + ... + prod{i}
                product = wi * xi
                product.name = f"prod{i}"
                total = total + product
                total.name = f"sum{i}"
            return getattr(total, self.act)() if self.nonlin else total

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        kind = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}[self.act] if self.nonlin else "Linear"
        return f"{kind}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same inputs, built in the scope ``name``; neuron ``j`` is
    ``neuron{j}`` inside it.  A call returns a Value for one neuron, else a list.

    >>> layer = Layer(2, 3, seed=0, name="layer1")
    >>> layer.neurons[2].b.scope, len(layer([1.0, 2.0]))
    ('layer1/neuron2', 3)
    """

    def __init__(
        self, nin: int, nout: int, *, seed: int | random.Random | None = None, name: str = "layer", **kwargs: Any
    ) -> None:
        _check_size("Layer", "nout", nout)
        rng = _rng(seed)
        self.name = name
        with name_scope(name):
            self.neurons = [Neuron(nin, seed=rng, name=f"neuron{j}", **kwargs) for j in range(nout)]

    def __call__(self, x: Sequence[Any]) -> Value | list[Value]:
        with name_scope(self.name):
            out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [4, 4, 1])`` has layers ``layer1``, ``layer2``,
    ``layer3``; every layer but the last applies ``act``.

    >>> import random
    >>> model = MLP(3, [4, 1], seed=0)
    >>> model
    MLP of [Layer of [ReLUNeuron(3), ReLUNeuron(3), ReLUNeuron(3), ReLUNeuron(3)], Layer of [LinearNeuron(4)]]
    """

    def __init__(
        self, nin: int, nouts: Sequence[int], *, act: str = "relu", seed: int | random.Random | None = None
    ) -> None:
        _check_size("MLP", "nin", nin)
        if isinstance(nouts, int) or not len(nouts):
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r}")
        rng = _rng(seed)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1, act=act, seed=rng, name=f"layer{i + 1}")
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Any]) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
