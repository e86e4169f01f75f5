"""What a training page is given, checked before the loop it watches runs: each check raises an
error that names the argument and what is wrong, or returns the argument as the recorder uses it.

>>> check_watch(17, 100), check_grid(40)
([17], 40)
>>> check_watch([3, 3], 100)
Traceback (most recent call last):
...
ValueError: TrainingPage: watch lists a point twice: [3, 3]
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from autograd_core import Value

from ..output import writable
from .point import LOSSES

__all__ = ["MAX_GRID", "MAX_WATCHED", "check_grid", "check_labels", "check_loss", "check_model", "check_outputs",
           "check_points", "check_run", "check_watch"]

#: The most points a page shows the graph of: each is a graph of its own on every step.
MAX_WATCHED = 8
#: The finest grid the boundary is computed on (a page needs no more).
MAX_GRID = 200


def _whole(value: Any, least: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ValueError(f"TrainingPage: {name} must be a whole number >= {least}, got {value!r}")
    return int(value)


def check_run(steps: Any, save: Any, max_steps: Any) -> int:
    """``steps`` and ``save`` together (the last step's record writes the page to ``save``, an HTML
    file that can be written); returns the most steps the page records."""
    if save is not None:
        if steps is None:
            raise ValueError("TrainingPage: save= writes the page once the last step is recorded; give steps= too")
        path = Path(save)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"TrainingPage: the page is HTML; give save= a name ending in .html, got {str(path)!r}")
        writable(path, "save=")
    if steps is not None:
        return _whole(steps, 1, "steps")
    return _whole(max_steps, 1, "max_steps")


def check_model(model: Any) -> list[Value]:
    """A model the page can watch: callable on a point, with ``parameters()`` listing chainrule
    Values, each once; returns them."""
    if not callable(model) or not callable(getattr(model, "parameters", None)):
        raise TypeError("TrainingPage: the model must be callable, model([x0, x1]), and have parameters() "
                        f"(nn.scalar.MLP, or your own on Value), got {type(model).__name__}")
    params = list(model.parameters())
    if not params:
        raise ValueError("TrainingPage: the model has no parameters to watch")
    strangers = sorted({type(p).__module__ + "." + type(p).__name__ for p in params if not isinstance(p, Value)})
    if strangers:
        raise TypeError(f"TrainingPage: the model's parameters must be chainrule Values (autograd_core.Value), got "
                        f"{strangers[0]}; build the model with nn.scalar (micrograd's MLP on chainrule's Value)")
    if len({id(p) for p in params}) != len(params):
        raise ValueError("TrainingPage: the model lists a parameter twice in parameters()")
    return params


def check_points(X: Any) -> np.ndarray:
    """``X`` as a float array of 2-D points, shape (n, 2), n >= 1, every coordinate finite."""
    if not isinstance(X, np.ndarray) or X.dtype.kind in "biuf":
        X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0 or X.dtype.kind != "f":
        raise ValueError(f"TrainingPage: X must hold 2-D points, shape (n, 2) with n >= 1, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("TrainingPage: X holds nan or inf")
    return X


def check_grid(grid: Any) -> int:
    """How many points across and down the boundary is computed at: 2 to :data:`MAX_GRID`."""
    grid = _whole(grid, 2, "grid")
    if grid > MAX_GRID:
        raise ValueError(f"TrainingPage: grid={grid} is finer than a page needs (at most {MAX_GRID})")
    return grid


def check_watch(watch: Any, count: int) -> list[int]:
    """The watched points: 1 to :data:`MAX_WATCHED` distinct indices of the ``count`` points."""
    watch = [watch] if isinstance(watch, (int, np.integer)) else list(watch)
    if not watch or len(watch) > MAX_WATCHED:
        raise ValueError(f"TrainingPage: watch must list 1 to {MAX_WATCHED} point indices, got {len(watch)}")
    for i in watch:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < count:
            raise ValueError(f"TrainingPage: watch holds {i!r}, not the index of one of the {count} points")
    if len(set(watch)) != len(watch):
        raise ValueError(f"TrainingPage: watch lists a point twice: {watch}")
    return [int(i) for i in watch]


def check_labels(y: Any, count: int, outputs: int) -> tuple[np.ndarray, np.ndarray]:
    """The labels as given (for the page) and as the loss takes them: -1/+1 for one output, class
    numbers for several."""
    raw = np.asarray(y)
    if raw.shape != (count,):
        raise ValueError(f"TrainingPage: y must hold one label per point, shape ({count},), got shape {raw.shape}")
    if raw.dtype.kind not in "biuf" or not np.isfinite(raw.astype(float)).all():
        raise ValueError("TrainingPage: y must hold numbers (class labels)")
    values = set(np.unique(raw).tolist())
    if outputs == 1:
        if values <= {-1, 1}:
            return raw.astype(np.int64), raw.astype(float)
        if values <= {0, 1}:
            return raw.astype(np.int64), 2.0 * raw.astype(float) - 1.0
        raise ValueError(
            f"TrainingPage: a model with one output needs labels -1/+1 (or 0/1), got {sorted(values)[:5]}; "
            "for more classes give the model one output per class"
        )
    if not all(float(v).is_integer() and 0 <= v < outputs for v in values):
        raise ValueError(
            f"TrainingPage: a model with {outputs} outputs needs class labels 0 to {outputs - 1}, "
            f"got {sorted(values)[:5]}"
        )
    return raw.astype(np.int64), raw.astype(np.int64)


def check_outputs(out: Any) -> list[Value]:
    """The model's output(s) on one point, as a list of Values."""
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    if not outs or not all(isinstance(o, Value) for o in outs):
        kinds = ", ".join(sorted({type(o).__name__ for o in outs})) or "nothing"
        raise TypeError(f"TrainingPage: the model must return a Value (or a list of Values), got {kinds}")
    return outs


def check_loss(loss: Any, outputs: int) -> tuple[str, Callable[..., Any]]:
    """The loss each watched point's graph shows, by name (hinge for one output, softmax for
    several: the defaults) or your function; returns its name and the function."""
    if loss is None:
        loss = "hinge" if outputs == 1 else "softmax"
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"TrainingPage: loss must be one of {', '.join(LOSSES)} or a function, got {loss!r}")
        if (loss == "hinge") != (outputs == 1):
            raise ValueError(f"TrainingPage: the {loss} loss is for a model with "
                             f"{'one output' if loss == 'hinge' else 'several outputs'}")
        return loss, LOSSES[loss]
    if callable(loss):
        return getattr(loss, "__name__", "your loss"), loss
    raise TypeError(f"TrainingPage: loss must be a name or a function, got {type(loss).__name__}")



