"""Read IDX files, the format MNIST and Fashion-MNIST are distributed in (raw or ``.gz``).

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions),
one big-endian 32-bit size per dimension, then the values in row-major order.  Anything that
does not fit this layout raises a ``ValueError`` naming the file: a wrong magic number, fewer
bytes than the sizes announce (a truncated download), bytes left over, or a broken gzip stream.

Example:
    >>> import gzip, os, tempfile, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte.gz")
    >>> with gzip.open(path, "wb") as f:
    ...     _ = f.write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    >>> read_idx(path)
    array([7, 2, 1], dtype=uint8)
"""

from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

# IDX type codes -> NumPy dtypes (big-endian, as the format stores them).
IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _read_bytes(path: str) -> bytes:
    """The file's bytes, decompressed when it is gzip (detected from its content, not its name)."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as exc:
        raise ValueError(f"{path}: not a readable gzip file ({exc}); the download may be truncated") from exc


def read_idx(path: str | os.PathLike, ndim: int | None = None) -> np.ndarray:
    """Read one IDX file into an array of its own shape and type (``uint8`` for MNIST).

    ``ndim``, when given, is the number of dimensions the file must have (3 for images, 1 for
    labels): the magic number says so, and a different one is an error naming the file.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "bad-idx1-ubyte")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"PK\\x03\\x04rest")
    >>> read_idx(path)
    Traceback (most recent call last):
    ...
    ValueError: .../bad-idx1-ubyte: bad magic number 0x504b0304 (an IDX file starts with 0x0000 then ...
    """
    path = os.fspath(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(f"{path}: truncated IDX file: {len(data)} bytes, not even the 4-byte magic number")
    magic = int.from_bytes(data[:4], "big")
    type_code, dims = data[2], data[3]
    if data[0] != 0 or data[1] != 0 or type_code not in IDX_TYPES or dims == 0:
        raise ValueError(
            f"{path}: bad magic number 0x{magic:08x} (an IDX file starts with 0x0000 then a type code "
            "and a dimension count)"
        )
    if ndim is not None and dims != ndim:
        raise ValueError(
            f"{path}: bad magic number 0x{magic:08x}: the file has {dims} dimension(s), expected {ndim} "
            f"(magic 0x{0x800 + ndim:08x} for uint8)"
        )
    header = 4 + 4 * dims
    if len(data) < header:
        raise ValueError(f"{path}: truncated IDX file: {len(data)} bytes, the header alone needs {header}")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    dtype = IDX_TYPES[type_code]
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) < expected:
        raise ValueError(
            f"{path}: truncated IDX file: shape {shape} needs {expected} bytes, found {len(data)} "
            "(an interrupted download?)"
        )
    if len(data) > expected:
        raise ValueError(f"{path}: {len(data) - expected} unexpected bytes after the {shape} values")
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=True)


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file (gzip-compressed when the name ends in ``.gz``).

    Used to make small test files; the inverse of :func:`read_idx`.

    >>> import os, tempfile, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "x-idx3-ubyte")
    >>> write_idx(path, np.zeros((2, 3, 3), dtype=np.uint8))
    >>> read_idx(path, ndim=3).shape
    (2, 3, 3)
    """
    array = np.asarray(array)
    codes = {dt.newbyteorder("="): code for code, dt in IDX_TYPES.items()}
    native = array.dtype.newbyteorder("=")
    if native not in codes:
        raise TypeError(
            f"write_idx: no IDX type code for dtype {array.dtype} (use uint8, int8, int16, int32, float32 or float64)"
        )
    code = codes[native]
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    payload = header + np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()
    path = os.fspath(path)
    if path.endswith(".gz"):
        payload = gzip.compress(payload, compresslevel=1)
    with open(path, "wb") as f:
        f.write(payload)
