"""Elementwise Tensor ops and the matrix product: forward computation and VJP, side by side.

Each op is a function that computes the forward array with NumPy and creates the result node
with :func:`new_node`, handing it a module-level VJP function (no closure stored on the node).
A VJP ``f(node, g)`` returns one gradient per parent, computing nothing for a parent that does
not require a gradient.  Broadcasting is undone by :func:`unbroadcast` (a sum over the axes
that were broadcast).  VJPs never write into ``g``: it may be shared with other nodes.

Each VJP is registered (``@tensor_op``) with its formula in words and a way to replay the op,
and is written with operations that work on arrays and on Tensors: in a first-order backward
pass ``g`` is an array and the VJP reads its inputs' arrays; under
``backward(create_graph=True)`` ``g`` is a Tensor, the VJP reads the input nodes themselves
(:func:`operands`) and its arithmetic records a graph of the gradient.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> b = Tensor(np.zeros(3), requires_grad=True, name="b")
    >>> y = np.ones((2, 3)) + b          # b is broadcast over 2 rows
    >>> y.backward(grad=np.ones((2, 3)))
    >>> b.grad                            # so its gradient is summed over them
    array([2., 2., 2.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..value import DomainError
from .core import Tensor, as_tensor, new_node
from .define import tensor_op

_ndarray = np.ndarray


# -- helpers -----------------------------------------------------------------------------------
def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes broadcasting added or stretched, giving an array of ``shape``.

    >>> import numpy as np
    >>> from autograd_core.tensor.elementwise import unbroadcast
    >>> unbroadcast(np.ones((4, 3)), (3,))
    array([4., 4., 4.])
    >>> unbroadcast(np.ones((4, 3)), (4, 1))
    array([[3.],
           [3.],
           [3.],
           [3.]])
    """
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if lead:
        g = g.sum(axis=tuple(range(lead))) if lead > 1 else g.sum(axis=0)
        if g.shape == shape:
            return g
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True)


def operands(node: Tensor, g: Any) -> tuple:
    """The node's inputs as its VJP reads them: arrays for a first-order pass, the input nodes
    themselves when ``g`` is a Tensor (``create_graph=True``), so the VJP records a graph."""
    if type(g) is Tensor:
        return node.parents
    return tuple(p.data for p in node.parents)


def output(node: Tensor, g: Any) -> Any:
    """The node's output as its VJP reads it: its array, or the node itself under create_graph."""
    return node if type(g) is Tensor else node.data


def _broadcast_error(op: str, a: Tensor, b: Tensor) -> ValueError:
    return ValueError(
        f"{op}: shapes {a.shape} (node {a._describe()}) and {b.shape} (node {b._describe()}) "
        "cannot be broadcast together: each axis, aligned from the right, must be equal or 1"
    )


def _domain_error(op: str, node: Tensor, bad: np.ndarray, what: str) -> DomainError:
    """``bad``: a boolean array, in the shape of the node's data or broadcast to a larger one."""
    count = int(np.count_nonzero(bad))
    first = np.broadcast_to(node.data, bad.shape)[bad].flat[0].item()
    return DomainError(
        f"{op}: {what} in node {node._describe()} (shape {node.shape}): {count} entr"
        f"{'y' if count == 1 else 'ies'}, e.g. {first!r}"
    )


def _binary(op: str, ufunc: Any, a: Any, b: Any, vjp: Any) -> Tensor:
    """Apply a broadcasting two-input op; numbers and arrays become constant leaves."""
    if type(a) is not Tensor:
        a = as_tensor(a, b, op)
    if type(b) is not Tensor:
        b = as_tensor(b, a, op)
    try:
        out = ufunc(a.data, b.data)
    except ValueError:
        raise _broadcast_error(op, a, b) from None
    return new_node(out, op, (a, b), vjp)


# -- + - * / ----------------------------------------------------------------------------------
@tensor_op("add", ("g", "g"), lambda node, a, b: a + b)
def _add_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    return (
        unbroadcast(g, a.data.shape) if a.requires_grad else None,
        unbroadcast(g, b.data.shape) if b.requires_grad else None,
    )


