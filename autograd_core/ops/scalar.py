"""Defining a scalar op: the one door every op comes through, the built-in ones and yours.

An op is three things: its forward computation on numbers, its local derivatives (one per input,
written with arithmetic on the inputs and the output), and how the derivative reads in words.
:func:`define_op` puts them into :data:`OPS`, the table every view reads (diagram symbol, step
text, gradcheck's per-op check, ``backward(create_graph=True)``), and returns a function that
applies the op to ``Value`` nodes (numbers become constants).

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

``exp``, ``log``, ``tanh`` and ``sigmoid`` here work on numbers and on ``Value`` nodes alike, so a
derivative written with them serves first-order gradients (numbers) and higher-order ones
(``Value`` nodes) from one definition.
"""

from __future__ import annotations

import inspect
import math
import string
from collections.abc import Callable
from typing import Any, NamedTuple

from ..graph import Node, check_name

__all__ = ["OPS", "ScalarOp", "apply_op", "arity", "define_op", "exp", "log", "sigmoid", "tanh"]


class ScalarOp(NamedTuple):
    """One scalar operation: how to compute it and how it changes with each input.

    ``forward(*inputs[, arg])`` returns a float; ``derivative(*inputs, out[, arg])`` returns one
    local derivative d(out)/d(input) per input.  Written with plain arithmetic (and the helpers
    of this module), the derivative works on floats during the forward pass and on ``Value``
    nodes for ``backward(create_graph=True)``.  ``arg`` is a constant parameter of the node (the
    exponent of ``x ** 3``), given only to ops with ``has_arg``.

    ``formula`` says each local derivative in words a learner reads, one template per input:
    ``{x}`` and ``{y}`` stand for the inputs (in order), ``{out}`` for the output and ``{n}`` for
    ``arg``.  Views fill it in twice, with captions (``1 - tanh(a)²``) and with numbers
    (``1 - 0.4621²``); no view keeps a formula of its own.
    """

    name: str
    symbol: str
    forward: Callable[..., float]
    derivative: Callable[..., tuple]
    has_arg: bool = False
    formula: tuple[str, ...] = ()


#: Every scalar op by name, built-in and user-defined; filled by :func:`define_op` only.
OPS: dict[str, ScalarOp] = {}

