"""Writing a view's file: its folder made if missing, the bytes in place all at once or not at all.

Every view writes through :func:`write_atomically` (a diagram from ``render``, the lecture page,
slides, a worksheet); the commands check their ``-o`` with :func:`writable` before any work, so a
path that cannot be written is bad input (exit status 2), said before anything is computed.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "new" / "page.html"
>>> write_atomically(path, b"<!DOCTYPE html>", "lecture")
>>> path.read_bytes()
b'<!DOCTYPE html>'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["writable", "write_atomically"]


def write_atomically(path: os.PathLike[str] | str, data: bytes, view: str) -> None:
    """``data`` to ``path``: its folder made if missing, the bytes written to a temporary file
    beside it and renamed into place (no half-written file is ever left), errors in one line."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError as error:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        raise OSError(f"{view}: cannot write {str(path)!r}: {error.strerror or error}") from None


def writable(path: os.PathLike[str] | str, flag: str = "-o") -> Path:
    """``path``, once its folder is known to be one that exists or can be made and that we can
    write in (the nearest existing parent is a writable folder); else a ValueError that names
    ``flag`` and what is wrong.

    >>> writable("/proc/x.svg")
    Traceback (most recent call last):
    ...
    ValueError: -o /proc/x.svg: cannot write in /proc
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{flag} {path}: is a folder, not a file")
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"{flag} {path}: cannot be written, {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK) or parent.is_relative_to("/proc") or parent.is_relative_to("/sys"):
        raise ValueError(f"{flag} {path}: cannot write in {parent}")
    return path
