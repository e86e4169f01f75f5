"""What every node of a computational graph shares, and the backward pass.

A node (``Value`` or ``Tensor``) records, during the forward pass, its ``parents`` (a tuple of
nodes, in argument order, with repeats), its ``op`` (a short name such as ``"mul"``), an optional
user-given ``name`` and its ``grad``.  Each node class says how to turn an upstream gradient into
one contribution per parent (``_vjp``): upstream x local derivative for scalars, a
vector-Jacobian product for arrays.

Everything here walks graphs iteratively, never recursively, so a chain of a million nodes
works.  The recording switches (``no_grad``, ``name_scope``, ...) are per thread; the walks
pause Python's cyclic GC; ``backward`` is all or nothing.

Example:
    >>> from autograd_core import Value
    >>> x = Value(3.0, name="x")
    >>> y = 2 * (x * x)
    >>> y.backward()
    >>> x.grad
    12.0
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from typing import Any

from .gc_pause import gc_paused
from .modes import (
    Switch,
    check_name,
    current_mode,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    name_scope,
    no_grad,
)

__all__ = [
    "DataChangedError",
    "Node",
    "backward",
    "check_name",
    "current_mode",
    "detect_anomaly",
    "enable_grad",
    "expect_node",
    "gc_paused",
    "gradients_set_aside",
    "is_grad_enabled",
    "leaving_error",
    "name_scope",
    "no_grad",
    "register_stepper",
    "topological_order",
    "zero_grad",
]


class DataChangedError(RuntimeError):
    """A node's data changed between the forward pass that used it and the backward pass: the
    gradient would be computed from values the forward pass never saw (PyTorch says "modified by
    an inplace operation")."""


def leaving_error(node: Node, how: str) -> str:
    """The message refusing to turn ``node``, which requires grad, into a plain number by ``how``:
    a value leaves the graph only when asked by name (``.item()``, ``.data``, ``.detach()``)."""
    return (
        f"{how} of {type(node).__name__} {node._describe()}, which requires grad, would drop its gradient "
        "silently (float(), math functions, np.float64(x), storing x in a NumPy array, np.fromiter and "
        "'%.3f' % x all ask for it). Use x.item() (or x.data) for the number without gradient, or the "
        "node's own ops (x.exp(), x.tanh(), ...) to keep it; to print it, f\"{x:.3f}\""
    )


#: What ``node.backprop()`` starts: registered by :mod:`autograd_core.steps`, which builds on the
#: graph (the graph needs no import of it).
_STEPPER: Any = None


def register_stepper(stepper: Any) -> None:
    """Make ``node.backprop(grad)`` return ``stepper(node, grad)`` (``autograd_core.steps.Backprop``)."""
    global _STEPPER
    _STEPPER = stepper


class Node:
    """Base class of graph nodes: what ``Value`` and ``Tensor`` share.

    Every node has ``data``, ``grad``, ``parents`` (a tuple of nodes, defined by the subclass),
    ``op`` (the op's name), ``op_record`` (the op's record, :class:`autograd_core.ops.Op`, as it was
    when the node was made; None for a leaf), ``name``, ``arg`` (an op's constant parameter, e.g.
    the exponent of ``x ** 3``), ``requires_grad`` and ``scope`` (see :func:`name_scope`).  A
    subclass defines:

    - ``_chain_rule(nodes, pending, create_graph)``: for each node in turn, add the gradient
      gathered for it in ``pending`` to its ``grad`` and send a contribution to each parent
      (``_chain_rule_puts_back = True`` if, when it raises, it has put every ``grad`` back);
    - ``_seed(grad, create_graph)``: the gradient a backward pass starts from;
    - ``_is_finite(gradient)`` and ``_empty_grad`` (what ``zero_grad`` puts back);
    - ``_inputs_of``: a C-level accessor (``operator.attrgetter``) giving a node's parents for
      the graph walk, where ``None`` entries are skipped.  It saves a Python call per node on
      graphs of 10^5 scalars; ``parents`` stays the public, tidy tuple.

    Nodes are compared and hashed by identity (object's own hash), so they can key the sets and
    dicts of a graph walk: subclasses must not define ``__eq__`` or ``__hash__``.
    """

    __slots__ = ("data", "grad", "op", "op_record", "name", "arg", "requires_grad", "scope")

    _empty_grad: Any = None
    #: Which registry the node's ops live in: "scalar" (``OPS``) or "tensor" (``TENSOR_OPS``).
    op_kind = ""
    _inputs_of: Any = attrgetter("parents")
    #: True when ``_chain_rule`` puts every grad back itself if it fails (else backward keeps a copy).
    _chain_rule_puts_back = False

    @property
    def parents(self) -> tuple[Node, ...]:  # pragma: no cover - defined by subclasses
        raise NotImplementedError

    @property
    def label(self) -> str:
        """The node's name if it has one, else its op (``"leaf"`` for an unnamed input)."""
        if self.name is not None:
            return self.name
        return self.op or "leaf"

    def backward(self, grad: Any = None, *, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(node) into ``node.grad`` for every node self depends on.

        See :func:`autograd_core.graph.backward`.
        """
        backward(self, grad, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Reset the gradient of this node and of every node it depends on."""
        zero_grad(self)

    def backprop(self, grad: Any = None) -> Any:
        """Start a step-by-step backward pass (see :mod:`autograd_core.steps`, which registers
        itself with :func:`register_stepper`); ``grad`` is the seed, as for :meth:`backward`."""
        if _STEPPER is None:  # pragma: no cover - importing autograd_core registers it
            raise RuntimeError("backprop: no stepper registered; import autograd_core.steps")
        return _STEPPER(self, grad)

    def _gradient_at_stake(self) -> bool:
        """True when turning this node into plain numbers would drop a gradient silently: it
        requires one and recording is on (the rule of :func:`leaving_error`)."""
        return self.requires_grad and is_grad_enabled()

    def __format__(self, spec: str) -> str:
        """``f"{loss:.4f}"``: a one-element node's value as a formatted number (a string for the
        eye, not a way out of the graph); without a spec, the node as ``str`` shows it.

        >>> from autograd_core import Value
        >>> f"{Value(2.0) * 3:.2f}"
        '6.00'
        """
        if not spec:
            return str(self)
        return format(self.item(), spec)  # type: ignore[attr-defined]

    def _describe(self) -> str:
        """Short text naming the node in error messages: ``mul 'price'`` or ``mul``."""
        if self.name is not None:
            return f"{self.op or 'leaf'} {self.name!r}"
        return self.op or "leaf"

    @staticmethod
    def _chain_rule(nodes: Iterable[Node], pending: dict, create_graph: bool) -> None:  # pragma: no cover
        raise NotImplementedError

    def _seed(self, grad: Any, create_graph: bool) -> Any:  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def _is_finite(gradient: Any) -> bool:  # pragma: no cover
        raise NotImplementedError


def expect_node(value: Any, where: str, argument: str = "root") -> Node:
    """``value`` if it is a graph node; otherwise a TypeError naming the function and the argument.

    >>> expect_node(3.0, "backward")
    Traceback (most recent call last):
    ...
    TypeError: backward: root must be a graph node (a Value or a Tensor), got float: 3.0
    """
    if isinstance(value, Node):
        return value
    raise TypeError(
        f"{where}: {argument} must be a graph node (a Value or a Tensor), got {type(value).__name__}: {value!r:.60}"
    )


def topological_order(root: Node, *, requiring_grad: bool = False) -> list[Node]:
    """Every node ``root`` depends on, parents before children, ``root`` last.

    Iterative depth-first search (no recursion limit).  The order is deterministic: it depends
    only on the graph's structure and the order of each node's parents.  With
    ``requiring_grad=True`` only nodes that need a gradient are visited.  Python's cyclic GC is
    paused during the walk (the caller's setting is restored after).

    >>> from autograd_core import Value
    >>> a = Value(1.0, name="a"); b = a * 2; c = b + a
    >>> [n.label for n in topological_order(c)]
    ['a', '2', 'mul', 'add']
    """
    expect_node(root, "topological_order")
    return gc_paused.call(_topological_order, root, requiring_grad)


def _topological_order(root: Node, requiring_grad: bool) -> list[Node]:
    order: list[Node] = []
    seen = {root}
    mark = seen.add
    inputs_of = type(root)._inputs_of
    # Each stack entry is a node and an iterator over the parents still to visit.
    stack = [(root, iter(inputs_of(root)))]
    push = stack.append
    pop = stack.pop
    emit = order.append
    while stack:
        node, remaining = stack[-1]
        for parent in remaining:
            if parent is not None and parent not in seen and (parent.requires_grad or not requiring_grad):
                mark(parent)
                push((parent, iter(inputs_of(parent))))
                break
        else:
            pop()
            emit(node)
    return order


def backward(root: Node, grad: Any = None, *, create_graph: bool = False) -> None:
    """Apply the chain rule from ``root`` back to every node it depends on.

    ``root.grad`` is seeded with ``grad`` (1 by default for a single number) and every node,
    intermediates included, receives ``grad += upstream x local``.  Gradients accumulate
    across calls, as in PyTorch, but each call propagates only its own contributions, so
    calling ``backward()`` twice gives exactly twice the gradient.  With ``create_graph=True``
    the gradients are graph nodes themselves and can be differentiated again.

    All or nothing: if anything raises on the way (an op's derivative, Ctrl-C), every ``grad``
    is left exactly as it was before the call.  Python's cyclic GC is paused during the walk
    and the caller's setting restored after (see ``gc_paused``).

    >>> from autograd_core import Value
    >>> x = Value(3.0); z = x * x; y = 2 * z
    >>> y.backward(); y.backward()
    >>> x.grad
    24.0
    """
    expect_node(root, "backward")
    if not root.requires_grad:
        raise RuntimeError(
            f"backward: node {root._describe()} does not require a gradient: it was computed "
            "under no_grad() or only from inputs with requires_grad=False"
        )
    seed = root._seed(grad, create_graph)
    gc_paused.call(_backward, root, seed, create_graph)


def _backward(root: Node, seed: Any, create_graph: bool) -> None:
    """The walk of :func:`backward` (with the GC paused)."""
    order = _topological_order(root, True)
    order.reverse()
    anomaly = current_mode().anomaly
    # Recording inside the pass: on only to build the gradients as a graph (create_graph).
    with Switch(grad_enabled=create_graph):
        _apply_chain_rule(order, {root: seed}, type(root), anomaly, create_graph)


def _apply_chain_rule(order: list[Node], pending: dict, kind: type, anomaly: bool, create_graph: bool) -> None:
    """The chain rule over ``order`` (reverse topological), all or nothing."""
    chain_rule = kind._chain_rule
    # All or nothing: a chain rule that cannot put its own writes back gets a copy of the grads.
    before = None if kind._chain_rule_puts_back and not anomaly else [node.grad for node in order]
    try:
        if anomaly:
            for node in order:
                _checked_chain_rule(chain_rule, node, pending, create_graph)
        else:
            chain_rule(order, pending, create_graph)
    except BaseException:
        if before is not None:
            for node, grad in zip(order, before):
                node.grad = grad
        raise


def _checked_chain_rule(chain_rule: Any, node: Node, pending: dict, create_graph: bool) -> None:
    """One node of a backward pass under :func:`detect_anomaly`: name the node whose
    contribution first turns a gradient non-finite."""
    upstream = pending.get(node)
    if upstream is not None and not node._is_finite(upstream):
        raise FloatingPointError(f"backward: the gradient reaching node {node._describe()} is not finite")
    parents = node.parents
    before = [pending.get(p) for p in parents]
    chain_rule((node,), pending, create_graph)
    for index, parent in enumerate(parents):
        gathered = pending.get(parent)
        was_finite = before[index] is None or node._is_finite(before[index])
        if gathered is not None and was_finite and not node._is_finite(gathered):
            shown = gathered if isinstance(gathered, float) else "non-finite values"
            detail = f" ({node.arg_text()})" if hasattr(node, "arg_text") else ""
            raise FloatingPointError(
                f"backward: non-finite gradient {shown} flowing from node {node._describe()}{detail} "
                f"into input {index} {parent.label!r}; this node produced it first"
            )


def zero_grad(root: Node) -> None:
    """Reset ``grad`` on ``root`` and on every node it depends on, intermediates included.

    >>> from autograd_core import Value
    >>> x = Value(2.0); y = x * x; y.backward()
    >>> zero_grad(y); (x.grad, y.grad)
    (0.0, 0.0)
    """
    expect_node(root, "zero_grad")
    for node in topological_order(root):
        node.grad = node._empty_grad


@contextmanager
def gradients_set_aside(root: Node) -> Iterator[list[Node]]:
    """Inside the block, every node ``root`` depends on starts with an empty ``grad``; after it,
    each node has its own ``grad`` back, whatever the block did (the views that replay a pass,
    such as slides and lecture pages, use it so they never add onto a user's gradients).

    >>> from autograd_core import Value
    >>> x = Value(2.0); y = x * x; y.backward()
    >>> with gradients_set_aside(y):
    ...     y.backward(); x.grad
    4.0
    >>> x.grad
    4.0
    """
    nodes = topological_order(root)
    saved = [node.grad for node in nodes]
    try:
        for node in nodes:
            node.grad = node._empty_grad
        yield nodes
    finally:
        for node, old in zip(nodes, saved):
            node.grad = old
