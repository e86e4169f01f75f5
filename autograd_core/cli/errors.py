"""What a ``chainrule`` command raises when it cannot do what was asked, and the exit statuses.

>>> UsageError("--eps must be a finite number above 0, got 0").status
2
"""

from __future__ import annotations

__all__ = [
    "BROKEN_PIPE_STATUS",
    "ENVIRONMENT_STATUS",
    "INTERRUPTED_STATUS",
    "USAGE_STATUS",
    "CommandError",
    "UsageError",
]

#: Exit status for bad input: a flag, a file, a formula or a value the command cannot use.
USAGE_STATUS = 2

#: Exit status when the machine lacks something the command needs (Graphviz's ``dot``).
ENVIRONMENT_STATUS = 1

#: Exit status after Ctrl-C (128 + SIGINT, as a shell reports it).
INTERRUPTED_STATUS = 130

#: Exit status when standard output was closed early (128 + SIGPIPE, as a shell reports it).
BROKEN_PIPE_STATUS = 141


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

    >>> from autograd_core.cli import main
    >>> main(["check", "y = x * x", "x=1", "--eps", "0"])  # prints the error on stderr
    2
    """

    status = USAGE_STATUS
