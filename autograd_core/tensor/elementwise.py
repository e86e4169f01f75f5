"""Elementwise Tensor ops and the matrix product: forward computation, VJP and record, side by side.

Each op is a function that computes the forward array with NumPy and creates the result node
with :func:`new_node`, handing it the op's record (no closure stored on the node).  The record
(:func:`tensor_op`, one per op) holds the VJP, its words, the diagram symbol, how to replay the
op for gradcheck and which NumPy functions it stands for.  A VJP ``f(node, g)`` returns one
gradient per parent, computing nothing for a parent that does not require a gradient.
Broadcasting is undone by :func:`unbroadcast` (a sum over the axes that were broadcast).  VJPs
never write into ``g``: it may be shared with other nodes.

Every VJP is written with operations that work on arrays and on Tensors: in a first-order
backward pass ``g`` is an array and the VJP reads its inputs' arrays; under
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

from ..ops.record import DomainError
from .broadcast import broadcast_error, domain_error, operands, output, unbroadcast
from .core import Tensor, as_tensor, new_node, tensor_op
from .numpy_protocol import refuse_argument

__all__ = [
    "absolute", "add", "astype", "clip", "cos", "div", "exp", "leaky_relu", "log", "matmul", "maximum", "minimum",
    "mul", "neg", "power", "relu", "sigmoid", "sin", "sqrt", "sub", "tanh", "unbroadcast", "where",
]


def _binary(op: Any, ufunc: Any, a: Any, b: Any) -> Tensor:
    """Apply a broadcasting two-input op (its record ``op``); numbers and arrays become constant leaves."""
    if type(a) is not Tensor:
        a = as_tensor(a, b, op.name)
    if type(b) is not Tensor:
        b = as_tensor(b, a, op.name)
    try:
        out = ufunc(a._data, b._data)
    except ValueError:
        raise broadcast_error(op.name, a, b) from None
    return new_node(out, op, (a, b))


def _lift(x: Any, name: str) -> Tensor:
    return as_tensor(x, None, name)


# -- + - * / ----------------------------------------------------------------------------------
def _add_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    return (
        unbroadcast(g, a._data.shape) if a.requires_grad else None,
        unbroadcast(g, b._data.shape) if b.requires_grad else None,
    )


def add(a: Any, b: Any) -> Tensor:
    """a + b with broadcasting."""
    return _binary(ADD, np.add, a, b)


def _sub_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    return (
        unbroadcast(g, a._data.shape) if a.requires_grad else None,
        unbroadcast(-g, b._data.shape) if b.requires_grad else None,
    )


def sub(a: Any, b: Any) -> Tensor:
    """a - b with broadcasting."""
    return _binary(SUB, np.subtract, a, b)


def _mul_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    x, y = operands(node, g)
    return (
        unbroadcast(g * y, a._data.shape) if a.requires_grad else None,
        unbroadcast(g * x, b._data.shape) if b.requires_grad else None,
    )


def mul(a: Any, b: Any) -> Tensor:
    """a * b with broadcasting."""
    return _binary(MUL, np.multiply, a, b)


def _div_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    _, y = operands(node, g)
    ga = gb = None
    if a.requires_grad:
        ga = unbroadcast(g / y, a._data.shape)
    if b.requires_grad:
        gb = unbroadcast(-(g * output(node, g)) / y, b._data.shape)
    return ga, gb


def div(a: Any, b: Any) -> Tensor:
    """a / b with broadcasting; a zero divisor raises DomainError."""
    if type(a) is not Tensor:
        a = as_tensor(a, b, "div")
    if type(b) is not Tensor:
        b = as_tensor(b, a, "div")
    if not b._data.all():
        raise domain_error("div", b, b._data == 0, "division by zero")
    return _binary(DIV, np.divide, a, b)


def _neg_vjp(node: Tensor, g: Any) -> tuple:
    return (-g,)


def neg(a: Tensor) -> Tensor:
    """-a."""
    return new_node(-a._data, NEG, (a,))


def _astype_vjp(node: Tensor, g: Any) -> tuple:
    return (g.astype(node.parents[0]._data.dtype),)


def astype(a: Tensor, dtype: Any) -> Tensor:
    """The values in float32 or float64; the gradient comes back in the input's dtype."""
    wanted = np.dtype(dtype)
    if wanted not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise TypeError(f"astype: dtype must be float64 or float32, got {wanted} (node {a._describe()})")
    if wanted == a._data.dtype:
        return a
    return new_node(a._data.astype(wanted), ASTYPE, (a,), arg=wanted.name)


