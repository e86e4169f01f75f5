"""Tensor shape ops: ``reshape``, ``transpose``, indexing, ``concatenate`` and ``stack``.

Their forward results are views of the input where NumPy gives one (reshape, transpose, basic
indexing), and their VJPs put the gradient back where the values came from.  Indexing with
integer arrays may pick an entry several times: its gradient is the sum of the gradients of
every pick (``np.add.at``).

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    >>> x[np.array([0, 0, 2])].sum().backward()     # entry 0 picked twice
    >>> x.grad
    array([2., 0., 1.])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .tensor import Tensor, as_tensor, new_node


# -- reshape and transpose ---------------------------------------------------------------------
def _reshape_vjp(node: Tensor, g: np.ndarray) -> tuple:
    return (g.reshape(node.parents[0].data.shape),)


def reshape(a: Tensor, shape: tuple) -> Tensor:
    """Same data in a new shape (one axis may be -1).  VJP: g reshaped back."""
    try:
        out = a.data.reshape(shape)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"reshape: cannot reshape node {a._describe()} of shape {a.shape} ({a.size} entries) "
            f"into {shape}: {error}"
        ) from None
    return new_node(out, "reshape", (a,), _reshape_vjp, arg=out.shape)


def _transpose_vjp(node: Tensor, g: np.ndarray) -> tuple:
    axes = node._saved
    return (g.transpose() if axes is None else g.transpose(np.argsort(axes)),)


def transpose(a: Tensor, axes: tuple | None = None) -> Tensor:
    """Permute axes (reverse them when ``axes`` is None).  VJP: g with the inverse permutation."""
    try:
        out = a.data.transpose(axes)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"transpose: axes {axes} do not fit node {a._describe()} of shape {a.shape}: {error}"
        ) from None
    return new_node(out, "transpose", (a,), _transpose_vjp, saved=axes, arg=axes)


# -- indexing ------------------------------------------------------------------------------------
def _is_basic_part(part: Any) -> bool:
    if part is None or part is Ellipsis or isinstance(part, slice):
        return True
    return isinstance(part, (int, np.integer)) and not isinstance(part, bool)


def _is_basic(index: Any) -> bool:
    """True for ints, slices, None and Ellipsis (alone or in a tuple): no entry picked twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(_is_basic_part(p) for p in parts)


def _is_mask(index: Any) -> bool:
    return isinstance(index, np.ndarray) and index.dtype == bool


def _getitem_vjp(node: Tensor, g: np.ndarray) -> tuple:
    x = node.parents[0].data
    index, unique = node._saved
    grad = np.zeros_like(x)
    if unique:
        grad[index] = g
    else:
        np.add.at(grad, index, g)
    return (grad,)


def getitem(a: Tensor, index: Any) -> Tensor:
    """``a[index]`` with ints, slices, integer arrays or boolean masks, as NumPy indexes.

    VJP: a zero array of the input's shape with g written back at the index; entries picked
    more than once (repeated integer indices) accumulate.
    """
    if isinstance(index, Tensor):
        raise TypeError(
            f"getitem: index node {index._describe()} with a Tensor is ambiguous; index with an integer or "
            "boolean NumPy array (e.g. t[mask.data > 0] or t[np.asarray(idx, dtype=int)])"
        )
    if isinstance(index, list):
        index = np.asarray(index)
    try:
        out = a.data[index]
    except IndexError as error:
        raise IndexError(
            f"getitem: index {index!r:.80} does not fit node {a._describe()} of shape {a.shape}: {error}"
        ) from None
    unique = _is_basic(index) or _is_mask(index)
    return new_node(out, "getitem", (a,), _getitem_vjp, saved=(index, unique), arg=index)


# -- joining -----------------------------------------------------------------------------------
def _lift_all(tensors: Sequence[Any], op: str) -> tuple[Tensor, ...]:
    if isinstance(tensors, (Tensor, np.ndarray)) or not isinstance(tensors, Sequence) or not tensors:
        raise TypeError(f"{op}: expected a non-empty list or tuple of tensors, got {type(tensors).__name__}")
    like = next((t for t in tensors if isinstance(t, Tensor)), None)
    return tuple(as_tensor(t, like, op) for t in tensors)


def _shapes(parts: tuple[Tensor, ...]) -> str:
    return ", ".join(f"{p.shape} ({p._describe()})" for p in parts)


def _concatenate_vjp(node: Tensor, g: np.ndarray) -> tuple:
    axis, bounds = node._saved
    head = (slice(None),) * axis
    return tuple(
        g[head + (slice(start, stop),)] if p.requires_grad else None
        for p, start, stop in zip(node.parents, bounds[:-1], bounds[1:])
    )


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis.  VJP: g cut back into the pieces (views).

    >>> from autograd_core import Tensor, concatenate
    >>> a = Tensor([1.0, 2.0], requires_grad=True); b = Tensor([3.0], requires_grad=True)
    >>> concatenate([a, b]).shape
    (3,)
    """
    parts = _lift_all(tensors, "concatenate")
    try:
        out = np.concatenate([p.data for p in parts], axis=axis)
    except (ValueError, np.exceptions.AxisError) as error:
        raise ValueError(f"concatenate: cannot join shapes {_shapes(parts)} along axis {axis}: {error}") from None
    axis = axis % out.ndim
    bounds = np.cumsum([0] + [p.data.shape[axis] for p in parts]).tolist()
    return new_node(out, "concatenate", parts, _concatenate_vjp, saved=(axis, bounds), arg=axis)


def _stack_vjp(node: Tensor, g: np.ndarray) -> tuple:
    axis = node._saved
    head = (slice(None),) * axis
    return tuple(g[head + (i,)] if p.requires_grad else None for i, p in enumerate(node.parents))


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors of equal shape along a new axis.  VJP: g sliced back at each position (views).

    >>> from autograd_core import Tensor, stack
    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])], axis=1).shape
    (2, 2)
    """
    parts = _lift_all(tensors, "stack")
    try:
        out = np.stack([p.data for p in parts], axis=axis)
    except (ValueError, np.exceptions.AxisError) as error:
        raise ValueError(f"stack: cannot stack shapes {_shapes(parts)} along axis {axis}: {error}") from None
    axis = axis % out.ndim
    return new_node(out, "stack", parts, _stack_vjp, saved=axis, arg=axis)
