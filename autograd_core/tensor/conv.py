"""``conv2d``: a 2-D convolution (cross-correlation, as in PyTorch and the textbook) as one graph op.

The forward pass is im2col by strides: a strided *view* of the (padded) input holds every
``KH x KW`` window without copying, one copy lays those windows out as the columns of a matrix
``cols`` of shape ``(C*KH*KW, N*OH*OW)``, and one matrix product with the weight (``FN x C*KH*KW``)
gives every output at once.  The VJP is two more matrix products:

- ``dW = g @ cols.T`` and ``db = g.sum(...)``, always (the parameters);
- ``dx = col2im(W.T @ g)`` only when the input requires a gradient.  The first layer's input is
  the data batch, which does not, so that product and the col2im are skipped.  col2im adds the
  columns back into the image with one slice-add per kernel offset (``KH*KW`` NumPy
  operations, no loop over output positions).

The result is float32 when the weight is (a float64 batch is converted to the weight's dtype,
as ``Linear`` does).  Its memory is laid out channels-first (``(FN, N, OH, OW)``) and returned as
the transposed view of shape ``(N, FN, OH, OW)``: the elementwise ops and pooling that follow keep
that layout, so the gradient comes back in it and ``dW`` needs no copy.

Its record (``TENSOR_OPS["conv2d"]``) says the VJP in words, and replays the op for gradcheck's
per-op check; ``nn.Conv2d`` is the layer that holds the weights.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor, conv2d
    >>> weight = Tensor(np.ones((2, 1, 3, 3)), requires_grad=True)
    >>> conv2d(np.zeros((4, 1, 8, 8)), weight).shape
    (4, 2, 6, 6)
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .core import Tensor, as_tensor, new_node, tensor_op

Pair = int | tuple[int, int]


def pair(value: Any, what: str, owner: str, minimum: int) -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; ``(3, 5)`` stays; anything else, or a number below ``minimum``, is a ValueError.

    >>> pair(2, "stride", "conv2d", 1), pair((1, 3), "kernel_size", "conv2d", 1)
    ((2, 2), (1, 3))
    """
    items = value if isinstance(value, tuple | list) else (value, value)
    if len(items) != 2 or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in items):
        raise ValueError(f"{owner}: {what} must be an integer or a pair of integers, got {value!r}")
    if min(items) < minimum:
        raise ValueError(f"{owner}: {what} must be at least {minimum}, got {value!r}")
    return int(items[0]), int(items[1])


def output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """How many positions a kernel takes along one axis: ``(size + 2*padding - kernel) // stride + 1``.

    >>> output_size(28, 5, 1, 0), output_size(7, 3, 2, 1)
    (24, 4)
    """
    return (size + 2 * padding - kernel) // stride + 1


def _check_input(op: str, x: Tensor, weight_shape: tuple, kernel: tuple, stride: tuple, padding: tuple) -> None:
    if x.ndim != 4:
        raise ValueError(
            f"{op}: input {x._describe()} has shape {x.shape}; expected 4 axes (batch, channels, height, width)"
        )
    channels = weight_shape[1] if weight_shape else None
    if channels is not None and x.shape[1] != channels:
        raise ValueError(
            f"{op}: input of shape {x.shape} has {x.shape[1]} channels, the weight of shape {weight_shape} "
            f"expects {channels}"
        )
    for axis, name in ((2, "height"), (3, "width")):
        k, p = kernel[axis - 2], padding[axis - 2]
        if x.shape[axis] + 2 * p < k:
            raise ValueError(
                f"{op}: kernel {kernel} is larger than the input's {name} ({x.shape[axis]}"
                f"{f' + 2*{p} padding' if p else ''}) in input of shape {x.shape}"
            )


# -- the op --------------------------------------------------------------------------------------
def require_first_order(op: str, g: object) -> None:
    """Refuse ``backward(create_graph=True)`` through a fused layer op, whose VJP computes on plain
    arrays (for speed) and so cannot record the gradient as a graph of its own."""
    if isinstance(g, Tensor):
        raise NotImplementedError(
            f"{op}: backward(create_graph=True) is not supported through this fused layer op (its VJP is "
            "first order only); build the layer from Tensor ops to differentiate it twice"
        )


