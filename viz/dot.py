"""Running Graphviz's ``dot``: DOT source to SVG, PNG or PDF bytes, with a timeout, and the
errors that say what went wrong (``dot`` missing, failing, crashing or too slow).

Example:
    >>> render_source("digraph { a -> b }", "dot").startswith(b"digraph")
    True
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "INSTALL_HINT",
    "MAX_PX",
    "GraphvizNotFoundError",
    "RenderError",
    "check_positive",
    "fit_width",
    "output_format",
    "render_source",
]

#: File suffixes render() understands, and the Graphviz output format of each.
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}

#: Resolution of PNG output (Graphviz's default, 96, looks blurry on a projector).
PNG_DPI = 150

#: The longest side of a PNG, in pixels, unless told otherwise: bigger drawings are scaled down.
MAX_PX = 4096

#: Seconds ``dot`` may run before it is stopped.
DEFAULT_TIMEOUT = 20.0

INSTALL_HINT = (
    "Graphviz's `dot` program is needed to write {fmt} files but was not found on PATH. "
    "Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`; "
    "conda: `conda install graphviz`), or write a .dot file, which needs no Graphviz."
)

# cairo stamps the time of writing into every PDF; a fixed date keeps the bytes reproducible.
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{4,14})([^)]*)\)")


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is not installed (or not on PATH)."""


class RenderError(RuntimeError):
    """``dot`` failed, crashed or ran out of time; the message says which, with its own words."""


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


def check_positive(name: str, value: Any, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= high:
        raise ValueError(f"render: {name} must be a positive number up to {high:g}, got {value!r}")
    return float(value)


def render_source(
    source: str, fmt: str, *, timeout: float | None = DEFAULT_TIMEOUT, dpi: float | None = None,
    max_px: int | None = None,
) -> bytes:
    """Run ``dot -T<fmt>`` on DOT source and return the output bytes.

    ``timeout`` seconds (None: wait for ever) before ``dot`` is killed and a ``RenderError``
    raised; the error also carries dot's own message, or the signal that ended it.  For PNG,
    ``dpi`` (default 150) sets the resolution and ``max_px`` (default 4096) the longest side, in
    pixels: a larger drawing is scaled down.  PDF output carries a fixed creation date.
    """
    if fmt == "dot":
        return source.encode("utf-8")
    if timeout is not None:
        timeout = check_positive("timeout", timeout, 24 * 3600)
    executable = shutil.which("dot")
    if executable is None:
        raise GraphvizNotFoundError(INSTALL_HINT.format(fmt=fmt.upper()))
    command = [executable, f"-T{fmt}"]
    if fmt == "png":
        resolution = PNG_DPI if dpi is None else dpi
        command.append(f"-Gdpi={resolution:g}")  # sharp on a slide; SVG and PDF scale by themselves
        longest = (MAX_PX if max_px is None else max_px) / resolution
        width = height = longest
        own = _GRAPH_SIZE.search(source[:4000])  # -Gsize replaces the drawing's own size: keep the smaller
        if own is not None:
            width, height = min(float(own[1]), longest), min(float(own[2]), longest)
        command.append(f"-Gsize={width:.4g},{height:.4g}")
    try:
        result = subprocess.run(
            command, input=source.encode("utf-8"), capture_output=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"render: Graphviz's dot did not finish writing {fmt.upper()} within {timeout:g} s and was stopped; "
            "draw a smaller graph (collapse=True folds name scopes, show_local=False drops edge labels) "
            "or pass a longer timeout="
        ) from None
    except OSError as error:
        raise GraphvizNotFoundError(INSTALL_HINT.format(fmt=fmt.upper()) + f" ({error})") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        if result.returncode < 0:
            try:
                name = signal.Signals(-result.returncode).name
            except ValueError:
                name = f"signal {-result.returncode}"
            message = f"it was killed by {name}" + (f": {message}" if message else " (it printed nothing)")
        elif not message:
            message = f"it exited with status {result.returncode} and printed nothing"
        raise RenderError(f"render: Graphviz's dot failed to write {fmt.upper()}: {message}")
    return fixed_pdf_dates(result.stdout) if fmt == "pdf" else result.stdout


def fixed_pdf_dates(data: bytes) -> bytes:
    """PDF bytes with every creation or modification date set to 2000-01-01, same length (the
    file's byte offsets stay valid).

    >>> fixed_pdf_dates(b"<< /CreationDate (D:20261202040646Z) >>")
    b'<< /CreationDate (D:20000101000000Z) >>'
    """
    def fix(match: re.Match) -> bytes:
        digits = match.group(2)
        fixed = b"20000101000000"[: len(digits)]
        zone = re.sub(rb"\d", b"0", match.group(3))
        return b"/" + match.group(1) + b" (D:" + fixed + zone + b")"

    return _PDF_DATE.sub(fix, data)


_GRAPH_SIZE = re.compile(r'^\tgraph \[[^\n]*\bsize="([\d.]+),([\d.]+)"', re.M)

_SVG_ROOT = re.compile(r"<svg\b([^>]*)>")


def fit_width(svg: str) -> str:
    """SVG text whose drawing shrinks to the width of its container (a notebook cell, a slide)
    and never grows past its natural size.

    >>> fit_width('<svg width="900pt" height="100pt" viewBox="0 0 900 100"><g/></svg>')
    '<svg style="max-width:100%;height:auto" width="900pt" height="100pt" viewBox="0 0 900 100"><g/></svg>'
    """
    return _SVG_ROOT.sub(lambda m: f'<svg style="max-width:100%;height:auto"{m.group(1)}>', svg, count=1)
