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

import warnings
from dataclasses import dataclass
from html import escape
from typing import Any

import graphviz
import numpy as np

from autograd_core import Node
from autograd_core.words import Captions, clean_text, format_number, summarize_array

from .budget import DRAW_MAX_NODES, WALK_LIMIT, GraphTooLargeError, bounded_order, choose_collapse, too_large
from .collapse import Grouping, check_collapse, group_label, group_nodes
from .dot import GraphvizNotFoundError, RenderError, fit_width, render_source
from .labels import (
    BACKWARD,
    CURRENT,
    CURRENT_FILL,
    MUTED,
    constant_label,
    edge_label,
    is_tensor,
    legend_table,
    op_symbol,
    short_op,
    tensor_label,
    value_label,
    vjp_words,
)

__all__ = ["FANOUT", "LARGE_GRAPH", "CollapsedWarning", "Diagram", "GraphTooLargeError", "draw", "is_steps"]

_RANKDIRS = ("LR", "TB", "RL", "BT")
# The arrow written before a backward value: it points from the output back to the input.
_BACK_ARROW = {"LR": "← ", "RL": "→ ", "TB": "↑ ", "BT": "↓ "}
_FONT = "Helvetica,Arial,sans-serif"

#: Above this many nodes, edge labels become Graphviz "xlabels", placed after the layout instead
#: of taking part in it: ``dot`` runs about 4x faster (a 1,000-node MLP: 2.3 s -> 0.5 s) at the
#: cost of tidier placement, which only slide-sized graphs need.
LARGE_GRAPH = 250

#: A node used more than this many times is drawn once, at its first use; every further use reads
#: it from a small dashed copy beside the op.  Long edges from one node to many ranks are what
#: makes ``dot`` explode: 60 labelled uses of ``x`` took over 60 s (and 300 uses crashed dot even
#: without labels); with copies 60 uses take 0.2 s and 300 uses 0.8 s.
FANOUT = 6

#: How long a notebook waits for ``dot`` before showing a message instead of the picture.
DISPLAY_TIMEOUT = 20.0


class CollapsedWarning(UserWarning):
    """A graph over the node budget was drawn with some name scopes folded into boxes."""


