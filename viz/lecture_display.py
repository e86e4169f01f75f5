"""What :func:`viz.lecture` returns: the path of the page it wrote, which a notebook shows inline.

Example:
    >>> from pathlib import Path
    >>> shown = Lecture(Path("apple.html"), "<!DOCTYPE html><title>apple</title>", steps=2)
    >>> str(shown), shown.suffix, shown == "apple.html", 'srcdoc="&lt;!DOCTYPE html&gt;' in shown._repr_html_()
    ('apple.html', '.html', True, True)
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

__all__ = ["Lecture"]


class Lecture:
    """A lecture page written to a file: its :attr:`path`, and the page itself (:attr:`html`).

    It stands in for the path (``os.fspath``, ``str``, ``open``, and every ``Path`` attribute
    such as ``read_text()`` or ``stat()``); in Jupyter it shows the page inline, in a sandboxed
    frame, so two lectures in one notebook do not interfere and Previous/Next need no kernel.

    >>> import os, tempfile, pathlib
    >>> from autograd_core import Value
    >>> from viz.lecture import lecture
    >>> x = Value(3.0, name="x")
    >>> shown = lecture(x * x, pathlib.Path(tempfile.mkdtemp()) / "square.html")
    >>> os.fspath(shown) == str(shown.path), shown.path.suffix, "<iframe" in shown._repr_html_()
    (True, '.html', True)
    """

    #: The inline frame's height in a notebook, in CSS pixels.
    height = 620

    def __init__(self, path: Path, html_text: str, *, steps: int) -> None:
        self.path = path
        self.html = html_text
        self.steps = steps

    def __fspath__(self) -> str:
        return os.fspath(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"Lecture({str(self.path)!r}, steps={self.steps})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lecture):
            return self.path == other.path
        if isinstance(other, (str, os.PathLike)):
            return self.path == Path(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.path)

    def __getattr__(self, name: str) -> Any:
        # Only reached for names a Lecture lacks: the path answers (read_text, stat, name, ...).
        path = self.__dict__.get("path")
        if path is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(path, name)

    def _repr_html_(self) -> str:
        """The page inline: a sandboxed frame holding the whole page (scripts allowed, nothing else)."""
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'title="{html.escape(self.path.name)}" '
            f'style="width: 100%; height: {self.height}px; border: 1px solid #ddd; border-radius: 6px;"></iframe>'
        )
