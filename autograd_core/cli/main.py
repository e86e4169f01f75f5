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
Graphviz ``dot`` or optional package (one line with the install hint, status 1), a file that
cannot be written after all (:class:`~autograd_core.files.WriteError`: one line, status 1), a closed pipe
(``chainrule steps ... | head``: quiet, status 141 as for SIGPIPE), a standard output that
cannot be written (a full disk, closed by the shell: one line, status 1; see :mod:`.stdout`) and
Ctrl-C outside a command's own handling (one line, 130).  A flag's value may be any number
``float()`` reads, ``--grad -inf`` included: the command's own check then names what is wrong.

Example:
    $ chainrule draw "price = apple * count * tax" apple=100 count=2 tax=1.1 -o apple.svg
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, entry_points, version
from typing import NoReturn

from ..extras import MissingExtraError
from ..files import WriteError
from .errors import (
    BROKEN_PIPE_STATUS,
    ENVIRONMENT_STATUS,
    INTERRUPTED_STATUS,
    USAGE_STATUS,
    CommandError,
    UsageError,
)
from .stdout import StdoutError, guarded_stdout, silence_stdout

__all__ = ["build_parser", "main"]

_GRAPHVIZ_HINT = (
    "Graphviz's `dot` program was not found on PATH. Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; "
    "macOS: `brew install graphviz`; conda: `conda install graphviz`)"
)


def _version() -> str:
    try:
        return version("chainrule")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown (not installed)"


#: What a flag's value may look like when it starts with a minus: a number in any spelling
#: ``float()`` reads (``-5``, ``-.5``, ``-1e3``, ``-inf``, ``-nan``).  argparse itself takes only
#: ``-5`` and ``-.5`` for numbers and reads ``--grad -inf`` as a flag missing its value.
NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE)


class _Parser(argparse.ArgumentParser):
    """A parser whose refusals raise :class:`UsageError` (its subcommands' parsers are of this
    class too), so :func:`main` says them in one line like every other bad input; a minus
    followed by a number (:data:`NEGATIVE_NUMBER`) is a value, never a flag, so that the
    command's own check names what is wrong with it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._negative_number_matcher = NEGATIVE_NUMBER

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
    """Run ``chainrule``; returns the exit status (0 on success, 2 for bad input).

    All of a command's output goes through one guarded standard output (:mod:`.stdout`), flushed
    here: a write that fails (a full disk, standard output closed) is one line and status 1,
    a reader that leaves is quiet and status 141, whichever command or ``--help`` wrote it.
    """
    _keep_closed_stdout_closed()
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        with guarded_stdout():
            try:
                status = _run(arguments)
            except StdoutError:
                raise
            except CommandError as error:
                _say(f"{error.prog or _prog_of(arguments)}: error: {_message(error)}")
                status = error.status
            sys.stdout.flush()  # a failing or closed output shows up here, not at interpreter exit
        return status
    except StdoutError as error:
        silence_stdout()
        _say(f"{error.prog or _prog_of(arguments)}: error: {_message(error)}")
        return error.status
    except BrokenPipeError:
        silence_stdout()
        return BROKEN_PIPE_STATUS


def _prog_of(arguments: list[str]) -> str:
    """``chainrule <command>`` as far as the arguments name one (before they are parsed)."""
    for argument in arguments:
        if not argument.startswith("-"):
            return f"chainrule {argument}"
    return "chainrule"


def _run(arguments: list[str]) -> int:
    """Parse and run; returns the status, or raises :class:`CommandError` with ``prog`` set to the
    command that speaks (``chainrule draw``)."""
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(arguments)
        command = getattr(args, "command", None)
        if unknown:
            prog = f"chainrule {command}" if command else "chainrule"
            raise UsageError(f"unrecognized arguments: {' '.join(unknown)} (see {prog} --help)", prog=prog)
    except SystemExit as done:  # --help and --version print, then exit: their output is flushed by main
        return done.code if isinstance(done.code, int) else 0
    if getattr(args, "func", None) is None:
        parser.print_help()
        return USAGE_STATUS
    prog = f"chainrule {command}" if command else "chainrule"
    try:
        return int(args.func(args) or 0)
    except CommandError as error:
        error.prog = error.prog or prog
        raise
    except KeyboardInterrupt:  # Ctrl-C outside a command's own handling (train keeps its last epoch)
        _say(f"{prog}: interrupted")
        return INTERRUPTED_STATUS
    except MissingExtraError as error:  # an optional package this command needs (its line names the extra)
        raise CommandError(str(error), ENVIRONMENT_STATUS, prog=prog) from None
    except WriteError as error:  # the machine failed a file already checked at the door (a full disk)
        raise CommandError(str(error), ENVIRONMENT_STATUS, prog=prog) from None
    except Exception as error:
        if not _is_missing_graphviz(error):
            raise
        detail = str(error).strip()
        message = detail if "install" in detail.lower() else f"{_GRAPHVIZ_HINT} ({detail or type(error).__name__})"
        raise CommandError(message, ENVIRONMENT_STATUS, prog=prog) from None


def _say(line: str) -> None:
    """One line on standard error; if that cannot be written either, there is no one to tell."""
    if sys.stderr is None:  # closed by the shell: print(file=None) would write to standard output
        return
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _keep_closed_stdout_closed() -> None:
    """A standard output closed by the shell (``>&-``) leaves file descriptor 1 free, and the next
    file opened (a diagram being written, a pipe to ``dot``) would get it: hold it on the null
    device.  ``sys.stdout`` stays None, so the first write still fails as a closed output does."""
    if sys.stdout is not None:
        return
    try:
        os.fstat(1)
    except OSError as error:
        if error.errno == errno.EBADF:
            devnull = os.open(os.devnull, os.O_WRONLY)
            if devnull != 1:
                os.dup2(devnull, 1)
                os.close(devnull)
