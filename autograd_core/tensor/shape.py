"""Tensor shape ops: ``reshape``, ``transpose``, indexing, joining, and the axis moves.

Their forward results are views of the input where NumPy gives one (reshape, transpose, basic
indexing, ``broadcast_to``), and their VJPs put the gradient back where the values came from.
Indexing with integer arrays may pick an entry several times: its gradient is the sum of the
gradients of every pick.  Every VJP is itself made of shape ops, so it works on arrays and on
Tensors (``backward(create_graph=True)``); the VJP of indexing is ``scatter``, whose own VJP is
indexing again.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    >>> x[np.array([0, 0, 2])].sum().backward()     # entry 0 picked twice
    >>> x.grad
    array([2., 0., 1.])
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .broadcast import unbroadcast
from .core import Tensor, as_tensor, new_node, tensor_op
from .numpy_protocol import refuse_argument
from .reduce import normalize_axes


# -- reshape and transpose ---------------------------------------------------------------------
def _reshape_vjp(node: Tensor, g: Any) -> tuple:
    return (g.reshape(node.parents[0]._data.shape),)


def reshape(a: Tensor, shape: tuple) -> Tensor:
    """Same data in a new shape (one axis may be -1)."""
    try:
        out = a._data.reshape(shape)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"reshape: cannot reshape node {a._describe()} of shape {a.shape} ({a.size} entries) "
            f"into {shape}: {error}"
        ) from None
    return new_node(out, RESHAPE, (a,), arg=out.shape)


def _transpose_vjp(node: Tensor, g: Any) -> tuple:
    axes = node._saved
    return (g.transpose() if axes is None else g.transpose(tuple(np.argsort(axes).tolist())),)


def transpose(a: Tensor, axes: Any = None) -> Tensor:
    """Permute axes (reverse them when ``axes`` is None; negative axes count from the end)."""
    if axes is not None:
        ndim = a._data.ndim
        try:
            axes = tuple(int(i) % ndim if -ndim <= int(i) < ndim else int(i) for i in axes)
        except (TypeError, ValueError, ZeroDivisionError):
            raise ValueError(
                f"transpose: axes {axes!r} must be ints (node {a._describe()} of shape {a.shape})"
            ) from None
    try:
        out = a._data.transpose(axes)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"transpose: axes {axes} do not fit node {a._describe()} of shape {a.shape}: {error}"
        ) from None
    return new_node(out, TRANSPOSE, (a,), saved=axes, arg=axes)


def _swapaxes_vjp(node: Tensor, g: Any) -> tuple:
    return (g.swapaxes(*node.arg),)


def swapaxes(a: Tensor, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes (a view)."""
    ndim = a._data.ndim
    first, second = normalize_axes(axis1, ndim, "swapaxes", a), normalize_axes(axis2, ndim, "swapaxes", a)
    pair = (first[0], second[0])
    return new_node(a._data.swapaxes(*pair), SWAPAXES, (a,), arg=pair)


def _moveaxis_vjp(node: Tensor, g: Any) -> tuple:
    source, destination = node.arg
    return (g.moveaxis(destination, source) if type(g) is Tensor else np.moveaxis(g, destination, source),)


def moveaxis(a: Tensor, source: Any, destination: Any) -> Tensor:
    """Move axes to new positions, as ``np.moveaxis`` (a view)."""
    ndim = a._data.ndim
    src = _axis_list(source, ndim, "moveaxis", a)
    dst = _axis_list(destination, ndim, "moveaxis", a)
    if len(src) != len(dst):
        raise ValueError(
            f"moveaxis: source {source!r} and destination {destination!r} must name as many axes (node {a._describe()})"
        )
    return new_node(np.moveaxis(a._data, src, dst), MOVEAXIS, (a,), arg=(src, dst))


