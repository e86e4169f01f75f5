"""A watched point's graph as a walk (:mod:`viz.walk`) with one frame per training step, and the
compact drawing of it that the page's script renders.

The walk is the lecture page's model: the point's graph described once (:class:`Picture`, every
node and edge with the longest text any step gives it, so the one layout has room for every
step), laid out once by Graphviz (:class:`Layout`), and one :class:`Frame` per moment of the run
in the stepper's state vocabulary (after a whole backward pass every node is ``done``, a
constant stays ``const``).  What changes from step to step is numbers only: each node's value
and gradient and each edge's local derivative, which the page reads from the number table.

Folds: every neuron and every layer (name scopes) can be drawn folded into one box over its
cluster, with its name, size and the values entering and leaving it; a graph of more than
:data:`viz.walk.model.FORWARD_FOLD` nodes starts folded (its layers, and inside them its
neurons), and the reader opens a box by clicking it.

>>> from autograd_core import Value
>>> w = [Value(0.5, name="w0"), Value(-2.0, name="w1")]
>>> model = lambda x: (w[0] * x[0] + w[1] * x[1]).tanh()
>>> from viz.training.point import WatchedPoint, hinge
>>> point = WatchedPoint(0, (1.0, 0.25), 1.0, model, hinge, parameters=w)
>>> walked = training_walk(point, np.array([point.capture(), point.capture()]), "a tiny model")
>>> [frame.counter for frame in walked.frames], walked.frames[0].states[:3]
(['step 1 / 2', 'step 2 / 2'], ('const', 'const', 'done'))
>>> picture = drawing(walked)
>>> len(picture["nodes"]) == len(point.order), picture["nodes"][-1][1]
(True, 'loss')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core.words import Captions, format_number

from ..collapse import group_nodes
from ..walk.frames import Frame, look, natural, still
from ..walk.model import FORWARD_FOLD, Walk
from ..walk.picture import Picture
from ..walk.pieces import FoldPiece
from ..walk.pinned import fold_sizes

__all__ = ["drawing", "training_walk", "widest"]

#: How a node's look is written in the drawing (the lecture page's letters).
LETTER = {"done": "d", "no grad": "n", "constant": "k"}


def widest(values: np.ndarray) -> str:
    """The longest text the one formatter writes for any of ``values`` (float32 as the page shows them).

    >>> widest(np.array([0.5, -0.000123456, 3.0]))
    '-0.0001235'
    """
    shown = np.unique(np.asarray(values, dtype=np.float32)).astype(np.float64)
    if not len(shown):
        return ""
    return max((format_number(float(v)) for v in shown), key=len)


def _folds(order: list[Any]) -> dict[str, list[int]]:
    """Every scope that can fold: the neurons (depth 1), then the layers (top-level) over them."""
    folds: dict[str, list[int]] = {}
    for depth in (1, True):
        groups = group_nodes(order, depth).groups
        for name in sorted(groups, key=natural):
            if name not in folds:
                folds[name] = groups[name]
    return folds


def training_walk(point: Any, numbers: np.ndarray, title: str) -> Walk:
    """The walk of ``point``'s graph over a training run: ``numbers`` has one row per step (the
    values, gradients and local derivatives :meth:`WatchedPoint.capture` gave, with the weights
    that step started from): one frame each, ``step k / K``."""
    order = point.order
    n = len(order)
    captions = Captions(order[-1], nodes=order)
    picture = Picture.of(order, overlays=_folds(order), captions=captions)
    values, grads, local = numbers[:, :n], numbers[:, n:2 * n], numbers[:, 2 * n:]
    for i, node in enumerate(picture.nodes):
        node.value = (widest(values[:, i]),)
        node.grad = (f"grad {widest(grads[:, i])}",) if node.kind != "const" and node.needs_grad else ()
    edge_at = {(i, k): e for e, (i, k) in enumerate(point.edges)}
    for edge in picture.edges:
        edge.back = ()
        if edge.local is not None:
            edge.local = f"local {widest(local[:, edge_at[(edge.target, edge.index)]])}"
    base = still(order)
    total = len(numbers)
    frames = [Frame("still", base.states, counter=f"step {k} / {total}",
                    heading=f"step {k}: the forward and backward pass of the weights before its update",
                    number=k, total=total) for k in range(1, total + 1)]
    return Walk(picture, frames, title, "LR", 4, order)


def _number(x: float) -> float:
    return round(float(x), 1)


def _spline(pos: str) -> list[float]:
    """An edge's Graphviz spline (``e,x,y x,y x,y ...``): the end point (arrow tip) first, then
    the control points, as one flat list of numbers."""
    end: list[float] = []
    points: list[float] = []
    for part in pos.split():
        values = part.split(",")
        if values[0] == "e":
            end = [_number(values[1]), _number(values[2])]
        elif values[0] == "s":
            continue
        else:
            points += [_number(values[0]), _number(values[1])]
    return end + points if end else points[-2:] + points


def drawing(walk: Walk) -> dict[str, Any]:
    """The walk's picture and its one layout as compact plain data (JSON) for the page's script.

    ``nodes[i]``: ``[kind, title, named, symbol, scope, look, box, circle, needs grad]`` (box and
    circle as ``[x, y, width, height]`` in points, y up; circle None for an input);
    ``edges``: ``[target, input, source, spline, label position or None, local shown]``;
    ``results``: the spline from each op's circle to its box; ``clusters``: ``[scope, box, label
    position]``; ``folds``: ``[scope, box, members, leaving, name, size, name size, text size]`` (the
    nodes whose values leave the scope: what its box shows, with their gradients).
    """
    picture = walk.picture
    layout = walk.layout()
    frame = walk.frames[0]
    scopes = {"": 0}
    nodes = []
    for i, node in enumerate(picture.nodes):
        box = layout.nodes.get(f"v{i}")
        circle = layout.nodes.get(f"o{i}")
        place = [[_number(p["x"]), _number(p["y"]), _number(p["width"] * 72), _number(p["height"] * 72)]
                 if p else None for p in (box, circle)]
        scope = scopes.setdefault(node.scope, len(scopes))
        nodes.append([node.kind[0], node.title, int(node.named), node.symbol, scope,
                      LETTER.get(look(frame, i, node.kind), "d"), place[0], place[1], int(node.needs_grad)])
    label = "lp" if walk.label_attribute == "label" else "xlp"
    edges = []
    for edge in picture.edges:
        laid = layout.edges.get(f"e{edge.id}")
        if laid is None:
            continue
        where = laid.get(label) or laid.get("lp") or laid.get("xlp")
        spot = [_number(v) for v in where.split(",")] if where and edge.local is not None else None
        edges.append([edge.target, edge.index, edge.source, _spline(laid["pos"]), spot, int(edge.local is not None)])
    results = [[i, _spline(layout.edges[f"r{i}"]["pos"])] for i in range(len(picture.nodes))
               if f"r{i}" in layout.edges]
    numbers = picture.cluster_numbers()
    clusters = []
    for scope, k in sorted(numbers.items(), key=lambda item: item[1]):
        laid = layout.clusters.get(f"s{k}")
        if laid is None:
            continue
        box = [_number(v) for v in laid["bb"].split(",")]
        spot = [_number(v) for v in laid["lp"].split(",")] if laid.get("lp") else None
        clusters.append([scopes.setdefault(scope, len(scopes)), box, spot])
    readers: dict[int, set[int]] = {}
    for node in picture.nodes:
        for parent in node.parents:
            readers.setdefault(parent, set()).add(node.index)
    root = len(picture.nodes) - 1
    folds, shut = [], []
    for fold in picture.overlays:
        number = numbers.get(fold.scope)
        box = layout.box(f"s{number}") if number is not None else None
        if box is None:
            continue
        lines = tuple(line for line in fold.lines if line[0] in ("name", "size"))
        # letters sized for the lines the box shows: its name, its size, the values leaving it
        # and their gradients (at their longest: two numbers, or a norm)
        sample = FoldPiece(fold.index, fold.scope, fold.members, fold.leaving,
                           lines + (("out", "grad -0.0001235  -0.0001235"),) * 2)
        name_size, size = fold_sizes(sample, box)
        # what leaves the scope: values read outside it (worked out here: with folds nested, the
        # picture's own border is the outer fold's)
        members = set(fold.members)
        leaving = [m for m in fold.members if m == root or readers.get(m, set()) - members]
        folds.append([scopes.setdefault(fold.scope, len(scopes)), [_number(v) for v in box], list(fold.members),
                      leaving, dict(lines)["name"], dict(lines)["size"],
                      round(name_size, 1), round(size, 1)])
        if _starts_shut(walk, fold.scope):
            shut.append(len(folds) - 1)
    return {"bb": [_number(v) for v in layout.bb], "scopes": list(scopes), "nodes": nodes, "edges": edges,
            "results": results, "clusters": clusters, "folds": folds, "shut": shut}


def _starts_shut(walk: Walk, scope: str) -> bool:
    """A big graph opens with every scope folded (a layer opens onto its folded neurons); a small
    one with none."""
    return len(walk.picture.nodes) > FORWARD_FOLD
