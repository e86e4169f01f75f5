"""Where a ``chainrule`` command writes its file: checked at the door, by one function for all.

Every command that writes a file (``draw -o``, ``lecture -o``, ``playground -o``; ``train --out``
checks its folder the same way) calls :func:`output_file` before any work: a path that cannot be
written is bad input, one line and exit status 2.  The write itself goes through
:func:`autograd_core.files.write_atomically`; if the machine then fails it (a full disk), the
:class:`~autograd_core.files.WriteError` is one line and exit status 1, said by ``main``.

>>> output_file("/proc/x.svg")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
autograd_core.cli.errors.UsageError: -o /proc/x.svg: cannot write in /proc (...)
"""

from __future__ import annotations

import os
from pathlib import Path

from ..files import check_writable
from .errors import UsageError

__all__ = ["output_file"]


def output_file(path: os.PathLike[str] | str, flag: str = "-o") -> Path:
    """``path`` if it can be written (see :func:`autograd_core.files.check_writable`); else a
    :class:`UsageError` naming ``flag``, the path and what is wrong."""
    try:
        return check_writable(path, flag)
    except ValueError as error:
        raise UsageError(str(error)) from None