ADD = tensor_op("add", _add_vjp, add, formula=("g", "g"), replay=lambda node, a, b: a + b, arity=2, symbol="+",
                infix=" + ", precedence=1, role="sum", broadcasts=True, numpy={np.add: None})
SUB = tensor_op("sub", _sub_vjp, sub, formula=("g", "−g"), replay=lambda node, a, b: a - b, arity=2, symbol="−",
                infix=" - ", precedence=1, role="diff", broadcasts=True, numpy={np.subtract: None})
MUL = tensor_op("mul", _mul_vjp, mul, formula=("g ⊙ {b}", "g ⊙ {a}"), replay=lambda node, a, b: a * b, arity=2,
                symbol="×", infix="*", precedence=2, role="prod", broadcasts=True, numpy={np.multiply: None})
DIV = tensor_op("div", _div_vjp, div, formula=("g / {b}", "−g ⊙ {a} / {b}²"), replay=lambda node, a, b: a / b,
                arity=2, symbol="÷", infix="/", precedence=2, role="quot", broadcasts=True,
                numpy={np.divide: None, np.reciprocal: lambda x: div(1.0, x)})
NEG = tensor_op("neg", _neg_vjp, neg, formula=("−g",), replay=lambda node, a: -a, symbol="−", infix="-",
                precedence=3, numpy={np.negative: lambda x: neg(_lift(x, "neg"))})
ASTYPE = tensor_op("astype", _astype_vjp, astype, formula=("g in the input's dtype",),
                   replay=lambda node, a: a.astype(node.arg))


# -- powers ------------------------------------------------------------------------------------
def _pow_vjp(node: Tensor, g: Any) -> tuple:
    """A number exponent (kept in ``arg``, one parent) or a Tensor exponent (a second parent)."""
    if len(node.parents) == 2:
        return _pow_tensor_vjp(node, g)
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
        out = base._data**n
    return new_node(out, POW, (base,), arg=n)


def _pow_tensor_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    x, y = operands(node, g)
    ga = gb = None
    if a.requires_grad:
        ga = unbroadcast(g * (y * x ** (y - 1)), a._data.shape)
    if b.requires_grad:
        # d(x**y)/dy = x**y log x; taken as 0 where x <= 0 (there x**y is defined only for
        # integer y, where it is not differentiable in y).
        positive = a._data > 0
        log_x = np.log(np.where(positive, x, 1))  # on a Tensor x: the where and log ops, recorded
        gb = unbroadcast(g * output(node, g) * log_x, b._data.shape)
    return ga, gb


