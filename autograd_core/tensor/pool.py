"""Pooling: ``max_pool2d`` (the largest value of each window, as one graph op that saves where it
was) and ``avg_pool2d`` (the mean of each window).

Forward and backward loop over the ``KH*KW`` kernel offsets, never over output positions: the
entries at offset ``(i, j)`` of every window form one strided slice of the input, so the
maximum is a running ``np.maximum`` over ``KH*KW`` slices, and the index of the winner (the
first one, on ties, as ``np.argmax``) is kept as a small integer per output.  The VJP sends each
output's gradient to that one input: for each offset, the slice where the winner sat receives
``g``.  Overlapping windows (stride smaller than the kernel) add their contributions.

Average pooling sends each output's gradient, divided by the window's size, to every entry of
its window, again one slice per kernel offset.  The input's memory layout is kept (a
channels-first view from ``Conv2d`` stays one), and the dtype too.  ``nn.MaxPool2d`` and
``nn.AvgPool2d`` are the layers.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor, max_pool2d
    >>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    >>> y = max_pool2d(x, 2)
    >>> y.data[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    >>> y.sum().backward()
    >>> x.grad[0, 0]
    array([[0., 0., 0., 0.],
           [0., 1., 0., 1.],
           [0., 0., 0., 0.],
           [0., 1., 0., 1.]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .conv import Pair, output_size, pair, require_first_order
from .core import Tensor, as_tensor, new_node, tensor_op


def _offsets(kernel: tuple, stride: tuple, out: tuple) -> list[tuple[slice, slice]]:
    """The slices of the input seen at each kernel offset, in row-major offset order."""
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out
    return [
        (slice(i, i + sh * (oh - 1) + 1, sh), slice(j, j + sw * (ow - 1) + 1, sw))
        for i in range(kh)
        for j in range(kw)
    ]


def _max_pool_vjp(node: Tensor, g: np.ndarray) -> tuple:
    require_first_order("max_pool2d", g)
    x = node.parents[0]._data
    winner, kernel, stride, swap = node._saved
    # Work in the layout the forward pass used (see max_pool2d), each array C-contiguous.
    g = np.ascontiguousarray(g.transpose(1, 0, 2, 3) if swap else g)
    shape = (x.shape[1], x.shape[0], *x.shape[2:]) if swap else x.shape
    out_h, out_w = g.shape[2], g.shape[3]
    tiled = stride == kernel and shape[2] == kernel[0] * out_h and shape[3] == kernel[1] * out_w
    # Side-by-side windows covering the whole input write every entry once: no zeros needed.
    dx = np.empty(shape, dtype=g.dtype) if tiled else np.zeros(shape, dtype=g.dtype)
    overlap = stride[0] < kernel[0] or stride[1] < kernel[1]
    for k, (rows, cols) in enumerate(_offsets(kernel, stride, (out_h, out_w))):
        hit = winner == k
        target = dx[:, :, rows, cols]
        if overlap:
            target += np.where(hit, g, 0)
        else:
            np.multiply(g, hit, out=target)
    return (dx.transpose(1, 0, 2, 3) if swap else dx,)


def max_pool2d(x: Any, kernel_size: Pair, stride: Pair | None = None) -> Tensor:
    """Maximum over each ``kernel_size`` window of ``x`` (N, C, H, W), moving by ``stride`` (default:
    the kernel size, windows side by side); the gradient goes to the position of each window's maximum.

    >>> import numpy as np
    >>> max_pool2d(np.array([[[[1.0, 3.0, 2.0]]]]), (1, 2), stride=1).data
    array([[[[3., 3.]]]])
    """
    x, kernel, stride, data, swap, offsets = _windows("max_pool2d", x, kernel_size, stride)
    rows, cols = offsets[0]
    out = data[:, :, rows, cols].copy()
    index_type = np.uint8 if len(offsets) < 256 else np.intp
    winner = np.zeros(out.shape, dtype=index_type)
    for k in range(1, len(offsets)):
        rows, cols = offsets[k]
        candidate = data[:, :, rows, cols]
        # winner = k where the candidate is strictly larger (the first maximum wins ties), as
        # arithmetic: much faster than a masked assignment.
        step = np.subtract(index_type(k), winner)
        step *= candidate > out
        winner += step
        np.maximum(out, candidate, out=out)
    if swap:
        out = out.transpose(1, 0, 2, 3)
    saved = (winner, kernel, stride, swap)
    return new_node(out, MAX_POOL2D, (x,), saved=saved, arg=(kernel, stride))


def _windows(op: str, x: Any, kernel_size: Pair, stride: Pair | None) -> tuple:
    """The checked input, kernel and stride, the data in its memory order (``swap``: a
    channels-first array, worked on as (C, N, H, W)) and the slices of each kernel offset."""
    kernel = pair(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else pair(stride, "stride", op, 1)
    if type(x) is not Tensor:
        x = as_tensor(x, None, op)
    if x.ndim != 4:
        raise ValueError(
            f"{op}: input {x._describe()} has shape {x.shape}; expected 4 axes (batch, channels, height, width)"
        )
    for axis, name in ((2, "height"), (3, "width")):
        if x.shape[axis] < kernel[axis - 2]:
            raise ValueError(
                f"{op}: kernel {kernel} is larger than the input's {name} ({x.shape[axis]}) in input of shape {x.shape}"
            )
    data = x._data
    # Compute in the input's memory order: a Conv2d output is a channels-first array seen as
    # (N, C, H, W); its (C, N, H, W) transpose is C-contiguous, and slices of it are read fast.
    swap = not data.flags.c_contiguous and data.transpose(1, 0, 2, 3).flags.c_contiguous
    data = data.transpose(1, 0, 2, 3) if swap else np.ascontiguousarray(data)
    out_hw = (output_size(data.shape[2], kernel[0], stride[0], 0), output_size(data.shape[3], kernel[1], stride[1], 0))
    return x, kernel, stride, data, swap, _offsets(kernel, stride, out_hw)


def _window_ties(node: Tensor, distance: float, label: Any) -> str | None:
    """max_pool2d's kink: a window whose two largest entries lie within ``distance``."""
    x = node.parents[0]._data
    kernel, stride = node.arg
    _, _, _, data, _, offsets = _windows("max_pool2d", x, kernel, stride)
    stacked = np.sort(np.stack([data[:, :, rows, cols] for rows, cols in offsets]), axis=0)
    if len(offsets) < 2 or not (stacked[-1] - stacked[-2] < distance).any():
        return None
    return f"two entries of a window within {distance:.1g} of its maximum (a tie: the gradient goes to one of them)"