def _axis_list(axis: Any, ndim: int, op: str, a: Tensor) -> tuple[int, ...]:
    """Axes in the order given (not sorted), each checked and made non-negative."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    result = tuple(normalize_axes(i, ndim, op, a)[0] for i in axes)
    if len(set(result)) != len(result):
        raise ValueError(f"{op}: repeated axis in {axis!r} (node {a._describe()})")
    return result


def _squeeze_vjp(node: Tensor, g: Any) -> tuple:
    return (g.reshape(node.parents[0]._data.shape),)


def squeeze(a: Tensor, axis: Any = None) -> Tensor:
    """Drop length-1 axes (all, or those in ``axis``)."""
    shape = a._data.shape
    if axis is None:
        axes = tuple(i for i, n in enumerate(shape) if n == 1)
    else:
        axes = normalize_axes(axis, a._data.ndim, "squeeze", a)
        long = [i for i in axes if shape[i] != 1]
        if long:
            raise ValueError(
                f"squeeze: axis {long[0]} of node {a._describe()} (shape {shape}) has length {shape[long[0]]}, not 1"
            )
    out = a._data.reshape(tuple(n for i, n in enumerate(shape) if i not in axes))
    return new_node(out, SQUEEZE, (a,), arg=axis)


def _expand_dims_vjp(node: Tensor, g: Any) -> tuple:
    return (g.reshape(node.parents[0]._data.shape),)


def expand_dims(a: Tensor, axis: Any) -> Tensor:
    """Insert length-1 axes at ``axis`` (positions in the result), as ``np.expand_dims``."""
    try:
        out = np.expand_dims(a._data, axis)
    except (ValueError, TypeError, np.exceptions.AxisError) as error:
        raise ValueError(
            f"expand_dims: axis {axis!r} does not fit node {a._describe()} of shape {a.shape}: {error}"
        ) from None
    return new_node(out, EXPAND_DIMS, (a,), arg=axis)


# -- broadcasting and its adjoint -------------------------------------------------------------------
def _broadcast_to_vjp(node: Tensor, g: Any) -> tuple:
    shape = node.parents[0]._data.shape
    return (g.sum_to(shape) if type(g) is Tensor else unbroadcast(g, shape),)


def broadcast_to(a: Tensor, shape: tuple) -> Tensor:
    """``a`` broadcast to ``shape`` (a read-only view)."""
    shape = tuple(shape)
    try:
        out = np.broadcast_to(a._data, shape)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"broadcast_to: node {a._describe()} of shape {a.shape} cannot be broadcast to {shape}: {error}"
        ) from None
    return new_node(out, BROADCAST_TO, (a,), arg=shape)


def _sum_to_vjp(node: Tensor, g: Any) -> tuple:
    shape = node.parents[0]._data.shape
    if type(g) is Tensor:
        return (g.broadcast_to(shape),)
    return (np.broadcast_to(g, shape),)


def sum_to(a: Tensor, shape: tuple) -> Tensor:
    """Sum ``a`` down to ``shape``: over the axes broadcasting ``shape`` to ``a.shape`` adds or
    stretches (DeZero's ``sum_to``, the adjoint of ``broadcast_to``).

    >>> from autograd_core import Tensor
    >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).sum_to((1, 2)).data
    array([[4., 6.]])
    """
    shape = tuple(shape)
    try:
        fits = np.broadcast_shapes(shape, a._data.shape) == a._data.shape
    except (ValueError, TypeError):
        fits = False
    if not fits:
        raise ValueError(
            f"sum_to: node {a._describe()} of shape {a.shape} cannot be summed to {shape}: "
            f"{shape} must broadcast to {a.shape}"
        )
    out = unbroadcast(a._data, shape)
    return new_node(np.array(out, copy=True) if out is a._data else out, SUM_TO, (a,), arg=shape)


# -- repeating and rolling ------------------------------------------------------------------------
def _repeat_vjp(node: Tensor, g: Any) -> tuple:
    x = node.parents[0]._data
    repeats, axis = node.arg
    if axis is None:
        g = g.reshape(-1)
        axis = 0
        length = x.size
    else:
        length = x.shape[axis]
    if isinstance(repeats, int):
        # Every entry copied ``repeats`` times in a row: split that axis in two and sum the copies.
        shape = g.shape[:axis] + (length, repeats) + g.shape[axis + 1:]
        return (g.reshape(shape).sum(axis=axis + 1).reshape(x.shape),)
    starts = np.concatenate([[0], np.cumsum(repeats)[:-1]])
    pieces = [g[(slice(None),) * axis + (slice(int(s), int(s) + int(r)),)].sum(axis=axis, keepdims=True)
              for s, r in zip(starts, repeats)]
    joined = concatenate(pieces, axis=axis) if type(g) is Tensor else np.concatenate(pieces, axis=axis)
    return (joined.reshape(x.shape),)


def repeat(a: Tensor, repeats: Any, axis: int | None = None) -> Tensor:
    """Repeat each entry, as ``np.repeat`` (flattened when ``axis`` is None; a 0-d tensor reads as
    one entry along axis 0, as NumPy reads it).

    >>> from autograd_core import Tensor
    >>> Tensor(5.0).repeat(3, axis=0).data
    array([5., 5., 5.])
    """
    if axis is not None and a._data.ndim == 0 and axis in (0, -1) and not isinstance(axis, bool):
        axis = None  # NumPy's rule: a single number repeated along its one axis
    if axis is not None:
        axis = normalize_axes(axis, a._data.ndim, "repeat", a)[0]
    counts = np.asarray(repeats)
    if counts.dtype.kind not in "iu" or (counts < 0).any() or counts.ndim > 1:
        raise ValueError(f"repeat: repeats must be a non-negative int or a 1-D list of them, got {repeats!r}")
    try:
        out = np.repeat(a._data, counts, axis=axis)
    except ValueError as error:
        raise ValueError(
            f"repeat: repeats {repeats!r} do not fit node {a._describe()} of shape {a.shape}: {error}"
        ) from None
    kept = int(counts) if counts.ndim == 0 else tuple(int(c) for c in counts)
    if isinstance(kept, tuple) and len(kept) == 1:
        kept = kept[0]
    return new_node(out, REPEAT, (a,), arg=(kept, axis))


def _roll_vjp(node: Tensor, g: Any) -> tuple:
    shift, axis = node.arg
    back = tuple(-s for s in shift) if isinstance(shift, tuple) else -shift
    return (g.roll(back, axis) if type(g) is Tensor else np.roll(g, back, axis),)


def roll(a: Tensor, shift: Any, axis: Any = None) -> Tensor:
    """Shift entries cyclically along ``axis`` (the flattened array when None), as ``np.roll``."""
    try:
        out = np.roll(a._data, shift, axis)
    except (ValueError, TypeError, np.exceptions.AxisError) as error:
        raise ValueError(f"roll: shift {shift!r} and axis {axis!r} do not fit node {a._describe()} of shape {a.shape}: "
                         f"{error}") from None
    kept_shift = tuple(int(s) for s in shift) if isinstance(shift, (tuple, list)) else int(shift)
    kept_axis = tuple(int(i) for i in axis) if isinstance(axis, (tuple, list)) else axis
    return new_node(out, ROLL, (a,), arg=(kept_shift, kept_axis))


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


def _picks_rows_once(index: Any) -> bool:
    """True for ``x[rows, labels]`` with ``rows`` non-negative and strictly increasing
    (``np.arange(batch)``): every
    entry is picked at most once, so the VJP writes ``g`` back directly instead of ``np.add.at``."""
    if type(index) is not tuple or len(index) != 2:
        return False
    rows, cols = index
    if type(rows) is not np.ndarray or type(cols) is not np.ndarray or rows.ndim != 1 or rows.shape != cols.shape:
        return False
    if rows.dtype.kind not in "iu" or cols.dtype.kind not in "iu":
        return False
    # Non-negative as well as increasing: rows [-1, 2] of a 3-row array are the same row twice.
    return rows.size < 2 or bool(rows[0] >= 0 and (rows[1:] > rows[:-1]).all())


def _getitem_vjp(node: Tensor, g: Any) -> tuple:
    x = node.parents[0]._data
    index, unique = node._saved
    if unique is None:
        unique = _picks_rows_once(index)
    if type(g) is Tensor:
        return (scatter(g, index, x.shape, unique),)
    return (_scatter_array(g, index, x.shape, x.dtype, unique),)


def _scatter_array(g: np.ndarray, index: Any, shape: tuple, dtype: Any, unique: bool) -> np.ndarray:
    """Zeros of ``shape`` with ``g`` added at ``index`` (entries picked twice accumulate)."""
    grad = np.zeros(shape, dtype=dtype)
    if unique:
        grad[index] = g
    else:
        np.add.at(grad, index, g)
    return grad


def _scatter_vjp(node: Tensor, g: Any) -> tuple:
    index = node._saved[0]
    return (g[index],)


def scatter(a: Tensor, index: Any, shape: tuple, unique: bool = False) -> Tensor:
    """Zeros of ``shape`` with ``a`` added at ``index``: the adjoint of ``t[index]`` (what its
    VJP computes), recorded so a gradient of indexing can be differentiated again."""
    out = _scatter_array(a._data, index, shape, a._data.dtype, unique)
    return new_node(out, SCATTER, (a,), saved=(index, unique), arg=shape)


def getitem(a: Tensor, index: Any) -> Tensor:
    """``a[index]`` with ints, slices, integer arrays or boolean masks, as NumPy indexes."""
    if isinstance(index, Tensor):
        raise TypeError(
            f"getitem: index node {index._describe()} with a Tensor is ambiguous; index with an integer or "
            "boolean NumPy array (e.g. t[mask.data > 0] or t[np.asarray(idx, dtype=int)])"
        )
    if isinstance(index, list):
        index = np.asarray(index)
        if index.size == 0:
            index = index.astype(np.intp)  # t[[]]: NumPy's empty selection, not a float index
    try:
        out = a._data[index]
    except IndexError as error:
        raise IndexError(
            f"getitem: index {index!r:.80} does not fit node {a._describe()} of shape {a.shape}: {error}"
        ) from None
    if type(index) is tuple and len(index) == 2 and type(index[0]) is np.ndarray:
        unique = None  # the label gather x[rows, labels]: decided by its VJP, only if backward runs
    else:
        unique = _is_basic(index) or _is_mask(index)
    return new_node(out, GETITEM, (a,), saved=(index, unique), arg=index)


# -- joining -----------------------------------------------------------------------------------
def _lift_all(tensors: Sequence[Any], op: str) -> tuple[Tensor, ...]:
    if isinstance(tensors, (Tensor, np.ndarray)) or not isinstance(tensors, Sequence) or not tensors:
        raise TypeError(f"{op}: expected a non-empty list or tuple of tensors, got {type(tensors).__name__}")
    like = next((t for t in tensors if isinstance(t, Tensor)), None)
    return tuple(as_tensor(t, like, op) for t in tensors)


def _shapes(parts: tuple[Tensor, ...]) -> str:
    return ", ".join(f"{p.shape} ({p._describe()})" for p in parts)


def _concatenate_vjp(node: Tensor, g: Any) -> tuple:
    axis, bounds = node._saved
    head = (slice(None),) * axis
    return tuple(
        g[head + (slice(start, stop),)] if p.requires_grad else None
        for p, start, stop in zip(node.parents, bounds[:-1], bounds[1:])
    )


def concatenate(tensors: Sequence[Any], axis: int | None = 0) -> Tensor:
    """Join tensors along an existing axis; ``axis=None`` joins them flattened, as NumPy does.

    >>> from autograd_core import Tensor, concatenate
    >>> a = Tensor([1.0, 2.0], requires_grad=True); b = Tensor([3.0], requires_grad=True)
    >>> concatenate([a, b]).shape
    (3,)
    >>> concatenate([Tensor([[1.0, 2.0]]), b], axis=None).data
    array([1., 2., 3.])
    """
    parts = _lift_all(tensors, "concatenate")
    if axis is None:
        return concatenate([p.reshape(-1) for p in parts], axis=0)
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"concatenate: axis must be an integer or None, got {type(axis).__name__}: {axis!r:.40}")
    try:
        out = np.concatenate([p._data for p in parts], axis=axis)
    except (ValueError, np.exceptions.AxisError) as error:
        raise ValueError(f"concatenate: cannot join shapes {_shapes(parts)} along axis {axis}: {error}") from None
    axis = axis % out.ndim
    bounds = np.cumsum([0] + [p._data.shape[axis] for p in parts]).tolist()
    return new_node(out, CONCATENATE, parts, saved=(axis, bounds), arg=axis)


def _stack_vjp(node: Tensor, g: Any) -> tuple:
    axis = node._saved
    head = (slice(None),) * axis
    return tuple(g[head + (i,)] if p.requires_grad else None for i, p in enumerate(node.parents))


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors of equal shape along a new axis.

    >>> from autograd_core import Tensor, stack
    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])], axis=1).shape
    (2, 2)
    """
    parts = _lift_all(tensors, "stack")
    try:
        out = np.stack([p._data for p in parts], axis=axis)
    except (ValueError, np.exceptions.AxisError) as error:
        raise ValueError(f"stack: cannot stack shapes {_shapes(parts)} along axis {axis}: {error}") from None
    axis = axis % out.ndim
    return new_node(out, STACK, parts, saved=axis, arg=axis)


