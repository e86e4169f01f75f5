"""A worksheet for a class: the diagram with every gradient left blank, then the answer key.

``viz.worksheet(price, "sheet.pdf")`` writes a two-page PDF: page 1 is the graph with its forward
values and the output's seed, every other gradient a blank line for students to fill in (the
textbook's figure-14 exercise); page 2 is the same diagram with every gradient and what flows
back along every edge.  The graph's own gradients are left as they were: the sheet shows a fresh
backward pass.

Example:
    >>> import tempfile, pathlib
    >>> from autograd_core import Value
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> price.name = "price"
    >>> path = worksheet(price, pathlib.Path(tempfile.mkdtemp()) / "sheet.pdf")
    >>> path.read_bytes()[:5], price.grad
    (b'%PDF-', 0.0)
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

from autograd_core import Node
from autograd_core.extras import require
from autograd_core.graph import gradients_set_aside

from .draw import draw
from .labels import BACKWARD
from .render import render_source

__all__ = ["BLANK", "blank_gradients", "worksheet"]

#: What a gradient to fill in looks like on the exercise page.
BLANK = "________"

# A backward (red) text of the diagram: a node's "grad 2.2" or an edge's "← 2.2".
_BACKWARD_TEXT = re.compile(rf'(<font color="{BACKWARD}"[^>]*>)(grad |← |→ |↑ |↓ )?([^<]*)(</font>)')


def blank_gradients(source: str, keep: str | None = None) -> str:
    """DOT source with every gradient (and every value flowing back) replaced by a blank line;
    the node whose DOT id is ``keep`` (the output, with its seed) keeps its gradient."""
    lines = []
    for line in source.splitlines(keepends=True):
        if keep is not None and line.lstrip().startswith(f"{keep} ["):
            lines.append(line)
            continue
        lines.append(_BACKWARD_TEXT.sub(lambda m: f"{m[1]}{m[2] or ''}{BLANK}{m[4]}", line))
    return "".join(lines)


def worksheet(
    root: Node,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    rankdir: str = "LR",
    grad: Any = None,
) -> Path:
    """Write the two-page PDF worksheet of ``root``'s graph to ``path``; returns the path.

    ``grad`` is the output's upstream gradient (default 1, as for ``backward``); ``title``
    heads both pages (default: the output's name).
    """
    if not isinstance(root, Node):
        raise TypeError(f"worksheet: expected a graph node (Value or Tensor), got {type(root).__name__}")
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ValueError(f"worksheet: the sheet is a PDF; give a path ending in .pdf, got {str(path)!r}")
    name = title or root.name or "the output"
    with gradients_set_aside(root) as nodes:
        root.backward(grad)
        seed = "1" if grad is None else f"{grad:g}" if isinstance(grad, (int, float)) else "the seed"
        exercise = draw(root, rankdir=rankdir, show_local=False,
                        title=f"Backprop through {name}: fill in every gradient (the output's is {seed})")
        key = draw(root, rankdir=rankdir, title=f"Backprop through {name}: answer key")
    output_id = f"v{len(nodes) - 1}"  # draw names nodes by their place in the topological order
    pages = [render_source(blank_gradients(exercise.source, keep=output_id), "pdf"), render_source(key.source, "pdf")]
    _write_pdf(pages, path)
    return path


def _write_pdf(pages: list[bytes], path: Path) -> None:
    """One PDF from several, written atomically (no half-written sheet is left behind)."""
    pypdf = require("pypdf", "slides", "viz.worksheet")

    writer = pypdf.PdfWriter()
    for data in pages:
        for page in pypdf.PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with open(temporary, "wb") as handle:
            writer.write(handle)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise OSError(f"worksheet: cannot write {str(path)!r}: {error.strerror or error}") from None
