"""A layout on sheets of paper: how large to print it, and where to cut it when one sheet is not enough.

:func:`plan` decides, before anything is drawn, the zoom and the parts of a drawing on one paper
size: as large as fits one page (up to :data:`LARGEST_ZOOM`), never so small that its smallest
text prints under :data:`SMALLEST_PRINT` points; when that needs more than one page, the drawing
is cut between columns and rows of boxes, never through one: a cut goes through a gap between
boxes (and between name-scope boxes where there is one); where no gap is near enough, a box on the
cut is left whole for the next part.  Each part repeats a thin strip of its neighbour's side of
the cut (:data:`STRIP`), and :func:`crossings` says where edges cross a cut, so a page can mark
them "continued on page N".

Coordinates: layout points (Graphviz's, ``y`` up) for the drawing, page points for the paper.

>>> from viz.walk.layout import Layout
>>> boxes = {f"n{k}": {"x": 100.0 + 200 * k, "y": 50.0, "width": 1.0, "height": 0.5} for k in range(5)}
>>> layout = Layout((0, 0, 1000, 100), nodes=boxes)
>>> sheet = plan(layout, (595.28, 841.89), smallest=12.0, margin=36, header=40)
>>> sheet.pages, round(sheet.zoom, 3)      # a 1000 pt wide drawing, portrait: 8 pt needs two parts
(2, 0.667)
>>> [round(a) for a, _ in sheet.columns]    # the cut falls in a gap between two boxes
[0, 763]
"""

from __future__ import annotations

from dataclasses import dataclass

from .walk.framing import wire_points
from .walk.layout import Layout, inside

__all__ = ["CLEARANCE", "LARGEST_ZOOM", "SMALLEST_PRINT", "STRIP", "Sheet", "crossings", "plan"]

#: Nothing on a sheet prints smaller than this many points.
SMALLEST_PRINT = 8.0
#: A small drawing is printed up to this much larger than laid out.
LARGEST_ZOOM = 1.6
#: The strip of the next part a page repeats beyond a cut, in page points.
STRIP = 14.0
#: Page points kept between a cut and any box or edge's words (the marks on a cut are drawn there).
CLEARANCE = 5.5

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Sheet:
    """A drawing on paper: ``paper`` (width, height) in points, ``zoom`` (page points per layout
    point), ``area`` the printable box on the page (page points), ``columns`` the parts' spans
    across (layout x, left to right) and ``rows`` down (layout y, top to bottom: high to low)."""

    paper: tuple[float, float]
    zoom: float
    area: Box
    columns: tuple[tuple[float, float], ...]
    rows: tuple[tuple[float, float], ...]
    parts: tuple[tuple[int, int], ...] = ()

    @property
    def pages(self) -> int:
        """How many pages one copy of the drawing takes: its parts that show a box."""
        return len(self.parts)

    @property
    def strip(self) -> float:
        """The repeated strip beyond a cut, in layout points (none on a single page)."""
        return STRIP / self.zoom if len(self.columns) * len(self.rows) > 1 else 0.0

    def page_of(self, box: Box) -> int | None:
        """The index of the first page that shows ``box`` whole (None: none does)."""
        return next((k for k, (column, row) in enumerate(self.parts) if inside(box, self.window(column, row))), None)

    def window(self, column: int, row: int) -> Box:
        """The part of the layout page ``(column, row)`` shows: its part and a strip beyond each
        cut (the page is filled from its top left corner)."""
        (x0, x1), (y1, y0) = self.columns[column], self.rows[row]
        strip = self.strip
        left = x0 - (strip if column > 0 else 0.0)
        top = y1 + (strip if row > 0 else 0.0)
        right = x1 + (strip if column < len(self.columns) - 1 else 0.0)
        bottom = y0 - (strip if row < len(self.rows) - 1 else 0.0)
        ax0, ay0, ax1, ay1 = self.area
        return (left, max(bottom, top - (ay1 - ay0) / self.zoom), min(right, left + (ax1 - ax0) / self.zoom), top)