# -- NumPy's spellings --------------------------------------------------------------------------
def _lift(x: Any, name: str) -> Tensor:
    return as_tensor(x, None, name)


def _np_reshape(a: Any, *args: Any, **kwargs: Any) -> Tensor:
    new = kwargs.pop("shape", kwargs.pop("newshape", args[0] if args else None))
    refuse_argument("reshape(order=...)", kwargs.pop("order", "C"), "C")
    return _lift(a, "reshape").reshape(new)


def _np_ravel(a: Any, order: str = "C") -> Tensor:
    refuse_argument("ravel(order=...)", order, "C")
    return _lift(a, "ravel").ravel()


def _np_transpose(a: Any, axes: Any = None) -> Tensor:
    return transpose(_lift(a, "transpose"), None if axes is None else tuple(axes))


def _np_moveaxis(a: Any, source: Any, destination: Any) -> Tensor:
    return _lift(a, "moveaxis").moveaxis(source, destination)


def _joining(join: Any) -> Any:
    def apply(arrays: Any, axis: int = 0, out: Any = None, **rest: Any) -> Tensor:
        refuse_argument(join.__name__, out)
        for key, value in rest.items():
            refuse_argument(f"{join.__name__}({key}=...)", value)
        return join(list(arrays), axis=axis)

    return apply