def _conv2d_vjp(node: Tensor, g: np.ndarray) -> tuple:
    """``dx = col2im(Wᵀ @ g)``, ``dW = g @ colsᵀ``, ``db = Σ g`` (cols: the im2col matrix of x)."""
    require_first_order("conv2d", g)
    parents = node.parents
    x, w = parents[0], parents[1]
    cols, x_shape, stride, padding = node._saved
    fn, c, kh, kw = w._data.shape
    oh, ow = g.shape[2], g.shape[3]
    # (N, FN, OH, OW) -> (FN, N*OH*OW): free when g kept the forward's channels-first layout.
    g2 = g.transpose(1, 0, 2, 3).reshape(fn, -1)
    dx = dw = db = None
    if w.requires_grad:
        dw = (g2 @ cols.T).reshape(w._data.shape)
    if len(parents) > 2 and parents[2].requires_grad:
        db = g2.sum(axis=1)
    if x.requires_grad:
        dcols = (w._data.reshape(fn, -1).T @ g2).reshape(c, kh, kw, x_shape[0], oh, ow)
        dx = _col2im(dcols, x_shape, stride, padding)
    return (dx, dw, db) if len(parents) > 2 else (dx, dw)


def _col2im(dcols: np.ndarray, x_shape: tuple, stride: tuple, padding: tuple) -> np.ndarray:
    """Add each kernel offset's columns back where they were read from: ``KH*KW`` slice-adds."""
    c, kh, kw, n, oh, ow = dcols.shape
    sh, sw = stride
    ph, pw = padding
    h, w = x_shape[2], x_shape[3]
    # Channels-first, like dcols, so each slice-add reads contiguous rows.
    dxp = np.zeros((c, n, h + 2 * ph, w + 2 * pw), dtype=dcols.dtype)
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i : i + sh * oh : sh, j : j + sw * ow : sw] += dcols[:, i, j]
    return dxp[:, :, ph : ph + h, pw : pw + w].transpose(1, 0, 2, 3)


def conv2d(x: Any, weight: Tensor, bias: Tensor | None = None, stride: Pair = 1, padding: Pair = 0) -> Tensor:
    """Cross-correlate ``x`` (N, C, H, W) with ``weight`` (FN, C, KH, KW), add ``bias`` (FN,).

    Output shape ``(N, FN, OH, OW)`` with ``OH = (H + 2*padding - KH) // stride + 1`` (likewise OW).
    ``x`` may be an array (converted to the weight's dtype) or a Tensor; no input gradient is
    computed for an ``x`` that needs none (the data batch).

    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> w = Tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    >>> conv2d(np.arange(9.0).reshape(1, 1, 3, 3), w).data[0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    """
    if not isinstance(weight, Tensor):
        raise TypeError(f"conv2d: weight must be a Tensor, got {type(weight).__name__}")
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight {weight._describe()} has shape {weight.shape}; expected (FN, C, KH, KW)")
    fn, c, kh, kw = weight.shape
    if bias is not None and (not isinstance(bias, Tensor) or bias.shape != (fn,)):
        shown = bias.shape if isinstance(bias, Tensor) else type(bias).__name__
        raise ValueError(f"conv2d: bias must be a Tensor of shape ({fn},) for {fn} filters, got {shown}")
    stride = pair(stride, "stride", "conv2d", 1)
    padding = pair(padding, "padding", "conv2d", 0)
    x = x if type(x) is Tensor and x.dtype == weight.dtype else as_tensor(_data_of(x, weight), weight, "conv2d")
    _check_input("conv2d", x, weight.shape, (kh, kw), stride, padding)
    data = x._data
    n = data.shape[0]
    ph, pw = padding
    if ph or pw:
        data = np.pad(data, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    sh, sw = stride
    windows = sliding_window_view(data, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]  # (N, C, OH, OW, KH, KW)
    oh, ow = windows.shape[2], windows.shape[3]
    # The one copy of im2col: rows ordered (C, KH, KW) as the weight's, columns (N, OH, OW).
    cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, n * oh * ow)
    out = weight._data.reshape(fn, -1) @ cols
    if bias is not None:
        out += bias._data[:, None]
    out = out.reshape(fn, n, oh, ow).transpose(1, 0, 2, 3)
    parents = (x, weight) if bias is None else (x, weight, bias)
    saved = (cols, x.shape, stride, padding)
    return new_node(out, CONV2D, parents, saved=saved, arg=(stride, padding))


def _data_of(x: Any, weight: Tensor) -> Any:
    """A Tensor of another dtype is converted like an array would be (its graph is kept only when
    the dtypes agree: mixing float32 weights with a float64 Tensor that needs a gradient is refused)."""
    if isinstance(x, Tensor):
        if x.requires_grad:
            raise TypeError(
                f"conv2d: input {x._describe()} is {x.dtype} but the weight is {weight.dtype}; "
                "use one dtype for the whole network"
            )
        return x._data
    return x


def _replay(node: Tensor, x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    stride, padding = node.arg
    return conv2d(x, weight, bias, stride, padding)


CONV2D = tensor_op(
    "conv2d", _conv2d_vjp, conv2d, replay=_replay, arity=None, symbol="conv", role="conv",
    formula=("col2im({b}ᵀ @ g)", "g @ im2col({a})ᵀ", "g summed over the batch and positions"),
)
