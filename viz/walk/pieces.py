"""The pieces of a picture of a graph, as plain data: every node, every input edge, every folded scope.

A node is described once (its caption, its value as text, its scope, its inputs); what changes
from frame to frame (its state, whether its gradient shows) lives in :mod:`viz.walk.frames`.
Numbers, captions and what an array op sends back along an edge are the words module's
(:mod:`autograd_core.words`: ``format_number`` with ``digits`` significant digits, ``Captions``,
``vjp_text``), as in the step texts.

>>> from autograd_core import Value, topological_order
>>> x = Value(3.0, name="x")
>>> y = x * 2
>>> y.backward()
>>> nodes, edges = describe(topological_order(y))
>>> [(n.title, n.value, n.grad) for n in nodes]
[('x', ('3',), ('grad 2',)), ('2', ('2',), ()), ('x*2', ('6',), ('grad 1',))]
>>> [(e.id, e.local, e.back) for e in edges]
[('2.0', 'local 2', ('← 2',)), ('2.1', None, ())]
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from autograd_core import Node
from autograd_core.words import Captions, clean_text, format_number, shape_text, summarize_array, vjp_text

from ..labels import op_symbol
from ..scopes import scope_of

__all__ = ["BACK_ARROW", "EdgePiece", "FoldPiece", "NodePiece", "describe", "fold_pieces", "grad_lines",
           "running_lines", "value_text"]

#: The arrow written before what flows back along an edge: from the output back to the input.
BACK_ARROW = {"LR": "← ", "RL": "→ ", "TB": "↑ ", "BT": "↓ "}

#: Up to this many values crossing a folded scope's border are listed one by one; more as a norm.
LISTED = 4


@dataclass(slots=True)
class NodePiece:
    """One node of the graph.

    ``index`` is its place in ``topological_order(root)`` (inputs first); ``title`` its name
    (``named``: drawn bold) or its caption (drawn in italics); ``kind`` is ``"op"``, ``"input"``
    or ``"const"``; ``symbol`` the op as a textbook writes it (``×``); ``scope`` its name-scope
    path; ``parents`` the indices of its inputs, in order, with repeats; ``value`` the lines of
    its forward value; ``shape`` its shape and dtype (arrays only); ``grad`` the lines of its
    gradient as the finished pass (or the graph as it is) gives it, ``()`` for none; ``note``
    lines a check has to say about the node (drawn in red under it: a layer found wrong).
    """

    index: int
    title: str
    named: bool
    kind: str
    op: str | None
    symbol: str
    scope: str
    parents: tuple[int, ...]
    needs_grad: bool
    tensor: bool
    value: tuple[str, ...]
    shape: str | None = None
    grad: tuple[str, ...] = ()
    note: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON)."""
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}


@dataclass(slots=True)
class EdgePiece:
    """The edge bringing input ``index`` of node ``target`` (from node ``source``) into its op.

    ``id`` is ``"{target}.{index}"``; ``local`` the local derivative as the diagram writes it
    (``local 2``; an array op: its vector-Jacobian product in words, as the step text says it),
    None for none; ``back``
    what the finished pass sends back along it (``← 2.2``), ``()`` for nothing; ``constant``:
    the input is a number from the formula (nothing flows to it).
    """

    id: str
    source: int
    target: int
    index: int
    local: str | None
    back: tuple[str, ...]
    constant: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON)."""
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}


@dataclass(frozen=True)
class FoldPiece:
    """A name scope that can be drawn folded into one box: its path, its nodes (indices), the
    nodes whose values leave it (``leaving``), and the lines its box shows, each with its role:
    ``("name", "layer1")``, ``("size", "32 nodes, 12 inputs/weights")``, ``("in", "in 2 values
    [2  -1]")``, ``("out", ...)`` and, after each border line, ``("grad", "grad [...]")`` when
    those values' gradients are known."""

    index: int
    scope: str
    members: tuple[int, ...]
    leaving: tuple[int, ...]
    lines: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON)."""
        return {"index": self.index, "scope": self.scope, "members": list(self.members),
                "leaving": list(self.leaving), "lines": [list(line) for line in self.lines]}


def is_constant(node: Any) -> bool:
    """A number from the formula (the 2 of ``2*x``): no gradient, drawn small."""
    return node.op == "const" and not node.parents


def value_text(x: Any, digits: int) -> tuple[str, ...]:
    """A value (or gradient) as lines: a number, or an array's rows or summary."""
    data = x.data if isinstance(x, Node) else x
    if isinstance(data, np.ndarray):
        return tuple(summarize_array(data, min(digits, 3)))
    return (format_number(data, digits),)


