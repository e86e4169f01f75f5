"""Subcommands of ``chainrule`` contributed by the engine itself (``chainrule check``).

Example:
    $ chainrule check "f = x**3 * exp(y)" x=2 y=0.5
    f = x**3 * exp(y) at x=2, y=0.5: f = 13.1898
    variable  backprop  numerical  abs error  rel error
    x         19.7847   19.7847    8.09e-10   2.05e-11   ok
    y         13.1898   13.1898    2.44e-10   9.23e-12   ok
    backprop and numerical gradients agree (eps=1e-06, |a - n| <= 1e-07 + 1e-05 |n|)
"""

from __future__ import annotations

import argparse
import math
import warnings

import numpy as np

from ..check.gradcheck import GradcheckWarning, gradcheck
from ..check.report import GradcheckReport
from ..expr import ExpressionError
from ..value import Value
from .errors import UsageError
from .formula import bad_input, evaluate_command_line

#: ``chainrule check``'s exit status when the gradients differ only where finite differences
#: cannot be trusted (an input at a kink): neither agreement (0) nor a wrong gradient (1).
INCONCLUSIVE_STATUS = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the engine's subcommands to the ``chainrule`` parser."""
    check = subparsers.add_parser(
        "check",
        help="compare backprop with numerical gradients for a formula",
        description=(
            "Build the formula's graph at the given values, run backprop, and compare every input's "
            "gradient with central differences; each node's local derivative is checked too, so a wrong "
            "op is named."
        ),
        epilog=(
            'example: chainrule check "f = x**3 * exp(y)" x=2 y=0.5\n\n'
            "exit status:\n"
            "  0  backprop and numerical gradients agree\n"
            "  1  they disagree (the report names the op or the variable)\n"
            "  2  bad input (the formula, a NAME=VALUE or an option), or values where float64 overflows\n"
            "     (a value, a gradient or a finite difference that is inf or nan cannot be checked)\n"
            f"  {INCONCLUSIVE_STATUS}  inconclusive: every disagreement comes from an input at a kink of relu,\n"
            "     where central differences give about 0.5 whatever backprop says; check another point"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("formula", help='e.g. "f = x**3 * exp(y)" (statements separated by ";")')
    check.add_argument("values", nargs="*", metavar="NAME=VALUE", help="a value for every input, e.g. x=2")
    check.add_argument("--eps", type=float, default=1e-6, help="central-difference step (default 1e-6)")
    check.add_argument("--atol", type=float, default=1e-7, help="absolute tolerance (default 1e-7)")
    check.add_argument("--rtol", type=float, default=1e-5, help="relative tolerance (default 1e-5)")
    check.set_defaults(func=run_check)


def _check_options(args: argparse.Namespace) -> None:
    """``--eps`` must be a finite positive step, ``--atol`` and ``--rtol`` finite and not negative."""
    if not (math.isfinite(args.eps) and args.eps > 0):
        raise UsageError(f"--eps must be a finite number above 0, got {args.eps:g}")
    for flag in ("atol", "rtol"):
        value = getattr(args, flag)
        if not (math.isfinite(value) and value >= 0):
            raise UsageError(f"--{flag} must be a finite number, 0 or more, got {value:g}")


def _overflow(report: GradcheckReport, at: str) -> str | None:
    """What overflowed, when a gradient, a finite difference or a local derivative is inf or nan."""
    for row in report.rows:
        for kind, gradient in (("backprop", row.backprop_gradient), ("numerical", row.numerical_gradient)):
            values = np.asarray(gradient if gradient is not None else getattr(row, kind), dtype=float)
            if not np.isfinite(values).all():
                return f"the {kind} gradient of {row.name} is {_first_bad(values)} at {at}"
    for mismatch in report.local_mismatches:
        if not (math.isfinite(mismatch.local) and math.isfinite(mismatch.numerical)):
            where = f"{mismatch.op} node" + (f" {mismatch.node!r}" if mismatch.node else "")
            return f"the local derivative of the {where} is {mismatch.local:g}, numerically {mismatch.numerical:g}"
    return None


def _first_bad(values: np.ndarray) -> str:
    return f"{values[~np.isfinite(values)].flat[0]:g}"


def run_check(args: argparse.Namespace) -> int:
    """``chainrule check``: print backprop and numerical gradients side by side; 0 when they agree."""
    _check_options(args)
    with bad_input():
        # names a missing or unknown variable, and a value that overflows float64 in the forward pass
        line = evaluate_command_line(args.formula, args.values)
        program, values = line.program, line.values
        leaves = [Value(values[name], name=name) for name in program.inputs]
        if not leaves:
            raise ExpressionError("the formula has no input variables to differentiate")

        def fn(*nodes: Value) -> Value:
            return program.evaluate(dict(zip(program.inputs, nodes)))[program.output]

        output = fn(*leaves)
        shown = ", ".join(f"{name}={values[name]:g}" for name in program.inputs)
        for name in program.inputs:
            if values[name] + args.eps == values[name] or values[name] - args.eps == values[name]:
                raise UsageError(
                    f"--eps {args.eps:g} is below float64's resolution at {name}={values[name]:g} "
                    f"({name} + eps == {name}): finite differences would be 0; use a larger --eps"
                )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GradcheckWarning)  # printed below, in the report's words
            warnings.simplefilter("ignore", RuntimeWarning)  # overflow in a finite difference: reported below
            report = gradcheck(fn, *leaves, eps=args.eps, atol=args.atol, rtol=args.rtol, raise_exception=False)
    overflow = _overflow(report, shown)
    if overflow is not None:
        raise UsageError(f"{overflow}: float64 overflows there, so gradients cannot be checked; try smaller values")
    print(f"{args.formula} at {shown}: {program.output} = {output.data:.6g}")
    print(_table(report))
    return _verdict(report)


def _table(report: GradcheckReport) -> str:
    rows: list[tuple[str, ...]] = [("variable", "backprop", "numerical", "abs error", "rel error", "")]
    for r in report.rows:
        rows.append(
            (
                r.name,
                f"{r.backprop:.6g}",
                f"{r.numerical:.6g}",
                f"{r.max_abs_error:.3g}",
                f"{r.relative_error:.3g}",
                "ok" if r.passed else ("INCONCLUSIVE" if report.inconclusive else "DIFFERENT"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows)


def _verdict(report: GradcheckReport) -> int:
    tolerance = f"eps={report.eps:g}, |a - n| <= {report.atol:g} + {report.rtol:g} |n|"
    for line in report.warnings:
        print(f"warning: {line}")
    if report.passed:
        print(f"backprop and numerical gradients agree ({tolerance})")
        return 0
    if report.local_mismatches:
        print("local derivatives that disagree with their op:")
        for mismatch in report.local_mismatches:
            print(f"  {mismatch}")
    for check in report.failed_checks:
        print(f"failed: {check}")
    for note in report.notes:
        print(note)
    if report.inconclusive:
        print(f"backprop and numerical gradients: INCONCLUSIVE {report.inconclusive_reason} ({tolerance})")
        return INCONCLUSIVE_STATUS
    print(f"backprop and numerical gradients DISAGREE ({tolerance})")
    return 1