# Names a node's ``op`` takes without being an op: a leaf ("") and a constant ("const").
_RESERVED = ("", "const", "leaf")
_PLACEHOLDERS = {"x", "y", "out", "n"}
_ARITY: dict[str, int] = {}  # how many inputs each op takes
_BUILT_IN: set[str] = set()  # the ops autograd_core itself defines (see _seal_built_ins)


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
      helpers :func:`exp`, :func:`log`, :func:`tanh`, :func:`sigmoid` so both work.
    - ``symbol``: how diagrams show the op (default: its name).
    - ``formula``: the local derivative in words, one template per input, with ``{x}``, ``{y}``,
      ``{out}`` (default ``softplus'({x})``).
    - ``has_arg``: the op takes a constant parameter after its inputs (the exponent of ``x**3``).
    - ``replace``: define again an op of yours (a notebook cell run twice); without it a name
      already taken is refused, and a built-in op is never replaced.

    The op enters :data:`OPS`, so diagrams, the stepper, gradcheck's per-op check and the
    hypothesis strategies of :mod:`autograd_core.testing` all know it.

    >>> from autograd_core import Value, define_op
    >>> cube = define_op("cube_doc", lambda x: x**3, lambda x, out: (3 * x**2,), symbol="³",
    ...                  formula=("3 * {x}²",))
    >>> x = Value(2.0)
    >>> y = cube(x)
    >>> y.backward()
    >>> y.data, x.grad, y.op
    (8.0, 12.0, 'cube_doc')
    """
    if not isinstance(name, str) or not name.isidentifier() or name in _RESERVED:
        raise ValueError(f"define_op: the name must be a Python identifier such as 'softplus', got {name!r}")
    if name in _BUILT_IN:
        raise ValueError(f"define_op: {name!r} is a built-in op and cannot be redefined; choose another name")
    if name in OPS and not replace:
        raise ValueError(
            f"define_op: an op named {name!r} is already defined (every op lives in autograd_core.OPS); "
            "choose another name, or pass replace=True to define your op again"
        )
    for role, function in (("forward", forward), ("derivative", derivative)):
        if not callable(function):
            raise TypeError(
                f"define_op({name!r}): {role} must be callable, got {type(function).__name__}: {function!r:.60}"
            )
    extra = 1 if has_arg else 0
    inputs = _count_inputs(name, forward, extra)
    if inputs not in (1, 2):
        raise ValueError(
            f"define_op({name!r}): forward takes {inputs} inputs; an op takes 1 or 2 "
            "(compose ops for more, e.g. f(x, g(y, z)))"
        )
    expected = ["x", "y"][:inputs] + ["out"] + (["n"] if has_arg else [])
    if not _accepts(derivative, len(expected)):
        raise TypeError(
            f"define_op({name!r}): derivative must take ({', '.join(expected)}): the inputs, then the output"
        )
    symbol = name if symbol is None else symbol
    if not isinstance(symbol, str) or not symbol:
        raise TypeError(f"define_op({name!r}): symbol must be a non-empty string, got {symbol!r}")
    check_name(symbol, f"define_op({name!r}) symbol")
    templates = _formula(name, formula, inputs)
    OPS[name] = ScalarOp(name, symbol, forward, derivative, has_arg, templates)
    _ARITY[name] = inputs

    def apply(*inputs: Any) -> Any:
        return apply_op(name, *inputs)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"The op {name!r} (see autograd_core.OPS[{name!r}])."
    return apply


def apply_op(name: str, *inputs: Any) -> Any:
    """Apply the op ``name`` of :data:`OPS` to Values or numbers (an op with ``has_arg`` takes
    its constant last).

    >>> from autograd_core import Value
    >>> apply_op("mul", Value(3.0), 2).data
    6.0
    """
    from .. import value

    try:
        op = OPS[name]
    except KeyError:
        raise ValueError(f"apply_op: no op named {name!r}; define it with autograd_core.define_op") from None
    count = arity(name)
    given = len(inputs) - (1 if op.has_arg else 0)
    if given != count:
        what = f"{count} input{'s' if count > 1 else ''}" + (" and a constant" if op.has_arg else "")
        raise TypeError(f"{name}: takes {what}, got {len(inputs)} argument{'s' if len(inputs) != 1 else ''}")
    arg = inputs[-1] if op.has_arg else None
    return value.apply_scalar_op(op, inputs[:count], arg)


def _seal_built_ins() -> None:
    """Mark every op defined so far as built-in: none can be replaced afterwards."""
    _BUILT_IN.update(OPS)


def arity(name: str) -> int:
    """How many inputs the op ``name`` takes (not counting a constant such as pow's exponent).

    >>> arity("mul"), arity("tanh")
    (2, 1)
    """
    return _ARITY.get(name) or len(OPS[name].formula)


def _count_inputs(name: str, forward: Callable, extra: int) -> int:
    try:
        parameters = list(inspect.signature(forward).parameters.values())
    except (TypeError, ValueError):
        raise TypeError(
            f"define_op({name!r}): cannot tell how many inputs forward takes; wrap it, e.g. lambda x: f(x)"
        ) from None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in parameters):
        raise TypeError(f"define_op({name!r}): forward must name its inputs, e.g. lambda x, y: ..., not *args")
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


def _formula(name: str, formula: Any, arity: int) -> tuple[str, ...]:
    if formula is None:
        return (f"{name}'({{x}})",) if arity == 1 else (f"∂{name}/∂{{x}}", f"∂{name}/∂{{y}}")
    if isinstance(formula, str):
        formula = (formula,)
    formula = tuple(formula)
    if len(formula) != arity or not all(isinstance(t, str) for t in formula):
        raise ValueError(
            f"define_op({name!r}): formula must be {arity} string{'s' if arity > 1 else ''}, one per input, "
            f"got {formula!r}"
        )
    for template in formula:
        try:
            fields = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
        except ValueError as error:
            raise ValueError(f"define_op({name!r}): formula {template!r}: {error}") from None
        unknown = fields - _PLACEHOLDERS
        if unknown:
            raise ValueError(
                f"define_op({name!r}): formula {template!r} uses {{{sorted(unknown)[0]}}}; "
                "the placeholders are {x}, {y}, {out}, {n}"
            )
    return formula


# -- helpers for derivatives: the same call on numbers and on Values -------------------------------
def exp(x: Any) -> Any:
    """e ** x, for a number or a Value."""
    return x.exp() if isinstance(x, Node) else OPS["exp"].forward(x)


def log(x: Any) -> Any:
    """Natural logarithm, for a number or a Value."""
    return x.log() if isinstance(x, Node) else math.log(x)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent, for a number or a Value."""
    return x.tanh() if isinstance(x, Node) else math.tanh(x)


def sigmoid(x: Any) -> Any:
    """1 / (1 + e**-x) (computed stably), for a number or a Value."""
    return x.sigmoid() if isinstance(x, Node) else OPS["sigmoid"].forward(x)
