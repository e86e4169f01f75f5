"""``MaxPool2d``: the largest value of each window, as one graph op that saves where it was.

Forward and backward loop over the ``KH*KW`` kernel offsets, never over output positions: the
entries at offset ``(i, j)`` of every window form one strided slice of the input, so the
maximum is a running ``np.maximum`` over ``KH*KW`` slices, and the index of the winner (the
first one, on ties, as ``np.argmax``) is kept as a small integer per output.  The VJP sends each
output's gradient to that one input: for each offset, the slice where the winner sat receives
``g``.  Overlapping windows (stride smaller than the kernel) add their contributions.

The input's memory layout is kept (a channels-first view from ``Conv2d`` stays one), and the
dtype too.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    >>> y = MaxPool2d(2)(x)
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

from autograd_core import Tensor
from autograd_core.tensor import as_tensor, new_node

from .conv import Pair, output_size, pair, require_first_order
from .module import Module


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
    x = node.parents[0].data
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
    the kernel size, windows side by side).  VJP: ``g`` to the position of each window's maximum.

    >>> import numpy as np
    >>> max_pool2d(np.array([[[[1.0, 3.0, 2.0]]]]), (1, 2), stride=1).data
    array([[[[3., 3.]]]])
    """
    kernel = pair(kernel_size, "kernel_size", "max_pool2d", 1)
    stride = kernel if stride is None else pair(stride, "stride", "max_pool2d", 1)
    if type(x) is not Tensor:
        x = as_tensor(x, None, "max_pool2d")
    if x.ndim != 4:
        raise ValueError(
            f"max_pool2d: input {x._describe()} has shape {x.shape}; expected 4 axes (batch, channels, height, width)"
        )
    for axis, name in ((2, "height"), (3, "width")):
        if x.shape[axis] < kernel[axis - 2]:
            raise ValueError(
                f"max_pool2d: kernel {kernel} is larger than the input's {name} ({x.shape[axis]}) "
                f"in input of shape {x.shape}"
            )
    data = x.data
    # Compute in the input's memory order: a Conv2d output is a channels-first array seen as
    # (N, C, H, W); its (C, N, H, W) transpose is C-contiguous, and slices of it are read fast.
    swap = not data.flags.c_contiguous and data.transpose(1, 0, 2, 3).flags.c_contiguous
    data = data.transpose(1, 0, 2, 3) if swap else np.ascontiguousarray(data)
    out_hw = (output_size(data.shape[2], kernel[0], stride[0], 0), output_size(data.shape[3], kernel[1], stride[1], 0))
    offsets = _offsets(kernel, stride, out_hw)
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
    return new_node(out, "max_pool2d", (x,), _max_pool_vjp, saved=saved, arg=(kernel, stride))


class MaxPool2d(Module):
    """Max pooling over ``kernel_size`` windows moved by ``stride`` (default: the kernel size).

    >>> MaxPool2d(2)
    MaxPool2d(kernel_size=(2, 2), stride=(2, 2))
    """

    def __init__(self, kernel_size: Pair, stride: Pair | None = None) -> None:
        super().__init__()
        self.kernel_size = pair(kernel_size, "kernel_size", "MaxPool2d", 1)
        self.stride = self.kernel_size if stride is None else pair(stride, "stride", "MaxPool2d", 1)

    def forward(self, x: Any) -> Tensor:
        return max_pool2d(x, self.kernel_size, self.stride)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"
