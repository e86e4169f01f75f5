"""Standard output as every ``chainrule`` command writes it: one place where writing can fail.

While a command runs, :func:`guarded_stdout` puts a thin wrapper in ``sys.stdout`` (its binary
``buffer`` too) that turns a failed write or flush into :class:`StdoutError`, so ``main`` says it
in one line (``chainrule <command>: error: cannot write to standard output: No space left on
device``) whatever printed it: ``print``, argparse's ``--help``, a diagram sent to ``-o -``.
A standard output the shell closed (``>&-``) fails the same way at the first write.  A reader
that leaves (``chainrule steps ... | head``) stays a ``BrokenPipeError``, which ``main`` ends
quietly.

>>> import io
>>> with guarded_stdout(io.StringIO()) as out:
...     print("hello")
>>> out.getvalue()
'hello\\n'
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from .errors import CommandError

__all__ = ["StdoutError", "guarded_stdout", "silence_stdout"]


class StdoutError(CommandError):
    """Standard output cannot be written (a full disk, an I/O error, closed): exit status 1.

    Not an ``OSError``, so that no library's handler of ``OSError`` (argparse's help printer
    swallows them) hides it.
    """

    def __init__(self, strerror: str) -> None:
        super().__init__(f"cannot write to standard output: {strerror}")


def _failed(error: OSError) -> StdoutError:
    return StdoutError(error.strerror or str(error) or type(error).__name__)


class _Guard:
    """Calls through to ``stream``; its failures, other than a closed pipe, become StdoutError."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _target(self) -> Any:
        if self._stream is None:  # the shell closed it: Python starts with sys.stdout = None
            raise StdoutError(os.strerror(errno.EBADF))
        return self._stream

    def _call(self, name: str, *args: Any) -> Any:
        target = self._target()
        try:
            return getattr(target, name)(*args)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _failed(error) from None

    def write(self, data: Any) -> Any:
        return self._call("write", data)

    def writelines(self, lines: Any) -> Any:
        return self._call("writelines", lines)

    def flush(self) -> None:
        self._call("flush")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)


class _TextGuard(_Guard):
    @property
    def buffer(self) -> _Guard:
        return _Guard(self._target().buffer)


@contextmanager
def guarded_stdout(stream: Any = None) -> Iterator[TextIO]:
    """Within the block, ``sys.stdout`` is ``stream`` (default: the current one) behind the guard;
    restored after.  Yields the stream itself."""
    saved = sys.stdout
    stream = saved if stream is None else stream
    sys.stdout = _TextGuard(stream)  # type: ignore[assignment]
    try:
        yield stream
    finally:
        sys.stdout = saved


def silence_stdout() -> None:
    """Point file descriptor 1 at the null device, so that Python's final flush of what is still
    buffered does not fail a second time ("Exception ignored ... BrokenPipeError") after the one
    line was said.  Does nothing when standard output is closed or is not a file."""
    try:
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
