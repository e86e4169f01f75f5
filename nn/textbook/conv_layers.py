"""Chapter 7's ``Convolution`` and ``Pooling`` layers, built on :func:`im2col` as in the book.

``Convolution(W, b, stride=1, pad=0)`` holds filters ``W`` (FN, C, FH, FW) and bias ``b`` (FN,)
by reference; after backward, ``dW`` and ``db`` hold their gradients.  ``Pooling(pool_h,
pool_w, stride=2, pad=0)`` takes the maximum of each window; backward sends each window's
gradient to the position of its maximum (the first one when several are equal).

Example:
    >>> import numpy as np
    >>> conv = Convolution(np.ones((1, 1, 2, 2)), np.zeros(1))
    >>> conv.forward(np.arange(9.0).reshape(1, 1, 3, 3))
    array([[[[ 8., 12.],
             [20., 24.]]]])
    >>> pool = Pooling(2, 2, stride=1)
    >>> pool.forward(np.arange(9.0).reshape(1, 1, 3, 3))
    array([[[[4., 5.],
             [7., 8.]]]])
"""

from __future__ import annotations

import numpy as np

from .im2col import col2im, conv_output_size, im2col

__all__ = ["Convolution", "Pooling"]


def _images(x: np.ndarray, layer: str) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"{layer}.forward: input must have shape (N, C, H, W), got shape {x.shape}")
    return x


class Convolution:
    """Filters ``W`` (FN, C, FH, FW) slid over images (N, C, H, W) with ``stride`` and zero ``pad``.

    >>> conv = Convolution(np.zeros((30, 1, 5, 5)), np.zeros(30))
    >>> conv.forward(np.zeros((2, 1, 28, 28))).shape
    (2, 30, 24, 24)
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        if np.ndim(W) != 4 or np.ndim(b) != 1 or np.shape(b)[0] != np.shape(W)[0]:
            raise ValueError(
                f"Convolution(W, b): W must be (FN, C, FH, FW) and b (FN,), got W of shape {np.shape(W)} "
                f"and b of shape {np.shape(b)}"
            )
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.x: np.ndarray | None = None
        self.col: np.ndarray | None = None
        self.col_W: np.ndarray | None = None
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _images(x, "Convolution")
        fn, c, fh, fw = self.W.shape
        n, xc, h, w = x.shape
        if xc != c:
            raise ValueError(f"Convolution.forward: input has {xc} channel(s), W of shape {self.W.shape} expects {c}")
        out_h = conv_output_size(h, fh, self.stride, self.pad)
        out_w = conv_output_size(w, fw, self.stride, self.pad)
        self.x = x
        if x.dtype != self.W.dtype:  # as NumPy would promote, but before the matmul (mixed dtypes skip BLAS)
            x = x.astype(np.result_type(x.dtype, self.W.dtype))
        self.col = im2col(x, fh, fw, self.stride, self.pad)
        self.col_W = self.W.reshape(fn, -1).T
        out = self.col @ self.col_W + self.b
        return out.reshape(n, out_h, out_w, fn).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.x is None or self.col is None or self.col_W is None:
            raise ValueError("Convolution.backward: call forward first (backward needs the input's patches)")
        fn, c, fh, fw = self.W.shape
        dout = np.asarray(dout).transpose(0, 2, 3, 1).reshape(-1, fn)
        self.db = dout.sum(axis=0)
        self.dW = (self.col.T @ dout).T.reshape(fn, c, fh, fw)
        dcol = dout @ self.col_W.T
        return col2im(dcol, self.x.shape, fh, fw, self.stride, self.pad)


class Pooling:
    """Max pooling over ``pool_h`` x ``pool_w`` windows, moved by ``stride`` (the book's 2).

    >>> Pooling(2, 2, stride=2).forward(np.zeros((2, 30, 24, 24))).shape
    (2, 30, 12, 12)
    """

    def __init__(self, pool_h: int, pool_w: int, stride: int = 2, pad: int = 0) -> None:
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad
        self.x: np.ndarray | None = None
        self.arg_max: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _images(x, "Pooling")
        n, c, h, w = x.shape
        out_h = conv_output_size(h, self.pool_h, self.stride, self.pad)
        out_w = conv_output_size(w, self.pool_w, self.stride, self.pad)
        # One row per (image, position, channel), one column per entry of the window.
        windows = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
        self.x = x
        self.arg_max = np.argmax(windows, axis=1)
        out = windows[np.arange(windows.shape[0]), self.arg_max]
        return out.reshape(n, out_h, out_w, c).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.x is None or self.arg_max is None:
            raise ValueError("Pooling.backward: call forward first (backward needs where each maximum was)")
        dout = np.asarray(dout).transpose(0, 2, 3, 1)
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size), dtype=np.result_type(dout.dtype, self.x.dtype))
        dmax[np.arange(dout.size), self.arg_max.ravel()] = dout.ravel()
        dcol = dmax.reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
