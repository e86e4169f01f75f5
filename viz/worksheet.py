"""A worksheet for a class: the diagram with gradients left blank, then the answer key, on paper.

``viz.worksheet(price, "sheet.pdf")`` writes the exercise (forward values and the output's seed
given, every other gradient a blank line to fill in, the textbook's figure-14 exercise) and then
the answer key (every gradient and what flows back along every edge), on pages of one paper size
(``paper="a4"`` or ``"letter"``), nothing printed smaller than 8 points: a drawing too big for one
page at that size is cut into parts, the same parts for the exercise and the key.

- ``collapse`` folds name scopes into boxes of values as :func:`viz.draw` does;
- ``focus="layer2/neuron1"`` leaves blanks only in that scope (open, whatever ``collapse``
  says) and gives every other gradient as a known value;
- from a part-way backprop (``root.backprop()`` after a few steps), the gradients known so far
  are given and the rest are blank.

The graph's own gradients are left as they were: the sheet shows a fresh pass, computed only once
the graph is known to fit (``max_nodes``).

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
import math
import os
from pathlib import Path
from typing import Any

from autograd_core import Node
from autograd_core.extras import require
from autograd_core.words import clean_text, format_number

from .budget import DRAW_MAX_NODES, WALK_LIMIT, GraphTooLargeError, bounded_order
from .collapse import check_collapse, group_nodes
from .dot import DEFAULT_TIMEOUT, render_pages
from .output import write_atomically
from .palette import PANEL_FILL
from .scopes import normal, scope_of
from .walk.dot import LARGE_GRAPH, Options, body
from .walk.frames import Frame, now
from .walk.layout import Layout, lay_out
from .walk.model import is_steps, replayed
from .walk.page import Page, panel
from .walk.picture import BLANK, FANOUT, Picture, Scene
from .walk.pieces import BACK_ARROW

__all__ = ["BLANK", "PAPER", "worksheet"]

#: Paper sizes in points (portrait): A4 (210 x 297 mm) and US letter (8.5 x 11 in).
PAPER = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}

#: Nothing on a sheet prints smaller than this many points.
SMALLEST_PRINT = 8.0
#: The smallest text of a drawing (a much used node's count, a constant), in the layout's points.
_SMALLEST_TEXT = 9.0
#: A small drawing is printed up to this much larger than laid out.
_LARGEST_ZOOM = 1.6
_MARGIN = 36.0
_HEADER = 40.0


def worksheet(
    root_or_steps: Any,
    path: str | os.PathLike[str],
    *,
    paper: str = "a4",
    collapse: Any = None,
    focus: str | None = None,
    title: str | None = None,
    rankdir: str | None = None,
    grad: Any = None,
    max_nodes: int | None = DRAW_MAX_NODES,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Path:
    """Write the worksheet of ``root_or_steps`` (an output node, or a part-way ``root.backprop()``)
    to ``path``, a PDF: the exercise pages, then the answer key's; returns the path.

    ``grad`` is the output's upstream gradient (default 1, as for ``backward``); ``title`` heads
    every page (default: the output's name); see the module's docstring for ``paper``,
    ``collapse`` and ``focus``.  ``rankdir`` ("LR": inputs on the left, "TB": on top) is chosen,
    with the paper's orientation, to need the fewest pages at the largest print, unless given.
    """
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ValueError(f"worksheet: the sheet is a PDF; give a path ending in .pdf, got {str(path)!r}")
    if not isinstance(paper, str) or paper.lower() not in PAPER:
        raise ValueError(f"worksheet: paper must be one of {', '.join(PAPER)}, got {paper!r}")
    if rankdir is not None and rankdir not in BACK_ARROW:
        raise ValueError(f"worksheet: rankdir must be one of {', '.join(BACK_ARROW)}, got {rankdir!r}")
    if grad is not None and (isinstance(grad, bool) or not isinstance(grad, int | float) or not math.isfinite(grad)):
        raise ValueError(f"worksheet: grad must be a finite number (the output's upstream gradient), got {grad!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"worksheet: max_nodes must be a positive integer or None, got {max_nodes!r}")
    try:
        collapse = check_collapse(collapse)
    except ValueError as error:
        raise ValueError(str(error).replace("draw:", "worksheet:", 1)) from None
    steps = root_or_steps if is_steps(root_or_steps) else None
    root = steps.root if steps is not None else root_or_steps
    if not isinstance(root, Node):
        raise TypeError(f"worksheet: expected a graph node (Value or Tensor) or root.backprop(), "
                        f"got {type(root_or_steps).__name__}")
    what = clean_text(root.name or root.label)
    # the size first: nothing is walked to the end, nothing is backpropagated, before it fits
    limit = None if max_nodes is None else max(WALK_LIMIT, max_nodes)
    order = bounded_order(root, limit)
    if order is None:
        raise GraphTooLargeError(f"worksheet: the graph of {what!r} has more than {limit:,} nodes (counting stopped "
                                 "there); make a sheet of a smaller part (one neuron, one sample)")
    focus = _checked_focus(focus, order)
    groups = group_nodes(order, collapse if collapse is not None else False, focus or None).groups
    boxes = len(order) - sum(len(m) for m in groups.values()) + len(groups)
    if max_nodes is not None and boxes > max_nodes:
        raise GraphTooLargeError(
            f"worksheet: the graph of {what!r} has {len(order)} nodes ({boxes} boxes with collapse={collapse!r}), "
            f"more than max_nodes={max_nodes}; fold more scopes (collapse=True), make a sheet of a smaller part, "
            "or raise max_nodes"
        )
    picture, frames = _sheet(root_or_steps, grad, order, groups, focus, rankdir or "LR")
    name = title or root.name or "the output"
    seed = format_number(1 if grad is None else grad)
    # laid out across or down the page, on paper upright or on its side: the fewest pages, then
    # the largest print
    best = None
    portrait = PAPER[paper.lower()]
    smallest = _SMALLEST_TEXT if picture.copies or max(picture.uses.values(), default=0) > FANOUT else 10.0
    for direction in ([rankdir] if rankdir else ["LR", "TB"]):
        layout = _layout(picture, frames, direction, timeout)
        x0, y0, x1, y1 = layout.bb
        for width, height in (portrait, portrait[::-1]):
            zoom, columns, rows = _fit(layout, width, height, smallest)
            score = (columns * rows, -zoom, (width > height) != (x1 - x0 > y1 - y0))
            if best is None or score < best[0]:
                best = (score, layout, width, height)
    _, layout, width, height = best
    headings = [f"Backprop through {name}: " + (
        f"fill in every gradient in {focus} (the others are given)" if focus else
        "fill in the gradients left blank" if steps is not None and steps.position else
        f"fill in every gradient (the output's is {seed})"), f"Backprop through {name}: answer key"]
    sources = []
    for heading, frame in zip(headings, frames):
        sources.extend(_pages(picture, frame, layout, width, height, heading, smallest))
    pages = render_pages(sources, "pdf", timeout=timeout)
    write_atomically(path, _joined(pages, (width, height)), "worksheet")
    return path


def _checked_focus(focus: Any, order: list[Node]) -> str:
    if focus is None:
        return ""
    if not isinstance(focus, str) or not normal(focus):
        raise ValueError(f"worksheet: focus must be a name scope such as 'layer2/neuron1', got {focus!r}")
    focus = normal(focus)
    scopes = {scope_of(node) for node in order}
    if not any(scope == focus or scope.startswith(focus + "/") for scope in scopes):
        known = sorted(s for s in scopes if s)[:6]
        raise ValueError(f"worksheet: no node of the graph is in the scope {focus!r}"
                         + (f" (scopes: {', '.join(known)}, ...)" if known else " (the graph has no name scopes)"))
    return focus


def _sheet(root_or_steps: Any, grad: Any, order: list[Node], groups: dict[str, list[int]], focus: str,
           rankdir: str) -> tuple[Picture, list[Frame]]:
    """The picture (folded as asked, the focus open) and its two frames: the exercise (what the
    learner is asked for) and the key."""
    position = root_or_steps.position if is_steps(root_or_steps) else 0
    with replayed(root_or_steps, grad, "worksheet") as steps:
        for _ in range(position):
            steps.step()
        at = now(steps, order, rankdir=rankdir)
        steps.run()
        picture = Picture.of(order, groups=groups, rankdir=rankdir, captions=steps.captions, grads=steps.gradient)
    picture.narrow_boxes = True  # boxes of values two to a line: the sheet fits fewer pages
    # asked: every gradient not known at this point of the pass (in the focus, when there is one)
    known = ("seeded", "done", "current", "const", "no grad")
    inside = [not focus or scope_of(node) == focus or scope_of(node).startswith(focus + "/") for node in order]
    asked = tuple(i for i in range(len(order)) if inside[i] and at.states[i] not in known)
    finished = tuple(state if state in ("const", "no grad") else "done" for state in at.states)
    return picture, [Frame("sheet", finished, asked=asked), Frame("sheet", finished)]


def _room_scene(picture: Picture, frames: list[Frame]) -> Scene:
    """Every part with the longest text it shows on either page."""
    scenes = [picture.scene(frame) for frame in frames]
    room = Scene(["done"] * len(picture.nodes))
    for scene in scenes:
        for i, (lines, kind) in scene.grads.items():
            held = room.grads.get(i)
            if held is None or max(map(len, lines)) > max(map(len, held[0])) or len(lines) > len(held[0]):
                room.grads[i] = (lines, kind)
        for e, (lines, bold) in scene.flows.items():
            held = room.flows.get(e)
            if held is None or max(map(len, lines)) > max(map(len, held[0])):
                room.flows[e] = (lines, bold)
    room.box_looks = ["done"] * len(picture.boxes)
    room.box_grads = [True] * len(picture.boxes)
    return room


def _layout(picture: Picture, frames: list[Frame], rankdir: str, timeout: float | None) -> Layout:
    attribute = "label" if picture.drawn_count <= LARGE_GRAPH else "xlabel"
    return lay_out(picture, _room_scene(picture, frames), rankdir=rankdir, label_attribute=attribute, timeout=timeout)


def _fit(layout: Layout, width: float, height: float, smallest: float) -> tuple[float, int, int]:
    """The zoom of a drawing on this paper, and how many pages across and down it takes: as large
    as fits one page (up to :data:`_LARGEST_ZOOM`), never so small that its ``smallest`` text
    prints under :data:`SMALLEST_PRINT` points."""
    x0, y0, x1, y1 = layout.bb
    # a little inside the margins: no border of a box under them
    area_w, area_h = width - 2 * _MARGIN - 12, height - 2 * _MARGIN - _HEADER - 12
    least = (SMALLEST_PRINT + 0.01) / smallest
    zoom = min(area_w / max(x1 - x0, 1), area_h / max(y1 - y0, 1), _LARGEST_ZOOM)
    if zoom >= least:
        return zoom, 1, 1
    return least, math.ceil((x1 - x0) * least / area_w), math.ceil((y1 - y0) * least / area_h)


def _pages(picture: Picture, frame: Frame, layout: Layout, width: float, height: float, heading: str,
           smallest: float) -> list[str]:
    """One side of the sheet: the drawing at a size that prints nothing under 8 points, cut into
    as many pages as that takes, each headed by ``heading`` (and which part it is)."""
    x0, y0, x1, y1 = layout.bb
    area_h = height - 2 * _MARGIN - _HEADER
    zoom, columns, rows = _fit(layout, width, height, smallest)
    tile_w, tile_h = (x1 - x0) / columns, (y1 - y0) / rows
    # the exercise asks for gradients: its edges say no local derivative either (the key does)
    scene = picture.scene(frame, show_local=not frame.asked)
    attribute = "label" if picture.drawn_count <= LARGE_GRAPH else "xlabel"
    options = Options(label_attribute=attribute, ranks=False)
    sources = []
    for row in range(rows):
        for column in range(columns):
            # the parts go left to right, top to bottom (y points up in the layout)
            cx = x0 + (column + 0.5) * tile_w
            cy = y1 - (row + 0.5) * tile_h
            page = Page(width, height, zoom, (cx, cy), (width / 2, _MARGIN + area_h / 2))
            window = (*page.to_layout(_MARGIN, _MARGIN), *page.to_layout(width - _MARGIN, height - _MARGIN - _HEADER))

            def keep(kind: str, name: str, window: tuple[float, float, float, float] = window) -> bool:
                box = layout.box(name) if kind == "node" else layout.edge_box(name)
                return box is None or not (box[2] < window[0] or box[0] > window[2] or box[3] < window[1]
                                           or box[1] > window[3])

            lines = body(picture, scene, options, pinned=layout, keep=keep if columns * rows > 1 else None)
            part = f"  (part {row * columns + column + 1} of {rows * columns})" if rows * columns > 1 else ""
            lines.append(panel(page, "header", (0, height - _MARGIN - _HEADER, width, height), "white"))
            for name, box in (("marginl", (0, 0, _MARGIN, height)), ("marginr", (width - _MARGIN, 0, width, height)),
                              ("marginb", (0, 0, width, _MARGIN))):
                lines.append(panel(page, name, box, "white"))
            lines.append(page.node("heading", width / 2, height - _MARGIN - _HEADER / 2, width - 2 * _MARGIN, _HEADER,
                                   page.text([heading + part], 13, bold_first=True, align="center"),
                                   attributes="shape=plaintext"))
            lines.append(page.node("rule", width / 2, height - _MARGIN - _HEADER + 4, width - 2 * _MARGIN, 1.5, " ",
                                   attributes=f'shape=box style=filled fillcolor="{PANEL_FILL}" color="{PANEL_FILL}"'))
            sources.append(page.source(lines, drawing=layout.bb, name=f"sheet{len(sources)}"))
    return sources


def _joined(pages: list[bytes], paper: tuple[float, float]) -> bytes:
    """One PDF of every page, in order (pypdf: a maintained, pure-Python PDF library), each page
    exactly the paper's size (Graphviz writes whole points: 842 for A4's 841.89)."""
    pypdf = require("pypdf", "slides", "viz.worksheet")

    writer = pypdf.PdfWriter()
    for data in pages:
        writer.append(pypdf.PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        page.mediabox = pypdf.generic.RectangleObject([0, 0, paper[0], paper[1]])
    writer.add_metadata({"/Producer": "chainrule", "/Creator": "chainrule"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
