"""Numbers and arrays as every view writes them: one rule for digits, exponents and arrays.

- A number has at most ``digits`` significant digits (:data:`DIGITS` unless a view asks for
  others), no float noise (``220``, not ``220.00000000000003``), an exponent without padding
  (``1.235e5``, ``-1e-5``) and ``0`` for ``-0``: the way Python reads it back, so a learner can
  paste it into an answer.  ``inf``, ``-inf`` and ``nan`` are written as Python writes them.
- An array is written out when small (at most :data:`SMALL_ARRAY` entries and 2 dimensions):
  one line per row, columns aligned; otherwise by its mean and range.
- A shape reads ``100×784``; a name with control characters is shown with visible escapes.

The step text, the table, the diagrams, the lecture page, the slides and the command line all
write numbers with these functions.

>>> format_number(220.00000000000003), format_number(123456), format_number(-1e-5), format_number(-0.0)
('220', '1.235e5', '-1e-5', '0')
>>> summarize_array(np.array([[0.5, -1.0], [2.0, 0.25]]))
['[0.5   -1]', '[  2 0.25]']
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from ..graph import Node

__all__ = [
    "DIGITS",
    "SMALL_ARRAY",
    "array_lines",
    "array_text",
    "clean_text",
    "format_number",
    "shape_text",
    "summarize_array",
]

#: Significant digits of every number a view writes, unless it asks for others.
DIGITS = 4
#: Arrays with at most this many entries (and at most 2 dimensions) are written out in full.
SMALL_ARRAY = 36
#: The widest row of a small array written out (wider rows: the array is summarised instead).
ROW_WIDTH = 60


def format_number(x: Any, digits: int = DIGITS) -> str:
    """``x`` with at most ``digits`` significant digits, as Python would read it back.

    A node (a gradient built with ``create_graph=True``) shows its number; an array, its summary
    on one line.

    >>> format_number(110.00000000000001), format_number(2.2), format_number(1 / 3, 2), format_number(1e-9)
    ('110', '2.2', '0.33', '1e-9')
    >>> format_number(float("inf")), format_number(float("-inf")), format_number(float("nan"))
    ('inf', '-inf', 'nan')
    """
    if x is None:
        return ""
    data = x.data if isinstance(x, Node) else x
    shape = getattr(data, "shape", None)
    if shape is not None and shape != ():
        return array_text(data, digits)
    try:
        number = float(data)
    except (TypeError, ValueError):
        return str(data)
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    text = f"{number:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return "0" if text == "-0" else text


def shape_text(shape: tuple[int, ...]) -> str:
    """``(100, 784)`` -> ``"100×784"``; a 0-d array is ``"scalar"``.

    >>> shape_text((100, 784)), shape_text(()), shape_text((3,))
    ('100×784', 'scalar', '3')
    """
    return "×".join(str(n) for n in shape) if shape else "scalar"


def summarize_array(array: Any, digits: int = DIGITS) -> list[str]:
    """Lines describing an array, as a diagram shows it: its rows when small (columns aligned),
    else its mean and its range.

    >>> summarize_array(np.zeros((100, 784)))
    ['mean 0', 'min 0  max 0']
    >>> summarize_array(np.zeros((0, 3)))
    ['(empty)']
    """
    array = _array(array)
    if array.size == 0:
        return ["(empty)"]
    rows = _rows(array, digits)
    if rows is not None:
        return rows
    if array.dtype.kind not in "biuf":
        return [f"{array.size} entries"]
    mean, low, high = _range(array, digits)
    return [f"mean {mean}", f"min {low}  max {high}"]


def array_lines(array: Any, digits: int = DIGITS) -> list[str]:
    """Lines describing an array, as a terminal shows it: its rows when small, else one line with
    its shape, mean and range.

    >>> array_lines(np.array([[0.5, -1.0], [2.0, 0.25]]))
    ['[0.5   -1]', '[  2 0.25]']
    >>> array_lines(np.zeros((100, 784)))
    ['100×784 array, mean 0, min 0, max 0']
    """
    array = _array(array)
    rows = _rows(array, digits) if array.size else None
    return rows if rows is not None else [array_text(array, digits)]


def array_text(array: Any, digits: int = DIGITS) -> str:
    """An array on one line: a small one as its row (the first row, then its shape), a big one by
    its shape, mean and range.

    >>> array_text(np.array([1.0, -2.0])), array_text(np.arange(100.0).reshape(10, 10))
    ('[1 -2]', '10×10 array, mean 49.5, min 0, max 99')
    """
    array = _array(array)
    if array.size == 0:
        return f"{shape_text(array.shape)} array (empty)"
    rows = _rows(array, digits)
    if rows is not None:
        return rows[0] if len(rows) == 1 else f"{rows[0]} ... ({shape_text(array.shape)})"
    if array.dtype.kind not in "biuf":
        return f"{shape_text(array.shape)} array"
    mean, low, high = _range(array, digits)
    return f"{shape_text(array.shape)} array, mean {mean}, min {low}, max {high}"


def _array(x: Any) -> np.ndarray:
    """The array to describe: a node's data (a gradient built with ``create_graph=True``)."""
    return np.asarray(x.data if isinstance(x, Node) else x)


def _rows(array: np.ndarray, digits: int) -> list[str] | None:
    """A small array's rows, columns aligned (None when it is not small: the one rule)."""
    if array.ndim == 0:
        return [format_number(array.item(), digits)]
    if array.size > SMALL_ARRAY or array.ndim > 2 or array.dtype.kind not in "biuf":
        return None
    rows = array.reshape(1, -1) if array.ndim == 1 else array
    cells = [[format_number(v, digits) for v in row.tolist()] for row in rows]
    width = [max(len(row[k]) for row in cells) for k in range(len(cells[0]))]
    lines = ["[" + " ".join(c.rjust(w) for c, w in zip(row, width)) + "]" for row in cells]
    return lines if len(lines[0]) <= ROW_WIDTH else None


def _range(array: np.ndarray, digits: int) -> tuple[str, str, str]:
    with np.errstate(all="ignore"):
        mean, low, high = array.mean(), array.min(), array.max()
    return format_number(mean, digits), format_number(low, digits), format_number(high, digits)


# Control characters (NUL, newline, ESC, DEL, C1) and lone surrogates: Graphviz rejects or
# mangles them and they cannot be encoded as UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` with every control character or lone surrogate written as a visible escape
    (``\\x00``, ``\\n``, ``\\ud800``), so any node name can be drawn and encoded.

    >>> clean_text("a\\x00b"), clean_text("line\\nbreak"), clean_text("\\ud800"), clean_text("π")
    ('a\\\\x00b', 'line\\\\nbreak', '\\\\ud800', 'π')
    """
    if not isinstance(text, str):
        text = str(text)
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
