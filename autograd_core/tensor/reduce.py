"""Tensor reductions: ``sum``, ``mean``, ``max``, ``min`` and ``var`` over an axis (or several, or all).

The VJP of a reduction spreads the output's gradient back over the reduced axes: whole for
``sum``, divided by the count for ``mean``, onto the maxima for ``max`` (ties split the
gradient evenly: where two entries share the maximum, each receives half), and
``2 (x - mean) / (n - ddof)`` times it for ``var``; ``std`` is 0 where the spread is 0, as in
PyTorch.  Each VJP works on arrays and on Tensors (``backward(create_graph=True)``); each op's
record (:func:`tensor_op`) says it in words.

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

from .core import Tensor, as_tensor, new_node, tensor_op
from .numpy_protocol import reduction


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
    shape = list(node.parents[0]._data.shape)
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


def _sum_vjp(node: Tensor, g: Any) -> tuple:
    return (_spread(_expand(g, node), node.parents[0]._data.shape),)


def tensor_sum(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis``; the VJP broadcasts g back over the reduced axes (a view, no copy)."""
    axes = normalize_axes(axis, a._data.ndim, "sum", a)
    out = a._data.sum(axis=axes, keepdims=keepdims)
    return new_node(out, SUM, (a,), saved=(axes, keepdims), arg=axis)


def _mean_vjp(node: Tensor, g: Any) -> tuple:
    x = node.parents[0]._data
    count = x.size // max(node._data.size, 1) if x.size else 1
    return (_spread(_expand(g, node) * (1.0 / count), x.shape),)


