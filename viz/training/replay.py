"""A scalar graph run again on a whole batch of inputs at once, by its op records.

A training page draws the model's output over a grid of the plane at every step: a thousand
points through a network of a thousand ``Value`` nodes would be a million nodes a step.  Instead
the model is traced once, on one point, and that graph is run again with NumPy arrays where the
inputs were and the current parameter values where the weights were: each op computes with its
own record (``numpy_form`` when it has one, else its ``forward``, which for arithmetic works on
arrays as it does on numbers, else its ``forward`` point by point).  Nothing here knows what an
op means.

>>> from autograd_core import Value
>>> x, w = Value(0.0, name="x"), Value(2.0, name="w")
>>> y = (w * x + 1).tanh()
>>> run = Replay([y], inputs=[x], params=[w])
>>> np.round(run([np.array([0.0, 0.5, -1.0])], np.array([2.0])), 4).tolist()
[[0.7616, 0.964, -0.7616]]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd_core import Node, topological_order
from autograd_core.ops.record import record_of

__all__ = ["Replay", "joint_order"]


def joint_order(outputs: Sequence[Node]) -> list[Node]:
    """Every node the outputs depend on, parents before children (each output's own order, the
    nodes already met left out)."""
    order: list[Node] = []
    seen: set[int] = set()
    for output in outputs:
        for node in topological_order(output):
            if id(node) not in seen:
                seen.add(id(node))
                order.append(node)
    return order


def _apply(op: Any, args: list[Any]) -> np.ndarray:
    """The op's output for arrays of inputs: its ``numpy_form``; else its ``forward`` on the arrays
    (arithmetic works on them as on numbers); else, for a forward written for numbers only, its
    ``forward`` point by point, nan where the point lies outside the op's domain."""
    with np.errstate(all="ignore"):
        if op.numpy_form is not None:
            return op.numpy_form(np, *args)
        try:
            return np.asarray(op.forward(*args), dtype=float)
        except (TypeError, ValueError, ArithmeticError):
            pass

    def one(*point: float) -> float:
        try:
            return float(op.forward(*point))
        except (TypeError, ValueError, ArithmeticError):
            return math.nan

    return np.asarray(np.frompyfunc(one, len(args), 1)(*args), dtype=float)


class Replay:
    """``outputs`` (nodes of one traced graph) as a function of ``inputs`` (leaves, each given an
    array) and ``params`` (leaves, each given a number); every other leaf keeps its value.

    ``replay(batch, values)`` returns an array of shape ``(len(outputs), batch size)``.
    """

    def __init__(self, outputs: Sequence[Node], *, inputs: Sequence[Node], params: Sequence[Node]) -> None:
        order = joint_order(outputs)
        place = {id(node): k for k, node in enumerate(order)}
        input_at = {id(node): k for k, node in enumerate(inputs)}
        param_at = {id(node): k for k, node in enumerate(params)}
        # one step per node: ("input", k), ("param", k), ("const", value) or ("op", record, parents, extra)
        self.steps: list[tuple] = []
        for node in order:
            key = id(node)
            parents = node.parents
            if key in input_at:
                self.steps.append(("input", input_at[key]))
            elif key in param_at:
                self.steps.append(("param", param_at[key]))
            elif not parents:
                self.steps.append(("const", float(node.data)))
            else:
                op = record_of(node)
                extra = (node.arg,) if op.has_arg else ()
                self.steps.append(("op", op, [place[id(p)] for p in parents], extra))
        self.outputs = [place[id(node)] for node in outputs]

    def __call__(self, batch: Sequence[np.ndarray], params: np.ndarray) -> np.ndarray:
        size = len(batch[0])
        values: list[Any] = []
        for step in self.steps:
            kind = step[0]
            if kind == "op":
                values.append(_apply(step[1], [values[i] for i in step[2]] + list(step[3])))
            elif kind == "input":
                values.append(batch[step[1]])
            elif kind == "param":
                values.append(float(params[step[1]]))
            else:
                values.append(step[1])
        return np.stack([np.broadcast_to(np.asarray(values[i], dtype=float), (size,)) for i in self.outputs])
