"""Copy named arrays into a model's own arrays: every array checked first, then all copied or none.

This is what :func:`nn.load_weights` and :meth:`nn.Module.load_state_dict` do once the arrays are
in memory.  :func:`copy_all_or_nothing` first *stages* each array: checks it against the model's
array of that name and converts it to that array's dtype, into a new array.  Anything wrong stops
it there, before the model is touched, with one ``ValueError`` listing every problem:

- a missing or (when ``strict``) unexpected name, another shape;
- a kind of number that does not fit: complex (never truncated), bool for numbers, floats for integers;
- values the model's dtype cannot hold: a float64 ``1e300`` would become ``inf`` in float32, ``300``
  would wrap around in int8;
- nan or inf, unless ``allow_nonfinite=True``;
- negative values in the arrays a module lists in its ``nonnegative_names`` (BatchNorm's
  ``running_var``: a negative variance makes every eval output nan).

Then the staged arrays are copied in with Ctrl-C held back (:func:`autograd_core.interrupts.uninterrupted`):
an interrupt anywhere leaves the model exactly as before or exactly as after.

Example:
    >>> import numpy as np
    >>> model = {"w": np.zeros(2, np.float32), "n": np.zeros(1, np.int8)}
    >>> copy_all_or_nothing({"w": np.array([1.0, 1e300]), "n": np.array([300])}, model)
    Traceback (most recent call last):
    ...
    ValueError: array 'w' holds 1e300 at index (1,), beyond float32's range (±3.403e38); array 'n' holds 300 ...
    >>> copy_all_or_nothing({"w": np.array([1.0, 2.0]), "n": np.array([3])}, model)
    >>> model["w"], model["n"]
    (array([1., 2.], dtype=float32), array([3], dtype=int8))
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np

from autograd_core.interrupts import uninterrupted
from autograd_core.words import format_number

#: At most this many problems are spelled out in one error; the rest are counted.
MAX_PROBLEMS_LISTED = 8


def nonnegative_names_of(module: Any) -> frozenset[str]:
    """The dotted names of every array that a module of the tree lists in its ``nonnegative_names``.

    >>> from nn import BatchNorm, Linear, Sequential
    >>> sorted(nonnegative_names_of(Sequential(Linear(2, 3), BatchNorm(3))))
    ['1.running_var']
    """
    names: set[str] = set()
    stack = [(module, "")]
    while stack:
        node, prefix = stack.pop()
        names.update(prefix + attr for attr in getattr(node, "nonnegative_names", ()))
        stack.extend((child, f"{prefix}{name}.") for name, child in node.named_children())
    return frozenset(names)


def _first(mask: np.ndarray, array: np.ndarray) -> str:
    """``"nan at index (0, 2)"``: the first value where ``mask`` holds, and where it is."""
    flat = int(np.flatnonzero(mask)[0])
    index = tuple(int(i) for i in np.unravel_index(flat, mask.shape))
    return f"{format_number(array.reshape(-1)[flat])} at index {index}"


def stage(
    name: str, array: np.ndarray, target: Any, nonnegative: bool = False, allow_nonfinite: bool = False
) -> tuple[np.ndarray | None, str | None]:
    """``(staged, None)``: ``array`` as a new array of ``target``'s dtype, ready to copy into it; or
    ``(None, problem)`` saying what is wrong (see the module docstring for the checks).

    >>> stage("b", np.array([1.0, np.nan]), np.zeros(2))[1]
    "array 'b' holds nan at index (1,) (1 of 2 values are nan or inf; pass allow_nonfinite=True to load them anyway)"
    """
    what = f"array {name!r}"
    if not isinstance(target, np.ndarray) or not target.flags.writeable:
        return None, f"the model's {name!r} is not a writable array ({type(target).__name__})"
    if array.shape != target.shape:
        return None, f"{what} has shape {array.shape}, the model expects {target.shape}"
    kind, want = array.dtype.kind, target.dtype
    same_kind = np.can_cast(array.dtype, want, casting="same_kind")
    if kind not in "biuf" or not same_kind or (kind == "b") != (want.kind == "b"):
        return None, f"{what} has dtype {array.dtype}, which does not fit the model's {want}"
    with np.errstate(over="ignore", invalid="ignore"):
        staged = array.astype(want, copy=True)
    if want.kind == "f":
        finite = np.isfinite(array)
        overflow = finite & ~np.isfinite(staged)
        if overflow.any():
            largest = format_number(np.finfo(want).max)
            return None, f"{what} holds {_first(overflow, array)}, beyond {want}'s range (±{largest})"
        if not allow_nonfinite and not finite.all():
            count = array.size - int(np.count_nonzero(finite))
            return None, (
                f"{what} holds {_first(~finite, array)} ({count} of {array.size} values are nan or inf; "
                "pass allow_nonfinite=True to load them anyway)"
            )
    elif not np.array_equal(staged, array):
        return None, f"{what} holds {_first(staged != array, array)}, beyond {want}'s range"
    if nonnegative and (staged < 0).any():
        return None, f"{what} holds {_first(staged < 0, staged)}; its values may not be negative"
    return staged, None


def copy_all_or_nothing(
    arrays: Mapping[str, Any],
    targets: Mapping[str, Any],
    *,
    nonnegative: Collection[str] = frozenset(),
    allow_nonfinite: bool = False,
    strict: bool = True,
) -> None:
    """Copy ``arrays[name]`` into ``targets[name]`` (the model's own arrays, in place) for every
    name: all of them, or none and a ``ValueError`` listing every problem.  ``nonnegative`` names
    the targets that may not receive negative values; ``strict=False`` ignores unexpected names."""
    problems = []
    missing = [name for name in targets if name not in arrays]
    if missing:
        problems.append("missing array(s) " + ", ".join(map(repr, missing)))
    unexpected = [name for name in arrays if name not in targets]
    if unexpected and strict:
        problems.append("unexpected array(s) " + ", ".join(map(repr, unexpected)))
    pairs = []
    for name, target in targets.items():
        if name in arrays:
            staged, problem = stage(name, np.asarray(arrays[name]), target, name in nonnegative, allow_nonfinite)
            if problem is not None:
                problems.append(problem)
            else:
                pairs.append((target, staged))
    if problems:
        if len(problems) > MAX_PROBLEMS_LISTED:
            more = len(problems) - MAX_PROBLEMS_LISTED
            problems = [*problems[:MAX_PROBLEMS_LISTED], f"and {more} more problem(s)"]
        raise ValueError("; ".join(problems))
    _copy_in(pairs)


def _copy_in(pairs: list[tuple[np.ndarray, np.ndarray]]) -> None:
    """Copy each staged array into its target, with Ctrl-C held until the last one is done.  Staged
    arrays have their target's exact shape and dtype and every target is writable: a copy has
    nothing left to fail on."""
    with uninterrupted():
        for target, staged in pairs:
            np.copyto(target, staged)
