"""Write a diagram to a file: SVG, PNG, PDF or DOT, chosen from the file's suffix.

DOT needs nothing but Python; the other formats run Graphviz's ``dot`` program.  When ``dot``
is not installed, :func:`render` says how to install it instead of failing deep inside a
subprocess.

Example:
    >>> import tempfile, pathlib
    >>> from autograd_core import Value
    >>> from viz import render
    >>> x = Value(2.0, name="x"); y = x * x; y.backward()
    >>> path = render(y, pathlib.Path(tempfile.mkdtemp()) / "square.dot")
    >>> path.read_text().startswith("digraph chainrule")
    True
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .draw import draw

__all__ = ["FORMATS", "RENDER_MAX_NODES", "GraphvizNotFoundError", "output_format", "render", "render_source"]

#: File suffixes render() understands, and the Graphviz output format of each.
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}

#: Largest graph render() lays out unless told otherwise: ``dot`` takes seconds from a few
#: thousand nodes on (each node is a box, an op circle and labelled edges) and minutes beyond.
RENDER_MAX_NODES = 3000

#: Resolution of PNG output (Graphviz's default, 96, looks blurry on a projector).
PNG_DPI = 150

INSTALL_HINT = (
    "Graphviz's `dot` program is needed to write {fmt} files but was not found on PATH. "
    "Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`; "
    "conda: `conda install graphviz`), or write a .dot file, which needs no Graphviz."
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is not installed (or not on PATH)."""


def output_format(path: str | os.PathLike[str]) -> str:
    """The Graphviz format for a file name, from its suffix.

    >>> output_format("apple.svg"), output_format("apple.PNG"), output_format("graph.gv")
    ('svg', 'png', 'dot')
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(FORMATS)
        raise ValueError(f"render: cannot tell the format of {str(path)!r} from its suffix; use one of {known}")
    return FORMATS[suffix]


def render_source(source: str, fmt: str) -> bytes:
    """Run ``dot -T<fmt>`` on DOT source and return the output bytes."""
    if fmt == "dot":
        return source.encode("utf-8")
    executable = shutil.which("dot")
    if executable is None:
        raise GraphvizNotFoundError(INSTALL_HINT.format(fmt=fmt.upper()))
    command = [executable, f"-T{fmt}"]
    if fmt == "png":
        command.append(f"-Gdpi={PNG_DPI}")  # sharp on a slide; SVG and PDF scale by themselves
    try:
        result = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, check=False)
    except OSError as error:
        raise GraphvizNotFoundError(INSTALL_HINT.format(fmt=fmt.upper()) + f" ({error})") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"render: Graphviz's dot failed to write {fmt.upper()}: {message}")
    return result.stdout


def render(root_or_steps: Any, path: str | os.PathLike[str], *, max_nodes: int | None = RENDER_MAX_NODES,
           **options: Any) -> Path:
    """Draw ``root_or_steps`` (see :func:`viz.draw`, same options) and write it to ``path``;
    the suffix picks the format: ``.svg``, ``.png``, ``.pdf`` or ``.dot``.  Returns the path.

    Graphs larger than ``max_nodes`` are refused with advice (``max_nodes=None``: no limit).
    """
    path = Path(path)
    fmt = output_format(path)
    graph = draw(root_or_steps, max_nodes=max_nodes, **options)
    data = render_source(graph.source, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
