"""Your own ops, scalar or Tensor: the door the built-in ops come through too.

An op is defined once: its forward computation, how it changes with each input and, if you like,
a diagram symbol and the derivative in words.  :func:`define_op` makes a scalar op (local
derivatives written with arithmetic on the inputs and the output), :func:`define_tensor_op` a
Tensor op (a vector-Jacobian product).  Both make one :class:`autograd_core.ops.Op` record,
checked once (name, symbol, formulas), and file it where the built-in ops are
(:data:`autograd_core.OPS`, :data:`autograd_core.TENSOR_OPS`), so your op is drawn, stepped
through, gradchecked op by op, drawn by the hypothesis strategies and, written with arithmetic,
differentiated twice, like a built-in one.  Each returns the function to call.

Defining a name again needs ``replace=True`` (a notebook cell run twice) and never touches a
graph already built: every node keeps the record it was made with.  A built-in op is never
replaced.

Example (softplus, whose derivative is the sigmoid):
    >>> from autograd_core import Value, define_op
    >>> from autograd_core.ops import exp, log, sigmoid
    >>> softplus = define_op("softplus_doc", lambda x: log(1 + exp(x)), lambda x, out: (sigmoid(x),),
    ...                      formula=("σ({x})",))
    >>> x = Value(0.0, name="x")
    >>> y = softplus(x)
    >>> y.backward()
    >>> round(y.data, 6), x.grad
    (0.693147, 0.5)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from .ops.record import OPS, SCALAR, TENSOR, Op, register
from .tensor.core import Tensor, _leaf, as_tensor, new_node
from .tensor.elementwise import unbroadcast
from .value import apply_scalar_op

__all__ = ["apply_op", "define_op", "define_tensor_op"]


# -- scalar ops ------------------------------------------------------------------------------------
def define_op(
    name: str,
    forward: Callable[..., float],
    derivative: Callable[..., Any],
    *,
    symbol: str | None = None,
    formula: tuple[str, ...] | list[str] | str | None = None,
    has_arg: bool = False,
    replace: bool = False,
) -> Callable[..., Any]:
    """Define a scalar op with 1 or 2 inputs; return the function applying it to Values.

    - ``forward(x)`` or ``forward(x, y)``: the output, from plain numbers.
    - ``derivative(x, out)`` or ``derivative(x, y, out)``: d(out)/dx (and d(out)/dy), as a tuple
      (a lone value is accepted for one input).  It runs on numbers at the forward pass, and on
      ``Value`` nodes for ``backward(create_graph=True)``: write it with arithmetic and the
      helpers of :mod:`autograd_core.ops` (``exp``, ``log``, ``tanh``, ``sigmoid``, ``sin``,
      ``cos``) so both work.
    - ``symbol``: how diagrams show the op (default: its name).
    - ``formula``: the local derivative in words, one template per input, with ``{x}``, ``{y}``,
      ``{out}`` (default ``softplus'({x})``).
    - ``has_arg``: the op takes a constant parameter after its inputs (the exponent of ``x**3``).
    - ``replace``: define again an op of yours; graphs built before keep the old definition.

    >>> from autograd_core import Value, define_op
    >>> cube = define_op("cube_doc", lambda x: x**3, lambda x, out: (3 * x**2,), symbol="³",
    ...                  formula=("3 * {x}²",))
    >>> x = Value(2.0)
    >>> y = cube(x)
    >>> y.backward()
    >>> y.data, x.grad, y.op
    (8.0, 12.0, 'cube_doc')
    """
    where = f"define_op({name!r})"
    for role, function in (("forward", forward), ("derivative", derivative)):
        if not callable(function):
            raise TypeError(f"{where}: {role} must be callable, got {type(function).__name__}: {function!r:.60}")
    inputs = _count_inputs(where, forward, 1 if has_arg else 0)
    if inputs not in (1, 2):
        raise ValueError(
            f"{where}: forward takes {inputs} inputs; an op takes 1 or 2 (compose ops for more, e.g. f(x, g(y, z)))"
        )
    expected = ["x", "y"][:inputs] + ["out"] + (["n"] if has_arg else [])
    if not _accepts(derivative, len(expected)):
        raise TypeError(f"{where}: derivative must take ({', '.join(expected)}): the inputs, then the output")
    op = register(
        Op(name, SCALAR, symbol=symbol, formula=formula, forward=forward, derivative=derivative, arity=inputs,
           has_arg=has_arg),
        replace=replace,
    )

    def apply(*inputs: Any) -> Any:
        return _apply_scalar(op, inputs)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"The op {name!r} (see autograd_core.OPS[{name!r}])."
    return apply


def apply_op(name: str, *inputs: Any) -> Any:
    """Apply the scalar op ``name`` of :data:`autograd_core.OPS` to Values or numbers (an op with
    ``has_arg`` takes its constant last).

    >>> from autograd_core import Value
    >>> apply_op("mul", Value(3.0), 2).data
    6.0
    """
    try:
        op = OPS[name]
    except KeyError:
        raise ValueError(f"apply_op: no op named {name!r}; define it with autograd_core.define_op") from None
    return _apply_scalar(op, inputs)


def _apply_scalar(op: Op, inputs: tuple) -> Any:
    count = op.arity
    given = len(inputs) - (1 if op.has_arg else 0)
    if given != count:
        what = f"{count} input{'s' if count > 1 else ''}" + (" and a constant" if op.has_arg else "")
        raise TypeError(f"{op.name}: takes {what}, got {len(inputs)} argument{'s' if len(inputs) != 1 else ''}")
    return apply_scalar_op(op, inputs[:count], inputs[-1] if op.has_arg else None)


def _count_inputs(where: str, forward: Callable, extra: int) -> int:
    try:
        parameters = list(inspect.signature(forward).parameters.values())
    except (TypeError, ValueError):
        raise TypeError(f"{where}: cannot tell how many inputs forward takes; wrap it, e.g. lambda x: f(x)") from None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in parameters):
        raise TypeError(f"{where}: forward must name its inputs, e.g. lambda x, y: ..., not *args")
    required = [p for p in parameters if p.kind in kinds and p.default is inspect.Parameter.empty]
    return len(required) - extra


def _accepts(function: Callable, count: int) -> bool:
    try:
        inspect.signature(function).bind(*range(count))
    except TypeError:
        return False
    except ValueError:  # no signature to read (some built-ins): let the first call tell
        return True
    return True


# -- Tensor ops ------------------------------------------------------------------------------------
def define_tensor_op(
    name: str,
    forward: Callable[..., np.ndarray],
    vjp: Callable[..., tuple],
    *,
    formula: tuple[str, ...] | list[str] | None = None,
    symbol: str | None = None,
    replace: bool = False,
) -> Callable[..., Tensor]:
    """Define a Tensor op; return the function applying it to Tensors (and arrays, numbers).

    ``forward(*arrays, **params)`` computes the output from the inputs' ndarrays.
    ``vjp(g, inputs, output, **params)`` returns one gradient per input, each of its input's
    shape or of the output's broadcast shape (summed back over the broadcast axes for you), or
    ``None``: ``g`` is the gradient of the output, ``inputs`` and ``output`` are ndarrays in a
    first-order backward pass.  Write it with operations that work on ndarrays and Tensors alike
    (``*``, ``+``, ``np.exp``, ``.sum(axis=...)``) and ``backward(create_graph=True)``
    differentiates it again: it is then given Tensors.  ``formula``: the VJP in words, one
    template per input (``g ⊙ σ({a})``), for the step text and the diagrams.  Keyword arguments
    given to the returned function (``op(x, axis=1)``) are the op's ``params``, passed to
    ``forward`` and ``vjp``.  ``replace``: define again an op of yours.

    >>> import numpy as np
    >>> from autograd_core import Tensor, define_tensor_op, gradcheck
    >>> cube = define_tensor_op("cube", lambda x: x**3, lambda g, inputs, out: (3 * g * inputs[0] ** 2,))
    >>> gradcheck(cube, np.array([1.0, -2.0])).passed
    True
    """
    where = f"define_tensor_op({name!r})"
    for role, function in (("forward", forward), ("vjp", vjp)):
        if not callable(function):
            raise TypeError(f"{where}: {role} must be callable, got {type(function).__name__}: {function!r:.60}")
    if formula is not None and not isinstance(formula, (tuple, list)):
        raise TypeError(f"{where}: formula must be a tuple of strings, one per input, got {formula!r:.80}")
    op = Op(name, TENSOR, symbol=symbol, formula=formula or (), forward=forward, vjp=partial(_custom_vjp, vjp),
            replay=_custom_replay, arity=None)

    def apply(*inputs: Any, **params: Any) -> Tensor:
        return _apply_tensor(op, inputs, params)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"The Tensor op {name!r} (made with define_tensor_op)."
    op.apply = apply
    register(op, replace=replace)
    return apply


def _apply_tensor(op: Op, inputs: tuple, params: dict) -> Tensor:
    like = next((x for x in inputs if isinstance(x, Tensor)), None)
    nodes = tuple(as_tensor(x, like, op.name) for x in inputs)
    try:
        out = op.forward(*(n._data for n in nodes), **params)
    except (TypeError, ValueError) as error:
        shapes = ", ".join(str(n.shape) for n in nodes)
        raise type(error)(f"{op.name}: forward failed on inputs of shapes {shapes}: {error}") from None
    if isinstance(out, Tensor):
        raise TypeError(f"{op.name}: forward must compute on ndarrays and return an ndarray, got a Tensor")
    out = np.asarray(out)
    if out.dtype.kind not in "biuf":
        raise TypeError(f"{op.name}: forward returned an array of dtype {out.dtype}, not numbers")
    dtype = np.result_type(*(n._data.dtype for n in nodes)) if nodes else np.dtype(np.float64)
    if out.dtype != dtype:
        out = out.astype(dtype)
    if not nodes:
        return _leaf(out, op.name, False)
    return new_node(out, op, nodes, saved=params, arg=params or None)


def _custom_replay(node: Tensor, *inputs: Tensor) -> Tensor:
    return _apply_tensor(node.op_record, inputs, node._saved)


def _custom_vjp(user_vjp: Callable[..., Any], node: Tensor, g: Any) -> tuple:
    """Call a user's VJP and check what it returns: one array (or Tensor) of numbers per input,
    in its input's shape or summed back to it from the output's broadcast shape."""
    name = node.op
    parents = node.parents
    if type(g) is Tensor:
        inputs, out = parents, node
    else:
        inputs, out = tuple(p._data for p in parents), node._data
    grads = user_vjp(g, inputs, out, **node._saved)
    if not isinstance(grads, (tuple, list)) or len(grads) != len(parents):
        count = len(grads) if isinstance(grads, (tuple, list)) else "not a tuple"
        raise TypeError(
            f"{name}: its vjp must return a tuple of one gradient per input ({len(parents)}), got {count} "
            f"({type(grads).__name__})"
        )
    result = []
    for i, (parent, grad) in enumerate(zip(parents, grads)):
        if grad is None or not parent.requires_grad:
            result.append(None)
            continue
        if type(grad) is not Tensor:
            grad = _numbers(grad, name, i, parent)
            if grad.dtype != parent._data.dtype:
                grad = grad.astype(parent._data.dtype)
        if grad.shape != parent._data.shape and _broadcasts_to(parent._data.shape, grad.shape):
            grad = grad.sum_to(parent._data.shape) if type(grad) is Tensor else unbroadcast(grad, parent._data.shape)
        if grad.shape != parent._data.shape:
            raise ValueError(
                f"{name}: its vjp gave a gradient of shape {grad.shape} for input {i} {parent.label!r} "
                f"of shape {parent._data.shape}; they must be equal"
            )
        if type(grad) is not Tensor and any(other is not None and np.shares_memory(grad, other) for other in result):
            grad = grad.copy()  # one array for two inputs: each leaf's .grad must be its own
        result.append(grad)
    return tuple(result)


def _numbers(grad: Any, name: str, index: int, parent: Tensor) -> np.ndarray:
    """A gradient a user's VJP returned, as an array of numbers (refused, naming the op, if not)."""
    try:
        array = np.asarray(grad)
    except (TypeError, ValueError):
        array = None
    if array is None or array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name}: its vjp returned a {type(grad).__name__} ({grad!r:.40}) for input {index} {parent.label!r}; "
            "a gradient must be an array (or Tensor) of numbers, or None"
        )
    return array


def _broadcasts_to(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False
