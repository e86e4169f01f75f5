"""Draw any graph (or a backprop part-way through) as a Graphviz diagram, textbook style.

Every node is a box with its name (or op), its forward value and, once backward has run, its
gradient in red.  Every op is its own small circle (``×``, ``+``, ``exp``) between its inputs and
its output.  Every edge from an input to an op carries the local derivative (blue) and what flows
back along it, upstream x local (red).  A repeated input gets one edge per use; constants (the 2
of ``2*x``) are small grey nodes.  Nodes made under ``name_scope("layer1")`` sit in a labelled box.

The drawing walks the graph iteratively and names nodes by their position in the topological
order, so the same graph always gives the same bytes.

Example:
    >>> from autograd_core import Value
    >>> from viz.draw import draw
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> price.name = "price"
    >>> price.backward()
    >>> dot = draw(price, title="Buying apples")
    >>> "grad 2.2" in dot.source and "local 1.1" in dot.source
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import graphviz
import numpy as np

from autograd_core import Node, topological_order
from autograd_core.words import Captions

from .format import format_number, summarize_array
from .labels import (
    BACKWARD,
    CURRENT,
    CURRENT_FILL,
    MUTED,
    constant_label,
    edge_label,
    is_tensor,
    op_symbol,
    tensor_label,
    value_label,
    vjp_words,
)

__all__ = ["LARGE_GRAPH", "Diagram", "GraphTooLargeError", "draw", "is_steps"]

_RANKDIRS = ("LR", "TB", "RL", "BT")
# The arrow written before a backward value: it points from the output back to the input.
_BACK_ARROW = {"LR": "← ", "RL": "→ ", "TB": "↑ ", "BT": "↓ "}
_FONT = "Helvetica,Arial,sans-serif"

#: Above this many nodes, edge labels become Graphviz "xlabels", placed after the layout instead
#: of taking part in it: ``dot`` runs about 4x faster (a 1,000-node MLP: 2.3 s -> 0.5 s) at the
#: cost of tidier placement, which only slide-sized graphs need.
LARGE_GRAPH = 250


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes`` allows."""


class Diagram(graphviz.Digraph):
    """The ``graphviz.Digraph`` that :func:`draw` returns, knowing how many graph nodes it shows.

    Displayed in Jupyter it lays itself out with ``dot`` like any Digraph, except that a graph
    too big to lay out in reasonable time (more than ``viz.render.RENDER_MAX_NODES``) or a
    missing ``dot`` shows a sentence of advice instead of hanging or a traceback.
    """

    node_count = 0

    def copy(self) -> Diagram:
        """A copy, node count included."""
        new = super().copy()
        new.node_count = self.node_count
        return new

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        from .render import INSTALL_HINT, RENDER_MAX_NODES

        if self.node_count > RENDER_MAX_NODES:
            return {
                "text/plain": f"(a graph of {self.node_count} nodes: too big to lay out here, more than "
                f"{RENDER_MAX_NODES}; draw a smaller part, or write it with viz.render(..., max_nodes=None))"
            }
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except graphviz.ExecutableNotFound:
            return {"text/plain": INSTALL_HINT.format(fmt="SVG")}


@dataclass(frozen=True)
class _Options:
    rankdir: str
    show_grad: bool
    show_local: bool
    digits: int
    back_arrow: str
    label_attribute: str  # "label" (laid out with the graph) or "xlabel" (placed afterwards)


def is_steps(obj: Any) -> bool:
    """True for a step-by-step backprop (it has ``root``, ``state`` and ``current_step``)."""
    return not isinstance(obj, Node) and hasattr(obj, "root") and hasattr(obj, "state") and hasattr(obj, "current_step")


