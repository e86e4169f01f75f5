"""What each box, circle and arrow of a diagram says: HTML-like Graphviz labels.

Colours follow the textbook's figure: forward values in black, backward values (gradients and
what flows back along each edge) in red; local derivatives in blue; parts a step-by-step
backprop has not reached yet in grey.

>>> from autograd_core import Value
>>> x = Value(3.0, name="x")
>>> value_label(x, digits=4, grad=None)
'<b>x</b><br/>3'
>>> op_symbol(x * 2), op_symbol(x ** 3), op_symbol(x.tanh())
('×', '**3', 'tanh')
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np

from autograd_core.ops.record import record_of
from autograd_core.words import caption as caption_of
from autograd_core.words import clean_text, format_number, shape_text, summarize_array

__all__ = [
    "BACKWARD",
    "CURRENT",
    "CURRENT_FILL",
    "FORWARD",
    "LOCAL",
    "MUTED",
    "edge_label",
    "is_tensor",
    "legend_table",
    "node_caption",
    "op_symbol",
    "short_op",
    "tensor_label",
    "value_label",
    "vjp_words",
]

FORWARD = "#000000"
BACKWARD = "#c62828"
LOCAL = "#1f5fa8"
MUTED = "#a0a0a0"
CURRENT = "#e65100"
#: The fill of the node a step-by-step backprop is processing (pages may look for it in the SVG).
CURRENT_FILL = "#fff3b0"

# Short names for the inputs of an unnamed node in the words above.
_DEFAULT_NAMES = ("a", "b")
_MAX_NAME = 10


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


def legend_table() -> str:
    """A colour key, as an HTML-like table: forward value, gradient, local derivative, current node."""
    cells = [
        f"<td>{_font('<b>name</b> value', FORWARD)}</td>",
        f"<td>{_font('grad', BACKWARD)} gradient</td>",
        f"<td>{_font('local', LOCAL)} local derivative</td>",
        f"<td>{_font('← g', BACKWARD)} flows back</td>",
        f'<td bgcolor="{CURRENT_FILL}" border="1" color="{CURRENT}">current node</td>',
    ]
    return f'<table border="0" cellspacing="6" cellpadding="2"><tr>{"".join(cells)}</tr></table>'


def _font(text: str, color: str, size: int | None = None) -> str:
    size_attr = f' point-size="{size}"' if size else ""
    return f'<font color="{color}"{size_attr}>{text}</font>'


def node_caption(node: Any, captions: Any = None) -> str:
    """How every view calls a node (``apple*count``, ``layer1.neuron0.act``): the one caption
    of :mod:`autograd_core.words`; pass the graph's ``Captions`` when captioning many nodes."""
    return caption_of(node, captions)


def _title(node: Any, muted: bool, caption: str | None = None) -> str:
    """The node's name in bold, else its caption (as the step text calls it) in italics."""
    if node.name is not None:
        text = f"<b>{escape(clean_text(node.name))}</b>"
    else:
        text = f"<i>{escape(clean_text(caption if caption is not None else node_caption(node)))}</i>"
    return _font(text, MUTED) if muted else text


def value_label(node: Any, *, digits: int, grad: Any, muted: bool = False, caption: str | None = None) -> str:
    """A scalar node: its name (or op, or ``caption``), its forward value, and its gradient in
    red when known.

    ``grad`` is the gradient to show, or None to show none.
    """
    value = format_number(node.data, digits)
    lines = [_title(node, muted, caption), _font(value, MUTED) if muted else value]
    if grad is not None:
        lines.append(_font(f"grad {format_number(grad, digits)}", BACKWARD))
    return "<br/>".join(lines)


def constant_label(node: Any, *, digits: int) -> str:
    """A constant from the formula (the 2 of ``2*x``): just its number."""
    if is_tensor(node):
        text = "<br/>".join(escape(line) for line in summarize_array(node.data, min(digits, 3)))
        return text if node.data.size <= 4 else f"{text}<br/>{_font(escape(shape_text(node.data.shape)), MUTED, 9)}"
    return escape(format_number(node.data, digits))


def tensor_label(node: Any, *, digits: int, grad: Any, muted: bool = False, caption: str | None = None) -> str:
    """An array node: name (or op, or ``caption``), shape and dtype, its numbers when small
    (else mean/min/max), and its gradient the same way in red when known."""
    shown = min(digits, 3)
    data = node.data
    lines = [_title(node, muted, caption)]
    lines.append(_font(escape(f"{shape_text(data.shape)}  {data.dtype}"), MUTED if muted else LOCAL, 10))
    values = [escape(line) for line in summarize_array(data, shown)]
    lines.extend(_font(v, MUTED) for v in values) if muted else lines.extend(values)
    if grad is not None:
        grad_lines = summarize_array(np.asarray(getattr(grad, "data", grad)), shown)
        lines.append(_font(escape(f"grad {grad_lines[0]}"), BACKWARD))
        lines.extend(_font(escape(f"     {line}"), BACKWARD) for line in grad_lines[1:])
    return "<br/>".join(lines)


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


def _short_name(node: Any, default: str) -> str:
    name = node.name
    if name is None:
        return default
    return name if len(name) <= _MAX_NAME else name[: _MAX_NAME - 1] + "…"


def edge_label(local: str | None, backward: str | None, *, muted: bool = False, bold: bool = False) -> str | None:
    """The text of an input -> op edge: the local derivative (blue) over what flows back (red)."""
    parts = []
    if local is not None:
        parts.append(_font(escape(local), MUTED if muted else LOCAL, 10))
    if backward is not None:
        text = "<br/>".join(escape(line) for line in backward.split("\n"))
        parts.append(_font(f"<b>{text}</b>" if bold else text, BACKWARD))
    return "<br/>".join(parts) if parts else None
