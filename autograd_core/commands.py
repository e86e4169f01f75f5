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
import warnings

from .expr import INPUT_ERRORS, ExpressionError, evaluate_command_line, report_input_error
from .gradcheck import GradcheckWarning, gradcheck
from .gradcheck_report import GradcheckReport
from .value import Value

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
            "  2  bad input (the formula, a NAME=VALUE or an option)\n"
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


def run_check(args: argparse.Namespace) -> int:
    """``chainrule check``: print backprop and numerical gradients side by side; 0 when they agree."""
    try:
        line = evaluate_command_line(args.formula, args.values)  # names a missing or unknown variable
        program, values = line.program, line.values
        leaves = [Value(values[name], name=name) for name in program.inputs]
        if not leaves:
            raise ExpressionError("the formula has no input variables to differentiate")

        def fn(*nodes: Value) -> Value:
            return program.evaluate(dict(zip(program.inputs, nodes)))[program.output]

        output = fn(*leaves)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GradcheckWarning)  # printed below, in the report's words
            report = gradcheck(fn, *leaves, eps=args.eps, atol=args.atol, rtol=args.rtol, raise_exception=False)
    except INPUT_ERRORS as error:
        return report_input_error("check", error)
    shown = ", ".join(f"{name}={values[name]:g}" for name in program.inputs)
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
