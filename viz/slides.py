"""Backprop as slides: the forward pass, then one frame per backprop step, as a multi-page PDF
(Beamer's ``\\includegraphics[page=k]{backprop.pdf}``, PowerPoint) or an animated GIF.

Every frame is the diagram :func:`viz.draw` makes part-way through a backprop (done, current
and pending nodes), laid out by ``dot`` one frame at a time.  PDF pages are joined with pypdf
and GIF frames with Pillow; the bytes are the same for the same graph.

Example:
    >>> import tempfile, pathlib
    >>> from autograd_core import Value
    >>> from viz.slides import slides
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> path = slides(price, pathlib.Path(tempfile.mkdtemp()) / "apple.pdf")
    >>> from pypdf import PdfReader
    >>> len(PdfReader(path).pages)   # the forward pass, then 2 steps
    3
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from autograd_core import Node
from autograd_core.extras import require
from autograd_core.graph import gradients_set_aside

from .draw import draw, is_steps
from .render import DEFAULT_TIMEOUT, render_source

__all__ = ["MAX_FRAMES", "slides"]

#: The most frames a deck may have (one per backprop step, plus the forward pass).
MAX_FRAMES = 400

_SUFFIXES = (".pdf", ".gif")

#: The page size of a deck unless ``size=`` says otherwise: a 16:9 slide, in inches (Beamer's and
#: PowerPoint's wide format); a diagram is only ever scaled down to fit it.
SLIDE_INCHES = (13.33, 7.5)


def slides(
    root_or_steps: Any, path: str | os.PathLike[str], *, title: str | None = None, frame_seconds: float = 1.5,
    timeout: float | None = DEFAULT_TIMEOUT, dpi: float = 100, **options: Any,
) -> Path:
    """Write the forward pass and every backprop step of ``root_or_steps`` to ``path``: a PDF
    with one page per frame, or an animated GIF when the path ends in ``.gif``.

    Pages are a 16:9 slide (:data:`SLIDE_INCHES`; pass ``size=(w, h)`` in inches for another).
    ``root_or_steps`` is an output node (its backprop is stepped from the start) or a
    step-by-step backprop (``root.backprop()``; it is left at the step it was at, and every
    ``grad`` as it was).  ``options`` are :func:`viz.draw`'s (``collapse``, ``rankdir``, ...);
    ``title`` heads every frame, followed by the step number; ``frame_seconds`` is each GIF
    frame's duration and ``dpi`` its resolution; ``timeout`` is per frame.
    """
    path = Path(path)
    options.setdefault("size", SLIDE_INCHES)  # a 16:9 slide; a big graph is scaled down to it
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ValueError(f"slides: {str(path)!r} must end in .pdf (pages) or .gif (an animation)")
    if isinstance(frame_seconds, bool) or not isinstance(frame_seconds, int | float) or not 0 < frame_seconds <= 60:
        raise ValueError(f"slides: frame_seconds must be a number of seconds in (0, 60], got {frame_seconds!r}")
    steps = root_or_steps if is_steps(root_or_steps) else None
    root = steps.root if steps is not None else root_or_steps
    if not isinstance(root, Node):
        raise TypeError(f"slides: expected a graph node or a step-by-step backprop, got {type(root).__name__}")
    fmt = "pdf" if suffix == ".pdf" else "png"
    if steps is not None:
        frames = _frames(root, steps, fmt, title, timeout, dpi, options)
    else:
        # A fresh pass from the start, never added onto gradients the graph already holds.
        with gradients_set_aside(root):
            frames = _frames(root, root.backprop(), fmt, title, timeout, dpi, options)
    data = _join_pdf(frames) if fmt == "pdf" else _join_gif(frames, frame_seconds)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _heading(title: str | None, text: str) -> str:
    return f"{title} — {text}" if title else text


def _frames(
    root: Node, steps: Any, fmt: str, title: str | None, timeout: float | None, dpi: float, options: dict
) -> list[bytes]:
    """Render every frame; the backprop is rewound first and put back where it was after."""
    if len(steps) + 1 > MAX_FRAMES:
        raise ValueError(
            f"slides: {len(steps)} backprop steps would make {len(steps) + 1} frames, more than {MAX_FRAMES}; "
            "draw a smaller graph (one sample, one neuron)"
        )
    position = steps.position
    steps.rewind()
    frames = []
    try:
        forward = draw(root, show_grad=False, title=_heading(title, "forward pass"), **options)
        frames.append(render_source(forward.source, fmt, timeout=timeout, dpi=dpi if fmt == "png" else None))
        total = len(steps)
        for k in range(1, total + 1):
            steps.step()
            graph = draw(steps, title=_heading(title, f"backprop step {k} of {total}"), **options)
            frames.append(render_source(graph.source, fmt, timeout=timeout, dpi=dpi if fmt == "png" else None))
    finally:
        steps.rewind()
        for _ in range(position):
            steps.step()
    return frames


def _join_pdf(pages: list[bytes]) -> bytes:
    """One PDF of every page, in order (pypdf: a maintained, pure-Python PDF library)."""
    pypdf = require("pypdf", "slides", "viz.slides")

    writer = pypdf.PdfWriter()
    for page in pages:
        writer.append(pypdf.PdfReader(io.BytesIO(page)))
    writer.add_metadata({"/Producer": "chainrule", "/Creator": "chainrule"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _join_gif(frames: list[bytes], seconds: float) -> bytes:
    """An animated GIF of the PNG frames, each centred on a white canvas of the largest size."""
    Image = require("PIL.Image", "slides", "viz.slides (GIF)")

    images = [Image.open(io.BytesIO(frame)).convert("RGB") for frame in frames]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    canvases = []
    for image in images:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
        canvases.append(canvas.convert("P", palette=Image.Palette.ADAPTIVE))
    out = io.BytesIO()
    canvases[0].save(
        out, format="GIF", save_all=True, append_images=canvases[1:], duration=int(seconds * 1000), loop=0
    )
    return out.getvalue()
