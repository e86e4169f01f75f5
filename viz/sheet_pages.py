"""The pages of one side of a worksheet (the exercise, or the key), drawn from its paper plan.

Each page shows its part of the one layout (:class:`viz.paper.Sheet`), pinned where Graphviz put
it, and only what it shows whole: a box or an edge's words that a cut would halve are left to
the page that shows them whole.  Beyond each cut the page repeats a thin strip of its neighbour,
draws the cut as a dashed line, and marks every edge crossing it with the page it continues on;
the line under the heading says which part of how many the page is, and (when the sheet was
folded to fit) how to unfold it.

>>> from autograd_core import Value, topological_order
>>> from viz.walk.frames import still
>>> from viz.walk.layout import lay_out
>>> from viz.walk.picture import Picture
>>> from viz.paper import plan
>>> x = Value(3.0, name="x"); y = x * 2; y.backward()
>>> order = topological_order(y)
>>> picture = Picture.of(order)
>>> frame = still(order)
>>> layout = lay_out(picture, picture.scene(frame))
>>> sheet = plan(layout, (595.28, 841.89), smallest=10, margin=MARGIN, header=HEADER)
>>> [source.startswith("digraph sheet1") for source in sheet_pages(picture, frame, layout, sheet, "x times 2")]
[True]
"""

from __future__ import annotations

from html import escape

from .palette import MUTED, PANEL_FILL, SOFT_TEXT
from .paper import SMALLEST_PRINT, Sheet, crossings
from .walk.dot import LARGE_GRAPH, Options, body
from .walk.frames import Frame
from .walk.layout import Layout
from .walk.page import Page, panel
from .walk.picture import Picture
from .walk.pinned import window_keep

__all__ = ["HEADER", "MARGIN", "NOTE", "sheet_pages"]

#: The margin around every page, in points (8.5 mm: inside what printers print).
MARGIN = 24.0
#: The heading's height above the drawing.
HEADER = 28.0
#: The height of the line under the heading (which part, what was folded), when there is one: room
#: for it to wrap once.
NOTE = 22.0
#: Page points the white beyond a page's window keeps off it (a box's border is drawn astride its edge).
PEN = 3.0
#: The size of the marks on a cut ("p. 2"), of the note, and of the heading.
MARK_POINTS = 8.0
NOTE_POINTS = 9.0
HEADING_POINTS = 13.0


def sheet_pages(picture: Picture, frame: Frame, layout: Layout, sheet: Sheet, heading: str, *,
                note: str | None = None, first: int = 1) -> list[str]:
    """The DOT source of every page of one side of the sheet, in order (left to right, top to
    bottom); ``first`` is the number of the first page in the file (the marks on a cut name the
    pages they continue on)."""
    width, height = sheet.paper
    ax0, ay0, ax1, ay1 = sheet.area
    # the exercise asks for gradients: its edges say no local derivative either (the key does)
    scene = picture.scene(frame, show_local=not frame.asked)
    attribute = "label" if picture.drawn_count <= LARGE_GRAPH else "xlabel"
    options = Options(label_attribute=attribute, ranks=False, outlines=True)
    sources = []
    for k, (column, row) in enumerate(sheet.parts):
        number = first + k
        window = sheet.window(column, row)
        # one page: the drawing in the middle; a part of many: its top left corner at the area's
        centre = ((window[0] + window[2]) / 2, (window[1] + window[3]) / 2) if sheet.pages == 1 else (
            window[0] + (ax1 - ax0) / sheet.zoom / 2, window[3] - (ay1 - ay0) / sheet.zoom / 2)
        page = Page(width, height, sheet.zoom, centre, ((ax0 + ax1) / 2, (ay0 + ay1) / 2))
        lines = body(picture, scene, options, pinned=layout, keep=window_keep(layout, window, whole=True))
        (px0, py0), (px1, py1) = page.to_page(window[0], window[1]), page.to_page(window[2], window[3])
        # white over everything beyond the window (the lines of edges that leave it, the margins),
        # a little off it: the border of a box on the window's edge is drawn whole
        w0, v0, w1, v1 = px0 - PEN, py0 - PEN, px1 + PEN, py1 + PEN
        for name, box in (("maskl", (0, 0, w0, height)), ("maskr", (w1, 0, width, height)),
                          ("maskb", (0, 0, width, v0)), ("maskt", (0, v1, width, height))):
            if box[2] - box[0] > 0.5 and box[3] - box[1] > 0.5:
                lines.append(panel(page, name, box, "white"))
        lines += _cuts(page, layout, sheet, column, row, first, (px0, py0, px1, py1))
        part = f"part {k + 1} of {sheet.pages} (page {number})" if sheet.pages > 1 else ""
        lines += _heading(page, heading, " · ".join(words for words in (part, note) if words))
        sources.append(page.source(lines, drawing=layout.bb, name=f"sheet{number}"))
    return sources


def _heading(page: Page, heading: str, note: str | None) -> list[str]:
    width, height = page.width, page.height
    top = height - MARGIN
    rows, size = fitted(heading, width - 2 * MARGIN, HEADING_POINTS)
    label = "<br/>".join(f'<font point-size="{page.size(size)}"><b>{escape(row)}</b></font>' for row in rows)
    lines = [page.node("heading", width / 2, top - HEADER / 2, width - 2 * MARGIN, HEADER, label,
                       attributes="shape=plaintext")]
    rule = top - HEADER + 4
    if note:
        rows, size = fitted(note, width - 2 * MARGIN, NOTE_POINTS, SMALLEST_PRINT)
        lines.append(page.node("note", width / 2, top - HEADER - NOTE / 2 + 4, width - 2 * MARGIN, NOTE,
                               page.text(rows, size, colour=SOFT_TEXT, align="center"),
                               attributes="shape=plaintext"))
        rule -= NOTE
    lines.append(page.node("rule", width / 2, rule, width - 2 * MARGIN, 1.5, " ",
                           attributes=f'shape=box style=filled fillcolor="{PANEL_FILL}" color="{PANEL_FILL}"'))
    return lines