def power(base: Any, exponent: Any) -> Tensor:
    """base ** exponent.  A number exponent is kept in ``arg`` (op ``pow``, one parent);
    a Tensor or array exponent is a second parent.  Negative bases with non-integer exponents and
    zero to a negative power raise DomainError.
    """
    if isinstance(exponent, (int, float, np.integer, np.floating)) and not isinstance(exponent, bool):
        if type(base) is not Tensor:
            base = as_tensor(base, None, "pow")
        n = float(exponent)
        x = base._data
        if not np.isfinite(n):
            raise DomainError(f"pow: the exponent must be a finite number, got {n!r} (node {base._describe()})")
        if n != int(n) and (x < 0).any():
            raise domain_error("pow", base, x < 0, f"negative base with the non-integer exponent {n!r}")
        if n < 0 and not x.all():
            raise domain_error("pow", base, x == 0, f"zero raised to the negative exponent {n!r}")
        out = x * x if n == 2 else x**n
        return new_node(out, POW, (base,), arg=n)
    if type(base) is not Tensor:
        base = as_tensor(base, exponent if isinstance(exponent, Tensor) else None, "pow")
    if type(exponent) is not Tensor:
        exponent = as_tensor(exponent, base, "pow")
    x, y = base._data, exponent._data
    try:
        non_integer = y != np.round(y)
        bad = (x < 0) & non_integer
    except ValueError:
        raise broadcast_error("pow", base, exponent) from None
    if bad.any():
        where_bad = np.broadcast_to(x < 0, bad.shape) & bad
        raise domain_error("pow", base, where_bad, "negative base with a non-integer exponent")
    bad = (x == 0) & (y < 0)
    if bad.any():
        raise DomainError(f"pow: zero raised to a negative exponent in node {base._describe()} (shape {base.shape})")
    return new_node(np.power(x, y), POW, (base, exponent))


def _replay_pow(node: Tensor, a: Tensor, b: Tensor | None = None) -> Tensor:
    return a**node.arg if b is None else a**b


POW = tensor_op("pow", _pow_vjp, power, formula=("g ⊙ {n} {a}^({n}−1)", "g ⊙ {out} log {a}"), replay=_replay_pow,
                arity=None, symbol="**", infix="**", precedence=4, broadcasts=True,
                numpy={np.power: None, np.float_power: None, np.square: lambda x: power(x, 2)})


# -- elementwise functions ---------------------------------------------------------------------
def _exp_vjp(node: Tensor, g: Any) -> tuple:
    return (g * output(node, g),)


def exp(a: Tensor) -> Tensor:
    """e ** a."""
    return new_node(np.exp(a._data), EXP, (a,))


def _log_vjp(node: Tensor, g: Any) -> tuple:
    return (g / operands(node, g)[0],)


def log(a: Tensor) -> Tensor:
    """Natural logarithm; non-positive entries raise DomainError."""
    x = a._data
    if (x <= 0).any():
        raise domain_error("log", a, x <= 0, "log of a non-positive number")
    return new_node(np.log(x), LOG, (a,))


def _sqrt_vjp(node: Tensor, g: Any) -> tuple:
    # Infinite slope at 0, as for the scalar engine; detect_anomaly() names the node.
    with np.errstate(divide="ignore"):
        return (g * 0.5 / output(node, g),)


def sqrt(a: Tensor) -> Tensor:
    """Square root; negative entries raise DomainError."""
    x = a._data
    if (x < 0).any():
        raise domain_error("sqrt", a, x < 0, "square root of a negative number")
    return new_node(np.sqrt(x), SQRT, (a,))


def _tanh_vjp(node: Tensor, g: Any) -> tuple:
    out = output(node, g)
    return (g * (1 - out * out),)


def tanh(a: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return new_node(np.tanh(a._data), TANH, (a,))


def _sigmoid_vjp(node: Tensor, g: Any) -> tuple:
    out = output(node, g)
    return (g * (out * (1 - out)),)


def sigmoid(a: Tensor) -> Tensor:
    """1 / (1 + e**-x), never taking the exp of a large positive number."""
    x = a._data
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1, e) / (1 + e)
    return new_node(out.astype(x.dtype, copy=False), SIGMOID, (a,))


def _sin_vjp(node: Tensor, g: Any) -> tuple:
    return (g * np.cos(operands(node, g)[0]),)


def sin(a: Tensor) -> Tensor:
    """Sine."""
    return new_node(np.sin(a._data), SIN, (a,))


def _cos_vjp(node: Tensor, g: Any) -> tuple:
    return (-(g * np.sin(operands(node, g)[0])),)


def cos(a: Tensor) -> Tensor:
    """Cosine."""
    return new_node(np.cos(a._data), COS, (a,))


