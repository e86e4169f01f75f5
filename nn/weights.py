"""Save and load weights as ``.npz`` files (plain arrays, ``allow_pickle=False``).

Works for a ``Module`` (its ``state_dict()``, names like ``"0.W"``), for the textbook's
``TwoLayerNet`` (its ``params`` dict) or for a plain dict of arrays.  Loading checks every name,
shape and dtype first and raises a ``ValueError`` naming the missing, unexpected, mis-shaped or
mis-typed arrays (and the file) before changing anything.  Saving is atomic.

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
import tempfile
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

from .module import Module

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip
_NPY_MAGIC = b"\x93NUMPY"


def _arrays_of(model: Any) -> dict[str, np.ndarray]:
    if isinstance(model, Module):
        return model.state_dict()
    params = getattr(model, "params", model)
    if isinstance(params, Mapping):
        return {str(k): np.asarray(v) for k, v in params.items()}
    kind = type(model).__name__
    raise TypeError(f"save_weights: expected a Module, a model with a params dict or a dict, not {kind}")


def save_weights(model: Any, path: str | os.PathLike) -> None:
    """Write the model's arrays to ``path`` (an ``.npz``), atomically: written whole to a temporary
    file in the same folder, synced to disk, then renamed into place.  On any failure (Ctrl-C
    included) the temporary file is removed and an existing ``path`` is left as it was.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> save_weights({"W": np.eye(2)}, folder)
    Traceback (most recent call last):
    ...
    IsADirectoryError: save_weights: ... is a folder; give a file name, e.g. .../weights.npz
    """
    path = os.fspath(path)
    arrays = _arrays_of(model)
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"save_weights: {path} is a folder; give a file name, e.g. {os.path.join(path, 'weights.npz')}"
        )
    folder = os.path.dirname(path) or "."
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".tmp.npz")
    except OSError as exc:
        raise type(exc)(exc.errno, f"save_weights: cannot write in {folder} ({exc.strerror})", path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


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
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise ValueError(f"load_weights: {path} is not a readable .npz weights file ({exc})") from None


def _problems(arrays: Mapping[str, np.ndarray], params: Mapping[str, Any]) -> list[str]:
    """Everything wrong with loading ``arrays`` into ``params``: names, shapes and types."""
    problems = [f"missing array {k!r}" for k in params if k not in arrays]
    problems += [f"unexpected array {k!r}" for k in arrays if k not in params]
    for k, target in params.items():
        if k not in arrays:
            continue
        array = arrays[k]
        if not isinstance(target, np.ndarray) or not target.flags.writeable:
            problems.append(f"the model's {k!r} is not a writable array ({type(target).__name__})")
        elif array.shape != target.shape:
            problems.append(f"array {k!r} has shape {array.shape}, the model expects {target.shape}")
        elif array.dtype.kind not in "biuf" or not np.can_cast(array.dtype, target.dtype, casting="same_kind"):
            problems.append(f"array {k!r} has dtype {array.dtype}, which does not fit the model's {target.dtype}")
    return problems


def load_weights(model: Any, path: str | os.PathLike) -> None:
    """Copy the arrays of ``path`` into the model, in place: all or nothing.  Every array's name,
    shape and dtype is checked before any is copied (complex numbers are refused, never truncated)."""
    arrays = read_weights(path)
    if isinstance(model, Module):
        try:
            model.load_state_dict(arrays)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
        return
    params = getattr(model, "params", model)
    if not isinstance(params, Mapping):
        kind = type(model).__name__
        raise TypeError(f"load_weights: expected a Module, a model with a params dict or a dict, not {kind}")
    problems = _problems(arrays, params)
    if problems:
        raise ValueError(f"load_weights: {path}: " + "; ".join(problems))
    for k, target in params.items():
        target[...] = arrays[k]
