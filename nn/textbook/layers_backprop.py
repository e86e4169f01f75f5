"""The book's layered network, backpropagated by hand one layer at a time.

``layers_backprop(network, x, t)`` runs the forward pass through ``network.layers`` (in order)
and ``network.lastLayer``, keeping what flows between the layers, and returns a
:class:`LayersBackprop` that calls each layer's own ``backward`` when told to: ``step()`` takes
the next layer from the loss back to the input, ``back()`` undoes the move, ``run()`` takes the
rest.  It reads as the engine's stepper reads (``root.backprop()``): the same states (pending,
seeded, gathering, current, done: :data:`autograd_core.words.STATES`), the same numbers
(:func:`autograd_core.words.format_number`), a step that says the upstream gradient it received
(``dout``) and what the layer sends back, with its words (``dx = dout @ Wᵀ``, see
:mod:`nn.textbook.backward_words`).  ``viz.draw`` and ``viz.lecture`` draw it.

The layers are the network's own: stepping every layer leaves on them exactly what
``network.gradient(x, t)`` leaves (``dW``, ``db``, ...).  With ``check=True``, ``check_layers``
runs first (on copies) and the layers it finds wrong are listed in ``wrong`` with its sentence.

Any object with ``layers`` (an ordered dict or a list of objects with ``forward`` and
``backward``) and ``lastLayer`` works: the seed's own ``TwoLayerNet`` as well as this package's.

>>> import numpy as np
>>> from nn.textbook import TwoLayerNet
>>> np.random.seed(0)
>>> net = TwoLayerNet(input_size=3, hidden_size=2, output_size=2, weight_init_std=1.0)
>>> steps = layers_backprop(net, np.array([[1.0, 0.5, -1.0]]), np.array([[0, 1]]))
>>> steps.names, len(steps), steps.state(3)
(('Affine1', 'Relu1', 'Affine2', 'SoftmaxWithLoss'), 4, 'seeded')
>>> print(steps.step())
step 1/4  SoftmaxWithLoss = SoftmaxWithLoss(Affine2, t)  upstream dout = 1
  dx = dout (y − t) / N, with y = softmax(x)  (1×2) = [0.2977 -0.2977]
  dx goes back to Affine2 as its dout
>>> [steps.state(i) for i in range(4)]
['pending', 'pending', 'gathering', 'current']
>>> _ = steps.run()
>>> all(np.array_equal(getattr(net.layers["Affine1"], k), g) for k, g in (("dW", steps.sent(0)["dW"]),))
True
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_core.words import array_lines, array_text, format_number, shape_text

from .backward_words import backward_words, layer_symbol
from .check import check_layers, error_text, layers_of, parameter_names, takes_train_flg

__all__ = ["LayerStep", "LayersBackprop", "layers_backprop"]

#: The width the step texts aim for (the engine's stepper's).
WIDTH = 80
_INDENT = "      "


def _is_array(x: Any) -> bool:
    return np.ndim(x) > 0


@dataclass(frozen=True)
class LayerStep:
    """One layer's ``backward``: step ``number`` of ``total`` took layer ``index`` (forward order,
    from 0), which received ``received`` (its ``dout``) and sent back ``sent`` (``dx``, and the
    parameter gradients it left on the layer: ``dW``, ``db``, ...), said in ``words``."""

    number: int
    total: int
    index: int
    name: str
    call: str
    received: Any
    sent: dict[str, Any]
    words: dict[str, str]
    previous: str | None = None
    lines: tuple[str, ...] = field(default=(), repr=False)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def _value_lines(label: str, value: Any) -> list[str]:
    """``  dx = words  (2×3) = [row]`` or the rows under it; a big array by its summary."""
    if not _is_array(value):
        return [f"{label} = {format_number(value)}"]
    rows = array_lines(value)
    head = f"{label}  ({shape_text(np.shape(value))})"
    if len(rows) == 1 and len(head) + len(rows[0]) + 5 <= WIDTH:
        return [f"{head} = {rows[0]}"]
    return [f"{head} =", *(f"{_INDENT}{row}" for row in rows)]


def _step_lines(number: int, total: int, call: str, received: Any, sent: dict[str, Any],
                words: dict[str, str], previous: str | None, params: list[str]) -> list[str]:
    head = f"step {number}/{total}  {call}"
    lines = []
    if _is_array(received):
        rows = array_lines(received)
        if len(rows) == 1 and len(head) + len(rows[0]) + 18 <= WIDTH:
            lines.append(f"{head}  upstream dout = {rows[0]}")
        else:
            lines.extend([head, f"  upstream dout ({shape_text(np.shape(received))}) ="])
            lines.extend(f"{_INDENT}{row}" for row in rows)
    else:
        text = f"upstream dout = {format_number(received)}"
        lines.append(f"{head:<42}  {text}" if len(head) + len(text) + 2 <= WIDTH else f"{head}  {text}")
    for name, value in sent.items():
        said = words.get(name, "backward(dout)")
        shown = _value_lines(f"{name} = {said}", value)
        lines.extend([f"  {shown[0]}", *shown[1:]])
    kept = [f"d{p}" for p in params if f"d{p}" in sent]
    where = f"dx goes back to {previous} as its dout" if previous else "dx is the gradient of the input x"
    lines.append(f"  {where}" + (f"; {', '.join(kept)} stay on the layer" if kept else ""))
    return lines


class LayersBackprop:
    """A layered network's backward pass, one layer at a time (see the module's docstring).

    ``names``: how every view calls the layers (the keys of ``layers``; the loss layer by its
    class, ``SoftmaxWithLoss``); ``layers`` the layer objects in forward order, the loss layer
    last; ``inputs[i]`` and ``outputs[i]`` what flowed into and out of layer ``i`` in the forward
    pass (the last output is the loss); ``x`` and ``t`` the batch and its labels; ``params[i]``
    the names of layer ``i``'s parameters (``W``, ``b``); ``words[i]`` what its backward sends
    back, in words, and ``symbols[i]`` how a diagram draws its computation.
    """

    def __init__(self, network: Any, x: Any, t: Any, *, check: bool = False) -> None:
        keys, layers = layers_of(network, t, view="layers_backprop")
        if keys[-1] != "lastLayer":
            raise TypeError(
                f"layers_backprop: {type(network).__name__} has layers but no lastLayer (the loss layer, "
                "SoftmaxWithLoss in the book): backprop starts from the loss"
            )
        self.keys = tuple(keys)
        self.layers = tuple(layers)
        self.names = tuple([*keys[:-1], type(layers[-1]).__name__])
        self.classes = tuple(type(layer).__name__ for layer in layers)
        self.x, self.t = x, t
        self.inputs: list[Any] = []
        self.outputs: list[Any] = []
        self._forward()
        self.params = tuple(tuple(parameter_names(layer)) for layer in layers)
        self.words = tuple(backward_words(layer) for layer in layers)
        self.symbols = tuple(layer_symbol(layer) for layer in layers)
        self._sent: list[dict[str, Any] | None] = [None] * len(layers)
        self._history: list[LayerStep] = []
        self.wrong: dict[int, str] = {}
        if check:
            report = check_layers(network, x, t)
            for row in report.rows:
                if not row.passed and row.position - 1 not in self.wrong:
                    self.wrong[row.position - 1] = row.sentence()

    def _forward(self) -> None:
        value = self.x
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            kwargs = {"train_flg": True} if takes_train_flg(layer) else {}
            args = (value, self.t) if i == last else (value,)
            try:
                out = layer.forward(*args, **kwargs)
            except Exception as error:  # the reader's own code: say which layer, no traceback from inside it
                raise ValueError(f"layers_backprop: {self._where(i)}: forward raised {error_text(error)}") from None
            if out is None:
                raise ValueError(f"layers_backprop: {self._where(i)}: forward returned None (a missing return?)")
            self.inputs.append(value)
            self.outputs.append(out)
            value = out

    def _where(self, i: int) -> str:
        return f"layer {i + 1} {self.keys[i]!r} ({type(self.layers[i]).__name__})"

    # -- where the pass stands -------------------------------------------------------------------
    def __len__(self) -> int:
        """One step per layer, the loss layer first."""
        return len(self.layers)

    @property
    def position(self) -> int:
        return len(self._history)

    @property
    def done(self) -> bool:
        return len(self._history) == len(self.layers)

    @property
    def history(self) -> tuple[LayerStep, ...]:
        return tuple(self._history)

    @property
    def current_step(self) -> LayerStep | None:
        """The last step taken (None before the first)."""
        return self._history[-1] if self._history else None

    @property
    def next_layer(self) -> int | None:
        """The index of the layer the next step takes (None when done)."""
        return None if self.done else len(self.layers) - 1 - len(self._history)

    @property
    def loss(self) -> Any:
        return self.outputs[-1]

    def received(self, i: int) -> Any:
        """The ``dout`` layer ``i`` has received in this pass (None: nothing yet); the loss layer's is 1."""
        last = len(self.layers) - 1
        if i == last:
            return 1
        sent = self._sent[i + 1]
        return None if sent is None else sent["dx"]

    def sent(self, i: int) -> dict[str, Any] | None:
        """What layer ``i``'s backward sent back (``dx``, ``dW``, ...; None: not stepped yet)."""
        return self._sent[i]

    def state(self, i: int) -> str:
        """Where layer ``i`` stands, in the stepper's words (:data:`autograd_core.words.STATES`):
        pending, seeded (the loss layer before step 1), gathering (its ``dout`` arrived, its
        backward not called yet), current (the layer of the step just taken), done."""
        last = len(self.layers) - 1
        if self._sent[i] is not None:
            return "current" if self._history[-1].index == i and not self.done else "done"
        if i == last:
            return "seeded"
        return "gathering" if self._sent[i + 1] is not None else "pending"

    # -- moving ----------------------------------------------------------------------------------
    def step(self) -> LayerStep:
        """Call the next layer's ``backward`` with the ``dout`` it received; returns what it did."""
        i = self.next_layer
        if i is None:
            raise ValueError(f"layers_backprop: all {len(self)} steps are done (back() undoes one)")
        layer = self.layers[i]
        received = self.received(i)
        try:  # a copy: the seed's ReLU writes into its dout, which is the previous layer's dx
            dx = layer.backward(np.array(received, dtype=float, copy=True) if _is_array(received) else received)
        except Exception as error:
            raise ValueError(f"layers_backprop: {self._where(i)}: backward raised {error_text(error)}") from None
        if dx is None:
            raise ValueError(f"layers_backprop: {self._where(i)}: backward returned None (a missing return?)")
        sent: dict[str, Any] = {"dx": np.array(dx, copy=True) if _is_array(dx) else dx}
        for name in self.params[i]:
            grad = getattr(layer, "d" + name, None)
            if grad is not None:
                sent["d" + name] = np.array(grad, copy=True)
        self._sent[i] = sent
        previous = self.names[i - 1] if i > 0 else None
        inputs = self.names[i - 1] if i > 0 else "x"
        call = f"{self.names[i]} = {self.classes[i]}({inputs}" + (", t)" if i == len(self) - 1 else ")")
        number = len(self._history) + 1
        lines = _step_lines(number, len(self), call, received, sent, self.words[i], previous, list(self.params[i]))
        step = LayerStep(number, len(self), i, self.names[i], call, received, sent, self.words[i], previous,
                         tuple(lines))
        self._history.append(step)
        return step

    def back(self) -> None:
        """Undo the last step (the layer's own ``dW``, ``db`` stay as its backward left them)."""
        if not self._history:
            raise ValueError("layers_backprop: no step to undo (this is the start: only the loss is seeded)")
        step = self._history.pop()
        self._sent[step.index] = None

    def run(self) -> list[LayerStep]:
        """Take every remaining step."""
        return [self.step() for _ in range(len(self) - self.position)]

    def rewind(self) -> None:
        """Back to the start."""
        while self._history:
            self.back()

    def __iter__(self) -> Iterator[LayerStep]:
        while not self.done:
            yield self.step()

    def forward_lines(self) -> list[str]:
        """The forward pass, one line per layer: ``Affine1 = Affine(x) -> 2×5 array ...``."""
        lines = []
        for i, name in enumerate(self.names):
            inputs = self.names[i - 1] if i > 0 else "x"
            call = f"{self.classes[i]}({inputs}" + (", t)" if i == len(self) - 1 else ")")
            out = self.outputs[i]
            lines.append(f"{name} = {call} -> {array_text(out) if _is_array(out) else format_number(out)}")
        return lines

    def __repr__(self) -> str:
        where = "done" if self.done else f"next: {self.names[self.next_layer]}"
        return f"<LayersBackprop of {len(self)} layers: step {self.position}/{len(self)}, {where}>"


def layers_backprop(network: Any, x: Any, t: Any, *, check: bool = False) -> LayersBackprop:
    """Step through ``network``'s hand-written backward, one layer at a time (see the module)."""
    return LayersBackprop(network, x, t, check=check)