EXP = tensor_op("exp", _exp_vjp, exp, formula=("g ⊙ {out}",), replay=lambda node, a: a.exp(), numpy={np.exp: None})
LOG = tensor_op("log", _log_vjp, log, formula=("g / {a}",), replay=lambda node, a: a.log(), numpy={np.log: None})
SQRT = tensor_op("sqrt", _sqrt_vjp, sqrt, formula=("g / (2 {out})",), replay=lambda node, a: a.sqrt(), symbol="√",
                 numpy={np.sqrt: None})
TANH = tensor_op("tanh", _tanh_vjp, tanh, formula=("g ⊙ (1 − {out}²)",), replay=lambda node, a: a.tanh(),
                 role="act", numpy={np.tanh: None})
SIGMOID = tensor_op("sigmoid", _sigmoid_vjp, sigmoid, formula=("g ⊙ {out} (1 − {out})",),
                    replay=lambda node, a: a.sigmoid(), symbol="σ", role="act")
SIN = tensor_op("sin", _sin_vjp, sin, formula=("g ⊙ cos {a}",), replay=lambda node, a: a.sin(), numpy={np.sin: None})
COS = tensor_op("cos", _cos_vjp, cos, formula=("−g ⊙ sin {a}",), replay=lambda node, a: a.cos(), numpy={np.cos: None})


# -- piecewise-linear functions: the VJP multiplies g by a mask (or slope) computed at the forward
# step; the mask is a constant, so the same VJP serves create_graph (the second derivative is 0).
def _near(x: np.ndarray, points: tuple, distance: float) -> str | None:
    close = np.zeros(x.shape, dtype=bool)
    for point in points:
        close |= np.abs(x - point) < distance
    if not close.any():
        return None
    count = int(close.sum())
    return f"{count} input entr{'y' if count == 1 else 'ies'} within {distance:.1g} of a kink"


def _kink_at_zero(node: Tensor, distance: float, label: Any) -> str | None:
    return _near(node.parents[0]._data, (0.0,), distance)


def _kink_at_bounds(node: Tensor, distance: float, label: Any) -> str | None:
    return _near(node.parents[0]._data, tuple(b for b in node.arg if b is not None), distance)


def _masked_vjp(node: Tensor, g: Any) -> tuple:
    return (g * node._saved,)


def relu(a: Tensor) -> Tensor:
    """max(0, x); its slope at 0 is 0, as in PyTorch (the mask x > 0 is saved)."""
    x = a._data
    mask = x > 0
    return new_node(np.maximum(x, 0), RELU, (a,), saved=mask)  # maximum: no -0.0 in the output


def leaky_relu(a: Tensor, slope: float = 0.01) -> Tensor:
    """x where x > 0, else ``slope * x``."""
    if isinstance(slope, bool) or not isinstance(slope, (int, float, np.integer, np.floating)):
        raise TypeError(f"leaky_relu: slope must be a number, got {type(slope).__name__} (node {a._describe()})")
    x = a._data
    positive = x > 0
    factor = np.where(positive, 1, slope).astype(x.dtype)
    return new_node(x * factor, LEAKY_RELU, (a,), saved=factor, arg=float(slope))


def _abs_vjp(node: Tensor, g: Any) -> tuple:
    return (g * np.sign(node.parents[0]._data),)


def absolute(a: Tensor) -> Tensor:
    """|x| (its slope at 0 is 0)."""
    return new_node(np.abs(a._data), ABS, (a,))


def clip(a: Tensor, low: Any = None, high: Any = None) -> Tensor:
    """Values limited to [low, high] (numbers or arrays; None: no limit on that side).  The
    limits are constants, not recorded."""
    if low is None and high is None:
        raise ValueError(f"clip: give low, high or both (node {a._describe()})")
    bounds = []
    for which, bound in (("low", low), ("high", high)):
        if isinstance(bound, Tensor):
            raise TypeError(f"clip: {which} must be a number or an array, not a Tensor (node {a._describe()})")
        bounds.append(None if bound is None else np.asarray(bound, dtype=a._data.dtype))
    lo, hi = bounds
    x = a._data
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
    return new_node(out, CLIP, (a,), saved=inside, arg=(low, high))


