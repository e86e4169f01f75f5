"""Elementwise Tensor ops and the matrix product: forward computation and VJP, side by side.

Each op is a function that computes the forward array with NumPy and creates the result node
with :func:`new_node`, handing it a module-level VJP function (no closure stored on the node).
A VJP ``f(node, g)`` returns one gradient per parent, computing nothing for a parent that does
not require a gradient.  Broadcasting is undone by :func:`unbroadcast` (a sum over the axes
that were broadcast).  VJPs never write into ``g``: it may be shared with other nodes.

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

from .tensor import Tensor, as_tensor, new_node
from .value import DomainError

_ndarray = np.ndarray


# -- helpers -----------------------------------------------------------------------------------
def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes broadcasting added or stretched, giving an array of ``shape``.

    >>> import numpy as np
    >>> from autograd_core.tensor_ops import unbroadcast
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
def _add_vjp(node: Tensor, g: np.ndarray) -> tuple:
    a, b = node.parents
    return (
        unbroadcast(g, a.data.shape) if a.requires_grad else None,
        unbroadcast(g, b.data.shape) if b.requires_grad else None,
    )


def add(a: Any, b: Any) -> Tensor:
    """a + b with broadcasting.  VJP: g to both inputs (summed over broadcast axes)."""
    return _binary("add", np.add, a, b, _add_vjp)


def _sub_vjp(node: Tensor, g: np.ndarray) -> tuple:
    a, b = node.parents
    return (
        unbroadcast(g, a.data.shape) if a.requires_grad else None,
        unbroadcast(-g, b.data.shape) if b.requires_grad else None,
    )


def sub(a: Any, b: Any) -> Tensor:
    """a - b with broadcasting.  VJP: g and -g."""
    return _binary("sub", np.subtract, a, b, _sub_vjp)


def _mul_vjp(node: Tensor, g: np.ndarray) -> tuple:
    a, b = node.parents
    return (
        unbroadcast(g * b.data, a.data.shape) if a.requires_grad else None,
        unbroadcast(g * a.data, b.data.shape) if b.requires_grad else None,
    )


def mul(a: Any, b: Any) -> Tensor:
    """a * b with broadcasting.  VJP: g * b and g * a."""
    return _binary("mul", np.multiply, a, b, _mul_vjp)


def _div_vjp(node: Tensor, g: np.ndarray) -> tuple:
    a, b = node.parents
    ga = gb = None
    if a.requires_grad:
        ga = unbroadcast(g / b.data, a.data.shape)
    if b.requires_grad:
        gb = unbroadcast(-(g * node.data) / b.data, b.data.shape)
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


def _neg_vjp(node: Tensor, g: np.ndarray) -> tuple:
    return (-g,)


def neg(a: Tensor) -> Tensor:
    """-a.  VJP: -g."""
    return new_node(-a.data, "neg", (a,), _neg_vjp)


# -- powers ------------------------------------------------------------------------------------
def _pow_number_vjp(node: Tensor, g: np.ndarray) -> tuple:
    x = node.parents[0].data
    n = node.arg
    if n == 2:
        return (g * (2 * x),)
    if n == 1:
        return (g,)
    if n == 0:
        return (np.zeros_like(g),)
    # Infinite slope at 0 for 0 < n < 1 (as for sqrt); detect_anomaly() names the node.
    with np.errstate(divide="ignore"):
        return (g * (n * x ** (n - 1)),)


def _pow_tensor_vjp(node: Tensor, g: np.ndarray) -> tuple:
    a, b = node.parents
    x, y = a.data, b.data
    ga = gb = None
    if a.requires_grad:
        ga = unbroadcast(g * (y * x ** (y - 1)), x.shape)
    if b.requires_grad:
        # d(x**y)/dy = x**y log x; taken as 0 where x <= 0 (there x**y is defined only for
        # integer y, where it is not differentiable in y).
        positive = x > 0
        log_x = np.log(np.where(positive, x, 1))
        gb = unbroadcast(g * node.data * log_x, y.shape)
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
        where = np.broadcast_to(x < 0, bad.shape) & bad
        raise _domain_error("pow", base, where, "negative base with a non-integer exponent")
    bad = (x == 0) & (y < 0)
    if bad.any():
        raise DomainError(f"pow: zero raised to a negative exponent in node {base._describe()} (shape {base.shape})")
    return new_node(np.power(x, y), "pow", (base, exponent), _pow_tensor_vjp)


# -- elementwise functions ---------------------------------------------------------------------
def _exp_vjp(node: Tensor, g: np.ndarray) -> tuple:
    return (g * node.data,)


def exp(a: Tensor) -> Tensor:
    """e ** a.  VJP: g * out."""
    return new_node(np.exp(a.data), "exp", (a,), _exp_vjp)


def _log_vjp(node: Tensor, g: np.ndarray) -> tuple:
    return (g / node.parents[0].data,)


def log(a: Tensor) -> Tensor:
    """Natural logarithm; non-positive entries raise DomainError.  VJP: g / x."""
    x = a.data
    if (x <= 0).any():
        raise _domain_error("log", a, x <= 0, "log of a non-positive number")
    return new_node(np.log(x), "log", (a,), _log_vjp)


def _sqrt_vjp(node: Tensor, g: np.ndarray) -> tuple:
    # Infinite slope at 0, as for the scalar engine; detect_anomaly() names the node.
    with np.errstate(divide="ignore"):
        return (g * 0.5 / node.data,)


def sqrt(a: Tensor) -> Tensor:
    """Square root; negative entries raise DomainError.  VJP: g / (2 out)."""
    x = a.data
    if (x < 0).any():
        raise _domain_error("sqrt", a, x < 0, "square root of a negative number")
    return new_node(np.sqrt(x), "sqrt", (a,), _sqrt_vjp)


def _tanh_vjp(node: Tensor, g: np.ndarray) -> tuple:
    out = node.data
    return (g * (1 - out * out),)


def tanh(a: Tensor) -> Tensor:
    """Hyperbolic tangent.  VJP: g * (1 - out**2)."""
    return new_node(np.tanh(a.data), "tanh", (a,), _tanh_vjp)


def _sigmoid_vjp(node: Tensor, g: np.ndarray) -> tuple:
    out = node.data
    return (g * (out * (1 - out)),)


def sigmoid(a: Tensor) -> Tensor:
    """1 / (1 + e**-x), never taking the exp of a large positive number.  VJP: g out (1 - out)."""
    x = a.data
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1, e) / (1 + e)
    return new_node(out.astype(x.dtype, copy=False), "sigmoid", (a,), _sigmoid_vjp)


def _relu_vjp(node: Tensor, g: np.ndarray) -> tuple:
    return (g * node._saved,)


def relu(a: Tensor) -> Tensor:
    """max(0, x).  The mask x > 0 is saved; VJP: g * mask (relu'(0) = 0, as in PyTorch)."""
    x = a.data
    mask = x > 0
    return new_node(np.maximum(x, 0), "relu", (a,), _relu_vjp, saved=mask)  # maximum: no -0.0 in the output


def _abs_vjp(node: Tensor, g: np.ndarray) -> tuple:
    return (g * np.sign(node.parents[0].data),)


def absolute(a: Tensor) -> Tensor:
    """|x|.  VJP: g * sign(x) (0 at 0)."""
    return new_node(np.abs(a.data), "abs", (a,), _abs_vjp)


# -- matrix product ----------------------------------------------------------------------------
def _matmul_vjp(node: Tensor, g: np.ndarray) -> tuple:
    a, b = node.parents
    x, y = a.data, b.data
    if x.ndim == 2 and y.ndim == 2:
        # The common case: no gradient for an input (a data batch) that does not need one.
        return (g @ y.T if a.requires_grad else None, x.T @ g if b.requires_grad else None)
    return _matmul_vjp_general(x, y, g, a.requires_grad, b.requires_grad)


def _matmul_vjp_general(x: np.ndarray, y: np.ndarray, g: np.ndarray, need_x: bool, need_y: bool) -> tuple:
    """1-D and batched operands: promote vectors to matrices as np.matmul does, then undo."""
    if x.ndim == 1 and y.ndim == 1:
        return (g * y if need_x else None, g * x if need_y else None)
    x2 = x[None, :] if x.ndim == 1 else x
    y2 = y[:, None] if y.ndim == 1 else y
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
