"""Backprop as slides: the forward pass, the seeded output, then one page per backprop step, as a
multi-page PDF (Beamer's ``\\includegraphics[page=k]{backprop.pdf}``, PowerPoint) or an animated GIF.

Every page renders one frame of the walk (:mod:`viz.walk`) and is exactly one size: a 16:9 slide,
13.33 x 7.5 inches (``size=`` for another), a GIF frame 1920 x 1080 pixels (``dpi=`` for
another).  The walk is laid out once, so a node never moves from page to page; each step's page
follows the node being processed, as the lecture page does: the node, its inputs and what flows
back along its edges, at a size that reads on a projector (a node's name at least 2.6% of the
page's height), with a small map of the whole graph in the corner showing where the page is.
Under the drawing, the step in the REPL's own words (``upstream``, ``local``).  The forward page
shows the whole network, its layers folded into boxes that list the values entering and leaving
them (as ``viz.draw(collapse=True)`` does) when the graph is too big to read whole.

Pages are drawn by Graphviz from the one layout (no page is laid out again), joined with pypdf;
GIF frames are joined with Pillow.  The bytes are the same for the same graph.

Example:
    >>> import tempfile, pathlib
    >>> from autograd_core import Value
    >>> from viz.slides import slides
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> path = slides(price, pathlib.Path(tempfile.mkdtemp()) / "apple.pdf")
    >>> from pypdf import PdfReader
    >>> pages = PdfReader(path).pages
    >>> len(pages), [float(v) for v in pages[0].mediabox[2:]]   # forward, seed, 2 steps; 13.33 x 7.5 in
    (4, [960.0, 540.0])
"""

from __future__ import annotations

import io
import os
from html import escape
from pathlib import Path
from typing import Any

from autograd_core.extras import require

from .budget import DRAW_MAX_NODES
from .dot import DEFAULT_TIMEOUT, MAX_PX, check_positive, render_pages
from .output import write_atomically
from .palette import BACKWARD, CURRENT, FORWARD, MUTED, PANEL_FILL
from .walk.dot import Options, body
from .walk.frames import Frame, look
from .walk.framing import Focus, focus, frame_view, place_stub, stub_places
from .walk.layout import Layout, inside
from .walk.model import Walk, walk
from .walk.page import MONO, MONO_WIDTH, Page, fit, panel
from .walk.pieces import BACK_ARROW
from .walk.pinned import pinned_body

__all__ = ["GIF_DPI", "MAX_FRAMES", "SLIDE_INCHES", "deck_sources", "deck_views", "slides"]

#: The most frames a deck may have (the forward pass, the seed, one per backprop step).
MAX_FRAMES = 400

#: The page size of a deck unless ``size=`` says otherwise: a 16:9 slide, in inches (Beamer's and
#: PowerPoint's wide format).
SLIDE_INCHES = (13.333, 7.5)

#: A GIF frame's resolution unless ``dpi=`` says otherwise: 13.33 x 7.5 in at 144 dpi is 1920 x 1080.
GIF_DPI = 144.0

#: A node's name is drawn at 12 points in the layout; on a page it is at least this share of the
#: page's height (28 px of a 1080 px projector image) ...
CAPTION_SHARE = 0.026
#: ... and the view zooms in no further than this many times the layout.
MOST_ZOOM = 2.0

#: A stub (an input or output of the page's node that it cannot show) writes its caption at this
#: many points of a 540 pt page (2.8%: over the 2.6% a node's name has), its other lines at this.
STUB_CAPTION = 15.0
STUB_TEXT = 14.0
#: A letter's width in a stub, as a share of its size (Helvetica's digits are 0.556 em).
STUB_LETTER = 0.56
#: A folded scope's lines are at most this many points of a 540 pt page (its name 1.4 times).
FOLD_LETTERS = 18.0
#: The arrow before (after, on the right) a stub's caption: where the node it stands for is.
STUB_ARROWS = {"left": "←", "right": "→", "top": "↑", "bottom": "↓"}

_SUFFIXES = (".pdf", ".gif")
_CAPTION_POINTS = 12.0


