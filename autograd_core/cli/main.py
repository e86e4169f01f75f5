"""The ``chainrule`` command.

Each package contributes its own subcommands through the ``chainrule.commands`` entry-point
group (a function ``register(subparsers)`` that adds parsers and sets ``func``), so the command
line grows with the packages without any package importing another against the dependency
direction (``viz -> autograd_core``, ``nn -> autograd_core``).

One error path serves every subcommand: a command that cannot do what was asked raises a
:class:`CommandError` (:class:`UsageError` for bad input, status 2; a failure that is not the
input's fault, such as a diverged training run, status 1; a stop by Ctrl-C, 130), and
:func:`main` prints it as one line, ``chainrule <command>: error: <message>``, and exits with its
status.  argparse's own refusals (an unknown flag, a value of the wrong type, a missing argument)
take the same path: one line, status 2, instead of a usage block.  Other exceptions are bugs and
keep their traceback, except conditions of the machine rather than of the input: a missing
Graphviz ``dot`` or optional package (one line with the install hint, status 1), a closed pipe
(``chainrule steps ... | head``: quiet, status 141 as for SIGPIPE) and Ctrl-C outside a command's
own handling (one line, 130).

Example:
    $ chainrule draw "price = apple * count * tax" apple=100 count=2 tax=1.1 -o apple.svg
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, entry_points, version
from typing import NoReturn

from ..extras import MissingExtraError

__all__ = [
    "BROKEN_PIPE_STATUS",
    "ENVIRONMENT_STATUS",
    "INTERRUPTED_STATUS",
    "USAGE_STATUS",
    "CommandError",
    "UsageError",
    "build_parser",
    "main",
]

#: Exit status for bad input: a flag, a file, a formula or a value the command cannot use.
USAGE_STATUS = 2

#: Exit status when the machine lacks something the command needs (Graphviz's ``dot``).
ENVIRONMENT_STATUS = 1

#: Exit status after Ctrl-C (128 + SIGINT, as a shell reports it).
INTERRUPTED_STATUS = 130

#: Exit status when standard output was closed early (128 + SIGPIPE, as a shell reports it).
BROKEN_PIPE_STATUS = 141

_GRAPHVIZ_HINT = (
    "Graphviz's `dot` program was not found on PATH. Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; "
    "macOS: `brew install graphviz`; conda: `conda install graphviz`)"
)


class CommandError(Exception):
    """A ``chainrule`` command could not do what was asked: :func:`main` prints the message as one
    line, ``chainrule <command>: error: <message>``, and exits with ``status`` (1 unless given).

    >>> CommandError("the loss became nan; nothing saved").status
    1
    """

    status = ENVIRONMENT_STATUS

    def __init__(self, message: str, status: int | None = None, *, prog: str | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        self.prog = prog  # who says it (``chainrule check``), when not the command that ran


class UsageError(CommandError, ValueError):
    """Bad input to a ``chainrule`` command: :func:`main` prints the message as one line and exits 2.

    Commands raise it from their validation (flags, files, formulas), never around their real
    work, so a bug elsewhere still shows its traceback.

    >>> main(["check", "y = x * x", "x=1", "--eps", "0"])  # prints the error on stderr
    2
    """

    status = USAGE_STATUS


def _version() -> str:
    try:
        return version("chainrule")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown (not installed)"


class _Parser(argparse.ArgumentParser):
    """A parser whose refusals raise :class:`UsageError` (its subcommands' parsers are of this
    class too), so :func:`main` says them in one line like every other bad input."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)", prog=self.prog)


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every installed package's subcommands."""
    parser = _Parser(
        prog="chainrule",
        description="Reverse-mode autodiff you can see inside: draw, step through and check backprop.",
    )
    parser.add_argument("--version", action="version", version=f"chainrule {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for entry in sorted(entry_points(group="chainrule.commands"), key=lambda e: e.name):
        entry.load()(subparsers)
    return parser


def _message(error: BaseException) -> str:
    """The message of ``error``; a formula error keeps its formula and caret on the lines below."""
    return str(error).strip() or type(error).__name__


def _is_missing_graphviz(error: BaseException) -> bool:
    """Graphviz's ``dot`` is missing: the ``graphviz`` package's ``ExecutableNotFound`` or a
    project error of that meaning (matched by class name, as ``autograd_core`` imports no view)."""
    names = {cls.__name__ for cls in type(error).__mro__}
    return bool(names & {"ExecutableNotFound", "GraphvizNotFoundError"})


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``chainrule``; returns the exit status (0 on success, 2 for bad input)."""
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        command = getattr(args, "command", None)
        if unknown:
            prog = f"chainrule {command}" if command else "chainrule"
            raise UsageError(f"unrecognized arguments: {' '.join(unknown)} (see {prog} --help)", prog=prog)
    except UsageError as error:
        print(f"{error.prog}: error: {_message(error)}", file=sys.stderr)
        return error.status
    if getattr(args, "func", None) is None:
        parser.print_help()
        return USAGE_STATUS
    command = command or "chainrule"
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows up here, inside the handler, not at interpreter exit
        return status
    except CommandError as error:
        print(f"chainrule {command}: error: {_message(error)}", file=sys.stderr)
        return error.status
    except BrokenPipeError:
        _silence_stdout()
        return BROKEN_PIPE_STATUS
    except KeyboardInterrupt:  # Ctrl-C outside a command's own handling (train keeps its last epoch)
        print(f"chainrule {command}: interrupted", file=sys.stderr)
        return INTERRUPTED_STATUS
    except MissingExtraError as error:  # an optional package this command needs (its line names the extra)
        print(f"chainrule {command}: error: {error}", file=sys.stderr)
        return ENVIRONMENT_STATUS
    except Exception as error:
        if not _is_missing_graphviz(error):
            raise
        detail = str(error).strip()
        message = detail if "install" in detail.lower() else f"{_GRAPHVIZ_HINT} ({detail or type(error).__name__})"
        print(f"chainrule {command}: error: {message}", file=sys.stderr)
        return ENVIRONMENT_STATUS


def _silence_stdout() -> None:
    """Point standard output at /dev/null so Python's final flush does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass

