"""Exercises on a step-by-step backprop: the learner computes a number, the tool checks it.

``steps.answer(node, value)`` checks a node's gradient, ``steps.answer_local(node, i, value)``
the local derivative of ``node`` with respect to its input ``i``; both return a :class:`Verdict`.
Answers may be arithmetic (``1.1*2``), read with the project's safe formula parser (never
``eval``).  An answer counts as right when it agrees with the number to 3 significant digits
(:func:`agrees`: within half a unit of the third digit; absolute 1e-9 for a zero): a learner who
rounds ``0.78645`` to ``0.7864`` or ``0.786``, or ``0.31737`` to ``0.317``, is right; one who
writes ``0.78`` is not.  The lecture page's quiz mode checks with a copy of this one rule in its
script (a test runs both on the same table of cases).  A wrong answer gets a hint that does not
give the answer at once: first the upstream gradients and local derivatives as formulas, then
their numbers, then the products.

>>> from autograd_core import Value
>>> x, y = Value(10, name="x"), Value(5, name="y")
>>> z = x * y
>>> steps = z.backprop(grad=1.3)
>>> steps.answer(x, "1.3*5")
right: dx = 6.5
>>> verdict = steps.answer(y, 13.5)
>>> verdict.correct
False
>>> steps.answer_local(z, 1, "x")
Traceback (most recent call last):
...
ValueError: answer: write a number or arithmetic on numbers (e.g. 1.1*2), got 'x'
>>> steps.answer_local(z, 1, 10)
right: local d/dy of x*y = 10
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..expr import ExpressionError, parse
from ..graph import Node
from ..ops.record import record_of
from ..words import format_number, local_hint, local_name, local_parts, shape_text, vjp_text

__all__ = [
    "ABS_TOL",
    "DIGITS",
    "MAX_ANSWER",
    "REL_TOL",
    "Verdict",
    "agrees",
    "check",
    "check_local",
    "hint",
    "local_derivative",
    "pass_gradients",
    "read_number",
]

#: Significant digits an answer must get right (rounded or cut: half a unit of the last one).
DIGITS = 3
#: Relative tolerance of an answer, at the least (the digits rule is wider for most numbers).
REL_TOL = 1e-3
#: Absolute tolerance, for numbers that are zero.
ABS_TOL = 1e-9
#: The longest answer read, in characters: a number or a short piece of arithmetic.
MAX_ANSWER = 100
#: How much of a refused answer its refusal quotes.
QUOTED = 30


@dataclass(frozen=True)
class Verdict:
    """Whether a learner's answer is right; ``hint`` helps when it is not.

    ``caption`` names what was asked (``dw``, ``local d/dw of w*x``); ``attempt`` counts the
    answers given for it so far (hints grow with it); ``expected`` is the number itself (not shown
    in the verdict's text).
    """

    correct: bool
    caption: str
    value: Any
    hint: str = ""
    attempt: int = 1
    expected: Any = field(default=None, repr=False)

    def __repr__(self) -> str:
        if self.correct:
            return f"right: {self.caption} = {format_number(self.expected)}"
        return f"not yet: {self.caption} is not {format_number(self.value)}\n{self.hint}"

    __str__ = __repr__


# -- the rule ---------------------------------------------------------------------------------------
def agrees(value: Any, expected: Any) -> bool:
    """True where ``value`` is ``expected`` rounded to :data:`DIGITS` significant digits or closer:
    within half a unit of the last digit kept (0.317 for 0.31737; 0.786 for 0.78645), at least
    :data:`REL_TOL` relative, :data:`ABS_TOL` for a zero; an infinity only agrees with itself.
    Arrays agree entry by entry (their shapes must broadcast).

    >>> agrees(0.317, 0.31737), agrees(0.32, 0.31737), agrees(1e-10, 0.0), agrees(-2.2, 2.2)
    (True, False, True, False)
    """
    try:
        v = np.asarray(value, dtype=float)
        e = np.asarray(expected, dtype=float)
        np.broadcast_shapes(v.shape, e.shape)
    except (TypeError, ValueError):
        return False
    magnitude = np.floor(np.log10(np.abs(e), out=np.zeros_like(e), where=np.isfinite(e) & (e != 0)))
    half_digit = 0.5 * 10.0 ** (magnitude - (DIGITS - 1)) * (1 + 1e-9)
    tolerance = np.where(np.isfinite(e) & (e != 0), np.maximum(half_digit, REL_TOL * np.abs(e)), ABS_TOL)
    with np.errstate(invalid="ignore"):
        close = (np.abs(v - e) <= tolerance) | (v == e)  # v == e: the same infinity
    return bool(close.all())


_NOT_FINITE = ("inf", "infinity", "∞", "nan")
_LITERAL = re.compile(r"(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?")


def _quote(text: str) -> str:
    """An answer as a refusal quotes it: whole when short, else its start and its length."""
    if len(text) <= QUOTED:
        return repr(text)
    return f"{text[:QUOTED]!r}... ({len(text)} characters)"


def read_number(text: Any) -> float:
    """A learner's answer as a number: a number, or arithmetic on numbers (``"1.1*2"``).

    Refused, in one short line that quotes at most the answer's start: text longer than
    :data:`MAX_ANSWER` characters, names and anything else the formula parser refuses, and any
    number that is not finite, written (``1e309``) or computed (``exp(1000)``, ``1/0``).

    >>> read_number("1.1*2"), read_number(" 3 / 4 "), read_number(7)
    (2.2, 0.75, 7.0)
    >>> read_number("apple")
    Traceback (most recent call last):
    ...
    ValueError: answer: write a number or arithmetic on numbers (e.g. 1.1*2), got 'apple'
    >>> read_number("exp(1000)")
    Traceback (most recent call last):
    ...
    ValueError: answer: 'exp(1000)' is not a finite number: every number asked here is finite
    """
    if isinstance(text, Node):
        raise TypeError("answer: give a number or arithmetic as text, not a graph node")
    if not isinstance(text, str):
        if _is_array(text):
            raise TypeError("answer: give one number here, not an array")
        try:
            number = float(text)
        except (TypeError, ValueError):
            raise TypeError(f"answer: expected a number or text such as '1.1*2', got {type(text).__name__}") from None
        if not math.isfinite(number):
            raise ValueError(f"answer: {number} is not a finite number: every number asked here is finite")
        return number
    text = text.strip()
    if len(text) > MAX_ANSWER:
        raise ValueError(
            f"answer: too long ({len(text)} characters): write a number or short arithmetic, at most {MAX_ANSWER}"
        )
    infinite = ValueError(
        f"answer: {_quote(text)} is not a finite number: every number asked here is finite"
    )
    if text.lower().lstrip("+-") in _NOT_FINITE or any(
        math.isinf(float(literal.replace("_", "") or 0)) for literal in _LITERAL.findall(text)
    ):
        raise infinite
    refusal = ValueError(f"answer: write a number or arithmetic on numbers (e.g. 1.1*2), got {_quote(text)}")
    try:
        program = parse(text)
    except (ExpressionError, ValueError, SyntaxError, RecursionError):
        raise refusal from None
    if program.inputs:
        raise refusal
    try:
        number = float(program.evaluate({})[program.output].data)
    except (ArithmeticError, ValueError) as error:  # outside an op's domain: 1/0, log(0)
        reason = str(error).splitlines()[0][:120]
        raise ValueError(f"answer: {_quote(text)} cannot be computed ({reason})") from None
    if not math.isfinite(number):
        raise infinite
    return number


def _is_array(x: Any) -> bool:
    return getattr(x, "shape", ()) != () and hasattr(x, "ndim")


# -- what is asked ----------------------------------------------------------------------------------
def pass_gradients(steps: Any) -> dict[Node, Any]:
    """Every node's gradient from this pass alone (what it receives, not what ``.grad`` held
    before), computed apart from the pass and without touching any node: the answer key."""
    if steps._reference is None:
        grads: dict[Node, Any] = {steps.root: steps.seed}
        for node in steps._ops:
            upstream = grads.get(node)
            if upstream is None:
                continue
            local = getattr(node, "local", None)
            sent = [upstream * d for d in local] if local is not None else list(node.op_record.vjp(node, upstream))
            for parent, c in zip(node.parents, sent):
                if parent.requires_grad and c is not None:
                    previous = grads.get(parent)
                    grads[parent] = c if previous is None else previous + c
        steps._reference = grads
    return steps._reference


def local_derivative(node: Node, index: int) -> float:
    """d(node)/d(input ``index``), computed again by the op's own record (its ``derivative``) on
    the node's numbers: the answer key of a local-derivative question.

    >>> from autograd_core import Value
    >>> a = Value(0.5, name="a")
    >>> round(local_derivative(a.tanh(), 0), 6)   # 1 - tanh(0.5)²
    0.786448
    """
    op = record_of(node)
    if op is None or op.derivative is None or getattr(node, "local", None) is None:
        raise ValueError(
            f"answer: {node.label!r} ({node.op}) has no local derivative to ask for: it is an array op, whose "
            "backward is a vector-Jacobian product"
        )
    inputs = [parent.data for parent in node.parents]
    extra = (node.arg,) if op.has_arg else ()
    local = op.derivative(*inputs, node.data, *extra)
    local = local if isinstance(local, (tuple, list)) else (local,)
    return float(local[index])


# -- checking ---------------------------------------------------------------------------------------
def check(steps: Any, node: Node, value: Any) -> Verdict:
    """``steps.answer(node, value)``: see :meth:`autograd_core.steps.Backprop.answer`."""
    if not isinstance(node, Node):
        raise TypeError(f"answer: expected a node of this graph, got {type(node).__name__}")
    grads = pass_gradients(steps)
    if node not in grads:
        raise ValueError(
            f"answer: {steps.label(node)!r} gets no gradient in this pass (a constant, not an input of "
            f"{steps.label(steps.root)!r}, or requires_grad=False)"
        )
    expected = grads[node]
    caption = steps.grad_name(node)
    number = _read(value, expected, caption)
    attempt = steps._attempts.get(node, 0) + 1
    steps._attempts[node] = attempt
    if agrees(number, expected):
        return Verdict(True, caption, number, "", attempt, expected)
    return Verdict(False, caption, number, hint(steps, node, attempt), attempt, expected)


def check_local(steps: Any, node: Node, index: int, value: Any) -> Verdict:
    """``steps.answer_local(node, index, value)``: see :meth:`autograd_core.steps.Backprop.answer_local`."""
    if not isinstance(node, Node):
        raise TypeError(f"answer_local: expected an operation node of this graph, got {type(node).__name__}")
    if not node.parents or node not in pass_gradients(steps):
        raise ValueError(
            f"answer_local: {steps.label(node)!r} is not an operation this pass goes through (an input, a "
            "constant, or a node of another graph)"
        )
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(node.parents):
        raise ValueError(f"answer_local: {steps.label(node)!r} has {len(node.parents)} input(s); got index {index!r}")
    expected = local_derivative(node, index)
    caption = local_name(node, index, steps.captions)
    number = _read(value, expected, caption)
    key = (node, index)
    attempt = steps._attempts.get(key, 0) + 1
    steps._attempts[key] = attempt
    if agrees(number, expected):
        return Verdict(True, caption, number, "", attempt, expected)
    return Verdict(False, caption, number, local_hint(node, index, attempt, steps.captions), attempt, expected)


def _read(value: Any, expected: Any, caption: str) -> Any:
    """The answer as a number (or an array, for an array's gradient), its shape checked."""
    shape = np.shape(getattr(expected, "data", expected))
    if _is_array(value):
        if shape == ():
            raise ValueError(f"answer: {caption} is one number; got an array of shape {np.shape(value)}")
        if np.shape(value) != shape:
            raise ValueError(
                f"answer: {caption} is a {shape_text(shape)} array; got an array of shape {np.shape(value)}"
            )
        return value
    if shape != ():
        raise ValueError(
            f"answer: {caption} is a {shape_text(shape)} array: give an array of that shape "
            "(steps.answer(node, array))"
        )
    return read_number(value)


# -- hints ------------------------------------------------------------------------------------------
def hint(steps: Any, node: Node, level: int) -> str:
    """What helps find d(root)/d(node): level 1 the formulas, 2 their numbers, 3 the products."""
    words = steps.captions
    name = steps.grad_name(node)
    if node is steps.root:
        return f"{name} is the output's gradient with respect to itself: the seed, {format_number(steps.seed)}"
    grads = pass_gradients(steps)
    uses = [(user, k) for user in steps._ops for k, parent in enumerate(user.parents) if parent is node]
    lines = [f"{name} = upstream x local, over each use of {words.label(node)}:"]
    products = []
    for user, k in uses:
        upstream_name = steps.grad_name(user)
        upstream = grads.get(user)
        call = words.call(user)
        where = words.label(user) + ("" if call == words.label(user) else f" = {call}")
        if getattr(user, "local", None) is None:
            local = vjp_text(user, k, words) or "its vector-Jacobian product"
            lines.append(f"  {where}: sends {local} with g = {upstream_name}")
            continue
        head, symbols, numbers, value = local_parts(user, k, words)
        if level <= 1:
            lines.append(f"  {where}: upstream {upstream_name} x {head} = {symbols}")
        else:
            shown = f"upstream {upstream_name} = {format_number(upstream)}, {head} = {symbols} = {value}"
            lines.append(f"  {where}: {shown}")
        products.append((upstream, user.local[k]))
    if level >= 3 and products:
        shown = " + ".join(f"{format_number(u)} x {format_number(d)}" for u, d in products)
        lines.append(f"  the products: {shown}")
    return "\n".join(lines)
