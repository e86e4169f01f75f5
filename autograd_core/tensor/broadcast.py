"""What the Tensor ops' VJPs share: undoing broadcasting, and reading a node's inputs.

- :func:`unbroadcast` sums a gradient over the axes broadcasting added or stretched;
- :func:`operands` and :func:`output` give a VJP the node's inputs and output as arrays in a
  first-order pass, and as the nodes themselves under ``backward(create_graph=True)``, so the
  same VJP records a graph of the gradient;
- :func:`broadcast_error` and :func:`domain_error` are the ops' messages for inputs that do not
  fit together or lie outside an op's domain.

>>> import numpy as np
>>> unbroadcast(np.ones((4, 3)), (3,))
array([4., 4., 4.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import Node
from ..ops.record import DomainError

__all__ = ["broadcast_error", "domain_error", "operands", "output", "unbroadcast"]


def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes broadcasting added or stretched, giving an array of ``shape``.

    >>> import numpy as np
    >>> unbroadcast(np.ones((4, 3)), (4, 1))
    array([[3.],
           [3.],
           [3.],
           [3.]])
    """
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if lead:
        g = g.sum(axis=tuple(range(lead))) if lead > 1 else g.sum(axis=0)
        if g.shape == shape:
            return g
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True)


def operands(node: Node, g: Any) -> tuple:
    """The node's inputs as its VJP reads them: arrays for a first-order pass, the input nodes
    themselves when ``g`` is a node (``create_graph=True``), so the VJP records a graph."""
    if isinstance(g, Node):
        return node.parents
    return tuple(p._data for p in node.parents)


def output(node: Node, g: Any) -> Any:
    """The node's output as its VJP reads it: its array, or the node itself under create_graph."""
    return node if isinstance(g, Node) else node._data


def broadcast_error(op: str, a: Node, b: Node) -> ValueError:
    """Two inputs whose shapes cannot be broadcast together, both named."""
    return ValueError(
        f"{op}: shapes {a.data.shape} (node {a._describe()}) and {b.data.shape} (node {b._describe()}) "
        "cannot be broadcast together: each axis, aligned from the right, must be equal or 1"
    )


def domain_error(op: str, node: Node, bad: np.ndarray, what: str) -> DomainError:
    """``bad``: a boolean array, in the shape of the node's data or broadcast to a larger one."""
    count = int(np.count_nonzero(bad))
    first = np.broadcast_to(node._data, bad.shape)[bad].flat[0].item()
    return DomainError(
        f"{op}: {what} in node {node._describe()} (shape {node.data.shape}): {count} entr"
        f"{'y' if count == 1 else 'ies'}, e.g. {first!r}"
    )
