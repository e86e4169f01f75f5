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
from dataclasses import replace
from html import escape
from typing import Any

import graphviz

from autograd_core import Node
from autograd_core.words import Captions, clean_text, format_number, path_lines, path_product, path_route, signed_sum

from .budget import DRAW_MAX_NODES, WALK_LIMIT, GraphTooLargeError, bounded_order, choose_collapse, too_large
from .collapse import Grouping, check_collapse, group_nodes
from .display import readable
from .dot import GraphvizNotFoundError, RenderError, render_source
from .layered import current_picture, is_layer_steps, is_layered, stepper_of
from .palette import BACKWARD, PATH, SOFT_TEXT
from .scopes import scope_of
from .walk.dot import FONT, LARGE_GRAPH, Options, body
from .walk.frames import now, still
from .walk.layout import graph_attributes
from .walk.model import is_steps
from .walk.paths import found_paths, path_edges
from .walk.picture import FANOUT, Picture
from .walk.styles import legend_table

__all__ = ["FANOUT", "LARGE_GRAPH", "CollapsedWarning", "Diagram", "GraphTooLargeError", "draw", "is_steps"]

_RANKDIRS = ("LR", "TB", "RL", "BT")
_FONT = FONT

#: How long a notebook waits for ``dot`` before showing a message instead of the picture.
DISPLAY_TIMEOUT = 20.0


class CollapsedWarning(UserWarning):
    """A graph over the node budget was drawn with some name scopes folded into boxes."""


