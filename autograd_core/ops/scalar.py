"""The built-in scalar ops, one record each: forward on numbers, local derivatives, words, symbol.

Each derivative is plain arithmetic on the inputs and the output, so the same formula runs on
floats during the forward pass and on ``Value`` nodes when ``backward(create_graph=True)`` builds
the derivative as a graph of its own.  The functions :func:`exp`, :func:`log`, :func:`tanh`,
:func:`sigmoid`, :func:`sin` and :func:`cos` take numbers and Values alike: write your own ops'
derivatives with them (``define_op``) and they differentiate twice too.

Example:
    >>> from autograd_core import OPS
    >>> OPS["tanh"].formula, OPS["tanh"].derivative(0.5, 0.25)
    (('1 - {out}²',), (0.9375,))
    >>> from autograd_core.ops import sigmoid
    >>> sigmoid(0.0)
    0.5
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..graph import Node
from .record import SCALAR, Op, register

__all__ = ["cos", "exp", "log", "sigmoid", "sin", "tanh"]


# -- helpers for derivatives: the same call on numbers and on Values -------------------------------
def exp(x: Any) -> Any:
    """e ** x, for a number or a Value."""
    return x.exp() if isinstance(x, Node) else _exp(x)


def log(x: Any) -> Any:
    """Natural logarithm, for a number or a Value."""
    return x.log() if isinstance(x, Node) else math.log(x)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent, for a number or a Value."""
    return x.tanh() if isinstance(x, Node) else math.tanh(x)


def sigmoid(x: Any) -> Any:
    """1 / (1 + e**-x) (computed stably), for a number or a Value."""
    return x.sigmoid() if isinstance(x, Node) else _sigmoid(x)


def sin(x: Any) -> Any:
    """Sine, for a number or a Value."""
    return x.sin() if isinstance(x, Node) else math.sin(x)


def cos(x: Any) -> Any:
    """Cosine, for a number or a Value."""
    return x.cos() if isinstance(x, Node) else math.cos(x)


def _data(x: Any) -> float:
    return x.data if isinstance(x, Node) else x


# -- forward computations, raising at the forward step for inputs outside the domain -------------
def _div(x: float, y: float) -> float:
    if y == 0:
        raise ZeroDivisionError("division by zero")
    return x / y


def _power(x: float, n: float) -> float:
    if x == 0 and n < 0:
        raise ZeroDivisionError("0 raised to a negative power")
    if x < 0 and n != int(n):
        raise ValueError("negative base with a non-integer exponent")
    try:
        return x**n
    except OverflowError:
        return math.copysign(math.inf, x) if n == int(n) and int(n) % 2 else math.inf


def _power_derivative(x: Any, n: float) -> Any:
    """n * x**(n-1); infinite where it blows up (the slope of sqrt at 0) instead of raising."""
    if n == 0:
        return 0.0
    if _data(x) == 0 and n < 1:  # first order and create_graph alike
        return math.copysign(math.inf, n)
    if isinstance(x, Node):
        return n * x ** (n - 1)
    return n * _power(x, n - 1)


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _log_forward(x: float) -> float:
    if x <= 0:
        raise ValueError("log of a non-positive number")
    return math.log(x)


def _sigmoid(x: float) -> float:
    # Stable on both sides: never the exp of a large positive number.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _pick(difference: float) -> tuple[float, float]:
    """Local derivatives of max(x, y) given x - y (of min given y - x): the larger input gets 1."""
    return _ONE_ZERO if difference > 0 else _ZERO_ONE if difference < 0 else _HALF_HALF


def _pow_value(x: float, e: float) -> float:
    if x <= 0:
        raise ValueError("a Value exponent needs a positive base")
    return _power(x, e)


# -- where finite differences cannot be trusted ----------------------------------------------------
def _kink_at_zero(node: Node, distance: float, label: Callable[[Node], str]) -> str | None:
    """relu's kink: its input within ``distance`` of 0."""
    x = node.parents[0]
    if abs(x.data) >= distance:
        return None
    return f"its input {label(x)!r} = {x.data:.3g} is within {distance:.1g} of the kink at 0"


def _kink_at_tie(node: Node, distance: float, label: Callable[[Node], str]) -> str | None:
    """maximum's and minimum's kink: two inputs within ``distance`` of each other."""
    x, y = node.parents
    if abs(x.data - y.data) >= distance:
        return None
    return (
        f"its inputs {label(x)!r} = {x.data:.3g} and {label(y)!r} = {y.data:.3g} are within {distance:.1g} of "
        "each other (a tie, its kink)"
    )


