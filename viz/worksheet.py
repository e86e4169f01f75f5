"""A worksheet for a class: the diagram with gradients left blank, then the answer key, on paper.

``viz.worksheet(price, "sheet.pdf")`` writes the exercise (forward values and the output's seed
given, every other gradient a blank line to fill in, the textbook's figure-14 exercise) and then
the answer key (every gradient and what flows back along every edge), on pages of one paper size
(``paper="a4"`` or ``"letter"``), nothing printed smaller than 8 points, upright or on its side
(the same for every page), across or down, whichever takes the fewest pages.  A drawing too big
for one page at that size is cut between columns or rows of boxes, never through one, each part
repeating a strip of its neighbour and marking the edges that cross the cut "continued on page
N"; the exercise and the key take the same pages (:mod:`viz.paper`).

- ``collapse`` folds name scopes into boxes of values as :func:`viz.draw` does; without it, a
  graph that would take more than ``max_pages`` pages (2 by default) for the exercise is folded,
  as little as fits (each neuron a box, then each layer), with a ``CollapsedWarning`` and a note
  on the sheet saying how to unfold it (``collapse=False, max_pages=None``, or ``focus=``), all
  decided before any page is drawn;
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
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd_core import Node
from autograd_core.extras import require
from autograd_core.words import clean_text, format_number

from .budget import DRAW_MAX_NODES, WALK_LIMIT, GraphTooLargeError, bounded_order
from .collapse import check_collapse, group_nodes
from .dot import DEFAULT_TIMEOUT, render_pages
from .draw import CollapsedWarning
from .output import write_atomically
from .paper import SMALLEST_PRINT, Sheet, plan
from .scopes import normal, scope_of
from .sheet_pages import HEADER, MARGIN, NOTE, sheet_pages
from .walk.dot import LARGE_GRAPH
from .walk.frames import Frame, natural, now
from .walk.layout import Layout, lay_out
from .walk.model import is_steps, replayed
from .walk.picture import BLANK, FANOUT, Picture, Scene
from .walk.pieces import BACK_ARROW

__all__ = ["BLANK", "MAX_PAGES", "PAPER", "SMALLEST_PRINT", "worksheet"]

#: Paper sizes in points (portrait): A4 (210 x 297 mm) and US letter (8.5 x 11 in).
PAPER = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}

#: The most pages the exercise may take (the key takes as many) before the sheet is folded.
MAX_PAGES = 2

#: The smallest text of a drawing (a much used node's count, a constant), in the layout's points.
_SMALLEST_TEXT = 9.0
#: A paper page's spacing when the screen's takes more pages: tighter, so more of a network fits a sheet.
_SPACING = {"nodesep": "0.2", "ranksep": "0.3"}
#: Points of paper each box handed to Graphviz takes at the least (with its share of the space
#: between boxes): a folding whose boxes cannot fit ``max_pages`` at 8 points is not laid out.
_LEAST_BOX_AREA = 1200.0


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
    max_pages: int | None = MAX_PAGES,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Path:
    """Write the worksheet of ``root_or_steps`` (an output node, or a part-way ``root.backprop()``)
    to ``path``, a PDF: the exercise pages, then the answer key's; returns the path.

    ``grad`` is the output's upstream gradient (default 1, as for ``backward``); ``title`` heads
    every page (default: the output's name); see the module's docstring for ``paper``,
    ``collapse``, ``focus`` and ``max_pages`` (None: no limit).  ``rankdir`` ("LR": inputs on
    the left, "TB": on top) is chosen, with the paper's orientation, to need the fewest pages at
    the largest print, unless given.
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
    for name, value in (("max_nodes", max_nodes), ("max_pages", max_pages)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError(f"worksheet: {name} must be a positive integer or None, got {value!r}")
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
    request = _Request(root_or_steps, grad, order, focus, rankdir, PAPER[paper.lower()], max_nodes, max_pages,
                       timeout, what)
    chosen = _choose(request, collapse)
    name = title or root.name or "the output"
    seed = format_number(1 if grad is None else grad)
    headings = [f"Backprop through {name}: " + (
        f"fill in every gradient in {focus} (the others are given)" if focus else
        "fill in the gradients left blank" if steps is not None and steps.position else
        f"fill in every gradient (the output's is {seed})"), f"Backprop through {name}: answer key"]
    if chosen.warning:
        warnings.warn(f"worksheet: {chosen.warning}", CollapsedWarning, stacklevel=2)
    sources = []
    for heading, frame in zip(headings, chosen.frames):
        sources.extend(sheet_pages(chosen.picture, frame, chosen.layout, chosen.sheet, heading, note=chosen.note,
                                   first=len(sources) + 1))
    pages = render_pages(sources, "pdf", timeout=timeout)
    write_atomically(path, _joined(pages, chosen.sheet.paper), "worksheet")
    return path


@dataclass(frozen=True)
class _Request:
    """What a sheet is asked for, once checked."""

    root_or_steps: Any
    grad: Any
    order: list[Node]
    focus: str
    rankdir: str | None
    paper: tuple[float, float]
    max_nodes: int | None
    max_pages: int | None
    timeout: float | None
    what: str


@dataclass(frozen=True)
class _Chosen:
    """The folding, the picture and its two frames, the layout and its pages, and what the sheet
    and a warning say was folded (None: as asked)."""

    collapse: Any
    picture: Picture
    frames: list[Frame]
    layout: Layout
    sheet: Sheet
    note: str | None
    warning: str | None


def _levels(order: list[Node], focus: str) -> list[Any]:
    """Foldings from the least to the most: none, then below each depth from the deepest (each
    neuron a box), to every top-level scope (each layer a box); with a ``focus``, the last folds
    every scope around it as far out as it can (the other neurons of its layer, the other
    layers), the focus open.

    >>> from autograd_core import Value, name_scope
    >>> with name_scope("layer1"):
    ...     with name_scope("neuron0"):
    ...         a = Value(1.0) * 2
    ...     with name_scope("neuron1"):
    ...         b = Value(3.0) * 2
    >>> with name_scope("layer2"):
    ...     c = a + b
    >>> from autograd_core import topological_order
    >>> _levels(topological_order(c), ""), _levels(topological_order(c), "layer1/neuron1")
    ([False, 1, True], [False, 1, ('layer1/neuron0', 'layer2')])
    """
    scopes = sorted({scope_of(node) for node in order if scope_of(node)})
    deepest = max((scope.count("/") + 1 for scope in scopes), default=0)
    levels: list[Any] = [False] + list(range(deepest - 1, 0, -1))
    if not deepest:
        return levels
    if not focus:
        return levels + [True]
    around: list[str] = []
    for scope in scopes:
        parts = scope.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if (focus + "/").startswith(prefix + "/"):
                continue  # holds the focus: stays open, its other members may fold
            if not (prefix + "/").startswith(focus + "/") and prefix not in around:
                around.append(prefix)
            break
    return levels + [tuple(around)]


def _choose(request: _Request, collapse: Any) -> _Chosen:
    """The least folding whose exercise fits ``max_pages``, or the most folding there is when
    none does (only the one asked for when ``collapse`` is given), laid out across or down on
    paper upright or on its side: the fewest pages, then the largest print.  Nothing is drawn
    here."""
    order, focus = request.order, request.focus
    levels = [collapse] if collapse is not None else _levels(order, focus)
    for k, level in enumerate(levels):
        groups = group_nodes(order, level, focus or None).groups
        boxes = len(order) - sum(len(m) for m in groups.values()) + len(groups)
        last = k == len(levels) - 1
        if request.max_nodes is not None and boxes > request.max_nodes:
            if last:
                raise GraphTooLargeError(
                    f"worksheet: the graph of {request.what!r} has {len(order)} nodes ({boxes} boxes with "
                    f"collapse={level!r}), more than max_nodes={request.max_nodes}; fold more scopes "
                    "(collapse=True), make a sheet of a smaller part, or raise max_nodes")
            continue
        auto = collapse is None and request.max_pages is not None
        folded = (f"the scopes around {focus} folded" if isinstance(level, tuple) else
                  f"name scopes folded (collapse={level!r})") if auto and level is not False else None
        picture, frames = _sheet(request.root_or_steps, request.grad, order, groups, focus, request.rankdir or "LR")
        smallest = _SMALLEST_TEXT if picture.copies or max(picture.uses.values(), default=0) > FANOUT else 10.0
        header = HEADER + (NOTE if folded else 0.0)
        if auto and not last and _cannot_fit(picture, request, smallest, header):
            continue
        best = None
        for spacing in (None, _SPACING):  # tighter only where that saves pages
            if best is not None and best[0][0] == 1:
                break
            for direction in ([request.rankdir] if request.rankdir else ["LR", "TB"]):
                layout = _layout(picture, frames, direction, request.timeout, spacing)
                x0, y0, x1, y1 = layout.bb
                scopes = [box for number in picture.cluster_numbers().values()
                          if (box := layout.box(f"s{number}")) is not None]
                for size in (request.paper, request.paper[::-1]):
                    sheet = plan(layout, size, smallest=smallest, margin=MARGIN, header=header, scopes=scopes)
                    if sheet.pages > 1 and header < HEADER + NOTE:  # with the line saying which part
                        sheet = plan(layout, size, smallest=smallest, margin=MARGIN, header=HEADER + NOTE,
                                     scopes=scopes)
                    score = (sheet.pages, -sheet.zoom, (size[0] > size[1]) != (x1 - x0 > y1 - y0))
                    if best is None or score < best[0]:
                        best = (score, layout, sheet, size, scopes)
        assert best is not None
        _, layout, sheet, size, scopes = best
        fits = not auto or sheet.pages <= request.max_pages
        if not fits and not last:
            continue
        note = warning = None
        if fits and folded:
            note = (f"Folded ({_short(level, focus)}) to print at 8 pt on at most max_pages={request.max_pages}. "
                    "Unfold: collapse=False, max_pages=None"
                    + ("." if focus else f"; one scope: focus={_example(order)!r}."))
            warning = (f"{len(order)} nodes take more than max_pages={request.max_pages} pages at 8 pt: {folded}; "
                       "collapse=False, max_pages=None unfolds every node"
                       + ("" if focus else f", focus={_example(order)!r} makes a sheet of one scope"))
        elif not fits:
            note = (f"{sheet.pages} pages at 8 pt, more than max_pages={request.max_pages}"
                    + (f", even folded {_short(level, focus)}." if folded else "."))
            warning = (f"{len(order)} nodes take {sheet.pages} pages at 8 pt, more than max_pages="
                       f"{request.max_pages}" + (f", even with {folded}" if folded else " (no name scopes to fold)")
                       + ("" if focus else f"; focus={_example(order)!r} makes a sheet of one scope"))
        if note and sheet.pages == 1 and not folded:  # room for the line under the heading
            sheet = plan(layout, size, smallest=smallest, margin=MARGIN, header=HEADER + NOTE, scopes=scopes)
        return _Chosen(level, picture, frames, layout, sheet, note, warning)
    raise AssertionError("the last folding is always taken")


def _short(level: Any, focus: str) -> str:
    """What a folding folds, in a few words."""
    return f"around {focus}" if isinstance(level, tuple) else f"collapse={level!r}"


def _example(order: list[Node]) -> str:
    """A scope of the graph to name in advice: the first of the deepest (layer1/neuron0)."""
    scopes = sorted({scope_of(node) for node in order if scope_of(node)}, key=natural)
    deepest = max((scope.count("/") for scope in scopes), default=0)
    return next((scope for scope in scopes if scope.count("/") == deepest), "a/scope")


def _cannot_fit(picture: Picture, request: _Request, smallest: float, header: float) -> bool:
    """Whether the picture's boxes could not fit ``max_pages`` pages at 8 points whatever the
    layout (a bound worked out before any layout, so a big graph is folded without laying it out)."""
    width, height = request.paper
    area = (width - 2 * MARGIN) * (height - 2 * MARGIN - header)
    zoom = SMALLEST_PRINT / smallest
    return picture.drawn_count * _LEAST_BOX_AREA * zoom * zoom > request.max_pages * area


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


def _layout(picture: Picture, frames: list[Frame], rankdir: str, timeout: float | None,
            spacing: dict[str, str] | None) -> Layout:
    attribute = "label" if picture.drawn_count <= LARGE_GRAPH else "xlabel"
    return lay_out(picture, _room_scene(picture, frames), rankdir=rankdir, label_attribute=attribute, timeout=timeout,
                   spacing=spacing)


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