def tensor_mean(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``."""
    axes = normalize_axes(axis, a._data.ndim, "mean", a)
    if a._data.size == 0:
        raise ValueError(f"mean: node {a._describe()} is empty (shape {a.shape})")
    x = a._data
    count = 1
    for i in axes:
        count *= x.shape[i]
    # What ndarray.mean computes (a sum, then a division by the count), without its Python wrapper.
    out = np.add.reduce(x, axis=axes, keepdims=keepdims) / count
    return new_node(out, MEAN, (a,), saved=(axes, keepdims), arg=axis)


# The share of each entry (1/ties where it equals the extreme, else 0) is a constant computed
# at the forward step: the same VJP serves create_graph.
def _extreme_vjp(node: Tensor, g: Any) -> tuple:
    return (node._saved[2] * _expand(g, node),)


def _extreme(op: str, a: Tensor, axis: Any, keepdims: bool) -> Tensor:
    axes = normalize_axes(axis, a._data.ndim, op, a)
    if a._data.size == 0:
        raise ValueError(f"{op}: node {a._describe()} is empty (shape {a.shape})")
    x = a._data
    peak = x.max(axis=axes, keepdims=True) if op == "max" else x.min(axis=axes, keepdims=True)
    mask = x == peak
    share = mask / mask.sum(axis=axes, keepdims=True, dtype=x.dtype)
    out = peak if keepdims else peak.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))
    record = MAX if op == "max" else MIN
    return new_node(out, record, (a,), saved=(axes, keepdims, share.astype(x.dtype, copy=False)), arg=axis)


def tensor_max(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Maximum over ``axis``; the gradient goes to the entries equal to the maximum, split evenly
    between ties."""
    return _extreme("max", a, axis, keepdims)


def tensor_min(a: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Minimum over ``axis``; the gradient goes to the entries equal to the minimum, split evenly
    between ties.

    >>> from autograd_core import Tensor
    >>> Tensor([[3.0, 1.0], [2.0, 5.0]]).min(axis=1).data
    array([1., 2.])
    """
    return _extreme("min", a, axis, keepdims)


def _var_vjp(node: Tensor, g: Any) -> tuple:
    axes, _, ddof = node._saved
    (x,) = node.parents if type(g) is Tensor else (node.parents[0]._data,)
    count = 1
    for axis in axes:
        count *= x.shape[axis]
    centred = x - x.mean(axis=axes, keepdims=True)
    return (_expand(g, node) * centred * (2.0 / (count - ddof)),)


def tensor_var(a: Tensor, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance over ``axis``: the sum of squared deviations divided by ``n - ddof`` (NumPy's rule).

    >>> from autograd_core import Tensor
    >>> Tensor([1.0, 2.0, 3.0, 4.0]).var().item()
    1.25
    """
    axes = _spread_axes(a, axis, ddof, "var")
    out = a._data.var(axis=axes, keepdims=keepdims, ddof=ddof)
    return new_node(out, VAR, (a,), saved=(axes, keepdims, int(ddof)), arg=axis)


def _spread_axes(a: Tensor, axis: Any, ddof: Any, op: str) -> tuple[int, ...]:
    """The axes ``var`` or ``std`` reduce, once ``ddof`` is known to leave a degree of freedom."""
    axes = normalize_axes(axis, a._data.ndim, op, a)
    if isinstance(ddof, bool) or not isinstance(ddof, (int, np.integer)) or ddof < 0:
        raise TypeError(f"{op}: ddof must be a non-negative int, got {ddof!r} (node {a._describe()})")
    count = 1
    for i in axes:
        count *= a._data.shape[i]
    if count - ddof <= 0:
        raise ValueError(
            f"{op}: {count} entries along axis {axis!r} of node {a._describe()} (shape {a.shape}) leave no degree "
            f"of freedom with ddof={ddof}"
        )
    return axes


def _std_vjp(node: Tensor, g: Any) -> tuple:
    """``g (x - mean) / ((n - ddof) std)``, and 0 where the spread is 0 (std's slope is infinite
    there and ``x - mean`` is 0: PyTorch's choice, which keeps gradients finite)."""
    axes, _, ddof = node._saved
    graph = type(g) is Tensor
    x = node.parents[0] if graph else node.parents[0]._data
    count = 1
    for axis in axes:
        count *= node.parents[0]._data.shape[axis]
    flat = node._data == 0
    spread = _expand(np.where(flat, 1, node if graph else node._data), node)  # 1 where flat: no 0 / 0
    centred = x - x.mean(axis=axes, keepdims=True)
    scale = np.where(_expand(flat, node), 0, 1 / (spread * (count - ddof)))
    return (_expand(g, node) * centred * scale,)


def tensor_std(a: Tensor, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Standard deviation over ``axis``: ``sqrt(var)``, with gradient 0 where every entry is the same.

    >>> from autograd_core import Tensor
    >>> x = Tensor([3.0, 3.0], requires_grad=True)
    >>> x.std().backward(); x.grad
    array([0., 0.])
    """
    axes = _spread_axes(a, axis, ddof, "std")
    out = a._data.std(axis=axes, keepdims=keepdims, ddof=ddof)
    return new_node(out, STD, (a,), saved=(axes, keepdims, int(ddof)), arg=axis)


def _lift(x: Any, name: str) -> Tensor:
    return as_tensor(x, None, name)


def _kink_at_tie(node: Tensor, distance: float, label: Any) -> str | None:
    """Two entries of a reduced group within ``distance`` of its maximum (minimum)."""
    x = node.parents[0]._data
    if x.size < 2:
        return None
    axes = node._saved[0]
    moved = np.moveaxis(x, axes, tuple(range(-len(axes), 0))) if axes else x
    flat = moved.reshape(moved.shape[: moved.ndim - len(axes)] + (-1,)) if axes else x.reshape(1, -1)
    if flat.shape[-1] < 2:
        return None
    ordered = np.sort(flat, axis=-1)
    pair = ordered[..., -2:] if node.op == "max" else ordered[..., :2]
    if not (np.abs(pair[..., 1] - pair[..., 0]) < distance).any():
        return None
    which = "maximum" if node.op == "max" else "minimum"
    return f"two entries within {distance:.1g} of the {which} (a tie: the gradient is split there)"


SUM = tensor_op("sum", _sum_vjp, tensor_sum, formula=("g spread out",), replay=_replay_reduce("sum"), symbol="Σ",
                numpy={np.sum: reduction("sum", _lift)})
MEAN = tensor_op("mean", _mean_vjp, tensor_mean, formula=("g / n spread out",), replay=_replay_reduce("mean"),
                 numpy={np.mean: reduction("mean", _lift)})
MAX = tensor_op("max", _extreme_vjp, tensor_max, formula=("g to the max entries",), replay=_replay_reduce("max"),
                kink=_kink_at_tie, numpy={np.max: reduction("max", _lift), np.amax: reduction("max", _lift)})
MIN = tensor_op("min", _extreme_vjp, tensor_min, formula=("g to the min entries",), replay=_replay_reduce("min"),
                kink=_kink_at_tie, numpy={np.min: reduction("min", _lift), np.amin: reduction("min", _lift)})
VAR = tensor_op("var", _var_vjp, tensor_var, formula=("2 g ⊙ ({a} − mean) / (n − ddof)",),
                replay=lambda node, a: a.var(node.arg, node._saved[1], node._saved[2]),
                numpy={np.var: reduction("var", _lift)})
STD = tensor_op("std", _std_vjp, tensor_std, formula=("g ⊙ ({a} − mean) / ((n − ddof) {out}), 0 where {out} = 0",),
                replay=lambda node, a: a.std(node.arg, node._saved[1], node._saved[2]),
                numpy={np.std: reduction("std", _lift)})