def grad_lines(grad: Any, digits: int) -> tuple[str, ...]:
    """``("grad 2.2",)``; an array: its first line after ``grad``, the rest indented under it."""
    if grad is None:
        return ()
    lines = value_text(grad, digits)
    return (f"grad {lines[0]}", *(f"     {line}" for line in lines[1:]))


def running_lines(grad: Any, digits: int) -> tuple[str, ...]:
    """A running sum, said to be one: ``("so far 1.1",)`` (more may come before it is final)."""
    if grad is None:
        return ()
    lines = value_text(grad, digits)
    return (f"so far {lines[0]}", *(f"       {line}" for line in lines[1:]))


def _times(grad: Any, local: Any) -> float:
    """upstream x local as a number (a gradient built with create_graph=True is a Value)."""
    return float(getattr(grad, "data", grad)) * float(getattr(local, "data", local))


def _empty(node: Node, grad: Any) -> bool:
    return grad is None or grad is type(node)._empty_grad


def describe(order: list[Node], *, digits: int = 4, rankdir: str = "LR", captions: Captions | None = None,
             grads: Any = None, hidden: Any = None) -> tuple[list[NodePiece], list[EdgePiece]]:
    """Every node and input edge of ``order`` (a topological order), as plain data.

    ``captions`` is how the texts call nodes (a backprop's ``steps.captions``; default: the
    graph's own); ``grads(node)`` gives the gradient a node shows (default: its ``grad``, none
    while it holds its empty value).  ``hidden[i]`` true: node ``i`` is not drawn (it is folded
    into a box), so it is described by its place in the graph only, without its texts: folding
    a graph of 90,000 nodes into boxes does not caption and format them all.
    """
    if captions is None:
        captions = Captions(order[-1], nodes=order) if order else Captions()
    label = captions.label
    if grads is None:
        def grads(node: Node) -> Any:
            return None if _empty(node, node.grad) else node.grad
    index = {node: i for i, node in enumerate(order)}
    arrow = BACK_ARROW[rankdir]
    nodes: list[NodePiece] = []
    edges: list[EdgePiece] = []
    # read once per node: a big graph is described in one pass, as fast as its DOT is written
    constants = [node.op == "const" and not node.parents for node in order]
    for i, node in enumerate(order):
        parents = node.parents
        data = node.data
        tensor = isinstance(data, np.ndarray)
        constant = constants[i]
        needs = bool(node.requires_grad)
        if hidden is not None and hidden[i]:
            kind = "const" if constant else ("op" if parents else "input")
            inputs = tuple([index[p] for p in parents])
            nodes.append(NodePiece(i, "", bool(node.name), kind, node.op, "", scope_of(node), inputs, needs,
                                   tensor, ()))
            edges.extend(EdgePiece(f"{i}.{k}", p, i, k, None, (), constants[p]) for k, p in enumerate(inputs))
            continue
        grad = None if constant or not needs else grads(node)
        name = node.name
        title = clean_text(name) if name else clean_text(label(node))
        shape = f"{shape_text(data.shape)}  {data.dtype}" if tensor else None
        kind = "const" if constant else ("op" if parents else "input")
        inputs = tuple([index[p] for p in parents])
        nodes.append(NodePiece(
            i, title, bool(name), kind, node.op, op_symbol(node) if parents else "", scope_of(node), inputs, needs,
            tensor, value_text(data, digits), shape, grad_lines(grad, digits),
        ))
        if not parents:
            continue
        locals_ = () if tensor else getattr(node, "local", ()) or ()
        count = len(locals_)
        for k, parent in enumerate(parents):
            p = inputs[k]
            parent_constant = constants[p]
            local = None
            back: tuple[str, ...] = ()
            if not parent_constant:
                if tensor:
                    local = vjp_text(node, k, captions) if parent.requires_grad else None
                elif k < count:
                    local = f"local {format_number(locals_[k], digits)}"
                    if grad is not None and parent.requires_grad:
                        back = (arrow + format_number(_times(grad, locals_[k]), digits),)
            edges.append(EdgePiece(f"{i}.{k}", p, i, k, local, back, parent_constant))
    return nodes, edges


