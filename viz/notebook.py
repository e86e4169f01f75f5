"""What a step-by-step backprop shows in a notebook: its part-way diagram as inline SVG.

``Backprop._repr_html_`` (in :mod:`autograd_core.steps`) puts this diagram above the current
step's text and the table.  A graph too big to lay out quickly, or a machine without Graphviz's
``dot``, gets a sentence instead of a diagram, never an error in the middle of a notebook.

Example:
    >>> from autograd_core import Value
    >>> x = Value(3.0, name="x")
    >>> steps = (x * x).backprop()
    >>> svg_of(steps).startswith('<div class="chainrule-diagram"')
    True
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from .display import readable
from .draw import draw
from .render import INSTALL_HINT, GraphvizNotFoundError, render_source

__all__ = ["NOTEBOOK_MAX_NODES", "svg_of"]

#: The largest graph drawn inline in a notebook cell (a micrograd MLP of ~100 nodes fits; bigger
#: ones are slow to lay out and unreadable at a cell's width: draw a part with viz.draw).
NOTEBOOK_MAX_NODES = 300

_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.S)
_TITLE = re.compile(r"<title>.*?</title>\s*", re.S)


def svg_of(root_or_steps: Any, *, rankdir: str = "LR", max_nodes: int = NOTEBOOK_MAX_NODES) -> str:
    """The diagram of a node or of a backprop part-way, as inline SVG for an HTML page (or a
    short paragraph saying why there is none)."""
    try:
        graph = draw(root_or_steps, rankdir=rankdir, max_nodes=max_nodes)
        svg = render_source(graph.source, "svg").decode("utf-8")
    except GraphvizNotFoundError:
        return f"<p>{escape(INSTALL_HINT.format(fmt='SVG'))}</p>"
    except ValueError as error:  # too big to lay out here
        return f"<p>(no diagram: {escape(str(error))})</p>"
    return readable(_TITLE.sub("", _PROLOG.sub("", svg)).strip())