def fitted(text: str, width: float, largest: float, smallest: float = 9.0) -> tuple[list[str], float]:
    """``text`` as one line as large as fits ``width`` points (up to ``largest``), or, where even
    ``smallest`` does not fit, as two lines broken at a space.

    >>> fitted("Backprop through price: answer key", 500, 13)
    (['Backprop through price: answer key'], 13)
    >>> fitted("a " * 60, 300, 13)[1]
    9.0
    """
    letter = 0.56  # a bold sans-serif letter's width, as a share of its size
    size = min(largest, width / (letter * max(len(text), 1)))
    if size >= smallest:
        return [text], size
    middle = len(text) // 2
    spaces = [k for k, c in enumerate(text) if c == " "]
    if not spaces:
        return [text], smallest
    cut = min(spaces, key=lambda k: abs(k - middle))
    rows = [text[:cut].rstrip(), text[cut + 1:].lstrip()]
    return rows, max(smallest, min(largest, width / (letter * max(map(len, rows)))))


def _cuts(page: Page, layout: Layout, sheet: Sheet, column: int, row: int, first: int,
          shown: tuple[float, float, float, float]) -> list[str]:
    """The cuts of page ``(column, row)``: each a dashed line with its words ("continued on page
    3"), and where an edge crosses it, the page that shows the box at its other end."""
    x0, y0, x1, y1 = shown
    window = sheet.window(column, row)
    here = sheet.parts.index((column, row))

    def number(part: tuple[int, int]) -> int | None:
        return first + sheet.parts.index(part) if part in sheet.parts else None

    lines: list[str] = []
    cuts = []  # (name, axis, layout coordinate, the neighbouring part, its arrow)
    if column > 0:
        cuts.append(("l", "x", sheet.columns[column][0], (column - 1, row), "←"))
    if column < len(sheet.columns) - 1:
        cuts.append(("r", "x", sheet.columns[column][1], (column + 1, row), "→"))
    if row > 0:
        cuts.append(("t", "y", sheet.rows[row][0], (column, row - 1), "↑"))
    if row < len(sheet.rows) - 1:
        cuts.append(("b", "y", sheet.rows[row][1], (column, row + 1), "↓"))
    for name, axis, at, neighbour, arrow in cuts:
        other = number(neighbour)  # None: that part shows no box, so it is no page
        words = (f"{arrow} continued from page {other}" if name in ("l", "t") else
                 f"continued on page {other} {arrow}")
        width = 0.55 * MARK_POINTS * len(words) + 6
        if axis == "x":  # its words at the top of the line
            px, _ = page.to_page(at, 0.0)
            lines.append(_dashes(page, f"cut{name}", (px, y0), (px, y1)))
            where = (min(max(px, x0 + width / 2), x1 - width / 2), y1 - MARK_POINTS)
            span = (window[1], window[3])
        else:  # in the middle of the line: the corners hold the others'
            _, py = page.to_page(0.0, at)
            lines.append(_dashes(page, f"cut{name}", (x0, py), (x1, py)))
            where = ((x0 + x1) / 2, py)
            span = (window[0], window[2])
        if other is not None:
            lines.append(_tag(page, f"cutwords{name}", where, words, width))
        marks: list[tuple[float, int]] = []
        for along, edge in crossings(layout, axis, at, span):
            target = _far_end(layout, sheet, edge, axis, at, name in ("r", "t"))
            if target is None or target == here:
                continue
            if marks and marks[-1][1] == target and along - marks[-1][0] < 14:
                continue  # one mark for wires close together going to the same page
            marks.append((along, target))
        for k, (along, target) in enumerate(marks):
            point = page.to_page(at, along) if axis == "x" else page.to_page(along, at)
            text = f"p. {first + target}"
            lines.append(_tag(page, f"cut{name}{k}", point, text, 0.55 * MARK_POINTS * len(text) + 6))
    return lines


def _far_end(layout: Layout, sheet: Sheet, edge: str, axis: str, at: float, beyond_is_greater: bool) -> int | None:
    """The page (an index into the sheet's parts) showing the box at the end of ``edge`` that lies
    beyond the cut at ``at``."""
    k = 0 if axis == "x" else 1
    for end in layout.ends(edge):
        box = layout.box(end) if end else None
        if box is None:
            continue
        centre = (box[k] + box[k + 2]) / 2
        if (centre > at) == beyond_is_greater:
            return sheet.page_of(box)
    return None


def _dashes(page: Page, name: str, start: tuple[float, float], end: tuple[float, float]) -> str:
    """A dashed line between two page points: an edge between two invisible points."""
    ends = [page.node(f"{name}{k}", x, y, 0.1, 0.1, " ", attributes="shape=point style=invis")
            for k, (x, y) in enumerate((start, end))]
    return "\n\t".join(ends + [f'{name}0 -> {name}1 [style=dashed arrowhead=none color="{MUTED}" penwidth=0.8]'])


def _tag(page: Page, name: str, at: tuple[float, float], text: str, width: float) -> str:
    """Small words in a white box at page point ``at``."""
    label = f'<font point-size="{page.size(MARK_POINTS)}" color="{SOFT_TEXT}">{escape(text)}</font>'
    return page.node(name, at[0], at[1], width, MARK_POINTS * 1.3, label,
                     attributes='shape=box style="rounded,filled" fillcolor="white" color="#d0d0d4" penwidth=0.5')
