"""Writing a view's file: the engine's one rule (:mod:`autograd_core.files`), under the names the views use.

Every view writes through :func:`write_atomically` (a diagram from ``render``, the lecture page,
slides, a worksheet, a training page): its folder made if missing, the bytes in place all at once
or not at all, a link to an existing file followed (the link stays), a link to nothing refused.
The commands check their ``-o`` with :func:`writable` before any work, so a path that cannot be
written is bad input (exit status 2), said before anything is computed.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "new" / "page.html"
>>> write_atomically(path, b"<!DOCTYPE html>", "lecture").read_bytes()
b'<!DOCTYPE html>'
"""

from __future__ import annotations

from autograd_core.files import check_writable as writable
from autograd_core.files import write_atomically

__all__ = ["writable", "write_atomically"]