def plan(layout: Layout, paper: tuple[float, float], *, smallest: float, margin: float, header: float,
         scopes: list[Box] | None = None) -> Sheet:
    """How ``layout`` goes on ``paper`` (see the module's docstring): ``smallest`` is its smallest
    text in layout points; ``margin`` and ``header`` (page points) are kept free of the drawing;
    ``scopes`` are the name-scope boxes a cut should rather not go through."""
    width, height = paper
    area = (margin, margin, width - margin, height - margin - header)
    area_w, area_h = area[2] - area[0], area[3] - area[1]
    x0, y0, x1, y1 = layout.bb
    least = (SMALLEST_PRINT + 0.01) / smallest
    fit = min(area_w / max(x1 - x0, 1.0), area_h / max(y1 - y0, 1.0), LARGEST_ZOOM)
    if fit >= least:
        return Sheet(paper, fit, area, ((x0, x1),), ((y1, y0),), ((0, 0),))
    zoom = least
    strip = STRIP / zoom
    boxes = [box for name in layout.nodes if (box := layout.box(name)) is not None]
    boxes += [words for name in layout.edges if (words := layout.label_box(name)) is not None]
    scopes = scopes or []
    clearance = CLEARANCE / zoom
    columns = _cuts([(b[0], b[2]) for b in boxes], [(s[0], s[2]) for s in scopes], x0, x1, area_w / zoom, strip,
                    clearance)
    flipped = _cuts([(-b[3], -b[1]) for b in boxes], [(-s[3], -s[1]) for s in scopes], -y1, -y0, area_h / zoom,
                    strip, clearance)
    rows = tuple((-a, -b) for a, b in flipped)
    grid = Sheet(paper, zoom, area, columns, rows)
    shown = [box for name in layout.nodes if (box := layout.box(name)) is not None]
    parts = tuple((column, row) for row in range(len(rows)) for column in range(len(columns))
                  if any(inside(box, grid.window(column, row)) for box in shown))
    return Sheet(paper, zoom, area, columns, rows, parts)


def _cuts(spans: list[tuple[float, float]], scopes: list[tuple[float, float]], low: float, high: float,
          page: float, strip: float, clearance: float) -> tuple[tuple[float, float], ...]:
    """Parts ``(start, end)`` covering ``low`` to ``high``, each as long as a ``page`` less a
    ``strip`` at each cut, cut in gaps between ``spans`` at least ``clearance`` from any (outside
    ``scopes`` where that costs less than a fifth of a part), a span on no gap left whole for the
    next part."""
    blocked = _merged(spans)
    parts = []
    start = low
    while high - start > page - (strip if start > low else 0.0):  # the rest is not the last part
        room = max(page - strip * (2 if start > low else 1), 1.0)
        limit = start + room
        earliest = start + room / 3
        places = []
        for a, b in _gaps(blocked, low, high):
            lo, hi = max(a + clearance, earliest), min(b - clearance, limit)
            if lo <= hi:  # as far along as the gap allows
                inside = any(s0 < hi < s1 for s0, s1 in scopes)
                places.append((hi - (room / 5 if inside else 0.0), hi))
        if places:
            cut = max(places)[1]
            parts.append((start, cut))
            start = cut
            continue
        # no gap: the spans on the cut go whole to the next part (unless one is longer than a part)
        straddling = [a for a, b in blocked if a < limit < b]
        following = min(straddling) - clearance if straddling else limit
        following = following if following > start + 1 else limit
        parts.append((start, following))
        start = following
    parts.append((start, high))
    return tuple(parts)


def _merged(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _gaps(blocked: list[tuple[float, float]], low: float, high: float) -> list[tuple[float, float]]:
    edges = [low] + [v for span in blocked for v in span] + [high]
    return [(edges[k], edges[k + 1]) for k in range(0, len(edges) - 1, 2) if edges[k + 1] > edges[k]]


def crossings(layout: Layout, axis: str, at: float, span: tuple[float, float]) -> list[tuple[float, str]]:
    """Where edges cross the line ``x = at`` (``axis="x"``) or ``y = at`` (``"y"``) within
    ``span`` of the other coordinate: the other coordinate of each crossing, and the edge.

    >>> layout = Layout((0, 0, 100, 100), edges={"e1.0": {"pos": "e,90,50 10,50 40,50 60,50 80,50"}})
    >>> crossings(layout, "x", 50.0, (0.0, 100.0))
    [(50.0, 'e1.0')]
    """
    found = []
    k = 0 if axis == "x" else 1
    for name in layout.edges:
        points = wire_points(layout, name)
        for a, b in zip(points, points[1:]):
            if (a[k] - at) * (b[k] - at) < 0:
                t = (at - a[k]) / (b[k] - a[k])
                other = a[1 - k] + t * (b[1 - k] - a[1 - k])
                if span[0] <= other <= span[1]:
                    found.append((round(other, 2), name))
    return sorted(found)
