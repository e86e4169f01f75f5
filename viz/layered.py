"""The book's layered network as a walk: its layers, the arrays flowing forward, the ``dout``
flowing back, in the pieces and frames every view renders (:mod:`viz.walk`).

A layered network (chapter 5's ``TwoLayerNet``: ``layers`` in order, then ``lastLayer``) is
stepped by its own hand-written ``backward``, one layer at a time, by a stepper that knows the
book's layers (``nn.textbook.layers_backprop``; ``viz`` reads it by what it offers, and finds it
through the ``chainrule.layered`` entry point when given a network).  Its picture is a walk's:

- the batch ``x``, each layer's parameters (``Affine1.W``, ``Affine1.b``) and the labels ``t``
  are inputs; each layer is an op (its small box says what it computes: ``x@W+b``, ``relu``,
  ``softmax CE``) whose value box is named after the layer (``Affine1``, ..., ``SoftmaxWithLoss``,
  which holds the loss) and shows the array it outputs, its shape and a few values;
- every edge says what the layer's backward sends back along it (``dx = dout @ Wᵀ``), and once
  the layer has run its backward, what it sent (``← dx ...``); every value box shows the
  ``dout`` it received;
- a frame per moment, in the stepper's states: the forward pass, the loss seeded with 1, then
  one step per layer (current, gathering, done), the step's text the stepper's own.

A layer ``check_layers`` finds wrong carries its sentence in red under its box.

>>> import numpy as np
>>> from nn.textbook import TwoLayerNet
>>> np.random.seed(0)
>>> net = TwoLayerNet(input_size=3, hidden_size=2, output_size=2)
>>> w = layered_walk(stepper_of(net, np.ones((1, 3)), np.array([[0, 1]])))
>>> [n.title for n in w.picture.nodes if n.kind == "op"], [f.counter for f in w.frames][:3]
(['Affine1', 'Relu1', 'Affine2', 'SoftmaxWithLoss'], ['forward pass', 'step 0 / 4', 'step 1 / 4'])
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import numpy as np

from autograd_core.words import clean_text, format_number, shape_text

from .walk.frames import Frame
from .walk.model import Walk, room_of
from .walk.picture import Picture
from .walk.pieces import BACK_ARROW, EdgePiece, NodePiece, value_text

__all__ = ["LAYERED_GROUP", "is_layered", "is_layer_steps", "layered_picture", "layered_walk", "stepper_of"]

#: The entry-point group where a package offers to step a layered network (``nn`` offers the book's).
LAYERED_GROUP = "chainrule.layered"


def is_layered(obj: Any) -> bool:
    """A layered network: ``layers`` (in order) and ``lastLayer``, as the book's networks have."""
    return hasattr(obj, "layers") and hasattr(obj, "lastLayer")


def is_layer_steps(obj: Any) -> bool:
    """A layered network being stepped (``layers_backprop(network, x, t)``): what this view reads."""
    return all(hasattr(obj, name) for name in ("names", "received", "sent", "state", "outputs", "symbols"))


def stepper_of(network: Any, x: Any, t: Any, *, view: str = "draw", check: bool = False) -> Any:
    """The stepper of a layered network's backward (from the ``chainrule.layered`` entry point)."""
    for entry in sorted(entry_points(group=LAYERED_GROUP), key=lambda e: e.name):
        try:
            make = entry.load()
        except ImportError:
            continue
        try:
            return make(network, x, t, check=check)
        except (TypeError, ValueError) as error:
            raise type(error)(str(error).replace("layers_backprop:", f"{view}:", 1)) from None
    raise RuntimeError(f"{view}: no package offers to step a layered network (nn.textbook does: install chainrule)")


def _wrong_note(sentence: str) -> str:
    """``✗ check_layers: dx is wrong, relative error 0.14`` from check_layers' sentence about a layer."""
    said = sentence.split(": ", 1)[-1].split(" (", 1)[0]
    return f"✗ check_layers: {clean_text(said)}"


def _array_text(x: Any, digits: int) -> tuple[str, ...]:
    return value_text(np.asarray(x) if np.ndim(x) else float(x), digits)


