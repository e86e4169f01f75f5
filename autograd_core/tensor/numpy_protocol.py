"""NumPy functions called on Tensors: each one records the matching Tensor op, or refuses.

``np.exp(t)``, ``np.sum(t, axis=0)``, ``arr @ t``, ``np.concatenate([t, u])`` ... reach a Tensor
through NumPy's two dispatch protocols (``__array_ufunc__`` for ufuncs such as ``np.add``,
``__array_function__`` for functions such as ``np.sum``) and run as the Tensor op of the same
meaning, so the gradient flows through them.  The rule, with no silent graph drop:

- a NumPy function with a Tensor op records that op (the tables below);
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

from ..graph import MODE
from .core import Tensor

_ufuncs: dict[Any, Callable[..., Any]] = {}
_functions: dict[Any, Callable[..., Any]] = {}

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
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def _tensors_in(values: Any) -> list[Tensor]:
    found: list[Tensor] = []
    stack = [values]
    while stack:
        value = stack.pop()
        if isinstance(value, Tensor):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return found


def _records(values: Any) -> bool:
    return MODE.grad_enabled and any(t.requires_grad for t in _tensors_in(values))


def _numpy_name(func: Any) -> str:
    """How a user wrote the function: ``np.linalg.norm``, not ``np.norm``."""
    module = (getattr(func, "__module__", None) or "numpy").replace("numpy", "np", 1)
    module = "np" if module in ("np.core.fromnumeric", "np._core.fromnumeric") or "._" in module else module
    return f"{module}.{func.__name__}"


def _refuse(name: str, why: str) -> TypeError:
    return TypeError(
        f"{name} {why}: it would drop the gradient of a Tensor that requires grad. Use the Tensor's own ops, "
        "or t.detach().numpy() (or t.data) to compute on the values without gradient"
    )


def _on_values(func: Callable, args: tuple, kwargs: dict) -> Any:
    return func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """What ``ufunc(*inputs, **kwargs)`` (or ``ufunc.method(...)``) does when a Tensor is involved."""
    op = _ufuncs.get(ufunc) if method == "__call__" else None
    if op is not None and not kwargs:
        return op(*inputs)  # the common case first: ``array @ tensor``, ``np.exp(t)``
    name = f"np.{ufunc.__name__}"
    extra = {k: v for k, v in kwargs.items() if v is not None and not (k == "out" and all(o is None for o in v))}
    if "out" in extra and _records(extra["out"]):
        # Writing into a Tensor on a graph would change what its VJPs read: wrong gradients later.
        raise _refuse(f"{name}(..., out=)", "cannot write into a Tensor that is recorded on a graph")
    if method == "__call__" and ufunc in _VALUE_UFUNCS:
        return _on_values(ufunc, inputs, kwargs)
    if op is not None and not extra:
        return op(*inputs)
    if not _records((inputs, kwargs)):
        target = ufunc if method == "__call__" else getattr(ufunc, method)
        return _on_values(target, inputs, kwargs)
    if op is not None:
        keys = ", ".join(f"{k}=" for k in extra)
        raise _refuse(f"{name}(..., {keys})", "cannot write into or configure a result that is recorded on a graph")
    if method != "__call__":
        raise _refuse(f"{name}.{method}", "has no Tensor op")
    raise _refuse(name, "has no Tensor op")


def array_function(func: Any, types: tuple, args: tuple, kwargs: dict) -> Any:
    """What ``func(*args, **kwargs)`` does when a Tensor is among its array arguments."""
    if not all(issubclass(t, (Tensor, np.ndarray)) for t in types):
        return NotImplemented
    if func in _VALUE_FUNCTIONS:
        return _on_values(func, args, kwargs)
    op = _functions.get(func)
    if op is not None:
        return op(*args, **kwargs)
    if not _records((args, kwargs)):
        return _on_values(func, args, kwargs)
    raise _refuse(_numpy_name(func), "has no Tensor op")


# -- the tables ------------------------------------------------------------------------------------
def _fill() -> None:
    from . import elementwise as ops
    from . import shape
    from .core import as_tensor

    def lift(x: Any, name: str) -> Tensor:
        return as_tensor(x, None, name)

    def unary(method: str) -> Callable[[Any], Tensor]:
        return lambda x: getattr(lift(x, method), method)()

    _ufuncs.update({
        np.add: ops.add, np.subtract: ops.sub, np.multiply: ops.mul, np.divide: ops.div, np.power: ops.power,
        np.float_power: ops.power, np.matmul: ops.matmul, np.negative: lambda x: ops.neg(lift(x, "neg")),
        np.positive: lambda x: lift(x, "positive"), np.square: lambda x: ops.power(x, 2),
        np.maximum: ops.maximum, np.minimum: ops.minimum, np.absolute: unary("abs"), np.exp: unary("exp"),
        np.log: unary("log"), np.sqrt: unary("sqrt"), np.tanh: unary("tanh"), np.sin: unary("sin"),
        np.cos: unary("cos"), np.reciprocal: lambda x: ops.div(1.0, x),
    })

    def no(name: str, value: Any, allowed: Any = None) -> None:
        if value is not allowed:
            raise TypeError(f"np.{name} on a Tensor: the argument {value!r:.40} is not supported; "
                            "use the Tensor method, or t.detach().numpy() to compute on the values")

    def reduction(method: str) -> Callable[..., Tensor]:
        def apply(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
                  **rest: Any) -> Tensor:
            no(method, dtype)
            no(method, out)
            for key, value in rest.items():
                if key == "ddof":
                    continue
                no(f"{method}({key}=...)", value, np._NoValue)
            a = lift(a, method)
            if "ddof" in rest:
                return getattr(a, method)(axis=axis, keepdims=bool(keepdims), ddof=rest["ddof"])
            return getattr(a, method)(axis=axis, keepdims=bool(keepdims))

        return apply

    def np_reshape(a: Any, *args: Any, **kwargs: Any) -> Tensor:
        new = kwargs.pop("shape", kwargs.pop("newshape", args[0] if args else None))
        no("reshape(order=...)", kwargs.pop("order", "C"), "C")
        return lift(a, "reshape").reshape(new)

    def np_transpose(a: Any, axes: Any = None) -> Tensor:
        return shape.transpose(lift(a, "transpose"), None if axes is None else tuple(axes))

    def joining(fn: Callable) -> Callable[..., Tensor]:
        def apply(arrays: Any, axis: int = 0, out: Any = None, **rest: Any) -> Tensor:
            no(fn.__name__, out)
            for key, value in rest.items():
                no(f"{fn.__name__}({key}=...)", value)
            return fn(list(arrays), axis=axis)

        return apply

    def np_dot(a: Any, b: Any, out: Any = None) -> Tensor:
        no("dot", out)
        shapes = [np.shape(x.data if isinstance(x, Tensor) else x) for x in (a, b)]
        if any(len(s) == 0 for s in shapes):
            return ops.mul(a, b)
        if any(len(s) > 2 for s in shapes):
            raise TypeError(f"np.dot on Tensors of shapes {shapes[0]} and {shapes[1]}: only 1-D and 2-D; use matmul")
        return ops.matmul(a, b)

    def np_clip(a: Any, a_min: Any = None, a_max: Any = None, out: Any = None, **rest: Any) -> Tensor:
        no("clip", out)
        low = rest.pop("min", a_min)
        high = rest.pop("max", a_max)
        if isinstance(low, Tensor) or isinstance(high, Tensor):
            # Bounds that are Tensors keep their gradient: clip is max(a, low) then min(., high).
            result = lift(a, "clip")
            result = result if low is None else ops.maximum(result, low)
            return result if high is None else ops.minimum(result, high)
        return ops.clip(lift(a, "clip"), low, high)

    def np_where(condition: Any, x: Any = None, y: Any = None) -> Any:
        if x is None and y is None:
            return np.where(_plain(condition))
        return ops.where(condition, x, y)

    _functions.update({
        np.sum: reduction("sum"), np.mean: reduction("mean"), np.max: reduction("max"), np.amax: reduction("max"),
        np.min: reduction("min"), np.amin: reduction("min"), np.var: reduction("var"), np.std: reduction("std"),
        np.reshape: np_reshape, np.transpose: np_transpose,
        np.concatenate: joining(shape.concatenate), np.stack: joining(shape.stack), np.dot: np_dot,
        np.squeeze: lambda a, axis=None: lift(a, "squeeze").squeeze(axis),
        np.expand_dims: lambda a, axis: lift(a, "expand_dims").expand_dims(axis),
        np.swapaxes: lambda a, axis1, axis2: lift(a, "swapaxes").swapaxes(axis1, axis2),
        np.moveaxis: lambda a, source, destination: lift(a, "moveaxis").moveaxis(source, destination),
        np.broadcast_to: lambda array, shape, subok=False: lift(array, "broadcast_to").broadcast_to(tuple(shape)),
        np.ravel: lambda a, order="C": (no("ravel(order=...)", order, "C"), lift(a, "ravel").ravel())[1],
        np.repeat: lambda a, repeats, axis=None: lift(a, "repeat").repeat(repeats, axis),
        np.roll: lambda a, shift, axis=None: lift(a, "roll").roll(shift, axis),
        np.clip: np_clip, np.where: np_where, np.maximum: ops.maximum, np.minimum: ops.minimum,
    })


_fill()
