"""The one door for Tensor ops: a registry of what each op means, and ``define_tensor_op``.

Every Tensor op, built-in or user-defined, has one entry in :data:`TENSOR_OPS`: its name, its
vector-Jacobian product (VJP), the VJP in words (one template per input, read by diagrams and
step texts) and how to run the op again on fresh inputs (read by gradcheck's per-op check).
Built-in ops register with the :func:`tensor_op` decorator beside their VJP; users call
:func:`define_tensor_op` with a forward on ndarrays and a VJP.

A VJP written with operations that work on ndarrays and on Tensors alike (``*``, ``+``,
``np.exp``, ``np.cos``, ``.sum(axis=...)``, ...) serves both orders: first-order backward hands
it arrays, ``backward(create_graph=True)`` hands it Tensors, and its arithmetic then records
on the graph (NumPy functions called on a Tensor dispatch to the Tensor ops).

Example (softplus, the smooth relu):
    >>> import numpy as np
    >>> from autograd_core import Tensor, define_tensor_op
    >>> softplus = define_tensor_op(
    ...     "softplus",
    ...     forward=lambda x: np.logaddexp(0.0, x),
    ...     vjp=lambda g, inputs, out: (g * (1 - np.exp(-out)),),   # sigmoid(x) = 1 - e^-softplus(x)
    ...     formula=("g ⊙ σ({a})",),
    ... )
    >>> x = Tensor([0.0, 2.0], requires_grad=True, name="x")
    >>> y = softplus(x)
    >>> y.op
    'softplus'
    >>> y.sum().backward()
    >>> np.round(x.grad, 4)
    array([0.5   , 0.8808])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from .core import Tensor, _leaf, as_tensor, new_node


class TensorOp(NamedTuple):
    """What a Tensor op means, in one place.

    ``vjp(node, g)`` returns one gradient per input (``None`` for an input needing none);
    ``formula`` gives the VJP in words, one template per input, with ``g`` the upstream gradient,
    ``{a}``/``{x}`` and ``{b}``/``{y}`` the first and second inputs, ``{out}`` the output and
    ``{n}`` the op's ``arg``; ``replay(node, *inputs)`` runs the op again with the node's
    parameters (None: the op cannot be replayed, gradcheck checks it end to end only).
    """

    name: str
    vjp: Callable[..., tuple]
    formula: tuple[str, ...] = ()
    replay: Callable[..., Tensor] | None = None
    symbol: str | None = None


#: Every Tensor op by name, built-in ones and those made with :func:`define_tensor_op`.
TENSOR_OPS: dict[str, TensorOp] = {}


def tensor_op(
    name: str, formula: tuple[str, ...] = (), replay: Callable[..., Tensor] | None = None, symbol: str | None = None
) -> Callable[[Callable], Callable]:
    """Register the decorated VJP as op ``name``'s (for the built-in ops, beside their forward)."""

    def register(vjp: Callable) -> Callable:
        TENSOR_OPS[name] = TensorOp(name, vjp, tuple(formula), replay, symbol)
        return vjp

    return register


def vjp_formula(op: str, index: int) -> str | None:
    """The words template of op ``op``'s VJP for input ``index``, if it has one.

    >>> vjp_formula("mul", 1)
    'g ⊙ {a}'
    """
    entry = TENSOR_OPS.get(op)
    if entry is None or index >= len(entry.formula):
        return None
    return entry.formula[index]


# -- user-defined ops ---------------------------------------------------------------------------
class _Custom(NamedTuple):
    name: str
    forward: Callable[..., Any]
    vjp: Callable[..., Any]
    params: dict


def _custom_vjp(node: Tensor, g: Any) -> tuple:
    spec: _Custom = node._saved
    parents = node.parents
    if type(g) is Tensor:
        inputs, out = parents, node
    else:
        inputs, out = tuple(p.data for p in parents), node.data
    grads = spec.vjp(g, inputs, out, **spec.params)
    if not isinstance(grads, (tuple, list)) or len(grads) != len(parents):
        count = len(grads) if isinstance(grads, (tuple, list)) else "not a tuple"
        raise TypeError(
            f"{spec.name}: its vjp must return a tuple of one gradient per input ({len(parents)}), got {count} "
            f"({type(grads).__name__})"
        )
    result = []
    for i, (parent, grad) in enumerate(zip(parents, grads)):
        if grad is None or not parent.requires_grad:
            result.append(None)
            continue
        if type(grad) is not Tensor:
            grad = np.asarray(grad)
            if grad.dtype != parent.data.dtype:
                grad = grad.astype(parent.data.dtype)
        if grad.shape != parent.data.shape and _broadcasts_to(parent.data.shape, grad.shape):
            from .elementwise import unbroadcast  # tensor_ops registers through this module

            grad = grad.sum_to(parent.data.shape) if type(grad) is Tensor else unbroadcast(grad, parent.data.shape)
        if grad.shape != parent.data.shape:
            raise ValueError(
                f"{spec.name}: its vjp gave a gradient of shape {grad.shape} for input {i} {parent.label!r} "
                f"of shape {parent.data.shape}; they must be equal"
            )
        if type(grad) is not Tensor and any(other is not None and np.shares_memory(grad, other) for other in result):
            grad = grad.copy()  # one array for two inputs: each leaf's .grad must be its own
        result.append(grad)
    return tuple(result)