def _shape(x: Any) -> str | None:
    array = np.asarray(x)
    return f"{shape_text(array.shape)}  {array.dtype}" if array.ndim else None


def _sent_lines(name: str, value: Any, arrow: str, digits: int) -> tuple[str, ...]:
    """``← dx [0.1 0.2]``, a big array by its summary, rows under the first."""
    lines = _array_text(value, min(digits, 3))
    return (f"{arrow}{name} {lines[0]}", *(f"     {line}" for line in lines[1:]))


def _dout_lines(value: Any, digits: int, word: str = "dout") -> tuple[str, ...]:
    lines = _array_text(value, min(digits, 3))
    return (f"{word} {lines[0]}", *(f"     {line}" for line in lines[1:]))


class _Places:
    """Where each part of the network is in the picture's order: inputs before the layer that reads them."""

    def __init__(self, steps: Any) -> None:
        self.x = 0
        self.params: list[list[int]] = []
        self.layer: list[int] = []
        self.t: int | None = None
        k = 1
        last = len(steps.names) - 1
        for i, names in enumerate(steps.params):
            self.params.append(list(range(k, k + len(names))))
            k += len(names)
            if i == last and steps.t is not None:
                self.t = k
                k += 1
            self.layer.append(k)
            k += 1
        self.count = k

    def inputs(self, i: int) -> list[int]:
        """Layer ``i``'s inputs, in the order its edges are numbered: its data, its parameters, ``t``."""
        data = self.x if i == 0 else self.layer[i - 1]
        return [data, *self.params[i], *([self.t] if self.t is not None and i == len(self.layer) - 1 else [])]


def layered_picture(steps: Any, *, digits: int = 4, rankdir: str = "LR") -> Picture:
    """The picture of a layered network (see the module's docstring), its texts as the finished
    pass leaves them: every ``dout`` received, every array sent back."""
    places = _Places(steps)
    arrow = BACK_ARROW[rankdir]
    nodes: list[NodePiece | None] = [None] * places.count
    edges: list[EdgePiece] = []
    last = len(steps.names) - 1
    nodes[places.x] = NodePiece(places.x, "x", True, "input", None, "", "", (), False, _shape(steps.x) is not None,
                                _array_text(steps.x, digits), _shape(steps.x))
    if places.t is not None:
        nodes[places.t] = NodePiece(places.t, "t", True, "input", None, "", "", (), False, True,
                                    _array_text(steps.t, digits), _shape(steps.t))
    for i, name in enumerate(steps.names):
        layer = steps.layers[i]
        sent = steps.sent(i) or {}
        for p, param in zip(places.params[i], steps.params[i]):
            value = getattr(layer, param)
            grad = sent.get("d" + param)
            nodes[p] = NodePiece(p, f"{name}.{param}", True, "input", None, "", "", (), True, True,
                                 _array_text(value, digits), _shape(value),
                                 _dout_lines(grad, digits, f"d{param}") if grad is not None else ())
        received = steps.received(i)
        out = steps.outputs[i]
        note = (_wrong_note(steps.wrong[i]),) if i in steps.wrong else ()
        k = places.layer[i]
        inputs = places.inputs(i)
        nodes[k] = NodePiece(k, clean_text(name), True, "op", steps.classes[i], steps.symbols[i], "", tuple(inputs),
                             True, np.ndim(out) > 0, _array_text(out, digits), _shape(out),
                             _dout_lines(received, digits) if received is not None else (), note)
        words = steps.words[i]
        for n, source in enumerate(inputs):
            if source == places.t:
                edges.append(EdgePiece(f"{k}.{n}", source, k, n, None, (), True))
                continue
            key = "dx" if source == inputs[0] else "d" + steps.params[i][n - 1]
            said = words.get(key)
            local = f"{key} = {said}" if said else None
            back = _sent_lines(key, sent[key], arrow, digits) if key in sent else ()
            edges.append(EdgePiece(f"{k}.{n}", source, k, n, local, back, False))
    if last < 0:
        raise ValueError("a layered network needs at least its loss layer")
    return Picture.assemble(list(nodes), edges, [], [])  # type: ignore[arg-type]