def _border_values(nodes: list[Node], digits: int, attribute: str) -> str | None:
    """The numbers of ``nodes`` (their data or grad): listed when few scalars, else a norm."""
    arrays = []
    for node in nodes:
        value = getattr(node, attribute)
        if value is None or (attribute == "grad" and value is type(node)._empty_grad):
            return None
        arrays.append(np.asarray(value.data if isinstance(value, Node) else value, dtype=float))
    if all(a.ndim == 0 for a in arrays) and len(arrays) <= LISTED:
        return "[" + "  ".join(format_number(float(a), digits) for a in arrays) + "]"
    with np.errstate(all="ignore"):
        norm = math.sqrt(sum(float(np.sum(a * a)) for a in arrays))
    shape = f"{shape_text(arrays[0].shape)} " if len(arrays) == 1 else ""
    return f"{shape}‖·‖ {format_number(norm, digits)}"


@dataclass
class _Border:
    entering: dict[int, None] = field(default_factory=dict)
    leaving: dict[int, None] = field(default_factory=dict)


def fold_pieces(order: list[Node], groups: dict[str, list[int]], *, digits: int = 4,
                show_grad: bool = True) -> list[FoldPiece]:
    """One piece per folded scope (``groups``: scope path -> member indices), in the order given:
    its name (the last part of its path), its size, and the values entering and leaving it (and
    the gradients of those leaving, when ``show_grad`` and known)."""
    index = {node: i for i, node in enumerate(order)}
    # Scopes nest (a layer folded around its folded neurons): a node may belong to several groups,
    # and a value crosses the border of every group holding one end of its edge but not the other.
    groups_of: dict[int, list[str]] = {}
    for name, members in groups.items():
        for m in members:
            groups_of.setdefault(m, []).append(name)
    borders = {name: _Border() for name in groups}
    root = len(order) - 1
    outside: list[str] = []
    for i, node in enumerate(order):
        target = groups_of.get(i, outside)
        for parent in node.parents:
            p = index[parent]
            source = groups_of.get(p, outside)
            if source is target:
                continue
            for name in source:
                if name not in target:
                    borders[name].leaving[p] = None
            for name in target:
                if name not in source:
                    borders[name].entering[p] = None
    for name in groups_of.get(root, outside):
        borders[name].leaving[root] = None
    shown = min(digits, 3)
    pieces = []
    for n, (name, members) in enumerate(groups.items()):
        nodes = [order[m] for m in members]
        inputs = sum(1 for node in nodes if not node.parents and node.op != "const")
        size = f"{len(nodes)} node{'s' if len(nodes) != 1 else ''}" + (f", {inputs} inputs/weights" if inputs else "")
        lines = [("name", clean_text(name.rsplit("/", 1)[-1])), ("size", size)]
        for word, members_ in (("in", borders[name].entering), ("out", borders[name].leaving)):
            if not members_:
                continue
            crossing = [order[m] for m in members_]
            count = f"{len(crossing)} value{'s' if len(crossing) != 1 else ''}"
            lines.append((word, f"{word} {count} {_border_values(crossing, shown, 'data')}"))
            grads = _border_values(crossing, shown, "grad") if show_grad else None
            if grads is not None:
                lines.append(("grad", f"grad {grads}"))
        pieces.append(FoldPiece(n, name, tuple(members), tuple(borders[name].leaving), tuple(lines)))
    return pieces
