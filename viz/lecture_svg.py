"""The lecture page's one diagram: the whole graph laid out once, every part findable by id.

Graphviz lays the graph out once, in its finished state (every node done), so every box has room
for its gradient and every edge for what flows back along it.  The SVG then gets stable ids that
the page's script uses to show any step by changing classes and a few texts:

- ``g-v3`` and ``g-o3``: the box and the op circle of node 3 (its position in topological order,
  as :func:`viz.draw` names them ``v3`` and ``o3``);
- ``g-e3.1``: the edge bringing input 1 of node 3 into its op circle; ``g-r3``: op circle -> box;
- texts get a class: ``gr`` (a box's gradient), ``bk`` (what flows back along an edge), ``loc``
  (an edge's local derivative);
- with ``collapse``, ``g-f{n}``: the summary box drawn over folded scope n's cluster, and the class
  ``in-f{n}`` on every part inside that cluster (the page hides them while the scope is folded).

Example:
    >>> from autograd_core import Value
    >>> x = Value(3.0, name="x")
    >>> y = x * x
    >>> steps = y.backprop(); _ = steps.run()
    >>> diagram = layout(steps)
    >>> sorted(diagram.edges), 'id="g-v0"' in diagram.svg
    (['g-e1.0', 'g-e1.1'], True)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import escape
from typing import Any

from autograd_core.words import clean_text

from .collapse import group_of_scope
from .draw import draw
from .labels import BACKWARD, CURRENT, CURRENT_FILL, LOCAL
from .render import render_source

__all__ = ["ID_PREFIX", "Fold", "LaidOut", "layout"]

#: Every id the page's script looks for starts with this (no clash with the page's own ids).
ID_PREFIX = "g-"

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_NODE_NAME = re.compile(r"([vo])(\d+)$")
# The tail of an input edge: the input's box ``v3``, or ``g3_2``, a small copy of a much used
# input drawn beside the op that uses it once more (its use 2).
_INPUT_NAME = re.compile(r"(?:v(\d+)|g(\d+)_\d+)$")


@dataclass(frozen=True)
class LaidOut:
    """The annotated SVG, and which edges it has: ``edges[id] = (node position, input index)``."""

    svg: str
    edges: dict[str, tuple[int, int]]
    nodes: frozenset[int]
    folds: tuple[Fold, ...] = ()


@dataclass(frozen=True)
class Fold:
    """A scope the page can fold: its path and how many nodes it holds.  The ``n``-th fold of
    :attr:`LaidOut.folds` has the summary box ``g-f{n}``; the parts inside its cluster have the
    class ``in-f{n}``."""

    scope: str
    count: int


def layout(finished_steps: Any, *, rankdir: str = "LR", reserve: dict[tuple[int, int], tuple[str, str]] | None = None,
           collapse: Any = None) -> LaidOut:
    """Lay out the graph of a finished step-by-step backprop once and annotate the SVG.

    ``reserve[(i, k)] = (finished, current)``: the edge bringing input ``k`` into node ``i`` is
    laid out with room for its ``current`` text (``upstream × local = contribution``, shown while
    its node is processed) where the finished drawing has the shorter ``finished`` one.

    ``collapse`` (checked, as :func:`viz.collapse.check_collapse` returns it) names the scopes the
    page can fold: every node is still laid out, and each such scope's cluster gets a summary box
    ``g-f{n}`` (its name and node count) drawn over it, hidden until the page folds it.
    """
    from autograd_core import topological_order

    source = draw(finished_steps, rankdir=rankdir).source
    # The finished pass's last node is drawn as current; the page marks the current node per frame
    # itself, so the one layout must carry no highlight of its own.
    source = source.replace(_CURRENT_STYLE, ' fillcolor="white"')
    order = topological_order(finished_steps.root)
    if reserve:
        source = _reserve_room(source, order, reserve)
    clusters = _clusters(source, order, collapse)
    return _annotate(render_source(source, "svg").decode("utf-8"), finished_steps.root, clusters)


_CLUSTER_OPEN = re.compile(r"\s*subgraph cluster_(\d+) \{")
_NODE_LINE = re.compile(r"\s*([vo](\d+)|g\d+_\d+) \[")


@dataclass
class _Clusters:
    """Where the folds are in the DOT source: ``of[name]`` the innermost cluster of a DOT node,
    ``path[k]`` cluster k's scope, ``fold[k]`` the fold it is in (None: none)."""

    of: dict[str, int]
    path: dict[int, str]
    fold: dict[int, int]
    folds: list[Fold]

    def fold_of(self, name: str) -> int | None:
        cluster = self.of.get(name)
        return None if cluster is None else self.fold.get(cluster)


