"""``load_mnist``: the textbook's loader, reading MNIST or Fashion-MNIST from their IDX files.

Where the four files are looked for, in order: the ``path`` argument, the folder in the
``CHAINRULE_DATA`` environment variable, then ``/usr/share/datasets/fashion-mnist`` (the Debian
package ``dataset-fashion-mnist``, which ``make`` installs).  Each file may be raw or ``.gz``.

Example:
    >>> (x_train, t_train), (x_test, t_test) = load_mnist()
    >>> x_train.shape, x_train.dtype, t_train[:5]
    ((60000, 784), dtype('float32'), array([9, 0, 0, 3, 0], dtype=uint8))
"""

from __future__ import annotations

import os

import numpy as np

from .idx import IDX_MAX_BYTES, read_idx

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
DATA_ENV = "CHAINRULE_DATA"
FILES = {
    "train_img": "train-images-idx3-ubyte",
    "train_label": "train-labels-idx1-ubyte",
    "test_img": "t10k-images-idx3-ubyte",
    "test_label": "t10k-labels-idx1-ubyte",
}
NUM_CLASSES = 10

Split = tuple[np.ndarray, np.ndarray]


def _file_in(folder: str, stem: str) -> str | None:
    """``folder/stem`` or ``folder/stem.gz``, whichever exists (raw first)."""
    for name in (stem, stem + ".gz"):
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def find_data_dir(path: str | os.PathLike | None = None) -> str:
    """The folder holding the four IDX files: ``path``, else ``$CHAINRULE_DATA``, else the Debian one.

    An explicit ``path`` (or ``$CHAINRULE_DATA``) that lacks a file is an error naming the file:
    it is never silently replaced by another dataset.

    >>> find_data_dir()  # with CHAINRULE_DATA unset
    '/usr/share/datasets/fashion-mnist'
    """
    if path is not None:
        folder, origin = os.fspath(path), "path argument"
    elif os.environ.get(DATA_ENV):
        folder, origin = os.environ[DATA_ENV], f"${DATA_ENV}"
    else:
        folder, origin = DEFAULT_DATA_DIR, "default location"
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise NotADirectoryError(f"load_mnist: data folder {folder!r} ({origin}) is a file, not a folder")
    if not os.path.isdir(folder):
        hint = " (install the Debian package dataset-fashion-mnist, or run `make`)" if path is None else ""
        raise FileNotFoundError(f"load_mnist: data folder {folder!r} ({origin}) does not exist{hint}")
    missing = [stem for stem in FILES.values() if _file_in(folder, stem) is None]
    if missing:
        names = ", ".join(f"{stem}[.gz]" for stem in missing)
        raise FileNotFoundError(f"load_mnist: {folder!r} ({origin}) lacks {names}")
    return folder


def _one_hot(labels: np.ndarray) -> np.ndarray:
    out = np.zeros((labels.size, NUM_CLASSES))
    out[np.arange(labels.size), labels] = 1.0
    return out


def _check_images(images: np.ndarray, path: str) -> None:
    """At least one image, of at least one pixel, and no nan or inf in a file of floats."""
    if images.shape[0] == 0:
        raise ValueError(f"load_mnist: {path} holds no images (shape {images.shape})")
    if images[0].size == 0:
        raise ValueError(f"load_mnist: {path} holds images of {images.shape[1]}x{images.shape[2]} pixels: no pixels")
    if images.dtype.kind == "f" and not np.isfinite(images).all():
        raise ValueError(f"load_mnist: {path} holds pixel values that are nan or inf")


def _check_labels(labels: np.ndarray, path: str) -> None:
    """Integers from 0 to NUM_CLASSES - 1: a label of -1 would silently mean the last class."""
    expected = f"expected integers 0..{NUM_CLASSES - 1}"
    if labels.dtype.kind not in "iu":
        raise ValueError(f"load_mnist: {path} holds labels of type {labels.dtype}, {expected}")
    bad = (labels < 0) | (labels >= NUM_CLASSES)
    if bad.any():
        raise ValueError(f"load_mnist: {path} has label {int(labels[bad][0])}, {expected}")


def _split(
    folder: str, images_key: str, labels_key: str, normalize: bool, flatten: bool, one_hot: bool, max_bytes: int
) -> Split:
    images_path = _file_in(folder, FILES[images_key])
    labels_path = _file_in(folder, FILES[labels_key])
    assert images_path is not None and labels_path is not None
    images = read_idx(images_path, ndim=3, max_bytes=max_bytes)
    labels = read_idx(labels_path, ndim=1, max_bytes=max_bytes)
    _check_images(images, images_path)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"load_mnist: {images_path} holds {images.shape[0]} images but {labels_path} holds "
            f"{labels.shape[0]} labels"
        )
    _check_labels(labels, labels_path)
    x: np.ndarray = images
    if normalize:
        x = x.astype(np.float32) / np.float32(255.0)
    x = x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, *images.shape[1:])
    t = _one_hot(labels) if one_hot else labels
    return x, t


def load_mnist(
    path: str | os.PathLike | None = None,
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    max_bytes: int = IDX_MAX_BYTES,
) -> tuple[Split, Split]:
    """``(x_train, t_train), (x_test, t_test)``, as the textbook's ``load_mnist`` returns them.

    - ``normalize``: pixels as float32 in [0, 1] (else the raw uint8 0..255);
    - ``flatten``: images as rows of 784 values (else ``(N, 1, 28, 28)``);
    - ``one_hot_label``: labels as one-hot rows of 10 (else integers 0..9);
    - ``max_bytes``: the largest file accepted, judged from its header before reading (see :func:`read_idx`).

    >>> (x_train, t_train), (x_test, t_test) = load_mnist(one_hot_label=True)
    >>> x_train.shape, t_train.shape
    ((60000, 784), (60000, 10))
    """
    folder = find_data_dir(path)
    train = _split(folder, "train_img", "train_label", normalize, flatten, one_hot_label, max_bytes)
    test = _split(folder, "test_img", "test_label", normalize, flatten, one_hot_label, max_bytes)
    if train[0].shape[1:] != test[0].shape[1:]:
        train_path, test_path = _file_in(folder, FILES["train_img"]), _file_in(folder, FILES["test_img"])
        raise ValueError(
            f"load_mnist: the images of {train_path} ({train[0][0].size} pixels) and of {test_path} "
            f"({test[0][0].size} pixels) differ in size"
        )
    return train, test
