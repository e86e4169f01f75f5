"""Writing a view's file: its folder made if missing, the bytes in place all at once or not at all.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "new" / "page.html"
>>> write_atomically(path, b"<!DOCTYPE html>", "lecture")
>>> path.read_bytes()
b'<!DOCTYPE html>'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["write_atomically"]


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
