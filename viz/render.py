"""Write a diagram to a file: SVG, PNG, PDF or DOT, chosen from the file's suffix.

DOT needs nothing but Python; the other formats run Graphviz's ``dot`` program (:mod:`viz.dot`).
When ``dot`` is not installed, :func:`render` says how to install it instead of failing deep
inside a subprocess.  The file is written as every view writes its file (:mod:`viz.output`).

Example:
    >>> import tempfile, pathlib
    >>> from autograd_core import Value
    >>> from viz import render
    >>> x = Value(2.0, name="x"); y = x * x; y.backward()
    >>> path = render(y, pathlib.Path(tempfile.mkdtemp()) / "square.dot")
    >>> path.read_text().startswith("digraph chainrule")
    True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .budget import DRAW_MAX_NODES
from .dot import (
    DEFAULT_TIMEOUT,
    FORMATS,
    INSTALL_HINT,
    MAX_PX,
    PNG_DPI,
    GraphvizNotFoundError,
    RenderError,
    check_positive,
    fixed_pdf_dates,
    output_format,
    render_source,
)
from .draw import draw
from .output import write_atomically

__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "INSTALL_HINT",
    "MAX_PX",
    "RENDER_MAX_NODES",
    "GraphvizNotFoundError",
    "PNG_DPI",
    "RenderError",
    "fixed_pdf_dates",
    "output_format",
    "render",
    "render_source",
]

#: Largest graph render() lays out unless told otherwise (boxes after folding scopes): see
#: :mod:`viz.budget`.
RENDER_MAX_NODES = DRAW_MAX_NODES


def render(
    root_or_steps: Any, path: str | os.PathLike[str], *inputs: Any, max_nodes: int | None = RENDER_MAX_NODES,
    timeout: float | None = DEFAULT_TIMEOUT, dpi: float | None = None, max_px: int | None = None, **options: Any,
) -> Path:
    """Draw ``root_or_steps`` (see :func:`viz.draw`, same options) and write it to ``path``;
    the suffix picks the format: ``.svg``, ``.png``, ``.pdf`` or ``.dot``.  Returns the path.
    A layered network takes its batch and labels after the path: ``render(network, "net.png", x, t)``.

    Graphs with more than ``max_nodes`` boxes are folded by scope or refused (see
    :func:`viz.draw`).  ``dot`` gets ``timeout`` seconds.  PNG only: ``dpi`` (default 150) and
    ``max_px``, the longest side in pixels (default 4096; a larger drawing is scaled down; for a
    slide pass ``size=(13.3, 7.5)``, in inches, as for ``draw``).  Same graph, same bytes, in
    every format.
    """
    path = Path(path)
    fmt = output_format(path)
    if (dpi is not None or max_px is not None) and fmt != "png":
        raise ValueError(f"render: dpi and max_px apply to PNG only ({fmt.upper()} is drawn at any size)")
    if dpi is not None:
        dpi = check_positive("dpi", dpi, 2400)
    if max_px is not None:
        max_px = int(check_positive("max_px", max_px, 100_000))
    graph = draw(root_or_steps, *inputs, max_nodes=max_nodes, **options)
    data = render_source(graph.source, fmt, timeout=timeout, dpi=dpi, max_px=max_px)
    write_atomically(path, data, "render")
    return path
