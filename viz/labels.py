"""What an op is called on a diagram: its symbol and an array op's vector-Jacobian product in words,
read from the op's own record (``node.op_record``).

The labels of boxes and edges are written by the walk's one DOT writer (:mod:`viz.walk.dot`);
the colours live in :mod:`viz.palette`.

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

__all__ = ["is_tensor", "op_symbol", "short_op", "vjp_words"]


def is_tensor(node: Any) -> bool:
    """True for an array node (its ``data`` is a NumPy array)."""
    return isinstance(getattr(node, "data", None), np.ndarray)


def op_symbol(node: Any) -> str:
    """The op as a textbook writes it: ``×``, ``+``, ``exp``, ``**3``, ``@``."""
    op = node.op
    if op == "pow" and node.arg is not None:
        return f"**{format_number(node.arg)}"
    record = record_of(node)  # the op's one record, scalar or Tensor
    return record.symbol if record is not None else op


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


def vjp_words(node: Any, index: int) -> str | None:
    """What an array op sends back to input ``index``, in words (``g @ W1ᵀ``), if known.

    The words are the op's own (``formula`` of its record, custom ops included), filled with the
    inputs' short names.
    """
    record = record_of(node)
    if record is None or index >= len(record.formula):
        return None
    template = record.formula[index]
    parents = node.parents
    names = [_short_name(parents[k], _DEFAULT_NAMES[k]) if k < len(parents) else _DEFAULT_NAMES[k] for k in (0, 1)]
    arg = getattr(node, "arg", None)
    try:
        return template.format(a=names[0], b=names[1], x=names[0], y=names[1], out=_short_name(node, "out"),
                               n=format_number(arg) if isinstance(arg, (int, float)) else arg)
    except (KeyError, IndexError, ValueError):
        return template  # a custom op's words with braces of their own: shown as written


# Short names for the inputs of an unnamed node in the words above.
_DEFAULT_NAMES = ("a", "b")
_MAX_NAME = 10


def _short_name(node: Any, default: str) -> str:
    name = node.name
    if name is None:
        return default
    return name if len(name) <= _MAX_NAME else name[: _MAX_NAME - 1] + "…"