# -- average pooling ------------------------------------------------------------------------------
def _avg_pool_vjp(node: Tensor, g: np.ndarray) -> tuple:
    require_first_order("avg_pool2d", g)
    x = node.parents[0]._data
    kernel, stride, swap = node._saved
    g = np.ascontiguousarray(g.transpose(1, 0, 2, 3) if swap else g)
    shape = (x.shape[1], x.shape[0], *x.shape[2:]) if swap else x.shape
    share = g * (1.0 / (kernel[0] * kernel[1]))
    dx = np.zeros(shape, dtype=g.dtype)
    for rows, cols in _offsets(kernel, stride, (g.shape[2], g.shape[3])):
        dx[:, :, rows, cols] += share
    return (dx.transpose(1, 0, 2, 3) if swap else dx,)


def avg_pool2d(x: Any, kernel_size: Pair, stride: Pair | None = None) -> Tensor:
    """Mean over each ``kernel_size`` window of ``x`` (N, C, H, W), moving by ``stride`` (default:
    the kernel size); the gradient of each output is shared evenly by its window's entries.

    >>> import numpy as np
    >>> avg_pool2d(np.array([[[[1.0, 3.0], [5.0, 7.0]]]]), 2).data
    array([[[[4.]]]])
    """
    x, kernel, stride, data, swap, offsets = _windows("avg_pool2d", x, kernel_size, stride)
    rows, cols = offsets[0]
    out = data[:, :, rows, cols].copy()
    for rows, cols in offsets[1:]:
        out += data[:, :, rows, cols]
    out *= np.asarray(1.0 / len(offsets), dtype=out.dtype)
    if swap:
        out = out.transpose(1, 0, 2, 3)
    return new_node(out, AVG_POOL2D, (x,), saved=(kernel, stride, swap), arg=(kernel, stride))


MAX_POOL2D = tensor_op(
    "max_pool2d", _max_pool_vjp, max_pool2d, formula=("g to the position of each window's max",),
    replay=lambda node, x: max_pool2d(x, *node.arg), symbol="max pool", role="pool", kink=_window_ties,
)
AVG_POOL2D = tensor_op(
    "avg_pool2d", _avg_pool_vjp, avg_pool2d, formula=("g / window size, spread over each window",),
    replay=lambda node, x: avg_pool2d(x, *node.arg), symbol="avg pool", role="pool",
)