# -- the records ----------------------------------------------------------------------------------
RESHAPE = tensor_op("reshape", _reshape_vjp, reshape, formula=("g reshaped back",),
                    replay=lambda node, a: a.reshape(node.arg), numpy={np.reshape: _np_reshape, np.ravel: _np_ravel})
TRANSPOSE = tensor_op("transpose", _transpose_vjp, transpose, formula=("g transposed back",),
                      replay=lambda node, a: transpose(a, node._saved), symbol="T",
                      numpy={np.transpose: _np_transpose})
SWAPAXES = tensor_op("swapaxes", _swapaxes_vjp, swapaxes, formula=("g with the axes swapped back",),
                     replay=lambda node, a: a.swapaxes(*node.arg),
                     numpy={np.swapaxes: lambda a, axis1, axis2: _lift(a, "swapaxes").swapaxes(axis1, axis2)})
MOVEAXIS = tensor_op("moveaxis", _moveaxis_vjp, moveaxis, formula=("g with the axes moved back",),
                     replay=lambda node, a: a.moveaxis(*node.arg),
                     numpy={np.moveaxis: _np_moveaxis})
SQUEEZE = tensor_op("squeeze", _squeeze_vjp, squeeze, formula=("g reshaped back",),
                    replay=lambda node, a: a.reshape(node._data.shape),
                    numpy={np.squeeze: lambda a, axis=None: _lift(a, "squeeze").squeeze(axis)})