def _broadcasts_to(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def _custom_replay(node: Tensor, *inputs: Tensor) -> Tensor:
    spec: _Custom = node._saved
    return _apply(spec, inputs)


def _apply(spec: _Custom, inputs: tuple) -> Tensor:
    like = next((x for x in inputs if isinstance(x, Tensor)), None)
    nodes = tuple(as_tensor(x, like, spec.name) for x in inputs)
    try:
        out = spec.forward(*(n.data for n in nodes), **spec.params)
    except (TypeError, ValueError) as error:
        shapes = ", ".join(str(n.shape) for n in nodes)
        raise type(error)(f"{spec.name}: forward failed on inputs of shapes {shapes}: {error}") from None
    if isinstance(out, Tensor):
        raise TypeError(f"{spec.name}: forward must compute on ndarrays and return an ndarray, got a Tensor")
    out = np.asarray(out)
    if out.dtype.kind not in "biuf":
        raise TypeError(f"{spec.name}: forward returned an array of dtype {out.dtype}, not numbers")
    dtype = np.result_type(*(n.data.dtype for n in nodes)) if nodes else np.dtype(np.float64)
    if out.dtype != dtype:
        out = out.astype(dtype)
    if not nodes:
        return _leaf(out, spec.name, False)
    return new_node(out, spec.name, nodes, _custom_vjp, saved=spec, arg=spec.params or None)


def define_tensor_op(
    name: str,
    forward: Callable[..., np.ndarray],
    vjp: Callable[..., tuple],
    *,
    formula: tuple[str, ...] | list[str] | None = None,
    symbol: str | None = None,
) -> Callable[..., Tensor]:
    """Define a Tensor op; return the function applying it to Tensors (and arrays, numbers).

    ``forward(*arrays, **params)`` computes the output from the inputs' ndarrays.
    ``vjp(g, inputs, output, **params)`` returns one gradient per input, each of its input's
    shape or of the output's broadcast shape (summed back over the broadcast axes for you), or
    ``None``: ``g`` is the gradient of the output, ``inputs`` and ``output`` are
    ndarrays in a first-order backward pass.  Write it with operations that work on ndarrays
    and Tensors alike (``*``, ``+``, ``np.exp``, ``.sum(axis=...)``) and
    ``backward(create_graph=True)`` differentiates it again: it is then given Tensors.
    ``formula``: the VJP in words, one template per input (``g ⊙ σ({a})``), for diagrams.
    Keyword arguments given to the returned function (``op(x, axis=1)``) are the op's
    ``params``, passed to ``forward`` and ``vjp``.

    The op is drawn under its name, stepped through, and checked by ``gradcheck`` like a
    built-in op: a wrong VJP is named by the per-op check.

    >>> import numpy as np
    >>> from autograd_core import Tensor, define_tensor_op, gradcheck
    >>> cube = define_tensor_op("cube", lambda x: x**3, lambda g, inputs, out: (3 * g * inputs[0] ** 2,))
    >>> gradcheck(cube, np.array([1.0, -2.0])).passed
    True
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"define_tensor_op: name must be an identifier such as 'softplus', got {name!r}")
    if not callable(forward) or not callable(vjp):
        raise TypeError(f"define_tensor_op {name!r}: forward and vjp must be callables")
    existing = TENSOR_OPS.get(name)
    if existing is not None and existing.vjp is not _custom_vjp:
        raise ValueError(f"define_tensor_op: {name!r} is a built-in Tensor op; choose another name")
    if formula is not None and (not isinstance(formula, (tuple, list)) or not all(isinstance(f, str) for f in formula)):
        raise TypeError(f"define_tensor_op {name!r}: formula must be a tuple of strings, one per input")
    TENSOR_OPS[name] = TensorOp(name, _custom_vjp, tuple(formula or ()), _custom_replay, symbol)

    def apply(*inputs: Any, **params: Any) -> Tensor:
        return _apply(_Custom(name, forward, vjp, params), inputs)

    apply.__name__ = name
    apply.__qualname__ = name
    apply.__doc__ = f"The Tensor op {name!r} (made with define_tensor_op)."
    return apply
