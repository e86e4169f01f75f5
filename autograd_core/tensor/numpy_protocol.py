"""NumPy functions called on Tensors: each one records the matching Tensor op, or refuses.

``np.exp(t)``, ``np.sum(t, axis=0)``, ``arr @ t``, ``np.concatenate([t, u])`` ... reach a Tensor
through NumPy's two dispatch protocols (``__array_ufunc__`` for ufuncs such as ``np.add``,
``__array_function__`` for functions such as ``np.sum``) and run as the Tensor op of the same
meaning, so the gradient flows through them.  The rule, with no silent graph drop:

- a NumPy function with a Tensor op records that op: each op's record says which NumPy
  functions it stands for (``Op.numpy``), so this module keeps no table of op meanings;
- a function whose result carries no gradient (``np.shape``, ``np.argmax``, comparisons,
  ``np.isfinite``, ``np.zeros_like``) runs on the values and returns what NumPy returns;
- any other function, or an ``out=`` argument, is refused with a ``TypeError`` naming the
  function when a Tensor in it requires grad (and recording is on), and suggesting
  ``.detach().numpy()`` / ``.data``; on Tensors that need no gradient it runs on the values.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> x = Tensor([0.0, 1.0], requires_grad=True)
    >>> y = np.sum(np.exp(x))          # recorded: Tensor ops exp and sum
    >>> y.backward()
    >>> np.round(x.grad, 4)
    array([1.    , 2.7183])
    >>> np.arctan(x)                   # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: np.arctan has no Tensor op: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..graph import Node, is_grad_enabled
from ..ops.record import TENSOR_OPS, registrations

__all__ = ["array_function", "array_ufunc", "reduction", "refuse_argument"]

# Results without a gradient: piecewise-constant functions, comparisons, shapes and indices.
_VALUE_UFUNCS = {
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal, np.sign, np.isfinite,
    np.isnan, np.isinf, np.floor, np.ceil, np.rint, np.trunc, np.signbit, np.logical_and, np.logical_or,
    np.logical_not, np.logical_xor,
}
_VALUE_FUNCTIONS = {
    np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.allclose, np.isclose, np.array_equal,
    np.array_equiv, np.count_nonzero, np.nonzero, np.result_type, np.zeros_like, np.ones_like, np.empty_like,
    np.full_like, np.round, np.around, np.iscomplexobj, np.isrealobj, np.can_cast, np.min_scalar_type,
    np.any, np.all, np.array2string, np.array_repr, np.array_str, np.searchsorted, np.histogram, np.bincount,
    np.flatnonzero,
}


def _plain(value: Any) -> Any:
    if isinstance(value, Node):
        return value.data
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def _tensors_in(values: Any) -> list[Node]:
    found: list[Node] = []
    stack = [values]
    while stack:
        value = stack.pop()
        if isinstance(value, Node):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return found


def _records(values: Any) -> bool:
    return is_grad_enabled() and any(t.requires_grad for t in _tensors_in(values))


def _numpy_name(func: Any) -> str:
    """How a user wrote the function: ``np.linalg.norm``, not ``np.norm``."""
    module = (getattr(func, "__module__", None) or "numpy").replace("numpy", "np", 1)
    module = "np" if module in ("np.core.fromnumeric", "np._core.fromnumeric") or "._" in module else module
    return f"{module}.{func.__name__}"


def _refuse(name: str, why: str, values: Any) -> TypeError:
    """The refusal of NumPy function ``name``, naming the first Tensor in ``values`` that requires grad."""
    tensor = next((t for t in _tensors_in(values) if t.requires_grad), None)
    which = f"Tensor {tensor._describe()} (shape {tensor.shape}), which requires grad" if tensor is not None else (
        "a Tensor that requires grad"
    )
    return TypeError(
        f"{name} {why}: it would drop the gradient of {which}. Use the Tensor's own ops, "
        "or t.detach().numpy() (or t.data) to compute on the values without gradient"
    )


def _on_values(func: Callable, args: tuple, kwargs: dict) -> Any:
    return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})


class _Tables:
    """NumPy function -> the Tensor op standing for it, read from the ops' records
    (``Op.numpy``) and read again whenever an op is defined."""

    def __init__(self) -> None:
        self._read = -1
        self.ufuncs: dict[Any, Callable[..., Any]] = {}
        self.functions: dict[Any, Callable[..., Any]] = {}

    def current(self) -> _Tables:
        if self._read != registrations():
            ufuncs: dict[Any, Callable[..., Any]] = {}
            functions: dict[Any, Callable[..., Any]] = {}
            for op in TENSOR_OPS.values():
                for func, adapter in op.numpy.items():
                    table = ufuncs if isinstance(func, np.ufunc) else functions
                    table[func] = adapter or op.apply
            self.ufuncs, self.functions, self._read = ufuncs, functions, registrations()
        return self


_TABLES = _Tables()


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """What ``ufunc(*inputs, **kwargs)`` (or ``ufunc.method(...)``) does when a Tensor is involved."""
    op = _TABLES.current().ufuncs.get(ufunc) if method == "__call__" else None
    if op is not None and not kwargs:
        return op(*inputs)  # the common case first: ``array @ tensor``, ``np.exp(t)``
    name = f"np.{ufunc.__name__}"
    extra = {k: v for k, v in kwargs.items() if v is not None and not (k == "out" and all(o is None for o in v))}
    if "out" in extra and _records(extra["out"]):
        # Writing into a Tensor on a graph would change what its VJPs read: wrong gradients later.
        raise _refuse(f"{name}(..., out=)", "cannot write into a Tensor that is recorded on a graph", extra["out"])
    if method == "__call__" and ufunc is np.positive and not extra:
        return inputs[0]  # +t is t
    if method == "__call__" and ufunc in _VALUE_UFUNCS:
        return _on_values(ufunc, inputs, kwargs)
    if op is not None and not extra:
        return op(*inputs)
    if not _records((inputs, kwargs)):
        target = ufunc if method == "__call__" else getattr(ufunc, method)
        return _on_values(target, inputs, kwargs)
    if op is not None:
        keys = ", ".join(f"{k}=" for k in extra)
        why = "cannot write into or configure a result that is recorded on a graph"
        raise _refuse(f"{name}(..., {keys})", why, inputs)
    if method != "__call__":
        raise _refuse(f"{name}.{method}", "has no Tensor op", (inputs, kwargs))
    raise _refuse(name, "has no Tensor op", (inputs, kwargs))


def array_function(func: Any, types: tuple, args: tuple, kwargs: dict) -> Any:
    """What ``func(*args, **kwargs)`` does when a Tensor is among its array arguments."""
    if not all(issubclass(t, (Node, np.ndarray)) for t in types):
        return NotImplemented
    if func in _VALUE_FUNCTIONS:
        return _on_values(func, args, kwargs)
    op = _TABLES.current().functions.get(func)
    if op is not None:
        return op(*args, **kwargs)
    if not _records((args, kwargs)):
        return _on_values(func, args, kwargs)
    raise _refuse(_numpy_name(func), "has no Tensor op", (args, kwargs))


# -- adapters: NumPy's arguments turned into an op's ----------------------------------------------------
def refuse_argument(name: str, value: Any, allowed: Any = None) -> None:
    """Refuse a NumPy argument the Tensor op cannot honour (``np.sum(t, dtype=...)``, ``out=``)."""
    if value is not allowed:
        raise TypeError(f"np.{name} on a Tensor: the argument {value!r:.40} is not supported; "
                        "use the Tensor method, or t.detach().numpy() to compute on the values")


def reduction(method: str, lift: Callable[[Any, str], Any]) -> Callable[..., Any]:
    """``np.sum(a, axis, dtype, out, keepdims)`` and its kin as the Tensor method ``method``
    (``ddof`` passed on for ``np.var`` and ``np.std``)."""

    def apply(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
              **rest: Any) -> Any:
        refuse_argument(method, dtype)
        refuse_argument(method, out)
        for key, value in rest.items():
            if key == "ddof":
                continue
            refuse_argument(f"{method}({key}=...)", value, np._NoValue)
        a = lift(a, method)
        if "ddof" in rest:
            return getattr(a, method)(axis=axis, keepdims=bool(keepdims), ddof=rest["ddof"])
        return getattr(a, method)(axis=axis, keepdims=bool(keepdims))

    return apply
