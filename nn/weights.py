"""Save and load weights as ``.npz`` files (plain arrays, ``allow_pickle=False``).

Works for a ``Module`` (its ``state_dict()``, names like ``"0.W"``), for the textbook's
``TwoLayerNet`` (its ``params`` dict) or for a plain dict of arrays.  Loading checks every name
and shape first and raises a ``ValueError`` naming the missing, unexpected or mis-shaped arrays
(and the file) before changing anything.

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
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

from .module import Module


def _arrays_of(model: Any) -> dict[str, np.ndarray]:
    if isinstance(model, Module):
        return model.state_dict()
    params = getattr(model, "params", model)
    if isinstance(params, Mapping):
        return {str(k): np.asarray(v) for k, v in params.items()}
    kind = type(model).__name__
    raise TypeError(f"save_weights: expected a Module, a model with a params dict or a dict, not {kind}")


def save_weights(model: Any, path: str | os.PathLike) -> None:
    """Write the model's arrays to ``path`` (an ``.npz``; written whole, then renamed into place)."""
    path = os.fspath(path)
    arrays = _arrays_of(model)
    tmp = path + ".tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def read_weights(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The arrays in an ``.npz`` file, by name (no pickled objects are ever loaded)."""
    path = os.fspath(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except FileNotFoundError:
        raise FileNotFoundError(f"load_weights: no such file {path!r}") from None
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ValueError(f"load_weights: {path} is not a readable .npz weights file ({exc})") from None


def load_weights(model: Any, path: str | os.PathLike) -> None:
    """Copy the arrays of ``path`` into the model, in place, after checking names and shapes."""
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
    problems = [f"missing array {k!r}" for k in params if k not in arrays]
    problems += [f"unexpected array {k!r}" for k in arrays if k not in params]
    problems += [
        f"array {k!r} has shape {arrays[k].shape}, the model expects {np.shape(v)}"
        for k, v in params.items()
        if k in arrays and arrays[k].shape != np.shape(v)
    ]
    if problems:
        raise ValueError(f"load_weights: {path}: " + "; ".join(problems))
    for k, v in params.items():
        v[...] = arrays[k]
