"""The lecture page's one diagram: the walk's one layout, drawn once, every part findable by id.

The walk (:mod:`viz.walk`) is laid out once, with room for the longest text each part shows in
any frame, and drawn pinned to that layout, every node in its finished state (every gradient and
every edge's finished text), every folded scope's box over its cluster.  Graphviz writes the ids
the picture gives its parts, so nothing is guessed from the drawing:

- ``g-v3`` and ``g-o3``: the box and the op circle of node 3 (its position in topological order);
- ``g-e3.1``: the edge bringing input 1 of node 3 into its op circle; ``g-r3``: op circle -> box;
- ``g-f2``: the box over folded scope 2; every part inside it has the class ``in-f2``.

Each label has one text per line (see :mod:`viz.walk.dot`), so the texts the page's script
rewrites get a class from their line's role: ``t`` a node's name and value, ``gr`` its gradient,
``loc`` an edge's local derivative, ``bk`` what flows back along it; ``gr`` and ``bk`` texts are
centred where their node or label is, so a shorter or longer text stays in place.

Example:
    >>> from autograd_core import Value
    >>> from viz.walk.model import walk
    >>> x = Value(3.0, name="x")
    >>> diagram = layout(walk(x * x))
    >>> sorted(diagram.edges), 'id="g-v0"' in diagram.svg
    (['g-e1.0', 'g-e1.1'], True)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from .dot import render_pages
from .walk.dot import Options, body, edge_label_lines, label_lines
from .walk.frames import Frame
from .walk.layout import graph_source
from .walk.pinned import PAD, corners, pinned_body

__all__ = ["ID_PREFIX", "LaidOut", "forward_svg", "layout"]

#: Every id the page's script looks for starts with this (no clash with the page's own ids).
ID_PREFIX = "g-"

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_TEXT_CLASS = {"title": "t", "shape": "t", "value": "t", "uses": "t", "note": "note", "grad": "gr", "local": "loc",
               "back": "bk", "path": "pth"}


@dataclass(frozen=True)
class LaidOut:
    """The drawn SVG, and which input edges it has: ``edges[id] = (node position, input index)``."""

    svg: str
    edges: dict[str, tuple[int, int]]
    nodes: frozenset[int]
    forward: str | None = None


def _finished(walk: Any) -> Frame:
    """Every node done: the drawing every frame is made from."""
    states = tuple("const" if n.kind == "const" else ("done" if n.needs_grad else "no grad")
                   for n in walk.picture.nodes)
    return Frame("still", states)


def layout(walk: Any) -> LaidOut:
    """Draw ``walk`` once, pinned to its layout, and name its texts (see the module's docstring)."""
    picture = walk.picture
    members: dict[int, list[int]] = {}
    for fold in picture.overlays:
        for m in fold.members:
            members.setdefault(m, []).append(fold.index)
    edge_of = {f"e{e.id}": e for e in picture.edges}

    def classes(kind: str, name: str) -> str | None:
        if kind == "fold":
            return "fold"
        if kind == "node" and name[0] in "vo" and name[1:].isdigit():
            folds = members.get(int(name[1:]), [])
        elif kind == "edge" and name in edge_of:
            edge = edge_of[name]
            folds = [f for f in members.get(edge.target, []) if f in members.get(edge.source, [])]
        elif kind == "edge" and name[0] == "r":
            folds = members.get(int(name[1:]), [])
        else:
            return None
        return " ".join(f"in-f{n}" for n in folds) or None

    laid = walk.layout()
    finished = _finished(walk)
    lines = pinned_body(walk, finished, laid, ids=ID_PREFIX, classes=classes, every_fold=True)
    source = graph_source(lines, {"outputorder": "edgesfirst", "bgcolor": "white", "pad": "0"})
    svg = render_pages([source], "svg")[0].decode("utf-8")
    laid_out = _annotate(svg, walk, laid, picture.scene(finished))
    return LaidOut(laid_out.svg, laid_out.edges, laid_out.nodes, forward_svg(walk))


def forward_svg(walk: Any, area: tuple[float, float] = (1280.0, 560.0)) -> str | None:
    """The forward pass's own drawing, when it is not the walk's (a big graph: its layers folded
    into boxes of the values entering and leaving them, laid out on their own, see
    :meth:`viz.walk.model.Walk.forward_view`), or None."""
    frame = walk.frames[0]
    if not frame.shut:
        return None
    picture, laid = walk.forward_view(area)
    scene = picture.scene(frame, show_grad=False)
    lines = corners(laid) + body(picture, scene, Options(label_attribute="label", ranks=False), pinned=laid)
    source = graph_source(lines, {"outputorder": "edgesfirst", "bgcolor": "white", "pad": "0"})
    tree = ET.fromstring(render_pages([source], "svg")[0].decode("utf-8"))
    for group in tree.iter(f"{{{_SVG}}}g"):
        title = group.find(f"{{{_SVG}}}title")
        if title is not None:
            group.remove(title)
        group.attrib.pop("id", None)  # Graphviz's own (graph0, node1, ...): the page's ids stay unique
    for attribute in ("width", "height"):
        tree.attrib.pop(attribute, None)
    tree.set("class", "forward-only")
    tree.set("role", "img")
    return ET.tostring(tree, encoding="unicode")


def _annotate(svg: str, walk: Any, laid: Any, scene: Any) -> LaidOut:
    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    tree = ET.fromstring(svg)
    picture = walk.picture
    by_id = {e.id: e for e in picture.edges}
    edges: dict[str, tuple[int, int]] = {}
    nodes: set[int] = set()
    for group in list(tree.iter(f"{{{_SVG}}}g")):
        title = group.find(f"{{{_SVG}}}title")
        if title is not None:
            group.remove(title)  # tooltips naming internal ids (v3, cluster_0)
        name = (group.get("id") or "").removeprefix(ID_PREFIX)
        texts = list(group.iter(f"{{{_SVG}}}text"))
        if name.startswith("v") and name[1:].isdigit():
            i = int(name[1:])
            nodes.add(i)
            if picture.nodes[i].kind == "const":
                continue
            roles = [role for role, _ in label_lines(picture, i, scene, walk.room)]
            x = laid.nodes[f"v{i}"]["x"] + PAD
            _classify(texts, roles, x, name)
        elif name.startswith("o") and name[1:].isdigit():
            for text in texts:  # the op's symbol: coloured with its node
                text.set("class", "t")
        elif name.startswith("e") and name[1:] in by_id:
            edge = by_id[name[1:]]
            edges[group.get("id")] = (edge.target, edge.index)
            roles = [role for role, _ in edge_label_lines(picture, edge.id, scene, walk.room, local=edge.local,
                                                           muted=False)]
            place = laid.edges.get(name, {})
            where = place.get("lp") or place.get("xlp")
            x = float(where.split(",")[0]) + PAD if where else None
            _classify(texts, roles, x, name)
    for attribute in ("width", "height"):
        tree.attrib.pop(attribute, None)
    tree.set("role", "img")
    tree.set("class", "walk")
    return LaidOut(ET.tostring(tree, encoding="unicode"), edges, frozenset(nodes))


def _classify(texts: list[ET.Element], roles: list[str], x: float | None, name: str) -> None:
    """Give each text of a label its line's class; centre the texts the page rewrites."""
    if len(texts) != len(roles):
        raise RuntimeError(f"lecture: part {name} of the drawing has {len(texts)} texts for {len(roles)} lines")
    for text, role in zip(texts, roles):
        text.set("class", _TEXT_CLASS[role])
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")  # its spaces, as written
        if role in ("grad", "back") and x is not None:
            text.set("text-anchor", "middle")
            text.set("x", f"{x:.2f}")