def slides(
    root_or_steps: Any, path: str | os.PathLike[str], *, title: str | None = None, frame_seconds: float = 1.5,
    timeout: float | None = DEFAULT_TIMEOUT, dpi: float | None = None, size: Any = SLIDE_INCHES,
    collapse: Any = None, rankdir: str = "LR", grad: Any = None, max_nodes: int | None = DRAW_MAX_NODES,
    max_px: int = MAX_PX,
) -> Path:
    """Write the forward pass, the seed and every backprop step of ``root_or_steps`` to ``path``:
    a PDF with one page per frame, or an animated GIF when the path ends in ``.gif``.

    ``root_or_steps`` is an output node (a fresh pass, seeded with ``grad``; its own gradients are
    left as they were) or a step-by-step backprop (``root.backprop()``; it is left at the step it
    was at, and every ``grad`` as it was).  ``size=(w, h)`` is the page in inches (default a 16:9
    slide); ``dpi`` a GIF frame's resolution (default 144: 1920 x 1080 pixels), its longest side
    capped at ``max_px`` pixels.  ``collapse`` folds name scopes as :func:`viz.draw` does (a step's
    page opens the scopes its node is in); ``title`` heads every page; ``frame_seconds`` is each GIF
    frame's duration; ``timeout`` is per batch of pages Graphviz draws.  The graph's size is
    checked before anything is walked: at most ``max_nodes`` nodes and :data:`MAX_FRAMES` frames.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ValueError(f"slides: {str(path)!r} must end in .pdf (pages) or .gif (an animation)")
    if isinstance(frame_seconds, bool) or not isinstance(frame_seconds, int | float) or not 0 < frame_seconds <= 60:
        raise ValueError(f"slides: frame_seconds must be a number of seconds in (0, 60], got {frame_seconds!r}")
    width, height = _inches(size)
    fmt = "pdf" if suffix == ".pdf" else "png"
    if fmt == "pdf" and dpi is not None:
        raise ValueError("slides: dpi= is for a GIF's frames; a PDF is drawn at any size")
    resolution = None
    if fmt == "png":
        resolution = GIF_DPI if dpi is None else _checked("dpi", dpi, 2400)
        longest = _checked("max_px", max_px, 100_000)
        resolution = min(resolution, longest / max(width, height))  # capped as render() caps a PNG
    walked = walk(root_or_steps, view="slides", grad=grad, collapse=collapse, rankdir=rankdir,
                  max_nodes=max_nodes, max_steps=MAX_FRAMES - 2, title=title)
    sources = deck_sources(walked, width * 72, height * 72, title=title, timeout=timeout)
    pages = render_pages(sources, fmt, timeout=timeout, dpi=resolution)
    data = _join_pdf(pages) if fmt == "pdf" else _join_gif(pages, frame_seconds)
    write_atomically(path, data, "slides")
    return path


def _checked(name: str, value: Any, high: float) -> float:
    try:
        return check_positive(name, value, high)
    except ValueError as error:
        raise ValueError(str(error).replace("render:", "slides:", 1)) from None


def _inches(size: Any) -> tuple[float, float]:
    try:
        width, height = (float(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"slides: size must be (width, height) in inches, got {size!r}") from None
    if not (2 <= width <= 100 and 2 <= height <= 100):
        raise ValueError(f"slides: size must be two numbers of inches from 2 to 100, got {size!r}")
    return width, height


def deck_sources(walked: Walk, width: float, height: float, *, title: str | None = None,
                 timeout: float | None = DEFAULT_TIMEOUT) -> list[str]:
    """The DOT source of every page of the deck, in order (``width`` x ``height`` points)."""
    layout = walked.layout(timeout)
    deck = _Deck(walked, layout, width, height, title)
    sources = []
    for k, frame in enumerate(walked.frames):
        if frame.kind == "forward":
            sources.append(deck.forward_page(frame, timeout))
        else:
            sources.append(deck.step_page(frame, k))
    return sources


def deck_views(walked: Walk, width: float, height: float) -> list[Page | None]:
    """The window of the layout each page of the deck shows (a :class:`~viz.walk.page.Page`: its
    zoom and the layout point at the centre of its drawing), None for the forward pass's page,
    which draws its own picture.  ``page.to_page(x, y)`` is where a layout point is printed."""
    deck = _Deck(walked, walked.layout(), width, height, None)
    return [None if frame.kind == "forward" else deck.view(frame, focus(walked, frame, deck.layout))
            for frame in walked.frames]


class _Deck:
    """The pieces every page shares: the layout, the page's proportions, the map of the graph."""

    def __init__(self, walked: Walk, layout: Layout, width: float, height: float, title: str | None) -> None:
        self.walk = walked
        self.layout = layout
        self.width, self.height = width, height
        self.unit = height / 540  # furniture is drawn for a 540 pt (7.5 in) page, scaled to this one
        self.bar = 40 * self.unit
        self.panel = 150 * self.unit
        self.title = title
        self.least = CAPTION_SHARE * height / _CAPTION_POINTS * 1.05
        self.drawing = layout.bb

    # -- furniture -----------------------------------------------------------------------------
    def _bar(self, page: Page, frame: Frame) -> list[str]:
        u = self.unit
        heading = frame.heading if not self.title else f"{self.title}: {frame.heading}"
        size = 15 * u
        room = int((self.width - 200 * u) / (0.55 * size))
        if len(heading) > room:
            heading = heading[: room - 1] + "…"
        lines = [panel(page, "bar", (0, self.height - self.bar, self.width, self.height), PANEL_FILL)]
        lines.append(page.node("heading", (self.width - 160 * u) / 2 + 8 * u, self.height - self.bar / 2,
                               self.width - 176 * u, self.bar,
                               page.text([heading], size, bold_first=True), attributes="shape=plaintext"))
        lines.append(page.node("counter", self.width - 82 * u, self.height - self.bar / 2, 150 * u, self.bar,
                               page.text([frame.counter], 16 * u, colour=BACKWARD, bold_first=True, align="right"),
                               attributes="shape=plaintext"))
        return lines

    def _words(self, page: Page, frame: Frame, box: tuple[float, float, float, float]) -> list[str]:
        """The frame's text in the REPL's words, as large as fits ``box`` (8.5 to 12 points)."""
        u = self.unit
        x0, y0, x1, y1 = box
        lines = frame.text.split("\n")
        width, height = x1 - x0 - 16 * u, y1 - y0 - 12 * u
        longest = max((len(line) for line in lines), default=1)
        size = min(12 * u, width / (MONO_WIDTH * max(longest, 1)), height / (1.2 * max(len(lines), 1)))
        least = 8.5 * u
        if size < least:  # too many lines even at the smallest size: the rest is said to be there
            size = least
            keep = max(int(height / (1.2 * size)) - 1, 1)
            lines = lines[:keep] + [f"... ({len(lines) - keep} more lines)"]
            longest = max(len(line) for line in lines)
            lines = [line[: int(width / (MONO_WIDTH * size))] for line in lines]
        label = page.block(lines, size, width, height, face=MONO)
        return [page.node("words", (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, label,
                          attributes='shape=box style="filled,rounded" fillcolor="white" color="#d0d0d4" '
                                     'penwidth=0.5')]

    def _map(self, page: Page, frame: Frame, box: tuple[float, float, float, float],
             window: tuple[float, float, float, float]) -> list[str]:
        """A small map of the whole graph in ``box`` (page points): every node a dot in its state's
        colour, every scope its outline, the page's window a red frame, the current node a red ring."""
        u = self.unit
        x0, y0, x1, y1 = box
        dx0, dy0, dx1, dy1 = self.drawing
        scale = min((x1 - x0 - 10 * u) / max(dx1 - dx0, 1), (y1 - y0 - 10 * u) / max(dy1 - dy0, 1))
        ox = (x0 + x1) / 2 - scale * (dx0 + dx1) / 2
        oy = (y0 + y1) / 2 - scale * (dy0 + dy1) / 2

        def at(x: float, y: float) -> tuple[float, float]:
            return ox + scale * x, oy + scale * y

        lines = [panel(page, "map", box, "white", line="#d0d0d4")]
        numbers = self.walk.picture.cluster_numbers()
        for path, number in numbers.items():
            outline = self.layout.box(f"s{number}")
            if outline is None or "/" in path:
                continue
            (a, b), (c, d) = at(outline[0], outline[1]), at(outline[2], outline[3])
            lines.append(page.node(f"mapscope{number}", (a + c) / 2, (b + d) / 2, c - a, d - b, " ",
                                   attributes=f'shape=box style="rounded" color="{MUTED}" penwidth=0.5'))
        colours = {"done": FORWARD, "current": BACKWARD, "seeded": BACKWARD, "gathering": BACKWARD,
                   "pending": MUTED, "no grad": FORWARD, "constant": MUTED, "forward": FORWARD, "asked": FORWARD}
        for node in self.walk.picture.nodes:
            placed = self.layout.nodes.get(f"v{node.index}")
            if placed is None:
                continue
            x, y = at(placed["x"], placed["y"])
            looked = look(frame, node.index, node.kind)
            dot = 2.2 * u if looked != "pending" else 1.6 * u
            lines.append(page.node(f"mapnode{node.index}", x, y, dot, dot, " ",
                                   attributes=f'shape=point color="{colours[looked]}"'))
        (a, b), (c, d) = at(max(window[0], dx0), max(window[1], dy0)), at(min(window[2], dx1), min(window[3], dy1))
        if c > a and d > b:
            lines.append(page.node("mapwindow", (a + c) / 2, (b + d) / 2, c - a, d - b, " ",
                                   attributes=f'shape=box color="{BACKWARD}" penwidth=1'))
        if frame.current is not None:
            placed = self.layout.nodes.get(f"v{frame.current}")
            if placed is not None:
                x, y = at(placed["x"], placed["y"])
                lines.append(page.node("mapcurrent", x, y, 9 * u, 9 * u, " ",
                                       attributes=f'shape=circle color="{CURRENT}" penwidth=1.5'))
        return lines

    # -- pages ---------------------------------------------------------------------------------
    def view(self, frame: Frame, found: Focus | None) -> Page:
        """The window a step's page shows: around its node (see :mod:`viz.walk.framing`)."""
        u = self.unit
        area_h = self.height - self.bar - self.panel
        if found is None:
            zoom, cx, cy = fit([self.drawing], (self.width, area_h), least=0.01, most=MOST_ZOOM * u,
                               drawing=self.drawing)
        else:
            zoom, cx, cy = frame_view(found, (self.width, area_h), least=self.least, most=MOST_ZOOM * u,
                                      drawing=self.drawing)
        return Page(self.width, self.height, zoom, (cx, cy), (self.width / 2, self.panel + area_h / 2))

    def step_page(self, frame: Frame, k: int) -> str:
        """A step's page (or the seed's): the drawing around the node (its inputs and outputs in
        view, or their stubs at the page's edge), the step's words, the map."""
        u = self.unit
        found = focus(self.walk, frame, self.layout)
        page = self.view(frame, found)
        zoom = page.zoom
        window = (*page.to_layout(0, self.panel), *page.to_layout(self.width, self.height - self.bar))
        lines = pinned_body(self.walk, frame, self.layout, window=window, whole=True,
                            fold_text=FOLD_LETTERS * u / zoom, outlines=True)
        if found is not None:
            lines += self._stubs(page, found, window)
        lines.append(panel(page, "bottom", (0, 0, self.width, self.panel), PANEL_FILL))
        map_box = (self.width - 270 * u, 8 * u, self.width - 10 * u, self.panel - 8 * u)
        lines += self._words(page, frame, (10 * u, 8 * u, map_box[0] - 10 * u, self.panel - 8 * u))
        lines += self._map(page, frame, map_box, window)
        lines += self._bar(page, frame)
        return page.source(lines, drawing=self.drawing, name=f"page{k}")

    def _stubs(self, page: Page, found: Focus, window: tuple[float, float, float, float]) -> list[str]:
        """A stub at the page's edge for each input or output of the node the page cannot show:
        its caption (with an arrow to where it is), its value and what flows along its edge; no
        stub covers the node or what the page shows of its inputs and outputs."""
        u = self.unit
        area = (0.0, self.panel, self.width, self.height - self.bar)

        def on_page(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
            (a, b), (c, d) = page.to_page(box[0], box[1]), page.to_page(box[2], box[3])
            return (a, b, c, d)

        taken = [on_page(found.core)] + [on_page(n.box) for n in found.neighbours if n.drawn and inside(n.box, window)]
        lines = []
        for neighbour, side, (x, y) in stub_places(found, window):
            arrow = STUB_ARROWS[side]
            caption = f"{arrow} {neighbour.lines[0]}" if side != "right" else f"{neighbour.lines[0]} {arrow}"
            rows = [caption] + [line for line in neighbour.lines[1:] if line]
            width = min(max(STUB_LETTER * (STUB_CAPTION if k == 0 else STUB_TEXT) * u * len(row)
                            for k, row in enumerate(rows)) + 16 * u, self.width / 2)
            height = (STUB_CAPTION + STUB_TEXT * (len(rows) - 1)) * 1.2 * u + 10 * u
            x0, y0, x1, y1 = place_stub(side, page.to_page(x, y), (width, height), area, taken, gap=4 * u)
            taken.append((x0, y0, x1, y1))
            lines.append(page.node(f"stub{neighbour.node}", (x0 + x1) / 2, (y0 + y1) / 2, width, height,
                                   self._stub_label(page, rows),
                                   attributes=f'shape=box style="rounded,dashed,filled" fillcolor="white" '
                                              f'color="{MUTED}" penwidth=1.2'))
        return lines

    @staticmethod
    def _stub_label(page: Page, rows: list[str]) -> str:
        u = page.height / 540
        parts = [f'<font point-size="{page.size(STUB_CAPTION * u)}"><b>{escape(rows[0])}</b></font>']
        for row in rows[1:]:
            colour = BACKWARD if row.lstrip().startswith(tuple(BACK_ARROW.values())) else FORWARD
            parts.append(f'<font point-size="{page.size(STUB_TEXT * u)}" color="{colour}">{escape(row)}</font>')
        return "<br/>".join(parts)

    def forward_page(self, frame: Frame, timeout: float | None) -> str:
        """The forward pass: the whole graph, its layers folded into boxes of values when big."""
        u = self.unit
        picture, layout = self.walk.forward_view((self.width, self.height - self.bar), timeout)
        lines_text = frame.text.split("\n")
        listing = len(lines_text) <= 8
        bottom = self.panel if listing else 0.0
        area_h = self.height - self.bar - bottom
        zoom, cx, cy = fit([layout.bb], (self.width, area_h), least=0.01, most=MOST_ZOOM * u, drawing=layout.bb)
        page = Page(self.width, self.height, zoom, (cx, cy), (self.width / 2, bottom + area_h / 2))
        scene = picture.scene(frame, show_grad=False)
        options = Options(label_attribute="label", ranks=False, outlines=True)
        lines = body(picture, scene, options, pinned=layout)
        if listing:
            lines.append(panel(page, "bottom", (0, 0, self.width, self.panel), PANEL_FILL))
            lines += self._words(page, frame, (10 * u, 8 * u, self.width - 10 * u, self.panel - 8 * u))
        lines += self._bar(page, frame)
        return page.source(lines, drawing=layout.bb, name="page0")


def _join_pdf(pages: list[bytes]) -> bytes:
    """One PDF of every page, in order (pypdf: a maintained, pure-Python PDF library)."""
    pypdf = require("pypdf", "slides", "viz.slides")

    writer = pypdf.PdfWriter()
    for page in pages:
        writer.append(pypdf.PdfReader(io.BytesIO(page)))
    writer.add_metadata({"/Producer": "chainrule", "/Creator": "chainrule"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _join_gif(frames: list[bytes], seconds: float) -> bytes:
    """An animated GIF of the PNG frames (all one size: every page is)."""
    Image = require("PIL.Image", "slides", "viz.slides (GIF)")

    # 64 colours each, by Pillow's fast octree (an adaptive palette takes eight times as long)
    palette = [Image.open(io.BytesIO(frame)).convert("RGB").quantize(colors=64, method=Image.Quantize.FASTOCTREE)
               for frame in frames]
    out = io.BytesIO()
    palette[0].save(out, format="GIF", save_all=True, append_images=palette[1:], duration=int(seconds * 1000), loop=0)
    return out.getvalue()
