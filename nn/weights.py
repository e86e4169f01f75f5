"""Save and load weights as ``.npz`` files (plain arrays, ``allow_pickle=False``).

Works for a ``Module`` (its ``state_dict()``, names like ``"0.W"``), for the textbook's
``TwoLayerNet`` (its ``params`` dict) or for a plain dict of arrays.  Loading checks every array
first (name, shape, kind of number, values: see :func:`load_weights`) and raises a ``ValueError``
naming the file and the offending arrays before changing anything; the copy into the model is
all or nothing, even under Ctrl-C.  Saving is atomic (:func:`autograd_core.files.write_atomically`).

Example:
    >>> import os, tempfile
    >>> from nn import Linear
    >>> path = os.path.join(tempfile.mkdtemp(), "layer.npz")
    >>> save_weights(Linear(3, 2, seed=0), path)
    >>> other = Linear(3, 2, seed=1)
    >>> load_weights(other, path)
    >>> bool((other.W.data == Linear(3, 2, seed=0).W.data).all())
    True
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograd_core.files import write_atomically

from .loading import copy_all_or_nothing, nonnegative_names_of
from .module import Module

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip
_NPY_MAGIC = b"\x93NUMPY"


def _targets_of(model: Any, op: str = "load_weights") -> dict[str, Any]:
    """The model's own arrays by name: a Module's parameters and buffers, or the values of a
    ``params`` dict or of a plain dict (``load_weights`` writes into them, in place)."""
    if isinstance(model, Module):
        return {name: tensor.data for name, tensor in [*model.named_parameters(), *model.named_buffers()]}
    params = getattr(model, "params", model)
    if isinstance(params, Mapping):
        return {str(k): v for k, v in params.items()}
    kind = type(model).__name__
    raise TypeError(f"{op}: expected a Module, a model with a params dict or a dict, not {kind}")


def _arrays_of(model: Any) -> dict[str, np.ndarray]:
    """A copy of every array of the model, by name: what ``save_weights`` writes."""
    return {name: np.array(value) for name, value in _targets_of(model, "save_weights").items()}


def save_weights(model: Any, path: str | os.PathLike) -> None:
    """Write the model's arrays to ``path`` (an ``.npz``) by chainrule's one rule for files
    (:mod:`autograd_core.files`): its folder made if missing, written whole to a temporary file
    beside it, synced to disk, then renamed into place; on any failure (Ctrl-C included) the
    temporary file is removed and an existing ``path`` is left as it was.  A link to an existing
    file is followed (the link stays), a link to nothing is refused.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> save_weights({"W": np.eye(2)}, folder)
    Traceback (most recent call last):
    ...
    autograd_core.files.WriteError: save_weights: cannot write '...': is a folder, not a file
    """
    arrays = _arrays_of(model)
    write_atomically(path, lambda file: np.savez(file, **arrays), "save_weights")


def read_weights(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The arrays in an ``.npz`` file, by name (no pickled objects are ever loaded).

    Anything else (a ``.npy``, an empty or foreign file, a folder) is a ``ValueError`` naming the file.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "w.npz")
    >>> np.save(path, np.zeros(3)); os.replace(path + ".npy", path)
    >>> read_weights(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: load_weights: .../w.npz is a .npy file (one unnamed array), not an .npz archive of named arrays ...
    """
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise ValueError(f"load_weights: {path} is not a regular file")
            magic = f.read(6)
    except FileNotFoundError:
        raise FileNotFoundError(f"load_weights: no such file {path!r}") from None
    except IsADirectoryError:
        raise ValueError(f"load_weights: {path} is a folder, not an .npz weights file") from None
    if magic.startswith(_NPY_MAGIC):
        raise ValueError(
            f"load_weights: {path} is a .npy file (one unnamed array), not an .npz archive of named arrays "
            "(write one with save_weights)"
        )
    if not magic.startswith(_ZIP_MAGIC):
        what = "empty" if not magic else "not a zip archive"
        raise ValueError(f"load_weights: {path} is not a readable .npz weights file ({what})")
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as archive:  # closed even if np.load fails
            return {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise ValueError(f"load_weights: {path} is not a readable .npz weights file ({exc})") from None


def load_weights(model: Any, path: str | os.PathLike, *, allow_nonfinite: bool = False) -> None:
    """Copy the arrays of ``path`` into the model, in place: all or nothing.

    Every array is read, checked and converted to the model's dtype before any is copied: its name
    (none missing, none unexpected), shape and kind of number (complex and bool arrays are refused,
    never truncated), values the model's dtype cannot hold (a float64 1e300 for a float32 weight),
    nan or inf (refused unless ``allow_nonfinite=True``), and negative values where a module
    forbids them (BatchNorm's ``running_var``).  A ``ValueError`` names the file and every
    offending array.  The copy itself runs with Ctrl-C held back (see :mod:`nn.loading`), so an
    interrupt at any point leaves the model exactly as before or exactly as after.

    >>> import os, tempfile
    >>> from nn import BatchNorm
    >>> path = os.path.join(tempfile.mkdtemp(), "bn.npz")
    >>> np.savez(path, gamma=np.ones(2), beta=np.zeros(2), running_mean=np.zeros(2), running_var=[1.0, -1.0])
    >>> load_weights(BatchNorm(2), path)
    Traceback (most recent call last):
    ...
    ValueError: load_weights: .../bn.npz: array 'running_var' holds -1 at index (1,); its values may not be negative
    """
    targets = _targets_of(model)
    nonnegative = nonnegative_names_of(model) if isinstance(model, Module) else frozenset()
    path = os.fspath(path)
    arrays = read_weights(path)
    try:
        copy_all_or_nothing(arrays, targets, nonnegative=nonnegative, allow_nonfinite=allow_nonfinite)
    except ValueError as exc:
        raise ValueError(f"load_weights: {path}: {exc}") from None
