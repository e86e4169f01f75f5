"""Tensor reductions: ``sum``, ``mean``, ``max``, ``min`` and ``var`` over an axis (or several, or all).

The VJP of a reduction spreads the output's gradient back over the reduced axes: whole for
``sum``, divided by the count for ``mean``, onto the maxima for ``max`` (ties split the
gradient evenly: where two entries share the maximum, each receives half), and
``2 (x - mean) / (n - ddof)`` times it for ``var``.  Each VJP works on arrays and on Tensors
(``backward(create_graph=True)``).

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> x = Tensor([[1.0, 5.0, 5.0], [2.0, 0.0, 1.0]], requires_grad=True)
    >>> x.max(axis=1).sum().backward()
    >>> x.grad
    array([[0. , 0.5, 0.5],
           [1. , 0. , 0. ]])
"""

from __future__ import annotations

from math import prod
from typing import Any

import numpy as np

from .core import Tensor, new_node
from .define import tensor_op


def normalize_axes(axis: Any, ndim: int, op: str, node: Tensor) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple of ints, negatives allowed) as sorted non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    result = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r} (node {node._describe()})")
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{op}: axis {a} is out of range for node {node._describe()} of shape {node.shape} ({ndim} dimensions)"
            )
        result.append(int(a) % ndim)
    if len(set(result)) != len(result):
        raise ValueError(f"{op}: repeated axis in {axis!r} (node {node._describe()})")
    return tuple(sorted(result))


def _expand(g: Any, node: Tensor) -> Any:
    """The output gradient with the reduced axes put back as length-1 axes (a view)."""
    axes, keepdims = node._saved[:2]
    if keepdims or g.ndim == 0:
        return g  # a single number broadcasts as it is
    shape = list(node.parents[0].data.shape)
    for axis in axes:
        shape[axis] = 1
    return g.reshape(tuple(shape))


_FILL_LIMIT = 1 << 14


def _spread(g: Any, shape: tuple) -> Any:
    """``g`` broadcast to ``shape``: a recorded op for Tensors; for arrays a read-only view, or a
    filled array when small (cheaper than ``np.broadcast_to``'s Python wrapper)."""
    if type(g) is Tensor:
        return g.broadcast_to(shape)
    if prod(shape) <= _FILL_LIMIT:
        out = np.empty(shape, dtype=g.dtype)
        out[...] = g
        return out
    return np.broadcast_to(g, shape)


def _replay_reduce(method: str) -> Any:
    return lambda node, a: getattr(a, method)(axis=node.arg, keepdims=node._saved[1])


@tensor_op("sum", ("g spread out",), _replay_reduce("sum"))
def _sum_vjp(node: Tensor, g: Any) -> tuple:
    return (_spread(_expand(g, node), node.parents[0].data.shape),)


def tensor_sum(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis``.  VJP: g broadcast back over the reduced axes (a view, no copy)."""
    axes = normalize_axes(axis, a.data.ndim, "sum", a)
    out = a.data.sum(axis=axes, keepdims=keepdims)
    return new_node(out, "sum", (a,), _sum_vjp, saved=(axes, keepdims), arg=axis)


@tensor_op("mean", ("g / n spread out",), _replay_reduce("mean"))
def _mean_vjp(node: Tensor, g: Any) -> tuple:
    x = node.parents[0].data
    count = x.size // max(node.data.size, 1) if x.size else 1
    return (_spread(_expand(g, node) * (1.0 / count), x.shape),)


def tensor_mean(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``.  VJP: g / count, broadcast back over the reduced axes."""
    axes = normalize_axes(axis, a.data.ndim, "mean", a)
    if a.data.size == 0:
        raise ValueError(f"mean: node {a._describe()} is empty (shape {a.shape})")
    x = a.data
    count = 1
    for i in axes:
        count *= x.shape[i]
    # What ndarray.mean computes (a sum, then a division by the count), without its Python wrapper.
    out = np.add.reduce(x, axis=axes, keepdims=keepdims) / count
    return new_node(out, "mean", (a,), _mean_vjp, saved=(axes, keepdims), arg=axis)


# The share of each entry (1/ties where it equals the extreme, else 0) is a constant computed
# at the forward step: the same VJP serves create_graph.
@tensor_op("max", ("g to the max entries",), _replay_reduce("max"))
def _max_vjp(node: Tensor, g: Any) -> tuple:
    return (node._saved[2] * _expand(g, node),)


@tensor_op("min", ("g to the min entries",), _replay_reduce("min"))
def _min_vjp(node: Tensor, g: Any) -> tuple:
    return (node._saved[2] * _expand(g, node),)


def _extreme(op: str, a: Tensor, axis: Any, keepdims: bool) -> Tensor:
    axes = normalize_axes(axis, a.data.ndim, op, a)
    if a.data.size == 0:
        raise ValueError(f"{op}: node {a._describe()} is empty (shape {a.shape})")
    x = a.data
    peak = x.max(axis=axes, keepdims=True) if op == "max" else x.min(axis=axes, keepdims=True)
    mask = x == peak
    share = mask / mask.sum(axis=axes, keepdims=True, dtype=x.dtype)
    out = peak if keepdims else peak.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))
    vjp = _max_vjp if op == "max" else _min_vjp
    return new_node(out, op, (a,), vjp, saved=(axes, keepdims, share.astype(x.dtype, copy=False)), arg=axis)


def tensor_max(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Maximum over ``axis``.  VJP: g goes to the entries equal to the maximum, split evenly
    between ties."""
    return _extreme("max", a, axis, keepdims)


def tensor_min(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Minimum over ``axis``.  VJP: g goes to the entries equal to the minimum, split evenly
    between ties.

    >>> from autograd_core import Tensor
    >>> Tensor([[3.0, 1.0], [2.0, 5.0]]).min(axis=1).data
    array([1., 2.])
    """
    return _extreme("min", a, axis, keepdims)


@tensor_op("var", ("2 g ⊙ ({a} − mean) / (n − ddof)",), lambda node, a: a.var(node.arg, node._saved[1], node._saved[2]))
def _var_vjp(node: Tensor, g: Any) -> tuple:
    axes, _, ddof = node._saved
    (x,) = node.parents if type(g) is Tensor else (node.parents[0].data,)
    count = 1
    for axis in axes:
        count *= x.shape[axis]
    centred = x - x.mean(axis=axes, keepdims=True)
    return (_expand(g, node) * centred * (2.0 / (count - ddof)),)


def tensor_var(a: Tensor, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance over ``axis``: mean of squared deviations, divided by ``n - ddof`` (NumPy's rule).

    VJP: ``2 g (x - mean) / (n - ddof)``.

    >>> from autograd_core import Tensor
    >>> Tensor([1.0, 2.0, 3.0, 4.0]).var().item()
    1.25
    """
    axes = normalize_axes(axis, a.data.ndim, "var", a)
    if isinstance(ddof, bool) or not isinstance(ddof, (int, np.integer)) or ddof < 0:
        raise TypeError(f"var: ddof must be a non-negative int, got {ddof!r} (node {a._describe()})")
    count = 1
    for i in axes:
        count *= a.data.shape[i]
    if count - ddof <= 0:
        raise ValueError(
            f"var: {count} entries along axis {axis!r} of node {a._describe()} (shape {a.shape}) leave no degree "
            f"of freedom with ddof={ddof}"
        )
    out = a.data.var(axis=axes, keepdims=keepdims, ddof=ddof)
    return new_node(out, "var", (a,), _var_vjp, saved=(axes, keepdims, int(ddof)), arg=axis)
