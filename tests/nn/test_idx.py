"""The IDX reader on small files written here, including broken ones."""

from __future__ import annotations

import gzip
import tempfile

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
