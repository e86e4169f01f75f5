"""Numbers and arrays as a diagram shows them: a few significant digits, no float noise.

>>> format_number(220.00000000000003), format_number(110.00000000000001), format_number(2.2)
('220', '110', '2.2')
>>> format_number(0.000012345, digits=3), format_number(-0.0), format_number(float("inf"))
('1.23e-5', '0', '∞')
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

__all__ = ["format_number", "summarize_array", "shape_text", "clean_text", "SMALL_ARRAY"]

#: Arrays with at most this many entries (and at most 2 dimensions) are shown in full.
SMALL_ARRAY = 12


def format_number(x: Any, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits (``%g`` style, exponent without padding).

    A ``Value`` (a gradient built with ``create_graph=True``) shows its number.

    >>> format_number(123456.0), format_number(1e-5, 2), format_number(3)
    ('1.235e5', '1e-5', '3')
    """
    if not isinstance(x, (int, float, np.generic)):
        x = getattr(x, "data", x)
    try:
        number = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    text = f"{number:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    if text.startswith("-"):
        text = "0" if text == "-0" else "−" + text[1:]
    return text


def shape_text(shape: tuple[int, ...]) -> str:
    """``(100, 784)`` -> ``"100×784"``; a 0-d array is ``"scalar"``.

    >>> shape_text((100, 784)), shape_text(()), shape_text((3,))
    ('100×784', 'scalar', '3')
    """
    return "×".join(str(n) for n in shape) if shape else "scalar"


def summarize_array(array: Any, digits: int = 4) -> list[str]:
    """Lines describing an array: its numbers when small (one line per row), else its mean
    and its range.

    >>> summarize_array(np.array([[1.0, 2.0], [3.0, 4.5]]))
    ['[1  2]', '[3  4.5]']
    >>> summarize_array(np.zeros((100, 784)))
    ['mean 0', 'min 0  max 0']
    """
    size = int(getattr(array, "size", 0))
    ndim = int(getattr(array, "ndim", 0))
    if size == 0:
        return ["(empty)"]
    if ndim == 0:
        return [format_number(array.item(), digits)]
    if size <= SMALL_ARRAY and ndim <= 2:
        rows = array.reshape(1, -1) if ndim == 1 else array
        return ["[" + "  ".join(format_number(v, digits) for v in row.tolist()) + "]" for row in rows]
    flat = array.reshape(-1)
    if getattr(array.dtype, "kind", "f") not in "biuf":
        return [f"{size} entries"]
    with np.errstate(all="ignore"):
        mean, low, high = flat.mean(), flat.min(), flat.max()
    low_high = f"min {format_number(low, digits)}  max {format_number(high, digits)}"
    return [f"mean {format_number(mean, digits)}", low_high]


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
