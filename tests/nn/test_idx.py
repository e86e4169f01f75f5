"""The IDX reader on small files written here, including broken ones."""

from __future__ import annotations

import gzip
import os
import tempfile
import threading
import tracemalloc
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nn.idx import read_idx, write_idx


def _header(type_code: int, shape: tuple[int, ...]) -> bytes:
    return bytes([0, 0, type_code, len(shape)]) + b"".join(n.to_bytes(4, "big") for n in shape)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_reads_images_written_by_hand(tmp_path, suffix):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    payload = _header(0x08, (2, 3, 4)) + images.tobytes()
    path = tmp_path / f"images-idx3-ubyte{suffix}"
    path.write_bytes(gzip.compress(payload) if suffix else payload)
    got = read_idx(path, ndim=3)
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, images)


def test_big_endian_types_come_back_native(tmp_path):
    values = np.array([[1.5, -2.0], [3.25, 1e6]], dtype=">f4")
    path = tmp_path / "floats-idx2"
    path.write_bytes(_header(0x0D, (2, 2)) + values.tobytes())
    got = read_idx(path)
    assert got.dtype == np.dtype("float32") and got.dtype.isnative
    np.testing.assert_array_equal(got, [[1.5, -2.0], [3.25, 1e6]])


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float64])
def test_write_then_read_round_trip(tmp_path, dtype):
    array = (np.arange(12).reshape(3, 4) * 3).astype(dtype)
    write_idx(tmp_path / "a.gz", array)
    np.testing.assert_array_equal(read_idx(tmp_path / "a.gz"), array)


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"PK\x03\x04" + bytes(20), r"bad magic number 0x504b0304"),
        (bytes([0, 0, 0x42, 1, 0, 0, 0, 1, 5]), r"bad magic number 0x00004201"),
        (bytes([0, 0, 8]), r"truncated IDX file: 3 bytes"),
        (bytes([0, 0, 8, 3, 0, 0, 0, 2]), r"truncated IDX file: 8 bytes, the header alone needs 16"),
        (_header(0x08, (3, 2, 2)) + bytes(7), r"truncated IDX file: shape \(3, 2, 2\) needs 28 bytes, found 23"),
        (_header(0x08, (2,)) + bytes(5), r"3 unexpected bytes after the \(2,\) values"),
    ],
)
def test_broken_files_name_the_file_and_the_problem(tmp_path, payload, message):
    path = tmp_path / "broken-idx-ubyte"
    path.write_bytes(payload)
    with pytest.raises(ValueError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_labels_file_where_images_are_expected(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(_header(0x08, (4,)) + bytes(4))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte: bad magic number 0x00000801.*expected 3"):
        read_idx(path, ndim=3)


def test_truncated_gzip_names_the_file(tmp_path):
    compressed = gzip.compress(_header(0x08, (100,)) + bytes(range(100)))
    path = tmp_path / "labels-idx1-ubyte.gz"
    path.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(ValueError, match=r"labels-idx1-ubyte.gz: not a readable gzip file"):
        read_idx(path)


# -- properties ------------------------------------------------------------------------------------
_DTYPES = st.sampled_from([np.uint8, np.int8, np.dtype(">i2"), np.int32, np.float32, np.float64])


@given(arrays(_DTYPES, array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5)), st.booleans())
def test_round_trip_any_array(array, gz):
    # Exact equality (NaN compared as NaN): the format stores the bytes themselves, no rounding.
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/a-idx{'.gz' if gz else ''}"
        write_idx(path, array)
        back = read_idx(path, ndim=array.ndim)
    assert back.shape == array.shape and back.dtype == array.dtype.newbyteorder("=")
    np.testing.assert_array_equal(back, array)


@given(st.integers(1, 4), st.integers(1, 6), st.data())
def test_every_truncation_is_an_error_naming_the_file(n, side, data):
    payload = _header(0x08, (n, side, side)) + bytes(n * side * side)
    cut = data.draw(st.integers(0, len(payload) - 1))
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/cut-idx3-ubyte"
        with open(path, "wb") as f:
            f.write(payload[:cut])
        with pytest.raises(ValueError, match="cut-idx3-ubyte: truncated IDX file"):
            read_idx(path, ndim=3)


# -- hostile files: sizes decided from the header, non-regular files refused unread ----------------
def _gzip_bomb(path, header: bytes, zero_bytes: int) -> None:
    """A gzip of ``header`` then ``zero_bytes`` zeros, compressed a MiB at a time (a few KB on disk)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 31)  # wbits 31: the gzip container
    block = bytes(1 << 20)
    with open(path, "wb") as f:
        f.write(compressor.compress(header))
        for _ in range(zero_bytes >> 20):
            f.write(compressor.compress(block))
        f.write(compressor.flush())


def _peak_bytes(function) -> tuple[BaseException | None, int]:
    """Run ``function``; what it raised and the most memory it held at once (NumPy arrays included)."""
    tracemalloc.start()
    try:
        function()
        error = None
    except BaseException as exc:  # noqa: BLE001 - handed back to the test
        error = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return error, peak


def test_a_gzip_announcing_more_than_the_limit_is_refused_from_its_header(tmp_path):
    path = tmp_path / "bomb-idx3-ubyte.gz"
    _gzip_bomb(path, _header(0x08, (40_000, 28, 28)), 32 << 20)  # announces 31 MB, holds 32 MiB
    assert path.stat().st_size < 200_000
    error, peak = _peak_bytes(lambda: read_idx(path, max_bytes=1_000_000))
    assert isinstance(error, ValueError) and "max_bytes=1,000,000" in str(error) and "31,360,000 bytes" in str(error)
    assert str(path) in str(error)
    assert peak < 2_000_000  # the header and gzip's buffers, never the 31 MB the header announces


def test_sizes_beyond_int64_are_refused_not_wrapped(tmp_path):
    path = tmp_path / "huge-idx4-ubyte"
    path.write_bytes(_header(0x0E, (2**32 - 1,) * 4) + bytes(8))
    with pytest.raises(ValueError, match=r"more than the limit max_bytes"):
        read_idx(path)


def test_trailing_data_is_found_without_decompressing_it_all(tmp_path):
    path = tmp_path / "long-idx1-ubyte.gz"
    _gzip_bomb(path, _header(0x08, (1000,)), 64 << 20)  # 1,000 values announced, 64 MiB follow
    error, peak = _peak_bytes(lambda: read_idx(path))
    assert isinstance(error, ValueError) and "unexpected bytes after the (1000,) values" in str(error)
    assert peak < 8 << 20  # a chunk or two of the 64 MiB, never all of it


def test_values_are_read_exactly_and_in_chunks(tmp_path, monkeypatch):
    import nn.idx

    monkeypatch.setattr(nn.idx, "CHUNK_BYTES", 7)  # many chunks, the last one partial
    array = np.arange(3 * 5 * 4, dtype=">i2").reshape(3, 5, 4)
    for name in ("c-idx3", "c-idx3.gz"):
        write_idx(tmp_path / name, array)
        np.testing.assert_array_equal(read_idx(tmp_path / name, ndim=3), array)


def test_a_symlink_to_a_device_is_refused_unread(tmp_path):
    link = tmp_path / "zero-idx1-ubyte"
    os.symlink("/dev/zero", link)
    with pytest.raises(ValueError, match=r"zero-idx1-ubyte: not a regular file \(a device\)"):
        read_idx(link)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo-idx1-ubyte"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            read_idx(fifo)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - examined below
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)  # daemon: a regression hangs this test, not pytest
    worker.start()
    worker.join(timeout=30)
    assert outcome, "read_idx blocked on a FIFO with no writer"
    assert isinstance(outcome[0], ValueError) and "not a regular file (a FIFO)" in str(outcome[0])


def test_a_folder_is_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match=r"not a regular file \(a folder\)"):
        read_idx(tmp_path)