def _states(steps: Any, places: _Places) -> tuple[str, ...]:
    """Every part's state in the stepper's words: a layer's own; the data and the parameters are
    done once the layer reading them is (its backward gave their gradients); ``t`` has none."""
    states = ["pending"] * places.count
    layer_states = [steps.state(i) for i in range(len(steps.names))]
    for i, state in enumerate(layer_states):
        states[places.layer[i]] = state
        finished = "done" if state in ("current", "done") else "pending"
        for p in places.params[i]:
            states[p] = finished
    states[places.x] = "done" if layer_states[0] in ("current", "done") else "pending"
    if places.t is not None:
        states[places.t] = "no grad"
    return tuple(states)


def now_frame(steps: Any, places: _Places, *, rankdir: str = "LR", digits: int = 4) -> Frame:
    """The frame of a layered network where its stepper stands."""
    states = _states(steps, places)
    running = {}
    for i in range(len(steps.names)):
        if steps.state(i) == "gathering":
            running[places.layer[i]] = _dout_lines(steps.received(i), digits)
    step = steps.current_step
    total = len(steps.names)
    if step is None:
        return Frame("seed", states, current=places.layer[-1], running=running, total=total)
    k = places.layer[step.index]
    inputs = places.inputs(step.index)
    arrow = BACK_ARROW[rankdir]
    flows = {}
    for n, source in enumerate(inputs):
        if source == places.t:
            continue
        key = "dx" if n == 0 else "d" + steps.params[step.index][n - 1]
        if key in step.sent:
            flows[f"{k}.{n}"] = _sent_lines(key, step.sent[key], arrow, digits)
    finished = (k, *places.params[step.index], *([places.x] if step.index == 0 else []))
    return Frame("step", states, current=k, flows=flows, running=running, finished=finished, number=step.number,
                 total=total)


def layered_walk(steps: Any, *, rankdir: str = "LR", digits: int = 4, title: str | None = None) -> Walk:
    """The walk of a layered network's backward, from its start (the stepper is put back where
    it was): the forward pass, the loss seeded with 1, then one frame per layer."""
    places = _Places(steps)
    position = steps.position
    try:
        steps.rewind()
        start = now_frame(steps, places, rankdir=rankdir, digits=digits)
        forward = "\n".join(steps.forward_lines())
        frames = [Frame("forward", start.states, counter="forward pass", text=forward,
                        heading="Forward pass: each layer's forward, from x to the loss"),
                  Frame("seed", start.states, counter=f"step 0 / {len(steps)}", current=start.current,
                        heading="Backward pass: start from the loss",
                        text=f"dout = 1 into {steps.names[-1]}: the loss's gradient with respect to itself.\n"
                             "From right to left, each layer's backward takes the dout it receives and sends back "
                             "its dx\n(and leaves dW, db on the layer).", total=len(steps))]
        for step in steps:
            frame = now_frame(steps, places, rankdir=rankdir, digits=digits)
            frames.append(Frame(
                "step", frame.states, counter=f"step {step.number} / {len(steps)}", text=step.text,
                heading=f"Step {step.number}: {steps.names[step.index]}'s backward", number=step.number,
                total=len(steps), current=frame.current, flows=frame.flows, running=frame.running,
                finished=frame.finished,
            ))
        picture = layered_picture(steps, digits=digits, rankdir=rankdir)
    finally:
        steps.rewind()
        for _ in range(position):
            steps.step()
    walk = Walk(picture, frames, title or f"Backpropagation through the layers, loss {format_number(steps.loss)}",
                rankdir, digits)
    walk.room = room_of(walk.room_scene())
    return walk


def current_picture(steps: Any, *, rankdir: str = "LR", digits: int = 4) -> tuple[Picture, Frame]:
    """The picture of a layered network and the frame of where its stepper stands (for a diagram);
    once every layer has run its backward, every part as it is (no current layer)."""
    places = _Places(steps)
    frame = now_frame(steps, places, rankdir=rankdir, digits=digits)
    if steps.done:
        frame = Frame("still", frame.states)
    return layered_picture(steps, digits=digits, rankdir=rankdir), frame
