"""Tensor reductions: ``sum``, ``mean`` and ``max`` over an axis (or several, or all).

The VJP of a reduction spreads the output's gradient back over the reduced axes: whole for
``sum``, divided by the count for ``mean``, and onto the maxima for ``max`` (ties split the
gradient evenly: where two entries share the maximum, each receives half).

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

from typing import Any

import numpy as np

from .tensor import Tensor, new_node


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


def _expand(g: np.ndarray, node: Tensor) -> np.ndarray:
    """The output gradient with the reduced axes put back as length-1 axes (a view)."""
    axes, keepdims = node._saved
    return g if keepdims else np.expand_dims(g, axes)


def _sum_vjp(node: Tensor, g: np.ndarray) -> tuple:
    x = node.parents[0].data
    return (np.broadcast_to(_expand(g, node), x.shape),)


def tensor_sum(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis``.  VJP: g broadcast back over the reduced axes (a view, no copy)."""
    axes = normalize_axes(axis, a.data.ndim, "sum", a)
    out = a.data.sum(axis=axes, keepdims=keepdims)
    return new_node(out, "sum", (a,), _sum_vjp, saved=(axes, keepdims), arg=axis)


def _mean_vjp(node: Tensor, g: np.ndarray) -> tuple:
    x = node.parents[0].data
    count = x.size // max(node.data.size, 1) if x.size else 1
    return (np.broadcast_to(_expand(g, node) * (1.0 / count), x.shape),)


def tensor_mean(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``.  VJP: g / count, broadcast back over the reduced axes."""
    axes = normalize_axes(axis, a.data.ndim, "mean", a)
    if a.data.size == 0:
        raise ValueError(f"mean: node {a._describe()} is empty (shape {a.shape})")
    out = a.data.mean(axis=axes, keepdims=keepdims)
    return new_node(out, "mean", (a,), _mean_vjp, saved=(axes, keepdims), arg=axis)


def _max_vjp(node: Tensor, g: np.ndarray) -> tuple:
    x = node.parents[0].data
    axes, _ = node._saved
    peak = _expand(node.data, node)
    mask = x == peak
    share = _expand(g, node) / mask.sum(axis=axes, keepdims=True, dtype=x.dtype)
    return (mask * share,)


def tensor_max(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Maximum over ``axis``.  VJP: g goes to the entries equal to the maximum, split evenly
    between ties."""
    axes = normalize_axes(axis, a.data.ndim, "max", a)
    if a.data.size == 0:
        raise ValueError(f"max: node {a._describe()} is empty (shape {a.shape})")
    out = a.data.max(axis=axes, keepdims=keepdims)
    return new_node(out, "max", (a,), _max_vjp, saved=(axes, keepdims), arg=axis)
