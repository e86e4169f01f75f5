"""A derivative in words: the op's own formula, filled in with captions and with numbers.

Every op's record says its derivative once, one template per input (``OPS["tanh"].formula`` is
``("1 - {out}²",)``; ``TENSOR_OPS["matmul"].formula`` is ``("g @ {b}ᵀ", "{a}ᵀ @ g")``).  Here a
template is filled in twice for a scalar node, with captions and with numbers, then the value
(``local d/da = 1 - tanh(a)² = 1 - 0.4621² = 0.7864``); for a Tensor node, with captions, and a
broadcast input's line says over which axes its gradient is summed back
(``g summed over the batch, axis 0``).  The record read is the node's own (``node.op_record``):
an op defined again later does not change what an existing graph says.

>>> from autograd_core import Value
>>> a = Value(0.5, name="a")
>>> local_text(a.tanh(), 0)
'local d/da = 1 - tanh(a)² = 1 - 0.4621² = 0.7864'
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

from ..graph import Node
from ..ops.record import record_of
from .captions import Captions
from .numbers import format_number

__all__ = ["local_parts", "local_text", "summed_over", "vjp_text"]


def local_text(node: Node, index: int, captions: Captions | None = None) -> str:
    """The local derivative d(node)/d(input ``index``) as a formula, with numbers, and its value.

    Read from the op's ``formula``; an op without one reads ``d<op>/d<input>``.

    >>> from autograd_core import Value
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> local_text(price, 1)
    'local d/dtax = apple*count = 200'
    >>> local_text(price, 0)
    'local d/d(apple*count) = tax = 1.1'
    """
    head, symbols, numbers, value = local_parts(node, index, captions)
    parts = [symbols]
    for part in (numbers, value):
        if part != parts[-1]:
            parts.append(part)
    return f"{head} = {' = '.join(parts)}"


def local_parts(node: Node, index: int, captions: Captions | None = None) -> tuple[str, str, str, str]:
    """The pieces of :func:`local_text`: ``("local d/da", "1 - tanh(a)²", "1 - 0.4621²", "0.7864")``."""
    words = captions or Captions()
    parent = node.parents[index]
    value = format_number(node.local[index])
    head = f"local {words.grad_name(parent).replace('d', 'd/d', 1)}"
    template = _template(node, index)
    if template is None:
        return head, f"d{node.op}/{words.grad_name(parent)}", value, value
    if template in ("{x}", "{y}", "{a}", "{b}", "{out}"):  # the formula is one caption: no parentheses needed
        symbols = _fill(template, node, words.label, words.label(node))
        numbers = _fill(template, node, lambda n: format_number(n.data), format_number(node.data))
    else:
        symbols = _fill(template, node, words.wrapped, words.wrapped(node), words.label, words.label(node))
        numbers = _fill(template, node, lambda n: _number_in_formula(n.data), _number_in_formula(node.data),
                        lambda n: format_number(n.data), format_number(node.data))
    return head, symbols, numbers, value


def vjp_text(node: Node, index: int, captions: Captions | None = None) -> str:
    """What a Tensor op sends back to input ``index``, in words (``g @ Wᵀ``); a broadcast input's
    says over which axes its gradient is summed (``g summed over the batch, axis 0``).

    ``g`` is the upstream gradient; the inputs and the output are called by their captions.  An op
    defined without words reads as its VJP applied to ``g``.

    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> x, b = Tensor(np.ones((4, 3)), name="x"), Tensor(np.zeros(3), requires_grad=True, name="b")
    >>> vjp_text(x + b, 1)
    'g summed over the batch, axis 0'
    """
    words = captions or Captions()
    template = _template(node, index)
    if template is None:
        text = f"{node.op}'s VJP of g"
    else:
        text = _fill(template, node, words.wrapped, words.wrapped(node), words.label, words.label(node))
    op = record_of(node)
    parent = node.parents[index]
    if op is not None and op.broadcasts and parent.data.shape != node.data.shape:
        summed = summed_over(parent.data.shape, node.data.shape)
        if summed:
            text = f"{text if text in ('g', '−g') else f'({text})'} {summed}"
    return text


def summed_over(shape: tuple[int, ...], broadcast: tuple[int, ...]) -> str:
    """Which axes of ``broadcast`` (the output's shape) a gradient is summed over to come back to
    ``shape`` (the input's): the axes broadcasting added or stretched.

    >>> summed_over((3,), (2, 3)), summed_over((1, 4, 1, 1), (8, 4, 5, 5)), summed_over((2, 1), (2, 3))
    ('summed over the batch, axis 0', 'summed over the batch and axes 2, 3', 'summed over axis 1')
    """
    lead = len(broadcast) - len(shape)
    axes = [i for i in range(len(broadcast)) if i < lead or (shape[i - lead] == 1 and broadcast[i] != 1)]
    if not axes:
        return ""
    if axes[0] == 0 and len(broadcast) >= 2:
        rest = axes[1:]
        if not rest:
            return "summed over the batch, axis 0"
        return f"summed over the batch and {_axes(rest)}"
    return f"summed over {_axes(axes)}"


def _axes(axes: list[int]) -> str:
    return f"axis {axes[0]}" if len(axes) == 1 else "axes " + ", ".join(str(a) for a in axes)


def _template(node: Node, index: int) -> str | None:
    op = record_of(node)
    if op is None or index >= len(op.formula) or not op.formula[index]:
        return None
    return op.formula[index]


def _fill(template: str, node: Node, show: Callable[[Node], str], out: str, plain: Callable[[Node], str] | None = None,
          plain_out: str | None = None) -> str:
    """The template with each placeholder filled by ``show`` (a caption in parentheses where it
    binds loosely), or by ``plain`` where the template already puts it alone in parentheses
    (``softmax({a})``: never ``softmax((x + b))``)."""
    parents = node.parents
    arg = node.arg
    n = "" if arg is None else (format_number(arg) if isinstance(arg, (int, float)) else str(arg))

    def value(field: str, alone: bool) -> str:
        if field == "n":
            return n
        if field == "out":
            return plain_out if alone and plain_out is not None else out
        k = 0 if field in ("x", "a") else 1
        if k >= len(parents):
            return ""
        return (plain or show)(parents[k]) if alone else show(parents[k])

    pieces = list(string.Formatter().parse(template))
    text = []
    for i, (literal, field, _, _) in enumerate(pieces):
        text.append(literal)
        if field is None:
            continue
        following = pieces[i + 1][0] if i + 1 < len(pieces) else ""
        alone = literal.endswith("(") and following.startswith(")")
        text.append(value(field, alone))
    return "".join(text)


def _number_in_formula(x: Any) -> str:
    text = format_number(x)
    return f"({text})" if text.startswith("-") else text
