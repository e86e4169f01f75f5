"""Chapter 7's ``im2col`` and ``col2im``: turn every filter-sized patch of a batch of images
into one row of a matrix (so a convolution becomes one matrix product), and back.

``im2col(input_data, filter_h, filter_w, stride=1, pad=0)`` takes images (N, C, H, W) and
returns a matrix of ``N * out_h * out_w`` rows (one per output position, in the order
image, row, column) and ``C * filter_h * filter_w`` columns (channel, then the patch row by
row), with ``out_h = (H + 2 pad - filter_h) // stride + 1``.  ``col2im`` does the reverse and
adds up the entries of overlapping patches, which is what the gradient of ``im2col`` needs.

Example:
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> col = im2col(x, 2, 2, stride=2)
    >>> col
    array([[ 0.,  1.,  4.,  5.],
           [ 2.,  3.,  6.,  7.],
           [ 8.,  9., 12., 13.],
           [10., 11., 14., 15.]])
    >>> bool((col2im(col, x.shape, 2, 2, stride=2) == x).all())
    True
"""

from __future__ import annotations

import numpy as np

__all__ = ["col2im", "conv_output_size", "im2col"]


def conv_output_size(size: int, filter_size: int, stride: int = 1, pad: int = 0) -> int:
    """The number of filter positions along one side: ``(size + 2 pad - filter_size) // stride + 1``.

    >>> conv_output_size(28, 5)
    24
    """
    if stride < 1 or pad < 0:
        raise ValueError(f"stride must be >= 1 and pad >= 0, got stride={stride}, pad={pad}")
    if size + 2 * pad < filter_size:
        raise ValueError(f"a filter of size {filter_size} does not fit an input of size {size} with pad {pad}")
    return (size + 2 * pad - filter_size) // stride + 1


def _check_images(shape: tuple[int, ...], where: str) -> None:
    if len(shape) != 4:
        raise ValueError(f"{where}: images must have shape (N, C, H, W), got shape {tuple(shape)}")


def im2col(input_data: np.ndarray, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """Every ``filter_h`` x ``filter_w`` patch of ``input_data`` (N, C, H, W) as a row (see the module).

    >>> im2col(np.zeros((2, 3, 7, 7)), 5, 5).shape
    (18, 75)
    """
    x = np.asarray(input_data)
    _check_images(x.shape, "im2col")
    n, c, h, w = x.shape
    out_h = conv_output_size(h, filter_h, stride, pad)
    out_w = conv_output_size(w, filter_w, stride, pad)
    padded = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)]) if pad else x
    # One strided slice per filter offset: patches[:, :, i, j] holds the (i, j) entry of every patch.
    patches = np.empty((n, c, filter_h, filter_w, out_h, out_w), dtype=x.dtype)
    for i in range(filter_h):
        for j in range(filter_w):
            patches[:, :, i, j] = padded[:, :, i : i + stride * out_h : stride, j : j + stride * out_w : stride]
    return patches.transpose(0, 4, 5, 1, 2, 3).reshape(n * out_h * out_w, -1)


def col2im(
    col: np.ndarray, input_shape: tuple[int, ...], filter_h: int, filter_w: int, stride: int = 1, pad: int = 0
) -> np.ndarray:
    """Fold rows made by :func:`im2col` back into images of ``input_shape``, summing overlaps.

    >>> col2im(np.ones((9, 4)), (1, 1, 4, 4), 2, 2)[0, 0]
    array([[1., 2., 2., 1.],
           [2., 4., 4., 2.],
           [2., 4., 4., 2.],
           [1., 2., 2., 1.]])
    """
    _check_images(tuple(input_shape), "col2im")
    n, c, h, w = input_shape
    out_h = conv_output_size(h, filter_h, stride, pad)
    out_w = conv_output_size(w, filter_w, stride, pad)
    expected = (n * out_h * out_w, c * filter_h * filter_w)
    if np.shape(col) != expected:
        raise ValueError(f"col2im: col has shape {np.shape(col)}, expected {expected} for images {tuple(input_shape)}")
    patches = np.asarray(col).reshape(n, out_h, out_w, c, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    # Room for the padding plus whatever the last stride overshoots; cut back to H x W at the end.
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1), dtype=patches.dtype)
    for i in range(filter_h):
        for j in range(filter_w):
            img[:, :, i : i + stride * out_h : stride, j : j + stride * out_w : stride] += patches[:, :, i, j]
    return img[:, :, pad : h + pad, pad : w + pad]