def _clusters(source: str, order: list[Any], collapse: Any) -> _Clusters | None:
    """The clusters of the DOT source and which of them ``collapse`` folds (None: nothing folds)."""
    if collapse is None or collapse is False:
        return None
    stack: list[int] = []
    depth: dict[int, int] = {}
    of: dict[str, int] = {}
    path: dict[int, str] = {}
    for line in source.split("\n"):
        opened = _CLUSTER_OPEN.match(line)
        if opened:
            stack.append(int(opened.group(1)))
            depth[stack[-1]] = len(stack)
            continue
        if line.strip() == "}" and stack:
            stack.pop()
            continue
        node = _NODE_LINE.match(line)
        if node and stack:
            of[node.group(1)] = stack[-1]
            if node.group(2) is not None and int(node.group(2)) < len(order):
                parts = (order[int(node.group(2))].scope or "").split("/")
                for cluster in stack:  # a cluster at depth d holds the first d parts of the scope
                    path.setdefault(cluster, "/".join(parts[: depth[cluster]]))
    counts: dict[str, int] = {}
    for node in order:
        group = group_of_scope(node.scope or "", collapse)
        if group is not None:
            counts[group] = counts.get(group, 0) + 1
    group_of = {cluster: group_of_scope(scope, collapse) for cluster, scope in path.items()}
    # in order of their names, layer2 before layer10
    names = sorted({g for g in group_of.values() if g in counts},
                   key=lambda g: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", g)])
    index = {group: n for n, group in enumerate(names)}
    fold = {cluster: index[group] for cluster, group in group_of.items() if group in index}
    return _Clusters(of, path, fold, [Fold(group, counts[group]) for group in names])


_CURRENT_STYLE = f' fillcolor="{CURRENT_FILL}" color="{CURRENT}" penwidth="2.5"'
_INPUT_EDGE = re.compile(r"\s*(?:v(\d+)|g(\d+)_\d+) -> o(\d+)\b")


def _reserve_room(source: str, order: list[Any], reserve: dict[tuple[int, int], tuple[str, str]]) -> str:
    """The DOT source with each reserved edge's finished text swapped for its current one."""
    position = {node: i for i, node in enumerate(order)}
    seen: dict[tuple[int, int], int] = {}
    lines = source.split("\n")
    for n, line in enumerate(lines):
        match = _INPUT_EDGE.match(line)
        if not match:
            continue
        parent, i = int(match.group(1) or match.group(2)), int(match.group(3))
        if i >= len(order):
            continue
        uses = [k for k, p in enumerate(order[i].parents) if position.get(p) == parent]
        nth = seen.get((parent, i), 0)
        seen[(parent, i)] = nth + 1
        texts = reserve.get((i, uses[nth])) if nth < len(uses) else None
        if texts is not None and escape(texts[0]) in line:
            lines[n] = line.replace(escape(texts[0]), escape(texts[1]), 1)
    return "\n".join(lines)


def _annotate(svg: str, root: Any, clusters: _Clusters | None = None) -> LaidOut:
    """Give the parts of Graphviz's SVG of ``root``'s graph the ids and classes described above
    (and the parts inside a fold's cluster the class ``in-f{n}``)."""
    from autograd_core import topological_order

    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    tree = ET.fromstring(svg)
    order = topological_order(root)
    position = {node: i for i, node in enumerate(order)}
    used: dict[tuple[int, int], int] = {}
    edges: dict[str, tuple[int, int]] = {}
    nodes: set[int] = set()
    boxes: dict[int, list[float]] = {}
    for group in list(tree.iter(f"{{{_SVG}}}g")):
        kind = group.get("class")
        title = group.find(f"{{{_SVG}}}title")
        if title is not None:
            group.remove(title)  # tooltips naming internal ids (v3, cluster_0)
        if title is None or title.text is None:
            continue
        if clusters is not None:
            _mark_fold(group, kind, title.text, clusters, boxes)
        if kind not in ("node", "edge"):
            continue
        name = title.text
        new_id = None
        if kind == "node":
            match = _NODE_NAME.match(name)
            if match:
                new_id = name
                if match.group(1) == "v":
                    nodes.add(int(match.group(2)))
        else:
            tail, _, head = name.partition("->")
            input_match, tail_match = _INPUT_NAME.match(tail), _NODE_NAME.match(tail)
            head_match = _NODE_NAME.match(head)
            i = int(head_match.group(2)) if head_match else -1
            if input_match and head_match and head_match.group(1) == "o" and i < len(order):
                # Several edges join the same input to one op when it is used twice (a*a): they
                # come out in the order the inputs are listed.
                parent = int(input_match.group(1) or input_match.group(2))
                uses = [k for k, p in enumerate(order[i].parents) if position.get(p) == parent]
                nth = used.get((parent, i), 0)
                used[(parent, i)] = nth + 1
                if nth < len(uses):
                    new_id = f"e{i}.{uses[nth]}"
                    edges[ID_PREFIX + new_id] = (i, uses[nth])
            elif tail_match and head_match and head_match.group(1) == "v" and tail_match.group(1) == "o":
                new_id = f"r{i}"
        if new_id is not None:
            group.set("id", ID_PREFIX + new_id)
        _tag_texts(group, kind)
    folds: tuple[Fold, ...] = ()
    if clusters is not None:
        folds = tuple(clusters.folds)
        graph = tree.find(f"{{{_SVG}}}g")
        for n, fold in enumerate(folds):
            if n in boxes and graph is not None:
                graph.append(_summary_box(n, fold, boxes[n]))
    for attribute in ("width", "height"):
        tree.attrib.pop(attribute, None)
    tree.set("role", "img")
    return LaidOut(ET.tostring(tree, encoding="unicode"), edges, frozenset(nodes), folds)


_CLUSTER_TITLE = re.compile(r"cluster_(\d+)$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _mark_fold(group: ET.Element, kind: str | None, name: str, clusters: _Clusters, boxes: dict[int, list[float]]
               ) -> None:
    """Class a part inside a fold's cluster ``in-f{n}``; note the outer box of each fold's cluster."""
    fold = None
    if kind == "cluster":
        match = _CLUSTER_TITLE.match(name)
        if match:
            cluster = int(match.group(1))
            fold = clusters.fold.get(cluster)
            if fold is not None and clusters.path.get(cluster) == clusters.folds[fold].scope:
                outline = group.find(f"{{{_SVG}}}path")
                if outline is None:
                    outline = group.find(f"{{{_SVG}}}polygon")
                if outline is not None:
                    numbers = [float(v) for v in _NUMBER.findall(outline.get("d") or outline.get("points") or "")]
                    xs, ys = numbers[0::2], numbers[1::2]
                    if xs and ys:
                        boxes[fold] = [min(xs), min(ys), max(xs), max(ys)]
    elif kind == "node":
        fold = clusters.fold_of(name)
    elif kind == "edge":
        tail, _, head = name.partition("->")
        fold = clusters.fold_of(tail)
        if fold is None or clusters.fold_of(head) != fold:
            fold = None  # an edge crossing the border stays: it enters or leaves the summary box
    if fold is not None:
        group.set("class", f"{kind} in-f{fold}")


def _summary_box(n: int, fold: Fold, box: list[float]) -> ET.Element:
    """The box drawn over a folded scope's cluster: its name and how many nodes it holds."""
    x0, y0, x1, y1 = box
    element = ET.Element(f"{{{_SVG}}}g", {"id": f"{ID_PREFIX}f{n}", "class": "fold"})
    ET.SubElement(element, f"{{{_SVG}}}rect", {
        "x": f"{x0:g}", "y": f"{y0:g}", "width": f"{x1 - x0:g}", "height": f"{y1 - y0:g}", "rx": "8", "ry": "8",
    })
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    label = clean_text(fold.scope)
    # the name as large as the box allows (a bold letter is about 0.62 of its size wide), so it
    # reads in the overview too; never smaller than the diagram's own 12 pt labels
    size = max(16.0, min(120.0, (y1 - y0) * 0.3, (x1 - x0) * 0.8 / (0.62 * max(len(label), 1))))
    name = ET.SubElement(element, f"{{{_SVG}}}text", {"class": "fold-name", "x": f"{cx:g}", "y": f"{cy:g}",
                                                      "text-anchor": "middle", "font-size": f"{size:.0f}"})
    name.text = label
    count = ET.SubElement(element, f"{{{_SVG}}}text", {"class": "fold-count", "x": f"{cx:g}",
                                                       "y": f"{cy + 0.8 * size:g}", "text-anchor": "middle",
                                                       "font-size": f"{max(12.0, 0.6 * size):.0f}"})
    count.text = f"{fold.count} node{'s' if fold.count != 1 else ''}, folded"
    if x1 - x0 > 400 and y1 - y0 > 150:
        # a big box is often only partly in view: its name in each corner too, so it is never anonymous
        places = [(x0 + 10, y0 + 23, "start"), (x1 - 10, y0 + 23, "end"),
                  (x0 + 10, y1 - 10, "start"), (x1 - 10, y1 - 10, "end")]
        caption = 13 * 0.62 * len(f"{label} (folded)")
        if x1 - x0 > 0.62 * size * len(label) + 2 * caption + 60:  # and half way down each side
            places += [(x0 + 10, cy, "start"), (x1 - 10, cy, "end")]
        for x, y, anchor in places:
            corner = ET.SubElement(element, f"{{{_SVG}}}text", {"class": "fold-corner", "x": f"{x:g}", "y": f"{y:g}",
                                                                "text-anchor": anchor, "font-size": "13"})
            corner.text = f"{label} (folded)"
    return element


def _tag_texts(group: ET.Element, kind: str) -> None:
    """Class the texts the script shows, hides or rewrites, by the colour Graphviz gave them."""
    for text in group.iter(f"{{{_SVG}}}text"):
        fill = (text.get("fill") or "").lower()
        if fill == BACKWARD.lower():
            text.set("class", "gr" if kind == "node" else "bk")
        elif fill == LOCAL.lower() and kind == "edge":
            text.set("class", "loc")
