"""The colours of every picture, chosen to be read by everyone.

The textbook's figure puts forward values in black and backward values in red; local derivatives
are blue.  Every text colour reaches a contrast of at least 4.5:1 on the background it is drawn on
(WCAG AA), and black, blue and red stay apart for readers with red-green colour blindness (the
tests simulate it); what a colour means is also said in words or glyphs (``grad``, ``local``,
``←``, ``so far``), so nothing depends on telling two colours apart.

>>> round(contrast(BACKWARD, "#ffffff"), 2) >= 4.5, round(contrast(MUTED_TEXT, "#ffffff"), 2) >= 4.5
(True, True)
"""

from __future__ import annotations

__all__ = [
    "BACKWARD",
    "CLASSES",
    "CONSTANT_FILL",
    "CONSTANT_LINE",
    "CONSTANT_TEXT",
    "CURRENT",
    "CURRENT_FILL",
    "FOLD_FILL",
    "FOLD_LINE",
    "FORWARD",
    "LOCAL",
    "MUTED",
    "MUTED_TEXT",
    "NEGATIVE",
    "PANEL_FILL",
    "PATH",
    "POSITIVE",
    "SOFT_TEXT",
    "contrast",
    "luminance",
]

#: Forward values, names, borders of finished nodes.
FORWARD = "#000000"
#: Gradients and what flows back along an edge.
BACKWARD = "#c62828"
#: Local derivatives (and an array op's vector-Jacobian product in words).
LOCAL = "#1f5fa8"
#: Lines of the parts a backprop has not reached yet (borders, arrows): not text.
MUTED = "#a0a0a0"
#: Text of the parts a backprop has not reached yet: grey, yet 5:1 on white.
MUTED_TEXT = "#6b6b6b"
#: Secondary text (notes, counts) on white or on the panels' grey.
SOFT_TEXT = "#595959"
#: The node a step processes: its border and its fill.
CURRENT = "#e65100"
CURRENT_FILL = "#fff3b0"
#: Numbers from the formula (the 2 of ``2*x``).
CONSTANT_FILL = "#f2f2f2"
CONSTANT_LINE = "#bbbbbb"
CONSTANT_TEXT = "#555555"
#: A folded name scope's box.
FOLD_FILL = "#eef3fa"
FOLD_LINE = "#555555"
#: The text panel of a slide and the lecture page.
PANEL_FILL = "#f4f4f6"
#: A number's sign where a picture shows it by colour (a training page's bars): always beside a
#: glyph that says it too (the bar's side of its axis, an up or down arrow, the minus sign).
POSITIVE = "#0072b2"
NEGATIVE = "#d55e00"
#: The classes of a data set on a plot, in label order (Okabe and Ito's colours), each drawn with
#: its own marker as well (circle, triangle, square, ...): the first three stay apart for readers
#: with red-green colour blindness.
CLASSES = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
#: The paths from an input to the output (the sum over paths): their edges and their names.
PATH = "#6a1b9a"


def luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb`` (WCAG 2: linear RGB weighted 0.2126, 0.7152, 0.0722)."""
    value = colour.lstrip("#")
    channels = [int(value[k:k + 2], 16) / 255 for k in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(text: str, background: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, from 1 to 21.

    >>> contrast("#000000", "#ffffff")
    21.0
    """
    lighter, darker = sorted((luminance(text), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
