"""Pages of a fixed size cut from the one layout: a slide, a sheet of paper.

A :class:`Page` is a window onto a layout: a zoom and the layout point at its centre, on a page
of ``width`` x ``height`` points.  Graphviz's ``viewport`` cuts the window out and scales it, so
every page of a deck is exactly the same size whatever part of the graph it shows.  Text and
boxes that belong to the page rather than to the graph (a title bar, a text panel, a small map
of the whole graph) are placed in page points with :meth:`Page.node`; the page converts them.

Coordinates: points, ``y`` up, the page's origin at its lower left corner.

>>> page = Page(960, 540, zoom=2.0, centre=(100.0, 50.0))
>>> page.to_layout(480, 270), page.to_layout(0, 0)
((100.0, 50.0), (-140.0, -85.0))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from .dot import FONT
from .layout import graph_source

__all__ = ["MONO", "Page", "fit", "panel", "union"]

#: The font of the REPL's words on a page (monospaced: the columns of a step's text line up).
MONO = "DejaVu Sans Mono,Menlo,Consolas,monospace"
#: A monospaced letter's width, as a share of its size.
MONO_WIDTH = 0.6


def union(boxes: list[tuple[float, float, float, float] | None]) -> tuple[float, float, float, float] | None:
    """The box around every given box (None: none given)."""
    found = [box for box in boxes if box is not None]
    if not found:
        return None
    return (min(b[0] for b in found), min(b[1] for b in found), max(b[2] for b in found), max(b[3] for b in found))


def fit(context: list[tuple[float, float, float, float]], area: tuple[float, float], *, least: float,
        most: float, drawing: tuple[float, float, float, float], margin: float = 12.0) -> tuple[float, float, float]:
    """The zoom and centre that show the most context at a zoom of at least ``least``.

    ``context`` goes from the most to the least (the last: what must be seen); ``area`` is the
    window's size in page points.  The first context that fits at ``least`` or more is shown
    whole, at up to ``most``; if none fits, the last is centred at ``least``, leaning towards the
    one before it as far as it can while the last stays in view.  The window stays on the
    ``drawing`` where it can.
    """
    width, height = area
    chosen, zoom = len(context) - 1, least
    for k, (x0, y0, x1, y1) in enumerate(context):
        scale = min((width - 2 * margin) / max(x1 - x0, 1e-9), (height - 2 * margin) / max(y1 - y0, 1e-9))
        if scale >= least:
            # all the context: as large as it fits; only part of it: just readable, so the view
            # shows as much of the rest as it can
            chosen, zoom = k, min(scale, most if k == 0 else least * 1.1)
            break
    x0, y0, x1, y1 = context[chosen]
    wider = context[max(0, chosen - 1)]
    w, h, m = width / zoom, height / zoom, margin / zoom

    def clamp(value: float, low: float, high: float) -> float:
        return (low + high) / 2 if low > high else min(max(value, low), high)

    cx = clamp((wider[0] + wider[2]) / 2, x1 + m - w / 2, x0 - m + w / 2)
    cy = clamp((wider[1] + wider[3]) / 2, y1 + m - h / 2, y0 - m + h / 2)
    dx0, dy0, dx1, dy1 = drawing
    cx = (dx0 + dx1) / 2 if dx1 - dx0 <= w else clamp(cx, dx0 + w / 2, dx1 - w / 2)
    cy = (dy0 + dy1) / 2 if dy1 - dy0 <= h else clamp(cy, dy0 + h / 2, dy1 - h / 2)
    # the chosen context must stay in view even where the drawing's edge pulls the other way
    cx = clamp(cx, x1 + m - w / 2, x0 - m + w / 2)
    cy = clamp(cy, y1 + m - h / 2, y0 - m + h / 2)
    return zoom, cx, cy


@dataclass
class Page:
    """A ``width`` x ``height`` points window at ``zoom`` onto a layout, ``centre`` (layout
    points) in the middle of the page's ``area`` (default: the whole page; ``area_centre`` is
    where that area's centre is on the page)."""

    width: float
    height: float
    zoom: float
    centre: tuple[float, float]
    area_centre: tuple[float, float] | None = None

    def to_layout(self, px: float, py: float) -> tuple[float, float]:
        """A page point in layout points."""
        ax, ay = self.area_centre or (self.width / 2, self.height / 2)
        return (self.centre[0] + (px - ax) / self.zoom, self.centre[1] + (py - ay) / self.zoom)

    def to_page(self, x: float, y: float) -> tuple[float, float]:
        """A layout point in page points."""
        ax, ay = self.area_centre or (self.width / 2, self.height / 2)
        return (ax + (x - self.centre[0]) * self.zoom, ay + (y - self.centre[1]) * self.zoom)

    def window(self) -> tuple[float, float, float, float]:
        """The part of the layout the whole page covers."""
        x0, y0 = self.to_layout(0, 0)
        x1, y1 = self.to_layout(self.width, self.height)
        return (x0, y0, x1, y1)

    def node(self, name: str, px: float, py: float, w: float, h: float, label: str, *, html: bool = True,
             attributes: str = "") -> str:
        """A node centred at page point (px, py), ``w`` x ``h`` page points, drawn at page size."""
        x, y = self.to_layout(px, py)
        text = f"<{label}>" if html else f'"{label}"'
        return (f'{name} [label={text} pos="{x:.3f},{y:.3f}" width="{w / self.zoom / 72:.5f}" '
                f'height="{h / self.zoom / 72:.5f}" fixedsize=true margin=0 {attributes}]')

    def size(self, points: float) -> str:
        """A font size that prints at ``points`` on the page, or a little larger: Graphviz reads
        an HTML label's point-size as a whole number (9.9 is drawn at 9), so it is rounded up.

        >>> Page(960, 540, zoom=0.8, centre=(0.0, 0.0)).size(8)
        '10'
        """
        return str(math.ceil(points / self.zoom - 1e-6))

    def block(self, lines: list[str], points: float, width: float, height: float, *, face: str = FONT) -> str:
        """A label of ``lines`` set from the top left corner of a ``width`` x ``height`` box (page points)."""
        inner = self.text(lines, points, face=face)
        return (f'<table border="0" cellpadding="0" cellspacing="0" fixedsize="true" '
                f'width="{max(int(width / self.zoom), 1)}" height="{max(int(height / self.zoom), 1)}">'
                f'<tr><td align="left" valign="top" balign="left">{inner}</td></tr></table>')

    def text(self, lines: list[str], points: float, *, face: str = FONT, colour: str = "#000000",
             bold_first: bool = False, align: str = "left") -> str:
        """HTML-like label lines (escaped here) at ``points`` on the page, left-aligned."""
        size = self.size(points)
        parts = []
        for k, line in enumerate(lines):
            text = escape(line) if line else "&#160;"
            if bold_first and k == 0:
                text = f"<b>{text}</b>"
            parts.append(f'<font face="{face}" point-size="{size}" color="{colour}">{text}</font>')
        br = f'<br align="{align}"/>'
        return br.join(parts) + br

    def source(self, lines: list[str], *, drawing: tuple[float, float, float, float], name: str = "page") -> str:
        """The whole ``digraph`` of this page: ``lines`` (pinned to the layout) cut to the page.

        Two invisible corners lie outside both the drawing and the page's window, so Graphviz
        moves everything by the same known amount, and the window is where it is meant to be.
        """
        wx0, wy0, wx1, wy1 = self.window()
        dx0, dy0, dx1, dy1 = drawing
        pad = 100.0
        x0, y0 = min(wx0, dx0) - pad, min(wy0, dy0) - pad
        x1, y1 = max(wx1, dx1) + pad, max(wy1, dy1) + pad
        cx, cy = self.to_layout(self.width / 2, self.height / 2)
        corners = [f'pagecorner0 [shape=point style=invis width=0 height=0 pos="{x0:.3f},{y0:.3f}"]',
                   f'pagecorner1 [shape=point style=invis width=0 height=0 pos="{x1:.3f},{y1:.3f}"]']
        attributes = {
            "outputorder": "edgesfirst", "bgcolor": "white", "margin": "0", "pad": "0",
            "viewport": f"{self.width:.3f},{self.height:.3f},{self.zoom:.6f},{cx - x0:.3f},{cy - y0:.3f}",
        }
        return graph_source(corners + lines, attributes, name=name)


def panel(page: Page, name: str, box: tuple[float, float, float, float], fill: str, label: str = " ",
          line: str | None = None) -> str:
    """A filled rectangle in page points ``(x0, y0, x1, y1)`` (covering the drawing under it)."""
    x0, y0, x1, y1 = box
    border = f'color="{line}"' if line else f'color="{fill}"'
    return page.node(name, (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, label,
                     attributes=f'shape=box style="filled" fillcolor="{fill}" {border} penwidth=0.5')

