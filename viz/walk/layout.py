"""The one layout of a picture: where Graphviz put every part, read back from its own JSON.

:func:`lay_out` hands ``dot`` the picture once, every part named (``v3``, ``o3``, ``e3.1``,
``r3``, ``s0``: see :mod:`viz.walk.dot`) and every text as long as it ever gets, and reads the
answer of ``dot -Tjson`` by those names: each node's centre and size, each edge's spline and
label position, each cluster's box.  A :class:`Layout` is plain data (``to_dict``) and places any
part of any frame where it was laid out (:meth:`Layout.place`), so every page of a deck, both
pages of a worksheet and the lecture page show the same drawing.

Coordinates are Graphviz's: points (1/72 inch), ``y`` pointing up, the drawing inside ``bb``.

>>> from autograd_core import Value, topological_order
>>> from viz.walk.frames import still
>>> from viz.walk.picture import Picture
>>> x = Value(3.0, name="x"); y = x * 2; y.backward()
>>> order = topological_order(y)
>>> picture = Picture.of(order)
>>> layout = lay_out(picture, picture.scene(still(order)))
>>> sorted(layout.nodes), sorted(layout.edges)
(['o2', 'v0', 'v1', 'v2'], ['e2.0', 'e2.1', 'r2'])
>>> layout.place("node", "v0").startswith('pos="')
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..dot import DEFAULT_TIMEOUT, layout_json
from .dot import FONT, LARGE_GRAPH, Options, Room, body
from .picture import Picture, Scene

__all__ = ["GRAPH_ATTRIBUTES", "Layout", "graph_attributes", "inside", "lay_out"]

#: How a picture is spaced.
GRAPH_ATTRIBUTES = {"bgcolor": "white", "nodesep": "0.3", "ranksep": "0.45"}


def graph_attributes(picture: Picture, rankdir: str) -> dict[str, str]:
    """The graph's attributes for ``dot``.  newrank: rank the whole graph at once rather than
    cluster by cluster; with name scopes this makes dot tens of times faster (a 1,000-node MLP
    in layers: 100 s -> 2 s).  A small picture of folded boxes goes without it, and with little
    crossing minimisation (mclimit): dot then keeps sibling boxes (the neurons of a layer) in the
    order they are declared, the order of their names, which it does not otherwise."""
    attributes = {"rankdir": rankdir, **GRAPH_ATTRIBUTES}
    if picture.boxes and picture.drawn_count <= LARGE_GRAPH:
        attributes["mclimit"] = "0.01"
    else:
        attributes["newrank"] = "true"
    return attributes


def graph_source(lines: list[str], attributes: dict[str, str], name: str = "chainrule") -> str:
    """A whole ``digraph`` of these statements, with the diagrams' fonts."""
    graph = " ".join(f'{key}="{value}"' for key, value in attributes.items())
    head = (f"digraph {name} {{\n\tgraph [{graph}]\n\tnode [fontname=\"{FONT}\" fontsize=12]\n"
            f"\tedge [fontname=\"{FONT}\" fontsize=11 arrowsize=0.7]\n")
    return head + "".join(f"\t{line}\n" for line in lines) + "}\n"


