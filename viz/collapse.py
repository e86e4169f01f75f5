"""Collapse name scopes: draw a layer (or a neuron) as one box instead of its hundred nodes.

``collapse`` says which scopes fold up:

- ``True``: every top-level scope (``layer1``, and with it ``layer1/neuron0``) is one box;
- an ``int`` ``d``: scopes stay open down to depth ``d`` and fold below it (``1``: the layer
  boxes stay open, each neuron inside becomes a box; ``0`` is the same as ``True``);
- a list of scope paths (``["layer1", "layer2/neuron0"]``): those scopes fold, with everything
  nested in them;
- ``False`` or ``None``: nothing folds.

A folded scope shows its name, how many nodes it holds, and what crosses its border: the values
entering and leaving it (and their gradients), listed when few, else as norms
(:func:`viz.walk.pieces.fold_pieces`).

Example:
    >>> from autograd_core import Value, name_scope
    >>> x = Value(2.0, name="x")
    >>> with name_scope("layer1"):
    ...     h = (x * 3).tanh()
    >>> y = h * h
    >>> from autograd_core import topological_order
    >>> grouping = group_nodes(topological_order(y), True)
    >>> grouping.groups
    {'layer1': [1, 2, 3]}
    >>> grouping.drawn_count
    3
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd_core import Node

from .scopes import normal, scope_of

__all__ = ["Grouping", "check_collapse", "group_nodes", "group_of_scope"]

#: Up to this many values crossing a border are listed one by one; more are summarised as a norm.
LISTED = 4


def check_collapse(collapse: Any) -> Any:
    """``collapse`` as given if it is one of the accepted forms, else a ValueError naming it.

    >>> check_collapse(["layer1"]), check_collapse(2), check_collapse(True)
    (('layer1',), 2, True)
    """
    if collapse is None or isinstance(collapse, bool):
        return collapse
    if isinstance(collapse, int):
        if collapse < 0:
            raise ValueError(f"draw: collapse depth must be 0 or more, got {collapse}")
        return collapse
    if isinstance(collapse, str) and normal(collapse):
        return (normal(collapse),)
    if isinstance(collapse, Sequence | set | frozenset) and not isinstance(collapse, str) and all(
            isinstance(s, str) and normal(s) for s in collapse):
        names = [normal(s) for s in collapse]
        return tuple(sorted(names)) if isinstance(collapse, set | frozenset) else tuple(names)
    raise ValueError(
        "draw: collapse must be True (every scope), False, a depth (int) or a list of scope names, "
        f"got {collapse!r}"
    )


def group_of_scope(scope: str, collapse: Any) -> str | None:
    """The folded scope a node of ``scope`` is drawn in, or None when it stays visible.

    >>> group_of_scope("layer1/neuron0", True), group_of_scope("layer1/neuron0", 1)
    ('layer1', 'layer1/neuron0')
    >>> group_of_scope("layer1", 1), group_of_scope("layer2/neuron0", ("layer2/neuron0",))
    (None, 'layer2/neuron0')
    """
    if not scope or collapse is None or collapse is False:
        return None
    parts = scope.split("/")
    if collapse is True:
        return parts[0]
    if isinstance(collapse, int):
        return "/".join(parts[: collapse + 1]) if len(parts) > collapse else None
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        if prefix in collapse:
            return prefix
    return None


@dataclass
class Grouping:
    """Which nodes (by position in the topological order) each folded scope holds."""

    group_of: list[str | None]
    groups: dict[str, list[int]] = field(default_factory=dict)

    @property
    def drawn_count(self) -> int:
        """How many boxes the diagram has: the visible nodes plus one per folded scope."""
        return sum(1 for g in self.group_of if g is None) + len(self.groups)


def group_nodes(order: list[Node], collapse: Any, keep_open: str | None = None) -> Grouping:
    """Fold ``order``'s nodes by scope (see the module's docstring).  A folded scope that holds
    ``keep_open`` (a scope path: where a step-by-step backprop is) stays open."""
    if collapse is None or collapse is False:
        return Grouping([None] * len(order))
    cache: dict[str, str | None] = {}
    group_of: list[str | None] = []
    groups: dict[str, list[int]] = {}
    for i, node in enumerate(order):
        scope = scope_of(node)
        if scope not in cache:
            group = group_of_scope(scope, collapse)
            if group is not None and keep_open is not None and (keep_open + "/").startswith(group + "/"):
                group = None
            cache[scope] = group
        group = cache[scope]
        group_of.append(group)
        if group is not None:
            groups.setdefault(group, []).append(i)
    return Grouping(group_of, groups)
