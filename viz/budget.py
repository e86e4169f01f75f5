"""How big a diagram may get, decided before any DOT is written.

Graphviz's ``dot`` lays out about 1,000 boxes in a second and 2,000 in ten; beyond a few
thousand it takes minutes or runs out of memory.  So :func:`viz.draw` counts the graph first,
with a walk that stops as soon as the count passes :data:`WALK_LIMIT` (a chain of a million
nodes is refused in a fraction of a second, without walking it all), and then:

- at most ``max_nodes`` boxes: drawn as asked;
- more, and the graph has name scopes: the fewest scopes are folded that bring it under the
  budget (:mod:`viz.collapse`), with a warning and a note in the diagram;
- still more: refused with a :class:`GraphTooLargeError` naming the size and what shrinks it.

Example:
    >>> from autograd_core import Value
    >>> x = Value(1.0)
    >>> y = x
    >>> for _ in range(10):
    ...     y = y + 1.0
    >>> len(bounded_order(y, 100)), bounded_order(y, 5)
    (21, None)
"""

from __future__ import annotations

from typing import Any

from autograd_core import Node
from autograd_core.graph import gc_paused

from .collapse import Grouping, group_nodes
from .scopes import scope_of

__all__ = ["DRAW_MAX_NODES", "WALK_LIMIT", "GraphTooLargeError", "bounded_order", "choose_collapse"]

#: The most boxes handed to ``dot`` by default: about a second of layout on a quiet machine
#: (the 982-node MLP of ``bench/viz_render.py``), a few seconds for the worst shapes measured.
DRAW_MAX_NODES = 1200

#: The most graph nodes a diagram looks at, even to fold them into scope boxes: walking and
#: grouping them takes about 0.3 s.
WALK_LIMIT = 100_000


class GraphTooLargeError(ValueError):
    """The graph has more nodes than a diagram can show (``max_nodes``)."""


def bounded_order(root: Node, limit: int | None) -> list[Node] | None:
    """``topological_order(root)``, or None as soon as it would hold more than ``limit`` nodes.

    The same iterative depth-first walk as :func:`autograd_core.topological_order` (so the same
    order), stopping early: refusing a huge graph costs no more than ``limit`` steps.
    """
    # The walk makes no reference cycles; with the collector on, the iterators it allocates set
    # off full collections that scan the whole (possibly million-node) graph: 0.13 s -> 1.2 s.
    with gc_paused:
        return _walk(root, limit)


def _walk(root: Node, limit: int | None) -> list[Node] | None:
    order: list[Node] = []
    seen = {root}
    mark = seen.add
    inputs_of = type(root)._inputs_of
    stack = [(root, iter(inputs_of(root)))]
    push, pop, emit = stack.append, stack.pop, order.append
    bound = limit if limit is not None else float("inf")
    while stack:
        node, remaining = stack[-1]
        for parent in remaining:
            if parent is not None and parent not in seen:
                mark(parent)
                if len(seen) > bound:
                    return None
                push((parent, iter(inputs_of(parent))))
                break
        else:
            pop()
            emit(node)
    return order


def choose_collapse(order: list[Node], max_nodes: int) -> tuple[Any, Grouping] | None:
    """The least folding that brings ``order`` to at most ``max_nodes`` boxes: the deepest scopes
    first (each neuron a box), then shallower ones (each layer a box).  None if even folding
    every top-level scope is not enough (or there are no scopes).

    Every depth is counted in one pass over the scopes (not the nodes), so a graph of thousands of
    nested scopes costs no more than one grouping: folding below depth ``d`` draws the nodes of
    scopes at most ``d`` deep, plus one box per scope path of ``d + 1`` parts.
    """
    per_scope: dict[str, int] = {}
    for node in order:
        scope = scope_of(node)
        per_scope[scope] = per_scope.get(scope, 0) + 1
    unscoped = per_scope.pop("", 0)
    if not per_scope:
        return None
    depth_of: dict[str, int] = {}  # every scope path and every prefix of one, with its number of parts
    for scope in per_scope:
        path = scope
        while path and path not in depth_of:
            depth_of[path] = path.count("/") + 1
            path = path.rpartition("/")[0]
    deepest = max(depth_of.values())
    width = [0] * (deepest + 2)  # width[d]: how many scope paths have d parts
    for depth in depth_of.values():
        width[depth] += 1
    nodes_at = [0] * (deepest + 1)  # nodes_at[d]: nodes in scopes of exactly d parts
    for scope, count in per_scope.items():
        nodes_at[depth_of[scope]] += count
    up_to = unscoped
    drawn = []
    for depth in range(deepest):
        up_to += nodes_at[depth]
        drawn.append(up_to + width[depth + 1])
    for depth in range(deepest - 1, -1, -1):
        if drawn[depth] <= max_nodes:
            return (True if depth == 0 else depth), group_nodes(order, depth)
    return None


def too_large(what: str, size: str, max_nodes: int, *, scoped: bool) -> GraphTooLargeError:
    """The refusal: the size, the budget, and every option that makes the diagram smaller."""
    advice = [
        "draw a smaller part (one sample, one neuron, a sub-expression)",
        "group the graph with `with name_scope(...)` and pass collapse=True" if not scoped
        else "fold more scopes (collapse=True folds every top-level scope)",
        "or raise max_nodes (--max-nodes on the command line; None in Python: no limit, dot may then take minutes)",
    ]
    return GraphTooLargeError(
        f"draw: the graph of {what!r} has {size}, more than max_nodes={max_nodes}; Graphviz would take very "
        f"long to lay it out. To shrink it: {'; '.join(advice)}."
    )