@dataclass
class Layout:
    """Where every named part of a picture is (see the module's docstring)."""

    bb: tuple[float, float, float, float]
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[str, dict[str, Any]] = field(default_factory=dict)
    clusters: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, answer: dict[str, Any]) -> Layout:
        """A layout from Graphviz's JSON (``dot -Tjson``), by the ids the picture gave its parts."""
        bb = tuple(float(v) for v in answer["bb"].split(","))
        layout = cls(bb)  # type: ignore[arg-type]
        for item in answer.get("objects", []):
            name = item.get("id")
            if not name:
                continue
            if "bb" in item and "nodes" in item or item.get("name", "").startswith("cluster"):
                if "bb" in item:
                    layout.clusters[name] = {"bb": item["bb"], "lp": item.get("lp")}
                    text = _text_box(item.get("_ldraw_", []))
                    if text is not None:
                        layout.clusters[name]["text"] = text
            elif "pos" in item:
                x, y = (float(v) for v in item["pos"].split(","))
                layout.nodes[name] = {"x": x, "y": y, "width": float(item["width"]), "height": float(item["height"])}
        names = {item.get("_gvid"): item.get("id") for item in answer.get("objects", [])}
        for item in answer.get("edges", []):
            name = item.get("id")
            if name and "pos" in item:
                layout.edges[name] = {key: item[key] for key in ("pos", "lp", "xlp") if key in item}
                text = _text_box(item.get("_ldraw_", []))
                if text is not None:
                    layout.edges[name]["text"] = text
                layout.edges[name]["ends"] = (names.get(item.get("tail")), names.get(item.get("head")))
        return layout

    def place(self, kind: str, name: str) -> str:
        """DOT attributes that put part ``name`` (a node, an edge or a cluster) where it was laid out."""
        if kind == "node":
            node = self.nodes.get(name)
            if node is None:
                return ""
            return (f'pos="{node["x"]:.2f},{node["y"]:.2f}" width="{node["width"]:.4f}" '
                    f'height="{node["height"]:.4f}" fixedsize=true')
        if kind == "edge":
            edge = self.edges.get(name)
            if edge is None:
                return ""
            return " ".join(f'{key}="{edge[key]}"' for key in ("pos", "lp", "xlp") if key in edge)
        cluster = self.clusters.get(name)
        if cluster is None:
            return ""
        return f'bb="{cluster["bb"]}"' + (f' lp="{cluster["lp"]}"' if cluster.get("lp") else "")

    def position(self, name: str) -> str:
        """Only where node ``name`` is: ``pos="x,y"``."""
        node = self.nodes.get(name)
        return f'pos="{node["x"]:.2f},{node["y"]:.2f}"' if node is not None else ""

    def box(self, name: str) -> tuple[float, float, float, float] | None:
        """The box ``(x0, y0, x1, y1)`` of a node or a cluster, in points (y up)."""
        node = self.nodes.get(name)
        if node is not None:
            w, h = node["width"] * 36, node["height"] * 36
            return (node["x"] - w, node["y"] - h, node["x"] + w, node["y"] + h)
        cluster = self.clusters.get(name)
        if cluster is not None:
            x0, y0, x1, y1 = (float(v) for v in cluster["bb"].split(","))
            return (x0, y0, x1, y1)
        return None

    def ends(self, name: str) -> tuple[str | None, str | None]:
        """The names of the parts edge ``name`` runs from and to (None: unnamed)."""
        edge = self.edges.get(name)
        return edge.get("ends", (None, None)) if edge is not None else (None, None)

    def label_box(self, name: str) -> tuple[float, float, float, float] | None:
        """The box around the words of edge or cluster ``name``'s label (None: it has none), as
        Graphviz set them: every line's baseline, width and size."""
        part = self.edges.get(name) or self.clusters.get(name)
        return None if part is None else part.get("text")

    def edge_box(self, name: str) -> tuple[float, float, float, float] | None:
        """The box around an edge's spline and its label position (worked out once per edge)."""
        edge = self.edges.get(name)
        if edge is None:
            return None
        if "box" not in edge:
            edge["box"] = self._edge_box(edge)
        return edge["box"]

    @staticmethod
    def _edge_box(edge: dict[str, Any]) -> tuple[float, float, float, float]:
        points = []
        for part in edge["pos"].split():
            values = part.split(",")
            if values[0] in ("e", "s"):
                values = values[1:]
            points.append((float(values[0]), float(values[1])))
        for key in ("lp", "xlp"):
            if key in edge:
                x, y = (float(v) for v in edge[key].split(","))
                points.append((x, y))
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return (min(xs), min(ys), max(xs), max(ys))

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON)."""
        edges = {name: {key: edge[key] for key in ("pos", "lp", "xlp", "text") if key in edge}
                 for name, edge in self.edges.items()}
        return {"bb": list(self.bb), "nodes": self.nodes, "edges": edges, "clusters": self.clusters}


def inside(box: tuple[float, float, float, float], window: tuple[float, float, float, float],
           slack: float = 0.5) -> bool:
    """Whether ``box`` lies wholly in ``window`` (both ``(x0, y0, x1, y1)``).

    >>> inside((1, 1, 2, 2), (0, 0, 3, 3)), inside((1, 1, 4, 2), (0, 0, 3, 3))
    (True, False)
    """
    return (box[0] >= window[0] - slack and box[1] >= window[1] - slack and box[2] <= window[2] + slack
            and box[3] <= window[3] + slack)


def _text_box(operations: list[dict[str, Any]]) -> tuple[float, float, float, float] | None:
    """The box around the texts of Graphviz's drawing operations (``T``: a line's baseline
    point, alignment and width; ``F``: the size of the lines that follow), with room for their
    letters above and below the baseline."""
    size = 14.0
    box = None
    for op in operations:
        if op.get("op") == "F":
            size = float(op.get("size", size))
        elif op.get("op") == "T":
            x, y = op["pt"]
            width = float(op.get("width", 0.0))
            left = {"l": x, "r": x - width}.get(op.get("align"), x - width / 2)
            line = (left, y - 0.25 * size, left + width, y + 0.9 * size)
            box = line if box is None else (min(box[0], line[0]), min(box[1], line[1]),
                                            max(box[2], line[2]), max(box[3], line[3]))
    return box


def lay_out(picture: Picture, scene: Scene, *, rankdir: str = "LR", label_attribute: str = "label",
            room: Room | None = None, timeout: float | None = DEFAULT_TIMEOUT,
            spacing: dict[str, str] | None = None) -> Layout:
    """Lay ``picture`` out once, drawn as ``scene`` (give every part the longest text it shows);
    ``spacing`` overrides :data:`GRAPH_ATTRIBUTES` (``{"ranksep": "0.3"}``: a paper page's)."""
    options = Options(show_local=scene.show_local, label_attribute=label_attribute, ids="")
    lines = body(picture, scene, options, room=room)
    source = graph_source(lines, {**graph_attributes(picture, rankdir), **(spacing or {})})
    return Layout.read(layout_json(source, timeout=timeout))