def _np_clip(a: Any, a_min: Any = None, a_max: Any = None, out: Any = None, **rest: Any) -> Tensor:
    refuse_argument("clip", out)
    low = rest.pop("min", a_min)
    high = rest.pop("max", a_max)
    if isinstance(low, Tensor) or isinstance(high, Tensor):
        # Bounds that are Tensors keep their gradient: clip is max(a, low) then min(., high).
        result = _lift(a, "clip")
        result = result if low is None else maximum(result, low)
        return result if high is None else minimum(result, high)
    return clip(_lift(a, "clip"), low, high)


RELU = tensor_op("relu", _masked_vjp, relu, formula=("g ⊙ [{a} > 0]",), replay=lambda node, a: a.relu(),
                 role="act", kink=_kink_at_zero)
LEAKY_RELU = tensor_op("leaky_relu", _masked_vjp, leaky_relu, formula=("g ⊙ (1 if {a} > 0 else {n})",),
                       replay=lambda node, a: a.leaky_relu(node.arg), role="act", kink=_kink_at_zero)
ABS = tensor_op("abs", _abs_vjp, absolute, formula=("g ⊙ sign({a})",), replay=lambda node, a: a.abs(), symbol="|x|",
                kink=_kink_at_zero, numpy={np.absolute: lambda x: absolute(_lift(x, "abs"))})
CLIP = tensor_op("clip", _masked_vjp, clip, formula=("g ⊙ [low ≤ {a} ≤ high]",),
                 replay=lambda node, a: a.clip(*node.arg),
                 kink=_kink_at_bounds,
                 numpy={np.clip: _np_clip})


# -- choosing: where, maximum, minimum -----------------------------------------------------------
def _where_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    cond = node._saved
    zero = np.zeros((), dtype=g.dtype)
    # np.where on a Tensor g records the where op (NumPy dispatches it to this module's where).
    return (
        unbroadcast(np.where(cond, g, zero), a._data.shape) if a.requires_grad else None,
        unbroadcast(np.where(cond, zero, g), b._data.shape) if b.requires_grad else None,
    )


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """``a`` where ``condition`` holds, else ``b`` (broadcasting), as ``np.where``.

    ``condition`` is a boolean array (a mask such as ``x > 0``), never recorded.

    >>> from autograd_core import Tensor, where
    >>> x = Tensor([-1.0, 2.0], requires_grad=True)
    >>> where(x > 0, x, 0.0).data
    array([0., 2.])
    """
    if isinstance(condition, Tensor):
        condition = condition._data
    cond = np.asarray(condition)
    if cond.dtype != bool:
        raise TypeError(f"where: condition must be a boolean mask (such as x > 0), got an array of dtype {cond.dtype}")
    if type(a) is not Tensor:
        a = as_tensor(a, b if isinstance(b, Tensor) else None, "where")
    if type(b) is not Tensor:
        b = as_tensor(b, a, "where")
    try:
        out = np.where(cond, a._data, b._data)
    except ValueError:
        raise ValueError(
            f"where: condition of shape {cond.shape} and inputs of shapes {a.shape} (node {a._describe()}) and "
            f"{b.shape} (node {b._describe()}) cannot be broadcast together"
        ) from None
    cond = np.broadcast_to(cond, out.shape)
    return new_node(out, WHERE, (a, b), saved=cond)


def _np_where(condition: Any, x: Any = None, y: Any = None) -> Any:
    if x is None and y is None:
        return np.where(condition._data if isinstance(condition, Tensor) else condition)
    return where(condition, x, y)


def _choose_vjp(node: Tensor, g: Any) -> tuple:
    a, b = node.parents
    share_a = node._saved  # 1 where a wins, 0 where b wins, 1/2 at ties
    return (
        unbroadcast(g * share_a, a._data.shape) if a.requires_grad else None,
        unbroadcast(g * (1 - share_a), b._data.shape) if b.requires_grad else None,
    )


