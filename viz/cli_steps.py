"""``chainrule steps``, ``quiz`` and ``lecture``: backprop step by step from a formula.

``chainrule steps "price = apple * count * tax" apple=100 count=2 tax=1.1`` prints the forward
pass, every step of the backward pass (one block per node, in the textbook's terms) and the
final table of values and gradients.  ``chainrule quiz ...`` asks for every gradient instead,
checks each answer and gives hints.  ``chainrule lecture ... -o apple.html`` writes the same
walk as a self-contained HTML page with one diagram, restyled for every step.  ``--grad 1.3``
starts the pass from an upstream gradient of 1.3 instead of 1 (the textbook's figures 11 and 13).

Example:
    >>> from autograd_core.cli import main
    >>> main(["steps", "y = x * x", "x=3"])   # doctest: +ELLIPSIS
    y = x * x
    <BLANKLINE>
    forward pass, left to right:
      y = mul(x, x) = mul(3, 3) = 9
    ...
    0
"""

from __future__ import annotations

import argparse
import math

from autograd_core import Value
from autograd_core.cli import CommandError, UsageError
from autograd_core.cli.formula import bad_input, evaluate_command_line
from autograd_core.cli.output import output_file
from autograd_core.steps import Backprop
from autograd_core.steps.quiz import ASK
from autograd_core.words import format_number

__all__ = ["build", "register", "walk_text"]

