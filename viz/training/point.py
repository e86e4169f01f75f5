"""One watched datapoint: the graph of its own loss, built with the model as it is, and its numbers.

At each recorded step the point goes through the model (``model([x0, x1])``, the inputs named
``x0`` and ``x1``) and its loss (``hinge``: micrograd's max-margin loss for one output,
``softmax``: cross-entropy for several, or your own ``loss(output, label)``), and that one loss
is backpropagated on its own (seeded with 1).  The model's own gradients are set aside while it
happens and put back after, so recording never changes what your loop sees.  What is kept of a
step: every node's value, every node's gradient and every edge's local derivative, in the
graph's topological order (:meth:`WatchedPoint.capture`).

>>> w = [Value(0.5, name="w0"), Value(-2.0, name="w1")]
>>> model = lambda x: (w[0] * x[0] + w[1] * x[1]).tanh()
>>> point = WatchedPoint(4, (1.0, 0.25), 1.0, model, hinge, parameters=w)
>>> numbers = point.capture()        # values, gradients, local derivatives
>>> [node.label for node in point.order]
['1', '-1', 'w0', 'x0', 'mul', 'w1', 'x1', 'mul', 'add', 'tanh', 'mul', 'add', 'loss']
>>> len(numbers) == 2 * len(point.order) + len(point.edges), point.params[:6]
(True, [-1, -1, 0, -1, -1, 1])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_core import Node, Value, enable_grad
from autograd_core.graph import gradients_set_aside

__all__ = ["LOSSES", "WatchedPoint", "hinge", "softmax"]


def hinge(output: Any, label: float) -> Value:
    """micrograd's max-margin loss of one output for a label of -1 or +1: ``relu(1 - label * output)``.

    >>> hinge(Value(0.25), 1.0).data, hinge(Value(2.0), 1.0).data
    (0.75, 0.0)
    """
    return (1 + -label * output).relu()


def softmax(outputs: Sequence[Any], label: int) -> Value:
    """Cross-entropy of the softmax of several outputs for the class ``label``: ``log(sum(exp(o -
    m))) - (o[label] - m)``, with ``m`` the largest output (a number, for stability).

    >>> round(softmax([Value(1.0), Value(1.0)], 0).data, 6) == round(math.log(2), 6)
    True
    """
    top = max(o.data for o in outputs)
    total = sum(((o - top).exp() for o in outputs[1:]), (outputs[0] - top).exp())
    return total.log() - (outputs[label] - top)


#: The losses a page knows by name.
LOSSES: dict[str, Callable[..., Value]] = {"hinge": hinge, "softmax": softmax}


class WatchedPoint:
    """Datapoint ``index`` (inputs ``x``, ``label`` as the loss takes it) under ``model`` and ``loss``.

    ``order`` is its graph (topological order, loss last) as first built; ``edges`` its input
    edges as ``(node, input)`` pairs in order; ``params[i]`` the model parameter node ``i`` is (or
    -1).  Every later graph must have the same shape (a model whose computation depends on the
    values would draw a different graph at each step; such a model is refused, naming the step).
    """

    def __init__(self, index: int, x: Sequence[float], label: Any, model: Any, loss: Callable[..., Any],
                 parameters: Sequence[Node] = ()) -> None:
        self.index = index
        self.x = tuple(float(v) for v in x)
        self.label = label
        self.model = model
        self.loss = loss
        self.steps = 0
        root = self.graph()
        with gradients_set_aside(root) as order:
            self.order = order
        self.shape = self._shape(order)
        self.edges = [(i, k) for i, node in enumerate(order) for k in range(len(node.parents))]
        at = {id(p): k for k, p in enumerate(parameters)}
        self.params = [at.get(id(node), -1) for node in order]

    def graph(self) -> Node:
        """The point's loss, built now (with the model's current weights)."""
        with enable_grad():
            inputs = [Value(v, name=f"x{k}") for k, v in enumerate(self.x)]
            output = self.model(inputs)
            root = self.loss(output, self.label)
        if not isinstance(root, Value):
            raise TypeError(f"TrainingPage: the loss of point {self.index} must be a Value, got {type(root).__name__}")
        if root.name is None:
            root.name = "loss"
        return root

    @staticmethod
    def _shape(order: list[Node]) -> tuple:
        place = {id(node): i for i, node in enumerate(order)}
        return tuple((node.op, tuple(place[id(p)] for p in node.parents)) for node in order)

    def capture(self) -> np.ndarray:
        """This step's numbers: every node's value, every node's gradient (0 for none), every
        edge's local derivative, as one float64 array."""
        root = self.graph()
        with gradients_set_aside(root) as order:
            if self._shape(order) != self.shape:
                raise ValueError(
                    f"TrainingPage: the graph of point {self.index} changed shape at step {self.steps} (the model "
                    "computes differently depending on its values); a training page draws one graph for every step"
                )
            root.backward()
            values = [node.data for node in order]
            grads = [node.grad for node in order]
            local = [d for node in order for d in node.local]
        self.steps += 1
        return np.array(values + grads + [_number(d) for d in local], dtype=np.float64)


def _number(x: Any) -> float:
    return float(getattr(x, "data", x)) if x is not None else math.nan
