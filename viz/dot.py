"""Running Graphviz's ``dot``: one drawing, a layout read back as JSON, or many pinned pages at once.

Every picture chainrule makes goes through here, so a missing ``dot``, a ``dot`` that hangs
(``timeout``), crashes (the signal is named) or refuses its input (its own message) is said the
same way everywhere: one timeout, one error path.  Three doors:

- :func:`render_source`: DOT source -> one file's bytes (SVG, PNG, PDF, or JSON for a layout);
- :func:`layout_json`: DOT source -> Graphviz's layout as a dict (``dot -Tjson``: every node's
  position and size, every edge's spline and label position, every cluster's box);
- :func:`render_pages`: many DOT graphs whose nodes are already placed (``pos``, as a layout
  gave them) -> one file per graph, drawn by ``neato -n2`` without laying anything out again,
  a batch per process.

Example:
    >>> layout = layout_json('digraph { a -> b }')
    >>> sorted(o["name"] for o in layout["objects"])
    ['a', 'b']
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "INSTALL_HINT",
    "MAX_PX",
    "PNG_DPI",
    "GraphvizNotFoundError",
    "RenderError",
    "check_positive",
    "fixed_pdf_dates",
    "keep_spaces",
    "layout_json",
    "output_format",
    "render_pages",
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

#: Pages drawn by one ``dot`` process; batches run side by side, one per core.
PAGES_PER_PROCESS = 24

# cairo stamps the time of writing into every PDF; a fixed date keeps the bytes reproducible.
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{4,14})([^)]*)\)")
_GRAPH_SIZE = re.compile(r'^\tgraph \[[^\n]*\bsize="([\d.]+),([\d.]+)"', re.M)


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


def _executable(fmt: str) -> str:
    executable = shutil.which("dot")
    if executable is None:
        raise GraphvizNotFoundError(INSTALL_HINT.format(fmt=fmt.upper()))
    return executable


def _run(command: list[str], source: str, fmt: str, timeout: float | None, cwd: str | None = None) -> bytes:
    """Run ``command`` with ``source`` on its input; its output, or the error that says why not."""
    if timeout is not None:
        timeout = check_positive("timeout", timeout, 24 * 3600)
    try:
        result = subprocess.run(command, input=source.encode("utf-8"), capture_output=True, check=False,
                                timeout=timeout, cwd=cwd)
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
    return result.stdout


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
    command = [_executable(fmt), f"-T{fmt}"]
    if fmt == "png":
        resolution = PNG_DPI if dpi is None else dpi
        command.append(f"-Gdpi={resolution:g}")  # sharp on a slide; SVG and PDF scale by themselves
        longest = (MAX_PX if max_px is None else max_px) / resolution
        width = height = longest
        own = _GRAPH_SIZE.search(source[:4000])  # -Gsize replaces the drawing's own size: keep the smaller
        if own is not None:
            width, height = min(float(own[1]), longest), min(float(own[2]), longest)
        command.append(f"-Gsize={width:.4g},{height:.4g}")
    data = _run(command, source, fmt, timeout)
    if fmt == "pdf":
        return fixed_pdf_dates(data)
    if fmt == "svg":
        return keep_spaces(data)
    return data


def layout_json(source: str, *, timeout: float | None = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Graphviz's layout of ``source`` (``dot -Tjson``): positions in points, y pointing up."""
    data = _run([_executable("json"), "-Tjson"], source, "json", timeout)
    return json.loads(data.decode("utf-8"))


def render_pages(sources: list[str], fmt: str, *, timeout: float | None = DEFAULT_TIMEOUT,
                 dpi: float | None = None) -> list[bytes]:
    """Draw graphs whose nodes and edges are already placed, one file per graph, in order.

    Each source is a whole ``digraph`` with ``pos`` on every node and edge (``neato -n2``: the
    positions are used as they are, nothing is laid out again).  Graphs are drawn in batches of
    :data:`PAGES_PER_PROCESS`, one ``dot`` process per batch, batches side by side; ``timeout``
    is per batch.  PDF pages carry a fixed creation date.
    """
    if not sources:
        return []
    executable = _executable(fmt)
    batches = [sources[k:k + PAGES_PER_PROCESS] for k in range(0, len(sources), PAGES_PER_PROCESS)]
    options = [f"-Gdpi={dpi:g}"] if dpi is not None and fmt == "png" else []

    def draw(batch: list[str]) -> list[bytes]:
        with tempfile.TemporaryDirectory(prefix="chainrule-pages-") as folder:
            # -O names the outputs after the input: pages.gv.pdf, pages.gv.2.pdf, pages.gv.3.pdf, ...
            Path(folder, "pages.gv").write_text("".join(batch), encoding="utf-8")
            _run([executable, "-Kneato", "-n2", f"-T{fmt}", *options, "-O", "pages.gv"], "", fmt, timeout, folder)
            names = ["pages.gv." + fmt] + [f"pages.gv.{k}.{fmt}" for k in range(2, len(batch) + 1)]
            pages = [Path(folder, name).read_bytes() for name in names]
        if fmt == "pdf":
            return [fixed_pdf_dates(page) for page in pages]
        return [keep_spaces(page) for page in pages] if fmt == "svg" else pages

    workers = max(1, min(len(batches), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [page for batch in pool.map(draw, batches) for page in batch]


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


_SVG_TEXT = re.compile(rb"<text\b(?! xml:space)")


def keep_spaces(svg: bytes) -> bytes:
    """SVG whose texts keep their spaces in a browser (``xml:space="preserve"`` on every text).

    Graphviz writes a label such as ``grad`` (red) `` gradient`` (black) as two texts, the second
    starting with its space; a browser drops a text's leading and trailing spaces unless that text
    says to keep them (Chromium reads the attribute on the text itself, not on the ``<svg>``), and
    the words run together (a PNG, drawn by Graphviz itself, keeps them).

    >>> keep_spaces(b'<svg width="1pt"><text x="1"> b</text></svg>')
    b'<svg width="1pt"><text xml:space="preserve" x="1"> b</text></svg>'
    """
    return _SVG_TEXT.sub(b'<text xml:space="preserve"', svg)
