"""``load_mnist`` on a tiny dataset written here, on broken ones, and on the real Fashion-MNIST."""

from __future__ import annotations

import numpy as np
import pytest

from nn.idx import write_idx
from nn.mnist import DEFAULT_DATA_DIR, load_mnist


def _write_dataset(folder, n_train=5, n_test=3, gz=True, train_labels=None):
    rng = np.random.default_rng(1)
    suffix = ".gz" if gz else ""
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.arange(n_train, dtype=np.uint8) % 10 if train_labels is None else train_labels,
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": (np.arange(n_test, dtype=np.uint8) * 3) % 10,
    }
    for stem, array in arrays.items():
        write_idx(folder / (stem + suffix), array)
    return arrays


@pytest.mark.parametrize("gz", [True, False])
def test_the_textbook_layouts(tmp_path, gz):
    arrays = _write_dataset(tmp_path, gz=gz)
    (x_train, t_train), (x_test, t_test) = load_mnist(tmp_path)
    assert x_train.shape == (5, 784) and x_train.dtype == np.float32
    np.testing.assert_allclose(x_train, arrays["train-images-idx3-ubyte"].reshape(5, 784) / 255.0, rtol=1e-6)
    assert x_train.min() >= 0.0 and x_train.max() <= 1.0
    np.testing.assert_array_equal(t_train, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(t_test, [0, 3, 6])

    (x_raw, _), _ = load_mnist(tmp_path, normalize=False, flatten=False)
    assert x_raw.shape == (5, 1, 28, 28) and x_raw.dtype == np.uint8
    np.testing.assert_array_equal(x_raw[:, 0], arrays["train-images-idx3-ubyte"])

    (_, t_hot), (_, t_test_hot) = load_mnist(tmp_path, one_hot_label=True)
    assert t_hot.shape == (5, 10)
    np.testing.assert_array_equal(t_hot.argmax(axis=1), t_train)
    np.testing.assert_array_equal(t_hot.sum(axis=1), np.ones(5))
    np.testing.assert_array_equal(t_test_hot[2], np.eye(10)[6])


def test_search_order_environment_then_default(tmp_path, monkeypatch):
    _write_dataset(tmp_path, n_train=7)
    monkeypatch.setenv("CHAINRULE_DATA", str(tmp_path))
    (x_train, _), _ = load_mnist()
    assert len(x_train) == 7
    monkeypatch.delenv("CHAINRULE_DATA")
    (x_train, _), _ = load_mnist()  # the Debian package's Fashion-MNIST
    assert len(x_train) == 60000


def test_missing_files_are_named(tmp_path):
    _write_dataset(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"lacks t10k-labels-idx1-ubyte\[\.gz\]"):
        load_mnist(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"nowhere.*does not exist"):
        load_mnist(tmp_path / "nowhere")


def test_mismatched_image_and_label_counts(tmp_path):
    _write_dataset(tmp_path, n_train=5, train_labels=np.zeros(4, dtype=np.uint8))
    message = r"train-images-idx3-ubyte.gz holds 5 images but .*train-labels-idx1-ubyte.gz holds 4"
    with pytest.raises(ValueError, match=message):
        load_mnist(tmp_path)


def test_truncated_images_file(tmp_path):
    _write_dataset(tmp_path, gz=False)
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte: truncated IDX file"):
        load_mnist(tmp_path)


def test_out_of_range_label(tmp_path):
    _write_dataset(tmp_path, train_labels=np.array([0, 1, 2, 3, 12], dtype=np.uint8))
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte.gz has label 12"):
        load_mnist(tmp_path)


def test_real_fashion_mnist():
    (x_train, t_train), (x_test, t_test) = load_mnist(DEFAULT_DATA_DIR)
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    # Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class.
    np.testing.assert_array_equal(np.bincount(t_train), np.full(10, 6000))
    np.testing.assert_array_equal(np.bincount(t_test), np.full(10, 1000))
    assert 0.0 <= x_train.min() and x_train.max() == 1.0


def test_the_size_limit_reaches_every_file(tmp_path):
    _write_dataset(tmp_path, n_train=5)
    # 5 images of 28 x 28 bytes = 3,920 bytes of values: under a 4,000-byte limit, over a 3,000-byte one.
    (x_train, _), _ = load_mnist(tmp_path, max_bytes=4000)
    assert x_train.shape == (5, 784)
    limit = r"train-images-idx3-ubyte.gz: .*3,920 bytes, more than the limit max_bytes=3,000"
    with pytest.raises(ValueError, match=limit):
        load_mnist(tmp_path, max_bytes=3000)


def test_a_data_path_that_is_a_file_is_named_as_a_file(tmp_path):
    from nn.mnist import find_data_dir

    not_a_folder = tmp_path / "train-images.gz"
    not_a_folder.write_bytes(b"")
    with pytest.raises(NotADirectoryError, match="is a file, not a folder"):
        find_data_dir(str(not_a_folder))
