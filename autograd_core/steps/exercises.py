"""Exercises on a step-by-step backprop: the learner computes a gradient, the tool checks it.

``steps.answer(node, value)`` returns a :class:`Verdict`; ``steps.quiz()`` walks the whole pass
asking for every gradient before it becomes final.  Answers may be arithmetic (``1.1*2``), read
with the project's safe formula parser (never ``eval``).  An answer counts as right when it
agrees with the gradient to 3 significant digits (within half a unit of the third digit;
absolute 1e-9 for a zero gradient): a learner who rounds ``0.78645`` to ``0.7864`` or ``0.786``,
or ``0.31737`` to ``0.317``, is right; one who writes ``0.78`` is not.  A wrong answer gets a
hint that does not give the answer at once: first the upstream gradients and local derivatives
as formulas, then their numbers, then the products.

>>> from autograd_core import Value
>>> x, y = Value(10, name="x"), Value(5, name="y")
>>> z = x * y
>>> steps = z.backprop(grad=1.3)
>>> steps.answer(x, "1.3*5")
right: dx = 6.5
>>> verdict = steps.answer(y, 13.5)
>>> verdict.correct
False
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..expr import ExpressionError, parse
from ..graph import Node
from ..words import format_number, local_parts, vjp_text

__all__ = ["REL_TOL", "Score", "Verdict", "check", "read_number", "run_quiz"]

#: Significant digits an answer must get right (rounded or cut: half a unit of the last one).
DIGITS = 3
#: Relative tolerance of an answer, at the least (the digits rule is wider for most numbers).
REL_TOL = 1e-3
#: Absolute tolerance, for gradients that are zero.
ABS_TOL = 1e-9
#: Tries per question in a quiz before the answer is shown.
TRIES = 3


@dataclass(frozen=True)
class Verdict:
    """Whether a learner's answer for a node's gradient is right; ``hint`` helps when it is not.

    ``attempt`` counts the answers given for this node so far (hints grow with it);
    ``expected`` is the gradient itself (not shown in the verdict's text).
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


@dataclass
class Score:
    """How a quiz went: questions asked, answered right, right at the first try."""

    asked: int = 0
    right: int = 0
    first_try: int = 0

    def __str__(self) -> str:
        return f"score: {self.right}/{self.asked} right, {self.first_try} at the first try"


def read_number(text: Any) -> float:
    """A learner's answer as a number: a number, or arithmetic on numbers (``"1.1*2"``).

    >>> read_number("1.1*2"), read_number(" 3 / 4 "), read_number(7)
    (2.2, 0.75, 7.0)
    >>> read_number("apple")
    Traceback (most recent call last):
    ...
    ValueError: answer: write a number or arithmetic on numbers (e.g. 1.1*2), got 'apple'
    """
    if isinstance(text, Node):
        raise TypeError("answer: give a number or arithmetic as text, not a graph node")
    if not isinstance(text, str):
        try:
            return float(text)
        except (TypeError, ValueError):
            raise TypeError(f"answer: expected a number or text such as '1.1*2', got {type(text).__name__}") from None
    refusal = ValueError(f"answer: write a number or arithmetic on numbers (e.g. 1.1*2), got {text.strip()!r}")
    try:
        program = parse(text.strip())
    except (ExpressionError, ValueError, SyntaxError, RecursionError):
        raise refusal from None
    if program.inputs:
        raise refusal
    try:
        return float(program.evaluate({})[program.output].data)
    except (ArithmeticError, ValueError):
        raise refusal from None


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


def _agrees(value: Any, expected: Any) -> bool:
    """True where ``value`` is ``expected`` rounded to :data:`DIGITS` significant digits or closer:
    within half a unit of the last digit kept (0.317 for 0.31737; 0.786 for 0.78645)."""

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
    number = value if _is_array(value) else read_number(value)
    expected = grads[node]
    caption = steps.grad_name(node)
    attempt = steps._attempts.get(node, 0) + 1
    steps._attempts[node] = attempt
    if _agrees(number, expected):
        return Verdict(True, caption, number, "", attempt, expected)
    return Verdict(False, caption, number, hint(steps, node, attempt), attempt, expected)


def _is_array(x: Any) -> bool:
    return getattr(x, "shape", ()) != () and hasattr(x, "ndim")


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


def run_quiz(steps: Any, *, ask: Callable[[str], str] | None = None, show: Callable[[str], Any] | None = None) -> Score:
    """``steps.quiz()``: see :meth:`autograd_core.steps.Backprop.quiz`."""
    ask = input if ask is None else ask
    show = print if show is None else show
    score = Score()
    total = len(steps) - steps.position
    show(
        f"Backprop quiz on {steps.label(steps.root)}: {steps.grad_name(steps.root)} = {format_number(steps.seed)} "
        f"(the seed); {total} step(s) to go.\nGive each gradient when asked: a number or arithmetic such as 1.1*2; "
        "an empty answer shows it."
    )
    try:
        while not steps.done:
            node = steps.next_node
            questions = [] if node is steps.root else [node]
            questions.extend(steps._finishes.get(steps.position, ()))
            for question in questions:
                _ask(steps, question, ask, show, score)
            show(str(steps.step()))
        steps._finish_lone_input()
    except (EOFError, KeyboardInterrupt):
        show("\n(quiz stopped)")
    show(str(score))
    return score


def _ask(steps: Any, node: Node, ask: Callable[[str], str], show: Callable[[str], Any], score: Score) -> None:
    score.asked += 1
    name = steps.grad_name(node)
    for attempt in range(1, TRIES + 1):
        text = ask(f"{name} = ? ").strip()
        if not text:
            break
        try:
            verdict = steps.answer(node, text)
        except (TypeError, ValueError) as error:
            show(str(error))
            continue
        if verdict.correct:
            score.right += 1
            score.first_try += attempt == 1
            show(repr(verdict))
            return
        show(repr(verdict))
    show(f"the answer: {name} = {format_number(pass_gradients(steps)[node])}")