_EXAMPLE = 'chainrule {command} "price = apple * count * tax" apple=100 count=2 tax=1.1'


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``steps`` and ``lecture`` to the ``chainrule`` parser."""
    steps = subparsers.add_parser(
        "steps",
        help="print backprop step by step for a formula",
        description="Print the forward pass, then every step of backprop (upstream x local = contribution "
        "for each input), then every node's value and gradient.",
        epilog="example: " + _EXAMPLE.format(command="steps"),
    )
    _formula_arguments(steps)
    steps.set_defaults(func=_run_steps)

    quiz = subparsers.add_parser(
        "quiz",
        help="backprop as an exercise: you give each gradient, it checks",
        description="Walk backprop step by step and ask for every gradient (and with --ask, every local "
        "derivative) before showing it. Answers may be arithmetic (1.1*2); a wrong answer gets a hint (upstream "
        "gradient, local derivative, product) and another try; an empty answer shows it. A score at the end "
        "says what to review; Ctrl-C stops with the score so far (exit status 130).",
        epilog="example: " + _EXAMPLE.format(command="quiz"),
    )
    _formula_arguments(quiz)
    quiz.add_argument(
        "--ask", choices=ASK, default="grads",
        help="what to ask for: every gradient, every edge's local derivative, or both (default: %(default)s)",
    )
    quiz.set_defaults(func=_run_quiz)

    lecture = subparsers.add_parser(
        "lecture",
        help="write a self-contained HTML page that steps through backprop",
        description="Write one HTML file (no network needed) showing the forward pass, then backprop step by "
        "step on one diagram that follows the node being processed; Previous/Next buttons and the arrow keys "
        "move through it, o shows the whole graph.",
        epilog="example: " + _EXAMPLE.format(command="lecture") + " -o apple.html",
    )
    _formula_arguments(lecture)
    lecture.add_argument("-o", "--output", default="lecture.html", help="the HTML file to write (default: %(default)s)")
    lecture.add_argument("--title", help="the page's heading (default: the formula)")
    lecture.add_argument(
        "--rankdir", default="LR", choices=("LR", "TB", "RL", "BT"), help="diagram direction (default: %(default)s)"
    )
    lecture.add_argument(
        "--quiz", action="store_true",
        help="predict, then reveal: each step's numbers stay hidden until typed into the page (or shown)",
    )
    lecture.add_argument(
        "--ask", choices=ASK, default="grads",
        help="with --quiz: ask for gradients, local derivatives or both (default: %(default)s)",
    )
    lecture.set_defaults(func=_run_lecture)


def _formula_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("formula", help='e.g. "price = apple * count * tax" (several statements: separate with ;)')
    parser.add_argument("values", nargs="*", metavar="name=value", help="a value for every input, e.g. apple=100")
    add_grad_argument(parser)


def add_grad_argument(parser: argparse.ArgumentParser) -> None:
    """``--grad G``: the upstream gradient the backward pass starts from (default 1)."""
    parser.add_argument(
        "--grad", type=float, default=None, metavar="G",
        help="the output's upstream gradient, where backprop starts (default 1; the textbook's figures use 1.3)",
    )


def grad_value(args: argparse.Namespace) -> float | None:
    """The ``--grad`` value, refused (ValueError) unless a finite number."""
    grad = getattr(args, "grad", None)
    if grad is not None and not math.isfinite(grad):
        raise ValueError(f"--grad must be a finite number, got {grad}")
    return grad


def build(formula: str, assignments: list[str]) -> Value:
    """The output node of ``formula`` evaluated at ``name=value`` assignments.

    >>> build("price = apple * count * tax", ["apple=100", "count=2", "tax=1.1"]).name
    'price'
    """
    return evaluate_command_line(formula, assignments).output


def walk_text(root: Value, formula: str | None = None, grad: float | None = None) -> str:
    """The whole walk as text: forward pass, each backprop step, the final table; ``grad`` is
    the upstream gradient the pass starts from (default 1)."""
    steps = Backprop(root, grad)
    parts = []
    if formula:
        parts.append(formula.strip() + "\n")
    forward = steps.forward_lines() or [f"(no operation: {steps.label(root)} is an input)"]
    parts.append("forward pass, left to right:\n" + "\n".join(f"  {line}" for line in forward) + "\n")
    seed = format_number(steps.gradient(root))
    parts.append(f"backward pass, right to left, from {steps.grad_name(root)} = {seed}:")
    for step in steps:
        parts.append(step.text + "\n")
    parts.append("every node after backprop:\n" + "\n".join(f"  {line}" for line in steps.table().splitlines()))
    return "\n".join(parts)


def _graph(args: argparse.Namespace) -> Value:
    with bad_input():
        grad_value(args)
        root = build(args.formula, args.values)
        if not root.requires_grad:
            raise ValueError(f"{root.label!r} does not depend on any input: there is nothing to backpropagate into")
    return root


def _run_steps(args: argparse.Namespace) -> int:
    root = _graph(args)
    print(walk_text(root, args.formula, args.grad))
    return 0


def _run_quiz(args: argparse.Namespace) -> int:
    root = _graph(args)
    steps = Backprop(root, args.grad)
    forward = steps.forward_lines() or [f"(no operation: {steps.label(root)} is an input)"]
    print(args.formula.strip() + "\n\nforward pass, left to right:\n" + "\n".join(f"  {line}" for line in forward))
    print()
    score = steps.quiz(ask=args.ask)
    if score.stopped == "interrupted":
        raise KeyboardInterrupt  # the score is out; the command line's one path says it and exits 130
    return 0


def _run_lecture(args: argparse.Namespace) -> int:
    if args.ask != "grads" and not args.quiz:
        raise UsageError("--ask says what a quiz page asks for: add --quiz (see chainrule lecture --help)")
    from .lecture import lecture
    from .render import GraphvizNotFoundError

    root = _graph(args)
    output = output_file(args.output)  # as every command's -o: refused before any work
    try:
        page = lecture(
            root, output, title=args.title or args.formula.strip(), rankdir=args.rankdir,
            grad=grad_value(args), quiz=args.ask if args.quiz else False,
        )
    except (ValueError, TypeError, GraphvizNotFoundError, OSError, RuntimeError) as error:
        # one line saying what went wrong, without the library's "lecture: " prefix, no traceback;
        # bad input exits 2, what the machine lacks (Graphviz) or cannot do (write the file) 1
        message = str(error).removeprefix("lecture: ")
        if isinstance(error, (ValueError, TypeError)):
            raise UsageError(message) from error
        raise CommandError(message) from error
    size = page.path.stat().st_size
    steps = f"{page.steps} step" + ("" if page.steps == 1 else "s")
    print(f"wrote {page} ({size // 1024 + 1} KB, {steps}): open it in a browser, use the arrow keys")
    return 0
