"""The ``chainrule`` command.

Each package contributes its own subcommands through the ``chainrule.commands`` entry-point
group (a function ``register(subparsers)`` that adds parsers and sets ``func``), so the command
line grows with the packages without any package importing another against the dependency
direction (``viz -> autograd_core``, ``nn -> autograd_core``).

Example:
    $ chainrule draw "price = apple * count * tax" apple=100 count=2 tax=1.1 -o apple.svg
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every installed package's subcommands."""
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="Reverse-mode autodiff you can see inside: draw, step through and check backprop.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for entry in sorted(entry_points(group="chainrule.commands"), key=lambda e: e.name):
        entry.load()(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``chainrule``; returns the exit status (0 on success)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
