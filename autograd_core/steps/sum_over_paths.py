"""The multivariable chain rule as a sum over paths.

The gradient of ``root`` with respect to ``x`` is the sum, over every path from ``x`` up to
``root``, of the product of the local derivatives along the path's edges (colah's "Calculus on
Computational Graphs"; every lecture on backprop draws it).  :func:`paths` lists those paths,
their products and the sum, which equals ``x.grad`` from backprop.

Paths multiply: a chain of ``k`` diamonds has ``2**k`` of them, which is why backprop sums
them without listing any.  The paths are counted first, by dynamic programming over the graph
(one pass, exact integers), and a graph with more than ``max_paths`` is refused with the count
and the sum (computed the same way) before a single path is listed.

>>> from autograd_core import Value
>>> x, y, z = Value(2.0, name="x"), Value(3.0, name="y"), Value(-5.0, name="z")
>>> f = x * y + x * z
>>> f.name = "f"
>>> p = paths(f, x)
>>> [path.product for path in p], p.total
([3.0, -5.0], -2.0)
>>> print(p)
2 paths lead from x to f; df/dx is the sum of their products:
  x → x*y → f   y × 1 = 3 × 1 = 3
  x → x*z → f   z × 1 = (-5) × 1 = -5
  sum over the paths: 3 - 5 = -2 = dx
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..graph import Node, topological_order
from ..words import Captions, path_lines
from .exercises import local_derivative

__all__ = ["MAX_PATHS", "Path", "Paths", "TooManyPathsError", "count_paths", "paths"]

#: The most paths :func:`paths` lists unless told otherwise.
MAX_PATHS = 1000


class TooManyPathsError(ValueError):
    """More paths lead from an input to the output than may be listed (``count`` says how many)."""

    def __init__(self, message: str, count: int, total: float) -> None:
        super().__init__(message)
        self.count = count
        self.total = total


@dataclass(frozen=True)
class Path:
    """One path from an input up to the output: ``edges`` lists ``(node, index)``, the node
    reached and which of its inputs the path came in by, from the input upwards; ``locals`` the
    local derivative of each edge; ``product`` their product."""

    source: Node
    edges: tuple[tuple[Node, int], ...]
    locals: tuple[float, ...]
    product: float

    @property
    def nodes(self) -> tuple[Node, ...]:
        """The nodes along the path, the input first and the output last."""
        return (self.source, *(node for node, _ in self.edges))


@dataclass(frozen=True)
class Paths:
    """Every path from ``source`` to ``root`` (:class:`Path`), and ``total``, the sum of their
    products: d(root)/d(source).  Iterating gives the paths; ``print`` shows them with their
    products in the words every view uses."""

    source: Node
    root: Node
    paths: tuple[Path, ...]
    total: float
    captions: Captions

    def __iter__(self) -> Iterator[Path]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, k: int) -> Path:
        return self.paths[k]

    def lines(self) -> list[str]:
        """The text: a heading, one line per path (its nodes, then its product), the sum."""
        return path_lines(self, self.captions)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    __repr__ = __str__


def _between(root: Node, source: Node, view: str) -> list[Node]:
    """The nodes on some path from ``source`` to ``root``, in topological order."""
    if not isinstance(root, Node) or not isinstance(source, Node):
        raise TypeError(f"{view}: expected two graph nodes (the output and an input), got "
                        f"{type(root).__name__} and {type(source).__name__}")
    order = topological_order(root)
    start = next((k for k, node in enumerate(order) if node is source), None)
    if start is None:
        raise ValueError(f"{view}: {source.label!r} is not in the graph of {root.label!r}: no path leads from it")
    reached = {source}
    between = [source]
    for node in order[start + 1:]:
        if any(parent in reached for parent in node.parents):
            reached.add(node)
            between.append(node)
    return between


def count_paths(root: Node, source: Node) -> int:
    """How many paths lead from ``source`` to ``root`` (an input used twice by one op counts
    twice: ``a*a`` has two edges from ``a``), by dynamic programming: no path is listed.

    >>> from autograd_core import Value
    >>> x = Value(1.0, name="x")
    >>> y = x
    >>> for _ in range(40):          # a chain of 40 diamonds
    ...     y = y * 2 + y * 3
    >>> count_paths(y, x) == 2 ** 40
    True
    """
    count: dict[Node, int] = {}
    for node in _between(root, source, "count_paths"):
        count[node] = 1 if node is source else sum(count.get(parent, 0) for parent in node.parents)
    return count[root]


def paths(root: Node, x: Node, *, max_paths: int | None = MAX_PATHS) -> Paths:
    """Every path from ``x`` up to ``root``, the local derivatives along it, their product, and
    the sum over the paths, d(root)/d(x) (what backprop leaves in ``x.grad``).

    The paths are counted first (:func:`count_paths`); more than ``max_paths`` (None: no limit)
    raises :class:`TooManyPathsError` with the count and the sum before any path is listed.
    Scalar graphs only (a Tensor op's local derivative is a Jacobian, not a number).

    >>> from autograd_core import Value
    >>> a = Value(3.0, name="a")
    >>> out = a * a
    >>> [(p.locals, p.product) for p in paths(out, a)]   # two edges from a: two paths
    [((3.0,), 3.0), ((3.0,), 3.0)]
    """
    if max_paths is not None and (isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1):
        raise ValueError(f"paths: max_paths must be a positive integer or None, got {max_paths!r}")
    between = _between(root, x, "paths")
    for node in between[1:]:
        if getattr(node, "local", None) is None:
            raise TypeError(
                f"paths: {node.label!r} is a {node.op} on arrays: its local derivative is a Jacobian, not a number; "
                "paths are listed for scalar graphs (Value)"
            )
    count: dict[Node, int] = {}
    total: dict[Node, float] = {}  # the sum of the products of the paths from x to each node
    for node in between:
        if node is x:
            count[node], total[node] = 1, 1.0
            continue
        count[node] = 0
        total[node] = 0.0
        for k, parent in enumerate(node.parents):
            if parent in count:
                count[node] += count[parent]
                total[node] += total[parent] * local_derivative(node, k)
    captions = Captions(root)
    if max_paths is not None and count[root] > max_paths:
        raise TooManyPathsError(
            f"paths: {count[root]:,} paths lead from {captions.label(x)!r} to {captions.label(root)!r}, more than "
            f"max_paths={max_paths} (counted, none listed); the sum of their products is "
            f"{total[root]:.6g}, which backprop finds without listing any path: pass max_paths=None to list them all",
            count[root], total[root],
        )
    listed = tuple(_listed(root, x, count))
    return Paths(x, root, listed, sum(path.product for path in listed), captions)


def _listed(root: Node, x: Node, count: dict[Node, int]) -> Iterator[Path]:
    """The paths from ``x`` to ``root``, by a depth-first walk down from ``root`` (each node's
    inputs in order) along edges that lead back to ``x``; no recursion."""
    if root is x:
        yield Path(x, (), (), 1.0)
        return
    # each entry: a node, the edges from it up to root (root first), and which input to try next
    stack: list[tuple[Node, tuple[tuple[Node, int], ...], int]] = [(root, (), 0)]
    while stack:
        node, above, k = stack.pop()
        parents = node.parents
        while k < len(parents) and parents[k] not in count:
            k += 1
        if k == len(parents):
            continue
        stack.append((node, above, k + 1))
        parent = parents[k]
        edges = ((node, k), *above)
        if parent is x:
            locals_ = tuple(local_derivative(n, i) for n, i in edges)
            product = 1.0
            for d in locals_:
                product *= d
            yield Path(x, edges, locals_, product)
        else:
            stack.append((parent, edges, 0))