def add(a: Any, b: Any) -> Tensor:
    """a + b with broadcasting.  VJP: g to both inputs (summed over broadcast axes)."""
    return _binary("add", np.add, a, b, _add_vjp)


@tensor_op("sub", ("g", "−g"), lambda node, a, b: a - b)
def _sub_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    return (
        unbroadcast(g, a.data.shape) if a.requires_grad else None,
        unbroadcast(-g, b.data.shape) if b.requires_grad else None,
    )


def sub(a: Any, b: Any) -> Tensor:
    """a - b with broadcasting.  VJP: g and -g."""
    return _binary("sub", np.subtract, a, b, _sub_vjp)


@tensor_op("mul", ("g ⊙ {b}", "g ⊙ {a}"), lambda node, a, b: a * b)
def _mul_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    x, y = operands(node, g)
    return (
        unbroadcast(g * y, a.data.shape) if a.requires_grad else None,
        unbroadcast(g * x, b.data.shape) if b.requires_grad else None,
    )


def mul(a: Any, b: Any) -> Tensor:
    """a * b with broadcasting.  VJP: g * b and g * a."""
    return _binary("mul", np.multiply, a, b, _mul_vjp)


@tensor_op("div", ("g / {b}", "−g ⊙ {a} / {b}²"), lambda node, a, b: a / b)
def _div_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    _, y = operands(node, g)
    ga = gb = None
    if a.requires_grad:
        ga = unbroadcast(g / y, a.data.shape)
    if b.requires_grad:
        gb = unbroadcast(-(g * output(node, g)) / y, b.data.shape)
    return ga, gb


def div(a: Any, b: Any) -> Tensor:
    """a / b with broadcasting; a zero divisor raises DomainError.  VJP: g / b and -g a / b**2."""
    if type(a) is not Tensor:
        a = as_tensor(a, b, "div")
    if type(b) is not Tensor:
        b = as_tensor(b, a, "div")
    if not b.data.all():
        raise _domain_error("div", b, b.data == 0, "division by zero")
    return _binary("div", np.divide, a, b, _div_vjp)


@tensor_op("neg", ("−g",), lambda node, a: -a)
def _neg_vjp(node: Tensor, g: Any) -> tuple:
    return (-g,)


def neg(a: Tensor) -> Tensor:
    """-a.  VJP: -g."""
    return new_node(-a.data, "neg", (a,), _neg_vjp)


@tensor_op("astype", ("g in the input's dtype",), lambda node, a: a.astype(node.arg))
def _astype_vjp(node: Tensor, g: Any) -> tuple:
    return (g.astype(node.parents[0].data.dtype),)


def astype(a: Tensor, dtype: Any) -> Tensor:
    """The values in float32 or float64.  VJP: g converted back to the input's dtype."""
    wanted = np.dtype(dtype)
    if wanted not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise TypeError(f"astype: dtype must be float64 or float32, got {wanted} (node {a._describe()})")
    if wanted == a.data.dtype:
        return a
    return new_node(a.data.astype(wanted), "astype", (a,), _astype_vjp, arg=wanted.name)


# -- powers ------------------------------------------------------------------------------------
def _replay_pow(node: Tensor, a: Tensor, b: Tensor | None = None) -> Tensor:
    return a**node.arg if b is None else a**b


@tensor_op("pow", ("g ⊙ {n} {a}^({n}−1)", "g ⊙ {out} log {a}"), _replay_pow)
def _pow_number_vjp(node: Tensor, g: Any) -> tuple:
    (x,) = operands(node, g)
    n = node.arg
    if n == 2:
        return (g * (2 * x),)
    if n == 1:
        return (g,)
    if n == 0:
        return (g * 0,)
    # Infinite slope at 0 for 0 < n < 1 (as for sqrt); detect_anomaly() names the node.  The
    # forward step already checked the domain: under create_graph, 0 ** (n - 1) gives inf as in
    # the first order, not a DomainError.
    with np.errstate(divide="ignore"):
        if type(x) is Tensor:
            return (g * (n * _power_unchecked(x, n - 1)),)
        return (g * (n * x ** (n - 1)),)