class Diagram(graphviz.Digraph):
    """The ``graphviz.Digraph`` that :func:`draw` returns, knowing how many boxes it shows.

    Displayed in Jupyter it lays itself out with ``dot`` (with a timeout) and fits the cell's
    width as far as its text stays readable, scrolling sideways beyond (:mod:`viz.display`); a
    missing ``dot`` or a ``dot`` that fails shows a sentence instead of a traceback.
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
        return svg, f"(a diagram of {self.node_count} boxes)"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        # HTML first: a notebook shows it in a box that scrolls sideways instead of shrinking the
        # diagram until it cannot be read (see viz.display)
        svg, text = self._svg_or_message()
        if svg is None:
            return {"text/plain": text}
        return {"text/html": readable(svg), "image/svg+xml": svg, "text/plain": text}

    def _repr_svg_(self) -> str | None:
        return self._svg_or_message()[0]

    def _repr_html_(self) -> str | None:
        svg = self._svg_or_message()[0]
        return None if svg is None else readable(svg)


def draw(
    root_or_steps: Any,
    *inputs: Any,
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
    paths: Any = None,
    check: bool = False,
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

    ``paths=x`` draws the multivariable chain rule for input ``x``: every path from ``x`` to the
    output in its own colour, each edge naming the paths along it, and under the title each
    path's product of local derivatives and their sum, the gradient (:func:`autograd_core.paths`;
    at most :data:`viz.walk.paths.MAX_DRAWN_PATHS` paths, counted before any is drawn).

    A layered network of the book (anything with ``layers`` in order and a ``lastLayer``, such as
    ``nn.textbook.TwoLayerNet``) is drawn with its batch and labels, ``draw(network, x, t)``: its
    layers, the arrays flowing forward and, backpropagated by its own hand-written ``backward``,
    the ``dout`` each layer receives and what it sends back (see :mod:`viz.layered`); with
    ``check=True`` the layers ``check_layers`` finds wrong say so in red.  A network being
    stepped (``nn.textbook.layers_backprop(network, x, t)``) is drawn where it stands.

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
    if is_layered(root_or_steps) or is_layer_steps(root_or_steps):
        return _draw_layered(root_or_steps, inputs, rankdir=rankdir, show_grad=show_grad, show_local=show_local,
                             digits=digits, title=title, legend=legend, size_text=size_text, check=check)
    if inputs:
        raise TypeError(
            f"draw: {len(inputs)} more positional argument(s): a batch and labels are for a layered network "
            "(draw(network, x, t)); a graph node or a backprop is drawn alone"
        )
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
    keep_open = scope_of(current_step.node) or None if current_step is not None else None
    grouping = group_nodes(order, collapse if collapse is not None else False, keep_open)
    note = None
    if max_nodes is not None and grouping.drawn_count + _copies(order, grouping) > max_nodes:
        scoped = any(scope_of(node) for node in order)
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
    if steps is not None:
        frame = now(steps, order, rankdir=rankdir, digits=digits)
        captions = getattr(steps, "captions", None) or Captions(root, nodes=order)
        grads = steps.gradient if hasattr(steps, "gradient") else None
    else:
        frame = still(order, forward=not show_grad)
        captions = Captions(root, nodes=order)
        grads = None
    found = None
    if paths is not None:
        found = found_paths(root, paths, view="draw")
        frame = replace(frame, paths=path_edges(found, order))
    picture = Picture.of(order, groups=grouping.groups, digits=digits, rankdir=rankdir, captions=captions,
                         grads=grads, show_grad=bool(show_grad))
    scene = picture.scene(frame, show_grad=bool(show_grad), show_local=bool(show_local))
    label_attribute = "label" if grouping.drawn_count <= LARGE_GRAPH else "xlabel"
    options = Options(show_local=bool(show_local), clusters=bool(clusters), label_attribute=label_attribute)
    attributes = _graph_attributes(picture, rankdir, title, note, scene.used(picture) if legend else None, size_text,
                                   _paths_table(found, captions) if found is not None else None)
    graph = _diagram(picture, scene, options, attributes)
    graph.collapse_note = note
    return graph


def _diagram(picture: Picture, scene: Any, options: Options, attributes: dict[str, str]) -> Diagram:
    """The Digraph of ``picture`` as ``scene`` shows it."""
    graph = Diagram(
        name="chainrule",
        graph_attr=attributes,
        node_attr={"fontname": _FONT, "fontsize": "12"},
        edge_attr={"fontname": _FONT, "fontsize": "11", "arrowsize": "0.7"},
    )
    graph.node_count = picture.drawn_count
    graph.body.extend([f"\t{line}\n" for line in body(picture, scene, options)])
    return graph


def _draw_layered(network_or_steps: Any, inputs: tuple, *, rankdir: str, show_grad: bool, show_local: bool,
                  digits: int, title: str | None, legend: bool, size_text: str | None, check: bool) -> Diagram:
    """A layered network (with its batch and labels: backpropagated through every layer) or its
    stepper (where it stands): see :mod:`viz.layered`."""
    if is_layer_steps(network_or_steps):
        if inputs:
            raise TypeError("draw: a layered network being stepped is drawn alone (it has its batch and labels)")
        steps = network_or_steps
    else:
        if len(inputs) != 2:
            raise TypeError(
                f"draw: a layered network ({type(network_or_steps).__name__}: layers, lastLayer) is drawn with its "
                f"batch and labels, draw(network, x, t); got {len(inputs)} more argument(s)"
            )
        steps = stepper_of(network_or_steps, *inputs, view="draw", check=check)
        steps.run()
    picture, frame = current_picture(steps, rankdir=rankdir, digits=digits)
    if not show_grad:
        frame = replace(frame, kind="forward")
    scene = picture.scene(frame, show_grad=bool(show_grad), show_local=bool(show_local))
    options = Options(show_local=bool(show_local), clusters=False, label_attribute="label")
    attributes = _graph_attributes(picture, rankdir, title, None, scene.used(picture) if legend else None, size_text)
    return _diagram(picture, scene, options, attributes)


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


def _paths_table(found: Any, captions: Captions) -> str:
    """Each path's route and product, and the sum, as the words module writes them: a table."""
    head = path_lines(found, captions)[0]
    rows = [f'<tr><td colspan="3" align="left">{escape(head)}</td></tr>']
    for number, path in enumerate(found, start=1):
        rows.append(
            f'<tr><td align="left"><font color="{PATH}"><b>path {number}</b></font></td>'
            f'<td align="left">{escape(clean_text(path_route(path, captions)))}</td>'
            f'<td align="left">{escape(path_product(path, captions))}</td></tr>'
        )
    total = signed_sum([path.product for path in found])
    if len(found) > 1:
        total += f" = {format_number(found.total)}"
    rows.append(f'<tr><td colspan="3" align="left">sum over the paths: {escape(total)} = '
                f'<font color="{BACKWARD}">{escape(captions.grad_name(found.source))}</font></td></tr>')
    return f'<table border="0" cellspacing="2" cellpadding="1">{"".join(rows)}</table>'


def _graph_attributes(
    picture: Picture, rankdir: str, title: str | None, note: str | None = None, legend: set[str] | None = None,
    size: str | None = None, paths: str | None = None,
) -> dict[str, str]:
    attributes = graph_attributes(picture, rankdir)
    if size is not None:
        attributes["size"] = size
    rows = []
    if title is not None:
        rows.append(f'<tr><td><font point-size="18"><b>{escape(clean_text(str(title)))}</b></font></td></tr>')
    if paths is not None:
        # empty cells at both ends take the room a wider row (the legend) gives: the paths' columns stay close
        rows.append(f'<tr><td><table border="0" cellspacing="0"><tr><td></td><td>{paths}</td><td></td></tr></table>'
                    "</td></tr>")
    if legend is not None:
        rows.append(f"<tr><td>{legend_table(legend)}</td></tr>")
    if note is not None:
        rows.append(f'<tr><td><font point-size="10" color="{SOFT_TEXT}">{escape(note)}</font></td></tr>')
    if rows:
        attributes.update(label=f'<<table border="0" cellspacing="2">{"".join(rows)}</table>>',
                          labelloc="t", fontname=_FONT)
    return attributes


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


