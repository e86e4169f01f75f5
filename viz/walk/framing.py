"""What a view that follows the walk must show at a step, and how it frames it: one rule for the
slides and the lecture page.

A step's :class:`Focus` is the node being processed (its box and its op) and every
:class:`Neighbour`: each input (its box, or the dashed copy it is read from, and the words on the
edge that brings it: the local derivative and what flows back) and each output (the node that reads
it, with the words on that edge), nearest first, inputs before outputs.  A neighbour that a view
cannot show (too far for the zoom, or folded away in this frame) is drawn as a **stub** at the
view's edge, on the side where it lies, with its meaning kept: its caption, its value and what
flows along its edge (``← prod2``, ``0.1843``, ``← -0.2477 × 1 = -0.2477``).

:func:`frame_view` is the framing rule: the node and its op, then as many neighbours as fit
(nearest first) at a zoom of at least ``least``, shown as large as they fit up to ``most``; when
some do not fit, the view is as wide as ``least`` allows and leans towards them; it stays on the
drawing where it can.  :func:`stub_places` says where each stub goes.  The slides apply them in
Python; the lecture page's script applies the same rule to the same focus, written into the page
(``Focus.to_dict``), at the size of the browser's window.

Boxes are ``(x0, y0, x1, y1)`` in the layout's points, ``y`` up.

>>> from autograd_core import Value
>>> from viz.walk.model import walk
>>> a, b = Value(2.0, name="a"), Value(3.0, name="b")
>>> w = walk(a * b)
>>> found = focus(w, w.frames[-1], w.layout())
>>> sorted((n.role, n.lines) for n in found.neighbours)
[('input', ('a', '2', '← 1 × 3 = 3')), ('input', ('b', '3', '← 1 × 2 = 2'))]
>>> zoom, cx, cy = frame_view(found, (960, 400), least=1.0, most=2.0, drawing=w.layout().bb)
>>> zoom
2.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .frames import Frame
from .layout import Layout, inside
from .page import union

__all__ = ["Focus", "Neighbour", "focus", "frame_view", "inside", "place_stub", "stub_places"]

Box = tuple[float, float, float, float]

#: Points kept between what must be seen and the view's edge.
MARGIN = 12.0


@dataclass(frozen=True)
class Neighbour:
    """An input or an output of the node a step processes.

    ``node`` its index; ``role`` ``"input"`` or ``"output"``; ``box`` what must be seen of it
    (its caption's box and the words on its edge); ``toward`` where it is (a stub points there);
    ``drawn`` False when it is folded away in this frame (only a stub can show it); ``lines`` its
    stub's lines: caption, value, then what flows along its edge; ``wire`` points along the edge
    that joins it to the node, from the node's end (a stub goes where the wire leaves the view).
    """

    node: int
    role: str
    box: Box
    toward: tuple[float, float]
    drawn: bool
    lines: tuple[str, ...]
    wire: tuple[tuple[float, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON), points rounded to 0.1 pt."""
        return {"node": self.node, "role": self.role, "box": [round(v, 1) for v in self.box],
                "toward": [round(v, 1) for v in self.toward], "drawn": self.drawn, "lines": list(self.lines),
                "wire": [[round(x, 1), round(y, 1)] for x, y in self.wire]}


@dataclass(frozen=True)
class Focus:
    """The node a step processes (``core``: its box and its op) and its neighbours, nearest first."""

    node: int
    core: Box
    neighbours: tuple[Neighbour, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON)."""
        return {"node": self.node, "core": [round(v, 1) for v in self.core],
                "neighbours": [n.to_dict() for n in self.neighbours]}


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def focus(walk: Any, frame: Frame, layout: Layout) -> Focus | None:
    """What a view following ``frame`` must show (None: the frame processes no node)."""
    i = frame.current
    if i is None or frame.kind == "forward":
        return None
    picture = walk.picture
    node_box = layout.box(f"v{i}")
    if node_box is None:
        return None
    core = union([node_box, layout.box(f"o{i}")])
    assert core is not None
    folded: set[int] = set()
    shut_scope: dict[int, str] = {}
    for fold in picture.overlays:
        if fold.index in frame.shut:
            for m in fold.members:
                folded.add(m)
                shut_scope.setdefault(m, fold.scope)
    found: list[Neighbour] = []
    by_source: dict[int, list[Any]] = {}
    for edge in picture.inputs.get(i, []):
        by_source.setdefault(edge.source, []).append(edge)
    for source, edges in by_source.items():
        node = picture.nodes[source]
        parts = []
        for edge in edges:
            copy = picture.copies.get((i, edge.index))
            parts.append(layout.box(copy) if copy else layout.box(f"v{source}"))
            parts.append(layout.label_box(f"e{edge.id}"))
        box = union(parts)
        if box is None:
            continue
        flows = [line for edge in edges for line in frame.flows.get(edge.id, ())]
        lines = (node.title, node.value[0] if node.value else "", *flows)
        wire = tuple(reversed(wire_points(layout, f"e{edges[0].id}")))
        found.append(Neighbour(source, "input", box, _centre(box), source not in folded, lines, wire))
    readers: dict[int, list[Any]] = {}
    for edge in picture.edges:
        if edge.source == i:
            readers.setdefault(edge.target, []).append(edge)
    outputs = []
    for target, edges in readers.items():
        node = picture.nodes[target]
        drawn = target not in folded
        op_box = layout.box(f"o{target}")
        parts = [layout.label_box(f"e{edge.id}") for edge in edges]
        box = union([layout.box(f"v{target}"), op_box, *parts]) if drawn else union([op_box])
        if box is None:
            continue
        title = node.title if drawn else f"{node.title} in {shut_scope[target]} (folded)"
        back = [line for edge in edges for line in edge.back[:1]]
        node_box = layout.box(f"v{target}") if drawn else op_box
        toward = _centre(node_box) if node_box is not None else _centre(box)
        outputs.append(Neighbour(target, "output", box, toward, drawn,
                                 (title, node.value[0] if node.value else "", *back),
                                 wire_points(layout, f"e{edges[0].id}")))
    cx, cy = _centre(core)

    def distance(n: Neighbour) -> float:
        x, y = _centre(n.box)
        return math.hypot(x - cx, y - cy)

    ordered = sorted(found, key=distance) + sorted(outputs, key=distance)
    return Focus(i, core, tuple(ordered))


def wire_points(layout: Layout, name: str, per_curve: int = 4) -> tuple[tuple[float, float], ...]:
    """Points along edge ``name``'s spline, from its tail to its head (each Bezier piece sampled
    ``per_curve`` times).

    >>> layout = Layout((0, 0, 10, 10), edges={"e1.0": {"pos": "e,9,0 0,0 3,0 6,0 8,0"}})
    >>> wire_points(layout, "e1.0", per_curve=2)
    ((0.0, 0.0), (4.375, 0.0), (8.0, 0.0), (9.0, 0.0))
    """
    edge = layout.edges.get(name)
    if edge is None:
        return ()
    points, end = [], None
    for part in edge["pos"].split():
        values = part.split(",")
        if values[0] == "e":
            end = (float(values[1]), float(values[2]))
        elif values[0] != "s":
            points.append((float(values[0]), float(values[1])))
    sampled = points[:1]
    for k in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[k:k + 4]
        for step in range(1, per_curve + 1):
            t = step / per_curve
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
            sampled.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                            a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    if end is not None:
        sampled.append(end)
    return tuple(sampled)


def _scale(box: Box, area: tuple[float, float], margin: float) -> float:
    return min((area[0] - 2 * margin) / max(box[2] - box[0], 1e-9), (area[1] - 2 * margin) / max(box[3] - box[1], 1e-9))


def _clamp(value: float, low: float, high: float) -> float:
    return (low + high) / 2 if low > high else min(max(value, low), high)


def frame_view(found: Focus, area: tuple[float, float], *, least: float, most: float, drawing: Box,
               margin: float = MARGIN, whole: float | None = None) -> tuple[float, float, float]:
    """The zoom and the centre (layout points) of a view of ``area`` (width, height in page
    points) following ``found``: the node and as many neighbours as fit at ``least`` or more
    (see the module's docstring).  ``whole``: a drawing that fits at ``least`` is shown whole,
    at up to this zoom (a small graph: every step shows all of it).

    >>> core = (0.0, 0.0, 100.0, 40.0)
    >>> near = Neighbour(1, "input", (-150.0, 0.0, -50.0, 40.0), (-100.0, 20.0), True, ("a", "1"))
    >>> far = Neighbour(2, "input", (-2000.0, 0.0, -1900.0, 40.0), (-1950.0, 20.0), True, ("b", "2"))
    >>> frame_view(Focus(0, core, (near, far)), (500, 300), least=1.0, most=2.0, drawing=(-2000, 0, 100, 40))
    (1.0, -138.0, 20.0)
    """
    if whole is not None and _scale(drawing, area, margin) >= least:
        return min(_scale(drawing, area, margin), whole), (drawing[0] + drawing[2]) / 2, (drawing[1] + drawing[3]) / 2
    chosen = found.core
    left_out = []
    for neighbour in found.neighbours:
        if not neighbour.drawn:
            left_out.append(neighbour)
            continue
        wider = union([chosen, neighbour.box])
        assert wider is not None
        if _scale(wider, area, margin) >= least:
            chosen = wider
        else:
            left_out.append(neighbour)
    scale = _scale(chosen, area, margin)
    if left_out:
        # as wide as reads, leaning towards what is left out (their stubs say the rest)
        zoom = least
        aim = _centre(union([chosen] + [n.box for n in left_out]) or chosen)
    else:
        zoom = max(least, min(scale, most))
        aim = _centre(chosen)
    w, h, m = area[0] / zoom, area[1] / zoom, margin / zoom
    x0, y0, x1, y1 = chosen
    cx = _clamp(aim[0], x1 + m - w / 2, x0 - m + w / 2)
    cy = _clamp(aim[1], y1 + m - h / 2, y0 - m + h / 2)
    dx0, dy0, dx1, dy1 = drawing
    cx = (dx0 + dx1) / 2 if dx1 - dx0 <= w else _clamp(cx, dx0 + w / 2, dx1 - w / 2)
    cy = (dy0 + dy1) / 2 if dy1 - dy0 <= h else _clamp(cy, dy0 + h / 2, dy1 - h / 2)
    # what was chosen stays in view even where the drawing's edge pulls the other way
    cx = _clamp(cx, x1 + m - w / 2, x0 - m + w / 2)
    cy = _clamp(cy, y1 + m - h / 2, y0 - m + h / 2)
    return zoom, cx, cy


def stub_places(found: Focus, window: Box) -> list[tuple[Neighbour, str, tuple[float, float]]]:
    """The neighbours a view of ``window`` (layout points) does not show whole, each with the side
    of the window its stub goes on (``left``, ``right``, ``top``, ``bottom``) and the point of that
    side it is drawn at: where its wire leaves the window (a neighbour in the window but folded
    away: the side nearest to it).

    >>> core = (0.0, 0.0, 100.0, 40.0)
    >>> far = Neighbour(2, "input", (-900.0, 0.0, -800.0, 40.0), (-850.0, 20.0), True, ("b", "2"))
    >>> [(n.node, side, point) for n, side, point in stub_places(Focus(0, core, (far,)), (-200, -100, 300, 100))]
    [(2, 'left', (-200.0, 20.0))]
    """
    wx0, wy0, wx1, wy1 = window
    places = []
    for neighbour in found.neighbours:
        if neighbour.drawn and inside(neighbour.box, window):
            continue
        tx, ty = neighbour.toward
        leaves = _leaving(neighbour.wire or (_centre(found.core), (tx, ty)), window)
        if leaves is None:
            # it never leaves the window (folded away, or only its words are out): on the side
            # nearest to where it is
            tx, ty = min(max(tx, wx0), wx1), min(max(ty, wy0), wy1)
            gaps = {"left": tx - wx0, "right": wx1 - tx, "bottom": ty - wy0, "top": wy1 - ty}
            leaves = (min(gaps, key=gaps.__getitem__), (tx, ty))
        places.append((neighbour, *leaves))
    return places


def _leaving(points: Any, window: Box) -> tuple[str, tuple[float, float]] | None:
    """The side of ``window`` a line through ``points`` first leaves it by, and where."""
    wx0, wy0, wx1, wy1 = window
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        if not (wx0 <= ax <= wx1 and wy0 <= ay <= wy1):
            continue  # starts outside (under the node's edge): look further along
        if wx0 <= bx <= wx1 and wy0 <= by <= wy1:
            continue
        dx, dy = bx - ax, by - ay
        best = (math.inf, "left", (wx0, ay))
        for side, t in (("left", (wx0 - ax) / dx if dx < 0 else math.inf),
                        ("right", (wx1 - ax) / dx if dx > 0 else math.inf),
                        ("bottom", (wy0 - ay) / dy if dy < 0 else math.inf),
                        ("top", (wy1 - ay) / dy if dy > 0 else math.inf)):
            if 0 <= t < best[0]:
                best = (t, side, (ax + t * dx, ay + t * dy))
        _, side, (px, py) = best
        return side, (min(max(px, wx0), wx1), min(max(py, wy0), wy1))
    return None


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_stub(side: str, anchor: tuple[float, float], size: tuple[float, float], area: Box,
               taken: list[Box], gap: float = 4.0) -> Box:
    """Where a stub of ``size`` (width, height) goes in ``area`` (a view's box): against the
    ``side`` it belongs on, as near ``anchor`` as it can be without covering anything ``taken``
    (the node, what the view shows of its neighbours, the stubs already placed); against another
    side if its own has no room; at the anchor if no side has.  All in one unit, ``y`` up or down
    alike.

    >>> place_stub("left", (0.0, 50.0), (20.0, 10.0), (0.0, 0.0, 100.0, 100.0), [])
    (4.0, 45.0, 24.0, 55.0)
    >>> place_stub("left", (0.0, 50.0), (20.0, 10.0), (0.0, 0.0, 100.0, 100.0), [(0.0, 40.0, 30.0, 60.0)])
    (4.0, 30.0, 24.0, 40.0)
    """
    w, h = size
    x0, y0, x1, y1 = area
    sides = [side] + [s for s in ("left", "right", "bottom", "top") if s != side]
    step = max(min(w, h) / 4, 1.0)
    for where in sides:
        if where in ("left", "right"):
            x = x0 + gap if where == "left" else x1 - gap - w
            low, high = y0 + gap, y1 - gap - h
            wanted = min(max(anchor[1] - h / 2, low), high)
        else:
            y = y0 + gap if where == "bottom" else y1 - gap - h
            low, high = x0 + gap, x1 - gap - w
            wanted = min(max(anchor[0] - w / 2, low), high)
        if low > high:
            continue
        count = int((high - low) / step) + 1
        offsets = sorted({min(max(wanted + k * step, low), high) for k in range(-count, count + 1)},
                         key=lambda v: abs(v - wanted))
        for v in offsets:
            box = (x, v, x + w, v + h) if where in ("left", "right") else (v, y, v + w, y + h)
            if not any(_overlaps(box, other) for other in taken):
                return box
    ax = min(max(anchor[0] - w / 2, x0), x1 - w)
    ay = min(max(anchor[1] - h / 2, y0), y1 - h)
    return (ax, ay, ax + w, ay + h)
