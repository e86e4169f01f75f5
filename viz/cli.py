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
import os
import sys
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path

from autograd_core.cli import CommandError, UsageError
from autograd_core.cli.formula import bad_input, evaluate_command_line
from autograd_core.cli.output import output_file
from autograd_core.words import DIGITS, format_number

from .cli_steps import add_grad_argument, grad_value
from .draw import GraphTooLargeError, draw
from .render import DEFAULT_TIMEOUT, FORMATS, RENDER_MAX_NODES, GraphvizNotFoundError, render, render_source

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
        "-o",
        "--output",
        help="the file to write, its suffix picks the format (default: <output name>.svg); "
        "'-' writes to standard output (SVG unless --format says otherwise)",
    )
    parser.add_argument("--format", choices=_FORMAT_CHOICES, help="svg, png, pdf or dot (default: from -o, else svg)")
    parser.add_argument("--rankdir", choices=("LR", "TB", "RL", "BT"), default="LR", help="layout direction")
    parser.add_argument("--no-grad", action="store_true", help="hide the gradients (a 'before backward' slide)")
    parser.add_argument("--no-local", action="store_true", help="hide the local derivatives on the edges")
    parser.add_argument("--title", help="a title above the diagram")
    parser.add_argument(
        "--digits", type=int, default=DIGITS, help=f"significant digits of the numbers (default {DIGITS})"
    )
    parser.add_argument(
        "--max-nodes", type=int, default=RENDER_MAX_NODES,
        help=f"most boxes to draw; bigger graphs fold name scopes or are refused (default {RENDER_MAX_NODES})",
    )
    parser.add_argument("--legend", action="store_true", help="add a colour key")
    parser.add_argument("--dpi", type=float, help="PNG resolution (default 150)")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help=f"seconds dot may run (default {DEFAULT_TIMEOUT:g})"
    )
    add_grad_argument(parser)
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
    with bad_input():
        if not 1 <= args.digits <= 17:
            raise ValueError(f"--digits must be from 1 to 17, got {args.digits}")
        if args.max_nodes < 1:
            raise ValueError(f"--max-nodes must be at least 1, got {args.max_nodes}")
        grad = grad_value(args)
        line = evaluate_command_line(args.formula, args.values)
        program, nodes = line.program, line.nodes
        path = _output_path(args.output, args.format, program.output)
    output = nodes[program.output]
    digits = args.digits
    # With -o - the diagram is standard output: the figures go to standard error, out of its way.
    info = sys.stderr if path is None else sys.stdout
    print(f"{program.output} = {format_number(output.data, digits)}", file=info)
    if output.requires_grad:
        output.backward(grad)
        if grad is not None:
            print(f"upstream d{program.output} = {format_number(grad, digits)}", file=info)
        differentiated = [name for name in nodes if name != program.output and nodes[name].requires_grad]
        width = max((len(name) for name in differentiated), default=0)
        for name in differentiated:
            print(f"d{program.output}/d{name:<{width}} = {format_number(nodes[name].grad, digits)}", file=info)
    else:
        print(f"({program.output} depends on no variable: there is no gradient to compute)", file=info)
    options = {
        "rankdir": args.rankdir,
        "show_grad": not args.no_grad,
        "show_local": not args.no_local,
        "digits": digits,
        "title": args.title,
        "max_nodes": args.max_nodes,
        "legend": args.legend,
    }
    png = {"dpi": args.dpi} if args.dpi is not None else {}
    try:
        if path is None:
            fmt = args.format or "svg"
            if png and fmt != "png":
                raise ValueError(f"--dpi applies to PNG only, not {fmt.upper()}")
            data = render_source(draw(output, **options).source, fmt, timeout=args.timeout, **png)
        else:
            written = render(output, path, timeout=args.timeout, **png, **options)
    except (GraphTooLargeError, ValueError) as error:
        raise UsageError(str(error)) from error
    except (GraphvizNotFoundError, RuntimeError, OSError) as error:
        raise CommandError(str(error)) from error
    if path is None:  # outside the handler above: a reader that closes the pipe is not a rendering failure
        _write_stdout(data)
        return 0
    print(f"wrote {written}")
    return 0


def _output_path(output: str | None, fmt: str | None, output_name: str) -> Path | None:
    """The file to write: ``-o`` as given, else ``<output name>.<format>``; ``--format`` and the
    suffix of ``-o`` must agree (``-o apple`` with ``--format png`` writes ``apple.png``).
    ``-o -`` is standard output: None."""
    if output == "-":
        return None
    if output is None:
        return output_file(Path(f"{output_name}.{fmt or 'svg'}"))
    path = Path(output)
    if os.path.isdir(path):
        raise ValueError(f"-o {output}: is a folder; give a file name such as {path / (output_name + '.svg')}")
    suffix = path.suffix.lower()
    if suffix in FORMATS:
        if fmt is not None and FORMATS[suffix] != fmt:
            raise ValueError(f"-o {output} asks for {FORMATS[suffix].upper()} but --format says {fmt.upper()}")
        return output_file(path)
    if fmt is None:
        if suffix:
            known = ", ".join(FORMATS)
            raise ValueError(f"-o {output}: unknown suffix {path.suffix!r}; use one of {known} or --format")
        fmt = "svg"
    return output_file(path.with_name(path.name + f".{fmt}"))


def _write_stdout(data: bytes) -> None:
    """All of ``data`` to standard output.  A binary write into a pipe may stop part-way when the
    reader leaves, returning the count written; writing the rest then raises BrokenPipeError,
    which ``chainrule`` turns into a quiet exit."""
    sys.stdout.flush()
    view = memoryview(data)
    while view:
        view = view[sys.stdout.buffer.write(view) :]
    sys.stdout.buffer.flush()