def _choose(op: Any, a: Any, b: Any, pick: Any) -> Tensor:
    if type(a) is not Tensor:
        a = as_tensor(a, b if isinstance(b, Tensor) else None, op.name)
    if type(b) is not Tensor:
        b = as_tensor(b, a, op.name)
    x, y = a._data, b._data
    try:
        out = pick(x, y)
    except ValueError:
        raise broadcast_error(op.name, a, b) from None
    share = np.where(x == y, 0.5, (x > y) if op is MAXIMUM else (x < y)).astype(out.dtype)
    return new_node(out, op, (a, b), saved=share)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum with broadcasting; ties split the gradient evenly.

    >>> from autograd_core import Tensor, maximum
    >>> maximum(Tensor([1.0, 5.0]), 2.0).data
    array([2., 5.])
    """
    return _choose(MAXIMUM, a, b, np.maximum)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum with broadcasting; ties split the gradient evenly.

    >>> from autograd_core import Tensor, minimum
    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> minimum(x, 2.0).sum().backward()
    >>> x.grad                                # 2 ties with 2: half the gradient
    array([1. , 0.5, 0. ])
    """
    return _choose(MINIMUM, a, b, np.minimum)


def _kink_at_tie(node: Tensor, distance: float, label: Any) -> str | None:
    a, b = node.parents
    if (np.abs(a._data - b._data) < distance).any():
        return f"its two inputs within {distance:.1g} of each other (a tie: the gradient is split there)"
    return None


WHERE = tensor_op("where", _where_vjp, where, formula=("g where cond", "g where not cond"),
                  replay=lambda node, a, b: where(node._saved, a, b), arity=2, broadcasts=True,
                  numpy={np.where: _np_where})
MAXIMUM = tensor_op("maximum", _choose_vjp, maximum,
                    formula=("g where {a} ≥ {b} (½ at ties)", "g where {b} ≥ {a} (½ at ties)"),
                    replay=lambda node, a, b: maximum(a, b), arity=2, symbol="max", broadcasts=True,
                    kink=_kink_at_tie, numpy={np.maximum: None})
MINIMUM = tensor_op("minimum", _choose_vjp, minimum,
                    formula=("g where {a} ≤ {b} (½ at ties)", "g where {b} ≤ {a} (½ at ties)"),
                    replay=lambda node, a, b: minimum(a, b), arity=2, symbol="min", broadcasts=True,
                    kink=_kink_at_tie, numpy={np.minimum: None})


# -- matrix product ----------------------------------------------------------------------------
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
    """Matrix product as ``np.matmul``: 1-D, 2-D and batched (leading axes broadcast)."""
    if type(a) is not Tensor:
        a = as_tensor(a, b, "matmul")
    if type(b) is not Tensor:
        b = as_tensor(b, a, "matmul")
    try:
        out = np.matmul(a._data, b._data)
    except ValueError:
        raise _matmul_error(a, b) from None
    return new_node(out, MATMUL, (a, b))


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


def _np_dot(a: Any, b: Any, out: Any = None) -> Tensor:
    refuse_argument("dot", out)
    shapes = [np.shape(x._data if isinstance(x, Tensor) else x) for x in (a, b)]
    if any(len(s) == 0 for s in shapes):
        return mul(a, b)
    if any(len(s) > 2 for s in shapes):
        raise TypeError(f"np.dot on Tensors of shapes {shapes[0]} and {shapes[1]}: only 1-D and 2-D; use matmul")
    return matmul(a, b)


MATMUL = tensor_op("matmul", _matmul_vjp, matmul, formula=("g @ {b}ᵀ", "{a}ᵀ @ g"), replay=lambda node, a, b: a @ b,
                   arity=2, symbol="@", infix="@", precedence=2, role="matmul",
                   numpy={np.matmul: None, np.dot: _np_dot})
