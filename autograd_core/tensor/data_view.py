"""What ``t.data`` hands out: the tensor's own array, whose writes count as a change of the tensor.

A backward pass uses the arrays its forward pass saw: ``x * x`` keeps ``x`` to multiply the
gradient by.  Change ``x``'s values in between and the gradient is silently wrong, so every
change of a Tensor's data is stamped with the time of a *change clock* (PyTorch keeps a version
counter per tensor for the same purpose), and every node with the time it was computed; backward
refuses a node whose input (or own output) changed later, naming both.

``t.data`` is a :class:`DataView`: an ``ndarray`` sharing the tensor's memory, behaving in every
way as the array it is (it prints as ``array(...)``, and arithmetic on it and copies of it are
plain arrays), except that a write through it, or through any view of it, is a change of the
tensor: ``t.data[...] = 0``, ``t.data -= lr * t.grad``, ``np.add(a, b, out=t.data)``,
``np.copyto``, ``t.data.fill(0)``.  Assigning ``t.data = array`` is a change too.  An optimizer
that updates parameters in place after ``backward()`` works as before: the next forward pass is
computed after the change.

A write is a change of the memory written, so every Tensor over that memory sees it: ``x.T``,
``x[0]``, ``x.reshape(...)``, ``x.detach()``, ``Tensor(x.data)`` and a constant made of
``x.data`` all share ``x``'s.  A write that fails (a shape that does not fit) still counts: the
change is stamped before the write, so that an interrupt between them cannot hide it.

Writes that bypass NumPy's view of the array are not counted: a ``memoryview`` of it, ``ctypes``,
another array made with ``np.asarray(t.data)`` or ``np.ndarray(buffer=...)``, ``t.numpy()``,
``np.nditer`` in read-write mode, ``byteswap(inplace=True)``, ``setfield`` and the ``out=`` of a
random generator (``rng.random(out=t.data)``).

Example:
    >>> from autograd_core import Tensor
    >>> x = Tensor([3.0], requires_grad=True, name="x")
    >>> y = (x * x).sum()
    >>> x.data                               # doctest: +ELLIPSIS
    array([3.])
    >>> x.data[...] = 100                    # a change between forward and backward
    >>> y.backward()                         # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd_core.graph.DataChangedError: backward: the data of node leaf 'x' (shape (1,)), an input of node mul, ...
"""

from __future__ import annotations

import inspect
import weakref
from typing import Any

import numpy as np

from ..graph import DataChangedError

__all__ = ["CLOCK", "DataChangedError", "DataView", "changed_error", "hand_out", "last_change", "memory_root", "tick"]

_ndarray = np.ndarray

#: The change clock: ``CLOCK[0]`` goes up by one at every change of any Tensor's data.  A node
#: records the time it was computed (``_born``) and a tensor the time of its last change
#: (``_changed``): an input changed since the node was computed if its time is later.  While no
#: data changes between a forward and its backward pass (a training loop updates after backward),
#: every node's time is the clock's, and backward checks one number per node.
CLOCK = [0]


def tick() -> int:
    """Advance the change clock; the new time."""
    CLOCK[0] += 1
    return CLOCK[0]


#: The time of the last write into each block of memory written through a DataView, by the id of
#: the array owning the block (an entry leaves with its array).  Tensors sharing memory (``x.T``,
#: ``x[0]``, ``x.reshape(...)``, ``x.detach()``, ``Tensor(x.data)``, a constant made of ``x.data``)
#: all see a write made through any of them, as PyTorch's views share one version counter.
_WRITTEN: dict[int, int] = {}


def memory_root(array: np.ndarray) -> np.ndarray:
    """The array owning ``array``'s memory (NumPy points a view's ``base`` at it)."""
    base = array.base
    while isinstance(base, _ndarray):
        array, base = base, base.base
    return array


def _stamp_memory(array: np.ndarray, time: int) -> None:
    root = memory_root(array)
    key = id(root)
    if key not in _WRITTEN:
        weakref.finalize(root, _WRITTEN.pop, key, None)
    _WRITTEN[key] = time


def last_change(tensor: Any) -> int:
    """The time of the last change of ``tensor``'s data: assigned, or written through any view of
    its memory (0: never)."""
    return max(tensor._changed, _WRITTEN.get(id(memory_root(tensor._data)), 0))


# NumPy functions that write into their first argument (besides any ``out=``).
_WRITES_FIRST = {np.copyto, np.put, np.place, np.putmask, np.fill_diagonal, np.put_along_axis}


