"""What the commands that take a formula share: ``NAME=VALUE`` arguments, the graph, bad input.

Every ``chainrule`` command that takes a formula builds its graph with
:func:`evaluate_command_line`, inside :func:`bad_input`, so they all refuse the same bad input
with the same one line (``chainrule <command>: error: <message>``, exit status 2), a forward
pass that leaves float64's range included: a value that is inf or nan at the given values is
refused, naming the first node where it appears, rather than drawn or stepped through.

Example:
    >>> line = evaluate_command_line("price = apple * count", ["apple=100", "count=2"])
    >>> line.output.data, line.values
    (200.0, {'apple': 100.0, 'count': 2.0})
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..expr import ExpressionError, Program, parse
from ..graph import topological_order
from ..value import Value
from ..words import format_number
from .errors import UsageError

__all__ = [
    "INPUT_ERRORS",
    "CommandLine",
    "bad_input",
    "check_finite",
    "evaluate_command_line",
    "parse_assignments",
]

#: What bad input raises: :class:`ExpressionError` and the engine's ``DomainError`` are
#: ``ValueError``s; ``TypeError`` and ``ArithmeticError`` (an overflow) can come from evaluating.
INPUT_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, ArithmeticError)


@contextmanager
def bad_input() -> Iterator[None]:
    """Inside the block, what bad input raises (:data:`INPUT_ERRORS`) becomes a :class:`UsageError`:
    one line on stderr and exit status 2.  Wrap the reading of the input, not the real work, so a
    bug elsewhere keeps its traceback.

    >>> with bad_input():  # doctest: +ELLIPSIS
    ...     parse_assignments(["x:1"])
    Traceback (most recent call last):
    ...
    autograd_core.cli.errors.UsageError: expected name=value, got 'x:1'
    """
    try:
        yield
    except UsageError:
        raise
    except INPUT_ERRORS as error:
        raise UsageError(str(error)) from error


def parse_assignments(arguments: Iterable[str]) -> dict[str, float]:
    """Read ``name=value`` command-line arguments into a dict of floats.

    >>> parse_assignments(["apple=100", "count=2", "tax=1.1"])
    {'apple': 100.0, 'count': 2.0, 'tax': 1.1}
    >>> parse_assignments(["\ufb01=2"])   # the ligature fi: Python, and so the formula, read it as 'fi'
    {'fi': 2.0}
    >>> parse_assignments(["apple:100"])
    Traceback (most recent call last):
    ...
    autograd_core.expr.ExpressionError: expected name=value, got 'apple:100'
    """
    values: dict[str, float] = {}
    given: dict[str, str] = {}  # each name as the formula reads it -> the argument that gave it
    for argument in arguments:
        name, sep, text = argument.partition("=")
        name = name.strip()
        text = text.strip()
        if not sep or not name:
            raise ExpressionError(f"expected name=value, got {argument!r}")
        if not name.isidentifier():
            raise ExpressionError(f"{name!r} (in {argument!r}) is not a valid variable name")
        # Python reads identifiers in NFKC form (the ligature 'ﬁ' is 'fi'), and so does the formula.
        name = unicodedata.normalize("NFKC", name)
        if name in values:
            raise ExpressionError(f"{name!r} is given twice ({given[name]} and {argument})")
        given[name] = argument
        try:
            number = float(text)
        except ValueError:
            raise ExpressionError(f"the value of {name!r} is not a number: {text!r} (in {argument!r})") from None
        if not math.isfinite(number):
            raise ExpressionError(f"the value of {name!r} must be a finite number, got {text!r}")
        values[name] = number
    return values


@dataclass(frozen=True)
class CommandLine:
    """A formula evaluated at command-line values: the parsed program, the values and every named node."""

    program: Program
    values: dict[str, float]
    nodes: dict[str, Value]

    @property
    def output(self) -> Value:
        """The output node (the last statement's target)."""
        return self.nodes[self.program.output]


def evaluate_command_line(formula: str, assignments: Iterable[str]) -> CommandLine:
    """Parse ``formula`` and its ``NAME=VALUE`` arguments and build the graph (forward pass only),
    refused (:func:`check_finite`) if a value leaves float64's range; call it inside :func:`bad_input`.

    >>> evaluate_command_line("y = x * 2.0**1024", ["x=3"])
    Traceback (most recent call last):
    ...
    autograd_core.expr.ExpressionError: a constant (pow) = inf at x=3: float64 overflows there; try smaller values
    """
    program = parse(formula)
    values = parse_assignments(assignments)
    line = CommandLine(program, values, program.evaluate(values))
    check_finite(line.output, values)
    return line


def check_finite(output: Value, values: dict[str, float]) -> None:
    """Refuse (:class:`ExpressionError`) a graph with an inf or nan value, naming the first node in
    the forward pass that has one, its op and inputs, and the values it was computed at.

    >>> z = parse("y = exp(x); z = y * y").evaluate({"x": 400.0})["z"]
    >>> check_finite(z, {"x": 400.0})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd_core.expr.ExpressionError: z = mul(5.221e173, 5.221e173) = inf at x=400: float64 overflows there; ...
    """
    for node in topological_order(output):
        number = float(node.data)
        if math.isfinite(number):
            continue
        inputs = ", ".join(format_number(parent.data) for parent in node.parents)
        if node.parents:
            computed = f"{node.op}({inputs})"
        else:  # a number in the formula, worked out before the graph (2.0**1024)
            computed = f"a constant ({node.op})" if node.op else "a constant"
        named = f"{node.name} = " if node.name is not None else ""
        at = ", ".join(f"{name}={format_number(value)}" for name, value in values.items()) or "these values"
        why = "float64 overflows there" if math.isinf(number) else "the value is not a number there"
        raise ExpressionError(f"{named}{computed} = {format_number(number)} at {at}: {why}; try smaller values")