def _power_unchecked(base: Tensor, n: float) -> Tensor:
    """``base ** n`` for a number ``n``, without the domain checks (inside a VJP)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = base.data**n
    return new_node(out, "pow", (base,), _pow_number_vjp, arg=n)


def _pow_tensor_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    x, y = operands(node, g)
    ga = gb = None
    if a.requires_grad:
        ga = unbroadcast(g * (y * x ** (y - 1)), a.data.shape)
    if b.requires_grad:
        # d(x**y)/dy = x**y log x; taken as 0 where x <= 0 (there x**y is defined only for
        # integer y, where it is not differentiable in y).
        positive = a.data > 0
        log_x = np.log(np.where(positive, x, 1))  # on a Tensor x: the where and log ops, recorded
        gb = unbroadcast(g * output(node, g) * log_x, b.data.shape)
    return ga, gb


def power(base: Any, exponent: Any) -> Tensor:
    """base ** exponent.  A number exponent is kept in ``arg`` (op ``pow``, one parent);
    a Tensor or array exponent is a second parent.  Negative bases with non-integer exponents and
    zero to a negative power raise DomainError.

    VJP: g n x**(n-1) for the base, g out log(x) for a Tensor exponent.
    """
    if isinstance(exponent, (int, float, np.integer, np.floating)) and not isinstance(exponent, bool):
        if type(base) is not Tensor:
            base = as_tensor(base, None, "pow")
        n = float(exponent)
        x = base.data
        if not np.isfinite(n):
            raise DomainError(f"pow: the exponent must be a finite number, got {n!r} (node {base._describe()})")
        if n != int(n) and (x < 0).any():
            raise _domain_error("pow", base, x < 0, f"negative base with the non-integer exponent {n!r}")
        if n < 0 and not x.all():
            raise _domain_error("pow", base, x == 0, f"zero raised to the negative exponent {n!r}")
        out = x * x if n == 2 else x**n
        return new_node(out, "pow", (base,), _pow_number_vjp, arg=n)
    if type(base) is not Tensor:
        base = as_tensor(base, exponent if isinstance(exponent, Tensor) else None, "pow")
    if type(exponent) is not Tensor:
        exponent = as_tensor(exponent, base, "pow")
    x, y = base.data, exponent.data
    try:
        non_integer = y != np.round(y)
        bad = (x < 0) & non_integer
    except ValueError:
        raise _broadcast_error("pow", base, exponent) from None
    if bad.any():
        where_bad = np.broadcast_to(x < 0, bad.shape) & bad
        raise _domain_error("pow", base, where_bad, "negative base with a non-integer exponent")
    bad = (x == 0) & (y < 0)
    if bad.any():
        raise DomainError(f"pow: zero raised to a negative exponent in node {base._describe()} (shape {base.shape})")
    return new_node(np.power(x, y), "pow", (base, exponent), _pow_tensor_vjp)


# -- elementwise functions ---------------------------------------------------------------------
@tensor_op("exp", ("g ⊙ {out}",), lambda node, a: a.exp())
def _exp_vjp(node: Tensor, g: Any) -> tuple:
    return (g * output(node, g),)


def exp(a: Tensor) -> Tensor:
    """e ** a.  VJP: g * out."""
    return new_node(np.exp(a.data), "exp", (a,), _exp_vjp)


@tensor_op("log", ("g / {a}",), lambda node, a: a.log())
def _log_vjp(node: Tensor, g: Any) -> tuple:
    return (g / operands(node, g)[0],)


def log(a: Tensor) -> Tensor:
    """Natural logarithm; non-positive entries raise DomainError.  VJP: g / x."""
    x = a.data
    if (x <= 0).any():
        raise _domain_error("log", a, x <= 0, "log of a non-positive number")
    return new_node(np.log(x), "log", (a,), _log_vjp)


@tensor_op("sqrt", ("g / (2 {out})",), lambda node, a: a.sqrt())
def _sqrt_vjp(node: Tensor, g: Any) -> tuple:
    # Infinite slope at 0, as for the scalar engine; detect_anomaly() names the node.
    with np.errstate(divide="ignore"):
        return (g * 0.5 / output(node, g),)


def sqrt(a: Tensor) -> Tensor:
    """Square root; negative entries raise DomainError.  VJP: g / (2 out)."""
    x = a.data
    if (x < 0).any():
        raise _domain_error("sqrt", a, x < 0, "square root of a negative number")
    return new_node(np.sqrt(x), "sqrt", (a,), _sqrt_vjp)


@tensor_op("tanh", ("g ⊙ (1 − {out}²)",), lambda node, a: a.tanh())
def _tanh_vjp(node: Tensor, g: Any) -> tuple:
    out = output(node, g)
    return (g * (1 - out * out),)


def tanh(a: Tensor) -> Tensor:
    """Hyperbolic tangent.  VJP: g * (1 - out**2)."""
    return new_node(np.tanh(a.data), "tanh", (a,), _tanh_vjp)


@tensor_op("sigmoid", ("g ⊙ {out} (1 − {out})",), lambda node, a: a.sigmoid())
def _sigmoid_vjp(node: Tensor, g: Any) -> tuple:
    out = output(node, g)
    return (g * (out * (1 - out)),)


def sigmoid(a: Tensor) -> Tensor:
    """1 / (1 + e**-x), never taking the exp of a large positive number.  VJP: g out (1 - out)."""
    x = a.data
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1, e) / (1 + e)
    return new_node(out.astype(x.dtype, copy=False), "sigmoid", (a,), _sigmoid_vjp)


@tensor_op("sin", ("g ⊙ cos {a}",), lambda node, a: a.sin())
def _sin_vjp(node: Tensor, g: Any) -> tuple:
    return (g * np.cos(operands(node, g)[0]),)


def sin(a: Tensor) -> Tensor:
    """Sine.  VJP: g * cos(x)."""
    return new_node(np.sin(a.data), "sin", (a,), _sin_vjp)


@tensor_op("cos", ("−g ⊙ sin {a}",), lambda node, a: a.cos())
def _cos_vjp(node: Tensor, g: Any) -> tuple:
    return (-(g * np.sin(operands(node, g)[0])),)


def cos(a: Tensor) -> Tensor:
    """Cosine.  VJP: -g * sin(x)."""
    return new_node(np.cos(a.data), "cos", (a,), _cos_vjp)


# Piecewise-linear functions: the VJP multiplies g by a mask (or slope) computed at the forward
# step; the mask is a constant, so the same VJP serves create_graph (the second derivative is 0).
@tensor_op("relu", ("g ⊙ [{a} > 0]",), lambda node, a: a.relu())
def _relu_vjp(node: Tensor, g: Any) -> tuple:
    return (g * node._saved,)


def relu(a: Tensor) -> Tensor:
    """max(0, x).  The mask x > 0 is saved; VJP: g * mask (relu'(0) = 0, as in PyTorch)."""
    x = a.data
    mask = x > 0
    return new_node(np.maximum(x, 0), "relu", (a,), _relu_vjp, saved=mask)  # maximum: no -0.0 in the output


@tensor_op("leaky_relu", ("g ⊙ (1 if {a} > 0 else {n})",), lambda node, a: a.leaky_relu(node.arg))
def _leaky_relu_vjp(node: Tensor, g: Any) -> tuple:
    return (g * node._saved,)


def leaky_relu(a: Tensor, slope: float = 0.01) -> Tensor:
    """x where x > 0, else ``slope * x``.  VJP: g * (1 where x > 0, else slope)."""
    if isinstance(slope, bool) or not isinstance(slope, (int, float, np.integer, np.floating)):
        raise TypeError(f"leaky_relu: slope must be a number, got {type(slope).__name__} (node {a._describe()})")
    x = a.data
    positive = x > 0
    factor = np.where(positive, 1, slope).astype(x.dtype)
    return new_node(x * factor, "leaky_relu", (a,), _leaky_relu_vjp, saved=factor, arg=float(slope))


@tensor_op("abs", ("g ⊙ sign({a})",), lambda node, a: a.abs())
def _abs_vjp(node: Tensor, g: Any) -> tuple:
    return (g * np.sign(node.parents[0].data),)


def absolute(a: Tensor) -> Tensor:
    """|x|.  VJP: g * sign(x) (0 at 0)."""
    return new_node(np.abs(a.data), "abs", (a,), _abs_vjp)


@tensor_op("clip", ("g ⊙ [low ≤ {a} ≤ high]",), lambda node, a: a.clip(*node.arg))
def _clip_vjp(node: Tensor, g: Any) -> tuple:
    return (g * node._saved,)


def clip(a: Tensor, low: Any = None, high: Any = None) -> Tensor:
    """Values limited to [low, high] (numbers or arrays; None: no limit on that side).

    VJP: g where low <= x <= high, else 0 (the limits are constants, not recorded).
    """
    if low is None and high is None:
        raise ValueError(f"clip: give low, high or both (node {a._describe()})")
    bounds = []
    for which, bound in (("low", low), ("high", high)):
        if isinstance(bound, Tensor):
            raise TypeError(f"clip: {which} must be a number or an array, not a Tensor (node {a._describe()})")
        bounds.append(None if bound is None else np.asarray(bound, dtype=a.data.dtype))
    lo, hi = bounds
    x = a.data
    try:
        out = np.clip(x, lo, hi)
        inside = np.ones(out.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
    except ValueError:
        shapes = [None if b is None else b.shape for b in bounds]
        raise ValueError(
            f"clip: limits of shapes {shapes} cannot be broadcast to node {a._describe()} of shape {a.shape}"
        ) from None
    if out.shape != x.shape:
        raise ValueError(f"clip: limits would broadcast node {a._describe()} of shape {a.shape} to {out.shape}")
    return new_node(out, "clip", (a,), _clip_vjp, saved=inside, arg=(low, high))


# -- choosing: where, maximum, minimum -----------------------------------------------------------
@tensor_op("where", ("g where cond", "g where not cond"), lambda node, a, b: where(node._saved, a, b))
def _where_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    cond = node._saved
    zero = np.zeros((), dtype=g.dtype)
    # np.where on a Tensor g records the where op (NumPy dispatches it to this module's where).
    return (
        unbroadcast(np.where(cond, g, zero), a.data.shape) if a.requires_grad else None,
        unbroadcast(np.where(cond, zero, g), b.data.shape) if b.requires_grad else None,
    )


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """``a`` where ``condition`` holds, else ``b`` (broadcasting), as ``np.where``.

    ``condition`` is a boolean array (a mask such as ``x > 0``), never recorded.
    VJP: g to a where the condition holds, to b elsewhere.

    >>> from autograd_core import Tensor, where
    >>> x = Tensor([-1.0, 2.0], requires_grad=True)
    >>> where(x > 0, x, 0.0).data
    array([0., 2.])
    """
    if isinstance(condition, Tensor):
        condition = condition.data
    cond = np.asarray(condition)
    if cond.dtype != bool:
        raise TypeError(f"where: condition must be a boolean mask (such as x > 0), got an array of dtype {cond.dtype}")
    if type(a) is not Tensor:
        a = as_tensor(a, b if isinstance(b, Tensor) else None, "where")
    if type(b) is not Tensor:
        b = as_tensor(b, a, "where")
    try:
        out = np.where(cond, a.data, b.data)
    except ValueError:
        raise ValueError(
            f"where: condition of shape {cond.shape} and inputs of shapes {a.shape} (node {a._describe()}) and "
            f"{b.shape} (node {b._describe()}) cannot be broadcast together"
        ) from None
    cond = np.broadcast_to(cond, out.shape)
    return new_node(out, "where", (a, b), _where_vjp, saved=cond)


def _choose_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    share_a = node._saved  # 1 where a wins, 0 where b wins, 1/2 at ties
    return (
        unbroadcast(g * share_a, a.data.shape) if a.requires_grad else None,
        unbroadcast(g * (1 - share_a), b.data.shape) if b.requires_grad else None,
    )


tensor_op("maximum", ("g where {a} ≥ {b} (½ at ties)", "g where {b} ≥ {a} (½ at ties)"),
          lambda node, a, b: maximum(a, b))(_choose_vjp)
tensor_op("minimum", ("g where {a} ≤ {b} (½ at ties)", "g where {b} ≤ {a} (½ at ties)"),
          lambda node, a, b: minimum(a, b))(_choose_vjp)


def _choose(op: str, a: Any, b: Any, pick: Any) -> Tensor:
    if type(a) is not Tensor:
        a = as_tensor(a, b if isinstance(b, Tensor) else None, op)
    if type(b) is not Tensor:
        b = as_tensor(b, a, op)
    x, y = a.data, b.data
    try:
        out = pick(x, y)
    except ValueError:
        raise _broadcast_error(op, a, b) from None
    share = np.where(x == y, 0.5, (x > y) if op == "maximum" else (x < y)).astype(out.dtype)
    return new_node(out, op, (a, b), _choose_vjp, saved=share)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum with broadcasting.  VJP: g to the larger input; ties split it evenly.

    >>> from autograd_core import Tensor, maximum
    >>> maximum(Tensor([1.0, 5.0]), 2.0).data
    array([2., 5.])
    """
    return _choose("maximum", a, b, np.maximum)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum with broadcasting.  VJP: g to the smaller input; ties split it evenly.

    >>> from autograd_core import Tensor, minimum
    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> minimum(x, 2.0).sum().backward()
    >>> x.grad                                # 2 ties with 2: half the gradient
    array([1. , 0.5, 0. ])
    """
    return _choose("minimum", a, b, np.minimum)


# -- matrix product ----------------------------------------------------------------------------
@tensor_op("matmul", ("g @ {b}ᵀ", "{a}ᵀ @ g"), lambda node, a, b: a @ b)
def _matmul_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    x, y = operands(node, g)
    if x.ndim == 2 and y.ndim == 2:
        # The common case: no gradient for an input (a data batch) that does not need one.
        return (g @ y.T if a.requires_grad else None, x.T @ g if b.requires_grad else None)
    return _matmul_vjp_general(x, y, g, a.requires_grad, b.requires_grad)


def _matmul_vjp_general(x: Any, y: Any, g: Any, need_x: bool, need_y: bool) -> tuple:
    """1-D and batched operands: promote vectors to matrices as np.matmul does, then undo."""
    if x.ndim == 1 and y.ndim == 1:
        return (g * y if need_x else None, g * x if need_y else None)
    x2 = x.reshape((1,) + x.shape) if x.ndim == 1 else x
    y2 = y.reshape(y.shape + (1,)) if y.ndim == 1 else y
    g2 = g
    if x.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    if y.ndim == 1:
        g2 = np.expand_dims(g2, -1)
    gx = gy = None
    if need_x:
        gx = unbroadcast(g2 @ np.swapaxes(y2, -1, -2), x2.shape).reshape(x.shape)
    if need_y:
        gy = unbroadcast(np.swapaxes(x2, -1, -2) @ g2, y2.shape).reshape(y.shape)
    return gx, gy


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product as ``np.matmul``: 1-D, 2-D and batched (leading axes broadcast).

    VJP (2-D): ``g @ b.T`` for a and ``a.T @ g`` for b, each only if that input needs it.
    """
    if type(a) is not Tensor:
        a = as_tensor(a, b, "matmul")
    if type(b) is not Tensor:
        b = as_tensor(b, a, "matmul")
    try:
        out = np.matmul(a.data, b.data)
    except ValueError:
        raise _matmul_error(a, b) from None
    return new_node(out, "matmul", (a, b), _matmul_vjp)


def _matmul_error(a: Tensor, b: Tensor) -> ValueError:
    if a.ndim == 0 or b.ndim == 0:
        reason = "both operands need at least one dimension (use * to scale by a number)"
    else:
        k_a = a.shape[-1]
        k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if k_a != k_b:
            which = "" if b.ndim == 1 else "second-to-"
            reason = (
                f"the last axis of the left operand ({k_a}) must equal the {which}last axis "
                f"of the right operand ({k_b})"
            )
        else:
            reason = "their leading (batch) axes cannot be broadcast together"
    return ValueError(
        f"matmul: shapes {a.shape} (node {a._describe()}) and {b.shape} (node {b._describe()}) "
        f"do not fit: {reason}"
    )