class DataView(np.ndarray):
    """``t.data``: the tensor's array, counting writes as changes of the tensor (see the module).

    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> t = Tensor([1.0, 2.0])
    >>> type(t.data * 2) is np.ndarray, type(t.data.copy()) is np.ndarray, t.data.sum()
    (True, True, np.float64(3.0))
    """

    # The tensor whose data this is, held weakly (keeping ``loss.data`` must not keep its graph
    # alive): ``t.data -= g`` assigns its own view back, which the setter knows by it.
    _owner: Any = None

    def __array_finalize__(self, obj: Any) -> None:
        self._owner = getattr(obj, "_owner", None)

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))

    # -- copies are plain arrays: they are not the tensor's data ------------------------------------
    def copy(self, order: Any = "C") -> np.ndarray:
        return self.view(np.ndarray).copy(order)

    def astype(self, *args: Any, **kwargs: Any) -> np.ndarray:
        return self.view(np.ndarray).astype(*args, **kwargs)

    def __copy__(self) -> np.ndarray:
        return self.copy()

    def __deepcopy__(self, memo: Any) -> np.ndarray:
        return self.copy()

    def __reduce__(self) -> Any:
        return self.view(np.ndarray).__reduce__()

    def _written(self) -> None:
        """Count a write through this array as a change of its memory, which every Tensor over that
        memory sees (its owner, a view, a detached copy, a constant made of it)."""
        _stamp_memory(self, tick())

    # -- writes ---------------------------------------------------------------------------------
    def __setitem__(self, key: Any, value: Any) -> None:
        self._written()
        super().__setitem__(key, value)

    def fill(self, value: Any) -> None:
        self._written()
        super().fill(value)

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._written()
        super().sort(*args, **kwargs)

    def partition(self, *args: Any, **kwargs: Any) -> None:
        self._written()
        super().partition(*args, **kwargs)

    def put(self, *args: Any, **kwargs: Any) -> None:
        self._written()
        super().put(*args, **kwargs)

    # ``p.data -= lr * p.grad``, the optimizer's step, goes straight to the array, one write
    def __iadd__(self, other: Any) -> DataView:
        self._written()
        _ndarray.__iadd__(self.view(_ndarray), _plain(other))
        return self

    def __isub__(self, other: Any) -> DataView:
        self._written()
        _ndarray.__isub__(self.view(_ndarray), _plain(other))
        return self

    def __imul__(self, other: Any) -> DataView:
        self._written()
        _ndarray.__imul__(self.view(_ndarray), _plain(other))
        return self

    def __itruediv__(self, other: Any) -> DataView:
        self._written()
        _ndarray.__itruediv__(self.view(_ndarray), _plain(other))
        return self

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, out: Any = None, **kwargs: Any) -> Any:
        """Run on plain arrays, so results are plain arrays; an ``out=`` that is a view is a write.
        ``a -= b`` comes here as ``np.subtract(a, b, out=(a,))``."""
        if method == "at" and isinstance(inputs[0], DataView):  # np.add.at(a, indices, b) writes into a
            inputs[0]._written()
        inputs = [x.view(_ndarray) if isinstance(x, DataView) else x for x in inputs]
        if out is None:
            return getattr(ufunc, method)(*inputs, **kwargs)
        plain = []
        for target in out:
            if isinstance(target, DataView):
                target._written()
                target = target.view(_ndarray)
            plain.append(target)
        kwargs["out"] = tuple(plain)
        getattr(ufunc, method)(*inputs, **kwargs)
        return out[0] if len(out) == 1 else out

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        if func in _WRITES_FIRST and args and isinstance(args[0], DataView):
            args[0]._written()
        target = _out_argument(func, args, kwargs)
        if isinstance(target, DataView):
            target._written()
        result = super().__array_function__(func, types, args, kwargs)
        if isinstance(result, DataView) and not any(
            isinstance(a, DataView) and np.may_share_memory(result, a) for a in (*args, *kwargs.values())
        ):
            return result.view(_ndarray)  # a new array (np.tile(d, 2), np.linalg.inv(d)) is not the tensor's data
        return result

    # -- new arrays are plain; element writes through .flat count -----------------------------------
    def flatten(self, order: Any = "C") -> np.ndarray:
        return self.view(_ndarray).flatten(order)

    def dot(self, other: Any, out: Any = None) -> Any:
        return np.dot(self, other, out)

    @property
    def flat(self) -> Any:
        return _Flat(self)

    @flat.setter
    def flat(self, value: Any) -> None:
        self._written()
        self.view(_ndarray).flat = value


class _Flat:
    """``t.data.flat``: NumPy's flat iterator, whose writes count."""

    def __init__(self, view: DataView) -> None:
        self._view = view
        self._flat = view.view(_ndarray).flat

    def __setitem__(self, key: Any, value: Any) -> None:
        self._view._written()
        self._flat[key] = value

    def __getitem__(self, key: Any) -> Any:
        return self._flat[key]

    def __iter__(self) -> Any:
        return iter(self._flat)

    def __len__(self) -> int:
        return len(self._flat)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self._flat.copy(), dtype=dtype)


_SIGNATURES: dict[Any, Any] = {}


def _out_argument(func: Any, args: tuple, kwargs: dict) -> Any:
    """The ``out`` a NumPy function was given, by keyword or by position (``np.dot(a, b, out)``)."""
    if "out" in kwargs or len(args) < 2:
        return kwargs.get("out")
    if func not in _SIGNATURES:
        try:
            _SIGNATURES[func] = inspect.signature(getattr(func, "_dispatcher", func))
        except (TypeError, ValueError):
            _SIGNATURES[func] = None
    signature = _SIGNATURES[func]
    if signature is None:
        return None
    try:
        return signature.bind(*args, **kwargs).arguments.get("out")
    except TypeError:
        return None


def _plain(value: Any) -> Any:
    return value.view(_ndarray) if isinstance(value, DataView) else value


def changed_error(node: Any, changed: Any) -> DataChangedError:
    """The error backward raises when ``changed`` (``node`` itself or one of its inputs) was
    written after ``node`` was computed from it."""
    where = "" if changed is node else f", an input of node {node._describe()},"
    return DataChangedError(
        f"backward: the data of node {changed._describe()} (shape {changed._data.shape}){where} changed after "
        "the forward pass used it, so its gradient would be computed from values the forward pass never saw. "
        "Run the forward pass again after changing data (or change a copy: t.data.copy())"
    )


def hand_out(tensor: Any) -> DataView:
    """The :class:`DataView` of ``tensor``'s array (``Tensor.data`` calls this)."""
    view = tensor._data.view(DataView)
    view._owner = weakref.ref(tensor)
    return view
