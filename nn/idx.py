"""Read IDX files, the format MNIST and Fashion-MNIST are distributed in (raw or ``.gz``).

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions),
one big-endian 32-bit size per dimension, then the values in row-major order.  Anything that
does not fit this layout raises a ``ValueError`` naming the file: a wrong magic number, fewer
bytes than the sizes announce (a truncated download), bytes left over, or a broken gzip stream.

Sizes are decided before work starts: the header is read first, a file announcing more than
``max_bytes`` (default :data:`IDX_MAX_BYTES`) is refused, and only then are the announced bytes
read, a chunk at a time.  FIFOs and devices (``/dev/zero``) are refused without being read.

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
import math
import os
import stat
import zlib
from typing import BinaryIO

import numpy as np

from autograd_core.files import write_atomically

# IDX type codes -> NumPy dtypes (big-endian, as the format stores them).
IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

#: The most value bytes :func:`read_idx` accepts unless told otherwise (``max_bytes=``): decided
#: from the header, before any value is read or decompressed.  Fashion-MNIST's largest file holds
#: 47 MB; 2 GiB leaves room for bigger datasets without letting a 2 MB ``.gz`` bomb fill memory.
IDX_MAX_BYTES = 2 * 1024**3

#: Values are read (and decompressed) this many bytes at a time, straight into the result array.
CHUNK_BYTES = 1 << 20


def _open_regular(path: str) -> BinaryIO:
    """Open ``path`` for reading without ever blocking, refusing anything but a regular file
    (a FIFO, a device such as ``/dev/zero``, a directory), symlinks followed."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO opens at once, unread
    except IsADirectoryError:
        raise ValueError(f"{path}: is a folder, not an IDX file") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "FIFO" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
                "folder" if stat.S_ISDIR(mode) else "socket or other special file"
            raise ValueError(f"{path}: not a regular file (a {kind}); an IDX file must be a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read(stream: BinaryIO, n: int, path: str) -> bytes:
    """Up to ``n`` bytes (fewer only at the end of the data); gzip damage is a ``ValueError``."""
    try:
        return stream.read(n)
    except (EOFError, OSError, zlib.error) as exc:
        raise ValueError(f"{path}: not a readable gzip file ({exc}); the download may be truncated") from exc


def read_idx(path: str | os.PathLike, ndim: int | None = None, max_bytes: int = IDX_MAX_BYTES) -> np.ndarray:
    """Read one IDX file into an array of its own shape and type (``uint8`` for MNIST).

    ``ndim``, when given, is the number of dimensions the file must have (3 for images, 1 for
    labels): the magic number says so, and a different one is an error naming the file.

    The header is read first (from the gzip stream, for a ``.gz``): a file announcing more than
    ``max_bytes`` bytes of values is refused before anything else is read, and then exactly the
    announced bytes are read, a chunk at a time.  Anything but a regular file is refused at once.

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
    with _open_regular(path) as raw:
        if raw.peek(2)[:2] == b"\x1f\x8b":  # gzip, detected from the content, not the name
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                return _read_stream(stream, path, ndim, max_bytes)
        return _read_stream(raw, path, ndim, max_bytes)


def _read_stream(stream: BinaryIO, path: str, ndim: int | None, max_bytes: int) -> np.ndarray:
    data = _read(stream, 4, path)
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
    sizes = _read(stream, 4 * dims, path)
    if len(sizes) < 4 * dims:
        raise ValueError(f"{path}: truncated IDX file: {4 + len(sizes)} bytes, the header alone needs {header}")
    shape = tuple(int.from_bytes(sizes[4 * i : 4 * i + 4], "big") for i in range(dims))
    dtype = IDX_TYPES[type_code]
    nbytes = math.prod(shape) * dtype.itemsize  # Python ints: four 32-bit sizes overflow int64
    if nbytes > max_bytes:
        raise ValueError(
            f"{path}: the header announces shape {shape} of {dtype.name}, {nbytes:,} bytes, more than the "
            f"limit max_bytes={max_bytes:,}; refused before reading (pass a larger max_bytes to read it)"
        )
    try:
        array = np.empty(shape, dtype=dtype)
    except MemoryError:
        raise ValueError(f"{path}: not enough memory for the {shape} values ({nbytes:,} bytes) it announces") from None
    view = memoryview(array.reshape(-1).view(np.uint8)) if array.size else memoryview(bytearray())
    filled = 0
    while filled < nbytes:
        chunk = _read(stream, min(CHUNK_BYTES, nbytes - filled), path)
        if not chunk:
            raise ValueError(
                f"{path}: truncated IDX file: shape {shape} needs {header + nbytes} bytes, found {header + filled} "
                "(an interrupted download?)"
            )
        view[filled : filled + len(chunk)] = chunk
        filled += len(chunk)
    extra = _read(stream, CHUNK_BYTES, path)
    if extra:
        count = f"more than {len(extra)}" if _read(stream, 1, path) else str(len(extra))
        raise ValueError(f"{path}: {count} unexpected bytes after the {shape} values")
    return array.astype(dtype.newbyteorder("="), copy=False)


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
    write_atomically(path, payload, "write_idx")