_ONE_ONE = (1.0, 1.0)
_ONE_ZERO = (1.0, 0.0)
_ZERO_ONE = (0.0, 1.0)
_HALF_HALF = (0.5, 0.5)
_ONE_MINUS_ONE = (1.0, -1.0)
_ONE = (1.0,)
_ZERO = (0.0,)
_MINUS_ONE = (-1.0,)


def _op(name: str, forward: Any, derivative: Any, formula: Any, **more: Any) -> Op:
    """A built-in scalar op, through the door every op comes through."""
    arity = more.pop("arity", 2 if len(formula) == 2 else 1)
    return register(Op(name, SCALAR, forward=forward, derivative=derivative, formula=formula, arity=arity,
                       built_in=True, **more))


ADD = _op("add", lambda x, y: x + y, lambda x, y, out: _ONE_ONE, ("1", "1"), symbol="+", infix=" + ",
          precedence=1, role="sum")
SUB = _op("sub", lambda x, y: x - y, lambda x, y, out: _ONE_MINUS_ONE, ("1", "-1"), symbol="−", infix=" - ",
          precedence=1, role="diff")
MUL = _op("mul", lambda x, y: x * y, lambda x, y, out: (y, x), ("{y}", "{x}"), symbol="×", infix="*",
          precedence=2, role="prod")
DIV = _op("div", _div, lambda x, y, out: (1.0 / y, -out / y), ("1/{y}", "-{x}/{y}²"), symbol="÷", infix="/",
          precedence=2, role="quot")
NEG = _op("neg", lambda x: -x, lambda x, out: _MINUS_ONE, ("-1",), symbol="−", infix="-", precedence=3)
# x ** n for a number n, kept in the node's ``arg``
POW = _op("pow", _power, lambda x, out, n: (_power_derivative(x, n),), ("{n} * {x}**({n} - 1)",), symbol="**",
          has_arg=True, infix="**", precedence=4)
# x ** e for a Value e (positive base only)
POWV = _op("powv", _pow_value, lambda x, e, out: (e * x ** (e - 1), out * log(x)),
           ("{y} * {x}**({y} - 1)", "{out} * log({x})"), symbol="**", infix="**", precedence=4)
EXP = _op("exp", _exp, lambda x, out: (out,), ("{out}",), numpy_form=lambda np, x: np.exp(x))
LOG = _op("log", _log_forward, lambda x, out: (1.0 / x,), ("1/{x}",), numpy_form=lambda np, x: np.log(x))
TANH = _op("tanh", math.tanh, lambda x, out: (1.0 - out * out,), ("1 - {out}²",), role="act",
           numpy_form=lambda np, x: np.tanh(x))
SIGMOID = _op("sigmoid", _sigmoid, lambda x, out: (out * (1.0 - out),), ("{out} * (1 - {out})",), symbol="σ",
              role="act", numpy_form=lambda np, x: 1.0 / (1.0 + np.exp(-x)))
# relu'(0) = 0, as in PyTorch.
RELU = _op("relu", lambda x: x if x > 0 else 0.0, lambda x, out: _ONE if _data(x) > 0 else _ZERO,
           ("1 if {x} > 0 else 0",), role="act", kink=_kink_at_zero, numpy_form=lambda np, x: np.maximum(x, 0.0))
SIN = _op("sin", math.sin, lambda x, out: (cos(x),), ("cos({x})",), numpy_form=lambda np, x: np.sin(x))
COS = _op("cos", math.cos, lambda x, out: (-sin(x),), ("-sin({x})",), numpy_form=lambda np, x: np.cos(x))
# Two-argument max and min.  At a tie the gradient is split evenly (1/2 to each input), as
# PyTorch's torch.maximum / torch.minimum do.
MAXIMUM = _op("maximum", lambda x, y: x if x >= y else y, lambda x, y, out: _pick(_data(x) - _data(y)),
              ("1 if {x} > {y}, ½ if equal, else 0", "1 if {y} > {x}, ½ if equal, else 0"), symbol="max",
              kink=_kink_at_tie, numpy_form=lambda np, x, y: np.maximum(x, y))
MINIMUM = _op("minimum", lambda x, y: x if x <= y else y, lambda x, y, out: _pick(_data(y) - _data(x)),
              ("1 if {x} < {y}, ½ if equal, else 0", "1 if {y} < {x}, ½ if equal, else 0"), symbol="min",
              kink=_kink_at_tie, numpy_form=lambda np, x, y: np.minimum(x, y))