EXPAND_DIMS = tensor_op("expand_dims", _expand_dims_vjp, expand_dims, formula=("g reshaped back",),
                        replay=lambda node, a: a.reshape(node._data.shape),
                        numpy={np.expand_dims: lambda a, axis: _lift(a, "expand_dims").expand_dims(axis)})
BROADCAST_TO = tensor_op(
    "broadcast_to", _broadcast_to_vjp, broadcast_to, formula=("g summed back to {a}'s shape",),
    replay=lambda node, a: a.broadcast_to(node.arg),
    numpy={np.broadcast_to: lambda array, shape, subok=False: _lift(array, "broadcast_to").broadcast_to(tuple(shape))},
)
SUM_TO = tensor_op("sum_to", _sum_to_vjp, sum_to, formula=("g broadcast back",),
                   replay=lambda node, a: a.sum_to(node.arg))
REPEAT = tensor_op("repeat", _repeat_vjp, repeat, formula=("g of the copies summed",),
                   replay=lambda node, a: a.repeat(*node.arg),
                   numpy={np.repeat: lambda a, repeats, axis=None: _lift(a, "repeat").repeat(repeats, axis)})
ROLL = tensor_op("roll", _roll_vjp, roll, formula=("g rolled back",), replay=lambda node, a: a.roll(*node.arg),
                 numpy={np.roll: lambda a, shift, axis=None: _lift(a, "roll").roll(shift, axis)})
GETITEM = tensor_op("getitem", _getitem_vjp, getitem, formula=("g scattered back",),
                    replay=lambda node, a: a[node._saved[0]], symbol="[ ]")
SCATTER = tensor_op("scatter", _scatter_vjp, scatter, formula=("g picked at the index",),
                    replay=lambda node, a: scatter(a, node._saved[0], node.arg, node._saved[1]))
CONCATENATE = tensor_op("concatenate", _concatenate_vjp, concatenate, formula=("g cut back into the pieces",),
                        replay=lambda node, *parts: concatenate(list(parts), axis=node._saved[0]), arity=None,
                        symbol="concat", numpy={np.concatenate: _joining(concatenate)})
STACK = tensor_op("stack", _stack_vjp, stack, formula=("g sliced back at each position",),
                  replay=lambda node, *parts: stack(list(parts), axis=node._saved), arity=None,
                  numpy={np.stack: _joining(stack)})
