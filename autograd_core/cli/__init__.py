"""The ``chainrule`` command: one parser, one error path; each package adds its subcommands."""

from .errors import (
    BROKEN_PIPE_STATUS,
    ENVIRONMENT_STATUS,
    INTERRUPTED_STATUS,
    USAGE_STATUS,
    CommandError,
    UsageError,
)
from .main import build_parser, main

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