def draw(
    root_or_steps: Any,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local: bool = True,
    digits: int = 4,
    title: str | None = None,
    max_nodes: int | None = None,
    clusters: bool = True,
) -> Diagram:
    """The diagram of everything ``root`` depends on, as a ``graphviz.Digraph``.

    ``root_or_steps`` is an output node (``Value`` or ``Tensor``) or a step-by-step backprop
    (``root.backprop()``): then finished nodes show their gradients, the current node is
    highlighted with ``upstream × local = contribution`` on its edges, and pending nodes are grey.

    Options: ``rankdir`` "LR" (inputs on the left) or "TB" (inputs on top; also "RL", "BT");
    ``show_grad=False`` for a "before backward" slide; ``show_local=False`` hides the local
    derivatives; ``digits`` significant digits; ``title`` above the diagram; ``max_nodes`` refuses
    graphs with more nodes (None: no limit); ``clusters=False`` ignores name scopes.

    In Jupyter the returned Digraph displays itself; ``viz.render`` writes it to a file.

    >>> from autograd_core import Value
    >>> a = Value(3.0, name="a")
    >>> out = a * a + a
    >>> out.backward()
    >>> draw(out).source.count("local 3")   # a*a: two edges from a, each with local derivative a
    2
    """
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw: rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"draw: digits must be an integer from 1 to 17, got {digits!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"draw: max_nodes must be a positive integer or None, got {max_nodes!r}")
    steps = root_or_steps if is_steps(root_or_steps) else None
    root = steps.root if steps is not None else root_or_steps
    if not isinstance(root, Node):
        raise TypeError(
            f"draw: expected a graph node (Value or Tensor) or a step-by-step backprop, got {type(root).__name__}"
        )
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise GraphTooLargeError(
            f"draw: the graph of {root.label!r} has {len(order)} nodes, more than max_nodes={max_nodes}; "
            "Graphviz would take very long to lay it out. Draw a smaller part (one sample, one neuron), "
            "group the layers with `with name_scope(...)` so the diagram stays readable, "
            "or raise max_nodes (None: no limit)."
        )
    label_attribute = "label" if len(order) <= LARGE_GRAPH else "xlabel"
    options = _Options(rankdir, bool(show_grad), bool(show_local), digits, _BACK_ARROW[rankdir], label_attribute)
    graph = Diagram(
        name="chainrule",
        graph_attr=_graph_attributes(rankdir, title),
        node_attr={"fontname": _FONT, "fontsize": "12"},
        edge_attr={"fontname": _FONT, "fontsize": "11", "arrowsize": "0.7"},
    )
    graph.node_count = len(order)
    node_lines, edge_lines, scope_of = _build(order, options, steps)
    if clusters and any(scope_of):
        lines = _clustered(node_lines, scope_of)
    else:
        lines = [line for group in node_lines for line in group]
    lines.extend(edge_lines)
    graph.body.extend([f"\t{line}\n" for line in lines])
    return graph


def _graph_attributes(rankdir: str, title: str | None) -> dict[str, str]:
    # newrank: rank the whole graph at once rather than cluster by cluster; with name scopes
    # this makes dot tens of times faster (a 1,000-node MLP in layers: 100 s -> 2 s).
    attributes = {"rankdir": rankdir, "bgcolor": "white", "nodesep": "0.3", "ranksep": "0.45", "newrank": "true"}
    if title is not None:
        attributes.update(
            label=f"<<b>{escape(str(title))}</b>>", labelloc="t", fontsize="18", fontname=_FONT
        )
    return attributes


def _build(order: list[Node], options: _Options, steps: Any) -> tuple[list[list[str]], list[str], list[str]]:
    """DOT lines for each node (its box and its op circle) and for every edge, and each node's
    scope, in topological order.  Node ids are positions in that order: ``v3`` and ``o3``."""
    index = {node: i for i, node in enumerate(order)}
    digits = options.digits
    node_lines: list[list[str]] = []
    edge_lines: list[str] = []
    scope_of: list[str] = []
    current = steps.current_step if steps is not None else None
    captions = Captions(order[-1], nodes=order)  # one caption per node, as every view says it
    current_node = current.node if current is not None else None
    # Before the first step only the output's gradient is known (seeded with 1): highlight it.
    seeded_root = order[-1] if steps is not None and current is None else None
    for i, node in enumerate(order):
        state = steps.state(node) if steps is not None else "done"
        if node is current_node or node is seeded_root:
            state = "current"
        tensor = is_tensor(node)
        scope_of.append(node.scope or "")
        if node.op == "const" and not node.parents:
            node_lines.append([f'v{i} [label=<{constant_label(node, digits=digits)}> shape=box style="rounded,filled" '
                               f'fillcolor="#f2f2f2" color="#bbbbbb" fontsize="10" fontcolor="#555555" '
                               f'width="0.3" height="0.25" margin="0.04,0.02"]'])
            continue
        muted = state == "pending"
        grad = _shown_grad(node, options, state, steps)
        # Part-way through a backprop, an unnamed node is called what the step texts call it
        # (``apple*count``), so the diagram and the text under it agree.
        caption = steps.label(node) if steps is not None and hasattr(steps, "label") else captions.label(node)
        label = (tensor_label if tensor else value_label)(node, digits=digits, grad=grad, muted=muted, caption=caption)
        if state == "current":
            extra = f' fillcolor="{CURRENT_FILL}" color="{CURRENT}" penwidth="2.5"'
        elif muted:
            extra = f' fillcolor="white" color="{MUTED}"'
        else:
            extra = ' fillcolor="white"'
        lines = [f'v{i} [label=<{label}> shape=box style="rounded,filled"{extra}]']
        if node.parents:
            lines.append(_op_node(i, node, state))
            contributions = current if node is current_node else None
            edge_lines.extend(_input_edges(i, node, index, options, state, contributions))
            edge_lines.append(f"o{i} -> v{i}" + (f' [color="{MUTED}"]' if muted else ""))
        node_lines.append(lines)
    return node_lines, edge_lines, scope_of


