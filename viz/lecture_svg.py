"""The lecture page's one diagram: the whole graph laid out once, every part findable by id.

Graphviz lays the graph out once, in its finished state (every node done), so every box has room
for its gradient and every edge for what flows back along it.  The SVG then gets stable ids that
the page's script uses to show any step by changing classes and a few texts:

- ``g-v3`` and ``g-o3``: the box and the op circle of node 3 (its position in topological order,
  as :func:`viz.draw` names them ``v3`` and ``o3``);
- ``g-e3.1``: the edge bringing input 1 of node 3 into its op circle; ``g-r3``: op circle -> box;
- texts get a class: ``gr`` (a box's gradient), ``bk`` (what flows back along an edge), ``loc``
  (an edge's local derivative).

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

from .draw import draw
from .labels import BACKWARD, CURRENT, CURRENT_FILL, LOCAL
from .render import render_source

__all__ = ["ID_PREFIX", "LaidOut", "layout"]

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


def layout(finished_steps: Any, *, rankdir: str = "LR", reserve: dict[tuple[int, int], tuple[str, str]] | None = None
           ) -> LaidOut:
    """Lay out the graph of a finished step-by-step backprop once and annotate the SVG.

    ``reserve[(i, k)] = (finished, current)``: the edge bringing input ``k`` into node ``i`` is
    laid out with room for its ``current`` text (``upstream × local = contribution``, shown while
    its node is processed) where the finished drawing has the shorter ``finished`` one.
    """
    from autograd_core import topological_order

    source = draw(finished_steps, rankdir=rankdir).source
    # The finished pass's last node is drawn as current; the page marks the current node per frame
    # itself, so the one layout must carry no highlight of its own.
    source = source.replace(_CURRENT_STYLE, ' fillcolor="white"')
    if reserve:
        source = _reserve_room(source, topological_order(finished_steps.root), reserve)
    return _annotate(render_source(source, "svg").decode("utf-8"), finished_steps.root)


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


def _annotate(svg: str, root: Any) -> LaidOut:
    """Give the parts of Graphviz's SVG of ``root``'s graph the ids and classes described above."""
    from autograd_core import topological_order

    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    tree = ET.fromstring(svg)
    order = topological_order(root)
    position = {node: i for i, node in enumerate(order)}
    used: dict[tuple[int, int], int] = {}
    edges: dict[str, tuple[int, int]] = {}
    nodes: set[int] = set()
    for group in list(tree.iter(f"{{{_SVG}}}g")):
        kind = group.get("class")
        title = group.find(f"{{{_SVG}}}title")
        if title is not None:
            group.remove(title)  # tooltips naming internal ids (v3, cluster_0)
        if kind not in ("node", "edge") or title is None or title.text is None:
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
    for attribute in ("width", "height"):
        tree.attrib.pop(attribute, None)
    tree.set("role", "img")
    return LaidOut(ET.tostring(tree, encoding="unicode"), edges, frozenset(nodes))


def _tag_texts(group: ET.Element, kind: str) -> None:
    """Class the texts the script shows, hides or rewrites, by the colour Graphviz gave them."""
    for text in group.iter(f"{{{_SVG}}}text"):
        fill = (text.get("fill") or "").lower()
        if fill == BACKWARD.lower():
            text.set("class", "gr" if kind == "node" else "bk")
        elif fill == LOCAL.lower() and kind == "edge":
            text.set("class", "loc")