class Diagram(graphviz.Digraph):
    """The ``graphviz.Digraph`` that :func:`draw` returns, knowing how many boxes it shows.

    Displayed in Jupyter it lays itself out with ``dot`` (with a timeout) and fits the cell's
    width; a missing ``dot`` or a ``dot`` that fails shows a sentence instead of a traceback.
    """

    node_count = 0
    #: The note when scopes were folded automatically (None otherwise).
    collapse_note: str | None = None

    def copy(self) -> Diagram:
        """A copy, node count included."""
        new = super().copy()
        new.node_count = self.node_count
        new.collapse_note = self.collapse_note
        return new

    def _svg_or_message(self) -> tuple[str | None, str]:
        try:
            svg = render_source(self.source, "svg", timeout=DISPLAY_TIMEOUT).decode("utf-8")
        except (GraphvizNotFoundError, RenderError) as error:
            return None, str(error)
        return fit_width(svg), f"(a diagram of {self.node_count} boxes)"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        svg, text = self._svg_or_message()
        if svg is None:
            return {"text/plain": text}
        return {"image/svg+xml": svg, "text/html": f'<div style="max-width:100%">{svg}</div>', "text/plain": text}

    def _repr_svg_(self) -> str | None:
        return self._svg_or_message()[0]

    def _repr_html_(self) -> str | None:
        svg = self._svg_or_message()[0]
        return None if svg is None else f'<div style="max-width:100%">{svg}</div>'


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
    max_nodes: int | None = DRAW_MAX_NODES,
    clusters: bool = True,
    collapse: Any = None,
    legend: bool = False,
    size: tuple[float, float] | None = None,
) -> Diagram:
    """The diagram of everything ``root`` depends on, as a ``graphviz.Digraph``.

    ``root_or_steps`` is an output node (``Value`` or ``Tensor``) or a step-by-step backprop
    (``root.backprop()``): then finished nodes show their gradients, the current node is
    highlighted with ``upstream × local = contribution`` on its edges, and pending nodes are grey.

    Options: ``rankdir`` "LR" (inputs on the left) or "TB" (inputs on top; also "RL", "BT");
    ``show_grad=False`` for a "before backward" slide; ``show_local=False`` hides the local
    derivatives; ``digits`` significant digits; ``title`` above the diagram; ``clusters=False``
    ignores name scopes; ``legend=True`` adds a colour key; ``size=(width, height)`` in inches
    shrinks the drawing to fit (a slide: ``(13.3, 7.5)``).

    ``collapse`` folds name scopes into one box each (see :mod:`viz.collapse`): ``True`` every
    top-level scope, an int folds below that depth, a list names scopes, ``False`` none.  The
    scope holding a step-by-step backprop's current node stays open.

    ``max_nodes`` is the most boxes handed to Graphviz (None: no limit).  A bigger graph is
    folded by scope automatically when ``collapse`` is not given (with a ``CollapsedWarning`` and
    a note under the diagram); if that is not enough it is refused, before any DOT is built,
    with a ``GraphTooLargeError`` naming its size and what shrinks it.

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
    size_text = _size_text(size)
    collapse = check_collapse(collapse)
    steps = root_or_steps if is_steps(root_or_steps) else None
    root = steps.root if steps is not None else root_or_steps
    if not isinstance(root, Node):
        raise TypeError(
            f"draw: expected a graph node (Value or Tensor) or a step-by-step backprop, got {type(root).__name__}"
        )
    what = clean_text(root.label)
    walk_limit = None if max_nodes is None else max(WALK_LIMIT, max_nodes)
    order = bounded_order(root, walk_limit)
    if order is None:
        raise too_large(what, f"more than {walk_limit:,} nodes (counting stopped there)", max_nodes, scoped=False)
    current_step = steps.current_step if steps is not None else None
    keep_open = (current_step.node.scope or None) if current_step is not None else None
    grouping = group_nodes(order, collapse if collapse is not None else False, keep_open)
    note = None
    if max_nodes is not None and grouping.drawn_count + _copies(order, grouping) > max_nodes:
        scoped = any(node.scope for node in order)
        chosen = choose_collapse(order, max_nodes) if collapse is None else None
        if chosen is None:
            copies = _copies(order, grouping)
            size = f"{len(order)} nodes" + (f" (and {copies} copies of much used nodes)" if copies else "")
            raise too_large(what, size, max_nodes, scoped=scoped)
        collapse, grouping = chosen
        note = (
            f"{len(order)} nodes, more than max_nodes={max_nodes}: name scopes folded into boxes "
            f"(collapse={collapse!r}); pass collapse=False, max_nodes=None to draw every node"
        )
        warnings.warn(f"draw: {note}", CollapsedWarning, stacklevel=2)
    label_attribute = "label" if grouping.drawn_count <= LARGE_GRAPH else "xlabel"
    options = _Options(rankdir, bool(show_grad), bool(show_local), digits, _BACK_ARROW[rankdir], label_attribute)
    graph = Diagram(
        name="chainrule",
        graph_attr=_graph_attributes(rankdir, title, note, legend, size_text),
        node_attr={"fontname": _FONT, "fontsize": "12"},
        edge_attr={"fontname": _FONT, "fontsize": "11", "arrowsize": "0.7"},
    )
    graph.node_count = grouping.drawn_count
    graph.collapse_note = note
    node_lines, edge_lines, scope_of = _build(order, options, steps, grouping)
    if clusters and any(scope_of):
        lines = _clustered(node_lines, scope_of)
    else:
        lines = [line for group in node_lines for line in group]
    lines.extend(edge_lines)
    if clusters and any(scope_of) and not grouping.groups and grouping.drawn_count <= LARGE_GRAPH:
        lines.extend(_rank_by_level(order, grouping))
    graph.body.extend([f"\t{line}\n" for line in lines])
    return graph


def _size_text(size: Any) -> str | None:
    if size is None:
        return None
    try:
        width, height = (float(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"draw: size must be (width, height) in inches, got {size!r}") from None
    if not (0 < width < 1000 and 0 < height < 1000):
        raise ValueError(f"draw: size must be two positive numbers of inches, got {size!r}")
    return f"{width:g},{height:g}"


def _graph_attributes(
    rankdir: str, title: str | None, note: str | None = None, legend: bool = False, size: str | None = None
) -> dict[str, str]:
    # newrank: rank the whole graph at once rather than cluster by cluster; with name scopes
    # this makes dot tens of times faster (a 1,000-node MLP in layers: 100 s -> 2 s).
    attributes = {"rankdir": rankdir, "bgcolor": "white", "nodesep": "0.3", "ranksep": "0.45", "newrank": "true"}
    if size is not None:
        attributes["size"] = size
    rows = []
    if title is not None:
        rows.append(f'<tr><td><font point-size="18"><b>{escape(clean_text(str(title)))}</b></font></td></tr>')
    if legend:
        rows.append(f"<tr><td>{legend_table()}</td></tr>")
    if note is not None:
        rows.append(f'<tr><td><font point-size="10" color="{MUTED}">{escape(note)}</font></td></tr>')
    if rows:
        attributes.update(label=f'<<table border="0" cellspacing="2">{"".join(rows)}</table>>',
                          labelloc="t", fontname=_FONT)
    return attributes


def _build(
    order: list[Node], options: _Options, steps: Any, grouping: Grouping
) -> tuple[list[list[str]], list[str], list[str]]:
    """DOT lines for each drawn box (a node with its op circle, a folded scope, a copy of a much
    used node) and for every edge, and each box's scope.  Node ids are positions in the
    topological order (``v3`` and ``o3``); folded scopes are ``c0``, ``c1``, ...; copies of a much
    used node ``g3_2`` (node 3, its use 2)."""
    index = {node: i for i, node in enumerate(order)}
    group_of = grouping.group_of
    group_ids = {name: f"c{k}" for k, name in enumerate(grouping.groups)}
    digits = options.digits
    node_lines: list[list[str]] = []
    edge_lines: list[str] = []
    scope_of: list[str] = []
    current = steps.current_step if steps is not None else None
    captions = Captions(order[-1], nodes=order)  # one caption per node, as every view says it
    current_node = current.node if current is not None else None
    # Before the first step only the output's gradient is known (seeded with 1): highlight it.
    seeded_root = order[-1] if steps is not None and current is None else None
    uses = _visible_uses(order, index, group_of)
    used_so_far: dict[int, int] = {}
    for i, node in enumerate(order):
        if group_of[i] is not None:
            continue
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
        if uses.get(i, 0) > FANOUT:
            label += f'<br/><font point-size="9" color="{MUTED}">used {uses[i]}×</font>'
        if state == "current":
            extra = f' fillcolor="{CURRENT_FILL}" color="{CURRENT}" penwidth="2.5"'
        elif muted:
            extra = f' fillcolor="white" color="{MUTED}"'
        else:
            extra = ' fillcolor="white"'
        lines = [f'v{i} [label=<{label}> shape=box style="rounded,filled"{extra}]']
        copies: list[str] = []
        if node.parents:
            lines.append(_op_node(i, node, state))
            contributions = current if node is current_node else None
            sources = []
            for parent in node.parents:
                p = index[parent]
                if group_of[p] is not None:
                    sources.append(group_ids[group_of[p]])
                    continue
                k = used_so_far[p] = used_so_far.get(p, 0) + 1
                if k > 1 and uses[p] > FANOUT:
                    copy = f"g{p}_{k}"
                    copies.append(_copy_node(copy, parent, k, uses[p], steps))
                    sources.append(copy)
                else:
                    sources.append(f"v{p}")
            edge_lines.extend(_input_edges(i, node, sources, options, state, contributions))
            edge_lines.append(f"o{i} -> v{i}" + (f' [color="{MUTED}"]' if muted else ""))
        node_lines.append(lines)
        for copy in copies:  # beside the op that reads them, in its scope
            node_lines.append([copy])
            scope_of.append(node.scope or "")
    if grouping.groups:
        _add_groups(order, index, grouping, group_ids, options, steps, node_lines, edge_lines, scope_of)
    return node_lines, edge_lines, scope_of


def _rank_by_level(order: list[Node], grouping: Grouping) -> list[str]:
    """``{rank=same; ...}`` lines that put every node at its depth in the computation.

    An op's depth is one more than its deepest input's; an input (a weight, ``x``) sits just
    before its earliest use.  So the neurons of a layer line up column by column, a layer's
    weights sit inside its box, and the next layer starts where this one ends.  Only for small
    graphs drawn in full: the constraints cost ``dot`` time on big ones."""
    index = {node: i for i, node in enumerate(order)}
    level: dict[int, int] = {}
    for i, node in enumerate(order):
        if node.parents:
            # One level more where the computation enters another top-level scope (layer1 ->
            # layer2): the next layer's weights then get a column of their own, the two layer
            # boxes share no rank, and dot can put them side by side instead of in a staircase.
            level[i] = 1 + max(
                (level[index[p]] + (_top_scope(p) != _top_scope(node)) for p in node.parents if p.parents), default=0
            )
    first_use: dict[int, int] = {}
    for i, node in enumerate(order):
        for parent in node.parents:
            p = index[parent]
            if not parent.parents:
                first_use[p] = min(first_use.get(p, level[i]), level[i])
    ranks: dict[int, list[str]] = {}
    for i, node in enumerate(order):
        if node.parents:
            ranks.setdefault(2 * level[i], []).append(f"v{i}")
            ranks.setdefault(2 * level[i] - 1, []).append(f"o{i}")
        elif i in first_use:
            ranks.setdefault(2 * first_use[i] - 2, []).append(f"v{i}")
    columns = [ids for _, ids in sorted(ranks.items())]
    lines = [f"{{rank=same; {'; '.join(ids)}}}" for ids in columns if len(ids) > 1]
    # Keep the columns in this order, one apart: without it dot may fold a layer's weights into the
    # column of the previous layer's outputs, and the layer boxes climb down in a staircase.
    lines.extend(f"{a[0]} -> {b[0]} [style=invis weight=0]" for a, b in zip(columns, columns[1:]))
    return lines


def _top_scope(node: Node) -> str | None:
    """The outermost name scope of a node (``layer1`` for ``layer1/neuron0``), or None."""
    return node.scope.split("/", 1)[0] if node.scope else None


def _copies(order: list[Node], grouping: Grouping) -> int:
    """How many dashed copies of much used nodes the diagram will have (they count as boxes)."""
    uses = _visible_uses(order, {node: i for i, node in enumerate(order)}, grouping.group_of)
    return sum(n - 1 for n in uses.values() if n > FANOUT)


def _visible_uses(order: list[Node], index: dict[Node, int], group_of: list[str | None]) -> dict[int, int]:
    """How many times each visible node is an input of a visible node (one edge per use)."""
    uses: dict[int, int] = {}
    if not any(group_of):  # nothing folded: every edge counts
        get = uses.get
        for node in order:
            for parent in node.parents:
                p = index[parent]
                uses[p] = get(p, 0) + 1
        return uses
    for i, node in enumerate(order):
        if group_of[i] is None:
            for parent in node.parents:
                p = index[parent]
                if group_of[p] is None:
                    uses[p] = uses.get(p, 0) + 1
    return uses


def _copy_node(node_id: str, node: Node, use: int, uses: int, steps: Any) -> str:
    """A small dashed copy of a much used node, beside the op that uses it once more."""
    caption = steps.label(node) if steps is not None and hasattr(steps, "label") else node.label
    text = escape(clean_text(node.name if node.name is not None else caption))
    return (f'{node_id} [label=<<i>{text}</i>> tooltip="{text}: use {use} of {uses}" shape=box '
            f'style="rounded,dashed" color="{MUTED}" fontsize="10" width="0.3" height="0.25" margin="0.04,0.02"]')


def _add_groups(
    order: list[Node], index: dict[Node, int], grouping: Grouping, group_ids: dict[str, str], options: _Options,
    steps: Any, node_lines: list[list[str]], edge_lines: list[str], scope_of: list[str],
) -> None:
    """One box per folded scope, and one edge from each outside node (or other folded scope)
    that feeds it."""
    group_of = grouping.group_of
    root = order[-1]
    consumed_outside: set[int] = set()
    entering: dict[str, dict[int, None]] = {name: {} for name in grouping.groups}
    edges: dict[tuple[str, str], None] = {}
    for i, node in enumerate(order):
        target = group_of[i]
        for parent in node.parents:
            p = index[parent]
            source = group_of[p]
            if source == target:
                continue
            if source is not None:
                consumed_outside.add(p)
            if target is not None:
                entering[target][p] = None
                edges[(group_ids[source] if source is not None else f"v{p}", group_ids[target])] = None
    for name, members in grouping.groups.items():
        nodes = [order[m] for m in members]
        leaving = [order[m] for m in members if m in consumed_outside or order[m] is root]
        states = {steps.state(n) for n in nodes} if steps is not None else {"done"}
        muted = states == {"pending"}
        label = group_label(
            name.rsplit("/", 1)[-1], nodes, [order[p] for p in entering[name]], leaving, digits=options.digits,
            show_grad=options.show_grad and not muted, muted=muted,
        )
        color = MUTED if muted else "#555555"
        node_lines.append([
            f'{group_ids[name]} [label=<{label}> shape=box style="rounded,filled,bold" fillcolor="#eef3fa" '
            f'color="{color}" tooltip="{escape(clean_text(name))} (folded)"]'
        ])
        scope_of.append(name.rsplit("/", 1)[0] if "/" in name else "")
    for source, target in edges:
        edge_lines.append(f"{source} -> {target}")


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
    full = op_symbol(node)
    symbol = escape(short_op(full))
    # ordering=in: inputs stay in argument order (first on top), which matters for − ÷ **.
    if len(full) <= 4:
        size = "16" if len(full) <= 2 else "12"
        attributes = f'shape=circle fontsize="{size}" width="0.42" margin="0.02" ordering=in'
    else:  # a word: a small rounded box, not a circle as wide as the word
        attributes = 'shape=box style=rounded fontsize="11" width="0.3" height="0.3" margin="0.05,0.02" ordering=in'
    attributes += f' tooltip="{escape(clean_text(node.op or full))}"'
    if state == "current":
        style = "rounded,filled" if len(full) > 4 else "filled"
        attributes += f' style="{style}" fillcolor="{CURRENT_FILL}" color="{CURRENT}" penwidth="2.5"'
    elif state == "pending":
        attributes += f' color="{MUTED}" fontcolor="{MUTED}"'
    return f"o{i} [label=<{symbol}> {attributes}]"


def _input_edges(
    i: int, node: Node, sources: list[str], options: _Options, state: str, current: Any
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
        lines.append(f"{sources[k]} -> o{i}" + (f" [{' '.join(attributes)}]" if attributes else ""))
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
            name = clean_text(path.rsplit("/", 1)[-1])
            out.append(
                f"subgraph cluster_{numbers[path]} {{ label=<<b>{escape(name)}</b>> labeljust=l "
                f'style="rounded,dashed" color="#7a7a7a" fontname="{_FONT}" fontsize="12"'
            )
            stack.append((path, False))
        out.extend(members[path])
        stack.extend((child, True) for child in reversed(children[path]))
    return out
