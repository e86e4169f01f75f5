"""Subcommands of ``chainrule`` contributed by the ``viz`` package: ``chainrule draw``.

Example:
    $ chainrule draw "price = apple * count * tax" apple=100 count=2 tax=1.1 -o apple.svg
    price = 220
    dprice/dapple = 2.2
    dprice/dcount = 110
    dprice/dtax   = 200
    wrote apple.svg
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path

from autograd_core.expr import INPUT_ERRORS, evaluate_command_line, report_input_error

from .draw import GraphTooLargeError
from .format import format_number
from .render import DEFAULT_TIMEOUT, FORMATS, RENDER_MAX_NODES, GraphvizNotFoundError, render

_FORMAT_CHOICES = ("svg", "png", "pdf", "dot")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this package's subcommands to the ``chainrule`` parser."""
    parser = subparsers.add_parser(
        "draw",
        help="draw a formula's graph with values, gradients and local derivatives",
        description=(
            "Parse a formula safely (numbers, names, + - * / **, unary -, exp log tanh sigmoid relu; "
            "statements separated by ';' name intermediate nodes), run forward and backward, print the "
            "gradients and write the diagram."
        ),
        epilog='example: chainrule draw "price = apple * count * tax" apple=100 count=2 tax=1.1 -o apple.svg',
    )
    parser.add_argument("formula", help='e.g. "apple_price = apple * count; price = apple_price * tax"')
    parser.add_argument("values", nargs="*", metavar="NAME=VALUE", help="a value for every input variable")
    parser.add_argument(
        "-o", "--output", help="the file to write; its suffix picks the format (default: <output name>.svg)"
    )
    parser.add_argument("--format", choices=_FORMAT_CHOICES, help="svg, png, pdf or dot (default: from -o, else svg)")
    parser.add_argument("--rankdir", choices=("LR", "TB", "RL", "BT"), default="LR", help="layout direction")
    parser.add_argument("--no-grad", action="store_true", help="hide the gradients (a 'before backward' slide)")
    parser.add_argument("--no-local", action="store_true", help="hide the local derivatives on the edges")
    parser.add_argument("--title", help="a title above the diagram")
    parser.add_argument("--digits", type=int, default=4, help="significant digits of the numbers (default 4)")
    parser.add_argument(
        "--max-nodes", type=int, default=RENDER_MAX_NODES,
        help=f"most boxes to draw; bigger graphs fold name scopes or are refused (default {RENDER_MAX_NODES})",
    )
    parser.add_argument("--legend", action="store_true", help="add a colour key")
    parser.add_argument("--dpi", type=float, help="PNG resolution (default 150)")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help=f"seconds dot may run (default {DEFAULT_TIMEOUT:g})"
    )
    parser.set_defaults(func=run_draw)
    _register_steps(subparsers)


def _register_steps(subparsers: argparse._SubParsersAction) -> None:
    """The step-through subcommands live in ``viz.cli_steps``; add them here unless they have an
    entry point of their own."""
    if find_spec("viz.cli_steps") is None:
        return
    if any(e.value.startswith("viz.cli_steps") for e in entry_points(group="chainrule.commands")):
        return
    from .cli_steps import register as register_steps

    register_steps(subparsers)


def run_draw(args: argparse.Namespace) -> int:
    """``chainrule draw``: returns the exit status (0 written, 2 bad input, 1 rendering failed)."""
    try:
        if not 1 <= args.digits <= 17:
            raise ValueError(f"--digits must be from 1 to 17, got {args.digits}")
        line = evaluate_command_line(args.formula, args.values)
        program, nodes = line.program, line.nodes
        path = _output_path(args.output, args.format, program.output)
    except INPUT_ERRORS as error:
        return report_input_error("draw", error)
    output = nodes[program.output]
    digits = args.digits
    print(f"{program.output} = {format_number(output.data, digits)}")
    if output.requires_grad:
        output.backward()
        differentiated = [name for name in nodes if name != program.output and nodes[name].requires_grad]
        width = max((len(name) for name in differentiated), default=0)
        for name in differentiated:
            print(f"d{program.output}/d{name:<{width}} = {format_number(nodes[name].grad, digits)}")
    else:
        print(f"({program.output} depends on no variable: there is no gradient to compute)")
    try:
        written = render(
            output,
            path,
            rankdir=args.rankdir,
            show_grad=not args.no_grad,
            show_local=not args.no_local,
            digits=digits,
            title=args.title,
            max_nodes=args.max_nodes if args.max_nodes and args.max_nodes > 0 else None,
            legend=args.legend,
            timeout=args.timeout,
            **({"dpi": args.dpi} if args.dpi is not None else {}),
        )
    except (GraphTooLargeError, ValueError) as error:
        return report_input_error("draw", error)
    except (GraphvizNotFoundError, RuntimeError, OSError) as error:
        return _fail(error, 1)
    print(f"wrote {written}")
    return 0


def _output_path(output: str | None, fmt: str | None, output_name: str) -> Path:
    """The file to write: ``-o`` as given, else ``<output name>.<format>``; ``--format`` and the
    suffix of ``-o`` must agree (``-o apple`` with ``--format png`` writes ``apple.png``)."""
    if output is None:
        return Path(f"{output_name}.{fmt or 'svg'}")
    path = Path(output)
    suffix = path.suffix.lower()
    if suffix in FORMATS:
        if fmt is not None and FORMATS[suffix] != fmt:
            raise ValueError(f"-o {output} asks for {FORMATS[suffix].upper()} but --format says {fmt.upper()}")
        return path
    if fmt is None:
        if suffix:
            known = ", ".join(FORMATS)
            raise ValueError(f"-o {output}: unknown suffix {path.suffix!r}; use one of {known} or --format")
        fmt = "svg"
    return path.with_name(path.name + f".{fmt}")


def _fail(error: Exception, status: int) -> int:
    print(f"chainrule draw: error: {error}", file=sys.stderr)
    return status