def _shown_grad(node: Node, options: _Options, state: str, steps: Any = None) -> Any:
    """The gradient a node's box shows, or None (hidden, pending, or not computed yet).
    Part-way through a backprop it is the running gradient (the root's seed before step 1)."""
    if not options.show_grad or state == "pending":
        return None
    grad = steps.gradient(node) if steps is not None and hasattr(steps, "gradient") else node.grad
    if grad is None or grad is type(node)._empty_grad:
        return None
    return grad


def _op_node(i: int, node: Node, state: str) -> str:
    symbol = escape(op_symbol(node))
    size = "16" if len(symbol) <= 2 else "12"
    # ordering=in: inputs stay in argument order (first on top), which matters for − ÷ **.
    attributes = f'shape=circle fontsize="{size}" width="0.42" margin="0.02" ordering=in'
    if state == "current":
        attributes += f' style=filled fillcolor="{CURRENT_FILL}" color="{CURRENT}" penwidth="2.5"'
    elif state == "pending":
        attributes += f' color="{MUTED}" fontcolor="{MUTED}"'
    return f"o{i} [label=<{symbol}> {attributes}]"


def _input_edges(
    i: int, node: Node, index: dict[Node, int], options: _Options, state: str, current: Any
) -> list[str]:
    """One edge per input use, labelled with the local derivative and what flows back.

    What flows back is written once the node is done (``← grad × local``); on the current
    node of a step-by-step backprop (``current``: its step) it reads ``upstream × local =
    contribution``."""
    digits = options.digits
    tensor = is_tensor(node)
    locals_ = () if tensor else getattr(node, "local", ())
    grad = _shown_grad(node, options, state) if state == "done" else None
    contributions = {c.index: c for c in current.contributions} if current is not None else {}
    lines = []
    for k, parent in enumerate(node.parents):
        constant = parent.op == "const" and not parent.parents
        local_text = None
        backward_text = None
        bold = False
        if options.show_local and not constant:
            if tensor:
                # An input that needs no gradient gets none: no VJP is computed for it.
                local_text = vjp_words(node, k) if parent.requires_grad else None
            elif k < len(locals_):
                local_text = f"local {format_number(locals_[k], digits)}"
        if k in contributions and options.show_grad:
            c = contributions[k]
            if tensor:
                rows = summarize_array(np.asarray(c.contribution), min(digits, 3))
                backward_text = "\n".join(["sends " + rows[0], *rows[1:]])
            else:
                upstream = format_number(current.upstream, digits)
                backward_text = (
                    f"{upstream} × {format_number(c.local, digits)} = {format_number(c.contribution, digits)}"
                )
            bold = True
        elif grad is not None and not tensor and parent.requires_grad and k < len(locals_):
            backward_text = options.back_arrow + format_number(_times(grad, locals_[k]), digits)
        label = edge_label(local_text, backward_text, muted=state == "pending", bold=bold)
        attributes = []
        if label is not None:
            attributes.append(f"{options.label_attribute}=<{label}>")
        if bold:
            attributes.append(f'color="{BACKWARD}" penwidth="2"')
        elif state == "pending" or constant:
            attributes.append(f'color="{MUTED}"')
        lines.append(f"v{index[parent]} -> o{i}" + (f" [{' '.join(attributes)}]" if attributes else ""))
    return lines


def _times(grad: Any, local: Any) -> float:
    """upstream x local as a number (a gradient built with create_graph=True is a Value)."""
    return float(getattr(grad, "data", grad)) * float(getattr(local, "data", local))


def _clustered(node_lines: list[list[str]], scope_of: list[str]) -> list[str]:
    """Node lines wrapped in nested ``subgraph cluster_k { ... }`` blocks, one per scope
    (``"a/b"`` inside ``"a"``), in order of first appearance."""
    children: dict[str, list[str]] = {"": []}
    members: dict[str, list[str]] = {"": []}
    for lines, scope in zip(node_lines, scope_of):
        if scope not in members:
            parts = scope.split("/")
            for depth in range(1, len(parts) + 1):
                path = "/".join(parts[:depth])
                if path not in members:
                    members[path] = []
                    children[path] = []
                    children["/".join(parts[: depth - 1])].append(path)
        members[scope].extend(lines)
    numbers = {path: k for k, path in enumerate(p for p in members if p)}
    out: list[str] = []
    # An explicit stack of (scope, entering?) instead of recursion.
    stack: list[tuple[str, bool]] = [("", True)]
    while stack:
        path, entering = stack.pop()
        if not entering:
            out.append("}")
            continue
        if path:
            name = path.rsplit("/", 1)[-1]
            out.append(
                f"subgraph cluster_{numbers[path]} {{ label=<<b>{escape(name)}</b>> labeljust=l "
                f'style="rounded,dashed" color="#7a7a7a" fontname="{_FONT}" fontsize="12"'
            )
            stack.append((path, False))
        out.extend(members[path])
        stack.extend((child, True) for child in reversed(children[path]))
    return out
