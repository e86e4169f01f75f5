"""What an op is called on a diagram: its symbol, read from the op's own record (``node.op_record``).

The labels of boxes and edges are written by the walk's one DOT writer (:mod:`viz.walk.dot`);
what an edge says an op sends back is the words module's (:func:`autograd_core.words.vjp_text`),
as in the step texts; the colours live in :mod:`viz.palette`.

>>> from autograd_core import Value
>>> x = Value(3.0, name="x")
>>> op_symbol(x * 2), op_symbol(x ** 3), op_symbol(x.tanh())
('×', '**3', 'tanh')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core.ops.record import record_of
from autograd_core.words import format_number

__all__ = ["is_tensor", "op_symbol", "short_op"]


def is_tensor(node: Any) -> bool:
    """True for an array node (its ``data`` is a NumPy array)."""
    return isinstance(getattr(node, "data", None), np.ndarray)


def op_symbol(node: Any) -> str:
    """The op as a textbook writes it: ``×``, ``+``, ``exp``, ``**3``, ``@``."""
    record = record_of(node)  # the op's one record, scalar or Tensor
    if record is None:
        return node.op
    if record.name == "pow" and isinstance(node.arg, (int, float)):
        return f"{record.symbol}{format_number(node.arg)}"  # the exponent is part of the op: **3
    return record.symbol


#: Op names longer than this are shortened in their op node (the full name is its tooltip).
_LONG_OP = 10


def short_op(name: str) -> str:
    """An op's name short enough for its node: ``softmax_cross_entropy`` -> ``softmax CE``.

    >>> short_op("softmax_cross_entropy"), short_op("log softmax"), short_op("a_very_long_opname"), short_op("×")
    ('softmax CE', 'log softmax', 'a VLO', '×')
    """
    if len(name) <= _LONG_OP + 1:
        return name
    words = [w for w in name.replace("_", " ").split(" ") if w]
    if len(words) > 1:
        short = words[0][:_LONG_OP - 2] + " " + "".join(w[0].upper() for w in words[1:])
        if len(short) <= _LONG_OP + 1:
            return short
    return name[: _LONG_OP - 1] + "…"
